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


XMP_TEMPLATE = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/'
                b'1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/'
                b'elements/1.1/"><dc:creator>%s</dc:creator></rdf:Description></rdf:RDF>'
                b'</x:xmpmeta>')


def phone_jpeg(path: Path, *, place: str, owner: str, seed: int = 7,
               size: tuple[int, int] = (400, 300), fmt: str = "JPEG") -> bytes:
    """A JPEG as a family's phone writes one: a GPS position (33°27'45.5"N 36°14'2.25"E) with
    `place` as its area, `owner` as the camera's owner and in XMP, turned by its EXIF
    orientation (90° clockwise: it is seen `size` reversed). Returns the bytes.

    `fmt` (Pillow's name: HEIF, AVIF) writes the same photo in a phone's other format; HEIF
    turns by its own transform boxes, not EXIF, so libheif shows such a one unturned."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (33.0, 27.0, 45.5), "E", (36.0, 14.0, 2.25)
    gps[0x1C] = b"ASCII\x00\x00\x00" + place.encode()  # GPSAreaInformation
    exif.get_ifd(0x8769)[0xA430] = owner  # CameraOwnerName
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, fmt, quality=85, exif=exif,
                                 xmp=XMP_TEMPLATE % owner.encode())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


def grace_hopper() -> bytes:
    """The portrait matplotlib ships (a face, for families' photos in tests)."""
    import matplotlib

    return (Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg").read_bytes()


def metadata_groups(*files: Path) -> list[set[str]]:
    """The metadata groups exiftool finds in each file, beyond what any file has (its name,
    size, type and pixel layout): an empty set is a file with no metadata at all."""
    import json
    import subprocess

    found = json.loads(subprocess.run(["exiftool", "-j", "-a", "-G1", *map(str, files)],
                                      capture_output=True, check=True).stdout)
    return [{key.split(":")[0] for key in tags if ":" in key}
            - {"ExifTool", "System", "File", "Composite"} for tags in found]
