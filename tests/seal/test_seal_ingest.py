"""A sealed day carried to the archive: `caesar seal` -> the drive -> `caesar ingest`."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Caesar
from pyrage import x25519
from seal_helpers import LABEL, SERIAL, change_while_sealing, isolated_state, public_key_file

from caesar.core import Archive
from caesar.demo.drive import make_drive
from caesar.seal.reader import find_bundles

__all__ = ["isolated_state"]  # an autouse fixture, imported to apply here


def _seal(tmp_path: Path, to: Path, *, photos: int = 6, part_size: str = "64K") -> Path:
    """Seal a synthetic day onto tmp_path/usb; return the drive's folder."""
    drive = make_drive(tmp_path / "day", photos=photos, serial=SERIAL)
    (drive.root / "ملاحظات الميدان.txt").write_text("ملاحظة", "utf-8")
    usb = tmp_path / "usb"
    usb.mkdir()
    run = Caesar(None)("seal", str(drive.root), "--to", str(to), "--out", str(usb),
                       "--device-label", LABEL, "--part-size", part_size)
    assert run.exit_code == 0, run.stderr
    return usb


def _copied(usb: Path, tmp_path: Path) -> Path:
    """The bundle as the friend's computer receives it: copied off the drive."""
    received = tmp_path / "received"
    shutil.copytree(usb, received)
    return received


def _day_hashes(tmp_path: Path) -> dict[str, str]:
    return {f"day/{p.relative_to(tmp_path / 'day')}": hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (tmp_path / "day").rglob("*") if p.is_file()}


def test_round_trip_keeps_every_file_and_its_custody(archive: Archive, caesar: Caesar,
                                                     tmp_path: Path) -> None:
    usb = _seal(tmp_path, archive.path / "archive.pub")
    assert len(list(usb.iterdir())) > 1, "the day should span several parts"
    received = _copied(usb, tmp_path)

    run = caesar("ingest", str(received), "--operator", "سامي", "--json")
    assert run.exit_code == 0, run.stderr
    report = run.json()
    expected = _day_hashes(tmp_path)
    assert report["problems"] == [] and report["skipped"] == []
    assert report["stored"] == len(expected) == report["files_seen"]
    flagged = {f["path"]: f["kind"] for f in report["flagged"]}
    assert "day/ملاحظات الميدان.txt" not in flagged  # a field note is text, not a finding
    assert not {"checksum_mismatch", "bundle_damaged"} & set(flagged.values())

    [transfer_id] = report["transfers"]
    transfer = caesar.json("transfers", "show", str(transfer_id))
    assert transfer["state"] == "complete"
    assert transfer["info"]["device_label"] == LABEL
    sealed_at = datetime.fromisoformat(transfer["info"]["sealed_at"])
    received_at = datetime.fromisoformat(transfer["started_at"])
    assert sealed_at <= received_at

    photos = {p["sha256"]: p for p in caesar.json("photos", "list")}
    assert set(photos) == set(expected.values())
    for path, sha in expected.items():
        assert {"transfer": transfer_id, "path": path} in photos[sha]["sightings"]
    assert any(p["camera"]["serial"] == SERIAL for p in photos.values())

    entries = caesar.json("ledger", "entries")
    [opened] = [e for e in entries if e["entry"]["type"] == "transfer.received"]
    assert opened["entry"]["details"]["kind"] == "bundle"
    assert opened["entry"]["details"]["sealed_at"] == int(sealed_at.timestamp())
    # the device label is a pseudonym in the log, never the text
    assert LABEL not in str(entries) and len(opened["entry"]["details"]["device"]) == 32
    stored = {e["subject_sha256"]: e for e in entries if e["entry"]["type"] == "original.stored"}
    assert set(stored) == set(expected.values())
    for entry in stored.values():
        assert entry["index"] > opened["index"]
        assert datetime.fromisoformat(entry["entry"]["time"].replace("Z", "+00:00")) >= sealed_at

    again = caesar.json("ingest", str(received))
    assert again["duplicates"] == len(expected) and again["stored"] == 0


def test_a_drive_with_a_bundle_and_loose_files(archive: Archive, caesar: Caesar,
                                               tmp_path: Path) -> None:
    usb = _seal(tmp_path, archive.path / "archive.pub", photos=2)
    (usb / "readme.txt").write_text("not part of any bundle")
    report = caesar.json("ingest", str(usb))
    assert len(report["transfers"]) == 2
    kinds = [caesar.json("transfers", "show", str(t))["info"] for t in report["transfers"]]
    assert "bundle_id" in kinds[0] and kinds[1] == {}
    assert "readme.txt" not in {f["path"] for f in report["flagged"]}  # text: no finding
    [readme] = [p for p in caesar.json("photos", "list")
                if {"transfer": report["transfers"][1], "path": "readme.txt"} in p["sightings"]]
    assert readme["media_type"] == "text/plain"


def test_a_name_that_is_not_utf8_arrives_byte_for_byte(archive: Archive, caesar: Caesar,
                                                       tmp_path: Path) -> None:
    day = tmp_path / "day"
    day.mkdir()
    (day / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"a Latin-1 name")
    (day / "caf\\xe9.txt").write_bytes(b"a name that only looks like one")
    usb = tmp_path / "usb"
    usb.mkdir()
    sealed = Caesar(None)("seal", str(day), "--to", str(archive.path / "archive.pub"),
                          "--out", str(usb), "--device-label", LABEL, "--json")
    assert sealed.exit_code == 0, sealed.stderr
    report = caesar.json("ingest", str(usb))
    assert report["stored"] == 2 and report["problems"] == []
    paths = {os.fsencode(s["path"]) for p in caesar.json("photos", "list") for s in p["sightings"]}
    assert paths == {b"day/caf\xe9.txt", b"day/caf\\xe9.txt"}


def _damaged(caesar: Caesar, source: Path, tmp_path: Path) -> dict[str, object]:
    """Ingest a bundle that cannot be opened and check what docs/design.md promises for it."""
    parts = sorted(p for p in source.iterdir() if p.is_file())
    run = caesar("ingest", str(source), "--json")
    assert run.exit_code == 1, run.stderr
    report = run.json()
    [problem] = report["problems"]
    assert problem["source"] == str(source)
    [ref] = find_bundles(source)
    assert ref.bundle_id in problem["problem"]
    part_hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in parts}
    assert report["stored"] == len(parts) and report["files_seen"] == len(parts)
    assert {f["path"] for f in report["flagged"] if f["kind"] == "bundle_damaged"} == {
        p.name for p in parts}
    photos = caesar.json("photos", "list")
    assert {p["sha256"] for p in photos} == part_hashes  # nothing from inside
    day = set(_day_hashes(tmp_path).values())
    assert not day & {p["sha256"] for p in photos}
    [transfer_id] = report["transfers"]
    assert caesar.json("transfers", "show", str(transfer_id))["state"] == "failed"
    return problem


def test_a_bundle_altered_in_the_middle(archive: Archive, caesar: Caesar, tmp_path: Path
                                       ) -> None:
    received = _copied(_seal(tmp_path, archive.path / "archive.pub"), tmp_path)
    parts = sorted(received.iterdir())
    middle = parts[len(parts) // 2]
    data = bytearray(middle.read_bytes())
    data[len(data) // 2] ^= 0x01
    middle.write_bytes(bytes(data))
    problem = _damaged(caesar, received, tmp_path)
    assert problem["kind"] == "bundle_damaged"


def test_a_truncated_bundle(archive: Archive, caesar: Caesar, tmp_path: Path) -> None:
    received = _copied(_seal(tmp_path, archive.path / "archive.pub"), tmp_path)
    last = sorted(received.iterdir())[-1]
    os.truncate(last, last.stat().st_size // 2)
    problem = _damaged(caesar, received, tmp_path)
    assert problem["kind"] in ("bundle_damaged", "bundle_part_missing")
    assert "cut short" in problem["problem"] or "missing" in problem["problem"]


def test_a_missing_part(archive: Archive, caesar: Caesar, tmp_path: Path) -> None:
    received = _copied(_seal(tmp_path, archive.path / "archive.pub"), tmp_path)
    parts = sorted(received.iterdir())
    assert len(parts) >= 3
    parts[1].unlink()
    problem = _damaged(caesar, received, tmp_path)
    assert problem["kind"] == "bundle_part_missing"
    assert parts[1].name in problem["problem"]


def test_a_bundle_sealed_to_another_archive(archive: Archive, caesar: Caesar,
                                            tmp_path: Path) -> None:
    other = public_key_file(tmp_path / "other", x25519.Identity.generate())
    received = _copied(_seal(tmp_path, other), tmp_path)
    problem = _damaged(caesar, received, tmp_path)
    assert problem["kind"] == "bundle_damaged"


def test_a_single_part_named_as_source(archive: Archive, caesar: Caesar, tmp_path: Path
                                       ) -> None:
    received = _copied(_seal(tmp_path, archive.path / "archive.pub"), tmp_path)
    first = sorted(received.iterdir())[0]
    report = caesar.json("ingest", str(first))
    assert report["problems"] == []
    assert report["stored"] == len(_day_hashes(tmp_path))


def test_a_damaged_copy_then_a_good_one(archive: Archive, caesar: Caesar, tmp_path: Path
                                       ) -> None:
    """The damaged copy is kept; when a good copy arrives, everything inside comes in."""
    usb = _seal(tmp_path, archive.path / "archive.pub")
    damaged = _copied(usb, tmp_path)
    sorted(damaged.iterdir())[1].unlink()
    assert caesar("ingest", str(damaged)).exit_code == 1
    report = caesar.json("ingest", str(usb))
    assert report["problems"] == [] and report["stored"] == len(_day_hashes(tmp_path))
    assert not [f for f in report["flagged"] if f["kind"] == "bundle_damaged"]
    now = datetime.now(UTC)
    assert all(datetime.fromisoformat(t["started_at"]) <= now
               for t in caesar.json("transfers", "list"))


def test_a_file_changed_while_sealing_arrives_flagged(archive: Archive, caesar: Caesar,
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The field manifest keeps the first hash; the archive preserves the file as it came."""
    drive = make_drive(tmp_path / "day", photos=2, damaged=False)
    changed = drive.photos[0]
    change_while_sealing(monkeypatch, changed)
    usb = tmp_path / "usb"
    usb.mkdir()
    assert Caesar(None)("seal", str(drive.root), "--to", str(archive.path / "archive.pub"),
                        "--out", str(usb)).exit_code == 1
    report = caesar.json("ingest", str(usb))
    [flag] = [f for f in report["flagged"] if f["kind"] == "checksum_mismatch"]
    assert flag["path"] == f"day/2013-08-02/{changed.name}"
    assert flag["sha256"] == hashlib.sha256(changed.read_bytes()).hexdigest()
    assert report["stored"] == len(drive.files) and report["problems"] == []
