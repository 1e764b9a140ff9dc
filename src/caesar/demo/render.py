"""Abstract compositions that stand in for photographs, and the camera that "takes" them.

A subject (a case, or a non-case scene) is one small canvas of soft coloured blobs and geometric
forms on a textured background. Each photo of it is a view of that canvas (a different centre,
zoom and angle, as a photographer moving around), scaled to the output size, with sensor-like
noise so that JPEG sizes look like a camera's, and camera EXIF. Nothing here resembles a body.
"""

from __future__ import annotations

import colorsys
import io
import math
import random
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np
from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFilter, TiffImagePlugin, TiffTags
from PIL.TiffImagePlugin import IFDRational

import caesar.media  # noqa: F401  (HEIC for Pillow, in the generator's worker processes too)

# The visible frame of a subject at zoom 1, and the margin around it that lets a view rotate
# or shift without running off the canvas.
FRAME_W, FRAME_H = 480, 360
MARGIN = 48
CANVAS_W, CANVAS_H = FRAME_W + 2 * MARGIN, FRAME_H + 2 * MARGIN

Point = tuple[float, float]
RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Scene:
    """One subject's canvas and the places a photographer would frame."""

    image: Image.Image
    head: Point
    torso: Point
    card: Point  # centre of the card, when the subject carries one
    card_height: float  # in canvas pixels
    card_angle: float
    skin: Point  # where a number "on the skin" is written: a shape away from the card
    details: tuple[Point, ...]  # small marks and other close-up targets


@dataclass(frozen=True)
class View:
    """Where one photo looks: canvas centre, zoom (1 = the whole frame) and tilt in degrees."""

    cx: float
    cy: float
    zoom: float
    angle: float


def output_size(megapixels: float) -> tuple[int, int]:
    """A 4:3 pixel size of about ``megapixels`` in multiples of 8 (1 -> 1152x864,
    12 -> 4000x3000)."""
    width = math.sqrt(megapixels * 1e6 * 4 / 3)
    w = max(64, round(width / 8) * 8)
    h = max(48, round(w * 3 / 4 / 8) * 8)
    return w, h


def _colour(rng: random.Random, s: tuple[float, float], v: tuple[float, float],
            hue: float | None = None) -> RGB:
    h = rng.random() if hue is None else (hue + rng.uniform(-0.08, 0.08)) % 1.0
    r, g, b = colorsys.hsv_to_rgb(h, rng.uniform(*s), rng.uniform(*v))
    return int(r * 255), int(g * 255), int(b * 255)


def _background(rng: random.Random, hue: float, sat: tuple[float, float],
                val: tuple[float, float]) -> Image.Image:
    # A low-frequency colour field, scaled up smoothly: uneven light on a floor or a sheet.
    gw, gh = rng.randint(3, 7), rng.randint(2, 5)
    cells = Image.new("RGB", (gw, gh))
    cells.putdata([_colour(rng, sat, val, hue) for _ in range(gw * gh)])
    image = cells.resize((CANVAS_W, CANVAS_H), Image.Resampling.BICUBIC)
    if rng.random() < 0.5:
        # Floor tiles or a grid of some kind, faint.
        draw = ImageDraw.Draw(image)
        step = rng.randint(36, 90)
        shade = _colour(rng, (0.0, 0.2), (0.2, 0.5))
        for x in range(rng.randint(0, step), CANVAS_W, step):
            draw.line((x, 0, x + rng.randint(-20, 20), CANVAS_H), fill=shade, width=2)
        for y in range(rng.randint(0, step), CANVAS_H, step):
            draw.line((0, y, CANVAS_W, y + rng.randint(-20, 20)), fill=shade, width=2)
    return image


def _inside(rng: random.Random, pad: float = 0.12) -> Point:
    return (MARGIN + FRAME_W * rng.uniform(pad, 1 - pad),
            MARGIN + FRAME_H * rng.uniform(pad, 1 - pad))


def compose_subject(rng: random.Random, *, category: str) -> Scene:
    """A new abstract subject: soft blobs and forms whose layout is unique to it.

    ``detention_death`` and ``other_death`` are clusters of soft blobs (other deaths in muted
    olive tones); ``scene`` is a geometric composition of blocks and bands.
    """
    if category == "scene":
        return _compose_scene(rng)
    olive = category == "other_death"
    hue = rng.uniform(0.15, 0.3) if olive else rng.random()
    bg_val = (0.15, 0.45) if rng.random() < 0.5 else (0.55, 0.9)
    image = _background(rng, rng.random(), (0.05, 0.35), bg_val)
    # Blobs are drawn and blurred at half size (4x cheaper), then scaled up: they are soft.
    blobs = Image.new("RGBA", (CANVAS_W // 2, CANVAS_H // 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(blobs)
    centres: list[Point] = []
    sizes: list[float] = []
    for _ in range(rng.randint(5, 9)):
        cx, cy = _inside(rng, 0.08)
        rx, ry = rng.uniform(22, 95), rng.uniform(18, 70)
        fill = _colour(rng, (0.15, 0.55) if olive else (0.2, 0.75), (0.2, 0.95),
                       hue if olive else None)
        draw.ellipse((cx / 2 - rx / 2, cy / 2 - ry / 2, cx / 2 + rx / 2, cy / 2 + ry / 2),
                     fill=(*fill, rng.randint(170, 255)))
        centres.append((cx, cy))
        sizes.append(rx * ry)
    blobs = blobs.filter(ImageFilter.GaussianBlur(rng.uniform(2, 4.5)))
    blobs = blobs.resize(image.size, Image.Resampling.BILINEAR)
    image.paste(blobs, (0, 0), blobs)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(2, 4)):
        # Crisp geometric forms: outlines, bars, triangles.
        cx, cy = _inside(rng, 0.05)
        r = rng.uniform(12, 60)
        colour = _colour(rng, (0.1, 0.8), (0.1, 0.95))
        kind = rng.randrange(3)
        if kind == 0:
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=colour, width=rng.randint(2, 6))
        elif kind == 1:
            draw.rectangle((cx - r, cy - r / 3, cx + r, cy + r / 3), fill=colour)
        else:
            pts = [(cx + r * math.cos(a), cy + r * math.sin(a))
                   for a in (rng.uniform(0, 6.3) for _ in range(3))]
            draw.polygon(pts, fill=colour)
    details: list[Point] = []
    for _ in range(rng.randint(1, 3)):
        # Small marks: tiny rings and strokes that a close-up photo would centre on.
        x, y = centres[rng.randrange(len(centres))]
        x, y = x + rng.uniform(-25, 25), y + rng.uniform(-20, 20)
        ink = _colour(rng, (0.3, 0.7), (0.1, 0.4))
        draw.ellipse((x - 5, y - 5, x + 5, y + 5), outline=ink, width=2)
        draw.line((x - 9, y + 8, x + 9, y + 3), fill=ink, width=2)
        details.append((x, y))
    head = centres[0]
    torso = centres[max(range(len(sizes)), key=sizes.__getitem__)]
    card = (torso[0] + rng.uniform(-40, 40), torso[1] + rng.uniform(-30, 30))
    card = (min(max(card[0], MARGIN + 70), CANVAS_W - MARGIN - 70),
            min(max(card[1], MARGIN + 50), CANVAS_H - MARGIN - 50))
    skin = max(centres, key=lambda c: (c[0] - card[0]) ** 2 + (c[1] - card[1]) ** 2)
    skin = (min(max(skin[0], MARGIN + 40), CANVAS_W - MARGIN - 40),
            min(max(skin[1], MARGIN + 30), CANVAS_H - MARGIN - 30))
    return Scene(_in_range(image, rng), head, torso, card, rng.uniform(42, 58), rng.uniform(-8, 8),
                 skin, tuple(details))


def _compose_scene(rng: random.Random) -> Scene:
    top = _colour(rng, (0.05, 0.4), (0.5, 0.95))
    image = _background(rng, rng.random(), (0.05, 0.3), (0.3, 0.8))
    draw = ImageDraw.Draw(image)
    horizon = rng.uniform(0.35, 0.65) * CANVAS_H
    draw.rectangle((0, 0, CANVAS_W, horizon), fill=top)
    x = 0.0
    while x < CANVAS_W:
        w = rng.uniform(30, 110)
        h = rng.uniform(40, horizon * 0.9)
        colour = _colour(rng, (0.0, 0.35), (0.2, 0.8))
        draw.rectangle((x, horizon - h, x + w, horizon + 4), fill=colour)
        for wy in range(int(horizon - h + 8), int(horizon - 10), 18):
            for wx in range(int(x + 6), int(x + w - 10), 16):
                if rng.random() < 0.6:
                    draw.rectangle((wx, wy, wx + 7, wy + 9), fill=_colour(rng, (0, 0.2), (0, 0.4)))
        x += w + rng.uniform(0, 25)
    for _ in range(rng.randint(3, 8)):
        cx, cy = rng.uniform(0, CANVAS_W), rng.uniform(horizon, CANVAS_H)
        r = rng.uniform(8, 40)
        pts = [(cx + r * math.cos(a), cy + r * 0.5 * math.sin(a))
               for a in sorted(rng.uniform(0, 6.3) for _ in range(5))]
        draw.polygon(pts, fill=_colour(rng, (0.0, 0.3), (0.1, 0.6)))
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    centre = (CANVAS_W / 2, CANVAS_H / 2)
    return Scene(_in_range(image, rng), centre, centre, centre, 0.0, 0.0, centre, (centre,))


# Every pixel value a subject or a card may take: noise of at most NOISE_LIMIT either way then
# never leaves 0..255, so it can be added with a cheap modulo addition (5x faster than a
# clipped one). Cards and inks keep inside the same range (see cards.py).
LOW, HIGH = 12, 243
NOISE_LIMIT = 10
_RANGE_LUT = [LOW + (HIGH - LOW) * v // 255 for v in range(256)] * 3


@lru_cache(maxsize=1)
def _texture_tile() -> Image.Image:
    # Fine grain at two scales, like skin, cloth or concrete seen close: without it close-ups
    # are so smooth that their PDQ quality falls below 50 and near-duplicate search ignores
    # them. One fixed tile, cropped at a random offset per subject.
    rng = np.random.default_rng(0x7E47)
    h, w = CANVAS_H * 2, CANVAS_W * 2
    fine = rng.normal(0.0, 4.0, (h, w))
    small = rng.normal(128.0, 10.0, (h // 4, w // 4)).clip(0, 255).astype(np.uint8)
    coarse = np.asarray(Image.fromarray(small).resize((w, h), Image.Resampling.BILINEAR),
                        dtype=np.float64) - 128.0
    return Image.fromarray(np.clip(128.0 + fine + coarse, 0, 255).astype(np.uint8), "L")


def _in_range(image: Image.Image, rng: random.Random) -> Image.Image:
    tile = _texture_tile()
    x, y = rng.randrange(CANVAS_W), rng.randrange(CANVAS_H)
    grain = tile.crop((x, y, x + CANVAS_W, y + CANVAS_H))
    image = ImageChops.add(image, Image.merge("RGB", (grain, grain, grain)), 1.0, -128)
    return image.point(_RANGE_LUT)


def clamp_view(view: View) -> View:
    """The same view moved, if needed, so its rotated window stays on the canvas."""
    hw, hh = FRAME_W / view.zoom / 2, FRAME_H / view.zoom / 2
    a = math.radians(abs(view.angle))
    ex = hw * math.cos(a) + hh * math.sin(a)
    ey = hw * math.sin(a) + hh * math.cos(a)
    cx = min(max(view.cx, ex + 1), CANVAS_W - ex - 1)
    cy = min(max(view.cy, ey + 1), CANVAS_H - ey - 1)
    return View(cx, cy, view.zoom, view.angle)


def render_view(scene: Scene, view: View, size: tuple[int, int]) -> Image.Image:
    """The photo ``view`` sees of ``scene``, ``size`` pixels, before noise and encoding."""
    # Rotate only the window the view needs (cheap for close-ups), then scale it up.
    hw, hh = FRAME_W / view.zoom / 2, FRAME_H / view.zoom / 2
    a = math.radians(abs(view.angle))
    ex = hw * math.cos(a) + hh * math.sin(a) + 2
    ey = hw * math.sin(a) + hh * math.cos(a) + 2
    x0, y0 = max(0, math.floor(view.cx - ex)), max(0, math.floor(view.cy - ey))
    x1 = min(CANVAS_W, math.ceil(view.cx + ex))
    y1 = min(CANVAS_H, math.ceil(view.cy + ey))
    window = scene.image.crop((x0, y0, x1, y1))
    cx, cy = view.cx - x0, view.cy - y0
    # Wide views rotate with nearest neighbour (a large window, and the bilinear scaling that
    # follows smooths the steps); close-ups rotate a small window, bilinear is cheap there.
    resample = Image.Resampling.BILINEAR if view.zoom >= 1.5 else Image.Resampling.NEAREST
    rotated = window.rotate(view.angle, resample=resample, center=(cx, cy))
    # Scale smoothly to half the size, then double: ~3x cheaper than a full-size bilinear
    # scale; the 2x2 steps vanish under the sensor noise and JPEG.
    half = (max(1, size[0] // 2), max(1, size[1] // 2))
    image = rotated.resize(half, Image.Resampling.BILINEAR,
                           box=(cx - hw, cy - hh, cx + hw, cy + hh))
    return image.resize(size, Image.Resampling.NEAREST)


def map_point(view: View, size: tuple[int, int], point: Point) -> Point:
    """Where a canvas point appears in the photo taken with ``view``."""
    a = math.radians(view.angle)
    dx, dy = point[0] - view.cx, point[1] - view.cy
    # Pillow rotates counter-clockwise as seen, with y pointing down.
    rx = dx * math.cos(a) + dy * math.sin(a)
    ry = -dx * math.sin(a) + dy * math.cos(a)
    scale = size[0] / (FRAME_W / view.zoom)
    return size[0] / 2 + rx * scale, size[1] / 2 + ry * scale


def view_scale(view: View, size: tuple[int, int]) -> float:
    """Photo pixels per canvas pixel for ``view``."""
    return size[0] / (FRAME_W / view.zoom)


@lru_cache(maxsize=4)
def _noise_tile(size: tuple[int, int]) -> Image.Image:
    # One fixed noise field per size (a sensor's pattern), cropped at a random offset per photo:
    # generating fresh Gaussian noise for every megapixel would cost more than the rest.
    w, h = size
    # float32 halves the transient memory, which matters at 12 MP (37 million samples).
    field = np.random.default_rng(0x5EED).standard_normal((h + 64, w + 64, 3), np.float32) * 3.5
    wrapped = np.clip(np.rint(field), -NOISE_LIMIT, NOISE_LIMIT).astype(np.int16) % 256
    return Image.fromarray(wrapped.astype(np.uint8), "RGB")


def add_sensor_noise(image: Image.Image, rng: random.Random) -> Image.Image:
    """``image`` with sensor-like noise, so that JPEG sizes resemble a camera's."""
    tile = _noise_tile(image.size)
    dx, dy = rng.randrange(64), rng.randrange(64)
    noise = tile.crop((dx, dy, dx + image.width, dy + image.height))
    return ImageChops.add_modulo(image, noise)


@dataclass(frozen=True)
class CameraModel:
    """A camera model: what it writes into EXIF and how it names and encodes files."""

    make: str
    model: str
    software: str
    file_pattern: str  # str.format pattern with the frame counter
    counter_limit: int
    quality: int
    subsampling: int  # 0 = 4:4:4, 1 = 4:2:2, 2 = 4:2:0


CAMERA_MODELS: tuple[CameraModel, ...] = (
    CameraModel("NIKON CORPORATION", "NIKON D90", "Ver.1.00", "DSC_{:04d}.JPG", 9999, 92, 1),
    CameraModel("Canon", "Canon EOS 550D", "", "IMG_{:04d}.JPG", 9999, 93, 1),
    CameraModel("SONY", "DSC-H55", "", "DSC{:05d}.JPG", 99999, 90, 2),
    CameraModel("FUJIFILM", "FinePix S2950", "Digital Camera FinePix S2950 Ver1.00",
                "DSCF{:04d}.JPG", 9999, 91, 2),
    CameraModel("NIKON CORPORATION", "COOLPIX L120", "COOLPIX L120V1.0", "DSCN{:04d}.JPG",
                9999, 90, 2),
)


def utc_offset(moment: datetime) -> str:
    """Syria's offset from UTC at ``moment``: +03:00 in summer time, else +02:00.

    Approximated by month (April to October); the real switch dates varied by year.
    """
    return "+03:00" if 4 <= moment.month <= 10 else "+02:00"


def camera_exif(camera: CameraModel, serial: str, taken_at: datetime,
                size: tuple[int, int], rng: random.Random) -> bytes:
    """EXIF bytes as ``camera`` (body ``serial``) would write them for a photo at ``taken_at``."""
    stamp = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    exif[0x010F] = camera.make
    exif[0x0110] = camera.model
    exif[0x0112] = 1
    exif[0x011A] = IFDRational(72, 1)
    exif[0x011B] = IFDRational(72, 1)
    exif[0x0128] = 2
    if camera.software:
        exif[0x0131] = camera.software
    exif[0x0132] = stamp
    ifd = exif.get_ifd(0x8769)
    ifd[0x829A] = IFDRational(1, rng.choice([30, 60, 80, 125]))
    ifd[0x829D] = IFDRational(rng.choice([28, 35, 45, 56]), 10)
    ifd[0x8827] = rng.choice([200, 400, 800])
    ifd[0x9003] = stamp
    ifd[0x9004] = stamp
    ifd[0x9010] = utc_offset(taken_at)
    ifd[0x9011] = utc_offset(taken_at)
    ifd[0x9209] = 1 if rng.random() < 0.6 else 16
    ifd[0x920A] = IFDRational(rng.choice([180, 240, 350, 500]), 10)
    ifd[0xA001] = 1
    ifd[0xA002] = size[0]
    ifd[0xA003] = size[1]
    ifd[0xA431] = serial
    return exif.tobytes()


def encode_heic(image: Image.Image, *, exif: bytes) -> bytes:
    """``image`` as a HEIC with ``exif`` (pillow-heif, libheif's x265 at its fastest preset:
    six times quicker than its default for the same picture at this quality)."""
    out = io.BytesIO()
    image.save(out, "HEIF", quality=90, exif=exif, enc_params={"preset": "ultrafast"})
    return out.getvalue()


def encode_dng(image: Image.Image, *, exif: bytes) -> bytes:
    """``image`` as a camera's raw DNG with ``exif``: each pixel keeps one colour of a Bayer
    (RGGB) filter, as linear 12-bit sensor readings, in the tags DNG 1.4 requires (§6),
    written by Pillow's TIFF writer (no package writes DNG)."""
    linear = (np.asarray(image.convert("RGB"), np.float32) / 255) ** 2.2 * 4095
    mosaic = np.empty(linear.shape[:2], np.uint16)
    for row, col, channel in ((0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 2)):
        mosaic[row::2, col::2] = linear[row::2, col::2, channel]
    read = Image.Exif()
    read.load(exif)
    tags = TiffImagePlugin.ImageFileDirectory_v2()
    for tag, value in read.items():
        if tag not in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo):  # offsets into `exif`
            tags[tag] = value
    for pointer in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo):
        if inner := read.get_ifd(pointer):
            tags[pointer] = dict(inner)
    tags[254] = 0  # NewSubfileType: the full image, not a preview
    tags[262] = 32803  # PhotometricInterpretation: colour filter array
    tags[33421] = (2, 2)  # CFARepeatPatternDim
    tags[33422] = b"\x00\x01\x01\x02"  # CFAPattern: red, green / green, blue
    tags[50706] = b"\x01\x04\x00\x00"  # DNGVersion 1.4
    tags[50708] = " ".join(str(read.get(t, "")) for t in (ExifTags.Base.Make,
                                                         ExifTags.Base.Model))  # UniqueCameraModel
    tags[50717] = 4095  # WhiteLevel
    tags.tagtype[50721] = TiffTags.SIGNED_RATIONAL
    # ColorMatrix1, from XYZ to the sensor's colours: those of linear sRGB (IEC 61966-2-1)
    tags[50721] = (3.2406, -1.5372, -0.4986, -0.9689, 1.8758, 0.0415, 0.0557, -0.2040, 1.0570)
    tags[50728] = (1, 1, 1)  # AsShotNeutral: no colour cast to correct
    out = io.BytesIO()
    Image.fromarray(mosaic).save(out, "TIFF", tiffinfo=tags)
    return out.getvalue()


def encode_jpeg(image: Image.Image, *, quality: int, subsampling: int,
                exif: bytes | None = None) -> bytes:
    """``image`` as JPEG bytes (baseline, as cameras write), with ``exif`` when given."""
    out = io.BytesIO()
    kwargs: dict[str, object] = {"quality": quality, "subsampling": subsampling}
    if exif is not None:
        kwargs["exif"] = exif
    image.save(out, "JPEG", **kwargs)
    return out.getvalue()
