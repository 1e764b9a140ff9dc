"""Signs of an earlier JPEG compression in the pixels, and where they are missing.

A camera quantizes each 8×8 block's DCT coefficients by its tables (Q1). A program that opens
the photo and saves it again quantizes them a second time by its own (Q2). Where Q2 is finer
than Q1, the coefficients of the saved file still sit near multiples of Q1: the second
compression keeps the camera's lattice. A region pasted from elsewhere was never quantized by
Q1 on this grid, so its coefficients fall anywhere; a photo cropped at a place that is not a
multiple of 8 carries the camera's lattice at an offset. This is the aligned and non-aligned
double-JPEG analysis of the literature (Bianchi and Piva, 2012), applied with the camera's own
tables learned from the collection, so Q1 is known rather than estimated.

What it cannot show: where the second compression was coarser than the camera's at every
frequency, the lattice is gone and nothing can be mapped; a region pasted from a photo with
the same tables, on the same grid, leaves no trace here.

numpy does the block DCT (an 8×8 matrix product per block): OpenCV's ``cv2.dct`` works on one
block at a time, which is 50 times slower from Python.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from caesar.forensics.jpeg import ZIGZAG

CELL = 64  # pixels per side of a map cell (8 blocks)
_LOW_FREQUENCIES = 20  # zig-zag positions 1..20: the coefficients that survive compression
_MIN_COEFFICIENTS = 24  # per cell, for a cell to be judged at all
UNFIT = 0.17  # a cell's mean distance to the lattice above which it departs from it
_FIT = 0.12  # the image's median below which the lattice is there at all

Floats = NDArray[np.float64]
Reals = NDArray[np.floating[Any]]  # double, or single where speed matters (`pasted.py`)


def _dct_matrix() -> Floats:
    n = np.arange(8)
    matrix = np.cos((2 * n[None, :] + 1) * n[:, None] * math.pi / 16) * math.sqrt(2 / 8)
    matrix[0] /= math.sqrt(2)
    return matrix


DCT_MATRIX = _dct_matrix()  # orthonormal 8-point DCT-II: row u is frequency u


def luminance(data: bytes, max_side: int | None = None) -> Floats:
    """The decoded Y channel of a JPEG as libjpeg gives it (no colour conversion)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opened = Image.open(io.BytesIO(data))
        opened.draft("YCbCr", opened.size)  # keep JPEG's own YCbCr: Y is exactly the decoder's
        image = opened if opened.mode == "YCbCr" else opened.convert("YCbCr")
        y = image.getchannel(0)
    array = np.asarray(y, dtype=np.float64)
    if max_side is not None and max(array.shape) > max_side:
        top = (array.shape[0] - min(array.shape[0], max_side)) // 2 // 8 * 8
        left = (array.shape[1] - min(array.shape[1], max_side)) // 2 // 8 * 8
        array = array[top:top + max_side, left:left + max_side]
    return array


def block_dct(y: Floats, dx: int = 0, dy: int = 0) -> Floats:
    """The DCT of every 8×8 block of `y` on the grid that starts at (dx, dy): shape
    (rows, cols, 8, 8)."""
    h = (y.shape[0] - dy) // 8 * 8
    w = (y.shape[1] - dx) // 8 * 8
    blocks = (y[dy:dy + h, dx:dx + w] - 128.0).reshape(h // 8, 8, w // 8, 8).swapaxes(1, 2)
    # A batched matrix product: ten times faster than the same sum through np.einsum.
    result: Floats = DCT_MATRIX @ blocks @ DCT_MATRIX.T
    return result


def lattice_frequencies(q1: tuple[int, ...], q2: tuple[int, ...]) -> list[int]:
    """Positions (natural order) where the camera's step Q1 survives a second step Q2."""
    chosen = []
    for position in ZIGZAG[1:_LOW_FREQUENCIES + 1]:
        if q1[position] >= 3 and q1[position] >= 1.3 * q2[position]:
            chosen.append(position)
    return chosen


def lattice_distance(coefficients: Reals, q1: tuple[int, ...], positions: list[int]
                     ) -> tuple[Reals, Reals]:
    """Per block: the summed distance of informative coefficients to Q1's lattice (in steps,
    0..0.5) and how many there were."""
    flat = coefficients.reshape(*coefficients.shape[:2], -1)[..., positions]
    steps = np.asarray([q1[p] for p in positions], dtype=flat.dtype)
    ratio = flat / steps
    distance = np.abs(ratio - np.rint(ratio))
    informative = np.abs(ratio) >= 0.75  # zeros sit on every lattice: they say nothing
    return (distance * informative).sum(axis=2), informative.sum(axis=2).astype(np.float64)


@dataclass(frozen=True)
class LatticeMap:
    """How well each 64-pixel cell keeps the camera's lattice."""

    cells: list[list[float | None]]  # mean distance per cell (None: too few coefficients)
    median: float | None  # over the judged cells
    departing: list[tuple[int, int]]  # (row, col) of cells that lost the lattice
    frequencies: int

    @property
    def has_lattice(self) -> bool:
        """Does most of the image keep the camera's lattice (a second compression on top)?"""
        return self.median is not None and self.median < _FIT


def lattice_map(y: Floats, q1: tuple[int, ...], q2: tuple[int, ...]) -> LatticeMap | None:
    """The map of where the camera's lattice is kept (None when Q2 erased it everywhere)."""
    positions = lattice_frequencies(q1, q2)
    if len(positions) < 3:
        return None
    total, count = lattice_distance(block_dct(y), q1, positions)
    per = CELL // 8
    rows, cols = total.shape[0] // per, total.shape[1] // per
    if rows == 0 or cols == 0:
        return None
    t = total[:rows * per, :cols * per].reshape(rows, per, cols, per).sum(axis=(1, 3))
    n = count[:rows * per, :cols * per].reshape(rows, per, cols, per).sum(axis=(1, 3))
    judged = n >= _MIN_COEFFICIENTS
    mean = np.where(judged, t / np.maximum(n, 1), np.nan)
    values = mean[judged]
    median = float(np.median(values)) if values.size else None
    departing = neighboured(judged & (mean > UNFIT))
    cells = [[None if math.isnan(v) else round(float(v), 3) for v in row] for row in mean]
    return LatticeMap(cells, median, departing, len(positions))


def neighboured(marked: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(row, col) of the marked cells that have a marked neighbour. A pasted region covers
    several cells; a lone cell is more often a flat patch whose few coefficients scatter by
    chance (measured on the tuned part of the evaluation set)."""
    padded = np.pad(marked, 1)
    h, w = marked.shape
    neighbours = sum(padded[1 + i:h + 1 + i, 1 + j:w + 1 + j].astype(np.int64)
                     for i in (-1, 0, 1) for j in (-1, 0, 1) if (i, j) != (0, 0))
    return [(int(r), int(c)) for r, c in zip(*np.nonzero(marked & (neighbours > 0)),
                                             strict=True)]


def grid_offset(y: Floats, q1: tuple[int, ...], q2: tuple[int, ...]
                ) -> tuple[tuple[int, int], float, float] | None:
    """Where the camera's grid lies: the offset (dx, dy) whose blocks fit Q1's lattice best,
    its mean distance and that of the aligned grid (None when nothing can be measured)."""
    positions = lattice_frequencies(q1, q2)
    if len(positions) < 3:
        return None
    sample = y[: min(y.shape[0], 520), : min(y.shape[1], 520)]
    scores: dict[tuple[int, int], float] = {}
    for dy in range(8):
        for dx in range(8):
            total, count = lattice_distance(block_dct(sample, dx, dy), q1, positions)
            n = float(count.sum())
            if n >= _MIN_COEFFICIENTS:
                scores[(dx, dy)] = float(total.sum()) / n
    if (0, 0) not in scores:
        return None
    best = min(scores, key=scores.__getitem__)
    return best, scores[best], scores[(0, 0)]
