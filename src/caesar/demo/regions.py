"""A carrier of numbers in one photo: written on, leaning, lit, covered, cut by the frame.

A case's :class:`Look` is the physical object (a card of some proportion and colour, its lines
of writing, how far it leans out of the picture's plane, what covers part of it, the shadow
across it), chosen once per case; :func:`draw_region` puts it into one photo at the place and
scale the view gives, in perspective, blurred, and says which of its lines a person could read
there: not cut by the frame's edge, not covered, digits at least ``MIN_DIGIT_PX`` high and not
blurred beyond ``MAX_BLUR_SHARE`` of their height.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from caesar.demo.hands import InkMask
from caesar.demo.layouts import Line
from caesar.demo.materials import RGB, Material, surface, surface_colour
from caesar.demo.render import HIGH, LOW
from caesar.demo.writing import Style, write_line

Point = tuple[float, float]
Box = tuple[int, int, int, int]
Quad = tuple[Point, Point, Point, Point]

MIN_DIGIT_PX = 9.0  # digits smaller than this in a photo cannot be read
MAX_BLUR_SHARE = 0.25  # nor digits blurred by more than this share of their height
_INKS: tuple[RGB, ...] = ((20, 20, 24), (18, 30, 90), (30, 30, 60), (60, 20, 20), (24, 60, 30))


@dataclass(frozen=True)
class Look:
    """One case's carrier of numbers as a physical object: the same in every photo."""

    material: Material
    lines: tuple[Line, ...]
    style: Style
    aspect: float  # width / height
    height: float  # in the subject's canvas pixels
    colour: RGB
    ink: RGB
    offsets: tuple[float, ...]  # each line's sideways offset, a share of the width
    tilt: tuple[Point, Point, Point, Point]  # corner displacements, shares of width, height
    occluder: tuple[Point, ...] | None  # a polygon covering part of it, in shares
    shadow: tuple[float, float] | None  # the light's direction (radians) and the shade's depth
    seed: str  # fixes the writing's tremor and the surface's grain and edges


def choose_look(rng: random.Random, material: Material, lines: tuple[Line, ...], style: Style,
                *, tilt: float, occluded: bool, shadowed: bool, seed: str,
                height: float | None = None) -> Look:
    """A physical carrier for ``lines``: proportions, colours, lean, cover and shade."""
    side = rng.randrange(4)
    squeeze = rng.uniform(0, tilt)
    corners: list[Point] = [(rng.gauss(0, tilt * 0.12), rng.gauss(0, tilt * 0.12))
                            for _ in range(4)]
    # Foreshortening: the far side of a leaning card looks shorter.
    a, b = side, (side + 1) % 4
    sign = 1 if side in (0, 3) else -1
    axis = 0 if side in (0, 2) else 1
    for corner, direction in ((a, sign), (b, -sign)):
        x, y = corners[corner]
        corners[corner] = (x + direction * squeeze / 2, y) if axis == 0 else \
            (x, y + direction * squeeze / 2)
    occluder = None
    if occluded:
        # Something lying across a corner or an edge: a fold of cloth, a strap, a hand's shadow.
        cx, cy = rng.choice(((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)))
        reach = rng.uniform(0.3, 0.6)
        occluder = ((cx, cy), (abs(cx - reach), cy), (cx, abs(cy - reach * 1.4)))
    return Look(material, lines, style, rng.uniform(*material.aspects),
                height if height is not None else rng.uniform(*material.height),
                surface_colour(material, rng), rng.choice(_INKS),
                tuple(rng.uniform(-0.05, 0.05) for _ in lines),
                (corners[0], corners[1], corners[2], corners[3]), occluder,
                (rng.uniform(0, 2 * math.pi), rng.uniform(0.2, 0.45)) if shadowed else None,
                seed)


@dataclass(frozen=True)
class PlacedLine:
    """One line of writing as it appears in one photo."""

    line: Line
    box: Box  # in the photo's pixels (may reach outside the frame)
    legible: bool


@dataclass(frozen=True)
class Placed:
    """A carrier as it appears in one photo."""

    box: Box  # clipped to the frame
    corners: tuple[tuple[int, int], ...]  # its four corners, clockwise from top left
    lines: tuple[PlacedLine, ...]
    visible: float  # the share of it inside the frame
    digit_px: float  # height of its digits in this photo
    blur: float  # the Gaussian radius it was blurred by, pixels


def _layer(look: Look, scale: float) -> tuple[Image.Image, list[Box], list[bool], float]:
    """The carrier drawn ``scale`` photo pixels per canvas pixel, unrotated: the image, each
    line's ink box and whether it is covered, and the digits' height."""
    h = max(6, round(look.height * scale))
    w = max(8, round(h * look.aspect))
    image = surface(look.material, (w, h), look.colour, random.Random(f"{look.seed}:surface"))
    n = max(1, len(look.lines))
    line_h = h / (n + 0.7) if n > 1 else h
    digit = line_h * (0.55 if n > 1 else 0.5)
    room = w * (0.72 if look.material.surface == "skin" else 0.84)
    masks = _masks(look, digit)
    widest = max((m.mask.getbbox() or (0, 0, 1, 1))[2] - (m.mask.getbbox() or (0, 0, 0, 0))[0]
                 for m in masks) if masks else 0
    if widest > room:
        digit *= room / widest
        masks = _masks(look, digit)
    ink = np.zeros((h, w), np.float32)
    boxes: list[Box] = []
    for i, mask in enumerate(masks):
        x0, y0, x1, y1 = mask.mask.getbbox() or (0, 0, 1, 1)
        cx = w / 2 + look.offsets[i] * w
        cx = min(max(cx, (x1 - x0) / 2 + 1), w - (x1 - x0) / 2 - 1)
        cy = line_h * (i + 0.85) if n > 1 else h / 2
        left, top = round(cx - (x1 - x0) / 2) - x0, round(cy - (y1 - y0) / 2) - y0
        _stamp(ink, np.asarray(mask.mask, np.float32) / 255, left, top)
        boxes.append((left + x0, top + y0, left + x1, top + y1))
    shape = np.asarray(image.getchannel("A"), np.float32) / 255
    pixels = np.asarray(image, np.float32)
    alpha = (ink * (shape > 0.05) * look.material.ink_alpha)[..., None]
    pixels[..., :3] = pixels[..., :3] * (1 - alpha) + np.asarray(look.ink, np.float32) * alpha
    pixels[..., 3] = np.maximum(pixels[..., 3], alpha[..., 0] * 255)
    covered = [False] * len(boxes)
    if look.occluder is not None:
        cover = Image.new("L", (w, h), 0)
        ImageDraw.Draw(cover).polygon([(x * w, y * h) for x, y in look.occluder], fill=255)
        veil = np.asarray(cover, np.float32)[..., None] / 255
        pixels[..., :3] = pixels[..., :3] * (1 - veil) + np.asarray((52, 44, 40)) * veil
        pixels[..., 3] = np.maximum(pixels[..., 3], veil[..., 0] * 255)
        for i, (x0, y0, x1, y1) in enumerate(boxes):
            written = ink[y0:y1, x0:x1]
            covered[i] = float((written * veil[y0:y1, x0:x1, 0]).sum()) > 0.1 * float(
                written.sum())
    if look.shadow is not None:
        angle, depth = look.shadow
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        along = (xs / w - 0.5) * math.cos(angle) + (ys / h - 0.5) * math.sin(angle)
        pixels[..., :3] *= (1 - depth * np.clip(along + 0.5, 0, 1))[..., None]
    pixels[..., :3] = np.clip(pixels[..., :3], LOW, HIGH)
    return Image.fromarray(pixels.astype(np.uint8), "RGBA"), boxes, covered, digit


def _masks(look: Look, digit: float) -> list[InkMask]:
    return [write_line(line, look.style, digit, f"{look.seed}:line{i}")
            for i, line in enumerate(look.lines)]


def _stamp(ink: np.ndarray, mask: np.ndarray, left: int, top: int) -> None:
    h, w = ink.shape
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(w, left + mask.shape[1]), min(h, top + mask.shape[0])
    if x1 > x0 and y1 > y0:
        region = ink[y0:y1, x0:x1]
        np.maximum(region, mask[y0 - top:y1 - top, x0 - left:x1 - left], out=region)


def _homography(src: Quad, dst: Quad) -> np.ndarray:
    """The 3x3 projective map taking each ``src`` corner to its ``dst`` corner."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    coeffs = np.linalg.solve(np.asarray(rows, np.float64), np.asarray(rhs, np.float64))
    return np.append(coeffs, 1.0).reshape(3, 3)


def _apply(matrix: np.ndarray, point: Point) -> Point:
    x, y, z = matrix @ np.asarray([point[0], point[1], 1.0])
    return float(x / z), float(y / z)


def draw_region(photo: Image.Image, look: Look, centre: Point, scale: float, angle: float,
                blur: float, *, min_blur_share: float = 0.0) -> Placed | None:
    """Draw ``look`` into ``photo`` centred at ``centre``, ``scale`` photo pixels per canvas
    pixel, turned ``angle`` degrees anticlockwise, blurred ``blur`` px (at least
    ``min_blur_share`` of its digits' height); None when none of it is in the frame."""
    layer, boxes, covered, digit = _layer(look, scale)
    blur = max(blur, min_blur_share * digit)
    w, h = layer.size
    src: Quad = ((0, 0), (w, 0), (w, h), (0, h))
    a = math.radians(angle)
    dst_list = []
    for (x, y), (tx, ty) in zip(src, look.tilt, strict=True):
        dx, dy = x - w / 2 + tx * w, y - h / 2 + ty * h
        dst_list.append((centre[0] + dx * math.cos(a) + dy * math.sin(a),
                         centre[1] - dx * math.sin(a) + dy * math.cos(a)))
    dst: Quad = (dst_list[0], dst_list[1], dst_list[2], dst_list[3])
    pad = math.ceil(2 * blur) + 2
    bx0 = math.floor(min(x for x, _ in dst)) - pad
    by0 = math.floor(min(y for _, y in dst)) - pad
    bx1 = math.ceil(max(x for x, _ in dst)) + pad
    by1 = math.ceil(max(y for _, y in dst)) + pad
    if bx1 <= 0 or by1 <= 0 or bx0 >= photo.width or by0 >= photo.height:
        return None
    local: Quad = tuple((x - bx0, y - by0) for x, y in dst)  # type: ignore[assignment]
    inverse = _homography(local, src)
    warped = layer.transform((bx1 - bx0, by1 - by0), Image.Transform.PERSPECTIVE,
                             tuple(inverse.flatten()[:8]), Image.Resampling.BILINEAR,
                             fillcolor=(*look.colour, 0))
    if blur > 0.05:
        warped = warped.filter(ImageFilter.GaussianBlur(blur))
    alpha = np.asarray(warped.getchannel("A"), np.float32)
    inside = alpha[max(0, -by0):photo.height - by0, max(0, -bx0):photo.width - bx0].sum()
    visible = float(inside / max(1.0, float(alpha.sum())))
    if visible <= 0.0:
        return None
    photo.paste(warped, (bx0, by0), warped)
    forward = _homography(src, dst)
    lines = []
    for line, (x0, y0, x1, y1), hidden in zip(look.lines, boxes, covered, strict=True):
        corners = [_apply(forward, p) for p in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
        box = (math.floor(min(x for x, _ in corners)), math.floor(min(y for _, y in corners)),
               math.ceil(max(x for x, _ in corners)), math.ceil(max(y for _, y in corners)))
        shown = all(0 <= x < photo.width and 0 <= y < photo.height for x, y in corners)
        # The digits' height in the photo: the line's, scaled as the carrier was there.
        height_px = digit * math.dist(corners[0], corners[3]) / max(1, y1 - y0)
        legible = (shown and not hidden and height_px >= MIN_DIGIT_PX
                   and blur <= MAX_BLUR_SHARE * height_px)
        lines.append(PlacedLine(line, box, legible))
    digit_px = digit * math.dist(dst[0], dst[3]) / h
    clipped = (max(0, bx0 + pad), max(0, by0 + pad), min(photo.width, bx1 - pad),
               min(photo.height, by1 - pad))
    return Placed(clipped, tuple((round(x), round(y)) for x, y in dst), tuple(lines), visible,
                  digit_px, blur)
