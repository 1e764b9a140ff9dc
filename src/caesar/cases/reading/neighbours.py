"""Digits written close together, and what cutting such writing leaves the classifier.

Handwritten digits touch, and a slanted hand's digits overlap in the columns a line is cut
at: reading cuts a joined run where it reads best (:mod:`.segments`), at thin columns, so a
digit reaches the classifier with a sliver of its neighbours at its sides and a piece of
itself lost, and the cuttings that read best must be the right ones. Single characters
drawn alone teach neither, and diagnosing hand-written lines (``bench/handlines.py``) showed
that the classifier reads the seen hands' digits alone at 96-100% while whole lines failed at
their cuts. So the classifier also learns from runs of three characters written by one
writer (one slant, one pen) with gaps from a touch to a little space:

- the middle character as a cut at thin columns would leave it: labelled as itself;
- the two characters on one side left joined, as a cutting that missed a cut would give
  them: labelled "other", so that a joined pair never reads better than its two digits.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

import numpy as np

from caesar.cases.reading.augment import degrade
from caesar.cases.reading.card import Glyph, glyph_between, ink_mask
from caesar.cases.reading.glyphs import OTHER
from caesar.cases.reading.hands import Drawing, Hand, write

GAP = (-0.08, 0.14)  # space between neighbours, in digit heights (negative: they overlap)
PAIR_SHARE = 1.0  # draws that also give a joined pair as "other"


def written_run(chars: str, hand: Hand, height: int,
                rng: np.random.Generator) -> tuple[Drawing, list[tuple[int, int]]]:
    """`chars` written side by side by one writer of `hand`, on one baseline, and each
    character's column span in the drawing."""
    writer = replace(hand, slant=(s := float(rng.uniform(*hand.slant)), s),
                     pen=(p := float(rng.uniform(*hand.pen)), p))
    drawn = [write(c, writer, height, rng) for c in chars]
    inks = [_ink(d) for d in drawn]
    # Line the drawings up on the baseline of the first; each is placed after the ink of the
    # one before, by a gap drawn for the pair.
    base = max(d.band[1] for d in drawn)
    below = max(d.image.shape[0] - d.band[1] for d in drawn)
    spans: list[tuple[int, int]] = []
    placed: list[tuple[np.ndarray, int, int]] = []
    x = 0
    for drawing, ink in zip(drawn, inks, strict=True):
        cols = np.flatnonzero(ink.max(axis=0) > 0.3)
        if cols.size == 0:
            cols = np.array([0, ink.shape[1] - 1])
        left = x - int(cols[0]) if spans else 0
        placed.append((ink, left, base - drawing.band[1]))
        spans.append((left + int(cols[0]), left + int(cols[-1]) + 1))
        x = spans[-1][1] + round(float(rng.uniform(*GAP)) * height)
    shift = -min(0, *(left for _, left, _ in placed))
    width = max(left + ink.shape[1] for ink, left, _ in placed) + shift
    canvas = np.zeros((base + below, width), np.float32)
    for ink, left, top in placed:
        region = canvas[top:top + ink.shape[0], left + shift:left + shift + ink.shape[1]]
        np.maximum(region, ink, out=region)
    paper, colour = float(rng.uniform(205, 250)), float(rng.uniform(5, 80))
    grey = np.clip(paper - canvas * (paper - colour), 0, 255).astype(np.uint8)
    top_band = base - min(d.band[1] - d.band[0] for d in drawn)
    return (Drawing(grey, (top_band, base)),
            [(a + shift, b + shift) for a, b in spans])


def _ink(drawing: Drawing) -> np.ndarray:
    """How much ink each pixel holds, 0 to 1, whatever the paper's and the pen's shade."""
    image = drawing.image.astype(np.float32)
    paper, darkest = float(np.median(image)), float(image.min())
    ink: np.ndarray = np.clip((paper - image) / max(1.0, paper - darkest), 0.0, 1.0)
    return ink


def cut_between(mask: np.ndarray, spans: Sequence[tuple[int, int]]) -> list[int]:
    """Where a cutting at thin columns would part each pair of neighbours: the column with
    the least ink between the middles of the two."""
    cuts = [0]
    for (a0, a1), (b0, b1) in itertools.pairwise(spans):
        lo, hi = (a0 + a1) // 2 + 1, (b0 + b1) // 2
        if hi <= lo:
            cuts.append(max(lo, cuts[-1] + 1))
            continue
        ink = mask[:, lo:hi].sum(axis=0)
        # Among the thinnest columns the one nearest where the gap is, as a valley would be.
        thinnest = np.flatnonzero(ink == ink.min())
        middle = (a1 + b0) / 2 - lo
        cuts.append(lo + int(thinnest[np.argmin(np.abs(thinnest - middle))]))
    cuts.append(mask.shape[1])
    return cuts


def neighbours(hands: Sequence[Hand], middles: str, around: str, draws_each: int,
               rng: np.random.Generator, *, height: Callable[[], int],
               spoil: bool = True) -> Iterator[tuple[Glyph, str]]:
    """Each of `middles` written `draws_each` times in each of `hands` between two
    characters of `around`, cut as reading would cut it; with some, a joined pair as
    :data:`OTHER`. `height` draws each run's digit height."""
    for hand in hands:
        for char in middles:
            for _ in range(draws_each):
                left, right = (around[int(i)] for i in rng.integers(len(around), size=2))
                drawing, spans = written_run(left + char + right, hand, height(), rng)
                cuts = cut_between(ink_mask(drawing.image), spans)
                glyph = _piece(drawing, cuts[1], cuts[2], rng, spoil)
                if glyph is not None:
                    yield glyph, char
                if rng.random() < PAIR_SHARE:
                    first = int(rng.integers(2))
                    pair = _piece(drawing, cuts[first], cuts[first + 2], rng, spoil)
                    if pair is not None:
                        yield pair, OTHER


def _piece(drawing: Drawing, x0: int, x1: int, rng: np.random.Generator,
           spoil: bool) -> Glyph | None:
    """The glyph reading would take from columns [x0, x1) of `drawing`: all the ink there,
    slivers of neighbours included, on the line's band (spoilt by a photo first, unless
    told not to)."""
    piece = Drawing(drawing.image[:, x0:x1], drawing.band)
    if spoil:
        piece = degrade(piece, rng)
    mask = ink_mask(piece.image)
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    top = max(0, min(piece.band[0], int(rows[0])))
    line = mask[top:max(piece.band[1], int(rows[-1]) + 1)]
    return glyph_between(line, 0, line.shape[1])
