"""Handwriting drawn stroke by stroke: a pen moving through each digit's strokes.

A :class:`Hand` is a way of writing: which glyph forms (:mod:`caesar.demo.glyphs`), how wide
the pen, how far the writing leans, how much it trembles, how often the pen skips or lifts,
how the pressure changes along a stroke and how much a marker bleeds into the paper. The
same hand writes a number differently every time (each point moves a little, each digit
has its own size and place on the line), as people do; the same random stream gives the same
pixels at any size, so every photo of a card shows the same writing.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from caesar.demo.glyphs import GLYPH_SETS, Glyph, Piece, Point

# Drawn this many times larger, then reduced: smooth edges at any size.
_SUPERSAMPLE = 3
_SAMPLES_PER_SPAN = 7


@dataclass(frozen=True)
class Hand:
    """A way of writing numbers by hand. Lengths are in digit heights."""

    name: str
    glyphs: str  # a key of glyphs.GLYPH_SETS
    pen: tuple[float, float]  # pen width
    slant: tuple[float, float]  # degrees; positive leans right
    tremor: float  # how far each point of a stroke strays
    size_jitter: float  # each digit's height varies by up to this share
    baseline: float  # how far each digit strays from the line
    spacing: tuple[float, float]  # gap between characters
    breaks: float  # chance that a stroke has a pen lift in it
    pressure: float  # share by which the width changes along a stroke
    bleed: float  # marker bleed, in pen widths (0: a dry pen)
    dry: float  # share of a worn marker's stroke that does not mark


@dataclass(frozen=True)
class Writer:
    """One person writing with a :class:`Hand` on one occasion: their slant and pen."""

    hand: Hand
    slant: float
    pen: float

    @classmethod
    def of(cls, hand: Hand, rng: random.Random) -> Writer:
        """A writer of ``hand`` with a slant and pen width drawn from its ranges."""
        return cls(hand, rng.uniform(*hand.slant), rng.uniform(*hand.pen))


@dataclass(frozen=True)
class InkMask:
    """Where ink lies (an "L" image, 255 = full ink) and the baseline's row in it."""

    mask: Image.Image
    baseline: float


def _catmull_rom(points: Piece) -> list[Point]:
    """A smooth curve through ``points`` (the first and last are repeated as end tangents)."""
    if len(points) == 1:
        return [points[0], points[0]]
    pts = [points[0], *points, points[-1]]
    out: list[Point] = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(_SAMPLES_PER_SPAN):
            t = k / _SAMPLES_PER_SPAN
            t2, t3 = t * t, t * t * t
            out.append(tuple(  # type: ignore[arg-type]
                0.5 * (2 * p1[j] + (-p0[j] + p2[j]) * t + (2 * p0[j] - 5 * p1[j] + 4 * p2[j]
                                                         - p3[j]) * t2
                       + (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t3) for j in range(2)))
    out.append(points[-1])
    return out


def _trembled(piece: Piece, rng: random.Random, tremor: float) -> Piece:
    return tuple((x + rng.gauss(0, tremor), y + rng.gauss(0, tremor)) for x, y in piece)


def _runs(samples: list[Point], rng: random.Random, breaks: float) -> list[list[Point]]:
    """The stretches of a stroke the pen actually draws: sometimes it lifts for a moment."""
    if len(samples) < 8 or rng.random() >= breaks:
        return [samples]
    cut = rng.randrange(2, len(samples) - 4)
    gap = rng.randint(1, 2)
    return [samples[:cut], samples[cut + gap:]]


def write(text: str, writer: Writer, height: float, rng: random.Random) -> InkMask:
    """``text`` (digits, separators, spaces) written by ``writer``, digits ``height`` px high.

    Raises ``KeyError`` for a character the hand has no strokes for.
    """
    hand = writer.hand
    glyphs = GLYPH_SETS[hand.glyphs]
    h = height * _SUPERSAMPLE
    pen = max(1.0, writer.pen * h)
    shear = math.tan(math.radians(writer.slant))
    pad = 0.45 * h + 2 * pen
    strokes: list[tuple[list[Point], float]] = []
    x = pad
    for ch in text:
        glyph: Glyph = glyphs[ch]
        scale = 1 + rng.uniform(-hand.size_jitter, hand.size_jitter)
        lift = rng.gauss(0, hand.baseline)
        for stroke in glyph.strokes:
            samples: list[Point] = []
            for piece in stroke:
                samples += _catmull_rom(_trembled(piece, rng, hand.tremor))
            for run in _runs(samples, rng, hand.breaks):
                placed = [(x + (u + (1 - v) * shear) * scale * h,
                           pad + (1 - (1 - v) * scale + lift) * h) for u, v in run]
                strokes.append((placed, pen * rng.uniform(0.85, 1.15)))
        x += (glyph.advance * scale + rng.uniform(*hand.spacing)) * h
    size = (max(1, math.ceil(x + pad + abs(shear) * h)), math.ceil(2 * pad + 1.2 * h))
    canvas = Image.new("L", size, 0)
    draw = ImageDraw.Draw(canvas)
    for points, width in strokes:
        _draw_stroke(draw, points, width, rng, hand.pressure)
    if hand.bleed > 0:
        # Ink spreads into the fibres, then the edge is sharpened back a little.
        canvas = canvas.filter(ImageFilter.GaussianBlur(hand.bleed * pen))
        canvas = canvas.point(lambda v: min(255, int(v * 1.6)))
    if hand.dry > 0:
        canvas = _dry(canvas, rng, hand.dry, pen)
    out = canvas.resize((max(1, size[0] // _SUPERSAMPLE), max(1, size[1] // _SUPERSAMPLE)),
                        Image.Resampling.BOX)
    return InkMask(out, (pad + h) / _SUPERSAMPLE)


def _draw_stroke(draw: ImageDraw.ImageDraw, points: list[Point], width: float,
                 rng: random.Random, pressure: float) -> None:
    n = len(points)
    phase, turns = rng.uniform(0, 2 * math.pi), rng.uniform(0.5, 1.5)
    for i, (px, py) in enumerate(points):
        t = i / max(1, n - 1)
        # Pressure rises and falls along the stroke; the pen touches down and lifts thinner.
        w = width * (1 + pressure * math.sin(phase + 2 * math.pi * turns * t))
        w *= 0.75 + 0.25 * min(1.0, 4 * t, 4 * (1 - t))
        r = max(0.5, w / 2)
        draw.ellipse((px - r, py - r, px + r, py + r), fill=255)
        if i:
            qx, qy = points[i - 1]
            draw.line((qx, qy, px, py), fill=255, width=max(1, round(w)))


def _dry(canvas: Image.Image, rng: random.Random, share: float, pen: float) -> Image.Image:
    # A worn marker leaves streaks along the writing: coarse noise, stretched sideways.
    w, h = canvas.size
    cells = np.random.default_rng(rng.getrandbits(32)).random(
        (max(2, int(h / pen * 3)), max(2, int(w / pen / 3))))
    gaps = Image.fromarray((cells >= share).astype(np.uint8) * 255, "L").resize(
        (w, h), Image.Resampling.BILINEAR)
    return Image.fromarray((np.asarray(canvas, np.uint16) * np.asarray(gaps, np.uint16)
                            // 255).astype(np.uint8), "L")
