"""What a photo does to writing, and cutting the result into glyphs as reading does.

Training glyphs go through the reader's own :func:`~.card.ink_mask` and
:func:`~.card.split_glyphs`, so that what the classifier learns from is cut exactly as what it
will read. Before that, :func:`degrade` treats a drawing as a camera and a card would: the
paper seen at an angle, uneven light, focus blur, sensor noise, JPEG, ink that spread or
faded, and small cards enlarged for reading.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from caesar.cases.reading.card import Glyph, ink_mask, split_glyphs
from caesar.cases.reading.hands import Drawing


def degrade(drawing: Drawing, rng: np.random.Generator) -> Drawing:
    """`drawing` through a random few of the ways a photo spoils writing."""
    steps: list[tuple[float, Callable[[Drawing, np.random.Generator], Drawing]]] = [
        (0.5, _perspective), (0.3, _ink_width), (0.4, _lighting), (0.3, _enlarged),
        (0.6, _blur), (0.5, _noise), (0.4, _jpeg),
    ]
    for chance, step in steps:
        if rng.random() < chance:
            drawing = step(drawing, rng)
    return drawing


def cut(drawing: Drawing, rng: np.random.Generator) -> list[Glyph]:
    """The glyphs reading would cut from a line holding `drawing`.

    The line is as tall as the digits, or taller where neighbours reach higher or lower (a
    label's letters, a slash), as it is in a real line.
    """
    mask = ink_mask(drawing.image)
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return []
    top, bottom = drawing.band
    span = bottom - top
    if rng.random() < 0.3:
        top -= round(rng.uniform(0.0, 0.35) * span)
    if rng.random() < 0.3:
        bottom += round(rng.uniform(0.0, 0.35) * span)
    top, bottom = max(0, min(top, int(rows[0]))), max(bottom, int(rows[-1]) + 1)
    return split_glyphs(mask[top:bottom])


def _perspective(drawing: Drawing, rng: np.random.Generator) -> Drawing:
    h, w = drawing.image.shape
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    moved = (corners + rng.uniform(-0.07, 0.07, (4, 2)) * (w, h)).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(corners, moved)
    image = cv2.warpPerspective(drawing.image, matrix, (w, h), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REPLICATE)
    # The band follows the warp where the glyph is: at the picture's middle column.
    ends = cv2.perspectiveTransform(np.array([[[w / 2, drawing.band[0]],
                                              [w / 2, drawing.band[1]]]], np.float32),
                                    matrix)[0]
    return Drawing(image, (round(float(ends[0, 1])), round(float(ends[1, 1]))))


def _ink_width(drawing: Drawing, rng: np.random.Generator) -> Drawing:
    # Erosion spreads dark ink (a wet pen, blotting paper); dilation thins it (a dry pen).
    size = 2 if drawing.band[1] - drawing.band[0] < 40 else 3
    kernel = np.ones((size, size), np.uint8)
    spread = rng.random() < 0.6
    image = cv2.erode(drawing.image, kernel) if spread else cv2.dilate(drawing.image, kernel)
    return Drawing(image, drawing.band)


def _lighting(drawing: Drawing, rng: np.random.Generator) -> Drawing:
    h, w = drawing.image.shape
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:h, 0:w]
    ramp = (np.cos(angle) * xs / w + np.sin(angle) * ys / h)
    ramp = (ramp - ramp.min()) / max(1e-6, float(np.ptp(ramp)))
    light = 1.0 - rng.uniform(0.05, 0.3) * ramp
    return Drawing(np.clip(drawing.image * light, 0, 255).astype(np.uint8), drawing.band)


def _enlarged(drawing: Drawing, rng: np.random.Generator) -> Drawing:
    # A small card is enlarged before reading: the digits were once only a few pixels high.
    h, w = drawing.image.shape
    digits = drawing.band[1] - drawing.band[0]
    if digits < 14:
        return drawing
    factor = rng.uniform(max(0.3, 9 / digits), 0.8)  # down to digits 9 pixels high
    small = cv2.resize(drawing.image, (max(4, round(w * factor)), max(4, round(h * factor))),
                       interpolation=cv2.INTER_AREA)
    return Drawing(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), drawing.band)


def _blur(drawing: Drawing, rng: np.random.Generator) -> Drawing:
    sigma = rng.uniform(0.3, 1.0) * max(1.0, (drawing.band[1] - drawing.band[0]) / 30)
    return Drawing(cv2.GaussianBlur(drawing.image, (0, 0), sigma), drawing.band)


def _noise(drawing: Drawing, rng: np.random.Generator) -> Drawing:
    noisy = drawing.image + rng.normal(0, rng.uniform(2, 14), drawing.image.shape)
    return Drawing(np.clip(noisy, 0, 255).astype(np.uint8), drawing.band)


def _jpeg(drawing: Drawing, rng: np.random.Generator) -> Drawing:
    quality = int(rng.integers(15, 80))
    ok, data = cv2.imencode(".jpg", drawing.image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if ok else None
    return drawing if decoded is None else Drawing(decoded, drawing.band)
