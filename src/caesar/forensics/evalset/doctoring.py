"""Kinds of doctoring, each applied to a camera original's bytes as a forger's tool would.

Each function takes the original (and what it needs) and returns the doctored file. Editors
are libjpeg-based programs (GIMP, ImageMagick, Pillow: the IJG tables at a quality) or OpenCV
(libjpeg-turbo); metadata tools are this module's own APP1 rewriting and, held out, the real
``exiftool`` and ``jpegtran``. A doctored copy keeps the original's EXIF unless the kind is to
strip it, as most editors keep it.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image

from caesar.forensics.jpeg import read_structure

KINDS = ("resaved", "dates_changed", "camera_changed", "pasted_region", "cropped", "resized",
         "thumbnail_left", "metadata_rewritten")
Editor = Literal["ijg", "opencv"]


@dataclass(frozen=True)
class EditorSave:
    """How a doctored image is saved: which encoder, at which quality."""

    editor: Editor
    quality: int
    subsampling: int = 2
    optimize: bool = False

    def save(self, image: Image.Image, exif: bytes | None) -> bytes:
        """`image` encoded as this editor would, with `exif` (APP1 payload) kept if given."""
        if self.editor == "opencv":
            import cv2

            ok, encoded = cv2.imencode(".jpg", np.asarray(image.convert("RGB"))[:, :, ::-1],
                                       [cv2.IMWRITE_JPEG_QUALITY, self.quality])
            if not ok:
                raise RuntimeError("OpenCV could not encode the image")
            data = encoded.tobytes()
            return insert_app1(data, exif) if exif else data
        out = io.BytesIO()
        options: dict[str, object] = {"quality": self.quality, "subsampling": self.subsampling,
                                      "optimize": self.optimize}
        if exif:
            options["exif"] = exif
        image.save(out, "JPEG", **options)
        return out.getvalue()


def decode(data: bytes) -> Image.Image:
    """The photo's pixels (RGB)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Image.open(io.BytesIO(data)).convert("RGB")


def exif_of(data: bytes) -> bytes | None:
    """The APP1 Exif payload of a JPEG (``Exif\\0\\0`` and the TIFF), if any."""
    segment = read_structure(data).app("Exif")
    return segment.payload if segment else None


def insert_app1(data: bytes, payload: bytes) -> bytes:
    """`data` with an APP1 segment carrying `payload` right after SOI (and any JFIF APP0)."""
    structure = read_structure(data)
    after = 2
    for segment in structure.segments[1:]:
        if segment.name == "APP0":
            after = segment.offset + 4 + len(segment.payload)
        else:
            break
    length = (len(payload) + 2).to_bytes(2, "big")
    return data[:after] + b"\xff\xe1" + length + payload + data[after:]


def replace_app1(data: bytes, payload: bytes) -> bytes:
    """`data` whose Exif APP1 segment is replaced by `payload` (the pixels untouched)."""
    segment = read_structure(data).app("Exif")
    if segment is None:
        return insert_app1(data, payload)
    end = segment.offset + 4 + len(segment.payload)
    length = (len(payload) + 2).to_bytes(2, "big")
    return data[:segment.offset] + b"\xff\xe1" + length + payload + data[end:]


def resave(data: bytes, editor: EditorSave) -> bytes:
    """Opened and saved again, the EXIF kept."""
    return editor.save(decode(data), exif_of(data))


def pasted_region(data: bytes, donor: bytes, editor: EditorSave, rng: random.Random,
                  side: tuple[int, int]) -> tuple[bytes, tuple[int, int, int, int]]:
    """A region of `donor` pasted at a random place (not on the 8-pixel grid); returns the
    file and the region (x, y, width, height)."""
    image, other = decode(data), decode(donor)
    w = min(rng.randint(*side), image.width // 2)
    h = min(rng.randint(*side), image.height // 2)
    sx, sy = rng.randrange(other.width - w), rng.randrange(other.height - h)
    x, y = rng.randrange(8, image.width - w - 8), rng.randrange(8, image.height - h - 8)
    image.paste(other.crop((sx, sy, sx + w, sy + h)), (x, y))
    return editor.save(image, exif_of(data)), (x, y, w, h)


def cropped(data: bytes, editor: EditorSave, rng: random.Random, share: float) -> bytes:
    """Cut to `share` of each side at an offset off the 8-pixel grid, the EXIF kept."""
    image = decode(data)
    w, h = int(image.width * share), int(image.height * share)
    x = rng.randrange(1, image.width - w) | 1  # odd: never a multiple of 8
    y = rng.randrange(1, image.height - h) | 1
    return editor.save(image.crop((x, y, x + w, y + h)), exif_of(data))


def resized(data: bytes, editor: EditorSave, factor: float) -> bytes:
    """Scaled by `factor`, the EXIF kept."""
    image = decode(data)
    size = (max(8, round(image.width * factor)), max(8, round(image.height * factor)))
    return editor.save(image.resize(size, Image.Resampling.LANCZOS), exif_of(data))


def thumbnail_left(data: bytes, editor: EditorSave, rng: random.Random
                   ) -> tuple[bytes, tuple[int, int, int, int]]:
    """A region painted over (a mark hidden), saved with the EXIF, thumbnail and all, of
    before the edit; returns the file and the painted region (x, y, width, height)."""
    image = decode(data)
    w, h = image.width // 3, image.height // 3
    x, y = rng.randrange(image.width - w), rng.randrange(image.height - h)
    colour = tuple(int(v) for v in np.asarray(image).reshape(-1, 3).mean(axis=0))
    image.paste(Image.new("RGB", (w, h), colour), (x, y))
    return editor.save(image, exif_of(data)), (x, y, w, h)


def shift_dates(exif: bytes, when: datetime, shift: timedelta) -> bytes:
    """Every EXIF date of the APP1 payload moved by `shift` (same length: bytes in place)."""
    old = when.strftime("%Y:%m:%d %H:%M:%S").encode()
    new = (when + shift).strftime("%Y:%m:%d %H:%M:%S").encode()
    return exif.replace(old, new)


def exiftool_available() -> bool:
    """Are the real metadata tools (exiftool, jpegtran) installed?"""
    return shutil.which("exiftool") is not None and shutil.which("jpegtran") is not None


def with_exiftool(data: bytes, *arguments: str) -> bytes:
    """`data` after ``exiftool ARGUMENTS`` (the real tool, on a private temporary file)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "photo.jpg")
        path.write_bytes(data)
        subprocess.run(["exiftool", "-q", "-q", "-overwrite_original", *arguments, str(path)],
                       check=True, capture_output=True)
        return path.read_bytes()


def stripped_by_jpegtran(data: bytes) -> bytes:
    """Every metadata segment removed by ``jpegtran -copy none`` (pixels losslessly kept)."""
    done = subprocess.run(["jpegtran", "-copy", "none"], input=data, check=True,
                          capture_output=True)
    return done.stdout
