"""A small drive for other modules' tests: a few camera JPEGs and three damaged files.

``make_drive`` is deliberately simple and fast (well under a second): it writes ``photos``
distinct abstract JPEGs with camera EXIF (make, model, body serial, capture times seconds
apart) into one day folder, plus an empty file, a truncated JPEG and a text note saved under a
photo's name (so not an image where one was expected), and says where each one is.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from caesar.demo.photos import choose_view, write_file
from caesar.demo.render import (
    CAMERA_MODELS,
    CameraModel,
    add_sensor_noise,
    camera_exif,
    compose_subject,
    encode_jpeg,
    output_size,
    render_view,
)


@dataclass(frozen=True)
class SmallDrive:
    """What :func:`make_drive` wrote; paths are absolute, ``sha256`` is keyed by relative path."""

    root: Path
    photos: tuple[Path, ...]
    taken_at: tuple[datetime, ...]  # local capture time of each photo, as in its EXIF
    empty: Path | None
    truncated: Path | None
    not_image: Path | None
    make: str
    model: str
    serial: str
    sha256: dict[str, str]

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file written, photos first."""
        extra = (self.empty, self.truncated, self.not_image)
        return self.photos + tuple(p for p in extra if p is not None)


def make_drive(out: Path, *, photos: int = 5, seed: int = 0, serial: str = "DEMO0001",
               make: str = "NIKON CORPORATION", model: str = "NIKON D90",
               start: datetime = datetime(2013, 8, 2, 10, 15, 0), megapixels: float = 0.3,
               damaged: bool = True) -> SmallDrive:
    """Write a small drive into ``out`` (created if needed; same names are overwritten).

    The photos go to ``out/<start date>/`` (e.g. ``2013-08-02/DSC_0001.JPG``), one distinct
    subject each, so their PDQ hashes are far apart. With ``damaged`` the folder also gets an
    empty ``.JPG``, a truncated JPEG and a text note named like a photo. The same arguments give
    the same bytes.
    """
    rng = random.Random(f"{seed}:small-drive")
    base = next((c for c in CAMERA_MODELS if (c.make, c.model) == (make, model)), None)
    camera = CameraModel(make, model, base.software if base else "",
                         base.file_pattern if base else "IMG_{:04d}.JPG",
                         9999, base.quality if base else 92, base.subsampling if base else 1)
    size = output_size(megapixels)
    folder = f"{start:%Y-%m-%d}"
    out = Path(out)
    sha: dict[str, str] = {}
    paths: list[Path] = []
    times: list[datetime] = []
    when = start

    def write(name: str, data: bytes, moment: datetime) -> Path:
        rel = f"{folder}/{name}"
        write_file(str(out), "", rel, data, moment)
        sha[rel] = hashlib.sha256(data).hexdigest()
        return out / folder / name

    def photo(moment: datetime) -> bytes:
        scene = compose_subject(rng, category=rng.choice(["detention_death", "scene"]))
        image = add_sensor_noise(render_view(scene, choose_view("body", "", scene, rng), size),
                                 rng)
        return encode_jpeg(image, quality=camera.quality, subsampling=camera.subsampling,
                           exif=camera_exif(camera, serial, moment, size, rng))

    for i in range(photos):
        paths.append(write(camera.file_pattern.format(i + 1), photo(when), when))
        times.append(when)
        when += timedelta(seconds=rng.randint(7, 25))
    empty = truncated = note = None
    if damaged:
        empty = write(camera.file_pattern.format(photos + 1), b"", when)
        full = photo(when)
        truncated = write(camera.file_pattern.format(photos + 2), full[: len(full) // 2], when)
        note = write(camera.file_pattern.format(photos + 3),
                     b"Copied for the archive. Not a photo.\n", when)
    return SmallDrive(out, tuple(paths), tuple(times), empty, truncated, note, make, model,
                      serial, sha)
