"""The evaluation set: camera originals in sequence and labelled doctored copies.

Each camera of `cameras.py` takes a run of photos (numbered files, times that follow the
numbers, the camera's tables, EXIF layout, MakerNote and thumbnail). Then some originals are
doctored, one kind at a time (`doctoring.KINDS`), each copy labelled with its kind, the
original it came from, the region changed where there is one, and its split: ``tuned`` (the
editors, metadata tools and parameters the thresholds were set on) or ``held_out`` (other
editors' tables, the real exiftool and jpegtran, other sizes and shifts, and every copy made
from a held-out camera's photo). The synthetic pictures are abstract (gradients, shapes,
sensor-like noise): nothing here resembles a person.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw

from caesar.forensics.evalset import doctoring as d
from caesar.forensics.evalset.cameras import CAMERAS, EvalCamera, Split
from caesar.forensics.evalset.tiff import Entry, exif_segment
from caesar.forensics.jpeg import read_structure

Kind = Literal["original", "resaved", "dates_changed", "camera_changed", "pasted_region",
               "cropped", "resized", "thumbnail_left", "metadata_rewritten"]
TUNED_EDITORS = (d.EditorSave("ijg", 90), d.EditorSave("ijg", 95, subsampling=1))
HELD_OUT_EDITORS = (d.EditorSave("ijg", 85, subsampling=0, optimize=True),
                    d.EditorSave("ijg", 98), d.EditorSave("opencv", 92))


@dataclass(frozen=True)
class EvalPhoto:
    """One file of the evaluation set and what it is."""

    name: str  # camera/FILE.JPG (a doctored copy: camera/doctored/KIND-FILE.JPG)
    camera: str
    kind: Kind
    split: Split
    data: bytes = field(repr=False)
    taken: datetime | None = None
    of: str | None = None  # the original a doctored copy was made from
    # x, y, width, height: where a region was pasted, or painted over (thumbnail_left)
    region: tuple[int, int, int, int] | None = None
    tool: str = "camera"


def picture(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """An abstract scene with texture, so that its compression behaves like a photo's."""
    w, h = size
    gen = np.random.default_rng(rng.randrange(1 << 30))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([a + b * xx / w + c * yy / h for a, b, c in
                     (gen.uniform(40, 200, 3) for _ in range(3))], axis=2)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(6, 14)):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randint(w // 30, w // 6)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            draw.rectangle((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
    noise = gen.normal(0, 5.0, (h, w, 3))
    pixels = np.asarray(image, dtype=np.float32) + noise
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def camera_exif(camera: EvalCamera, serial: str, when: datetime, size: tuple[int, int],
                image: Image.Image | None) -> bytes:
    """The APP1 payload `camera` writes for a photo taken `when` (its thumbnail from `image`)."""
    stamp = when.strftime("%Y:%m:%d %H:%M:%S")
    ifd0 = [Entry(0x010F, camera.make), Entry(0x0110, camera.model), Entry(0x0112, 1),
            Entry(0x011A, (72, 1)), Entry(0x011B, (72, 1)), Entry(0x0128, 2),
            Entry(0x0132, stamp)]
    if camera.software:
        ifd0.append(Entry(0x0131, camera.software))
    exif = [Entry(0x829A, (1, 60)), Entry(0x829D, (40, 10)), Entry(0x8827, 200),
            Entry(0x9003, stamp), Entry(0x9004, stamp), Entry(0xA002, size[0]),
            Entry(0xA003, size[1]), *(Entry(tag, 1) for tag in camera.extra_tags)]
    if serial:
        exif.append(Entry(0xA431, serial))
    if camera.makernote:
        exif.append(Entry(0x927C, camera.makernote))
    thumbnail = None
    if camera.thumbnail and image is not None:
        small = image.copy()
        small.thumbnail((160, 120))
        out = io.BytesIO()
        small.save(out, "JPEG", quality=75)
        thumbnail = _without_app0(out.getvalue())
    return exif_segment(ifd0, exif, thumbnail)


def _without_app0(data: bytes) -> bytes:
    segment = next((s for s in read_structure(data).segments if s.name == "APP0"), None)
    if segment is None:
        return data
    return data[:segment.offset] + data[segment.offset + 4 + len(segment.payload):]


def camera_original(camera: EvalCamera, serial: str, when: datetime, size: tuple[int, int],
                    rng: random.Random) -> bytes:
    """A photo as `camera` writes it: its tables, APP1 first and no JFIF header."""
    image = picture(size, rng)
    out = io.BytesIO()
    image.save(out, "JPEG", qtables=camera.tables, subsampling=camera.subsampling)
    return d.insert_app1(_without_app0(out.getvalue()),
                         camera_exif(camera, serial, when, size, image))


@dataclass
class _Run:
    camera: EvalCamera
    serial: str
    photos: list[EvalPhoto]


def generate(*, per_camera: int = 12, size: tuple[int, int] = (640, 480), seed: int = 0,
             copies_per_kind: int = 2) -> list[EvalPhoto]:
    """The whole evaluation set: every camera's originals, then the doctored copies."""
    rng = random.Random(f"evalset:{seed}")
    runs = [_camera_run(camera, per_camera, size, rng) for camera in CAMERAS]
    photos = [p for run in runs for p in run.photos]
    for run in runs:
        for i, kind in enumerate(d.KINDS):
            for copy in range(copies_per_kind):
                held = run.camera.split == "held_out" or copy % 2 == 1
                index = (i * copies_per_kind + copy) % len(run.photos)
                photos.append(_doctor(kind, run, run.photos[index], held, rng, runs))
    return photos


def _camera_run(camera: EvalCamera, count: int, size: tuple[int, int],
                rng: random.Random) -> _Run:
    serial = f"{rng.randrange(10**6, 10**7)}"
    number = rng.randint(100, 5000)
    when = datetime(2013, 3, 1, 9, 0) + timedelta(days=rng.randrange(60),
                                                  minutes=rng.randrange(600))
    photos = []
    for _ in range(count):
        number += 1 if rng.random() < 0.85 else rng.randint(2, 5)  # some photos not handed over
        when += timedelta(seconds=rng.randint(15, 400))
        name = f"{camera.key}/{camera.file_pattern.format(number)}"
        data = camera_original(camera, serial, when, size, rng)
        photos.append(EvalPhoto(name, camera.key, "original", camera.split, data, when))
    return _Run(camera, serial, photos)


def _doctor(kind: str, run: _Run, original: EvalPhoto, held: bool, rng: random.Random,
            runs: list[_Run]) -> EvalPhoto:
    editor = rng.choice(HELD_OUT_EDITORS if held else TUNED_EDITORS)
    tool = f"{editor.editor} q{editor.quality}"
    region = None
    data = original.data
    assert original.taken is not None
    if kind == "resaved":
        data = d.resave(data, editor)
    elif kind == "pasted_region":
        donor = rng.choice([p for p in run.photos if p is not original])
        data, region = d.pasted_region(data, donor.data, editor, rng,
                                       (160, 240) if held else (128, 192))
    elif kind == "cropped":
        data = d.cropped(data, editor, rng, rng.uniform(0.6, 0.75) if held else 0.85)
    elif kind == "resized":
        data = d.resized(data, editor, rng.uniform(0.5, 0.7) if held else 0.8)
    elif kind == "thumbnail_left":
        data, region = d.thumbnail_left(data, editor, rng)
    else:
        data, tool = _metadata_edit(kind, run, original, held, rng, runs)
    stem = original.name.rsplit("/", 1)[1]
    return EvalPhoto(f"{run.camera.key}/doctored/{kind}-{stem}", run.camera.key, kind,  # type: ignore[arg-type]
                     "held_out" if held else "tuned", data, original.taken, original.name,
                     region, tool)


def _metadata_edit(kind: str, run: _Run, original: EvalPhoto, held: bool, rng: random.Random,
                   runs: list[_Run]) -> tuple[bytes, str]:
    assert original.taken is not None
    data = original.data
    if kind == "dates_changed":
        if held and d.exiftool_available():
            days = rng.randint(3, 20)
            return d.with_exiftool(data, f"-AllDates-={days}:0:0 4:0:0"), "exiftool"
        shift = timedelta(hours=rng.choice([-1, 1]) * rng.randint(2, 48))
        exif = d.exif_of(data) or b""
        return d.replace_app1(data, d.shift_dates(exif, original.taken, shift)), "own"
    if kind == "camera_changed":
        other = rng.choice([r for r in runs if r is not run]).camera
        if held and d.exiftool_available():
            return d.with_exiftool(data, f"-Make={other.make}", f"-Model={other.model}"), \
                "exiftool"
        size = Image.open(io.BytesIO(data)).size
        forged = camera_exif(other, "", original.taken, size, None)
        return d.replace_app1(data, forged), "own"
    # metadata_rewritten: everything stripped, then a camera's name and dates written again
    stamp = original.taken.strftime("%Y:%m:%d %H:%M:%S")
    if held and d.exiftool_available():
        bare = d.stripped_by_jpegtran(data)
        return d.with_exiftool(bare, f"-Make={run.camera.make}", f"-Model={run.camera.model}",
                               f"-AllDates={stamp}", f"-SerialNumber={run.serial}"), \
            "jpegtran + exiftool"
    payload = exif_segment([Entry(0x010F, run.camera.make), Entry(0x0110, run.camera.model),
                            Entry(0x0132, stamp)],
                           [Entry(0x9003, stamp), Entry(0xA431, run.serial)])
    return d.replace_app1(data, payload), "own"

