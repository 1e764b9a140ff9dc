"""What the numbers are written on: cards, slips of paper, strips of tape, the skin itself.

A :class:`Material` is a kind of surface with its proportions, colours and edges; :func:`surface`
draws one piece of it (an RGBA image whose alpha is the piece's shape) for a case, the same
piece in every photo. Everything is flat colour, grain and edges: no texture from any photo.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from caesar.demo.render import HIGH, LOW

RGB = tuple[int, int, int]
Surface = Literal["card", "slip", "tape", "skin"]
Edge = Literal["straight", "rounded", "torn", "tape_ends", "soft"]


@dataclass(frozen=True)
class Material:
    """A kind of surface that numbers are written on."""

    name: str
    surface: Surface
    aspects: tuple[float, float]  # width / height of one piece
    height: tuple[float, float]  # a piece's height, in pixels of the subject's canvas
    colours: tuple[RGB, RGB]  # the darkest and the lightest the surface may be
    edge: Edge
    max_lines: int  # lines of writing a piece of it holds
    ruled: bool = False  # printed rules, as on a notebook's page
    ink_alpha: float = 1.0  # markers on skin do not cover as fully as on paper


def surface_colour(material: Material, rng: random.Random) -> RGB:
    """One piece's colour, between the material's darkest and lightest."""
    t = rng.random()
    low, high = material.colours
    return tuple(round(a + (b - a) * (t + rng.uniform(-0.08, 0.08)))  # type: ignore[return-value]
                 for a, b in zip(low, high, strict=True))


def surface(material: Material, size: tuple[int, int], colour: RGB,
            rng: random.Random) -> Image.Image:
    """One piece of ``material``, ``size`` pixels, as RGBA (alpha: the piece's shape).

    ``rng`` must be seeded the same way for every photo of a case: it decides the shape of a
    torn edge, the rules and the grain, which then scale with ``size``.
    """
    w, h = size
    image = Image.new("RGBA", size, (*colour, 0))
    draw = ImageDraw.Draw(image)
    shape = _outline(material.edge, w, h, rng)
    if material.edge == "soft":
        # Writing on the skin: a soft patch of the shape's tone, fading at its rim.
        alpha = Image.new("L", size, 0)
        ImageDraw.Draw(alpha).ellipse((w * 0.04, h * 0.06, w * 0.96, h * 0.94), fill=235)
        alpha = alpha.filter(ImageFilter.GaussianBlur(max(1.0, min(w, h) * 0.12)))
        image.putalpha(alpha)
        return image
    draw.polygon(shape, fill=(*colour, 255))
    edge = tuple(max(0, c - 30) for c in colour)
    draw.line([*shape, shape[0]], fill=(*edge, 255), width=max(1, h // 70))
    if material.ruled:
        _rules(draw, w, h, rng)
    if material.surface == "tape":
        _fibres(image, rng)
    return image


def _outline(edge: Edge, w: int, h: int, rng: random.Random) -> list[tuple[float, float]]:
    if edge == "torn":
        # Torn along one long side and one short side: a ragged line of small steps.
        top = [(x, abs(rng.gauss(0, h * 0.03))) for x in _steps(w - 1, rng)]
        right = [(w - 1 - abs(rng.gauss(0, w * 0.015)), y) for y in _steps(h - 1, rng)]
        return [*top, *right[1:], (0, h - 1)]
    if edge == "tape_ends":
        # Tape torn off the roll: zigzag short ends.
        left = [(abs(rng.gauss(0, h * 0.08)) if i % 2 else 0.0, y)
                for i, y in enumerate(_steps(h - 1, rng, 7))]
        right = [(w - 1 - (abs(rng.gauss(0, h * 0.08)) if i % 2 else 0.0), y)
                 for i, y in enumerate(_steps(h - 1, rng, 7))]
        return [*left[::-1], *right]
    if edge == "rounded":
        r = min(w, h) * 0.08
        out: list[tuple[float, float]] = []
        for cx, cy, start in ((w - r, r, -90), (w - r, h - r, 0), (r, h - r, 90), (r, r, 180)):
            out += [(cx + r * math.cos(math.radians(start + a)),
                     cy + r * math.sin(math.radians(start + a))) for a in range(0, 91, 15)]
        return out
    return [(0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1)]


def _steps(length: int, rng: random.Random, count: int = 24) -> list[float]:
    return [length * i / count + (rng.uniform(-0.3, 0.3) * length / count if 0 < i < count
                                  else 0.0) for i in range(count + 1)]


def _rules(draw: ImageDraw.ImageDraw, w: int, h: int, rng: random.Random) -> None:
    # A notebook's faint blue rules and its red margin: lines that are not writing.
    step = h / rng.uniform(3.2, 4.2)
    y = step * rng.uniform(0.3, 0.8)
    while y < h:
        draw.line((0, y, w, y), fill=(150, 170, 215, 255), width=max(1, h // 90))
        y += step
    x = w * rng.uniform(0.08, 0.14)
    draw.line((x, 0, x, h), fill=(215, 140, 140, 255), width=max(1, h // 80))


def _fibres(image: Image.Image, rng: random.Random) -> None:
    # Tape's woven or creped texture: fine streaks along its length.
    w, h = image.size
    rows = np.random.default_rng(rng.getrandbits(32)).normal(0, 6, (max(2, h // 2), 1))
    streaks = np.repeat(rows, max(2, w // 4), axis=1)
    shade = np.asarray(Image.fromarray(streaks.astype(np.float32)).resize(
        (w, h), Image.Resampling.BILINEAR))
    pixels = np.asarray(image, np.float32)
    # Kept within the range sensor noise may be added to (render.LOW..render.HIGH).
    pixels[..., :3] = np.clip(pixels[..., :3] + shade[..., None], LOW, HIGH)
    image.paste(Image.fromarray(pixels.astype(np.uint8), "RGBA"))
