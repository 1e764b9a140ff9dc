"""Cutting touching digits apart by what reads best.

Handwritten digits touch, and script faces join them on purpose: one stroke group is often two
or three digits. :func:`~.card.split_glyphs` cuts a group only when it is as wide as two
typical glyphs of its line, at evenly spaced thin columns; a joined ``990`` in a cramped hand
is narrower than that. So each stroke group wide enough to hold two digits is cut the way
reading machines have cut joined writing since the 1990s, by recognition: every way of cutting
it at its thin columns is scored by the glyph classifier, and the cutting whose glyphs read
best wins (dynamic programming over the cut points: exact and cheap). Each glyph pays
:data:`GLYPH_COST` on top of how unsure the classifier is of it, or halves of digits, which
often look like a ``1``, would win over whole ones.

Strokes with a gap between them are never joined into one glyph here (a cutting that joins
them is not on offer): two ``1`` that do not touch stay two digits, however well a single
glyph made of both might read.
"""

from __future__ import annotations

import numpy as np

from caesar.cases.reading.card import Glyph, glyph_between, split_glyphs, stroke_groups
from caesar.cases.reading.glyphs import CLASSES, OTHER, model

GLYPH_COST = 3.5  # log-probability one more glyph must earn (tuned on the seen generator)
_SPLIT_FROM = 0.5  # a stroke group at least this many line heights wide may be several glyphs
_WIDEST = 1.0  # a glyph cut from a group is at most this many line heights wide
_NARROWEST = 0.12  # ... and at least this many
_STEP = 0.12  # cut points are at least this many line heights apart
_READS = np.array([c != OTHER for c in CLASSES])


def cut_line(line: np.ndarray) -> list[Glyph]:
    """The glyphs of one line's 0/1 ink mask, left to right, with touching digits cut apart
    where they read best."""
    height = line.shape[0]
    groups = stroke_groups(line)
    if not any(x1 - x0 >= _SPLIT_FROM * height for x0, x1 in groups):
        return split_glyphs(line)
    # Every piece any cutting could make, classified in one batch.
    pieces: dict[tuple[int, int], Glyph] = {}
    points: list[list[int]] = []
    for x0, x1 in groups:
        cuts = [x0, x1] if x1 - x0 < _SPLIT_FROM * height else _cut_points(line, x0, x1)
        points.append(cuts)
        for i, a in enumerate(cuts):
            for b in cuts[i + 1:]:
                if b - a > _WIDEST * height and (a, b) != (x0, x1):
                    break
                if b - a >= _NARROWEST * height or (a, b) == (x0, x1):
                    glyph = glyph_between(line, a, b)
                    if glyph is not None:
                        pieces[(a, b)] = glyph
    spans = list(pieces)
    scores, _ = model().scores([pieces[s] for s in spans])
    value = dict(zip(spans, scores[:, _READS].max(axis=1) - GLYPH_COST, strict=True))
    out: list[Glyph] = []
    for cuts in points:
        out += [pieces[span] for span in _best(cuts, value)]
    return out


def _cut_points(line: np.ndarray, x0: int, x1: int) -> list[int]:
    """The group's edges and its thin columns (local minima of ink), the thinnest first
    where two are too close together."""
    height = line.shape[0]
    step = max(2, round(_STEP * height))
    profile = np.convolve(line[:, x0:x1].sum(axis=0).astype(float), np.ones(3) / 3, "same")
    valleys = [i for i in range(step, x1 - x0 - step)
               if profile[i] <= profile[i - 1] and profile[i] <= profile[i + 1]]
    chosen: list[int] = []
    for i in sorted(valleys, key=lambda i: profile[i]):
        if all(abs(i - c) >= step for c in chosen):
            chosen.append(i)
    return [x0, *sorted(x0 + i for i in chosen), x1]


def _best(cuts: list[int], value: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """The pieces of the best-reading cutting of one group at `cuts`."""
    best = [-np.inf] * len(cuts)
    back = [0] * len(cuts)
    best[0] = 0.0
    for j in range(1, len(cuts)):
        for i in range(j):
            gain = value.get((cuts[i], cuts[j]))
            if gain is not None and best[i] + gain > best[j]:
                best[j], back[j] = best[i] + gain, i
    if best[-1] == -np.inf:
        return []
    out = []
    j = len(cuts) - 1
    while j > 0:
        out.append((cuts[back[j]], cuts[j]))
        j = back[j]
    return out[::-1]
