"""Finding the white card in a photo, straightening it, and cutting it into lines and glyphs.

A card is paper: bright and nearly colourless, a rectangle (tilted a little) large enough to
carry three lines of digits. It is looked for at a small scale, where this costs a few
milliseconds, so that the many photos without a card are passed over quickly; only a card
found is straightened (from its minimum-area rectangle) and read at full resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

# The search runs on an image about this wide; a card fills at least ~1% of a photo's area.
_SEARCH_WIDTH = 320
_MIN_AREA = 0.008  # of the image
_MIN_FILL = 0.82  # of its minimum-area rectangle: paper is a rectangle, blobs are not
_ASPECT = (1.05, 2.2)
_READ_HEIGHT = 240  # a card is read at least this many pixels high


@dataclass(frozen=True)
class Card:
    """A card found in a photo: its straightened grey image and where it is."""

    image: np.ndarray  # uint8 grey, upright, paper bright and ink dark
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the photo's pixels
    angle: float  # degrees it was turned by to straighten it


@dataclass(frozen=True)
class Place:
    """Where a card lies, in the coordinates of the image it was found in."""

    centre: tuple[float, float]
    size: tuple[float, float]  # long side, short side
    angle: float  # degrees that turn the card upright

    def scaled(self, factor: float) -> Place:
        """The same place in an image `factor` times as large."""
        return Place((self.centre[0] * factor, self.centre[1] * factor),
                     (self.size[0] * factor, self.size[1] * factor), self.angle)


def locate(rgb: np.ndarray) -> Place | None:
    """The largest card-like rectangle of paper in an RGB image (searched at a small scale)."""
    height, width = rgb.shape[:2]
    scale = _SEARCH_WIDTH / width if width > _SEARCH_WIDTH else 1.0
    small = cv2.resize(rgb, (round(width * scale), round(height * scale)),
                       interpolation=cv2.INTER_AREA) if scale < 1 else rgb
    red, green, blue = cv2.split(small)
    low = cv2.min(cv2.min(red, green), blue)
    spread = cv2.subtract(cv2.max(cv2.max(red, green), blue), low)
    bright = ((low >= 190) & (spread <= 32)).astype(np.uint8)
    paper = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(paper, connectivity=8)
    best: tuple[float, Any] | None = None  # (area, OpenCV's rotated rectangle)
    for label in range(1, count):
        area = stats[label, cv2.CC_STAT_AREA]
        if area < _MIN_AREA * small.shape[0] * small.shape[1]:
            continue
        points = cv2.findNonZero((labels == label).astype(np.uint8))
        rect = cv2.minAreaRect(points)
        (w, h) = rect[1]
        if w < 1 or h < 1:
            continue
        aspect = max(w, h) / min(w, h)
        if area / (w * h) < _MIN_FILL or not _ASPECT[0] <= aspect <= _ASPECT[1]:
            continue
        if best is None or area > best[0]:
            best = (area, rect)
    if best is None:
        return None
    (cx, cy), (w, h), angle = best[1]
    # Turn the rectangle so that its long side is level, by the smallest rotation (cards are
    # photographed roughly upright; OpenCV versions differ in the range of minAreaRect's angle).
    if w < h:
        w, h, angle = h, w, angle + 90
    angle = (angle + 90) % 180 - 90
    return Place((cx / scale, cy / scale), (w / scale, h / scale), float(angle))


def straighten(rgb: np.ndarray, place: Place) -> Card | None:
    """Cut the card at `place` out of the photo, upright, enlarged for reading if small."""
    height, width = rgb.shape[:2]
    (cx, cy), (w, h) = place.centre, place.size
    # Only the card's neighbourhood is turned: the whole photo would cost ten times as much.
    reach = int(np.hypot(w, h) / 2) + 4
    nx0, ny0 = max(0, int(cx) - reach), max(0, int(cy) - reach)
    nx1, ny1 = min(width, int(cx) + reach), min(height, int(cy) + reach)
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[ny0:ny1, nx0:nx1]), cv2.COLOR_RGB2GRAY)
    centre = (cx - nx0, cy - ny0)
    turn = cv2.getRotationMatrix2D(centre, place.angle, 1.0)
    upright = cv2.warpAffine(grey, turn, (grey.shape[1], grey.shape[0]),
                             flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    inset = 0.04  # keep the card's faint edge out of the crop
    x0, x1 = round(centre[0] - w * (0.5 - inset)), round(centre[0] + w * (0.5 - inset))
    y0, y1 = round(centre[1] - h * (0.5 - inset)), round(centre[1] + h * (0.5 - inset))
    crop = upright[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
    if crop.shape[0] < 12 or crop.shape[1] < 12:
        return None
    if crop.shape[0] < _READ_HEIGHT:
        # Digits a dozen pixels high touch once thresholded; enlarged first, they stay apart.
        factor = _READ_HEIGHT / crop.shape[0]
        crop = cv2.resize(crop, (round(crop.shape[1] * factor), _READ_HEIGHT),
                          interpolation=cv2.INTER_CUBIC)
    corners = cv2.boxPoints(((cx, cy), (w, h), -place.angle))
    bx0, by0 = corners.min(axis=0)
    bx1, by1 = corners.max(axis=0)
    box = (max(0, int(bx0)), max(0, int(by0)), min(width, int(bx1) + 1),
           min(height, int(by1) + 1))
    return Card(crop, box, place.angle)


def find_card(rgb: np.ndarray) -> Card | None:
    """The card in an RGB photo, straightened; None when there is none."""
    place = locate(rgb)
    return straighten(rgb, place) if place is not None else None


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

    Strokes that overlap horizontally (a broken stroke, a dot above) count as one glyph.
    """
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
    found = []
    for x0, x1 in _split_wide(line, merged):
        column = line[:, x0:x1]
        rows = np.flatnonzero(column.any(axis=1))
        if rows.size == 0:
            continue
        image = column[rows[0]:rows[-1] + 1]
        found.append(Glyph(image, x0, image.shape[0] / height,
                           (rows[0] + rows[-1] + 1) / 2 / height))
    return found


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
        out += [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    return out
