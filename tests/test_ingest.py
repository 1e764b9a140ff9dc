"""`caesar ingest`: every entry gets exactly one outcome; every regular file is preserved."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Caesar
from photos import camera_jpeg, png_header_only
from PIL import Image

from caesar.core import Archive
from caesar.vault.keys import KdfCost

INGEST_KEYS = {"transfers", "files_seen", "stored", "duplicates", "flagged", "skipped",
               "problems", "secured_at", "analysed", "not_analysed"}


@pytest.fixture
def drive(tmp_path: Path) -> Path:
    """A drive holding one of every kind of entry intake must handle."""
    root = tmp_path / "drive"
    good = camera_jpeg(root / "2013-08-02" / "IMG_0001.jpg", seed=1)
    camera_jpeg(root / "2013-08-02" / "IMG_0002.jpg", seed=2)
    camera_jpeg(root / "صور" / "صورة ١.jpg", seed=3)
    (root / "2013-08-02" / "copy of IMG_0001.jpg").write_bytes(good)
    (root / "empty.jpg").write_bytes(b"")
    (root / "truncated.jpg").write_bytes(good[: len(good) // 2])
    broken = bytearray(good)
    broken[len(broken) // 2 : len(broken) // 2 + 400] = b"\xff" * 400
    (root / "corrupt.jpg").write_bytes(bytes(broken))
    (root / "note.txt").write_text("list of names, not an image\n", "utf-8")
    png_header_only(root / "bomb.png", 10_000, 9_000)
    png_header_only(root / "huge-bomb.png", 30_000, 30_000)
    (root / "link.jpg").symlink_to(root / "2013-08-02" / "IMG_0002.jpg")
    (root / "outside").symlink_to("/etc")
    os.mkfifo(root / "pipe")
    (root / os.fsdecode(b"caf\xe9.jpg")).write_bytes(good[:100] + b"latin-1 name")
    return root


def outcomes(report: dict, source: str) -> dict[str, str]:
    flagged = {f["path"]: f["kind"] for f in report["flagged"] if f["source"] == source}
    skipped = {s["path"]: "skipped" for s in report["skipped"] if s["source"] == source}
    return {**flagged, **skipped}


def test_every_entry_has_one_outcome(caesar: Caesar, drive: Path) -> None:
    run = caesar("ingest", str(drive), "--operator", "sami", "--label", "drive 1", "--json")
    assert run.exit_code == 0, run.stderr
    report = run.json()
    assert set(report) == INGEST_KEYS
    assert report["files_seen"] == 14
    # Said when the drive may be unplugged, with what did not come in.
    assert f"{len(report['skipped'])} entries were skipped" in run.stderr
    assert "The drive may be unplugged now." in run.stderr
    assert report["files_seen"] == report["stored"] + report["duplicates"] + len(
        report["skipped"])
    assert report["duplicates"] == 1  # the copy of IMG_0001
    assert report["stored"] == 10
    assert outcomes(report, str(drive)) == {
        "empty.jpg": "empty",
        "truncated.jpg": "truncated",
        "corrupt.jpg": "corrupt",
        "bomb.png": "decompression_bomb",
        "huge-bomb.png": "decompression_bomb",
        "caf\udce9.jpg": "truncated",
        "link.jpg": "skipped",
        "outside": "skipped",
        "pipe": "skipped",
    }
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert "symbolic link" in reasons["link.jpg"] and "named pipe" in reasons["pipe"]
    for flag in report["flagged"]:
        assert len(flag["sha256"]) == 64 and flag["problem"]


def test_originals_are_preserved_bit_for_bit(caesar: Caesar, drive: Path) -> None:
    caesar("ingest", str(drive), "--json")
    opened = Archive.open(caesar.archive, PASSPHRASE)
    try:
        held = {p.sha256: p for p in opened.queries.photos()}
        for path in drive.rglob("*"):
            if path.is_file() and not path.is_symlink() and path.name != "pipe":
                data = path.read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                assert sha in held, path
                assert opened.vault.read_bytes("original", sha) == data
    finally:
        opened.close()


def test_metadata_of_a_camera_photo(caesar: Caesar, drive: Path) -> None:
    report = caesar.json("ingest", str(drive))
    photos = caesar.json("photos", "list")
    assert len(photos) == report["stored"]
    arabic = next(p for p in photos if any(s["path"] == "صور/صورة ١.jpg"
                                            for s in p["sightings"]))
    shown = caesar.json("photos", "show", arabic["sha256"])
    assert shown["camera"] == {"make": "Canon", "model": "EOS 5D", "serial": "SN-0001"}
    assert shown["captured_at"] == "2013-08-02T10:11:12"
    assert (shown["width"], shown["height"]) == (640, 480)
    assert shown["media_type"] == "image/jpeg"
    assert len(shown["pdq"]) == 64 and shown["flags"] == []
    assert shown["sightings"] == [{"transfer": report["transfers"][0], "path": "صور/صورة ١.jpg"}]


def test_second_run_counts_duplicates_and_keeps_sightings(caesar: Caesar, drive: Path) -> None:
    first = caesar.json("ingest", str(drive))
    second = caesar.json("ingest", str(drive))
    assert second["stored"] == 0
    assert second["duplicates"] == first["stored"] + first["duplicates"]
    assert {f["path"] for f in second["flagged"]} == {f["path"] for f in first["flagged"]}
    assert len(caesar.json("photos", "list")) == first["stored"]
    transfers = caesar.json("transfers", "list")
    assert [t["state"] for t in transfers] == ["complete", "complete"]
    one = next(p for p in caesar.json("photos", "list") if p["flags"] == ["truncated"]
               and p["sightings"][0]["path"] == "truncated.jpg")
    assert [s["transfer"] for s in one["sightings"]] == [t["id"] for t in transfers]


def test_strict_exits_1_when_anything_is_flagged(caesar: Caesar, drive: Path) -> None:
    assert caesar("ingest", str(drive), "--strict", "--json").exit_code == 1
    clean = drive.parent / "clean"
    camera_jpeg(clean / "a.jpg", seed=9)
    assert caesar("ingest", str(clean), "--strict", "--json").exit_code == 0


def test_several_sources_and_a_single_file(caesar: Caesar, tmp_path: Path) -> None:
    camera_jpeg(tmp_path / "one" / "a.jpg", seed=1)
    camera_jpeg(tmp_path / "two" / "b.jpg", seed=2)
    single = tmp_path / "single.jpg"
    camera_jpeg(single, seed=3)
    report = caesar.json("ingest", str(tmp_path / "one"), str(tmp_path / "two"), str(single))
    assert len(report["transfers"]) == 3 and report["stored"] == 3
    transfer = caesar.json("transfers", "show", str(report["transfers"][2]))
    assert transfer["source"] == str(single) and transfer["counts"]["stored"] == 1
    photo = caesar.json("photos", "show", caesar.json("photos", "list")[2]["sha256"])
    assert photo["sightings"] == [{"transfer": report["transfers"][2], "path": "single.jpg"}]


def test_missing_source_changes_nothing(caesar: Caesar, tmp_path: Path) -> None:
    camera_jpeg(tmp_path / "ok" / "a.jpg", seed=1)
    run = caesar("ingest", str(tmp_path / "ok"), str(tmp_path / "nowhere"), "--json")
    assert run.exit_code == 2
    assert "nowhere does not exist" in run.stderr
    assert run.stdout == ""
    assert caesar.json("transfers", "list") == []


def test_transfer_records_operator_label_and_counts(caesar: Caesar, drive: Path) -> None:
    report = caesar.json("ingest", str(drive), "--operator", "sami", "--label", "drive 1")
    transfer = caesar.json("transfers", "show", str(report["transfers"][0]))
    assert transfer["operator"] == "sami" and transfer["source_label"] == "drive 1"
    assert transfer["state"] == "complete" and transfer["finished_at"]
    assert transfer["counts"]["stored"] == report["stored"]
    assert transfer["counts"]["skipped"] == len(report["skipped"])


@pytest.mark.skipif(shutil.which("setpriv") is None and os.geteuid() == 0,
                    reason="needs setpriv to drop root's right to read anything")
def test_unreadable_file_is_skipped_with_its_reason() -> None:
    # Root reads everything, so as root the command runs as nobody, in a folder nobody can
    # reach (pytest's own temporary folders are private to root).
    base = Path(tempfile.mkdtemp(prefix="caesar-unreadable-"))
    try:
        base.chmod(0o755)
        src = base / "src"
        camera_jpeg(src / "ok.jpg", seed=1)
        camera_jpeg(src / "secret.jpg", seed=2)
        (src / "secret.jpg").chmod(0)
        Archive.create(base / "archive", PASSPHRASE, kdf_cost=KdfCost.test).close()
        command = [sys.executable, "-m", "caesar", "--archive", str(base / "archive"),
                   "ingest", str(src), "--json"]
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "nobody", str(base / "archive")], check=True)
            command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                       *command]
        done = subprocess.run(command, capture_output=True, text=True,
                              env={**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE})
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["stored"] == 1
        assert [(s["path"], s["reason"]) for s in report["skipped"]] == [
            ("secret.jpg", "cannot be opened: Permission denied")]
    finally:
        shutil.rmtree(base)


@pytest.mark.slow
def test_a_large_file_streams_with_flat_memory(caesar: Caesar, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    big = src / "video.mov"
    with open(big, "wb") as f:  # 300 MB, mostly sparse: fast to read, large to hold
        f.truncate(300 * 1024 * 1024)
        f.write(b"not a photo")
    # A fresh parent measures only this ingest's processes (RUSAGE_CHILDREN keeps the largest).
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True);"
             " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)")
    done = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "caesar", "--archive",
         str(caesar.archive), "ingest", str(src), "--json"], capture_output=True, text=True,
        env={**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE})
    assert done.returncode == 0, done.stderr
    peak_mb = int(done.stderr.split()[-1]) / 1024
    assert json.loads(done.stdout)["flagged"][0]["kind"] == "not_image"
    assert peak_mb < 200, f"a process of the ingest grew to {peak_mb:.0f} MB"
    assert caesar.json("verify")["ok"] == 1


def test_odd_and_damaged_exif_never_stops_intake(caesar: Caesar, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    base = camera_jpeg(tmp_path / "base.jpg", seed=4)
    with Image.open(io.BytesIO(base)) as image:
        exif = image.getexif()
        exif_ifd = exif.get_ifd(0x8769)
        exif_ifd[0x9286] = b"ASCII\x00\x00\x00a comment in bytes"  # UserComment
        exif_ifd[0x927C] = bytes(range(256)) * 20  # a large binary MakerNote
        image.save(src / "odd.jpg", exif=exif, quality=90)
    damaged = bytearray(base)
    start = damaged.index(b"Exif\x00\x00") + 10  # inside the TIFF header of the EXIF block
    damaged[start:start + 40] = b"\xff" * 40
    (src / "damaged-exif.jpg").write_bytes(bytes(damaged))
    report = caesar.json("ingest", str(src))
    assert report["stored"] == 2 and report["skipped"] == []
    shown = {p["sightings"][0]["path"]: caesar.json("photos", "show", p["sha256"])
             for p in caesar.json("photos", "list")}
    odd = shown["odd.jpg"]["exif"]["Exif"]
    assert odd["UserComment"] == "a comment in bytes"
    assert odd["MakerNote"] == {"bytes": 5120}
    assert shown["odd.jpg"]["camera"]["serial"] == "SN-0001"
    assert shown["damaged-exif.jpg"]["width"] == 640  # the image itself is still read
