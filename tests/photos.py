"""Small hand-made inputs for intake tests: images that packages ship and files built here."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def camera_jpeg(path: Path, *, seed: int, serial: str = "SN-0001", make: str = "Canon",
                model: str = "EOS 5D", taken: str = "2013:08:02 10:11:12",
                size: tuple[int, int] = (640, 480)) -> bytes:
    """A noisy JPEG with camera EXIF (make, model, body serial, capture time); returns bytes."""
    rng = np.random.default_rng(seed)
    w, h = size
    base = np.linspace(0, 1, w)[None, :, None] * rng.integers(60, 200, 3)[None, None, :]
    pixels = (base + rng.normal(0, 12, (h, w, 3)) + rng.integers(0, 40)).clip(0, 255)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = make, model
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0xA431], exif_ifd[0x9003] = serial, taken
    buf = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(buf, "JPEG", quality=88, exif=exif)
    data = buf.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def png_header_only(path: Path, width: int, height: int) -> None:
    """A tiny PNG whose header claims `width`×`height` pixels (a decompression bomb)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
                     + chunk(b"IEND", b""))
