"""Videos of phones and cameras (MP4, MOV, MKV, WebM) through intake, cases, verify and exports.

Intake reads what exiftool reads of a video (length, size, device, place), makes a strip of
its frames (encrypted, shown blurred until revealed), hashes a frame a second (vPDQ), and
flags a video cut short or undecodable while keeping it bit for bit; `cases build` links a
re-encoded copy to its original by those frame hashes.

Every fixture is a tiny video encoded here with PyAV from drawn frames
(`caesar.demo.video`): no real imagery.
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from conftest import Caesar
from PIL import Image
from sqlalchemy import select

from caesar.catalog.cases import PhotoCopy
from caesar.catalog.models import Photo, VideoHash
from caesar.core import Archive
from caesar.demo.video import moving_frames, write_video
from caesar.intake.vpdq import compare

PHONE_TAGS = {"com.apple.quicktime.make": "Apple", "com.apple.quicktime.model": "iPhone 12",
              "com.apple.quicktime.location.ISO6709": "+33.5138+036.2765+700.000/",
              "com.apple.quicktime.creationdate": "2013-08-02T10:15:00+0300"}
NAMES = ("IMG_0001.MOV", "VID_0002.mp4", "clip-0003.mkv", "clip-0004.webm")
MEDIA_TYPES = ("video/quicktime", "video/mp4", "video/x-matroska", "video/webm")


def _transcode(source: Path, out: Path, width: int, height: int) -> Path:
    """A re-encoded copy, as a messaging app makes one: smaller, another codec, no tags."""
    with av.open(str(source)) as container:
        frames = [f.to_ndarray(format="rgb24", width=width, height=height)
                  for f in container.decode(video=0)]
    return write_video(out, frames, bit_rate=40_000)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A phone's folder: one video in each container, each a different scene, 2 s of 64×48."""
    folder = tmp_path_factory.mktemp("phone") / "DCIM"
    folder.mkdir()
    for seed, name in enumerate(NAMES):
        write_video(folder / name, moving_frames(2, 10, 64, 48, seed=seed),
                    tags=PHONE_TAGS if seed == 0 else None)
    return folder


def _held(caesar: Caesar) -> dict[str, dict[str, Any]]:
    return {s["path"]: p for p in caesar.json("photos", "list") for s in p["sightings"]}


def _exiftool(path: Path) -> dict[str, Any]:
    out = subprocess.run(["exiftool", "-json", "-n", "-Make", "-Model", "-GPSLatitude",
                          "-GPSLongitude", "-ImageWidth", "-ImageHeight", "-Duration",
                          "-MIMEType", str(path)], capture_output=True, text=True, check=True)
    tags: dict[str, Any] = json.loads(out.stdout)[0]
    return tags


def test_device_place_length_and_size_read_as_exiftool_reads_them(
        archive: Archive, caesar: Caesar, made: Path) -> None:
    run = caesar("ingest", str(made), "--strict", "--json")
    assert run.exit_code == 0, run.stderr  # recognised videos: nothing flagged
    held = _held(caesar)
    assert [held[n]["media_type"] for n in NAMES] == list(MEDIA_TYPES)
    phone, tags = held["IMG_0001.MOV"], _exiftool(made / "IMG_0001.MOV")
    assert (phone["camera"]["make"], phone["camera"]["model"]) == (tags["Make"], tags["Model"])
    assert (phone["width"], phone["height"]) == (tags["ImageWidth"], tags["ImageHeight"])
    assert phone["captured_at"] == "2013-08-02T10:15:00+03:00"
    assert phone["duration"] == pytest.approx(tags["Duration"], abs=0.05)
    shown = caesar.json("photos", "show", phone["sha256"])
    video = shown["exif"]["Video"]
    assert video["gps"]["latitude"] == pytest.approx(tags["GPSLatitude"], abs=1e-4)
    assert video["gps"]["longitude"] == pytest.approx(tags["GPSLongitude"], abs=1e-4)
    [stream] = video["streams"]
    assert (stream["codec"], stream["frame_rate"]) == ("h264", 10.0)
    for name in NAMES:  # every container's length and size, as exiftool has them
        assert held[name]["duration"] == pytest.approx(2.0, abs=0.05), name
        assert (held[name]["width"], held[name]["height"]) == (64, 48), name
    listed = caesar("photos", "list")
    assert "video/quicktime" in listed.stdout and "video/webm" in listed.stdout


def test_the_frame_strip_is_sealed_and_shown_blurred_until_revealed(
        archive: Archive, caesar: Caesar, made: Path) -> None:
    caesar("ingest", str(made))
    sha = _held(caesar)["VID_0002.mp4"]["sha256"]
    with archive.catalog.reader() as session:
        photo = session.get_one(Photo, sha)
        assert photo.thumbnail_sha256 is not None
        frames = session.get_one(VideoHash, sha).frames
    strip = archive.vault.read_bytes("thumbnail", photo.thumbnail_sha256)
    tiles = Image.open(io.BytesIO(strip))
    assert tiles.width > 3 * tiles.height  # four frames side by side
    stored = b"".join(p.read_bytes() for p in archive.path.rglob("*") if p.is_file())
    assert strip[200:264] not in stored  # sealed like a photo's thumbnail, never in clear
    assert [second for second, _, _ in frames] == [0.0, 1.0]  # a frame a second
    blurred = Image.open(io.BytesIO(archive.access.viewer.show(sha, "blurred", "owner")))
    revealed = Image.open(io.BytesIO(archive.access.viewer.show(sha, "original", "owner")))
    assert blurred.mode == "L" and revealed.mode == "RGB"
    assert blurred.size == revealed.size == tiles.size
    sharp = np.abs(np.diff(np.asarray(revealed.convert("L"), np.float32), axis=1)).mean()
    soft = np.abs(np.diff(np.asarray(blurred, np.float32), axis=1)).mean()
    assert soft < sharp / 2  # edges of the frames smoothed away
    played = archive.access.viewer.stream_video(sha, "owner")
    assert b"".join(played.chunks) == (made / "VID_0002.mp4").read_bytes()
    views = [e["entry"] for e in caesar.json("ledger", "entries")
             if e["entry"]["type"] == "photo.viewed"]
    assert [v["details"] for v in views] == [
        {"rendition": "blurred", "shown": "strip"}, {"rendition": "original", "shown": "strip"},
        {"rendition": "original", "shown": "video"}]


def test_a_cut_video_and_a_damaged_one_are_flagged_and_kept_bit_for_bit(
        caesar: Caesar, made: Path, tmp_path: Path) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    whole = (made / "VID_0002.mp4").read_bytes()
    (drive / "cut.mp4").write_bytes(whole[: len(whole) // 2])  # its index never written
    webm = (made / "clip-0004.webm").read_bytes()
    (drive / "cut.webm").write_bytes(webm[: len(webm) * 2 // 3])  # frames stop early
    middle = len(whole) // 3
    (drive / "damaged.mp4").write_bytes(whole[:middle] + bytes(600) + whole[middle + 600:])
    report = caesar.json("ingest", str(drive))
    flags = {Path(f["path"]).name: f for f in report["flagged"]}
    assert flags["cut.mp4"]["kind"] == "truncated"
    assert flags["cut.webm"]["kind"] == "truncated"
    assert "stop at" in flags["cut.webm"]["problem"] and "2.0 s" in flags["cut.webm"]["problem"]
    assert flags["damaged.mp4"]["kind"] == "corrupt"
    assert "h264" in flags["damaged.mp4"]["problem"]
    assert report["stored"] == 3
    verified = caesar.json("verify")
    assert verified["ok"] == 3 and verified["damaged"] == []
    held = _held(caesar)
    assert held["cut.mp4"]["media_type"] == "video/mp4"
    assert held["cut.mp4"]["size"] == len(whole) // 2


def test_a_re_encoded_copy_is_linked_to_its_video_and_nothing_else(
        archive: Archive, caesar: Caesar, made: Path, tmp_path: Path) -> None:
    original = write_video(tmp_path / "phone" / "IMG_0010.MOV",
                           moving_frames(4, 10, 64, 48, seed=10), tags=PHONE_TAGS)
    shared = tmp_path / "shared"
    copy = _transcode(original, shared / "VID-20130803-WA0001.webm", 48, 36)
    other = write_video(shared / "VID-20130803-WA0002.mp4", moving_frames(4, 10, 64, 48,
                                                                          seed=11))
    for folder in (original.parent, shared):
        assert caesar("ingest", str(folder)).exit_code == 0
    held = _held(caesar)
    built = caesar.json("cases", "build")
    assert built["copies"] == 1
    with archive.catalog.reader() as session:
        links = session.execute(select(PhotoCopy.sha256, PhotoCopy.original)).all()
        frames = {sha: [tuple(h) for h in f] for sha, f in session.execute(
            select(VideoHash.sha256, VideoHash.frames))}
    assert links == [(held[copy.name]["sha256"], held[original.name]["sha256"])]
    assert held[other.name]["sha256"] not in {s for link in links for s in link}
    # the matching itself, both ways: the copy's frames all found in the original's
    from caesar.intake.vpdq import FrameHash
    as_hashes = {sha: [FrameHash(*h) for h in f] for sha, f in frames.items()}
    match = compare(as_hashes[held[copy.name]["sha256"]],
                    as_hashes[held[original.name]["sha256"]])
    assert match is not None and match.query_percent == match.compared_percent == 100.0
    unrelated = compare(as_hashes[held[other.name]["sha256"]],
                        as_hashes[held[original.name]["sha256"]])
    assert unrelated is not None and unrelated.query_percent < 50


def test_a_video_in_an_evidence_package_bit_for_bit(
        caesar: Caesar, made: Path, tmp_path: Path) -> None:
    caesar("ingest", str(made))
    sha = _held(caesar)["IMG_0001.MOV"]["sha256"]
    run = caesar("export", "evidence", "--photos", sha, "--out", str(tmp_path / "court"),
                 "--yes")
    assert run.exit_code == 0, run.stderr
    [packed] = (tmp_path / "court" / "data" / "originals").iterdir()
    assert packed.name == f"{sha}.mov"
    assert packed.read_bytes() == (made / "IMG_0001.MOV").read_bytes()
