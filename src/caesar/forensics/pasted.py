"""Where a region pasted from another JPEG lies: its own compression grid, off the host's.

A region cut from another photo carries that photo's compression: its 8×8 blocks were
quantized on the donor's grid. Pasted at a place that is not a multiple of 8 away from where
it was cut, that grid lies shifted against the host's, and after the editor's save the region
still fits a quantization lattice on the shifted grid while the rest of the photo does not.
This is the non-aligned double-JPEG evidence of the literature (the block artifact grid of Li,
Yuan and Yu, 2008; the non-aligned model of Bianchi and Piva, 2012), here with the camera's own
tables as the donor's (learned from the collection: a region is most often taken from another
photo of the same camera or event), so the lattice is known rather than estimated.

The statistic is written to be content-blind. For every 64-pixel cell and every one of the 64
grid offsets, the mean distance of the informative DCT coefficients to the lattice (0 = on it,
0.25 on average for none) is set against the same cell's median over all offsets, in units of
its standard error (a uniform distance has a standard deviation of 0.144): the cell is its own
control, so a flat or a busy patch scores alike when no lattice is there. A cell speaks for an
offset only where that offset is its best (a shift by one pixel leaves a coarse camera lattice
partly visible in the host; the aligned grid then still fits better), and a region needs two
neighbouring cells that agree on one offset, which the whole photo does not share (a crop
shifts the grid everywhere: that is `recompression.grid`).

What it cannot show: a region whose grid lands on the host's (one paste in 64), a donor
saved with tables other than the camera's, and any region where the editor's save was too
coarse for the camera's steps to survive on a shifted grid (the map then says it cannot be
drawn, and names no place).

Written by hand in NumPy: no maintained library localises non-aligned JPEG traces (the
research code of the papers above is MATLAB, unpackaged), and the block DCT is the project's
own (`recompression.block_dct`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from caesar.forensics.jpeg import ZIGZAG
from caesar.forensics.recompression import (
    CELL,
    DCT_MATRIX,
    Floats,
    lattice_distance,
    neighboured,
)

_LOW_FREQUENCIES = 20  # zig-zag positions 1..20, as for the aligned map
_LOW = 6  # those lie in the DCT's 6 × 6 low corner: only it is computed
# Single precision: coefficients of a few thousand keep their lattice to 1e-3 of a step, and
# the 64 offsets take half the time.
_C_LOW = DCT_MATRIX[:_LOW].astype(np.float32)
Singles = NDArray[np.float32]
_NOISE_CAP = 12  # a step above this mostly quantizes to zero: its error is the content's, small
_SURVIVES = 2.0  # a camera step survives a shifted save when it is this many noise deviations
_MIN_FREQUENCIES = 3
_MIN_COEFFICIENTS = 24  # per cell and offset, for the cell to be judged
_UNIFORM_SD = math.sqrt(1 / 48)  # standard deviation of a distance uniform on 0..0.5 (0.144)
CELL_Z = 3.5  # a cell's evidence for one offset, in standard errors (set on the tuned half)
_MAX_SHARE = 0.5  # of the judged cells: beyond this the whole grid moved (a crop), no region


def save_noise(q2: tuple[int, ...]) -> float:
    """The standard deviation, in DCT units, that the editor's rounding adds to a
    coefficient read on a grid other than its own (shifting mixes all frequencies)."""
    capped = np.minimum(np.asarray(q2, dtype=np.float64), _NOISE_CAP)
    return float(np.sqrt((capped ** 2 / 12).mean()))


def surviving_frequencies(q1: tuple[int, ...], q2: tuple[int, ...]) -> list[int]:
    """Positions (natural order) where the camera's step outlives the editor's rounding on a
    shifted grid."""
    noise = save_noise(q2)
    return [p for p in ZIGZAG[1:_LOW_FREQUENCIES + 1]
            if q1[p] >= 2 and q1[p] >= _SURVIVES * noise]


def offset_scores(y: Floats, q1: tuple[int, ...], positions: list[int]) -> Floats:
    """Per grid offset (dy * 8 + dx) and cell: how many standard errors the cell's lattice
    distance lies below its own median over the 64 offsets (NaN: too few coefficients)."""
    rows, cols = y.shape[0] // CELL, y.shape[1] // CELL
    distance = np.full((64, rows, cols), np.nan)
    counts = np.zeros((64, rows, cols))
    # The positions and steps on the LOW × LOW corner that `_low_dct` computes.
    low_positions = [p // 8 * _LOW + p % 8 for p in positions]
    low_q1 = tuple(q1[u * 8 + v] for u in range(_LOW) for v in range(_LOW))
    single = y.astype(np.float32)
    for dx in range(8):
        across = _rows_transformed(single, dx)
        for dy in range(8):
            total, count = lattice_distance(_low_dct(across, dy), low_q1, low_positions)
            # A block belongs to the cell that holds its centre.
            r = (dy + 8 * np.arange(total.shape[0]) + 4) // CELL
            c = (dx + 8 * np.arange(total.shape[1]) + 4) // CELL
            keep_r, keep_c = r < rows, c < cols
            index = (r[keep_r][:, None] * cols + c[keep_c][None, :]).ravel()
            t = np.bincount(index, total[np.ix_(keep_r, keep_c)].ravel(), rows * cols)
            n = np.bincount(index, count[np.ix_(keep_r, keep_c)].ravel(), rows * cols)
            judged = n >= _MIN_COEFFICIENTS
            distance[dy * 8 + dx] = np.where(judged, t / np.maximum(n, 1), np.nan
                                             ).reshape(rows, cols)
            counts[dy * 8 + dx] = n.reshape(rows, cols)
    judged_somewhere = ~np.all(np.isnan(distance), axis=0)
    median = np.full((rows, cols), np.nan)
    median[judged_somewhere] = np.nanmedian(distance[:, judged_somewhere], axis=0)
    result: Floats = (median - distance) / (_UNIFORM_SD / np.sqrt(np.maximum(counts, 1)))
    return result


def _rows_transformed(y: Singles, dx: int) -> Singles:
    """The 1-D DCT (lowest `_LOW` frequencies) of every row's 8-pixel runs from column dx:
    shape (height, blocks across, LOW). Shared by the 8 vertical offsets: the separable DCT
    done once per horizontal offset, which with the low corner alone and single precision
    makes the 64 offsets three times faster than 64 full block DCTs."""
    w = (y.shape[1] - dx) // 8 * 8
    runs = (y[:, dx:dx + w] - 128).astype(np.float32).reshape(y.shape[0], w // 8, 8)
    result: Singles = runs @ _C_LOW.T
    return result


def _low_dct(across: Singles, dy: int) -> Singles:
    """The DCT's LOW × LOW corner of every 8×8 block on the grid starting at row dy, from
    the rows' transform: shape (rows, cols, LOW, LOW), as `recompression.block_dct`."""
    h = (across.shape[0] - dy) // 8 * 8
    blocks = across[dy:dy + h].reshape(h // 8, 8, across.shape[1], _LOW).swapaxes(1, 2)
    result: Singles = _C_LOW @ blocks
    return result


@dataclass(frozen=True)
class PastedMap:
    """Where a region fits the camera's lattice on a grid of its own."""

    offset: tuple[int, int] | None  # (dx, dy) of the region's grid; None: no region
    cells: list[tuple[int, int]]  # (row, col) of the cells that fit it
    scores: list[list[float | None]]  # per cell, its evidence for that offset
    frequencies: int


def pasted_map(y: Floats, q1: tuple[int, ...], q2: tuple[int, ...],
               global_offset: tuple[int, int] | None = None) -> PastedMap | None:
    """The cells of a region that carries the camera's compression on a shifted grid. None
    when the editor's save was too coarse for that compression to survive anywhere:
    then nothing is mapped, rather than a guess. `global_offset` is where the whole photo's
    grid moved (a crop), which names no region."""
    positions = surviving_frequencies(q1, q2)
    if len(positions) < _MIN_FREQUENCIES:
        return None
    rows, cols = y.shape[0] // CELL, y.shape[1] // CELL
    if rows < 2 or cols < 2:
        return None
    z = offset_scores(y, q1, positions)
    # A cell speaks only for its best offset: a coarse host lattice seen one pixel off fits
    # a little, but the aligned grid fits it better.
    filled = np.nan_to_num(z, nan=-np.inf)
    best = np.argmax(filled, axis=0)
    own = np.where(best[None] == np.arange(64)[:, None, None], np.nan_to_num(z, nan=0.0), 0.0)
    over = own >= CELL_Z
    judged = max(1, int(np.sum(np.any(np.isfinite(z), axis=0))))
    chosen: tuple[int, list[tuple[int, int]], float] | None = None
    for k in range(1, 64):
        offset = (k % 8, k // 8)
        # A crop moves the whole grid: then the photo keeps no grid of its own in more
        # cells than the shifted one, and no region is named (`recompression.grid` speaks).
        if offset == global_offset or over[k].sum() > _MAX_SHARE * judged \
                or over[k].sum() >= over[0].sum():
            continue
        cells = neighboured(over[k])
        strength = float(own[k][tuple(zip(*cells, strict=True))].sum()) if cells else 0.0
        if cells and (chosen is None or strength > chosen[2]):
            chosen = (k, cells, strength)
    if chosen is None:
        return PastedMap(None, [], [], len(positions))
    k, cells, _ = chosen
    scores = [[None if math.isnan(v) else round(float(v), 1) for v in row] for row in z[k]]
    return PastedMap((k % 8, k // 8), cells, scores, len(positions))

