"""Straightening a line of writing out of a photo, and cutting it into glyphs.

A line found by :mod:`.regions` is cut out of the photo upright (turned by its own tilt), and
enlarged when its characters are small: digits a dozen pixels high touch once thresholded;
enlarged first, they stay apart. Its ink is then cut into glyphs, left to right.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

from caesar.cases.reading.regions import TextLine

_READ_HEIGHT = 96  # a line is read at least this many pixels high
_MIN_CONTRAST = 18  # grey levels between ink and its ground, at the least
_PAD_ACROSS, _PAD_ALONG = 0.45, 1.0  # a line is cut out with this much room, in its heights


@dataclass(frozen=True)
class Card:
    """Something cut out of a photo upright: its grey image, and the way back to the photo."""

    image: np.ndarray  # uint8 grey, upright, ground bright and ink dark
    angle: float  # degrees it was turned by to straighten it
    to_photo: np.ndarray  # 2x3 affine map from this image's pixels to the photo's

    def box_of(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        """The photo's upright box around a rectangle of this image."""
        corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], float)
        points = corners @ self.to_photo.T
        (px0, py0), (px1, py1) = points.min(axis=0), points.max(axis=0)
        return int(px0), int(py0), int(np.ceil(px1)), int(np.ceil(py1))


@dataclass(frozen=True)
class Place:
    """Where something lies, in the coordinates of the image it was found in."""

    centre: tuple[float, float]
    size: tuple[float, float]  # along, across
    angle: float  # degrees that turn it level (OpenCV's sense: counter-clockwise positive)


def straighten(rgb: np.ndarray, place: Place, *, read_height: int = _READ_HEIGHT
               ) -> Card | None:
    """Cut what lies at `place` out of the photo, upright, enlarged for reading if small."""
    height, width = rgb.shape[:2]
    (cx, cy), (w, h) = place.centre, place.size
    # Only the neighbourhood is turned: the whole photo would cost ten times as much.
    reach = int(np.hypot(w, h) / 2) + 4
    nx0, ny0 = max(0, int(cx) - reach), max(0, int(cy) - reach)
    nx1, ny1 = min(width, int(cx) + reach), min(height, int(cy) + reach)
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[ny0:ny1, nx0:nx1]), cv2.COLOR_RGB2GRAY)
    centre = (cx - nx0, cy - ny0)
    turn = cv2.getRotationMatrix2D(centre, place.angle, 1.0)
    upright = cv2.warpAffine(grey, turn, (grey.shape[1], grey.shape[0]),
                             flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    x0, x1 = round(centre[0] - w / 2), round(centre[0] + w / 2)
    y0, y1 = round(centre[1] - h / 2), round(centre[1] + h / 2)
    x0, y0 = max(0, x0), max(0, y0)
    crop = upright[y0:max(y0, y1), x0:max(x0, x1)]
    if crop.shape[0] < 8 or crop.shape[1] < 8:
        return None
    factor = 1.0
    if crop.shape[0] < read_height:
        factor = read_height / crop.shape[0]
        crop = cv2.resize(crop, (round(crop.shape[1] * factor), read_height),
                          interpolation=cv2.INTER_CUBIC)
    # crop pixel -> upright pixel -> neighbourhood pixel -> photo pixel
    to_upright = np.array([[1 / factor, 0, x0], [0, 1 / factor, y0], [0, 0, 1]])
    back = np.vstack([cv2.invertAffineTransform(turn), [0, 0, 1]])
    to_photo = (np.array([[1, 0, nx0], [0, 1, ny0], [0, 0, 1]]) @ back @ to_upright)[:2]
    return Card(crop, place.angle, to_photo)


@dataclass(frozen=True)
class InkedLine:
    """A line of writing cut out upright, with its ink as a 0/1 mask of its own band."""

    card: Card  # the padded, upright cut; its image is grey
    band: tuple[int, int]  # the rows of the card that hold the line's glyphs
    mask: np.ndarray  # 0/1 ink of those rows


def cut_out(rgb: np.ndarray, line: TextLine) -> Card | None:
    """The line cut out of the photo upright and padded all round (its ink may reach beyond
    the box it was found in), enlarged for reading if small."""
    size = (line.length + 2 * _PAD_ALONG * line.height, line.height * (1 + 2 * _PAD_ACROSS))
    return straighten(rgb, Place(line.centre, size, line.angle))


def ink_line(card: Card, *, strictness: float = 1.0) -> InkedLine | None:
    """The ink of a line cut out by :func:`cut_out`; None where no ink stands out from its
    ground. `strictness` scales the threshold Otsu's method finds between ink and ground."""
    mask = _ink(card.image, card.image.shape[0] / (1 + 2 * _PAD_ACROSS), strictness)
    band = _band(mask)
    if band is None:
        return None
    return InkedLine(card, band, mask[band[0]:band[1]])


def _ink(grey: np.ndarray, height: float, strictness: float = 1.0) -> np.ndarray:
    """Ink as a 0/1 mask: strokes darker than the ground right around them, whatever the
    ground (paper, tape or skin, evenly lit or not)."""
    size = max(9, int(height * 0.8)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    ground = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, kernel)  # the strokes filled in
    # How much darker than its own ground each pixel is, as a share of that ground (Weber
    # contrast), in grey levels as on white paper: one ink makes the same mark on paper and
    # on darker skin or tape, and the contrast floor is the same for both.
    contrast = np.clip((ground.astype(np.float32) - grey) * (255 / np.maximum(ground, 1.0)), 0,
                  255).astype(np.uint8)
    threshold, _ = cv2.threshold(contrast, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if threshold < _MIN_CONTRAST:
        return np.zeros(contrast.shape, np.uint8)  # nothing clearly darker than its ground
    mask = (contrast > threshold * strictness).astype(np.uint8)
    # The crop is padded all round: ink reaching its border is what lies beyond the line
    # (a card's edge, a neighbouring line), and would make the line look taller than it is.
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    h, w = mask.shape
    x, y, bw, bh = (stats[:, i] for i in range(4))
    edge = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    edge[0] = False
    return np.where(edge[labels], 0, mask).astype(np.uint8)


def _band(mask: np.ndarray) -> tuple[int, int] | None:
    """The row range of the line the crop was made for: the band of ink nearest its middle
    (a neighbouring line may reach into the crop)."""
    bands = text_lines(mask)
    if not bands:
        return None
    middle = mask.shape[0] / 2
    return min(bands, key=lambda b: abs((b[0] + b[1]) / 2 - middle))


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Dark strokes on paper as a 0/1 mask (Otsu's threshold, with a floor for blank paper)."""
    threshold, mask = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if threshold > 200 or float(np.median(grey)) - threshold < 25:
        return np.zeros_like(grey)  # no ink darker than the paper by a clear margin
    return mask


def text_lines(mask: np.ndarray) -> list[tuple[int, int]]:
    """Row ranges (top, bottom) of the lines of ink, top to bottom."""
    rows = mask.sum(axis=1)
    inked = rows > max(1, mask.shape[1] * 0.01)
    lines: list[tuple[int, int]] = []
    start: int | None = None
    for y, on in enumerate(inked):
        if on and start is None:
            start = y
        elif not on and start is not None:
            lines.append((start, y))
            start = None
    if start is not None:
        lines.append((start, len(inked)))
    tallest = max((b - a for a, b in lines), default=0)
    return [(a, b) for a, b in lines if b - a >= tallest * 0.4]


@dataclass(frozen=True)
class Glyph:
    """One connected stroke group of a line, left to right."""

    image: np.ndarray  # 0/1 mask cropped to the glyph
    x: int
    height_ratio: float  # glyph height / line height: tells a zero-dot from a digit
    middle: float = 0.5  # its vertical centre, as a share of the line's height


def split_glyphs(line: np.ndarray) -> list[Glyph]:
    """The glyphs of one line's ink mask, left to right; specks are dropped.

    Strokes that overlap horizontally (a broken stroke, a dot above) count as one glyph, and
    a group of strokes as wide as two or more digits is cut at its thinnest columns.
    """
    found = (glyph_between(line, x0, x1) for x0, x1 in _split_wide(line, stroke_groups(line)))
    return [glyph for glyph in found if glyph is not None]


def stroke_groups(line: np.ndarray) -> list[list[int]]:
    """The column spans [x0, x1) of the line's stroke groups, left to right: its connected
    strokes, specks dropped, with strokes that overlap or nearly touch as one group."""
    height, width = line.shape
    # Thin strokes break when a small card is thresholded; close small vertical gaps first.
    joined = cv2.morphologyEx(line.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 1), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    spans: list[list[int]] = []
    for label in range(1, count):
        x, _y, w, h, area = (int(v) for v in stats[label])
        if area < max(4, height * height * 0.004) or h < height * 0.12:
            continue
        if x == 0 or x + w == width:
            continue  # the card's edge or something beyond it, not a digit
        spans.append([x, x + w])
    spans.sort()
    merged: list[list[int]] = []
    for x0, x1 in spans:
        if merged and _one_glyph(merged[-1], (x0, x1), height):
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return merged


def glyph_between(line: np.ndarray, x0: int, x1: int) -> Glyph | None:
    """The glyph made of the line's ink in columns [x0, x1), or None where there is none."""
    column = line[:, x0:x1]
    rows = np.flatnonzero(column.any(axis=1))
    if rows.size == 0:
        return None
    image = column[rows[0]:rows[-1] + 1]
    height = line.shape[0]
    return Glyph(image, x0, image.shape[0] / height, (rows[0] + rows[-1] + 1) / 2 / height)


def _one_glyph(left: list[int], right: tuple[int, int], height: int) -> bool:
    """Whether two stroke groups are one digit: they overlap, or they nearly touch and would
    together be no wider than a digit (some faces draw a digit in two strokes)."""
    overlap = left[1] - right[0]
    narrower = min(right[1] - right[0], left[1] - left[0])
    return (overlap > 0.3 * narrower
            or (overlap > -0.02 * height and max(left[1], right[1]) - left[0] <= 0.6 * height))


def _split_wide(line: np.ndarray, spans: list[list[int]]) -> list[tuple[int, int]]:
    """Cut a span as wide as two or more digits (digits that touch) at its thinnest columns."""
    height = line.shape[0]
    widths = sorted(x1 - x0 for x0, x1 in spans)
    # A digit is at most about as wide as 0.75 of the line is high; most are narrower.
    typical = min(widths[len(widths) // 2], 0.75 * height) if widths else 0.75 * height
    out: list[tuple[int, int]] = []
    for x0, x1 in spans:
        parts = round((x1 - x0) / typical) if typical > 0 else 1
        if parts < 2 or (x1 - x0) < 1.2 * height:
            out.append((x0, x1))
            continue
        ink = line[:, x0:x1].sum(axis=0).astype(float)
        cuts = [x0]
        for k in range(1, parts):
            centre = (x1 - x0) * k // parts
            window = max(1, (x1 - x0) // (parts * 3))
            lo, hi = max(1, centre - window), min(x1 - x0 - 1, centre + window)
            cuts.append(x0 + lo + int(np.argmin(ink[lo:hi + 1])))
        cuts.append(x1)
        out += [(a, b) for a, b in itertools.pairwise(cuts) if b > a]
    return out
