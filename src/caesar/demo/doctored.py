"""Doctored copies planted in the synthetic collection, and what `examine --all` made of them.

A few case photos are copied, each doctored one way (saved again by an editor, its date
changed, a region pasted from another photo, its metadata stripped and written again), and
laid on the last drive in a folder of their own, as copies circulating outside and handed
over later would be. Their ground truth is ``doctored.json`` beside ``truth.json`` (one entry
per copy: where it is, its SHA-256, the kind, the original it was made from).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from caesar.core import Archive
from caesar.demo.truth import Truth
from caesar.forensics.evalset import doctoring
from caesar.forensics.evalset.tiff import Entry, exif_segment
from caesar.forensics.findings import Examination

DOCTORED_FILE = "doctored.json"
FOLDER = "circulated"
KINDS = ("resaved", "dates_changed", "pasted_region", "metadata_rewritten")
_EDITOR = doctoring.EditorSave("ijg", 97, subsampling=0)


@dataclass(frozen=True)
class Planted:
    """One doctored copy in the collection."""

    drive: str
    path: str
    sha256: str
    kind: str
    of: str  # the original's SHA-256


def plant(collection: Path, truth: Truth, seed: int) -> list[Planted]:
    """Write one doctored copy of each kind onto the last drive; return their truth."""
    rng = random.Random(f"{seed}:doctored")
    # JPEGs only: the doctoring edits JPEG segments (a phone's HEIC photos are left alone)
    photos = [f for f in truth.originals() if f.case is not None and f.taken_at is not None
              and f.path.lower().endswith((".jpg", ".jpeg"))]
    if len(photos) < len(KINDS) + 1:
        return []
    chosen = rng.sample(photos, len(KINDS) + 1)
    planted = []
    drive = truth.drives[-1]
    for kind, photo, donor in zip(KINDS, chosen, chosen[1:], strict=False):
        data = (collection / photo.location).read_bytes()
        assert photo.taken_at is not None
        if kind == "resaved":
            copy = doctoring.resave(data, _EDITOR)
        elif kind == "dates_changed":
            exif = doctoring.exif_of(data) or b""
            moved = doctoring.shift_dates(exif, photo.taken_at.replace(tzinfo=None),
                                          timedelta(days=rng.randint(3, 30)))
            copy = doctoring.replace_app1(data, moved)
        elif kind == "pasted_region":
            copy, _ = doctoring.pasted_region(data, (collection / donor.location).read_bytes(),
                                              _EDITOR, rng, (48, 72))
        else:  # metadata stripped, then a camera's name and the date written again
            stamp = photo.taken_at.strftime("%Y:%m:%d %H:%M:%S")
            camera = next(c for c in truth.cameras if c.id == photo.camera)
            copy = doctoring.replace_app1(data, exif_segment(
                [Entry(0x010F, camera.make), Entry(0x0110, camera.model),
                 Entry(0x0132, stamp)], [Entry(0x9003, stamp)]))
        path = f"{FOLDER}/{photo.path.rsplit('/', 1)[-1]}"
        target = collection / drive / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(copy)
        planted.append(Planted(drive, path, hashlib.sha256(copy).hexdigest(), kind,
                               photo.sha256))
    (collection / DOCTORED_FILE).write_text(
        json.dumps([asdict(p) for p in planted], indent=1) + "\n", "utf-8")
    return planted


@dataclass(frozen=True)
class Found:
    """What `examine --all` called inconsistent, against the planted truth."""

    examined: int
    planted: int
    planted_found: int
    camera_originals_called_inconsistent: int
    damaged_files: int  # truncated files: their structure is, rightly, inconsistent


def examine_all(archive: Archive, truth: Truth, planted: list[Planted]) -> Found:
    """Run the examination over every original and score it against the truth."""
    from caesar.forensics.service import Choice

    results: list[Examination] = archive.examination.examine(Choice(everything=True),
                                                             archive.owner)
    inconsistent = {r.sha256 for r in results if r.strongest == "inconsistent"}
    originals = {f.sha256 for f in truth.originals()}
    damaged = {f.sha256 for f in truth.files if f.damage is not None}
    return Found(examined=len(results), planted=len(planted),
                 planted_found=sum(p.sha256 in inconsistent for p in planted),
                 camera_originals_called_inconsistent=len(inconsistent & originals),
                 damaged_files=len(inconsistent & damaged))


def summary(found: Found) -> str:
    """The demo summary's line about the examination."""
    return (f"  Examination (`examine --all`, {found.examined} originals): the"
            f" {found.planted_found} of {found.planted} doctored copies planted on the last"
            f" drive ({', '.join(KINDS)}; see {DOCTORED_FILE}) called inconsistent, and"
            f" {found.camera_originals_called_inconsistent} camera originals;"
            f" {found.damaged_files} damaged files inconsistent in their structure.")
