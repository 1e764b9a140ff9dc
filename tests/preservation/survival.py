"""What the archive-survival tests share: a filled archive, its files, and commands that die at
a named moment."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import PASSPHRASE, Caesar
from photos import camera_jpeg, grace_hopper

from caesar.catalog.models import Photo
from caesar.core import Archive
from caesar.exports.views import EvidenceOptions, ExportParams, Selection
from caesar.vault.objects import Kind


def add_photos(caesar: Caesar, folder: Path, count: int, *, first: int = 0) -> list[str]:
    """Ingest `count` new camera JPEGs (seeds from `first`); returns their SHA-256s."""
    shas = [hashlib.sha256(camera_jpeg(folder / f"{seed}.jpg", seed=seed)).hexdigest()
            for seed in range(first, first + count)]
    report = caesar.json("ingest", str(folder), "--operator", "sami-haddad")
    assert report["stored"] == count, report
    return sorted(shas)


def originals(caesar: Caesar) -> list[str]:
    """The SHA-256 of every original the archive lists."""
    return sorted(p["sha256"] for p in caesar.json("photos", "list"))


def object_file(archive: Path, kind: Kind, sha256: str, *, root: Path | None = None) -> Path:
    """Where the `kind` object of an original lives (in the archive's store, or in `root`)."""
    opened = Archive.open(archive, PASSPHRASE)
    try:
        if kind == "thumbnail":
            with opened.catalog.reader() as session:
                photo = session.get(Photo, sha256)
                assert photo is not None and photo.thumbnail_sha256 is not None
                sha256 = photo.thumbnail_sha256
        name = opened.vault.name(kind, sha256)
    finally:
        opened.close()
    base = root if root is not None else archive / "objects"
    return base / name[:2] / name


def flip_byte(path: Path) -> None:
    """Damage a file in place: one bit in its middle."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def caesar_dies(archive: Path, fault: str, *args: str, env: dict[str, str] | None = None,
                stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `caesar --archive ARCHIVE ARGS...` in a process of its own, killed at `fault`."""
    return subprocess.run(
        [sys.executable, "-m", "caesar", "--archive", str(archive), *args],
        env={**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE, "CAESAR_FAULT": fault,
             **(env or {})},
        input=stdin, capture_output=True, text=True, timeout=300, check=False)


def add_family_photo(caesar: Caesar, folder: Path) -> int:
    """A family's report with one photo of the person in life; returns the photo's id."""
    folder.mkdir(parents=True, exist_ok=True)
    reports = folder / "reports.json"
    reports.write_text(json.dumps([{"ref": "FAM-1", "name": "Person Reported", "sex": "M"}]))
    (report,) = caesar.json("missing", "add", "--from", str(reports))
    portrait = folder / "portrait.jpg"
    portrait.write_bytes(grace_hopper())
    added = caesar.json("missing", "photos", "add", str(report["id"]), str(portrait))
    (given,) = added["files"]
    assert given["outcome"] == "added", given
    return int(given["photo"])


def hold_package(archive: Path, sha256: str) -> int:
    """An export request for one original, approved and produced: its package waits,
    encrypted, in the archive's held store. Returns the request's id."""
    opened = Archive.open(archive, PASSPHRASE)
    try:
        requests = opened.export_requests
        params = ExportParams(kind="evidence", selection=Selection(photos=(sha256,)),
                              evidence=EvidenceOptions(requested_by="a court"))
        asked = requests.request(params, "lina")
        requests.approve(asked.id, "omar")
        produced = requests.produce(asked.id, "omar")
        assert produced.state == "produced"
        return asked.id
    finally:
        opened.close()


def area_file(archive: Path, area: str) -> Path:
    """The one object file of an area store (family photos, held packages) under `archive`,
    the first when there are several."""
    return sorted(p for p in (archive / area).glob("??/*") if p.is_file())[0]
