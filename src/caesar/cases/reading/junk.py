"""Marks on a card that are not writing: what the classifier must call "other".

Specks and smudges of dirt or blood, a card's printed rules and corners, a crossed-out word,
a scribble. Each is a random shape in the stroke coordinates of :mod:`.strokes` (digit height
1, baseline at y = 1), drawn by :func:`.hands.write_shape`. Round dots in the middle of the line
and on the baseline are left out: those are the Arabic-Indic zero and the full stop, and only
their surroundings could say otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from caesar.cases.reading.strokes import Allograph, Point, curve


def junk(rng: np.random.Generator) -> tuple[Allograph, float]:
    """A random mark that is not a character, and the pen width (share of the height) it is
    drawn with."""
    kinds: list[tuple[Callable[[np.random.Generator], Allograph], tuple[float, float]]] = [
        (_tangle, (0.05, 0.12)), (_smudge, (0.15, 0.3)), (_speck, (0.06, 0.12)),
        (_rule, (0.03, 0.14)), (_corner, (0.04, 0.12)), (_hatching, (0.04, 0.1)),
        (_block, (0.2, 0.35)),
    ]
    make, pen = kinds[int(rng.integers(len(kinds)))]
    return make(rng), float(rng.uniform(*pen))


def _points(rng: np.random.Generator, count: int, box: tuple[float, float, float, float]
            ) -> list[Point]:
    x0, y0, x1, y1 = box
    return [(float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))) for _ in range(count)]


def _tangle(rng: np.random.Generator) -> Allograph:
    # Many sharp turns: a scribble, unlike any character's few strokes.
    width = rng.uniform(0.8, 1.5)
    return (curve(*_points(rng, int(rng.integers(9, 15)), (0.0, 0.0, width, 1.0)), steps=5),)


def _blob(rng: np.random.Generator, cx: float, cy: float, radius: float) -> Allograph:
    """A pen rubbed round an irregular patch: a filled shape with a ragged outline."""
    angles = np.sort(rng.uniform(0, 2 * math.pi, 9))
    reach = radius * rng.uniform(0.45, 1.0, 9)
    path = [(float(cx + r * math.cos(a) * rng.uniform(0.2, 1.0)),
             float(cy + r * math.sin(a) * rng.uniform(0.2, 1.0)))
            for _ in range(3) for a, r in zip(angles, reach, strict=True)]
    return (curve(*path, steps=4),)


def _smudge(rng: np.random.Generator) -> Allograph:
    # Large enough not to pass for a dot.
    radius = rng.uniform(0.3, 0.7)
    return _blob(rng, radius, float(rng.uniform(0.2, 0.8)), radius)


def _speck(rng: np.random.Generator) -> Allograph:
    # High in the line, where no dot of a digit or separator sits.
    return _blob(rng, 0.1, float(rng.uniform(-0.05, 0.2)), float(rng.uniform(0.06, 0.12)))


def _rule(rng: np.random.Generator) -> Allograph:
    length, y = rng.uniform(1.4, 4.0), rng.uniform(-0.1, 1.1)
    return (((0.0, float(y)), (float(length), float(y + rng.uniform(-0.05, 0.05)))),)


def _corner(rng: np.random.Generator) -> Allograph:
    # Larger than a digit: a corner as small as one would be a 7 or a ٦.
    across, down = rng.uniform(1.2, 2.5), rng.uniform(0.9, 1.4)
    y = rng.uniform(-0.1, 0.1)
    if rng.random() < 0.5:  # ┌ or ┘
        return (((float(across), float(y)), (0.0, float(y)), (0.0, float(y + down))),)
    return (((0.0, float(y + down)), (float(across), float(y + down)), (float(across),
                                                                       float(y))),)


def _hatching(rng: np.random.Generator) -> Allograph:
    # Lines close enough to overlap, so that they are cut as one mark, not as slashes.
    count = int(rng.integers(3, 7))
    step = rng.uniform(0.08, 0.2)
    return tuple(((float(i * step), 1.0), (float(i * step + 0.4), 0.0)) for i in range(count))


def _block(rng: np.random.Generator) -> Allograph:
    # A solid patch: a taped-over or blacked-out number.
    width, height = rng.uniform(0.8, 1.6), rng.uniform(0.4, 1.0)
    top = rng.uniform(0.0, 1.0 - height)
    rows = np.linspace(top, top + height, 6)
    return (tuple((float(width * (i % 2)), float(y)) for i, y in enumerate(rows)),)
