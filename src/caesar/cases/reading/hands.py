"""Writers' hands: drawing the stroke models of :mod:`.strokes` as a person would.

A :class:`Hand` is a way of writing (a ballpoint held upright, a marker, a hurried slanted
hand), given as the ranges its pen width, slant, unsteadiness, lifted strokes and ink pressure
vary within. :func:`write` draws one character in a hand, with a fresh draw from those ranges
each time, as grey ink on paper, and says where the line's digits sit in the picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from caesar.cases.reading.strokes import HANDWRITTEN, Allograph, Stroke

_SUPERSAMPLE = 4  # drawn this many times larger, then shrunk: smooth stroke edges


@dataclass(frozen=True)
class Drawing:
    """A character on paper: a grey picture and the rows where the line's digits sit."""

    image: np.ndarray  # uint8 grey, paper bright, ink dark, a margin all round
    band: tuple[int, int]  # rows of the top of the digits and of the baseline


@dataclass(frozen=True)
class Hand:
    """How one kind of writer writes: each draw picks values within these ranges."""

    name: str
    pen: tuple[float, float]  # pen width, as a share of the digit height
    slant: tuple[float, float]  # degrees; positive leans to the right
    jitter: float  # how far strokes stray from the model, share of the height
    tremor: float  # unsteadiness along a stroke, share of the height
    breaks: float  # chance that a stroke is lifted part way through
    pressure: tuple[float, float]  # ink darkness: 1 is the pen's full colour
    width: tuple[float, float]  # the writer's digits' width against the model's


HANDS: dict[str, Hand] = {hand.name: hand for hand in (
    Hand("ballpoint", (0.045, 0.075), (-4.0, 12.0), 0.03, 0.006, 0.05, (0.55, 1.0), (0.8, 1.15)),
    Hand("felt_tip", (0.07, 0.11), (-6.0, 8.0), 0.035, 0.004, 0.03, (0.75, 1.0), (0.85, 1.25)),
    Hand("marker", (0.11, 0.17), (-3.0, 6.0), 0.03, 0.003, 0.02, (0.85, 1.0), (0.9, 1.3)),
    Hand("hurried", (0.05, 0.1), (5.0, 22.0), 0.06, 0.008, 0.12, (0.5, 1.0), (0.7, 1.1)),
    Hand("careful", (0.05, 0.09), (-2.0, 4.0), 0.015, 0.002, 0.0, (0.8, 1.0), (0.85, 1.1)),
    # Kept for evaluation (see training.HELD_OUT_HANDS): a backhand, leaning left further than
    # any trained hand, and an unsteady thin pen, shakier than any trained hand.
    Hand("backhand", (0.08, 0.13), (-20.0, -8.0), 0.05, 0.01, 0.08, (0.6, 1.0), (0.9, 1.3)),
    Hand("shaky", (0.04, 0.07), (-5.0, 10.0), 0.05, 0.016, 0.15, (0.45, 0.9), (0.8, 1.2)),
)}


def write(char: str, hand: Hand, height: int, rng: np.random.Generator) -> Drawing:
    """`char` handwritten in `hand`, its digits `height` pixels tall, on plain paper."""
    shapes = HANDWRITTEN[char]
    return write_shape(shapes[int(rng.integers(len(shapes)))], hand, height, rng)


def write_shape(allograph: Allograph, hand: Hand, height: int, rng: np.random.Generator,
                pen: float | None = None) -> Drawing:
    """The strokes of `allograph` drawn in `hand` (with its pen, unless `pen` is given)."""
    pen = float(rng.uniform(*hand.pen)) if pen is None else pen
    pen = max(pen, 1.2 / height)  # a stroke thinner than a pixel would not show at all
    slant = math.tan(math.radians(float(rng.uniform(*hand.slant))))
    widen = float(rng.uniform(*hand.width))
    warp = _warp(rng, hand.jitter)
    strokes: list[tuple[np.ndarray, float]] = []
    for stroke in allograph:
        points = _resample(stroke)
        points[:, 0] *= widen
        points += rng.normal(0.0, hand.jitter * 0.4, 2)  # each stroke lands a little off
        points = warp(points) + _tremor(len(points), hand.tremor, rng)
        points[:, 0] += (1.0 - points[:, 1]) * slant
        darkness = float(rng.uniform(*hand.pressure))
        strokes += [(piece, darkness) for piece in _lifted(points, pen, hand.breaks, rng)]
    return _draw(strokes, pen, height, rng)


def _resample(stroke: Stroke, step: float = 0.02) -> np.ndarray:
    """The stroke as points about `step` apart, so that warps bend long lines too."""
    points = np.array(stroke, dtype=float)
    if len(points) == 1:
        return points
    lengths = np.r_[0.0, np.cumsum(np.hypot(*np.diff(points, axis=0).T))]
    if lengths[-1] <= 0:
        return points[:1].copy()
    at = np.linspace(0.0, lengths[-1], max(2, int(lengths[-1] / step) + 1))
    return np.column_stack([np.interp(at, lengths, points[:, 0]),
                            np.interp(at, lengths, points[:, 1])])


def _warp(rng: np.random.Generator, amount: float) -> Callable[[np.ndarray], np.ndarray]:
    """A smooth random displacement of the whole character: no two drawn alike."""
    freq = rng.uniform(0.4, 1.4, (3, 2, 2))
    phase = rng.uniform(0, 2 * math.pi, (3, 2))
    size = rng.normal(0, amount, (3, 2)) / math.sqrt(3)

    def apply(points: np.ndarray) -> np.ndarray:
        moved = points.copy()
        for k in range(3):
            for axis in range(2):
                moved[:, axis] += size[k, axis] * np.sin(
                    2 * math.pi * (points @ freq[k, axis]) + phase[k, axis])
        return moved

    return apply


def _tremor(count: int, amount: float, rng: np.random.Generator) -> np.ndarray:
    """Slow random wander along a stroke (noise smoothed over a few points)."""
    if amount <= 0 or count < 2:
        return np.zeros((count, 2))
    kernel = np.hanning(9)
    kernel /= np.sqrt((kernel ** 2).sum())
    noise = rng.normal(0, amount, (count + 8, 2))
    return np.column_stack([np.convolve(noise[:, axis], kernel, mode="valid")
                            for axis in range(2)])


def _lifted(points: np.ndarray, pen: float, chance: float,
            rng: np.random.Generator) -> list[np.ndarray]:
    """The stroke, or two pieces of it where the pen left the paper for a moment."""
    if len(points) < 12 or rng.random() >= chance:
        return [points]
    gap = max(2, int((pen + float(rng.uniform(0.03, 0.1))) / 0.02))
    start = int(rng.integers(3, max(4, len(points) - gap - 3)))
    return [p for p in (points[:start], points[start + gap:]) if len(p)]


def _draw(strokes: list[tuple[np.ndarray, float]], pen: float, height: int,
          rng: np.random.Generator) -> Drawing:
    every = np.vstack([points for points, _ in strokes])
    margin = 0.45 + pen
    top = min(0.0, float(every[:, 1].min())) - margin
    left = float(every[:, 0].min()) - margin
    right = float(every[:, 0].max()) + margin
    bottom = max(1.0, float(every[:, 1].max())) + margin
    scale = height * _SUPERSAMPLE
    size = (math.ceil((bottom - top) * height), math.ceil((right - left) * height))
    ink = np.zeros((size[0] * _SUPERSAMPLE, size[1] * _SUPERSAMPLE), np.uint8)
    for points, darkness in strokes:
        pixels = np.round((points - (left, top)) * scale).astype(np.int32)
        layer = np.zeros_like(ink)
        # Pressure changes along a stroke: the pen presses, then eases off.
        ease = 1.0 - 0.25 * np.abs(np.sin(np.linspace(0, math.pi * rng.uniform(0.5, 2.0),
                                                      len(pixels))))
        for i in range(len(pixels)):
            width = max(1, round(pen * scale * (0.75 + 0.25 * ease[i])))
            a = tuple(int(v) for v in pixels[max(0, i - 1)])
            b = tuple(int(v) for v in pixels[i])
            cv2.line(layer, a, b, int(255 * darkness * ease[i]), width)
        np.maximum(ink, layer, out=ink)
    shrunk = cv2.resize(ink, (size[1], size[0]), interpolation=cv2.INTER_AREA)
    paper, colour = float(rng.uniform(205, 250)), float(rng.uniform(5, 80))
    grey = paper - shrunk.astype(float) / 255 * (paper - colour)
    band = (round(-top * height), round((1.0 - top) * height))
    return Drawing(np.clip(grey, 0, 255).astype(np.uint8), band)
