"""Cutting a line's ink into glyphs by what reads best.

Handwritten digits touch, and script faces join them on purpose: a stroke group is often two or
three digits, and a digit is sometimes two stroke groups. No rule of widths tells these apart
(a joined ``11`` is as wide as one ``4``), so the line is cut the way reading machines have cut
joined writing since the 1990s, by recognition: every way of cutting it at the gaps between
stroke groups and at the thin places inside them is scored by the glyph classifier, and the
cutting whose glyphs read best as digits and separators wins (dynamic programming over the cut
points, so the choice is exact and cheap). Each glyph costs :data:`GLYPH_COST` on top of how
unsure the classifier is of it: without it, halves of digits, which often look like a ``1``,
would win over whole ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from caesar.cases.reading.card import Glyph
from caesar.cases.reading.glyphs import CLASSES, OTHER, model

GLYPH_COST = 1.5  # log-probability one more glyph must earn (tuned on the seen generator)
_WIDEST = 1.15  # a glyph is at most this many line heights wide
_THIN_STEP = 0.12  # cut points inside a stroke group are at least this many heights apart
_GAP = 0.1  # a glyph's strokes are never further apart than this many heights (a broken 5)
_READS = np.array([c != OTHER for c in CLASSES])


@dataclass(frozen=True)
class _Component:
    label: int
    x0: int
    x1: int


def cut_line(line: np.ndarray) -> list[Glyph]:
    """The glyphs of one line's 0/1 ink mask, left to right, cut where they read best."""
    height, width = line.shape
    # Thin strokes break when a small card is thresholded; close small vertical gaps first.
    joined = cv2.morphologyEx(line.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 1), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    components = []
    for label in range(1, count):
        x, _y, w, h, area = (int(v) for v in stats[label])
        if area < max(4, height * height * 0.004) or h < height * 0.12:
            continue  # a speck
        if x == 0 or x + w == width:
            continue  # the card's edge or something beyond it, not a digit
        components.append(_Component(label, x, x + w))
    if not components:
        return []
    components.sort(key=lambda c: c.x0)
    cuts = _cut_points(labels, components, height)
    pieces = _Pieces(labels, components, cuts, height)
    return pieces.best()


def _cut_points(labels: np.ndarray, components: list[_Component], height: int) -> list[int]:
    """Columns a glyph may start or end at: the edges of groups of overlapping strokes, and
    the thinnest columns inside a group wide enough to hold two glyphs."""
    groups: list[list[int]] = []
    for c in components:
        if groups and c.x0 < groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], c.x1)
        else:
            groups.append([c.x0, c.x1])
    inked = np.isin(labels, [c.label for c in components]).sum(axis=0).astype(float)
    step = max(2, round(_THIN_STEP * height))
    cuts: set[int] = set()
    for x0, x1 in groups:
        cuts.update((x0, x1))
        if x1 - x0 <= 0.45 * height:
            continue
        profile = np.convolve(inked[x0:x1], np.ones(3) / 3, mode="same")
        valleys = [i for i in range(step, x1 - x0 - step)
                   if profile[i] <= profile[i - 1] and profile[i] <= profile[i + 1]]
        chosen: list[int] = []
        for i in sorted(valleys, key=lambda i: profile[i]):  # the thinnest first
            if all(abs(i - c) >= step for c in chosen):
                chosen.append(i)
        cuts.update(x0 + i for i in chosen)
    return sorted(cuts)


class _Pieces:
    """Every glyph a stretch between two cut points would make, and the best cutting."""

    def __init__(self, labels: np.ndarray, components: list[_Component], cuts: list[int],
                 height: int) -> None:
        self.labels, self.cuts, self.height = labels, cuts, height
        # A stroke group crossed by a cut point is shared out by columns; the others go
        # whole to the glyph their middle falls in.
        self.sliced = [c for c in components if any(c.x0 < x < c.x1 for x in cuts)]
        self.whole = [c for c in components if c not in self.sliced]
        self.inked: np.ndarray = np.isin(labels, [c.label for c in components])
        # Blank stretches wider than the gap inside a broken digit: no glyph spans one.
        self.gaps: list[tuple[int, int]] = []
        start: int | None = None
        columns: list[bool] = np.asarray(self.inked.any(axis=0)).tolist()
        for x, inked in enumerate([*columns, True]):
            if not inked and start is None:
                start = x
            elif inked and start is not None:
                if x - start > _GAP * height:
                    self.gaps.append((start, x))
                start = None

    def glyph(self, a: int, b: int) -> Glyph | None:
        """The glyph made of the ink between columns `a` and `b`, or None if there is none."""
        whole = [c for c in self.whole if a <= (c.x0 + c.x1) / 2 < b]
        sliced = [c for c in self.sliced if c.x0 < b and c.x1 > a]
        if not whole and not sliced:
            return None
        lo = min([a] + [c.x0 for c in whole])
        hi = max([b] + [c.x1 for c in whole])
        window = self.labels[:, lo:hi]
        ink = np.isin(window, [c.label for c in whole])
        if sliced:
            part = np.isin(window, [c.label for c in sliced])
            part[:, :a - lo] = False
            part[:, b - lo:] = False
            ink |= part
        rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        if rows.size == 0:
            return None
        image = ink[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1].astype(np.uint8)
        return Glyph(image, lo + int(columns[0]), image.shape[0] / self.height,
                     (rows[0] + rows[-1] + 1) / 2 / self.height)

    def best(self) -> list[Glyph]:
        """The cutting whose glyphs read best, each glyph paying :data:`GLYPH_COST`."""
        cuts, n = self.cuts, len(self.cuts)
        candidates: dict[tuple[int, int], Glyph] = {}
        for i in range(n):
            for j in range(i + 1, n):
                if cuts[j] - cuts[i] > _WIDEST * self.height:
                    break
                if any(cuts[i] < x0 and x1 < cuts[j] for x0, x1 in self.gaps):
                    continue
                found = self.glyph(cuts[i], cuts[j])
                if found is not None:
                    candidates[(i, j)] = found
        if not candidates:
            return []
        spans = list(candidates)
        scores, _ = model().scores([candidates[s] for s in spans])
        value = dict(zip(spans, scores[:, _READS].max(axis=1) - GLYPH_COST, strict=True))
        best = [-np.inf] * n
        back: list[tuple[int, tuple[int, int] | None] | None] = [None] * n
        best[0] = 0.0
        for j in range(1, n):
            if not self.inked[:, cuts[j - 1]:cuts[j]].any() and best[j - 1] > best[j]:
                best[j], back[j] = best[j - 1], (j - 1, None)  # a gap: nothing to read
            for i in range(j):
                gain = value.get((i, j))
                if gain is not None and best[i] + gain > best[j]:
                    best[j], back[j] = best[i] + gain, (i, (i, j))
        out: list[Glyph] = []
        j = n - 1
        while j > 0 and back[j] is not None:
            i, span = back[j]  # type: ignore[misc]
            if span is not None:
                out.append(candidates[span])
            j = i
        return out[::-1]
