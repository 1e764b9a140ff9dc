"""`caesar seal` end to end: what the archive gets back, and what a seized drive shows."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyrage
import pytest
from conftest import Caesar
from pyrage import x25519
from seal_helpers import (
    LABEL,
    SERIAL,
    all_bytes,
    change_while_sealing,
    isolated_state,
    public_key_file,
    read_all,
)

from caesar.core import Archive
from caesar.demo.drive import make_drive
from caesar.intake.bag import read_bag
from caesar.seal import parts
from caesar.seal.format import ManifestEntry, parse_part_name
from caesar.seal.parts import NEUTRAL_TIME
from caesar.seal.reader import find_bundles, open_bundle

__all__ = ["isolated_state"]  # an autouse fixture, imported to apply here

ARABIC = "صور_اليوم_علامة"


def test_round_trip_with_the_archive_key(archive: Archive, tmp_path: Path) -> None:
    drive = make_drive(tmp_path / "day", photos=5, serial=SERIAL)
    usb = tmp_path / "usb"
    usb.mkdir()
    before = datetime.now(UTC).replace(microsecond=0)
    run = Caesar(None)("seal", str(drive.root), "--to", str(archive.path / "archive.pub"),
                       "--out", str(usb), "--device-label", LABEL, "--json")
    assert run.exit_code == 0, run.stderr
    report = run.json()
    assert report["files"] == len(drive.files) and report["skipped"] == []

    [ref] = find_bundles(usb)
    assert [p.name for p in ref.parts] == report["parts"] and ref.bundle_id == report["bundle"]
    bundle = open_bundle(ref, archive.keys.age_identity)
    assert bundle.record.device_label == LABEL
    assert bundle.record.tool_version.startswith("caesar ")
    sealed_at = datetime.fromisoformat(bundle.record.sealed_at)
    assert before <= sealed_at <= datetime.now(UTC) + timedelta(seconds=1)

    contents = read_all(usb, archive.keys.age_identity)
    # each SOURCE keeps its own name at the top of its paths
    expected = {f"day/{rel}": sha for rel, sha in drive.sha256.items()}
    assert {p: m.sha256 for p, m in _manifest(usb, archive).items()} == expected
    for path, data in contents.items():
        assert data == (tmp_path / path).read_bytes()
    for entry in _manifest(usb, archive).values():
        assert entry.mtime_ns == os.stat(tmp_path / entry.path).st_mtime_ns


def _manifest(usb: Path, archive: Archive) -> dict[str, ManifestEntry]:
    [ref] = find_bundles(usb)
    manifest = open_bundle(ref, archive.keys.age_identity).authenticate()
    return {f.path: f for f in manifest.files}


def test_a_seized_drive_shows_no_marker(tmp_path: Path) -> None:
    identity = x25519.Identity.generate()
    drive = make_drive(tmp_path / "day", photos=4, serial=SERIAL)
    (drive.root / f"{ARABIC}.txt").write_text("ملاحظة")
    (tmp_path / "usb").mkdir()
    run = Caesar(None)("seal", str(drive.root), "--to", str(public_key_file(tmp_path, identity)),
                       "--out", str(tmp_path / "usb"), "--device-label", LABEL,
                       "--part-size", "64K")
    assert run.exit_code == 0, run.stderr
    names = [p.name for p in drive.files]
    markers = [SERIAL, LABEL, ARABIC, drive.make, drive.model, "2013-08-02", "2013:08:02",
               *names, "bagit", "manifest", "caesar", "Copied for the archive"]
    files = list(all_bytes(tmp_path / "usb"))
    assert len(files) > 2  # split into several parts
    for name, data in files:
        assert parse_part_name(name) is not None, f"{name} is not a neutral part name"
        assert (tmp_path / "usb" / name).stat().st_mtime == NEUTRAL_TIME  # no date of sealing
        for marker in markers:
            for encoded in (marker.encode("utf-8"), marker.encode("utf-16-le")):
                assert encoded not in data, f"{marker!r} readable in {name}"
        for signature in (b"Exif\x00\x00", b"JFIF\x00", b"ustar"):
            assert signature not in data, f"{signature!r} readable in {name}"
    # Only the first part has a plaintext header, age's own: "age, to these recipients".
    assert files[0][1].startswith(b"age-encryption.org/v1\n-> ")
    assert not any(data.startswith(b"age-encryption.org") for _, data in files[1:])


@pytest.mark.parametrize("content, says", [
    ("AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n", "SECRET"),
    ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n",
     "age X25519"),
    ("", "0 keys"),
    ("age1notakey\n", "age X25519"),
    ("# comment only\n\n", "0 keys"),
])
def test_refuses_a_to_file_that_is_not_a_public_key(tmp_path: Path, content: str,
                                                      says: str) -> None:
    drive = make_drive(tmp_path / "day", photos=1)
    key = tmp_path / "key.txt"
    key.write_text(content)
    usb = tmp_path / "usb"
    usb.mkdir()
    run = Caesar(None)("seal", str(drive.root), "--to", str(key), "--out", str(usb))
    assert run.exit_code == 2
    assert says in run.stderr and str(key) in run.stderr
    assert list(usb.iterdir()) == []


def test_refuses_two_keys_binary_and_missing_files(tmp_path: Path) -> None:
    a, b = (x25519.Identity.generate().to_public() for _ in range(2))
    usb = tmp_path / "usb"
    usb.mkdir()
    cases = {"two.pub": f"{a}\n{b}\n".encode(), "binary.pub": b"\xff\xfe\x00age1",
             "missing.pub": None}
    for name, content in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        run = Caesar(None)("seal", str(tmp_path), "--to", str(tmp_path / name),
                           "--out", str(usb))
        assert run.exit_code == 2 and "--to file" in run.stderr, (name, run.stderr)
    assert list(usb.iterdir()) == []


def test_the_output_folder_must_exist(tmp_path: Path) -> None:
    identity = x25519.Identity.generate()
    drive = make_drive(tmp_path / "day", photos=1)
    run = Caesar(None)("seal", str(drive.root), "--to", str(public_key_file(tmp_path, identity)),
                       "--out", str(tmp_path / "not-mounted"))
    assert run.exit_code == 2 and "does not exist" in run.stderr
    assert not (tmp_path / "not-mounted").exists()


def test_symlinks_are_listed_never_followed(tmp_path: Path) -> None:
    identity = x25519.Identity.generate()
    secret = tmp_path / "outside.txt"
    secret.write_text("OutsideMarker\n")
    drive = make_drive(tmp_path / "day", photos=1, damaged=False)
    (drive.root / "link.txt").symlink_to(secret)
    (drive.root / "loop").symlink_to(drive.root)
    usb = tmp_path / "usb"
    usb.mkdir()
    run = Caesar(None)("seal", str(drive.root), "--to", str(public_key_file(tmp_path, identity)),
                       "--out", str(usb), "--json")
    assert run.exit_code == 1  # something was not sealed: it needs attention
    assert {s["path"] for s in run.json()["skipped"]} == {"day/link.txt", "day/loop"}
    contents = read_all(usb, str(identity))
    assert set(contents) == {f"day/{p}" for p in drive.sha256}
    [ref] = find_bundles(usb)
    manifest = open_bundle(ref, str(identity)).authenticate()
    assert {p for p, _ in manifest.skipped} == {"day/link.txt", "day/loop"}


def test_a_failure_mid_way_leaves_nothing_on_the_drive(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    identity = x25519.Identity.generate()
    drive = make_drive(tmp_path / "day", photos=6)
    usb = tmp_path / "usb"
    usb.mkdir()
    real_write = parts.PartWriter.write
    calls = {"n": 0}

    def full_drive(self: parts.PartWriter, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 5:
            self.failure = OSError(28, "No space left on device")
            raise OSError("writing the bundle failed")
        return real_write(self, data)

    monkeypatch.setattr(parts.PartWriter, "write", full_drive)
    run = Caesar(None)("seal", str(drive.root), "--to", str(public_key_file(tmp_path, identity)),
                       "--out", str(usb), "--part-size", "64K")
    assert run.exit_code == 2 and "No space left" in run.stderr
    assert list(usb.iterdir()) == []


def test_the_parts_joined_are_one_age_file_holding_a_bag(tmp_path: Path) -> None:
    """The documented manual fallback: cat the parts, age-decrypt, untar: a BagIt bag."""
    identity = x25519.Identity.generate()
    drive = make_drive(tmp_path / "day", photos=2)
    usb = tmp_path / "usb"
    usb.mkdir()
    run = Caesar(None)("seal", str(drive.root), "--to", str(public_key_file(tmp_path, identity)),
                       "--out", str(usb), "--part-size", "50K", "--json")
    parts = sorted(usb.iterdir())
    assert [p.name for p in parts] == run.json()["parts"] and len(parts) >= 3
    joined = b"".join(p.read_bytes() for p in parts)
    plain = pyrage.decrypt(joined, [identity])
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        tar.extractall(tmp_path / "opened", filter="data")
    # inside: a BagIt bag that any BagIt tool validates
    reading = read_bag(tmp_path / "opened" / run.json()["bundle"])
    assert reading.problems == () and reading.version == "1.0"
    assert {e.path: e.checksums["sha256"] for e in reading.entries} == {
        f"day/{p}": sha for p, sha in drive.sha256.items()}
    assert reading.field("Caesar-Bundle-Id") == [run.json()["bundle"]]
    assert all(p.stat().st_size == 50 * 1024 for p in parts[:-1])
    assert 0 < parts[-1].stat().st_size <= 50 * 1024


def test_a_file_changed_while_sealing_is_flagged(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The manifest keeps the hash of the first read; the archive will see the mismatch."""
    identity = x25519.Identity.generate()
    drive = make_drive(tmp_path / "day", photos=2, damaged=False)
    victim = drive.photos[0]
    change_while_sealing(monkeypatch, victim)
    usb = tmp_path / "usb"
    usb.mkdir()
    run = Caesar(None)("seal", str(drive.root), "--to", str(public_key_file(tmp_path, identity)),
                       "--out", str(usb), "--json")
    assert run.exit_code == 1 and run.json()["changed"] == [f"day/2013-08-02/{victim.name}"]
    [ref] = find_bundles(usb)
    for member in open_bundle(ref, str(identity)).members():
        data = member.stream.read()
        changed = member.path.endswith(victim.name)
        assert (hashlib.sha256(data).hexdigest() != member.sha256) is changed
        assert data == (tmp_path / member.path).read_bytes()
