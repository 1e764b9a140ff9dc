"""Characters typeset in installed fonts, and scanned digits, as drawings to train on.

Fonts are named by file (:data:`~.training.TRAINING_FONTS`) and looked for under the usual
font folders: training never takes "every installed font", since other fonts are installed
to measure the reader on faces it never saw.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from caesar.cases.reading.glyphs import ARABIC_INDIC, WESTERN
from caesar.cases.reading.hands import Drawing

FONT_ROOTS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
_NOTDEF = "\ue000"  # a private-use character: fonts draw their "missing glyph" box for it


def installed_fonts(roots: Iterable[Path] = FONT_ROOTS) -> dict[str, Path]:
    """Every installed font file, by file name."""
    found: dict[str, Path] = {}
    for root in roots:
        if root.is_dir():
            for path in sorted(root.rglob("*.[ot]tf")):
                found.setdefault(path.name, path)
    return found


def digit_fonts(roots: Iterable[Path] = FONT_ROOTS) -> dict[str, list[Path]]:
    """Installed font files that draw all ten digits of each script, by script."""
    found: dict[str, list[Path]] = {"western": [], "arabic_indic": []}
    for path in installed_fonts(roots).values():
        for script, digits in (("western", WESTERN), ("arabic_indic", ARABIC_INDIC)):
            if draws(path, digits):
                found[script].append(path)
    return found


@cache
def draws(path: Path, text: str) -> bool:
    """Whether the font draws every character of `text` as a shape of its own."""
    # A missing glyph is drawn as the font's .notdef box: distinct shapes, none of them that
    # box, means the font really has the characters.
    try:
        font = ImageFont.truetype(str(path), 24, layout_engine=ImageFont.Layout.BASIC)
    except OSError:
        return False
    shapes = [bytes(font.getmask(c)) for c in text]
    return (all(shapes) and len(set(shapes)) == len(shapes)
            and bytes(font.getmask(_NOTDEF)) not in shapes)


def typeset(path: Path, text: str, digits: str, height: int,
            rng: np.random.Generator) -> Drawing:
    """`text` in the font at `path`, its `digits` `height` pixels tall, dark on paper."""
    size = max(6, round(height / _digit_height(path, digits)))
    font = ImageFont.truetype(str(path), size)
    # Pillow types the box as floats; with the basic layout they are whole pixels.
    left, top, right, bottom = (round(v) for v in font.getbbox(text, anchor="ls"))
    margin = height // 2 + 4
    above = max(-top, height) + margin  # rows above the baseline
    canvas_size = (right - left + 2 * margin, above + max(bottom, 0) + margin)
    paper, ink = int(rng.integers(205, 251)), int(rng.integers(5, 90))
    canvas = Image.new("L", canvas_size, paper)
    ImageDraw.Draw(canvas).text((margin - left, above), text, font=font, fill=ink, anchor="ls")
    return Drawing(np.asarray(canvas), (above - height, above))


@cache
def _digit_height(path: Path, digits: str) -> float:
    """Ink height of the font's digits per point of size."""
    font = ImageFont.truetype(str(path), 100)
    _, top, _, bottom = font.getbbox(digits, anchor="ls")
    return max(1, bottom - top) / 100


def scanned(image: np.ndarray, height: int, rng: np.random.Generator) -> Drawing:
    """One of scikit-learn's 8x8 handwritten digits (grey levels 0-16), enlarged so that it is
    `height` pixels tall: each was scaled to fill its box, whose height is the digit's."""
    padded = np.pad(image.astype(float) / 16, 2)  # blank paper around the box
    side = round(height * padded.shape[0] / image.shape[0])
    ink = cv2.resize(padded, (side, side), interpolation=cv2.INTER_CUBIC).clip(0, 1)
    paper, colour = float(rng.uniform(205, 250)), float(rng.uniform(5, 80))
    grey = paper - ink * (paper - colour)
    top = round(height * 2 / image.shape[0])
    return Drawing(grey.astype(np.uint8), (top, top + height))
