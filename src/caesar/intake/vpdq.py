"""Meta's vPDQ video hash: PDQ hashes of frames sampled once a second, and how two videos match.

Written here rather than taken from the `vpdq` package because that package is published as
source only (no wheel): it builds a C++ library against FFmpeg's headers at install time, which
a clean machine here cannot do. The scheme itself is small, and both of its parts, PyAV's
decoding and the `pdqhash` wheel's PDQ, are already the archive's:

1. Hash one frame a second with PDQ (:func:`frame_hash`).
2. Collapse runs of consecutive near-identical hashes (a still scene), keeping the first
   (:func:`collapse`).
3. Two videos match when enough of each one's usable frame hashes (PDQ quality of at least 50)
   lie within 31 bits of some frame hash of the other, both ways (:func:`compare`); Meta's
   reference uses 31 bits and 80 % each way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pdqhash

COLLAPSE_BITS: Final = 8
"""Consecutive frame hashes this close (of 256 bits) are one still scene: only the first is
kept (vPDQ's reference drops exact repeats; re-encoding noise makes a still scene's hashes
differ by a few bits, so a little slack keeps one scene from counting many times)."""


@dataclass(frozen=True)
class FrameHash:
    """The PDQ hash (64 hex digits) and quality of the frame shown at `second`."""

    second: float
    pdq: str
    quality: int


@dataclass(frozen=True)
class VideoMatch:
    """How much of each video is found in the other (0 to 100) and the frames' mean distance."""

    query_percent: float
    compared_percent: float
    distance: int


def frame_hash(rgb: np.ndarray, second: float) -> FrameHash:
    """The PDQ hash of one frame (an RGB array) shown at `second`."""
    bits, quality = pdqhash.compute(rgb)
    return FrameHash(round(second, 3), np.packbits(bits.astype(np.uint8)).tobytes().hex(),
                     int(quality))


def collapse(hashes: Sequence[FrameHash]) -> list[FrameHash]:
    """`hashes` in order with each run of near-identical consecutive hashes reduced to its first."""
    kept: list[FrameHash] = []
    for h in hashes:
        if not kept or _distances(_words([kept[-1]]), h)[0] > COLLAPSE_BITS:
            kept.append(h)
    return kept


def compare(query: Sequence[FrameHash], compared: Sequence[FrameHash], *, distance: int = 31,
            quality: int = 50) -> VideoMatch | None:
    """How two videos' frame hashes match (None when either has no usable frame)."""
    q = [h for h in query if h.quality >= quality]
    c = [h for h in compared if h.quality >= quality]
    if not q or not c:
        return None
    pool_c, pool_q = _words(c), _words(q)
    nearest_q = np.array([_distances(pool_c, h).min() for h in q])
    nearest_c = np.array([_distances(pool_q, h).min() for h in c])
    found_q, found_c = nearest_q <= distance, nearest_c <= distance
    matched = np.concatenate([nearest_q[found_q], nearest_c[found_c]])
    return VideoMatch(query_percent=100.0 * float(found_q.mean()),
                      compared_percent=100.0 * float(found_c.mean()),
                      distance=round(float(matched.mean())) if matched.size else 256)


def _words(hashes: Sequence[FrameHash]) -> np.ndarray:
    raw = b"".join(bytes.fromhex(h.pdq) for h in hashes)
    return np.frombuffer(raw, dtype=np.uint64).reshape(len(hashes), 4)


def _distances(pool: np.ndarray, h: FrameHash) -> np.ndarray:
    distances: np.ndarray = np.bitwise_count(pool ^ _words([h])).sum(axis=1)
    return distances
