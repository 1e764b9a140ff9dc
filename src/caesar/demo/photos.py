"""Turning one planned subject into files: the work each worker process does.

A subject's random choices (its composition, views, card style, noise offsets) come from its
own generator seeded by the collection seed and the subject's key, so the bytes do not depend
on which process renders it or in what order.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pdqhash
from PIL import Image

from caesar.demo.cards import choose_style
from caesar.demo.carriers import choose_looks, framed, plain_numbers, scaled, varied_numbers
from caesar.demo.plan import SubjectPlan
from caesar.demo.render import (
    CANVAS_H,
    CANVAS_W,
    Scene,
    View,
    add_sensor_noise,
    camera_exif,
    clamp_view,
    compose_subject,
    encode_heic,
    encode_jpeg,
    render_view,
    utc_offset,
)

# Published copies must stay near-duplicates of their original: PDQ distance <= 31 is the
# threshold the cases issue uses, and a margin keeps them well inside it.
PUBLISHED_MAX_DISTANCE = 24


@dataclass(frozen=True)
class Job:
    """One subject to render into the collection folder ``root``."""

    root: str
    seed: int
    size: tuple[int, int]
    subject: SubjectPlan
    heic: bool = False  # saved as a phone saves photos today (see CollectionSpec.heic_cases)


def heic_name(path: str) -> str:
    """A camera's file name as a phone saving HEIC names it (``DSC_0001.JPG`` -> ``.HEIC``)."""
    return str(PurePosixPath(path).with_suffix(".HEIC"))


def aware(moment: datetime) -> datetime:
    """A local Syrian time with its UTC offset attached."""
    offset = utc_offset(moment)  # "+03:00"
    delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:]))
    return moment.replace(tzinfo=timezone(delta if offset[0] == "+" else -delta))


def write_file(root: str, drive: str, path: str, data: bytes, when: datetime | None) -> None:
    """Write ``data`` to ``root/drive/path``, with the file's time set to ``when``."""
    target = Path(root, drive, path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    if when is not None:
        stamp = aware(when).timestamp()
        os.utime(target, (stamp, stamp))


def choose_view(role: str, target: str, scene: Scene, rng: random.Random) -> View:
    """Where a photographer points the camera for a photo of this role."""
    def near(point: tuple[float, float], dx: float, dy: float) -> tuple[float, float]:
        return point[0] + rng.uniform(-dx, dx), point[1] + rng.uniform(-dy, dy)

    if role == "face":
        x, y = near(scene.head, 15, 12)
        view = View(x, y, rng.uniform(2.0, 3.0), rng.uniform(-12, 12))
    elif role == "card":
        x, y = near(scene.card, 22, 16)
        view = View(x, y, rng.uniform(1.8, 2.5), rng.uniform(-8, 8))
    elif role == "detail" and target == "skin":
        x, y = near(scene.skin, 10, 8)
        view = View(x, y, rng.uniform(2.2, 2.9), rng.uniform(-10, 10))
    elif role == "detail":
        x, y = near(rng.choice(scene.details), 12, 10)
        view = View(x, y, rng.uniform(2.5, 3.6), rng.uniform(-15, 15))
    else:
        x, y = near((CANVAS_W / 2, CANVAS_H / 2), 35, 28)
        view = View(x, y, rng.uniform(1.0, 1.3) if role == "body" else rng.uniform(1.0, 1.6),
                    rng.uniform(-7, 7))
    return clamp_view(view)


def pdq_bits(image: Image.Image) -> np.ndarray:
    """The 256 PDQ bits of an image."""
    bits, _quality = pdqhash.compute(np.asarray(image.convert("RGB")))
    return np.asarray(bits)


def published_copy(original: bytes, rng: random.Random) -> tuple[bytes, float]:
    """A re-encoded "published" copy: smaller, recompressed, every metadata field stripped.

    Returns the copy and its scale factor; the copy's PDQ distance to the original is at most
    ``PUBLISHED_MAX_DISTANCE``.
    """
    image = Image.open(io.BytesIO(original)).convert("RGB")
    reference = pdq_bits(image)
    long_side = min(int(max(image.size) * rng.uniform(0.55, 0.85)),
                    rng.choice([640, 800, 960, 1024]))
    quality = rng.randint(60, 82)
    for _ in range(6):
        scale = long_side / max(image.size)
        small = image.resize((round(image.width * scale), round(image.height * scale)),
                             Image.Resampling.BICUBIC)
        data = encode_jpeg(small, quality=quality, subsampling=2)
        if int((pdq_bits(Image.open(io.BytesIO(data))) != reference).sum()) \
                <= PUBLISHED_MAX_DISTANCE:
            return data, scale
        quality, long_side = min(95, quality + 8), min(max(image.size), int(long_side * 1.3))
    raise RuntimeError("could not make a published copy close enough to its original")


def render_subject(job: Job) -> list[dict[str, Any]]:
    """Render, encode and write every file of one subject; return their truth records."""
    subject, size, root = job.subject, job.size, job.root
    rng = random.Random(f"{job.seed}:{subject.key}")
    scene = compose_subject(rng, category=subject.category)
    case = subject.case
    writing = case.writing if case else None
    # A plain case's card style comes first from the subject's stream, as it always did.
    style = choose_style(rng, case.script) if case and writing is None else None
    looks = (choose_looks(random.Random(f"{job.seed}:{subject.key}:look"), writing,
                          f"{job.seed}:{subject.key}", size[0]) if writing else None)
    blur = rng.uniform(0.3, 1.2) * size[0] / 1152
    camera = subject.camera
    records: list[dict[str, Any]] = []
    for photo in subject.photos:
        view = choose_view(photo.role, photo.target, scene, rng)
        if photo.role == "card" and style is not None:
            view = framed(scene, view, size, style.aspect, scene.card_height)
        elif photo.role == "card" and looks is not None and looks.carrier is not None:
            view = framed(scene, view, size, looks.carrier.aspect, looks.carrier.height)
        image = render_view(scene, view, size)
        found: tuple[dict[str, Any] | None, list[dict[str, Any]], list[dict[str, Any]]] = (
            None, [], [])
        if case is not None and style is not None:
            found = plain_numbers(image, case, photo, scene, view, style, blur)
        elif looks is not None:
            found = varied_numbers(image, looks, photo, scene, view, rng)
        card, skin, regions = found
        image = add_sensor_noise(image, rng)
        exif = camera_exif(camera.model, camera.serial, photo.taken_at, size, rng)
        if job.heic:
            data = encode_heic(image, exif=exif)
            photo.path = heic_name(photo.path)
            photo.repeats = [(drive, heic_name(path)) for drive, path in photo.repeats]
        else:
            data = encode_jpeg(image, quality=camera.quality or camera.model.quality,
                               subsampling=camera.model.subsampling, exif=exif)
        sha = hashlib.sha256(data).hexdigest()
        write_file(root, photo.drive, photo.path, data, photo.taken_at)
        record = {
            "drive": photo.drive, "path": photo.path, "sha256": sha, "size": len(data),
            "case": case.id if case else None, "role": photo.role,
            "category": subject.category, "camera": camera.id,
            "taken_at": aware(photo.taken_at), "width": size[0], "height": size[1],
            "card": card, "skin": skin, "regions": regions,
        }
        records.append(record)
        for drive, path in photo.repeats:
            # The same bytes handed over again on a later drive.
            write_file(root, drive, path, data, photo.taken_at)
            records.append({**record, "drive": drive, "path": path, "copy_of": sha,
                            "first_seen": f"{photo.drive}/{photo.path}"})
        if photo.published:
            copy, factor = published_copy(data, rng)
            drive, path = photo.published
            write_file(root, drive, path, copy, photo.taken_at + timedelta(days=90))
            small_card, small_skin, small_regions = scaled(found, factor)
            records.append({
                "drive": drive, "path": path, "sha256": hashlib.sha256(copy).hexdigest(),
                "size": len(copy), "case": record["case"], "role": "published_copy",
                "category": subject.category, "copy_of": sha,
                "width": round(size[0] * factor), "height": round(size[1] * factor),
                "card": small_card, "skin": small_skin, "regions": small_regions,
            })
    return records
