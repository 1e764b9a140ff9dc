"""Finding the lines of writing in a photo, wherever they are and whatever they are written on.

Numbers were written with markers on cards of any shape, slips of paper, strips of tape and the
skin itself, in no fixed layout. So nothing here looks for a card: it looks for *writing*, dark
strokes a few pixels wide on something lighter, and for strokes of a similar height that follow
one another along a line, the way characters do. Each such line is a :class:`TextLine`, with
the material it is written on (paper-like or not) judged from what surrounds its strokes.

This is the classic connected-component approach to text detection (strokes from a
morphological black-hat, chained by size and alignment), chosen over a learned detector because
no text-detection model that runs here ships inside a package, and the lines it finds are then
read glyph by glyph by a classifier that knows what digits look like.

Assumptions (docs/cases.md names each with its test):

- ink is darker than what it is written on;
- characters of one line are of a similar height and follow one another along a straight line,
  tilted by at most :data:`MAX_TILT` degrees (a card upside down is not read);
- a character is at least :data:`MIN_HEIGHT` pixels high in a photo scaled to 1,024 pixels on its
  long side, and at most 40% of the photo's height.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

WORK_SIDE = 1024  # lines are looked for in a copy this many pixels on its long side
MIN_HEIGHT = 7  # pixels, at WORK_SIDE
MAX_TILT = 28.0  # degrees
_SCALES = (1.0, 0.5)  # strokes of large writing are too wide for one black-hat kernel
_KERNEL = 15  # black-hat kernel: wider than a stroke at each scale
_LINK_GAP = 1.3  # characters of one line are at most this many heights apart (edge to edge)
_HEIGHT_RATIO = 2.2  # ... and no more than this much taller than one another

Material = Literal["card", "skin"]


@dataclass(frozen=True)
class TextLine:
    """One line of writing: a run of characters along a (possibly tilted) straight line."""

    centre: tuple[float, float]  # in the photo's pixels
    length: float  # along the line
    height: float  # of its characters
    angle: float  # degrees that turn the line level (counter-clockwise positive, as OpenCV)
    parts: int  # connected strokes it was built from
    material: Material  # written on paper, card or tape ("card"), or on the skin
    row: int = 0  # index of the text row it belongs to (segments of one row share it)

    @property
    def box(self) -> tuple[int, int, int, int]:
        """Its upright bounding box in the photo (x0, y0, x1, y1)."""
        corners = cv2.boxPoints((self.centre, (self.length, self.height), self.angle))
        x0, y0 = corners.min(axis=0)
        x1, y1 = corners.max(axis=0)
        return int(x0), int(y0), math.ceil(x1), math.ceil(y1)


@dataclass(frozen=True)
class _Part:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def find_lines(rgb: np.ndarray) -> list[TextLine]:
    """Every line of writing in an RGB photo, top to bottom then left to right."""
    height, width = rgb.shape[:2]
    scale = min(1.0, WORK_SIDE / max(height, width))
    work = (cv2.resize(rgb, (round(width * scale), round(height * scale)),
                       interpolation=cv2.INTER_AREA) if scale < 1 else rgb)
    grey = cv2.cvtColor(np.ascontiguousarray(work), cv2.COLOR_RGB2GRAY)
    found: list[tuple[list[_Part], float]] = []
    for factor in _SCALES:
        image = grey if factor == 1 else cv2.resize(grey, None, fx=factor, fy=factor,
                                                    interpolation=cv2.INTER_AREA)
        parts = _strokes(image, min_height=MIN_HEIGHT if factor == 1 else 12)
        found += [([_Part(p.x / factor, p.y / factor, p.w / factor, p.h / factor)
                    for p in chain], factor) for chain in _chains(parts)]
    lines = _distinct([_line(chain) for chain, _ in found])
    hsv = cv2.cvtColor(np.ascontiguousarray(work), cv2.COLOR_RGB2HSV)
    placed = [_placed(line, hsv, 1 / scale) for line in lines]
    return _rows(placed)


def _strokes(grey: np.ndarray, *, min_height: int) -> list[_Part]:
    """Dark strokes on a lighter ground, as boxes of connected ink, specks left out."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (_KERNEL, _KERNEL))
    hat = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, kernel)
    # Ink is far darker than the ground around it; texture, grain and faint lines are not.
    threshold = max(24.0, float(np.percentile(hat, 99.7)) * 0.3)
    mask = (hat > threshold).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    parts = []
    limit = grey.shape[0] * 0.4
    for x, y, w, h, area in stats[1:count]:
        if h < min_height or h > limit or w > 3.5 * h or area < 10:
            continue
        if not 0.08 <= area / (w * h) <= 0.95:
            continue
        parts.append(_Part(float(x), float(y), float(w), float(h)))
    return parts


def _chains(parts: list[_Part]) -> list[list[_Part]]:
    """Strokes linked to their neighbours along a line; a chain of one wide stroke counts
    (digits that touch), a lone narrow stroke does not."""
    order = sorted(range(len(parts)), key=lambda i: parts[i].cx)
    parent = list(range(len(parts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tilt = math.tan(math.radians(MAX_TILT))
    for n, i in enumerate(order):
        a = parts[i]
        for j in order[n + 1:]:
            b = parts[j]
            tall = max(a.h, b.h)
            if b.x - (a.x + a.w) > _LINK_GAP * tall:
                if b.cx - a.cx > (a.w + b.w) / 2 + _LINK_GAP * tall:
                    break  # sorted by centre: every later stroke is farther still
                continue
            if tall > _HEIGHT_RATIO * min(a.h, b.h):
                continue
            dx, dy = b.cx - a.cx, b.cy - a.cy
            if abs(dy) > 0.25 * tall + tilt * abs(dx):
                continue
            parent[root(j)] = root(i)
    groups: dict[int, list[_Part]] = {}
    for i in range(len(parts)):
        groups.setdefault(root(i), []).append(parts[i])
    return [g for g in groups.values() if len(g) >= 2 or g[0].w >= 1.3 * g[0].h]


def _line(chain: list[_Part]) -> TextLine:
    points = np.array([(p.x, p.y) for p in chain] + [(p.x + p.w, p.y) for p in chain]
                      + [(p.x, p.y + p.h) for p in chain]
                      + [(p.x + p.w, p.y + p.h) for p in chain], np.float32)
    height = float(np.median([p.h for p in chain]))
    if len(chain) >= 2:
        centres = np.array([(p.cx, p.cy) for p in chain], np.float32)
        vx, vy, _, _ = cv2.fitLine(centres, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        angle = math.degrees(math.atan2(vy, vx))
        angle = (angle + 90) % 180 - 90
    else:
        angle = 0.0
    # The line's extent along and across its own direction.
    turn = math.radians(angle)
    along = points @ np.array([math.cos(turn), math.sin(turn)], np.float32)
    across = points @ np.array([-math.sin(turn), math.cos(turn)], np.float32)
    length = float(along.max() - along.min())
    thick = float(across.max() - across.min())
    mid_along = float(along.max() + along.min()) / 2
    mid_across = float(across.max() + across.min()) / 2
    cx = mid_along * math.cos(turn) - mid_across * math.sin(turn)
    cy = mid_along * math.sin(turn) + mid_across * math.cos(turn)
    return TextLine((cx, cy), length, max(height, min(thick, 1.6 * height)), angle,
                    len(chain), "card")


def _distinct(lines: list[TextLine]) -> list[TextLine]:
    """One line where the two scales found the same writing: the one made of more strokes."""
    kept: list[TextLine] = []
    for line in sorted(lines, key=lambda found: (-found.parts, -found.length)):
        if all(_overlap(line, other) < 0.5 for other in kept):
            kept.append(line)
    return kept


def _overlap(a: TextLine, b: TextLine) -> float:
    ax0, ay0, ax1, ay1 = a.box
    bx0, by0, bx1, by1 = b.box
    w = min(ax1, bx1) - max(ax0, bx0)
    h = min(ay1, by1) - max(ay0, by0)
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
    return w * h / max(1, smaller)


def _placed(line: TextLine, hsv: np.ndarray, factor: float) -> TextLine:
    """The line in the photo's pixels, with the material that surrounds its strokes."""
    x0, y0, x1, y1 = line.box
    pad = round(line.height * 0.6)
    window = hsv[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
    material: Material = "skin"
    if window.size:
        value = window[..., 2].reshape(-1)
        ground = value >= np.percentile(value, 60)  # leave the ink out
        saturation = window[..., 1].reshape(-1)[ground]
        # Paper, card and tape are light and nearly colourless (beige tape a little coloured).
        if float(np.median(value[ground])) >= 165 and float(np.median(saturation)) <= 70:
            material = "card"
    return TextLine((line.centre[0] * factor, line.centre[1] * factor), line.length * factor,
                    line.height * factor, line.angle, line.parts, material)


def _rows(lines: list[TextLine]) -> list[TextLine]:
    """Lines in reading order, segments of one row of writing given the same row index."""
    ordered = sorted(lines, key=lambda found: (found.centre[1], found.centre[0]))
    rows: list[list[TextLine]] = []
    for line in ordered:
        for row in rows:
            if _same_row(row[-1], line):
                row.append(line)
                break
        else:
            rows.append([line])
    out = []
    for index, row in enumerate(rows):
        out += [TextLine(t.centre, t.length, t.height, t.angle, t.parts, t.material, index)
                for t in sorted(row, key=lambda found: found.centre[0])]
    return out


def _same_row(a: TextLine, b: TextLine) -> bool:
    """Two segments on one line of writing: alike in height and tilt, one in the other's
    continuation, not too far apart (numbers separated by a wide space or a label)."""
    if max(a.height, b.height) > 1.6 * min(a.height, b.height):
        return False
    turn = math.radians(a.angle)
    dx, dy = b.centre[0] - a.centre[0], b.centre[1] - a.centre[1]
    along = dx * math.cos(turn) + dy * math.sin(turn)
    across = -dx * math.sin(turn) + dy * math.cos(turn)
    gap = abs(along) - (a.length + b.length) / 2
    return abs(across) <= 0.5 * a.height and gap <= 6 * a.height
