"""Still images of today's phones and cameras (HEIC, AVIF, a camera's raw DNG) and the other
formats Pillow writes (PNG, TIFF, WebP) go through every stage as a JPEG does: their camera,
capture time and size read as exiftool reads them, a PDQ hash and thumbnail from the decoded
image, verify, safe viewing, and cases built from them.

Every fixture is made here by the libraries themselves (pillow-heif for HEIC, Pillow for the
rest; a DNG is the drawn picture as a sensor behind a colour filter would record it, written
by the generator's `encode_dng`) from drawn shapes, with EXIF written into it: no real
imagery.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pdqhash
import pytest
from conftest import Caesar
from photos import metadata_groups
from PIL import ExifTags, Image, ImageDraw

from caesar import camera_raw
from caesar.catalog.models import Photo
from caesar.core import Archive
from caesar.demo.render import encode_dng
from caesar.intake.inspect import inspect_file

# Pillow's writer name, file name, media type as exiftool and libmagic name it
FORMATS = (("HEIF", "IMG_0101.HEIC", "image/heic"), ("AVIF", "PXL_0102.avif", "image/avif"),
           ("PNG", "scan-0103.png", "image/png"), ("TIFF", "scan-0104.tif", "image/tiff"),
           ("WEBP", "IMG-0105.webp", "image/webp"), ("DNG", "PXL_0106.dng", "image/x-adobe-dng"))
SIZE = (1024, 768)


def _scene(seed: int) -> Image.Image:
    """Shapes on a gradient: structure enough for a stable perceptual hash."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(40, 200, SIZE[0], dtype=np.float32)
    base = np.stack([np.tile(ramp, (SIZE[1], 1))] * 3, axis=-1).astype(np.uint8)
    image = Image.fromarray(base)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = int(rng.integers(0, SIZE[0] - 200)), int(rng.integers(0, SIZE[1] - 200))
        w, h = int(rng.integers(60, 200)), int(rng.integers(60, 200))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), colour)
    return image


def _exif(i: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = ("Apple", "Google", "Canon", "Nikon", "Samsung", "Google")[i]
    exif[ExifTags.Base.Model] = ("iPhone 13", "Pixel 7", "EOS 5D", "D750", "SM-A525F",
                                 "Pixel 8 Pro")[i]
    inner = exif.get_ifd(ExifTags.IFD.Exif)
    inner[ExifTags.Base.DateTimeOriginal] = f"2024:03:0{i + 1} 14:15:1{i}"
    inner[ExifTags.Base.OffsetTimeOriginal] = "+03:00"
    inner[ExifTags.Base.BodySerialNumber] = f"SN-{i:04d}"
    return exif


def _save(picture: Image.Image, path: Path, writer: str, exif: Image.Exif) -> None:
    if writer == "DNG":
        path.write_bytes(encode_dng(picture, exif=exif.tobytes()))
    else:
        picture.save(path, writer, exif=exif.tobytes(), quality=90)


def _pdq(image: Image.Image) -> str:
    bits, _ = pdqhash.compute(np.asarray(image.convert("RGB")))
    return str(np.packbits(bits.astype(np.uint8)).tobytes().hex())


def _bits_apart(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A phone's folder with one photo in each format, and the PDQ hash of each one's pixels
    as drawn."""
    folder = tmp_path_factory.mktemp("phone") / "DCIM"
    folder.mkdir()
    drawn = {}
    for i, (writer, name, _) in enumerate(FORMATS):
        scene = _scene(i)
        _save(scene, folder / name, writer, _exif(i))
        drawn[name] = _pdq(scene)
    return folder, drawn


def _exiftool(folder: Path) -> dict[str, dict[str, Any]]:
    out = subprocess.run(
        ["exiftool", "-json", "-n", "-Make", "-Model", "-SerialNumber", "-DateTimeOriginal",
         "-OffsetTimeOriginal", "-ImageWidth", "-ImageHeight", "-MIMEType", str(folder)],
        capture_output=True, text=True, check=True).stdout
    return {Path(tags["SourceFile"]).name: tags for tags in json.loads(out)}


def _held(caesar: Caesar) -> dict[str, dict[str, Any]]:
    return {s["path"]: p for p in caesar.json("photos", "list") for s in p["sightings"]}


def test_camera_time_and_size_read_as_exiftool_reads_them(
        caesar: Caesar, made: tuple[Path, dict[str, str]]) -> None:
    folder, _ = made
    run = caesar("ingest", str(folder), "--strict", "--json")
    assert run.exit_code == 0, run.stderr  # nothing flagged
    held, seen = _held(caesar), _exiftool(folder)
    agree = total = 0
    for _, name, media_type in FORMATS:
        photo, tags = held[name], seen[name]
        expected = {
            "media_type": tags["MIMEType"], "make": tags["Make"], "model": tags["Model"],
            "serial": tags["SerialNumber"], "width": tags["ImageWidth"],
            "height": tags["ImageHeight"],
            "captured_at": tags["DateTimeOriginal"][:10].replace(":", "-") + "T"
            + tags["DateTimeOriginal"][11:] + tags["OffsetTimeOriginal"]}
        found = {"media_type": photo["media_type"], **photo["camera"],
                 "width": photo["width"], "height": photo["height"],
                 "captured_at": photo["captured_at"]}
        assert found == expected, name
        assert photo["media_type"] == media_type and (photo["width"], photo["height"]) == SIZE
        agree += sum(found[k] == expected[k] for k in expected)
        total += len(expected)
    assert agree == total == 7 * len(FORMATS)


def test_the_perceptual_hash_comes_from_the_decoded_image(
        caesar: Caesar, made: tuple[Path, dict[str, str]]) -> None:
    folder, drawn = made
    caesar("ingest", str(folder))
    held = _held(caesar)
    for _, name, _ in FORMATS:
        # Codecs and the reduced scale the archive hashes at move a few bits; its own
        # threshold for "the same picture" is 31 (docs/cases.md); other pictures are ~128 away.
        assert _bits_apart(held[name]["pdq"], drawn[name]) <= 31, name
        others = [drawn[n] for _, n, _ in FORMATS if n != name]
        assert min(_bits_apart(held[name]["pdq"], o) for o in others) > 60


def test_verified_and_shown_safely_until_revealed(
        archive: Archive, caesar: Caesar, made: tuple[Path, dict[str, str]]) -> None:
    folder, _ = made
    caesar("ingest", str(folder))
    assert caesar.json("verify")["ok"] == len(FORMATS)
    held = _held(caesar)
    with archive.catalog.reader() as session:  # each has its thumbnail for the grid
        assert all(session.get_one(Photo, p["sha256"]).thumbnail_sha256 for p in held.values())
    for _, name, _ in FORMATS:
        sha = held[name]["sha256"]
        blurred = Image.open(io.BytesIO(archive.access.viewer.show(sha, "blurred", "owner")))
        assert blurred.format == "JPEG" and blurred.mode == "L"
        assert blurred.size == (1024, 768)  # the whole decoded image, not a small preview
        shown = Image.open(io.BytesIO(archive.access.viewer.show(sha, "original", "owner")))
        assert shown.mode == "RGB" and not shown.getexif()  # no camera, no serial
        assert _bits_apart(_pdq(shown), held[name]["pdq"]) <= 31
    views = [e["entry"] for e in caesar.json("ledger", "entries")
             if e["entry"]["type"] == "photo.viewed"]
    assert len(views) == 2 * len(FORMATS)  # every view logged


def test_a_cut_heic_is_truncated_and_kept(caesar: Caesar, made: tuple[Path, dict[str, str]],
                                          tmp_path: Path) -> None:
    folder, _ = made
    whole = (folder / "IMG_0101.HEIC").read_bytes()
    (tmp_path / "IMG_0101.HEIC").write_bytes(whole[: len(whole) * 2 // 3])
    report = caesar.json("ingest", str(tmp_path / "IMG_0101.HEIC"))
    [flag] = report["flagged"]
    assert flag["kind"] == "truncated" and "image/heic" in flag["problem"]
    [photo] = caesar.json("photos", "list")
    assert photo["media_type"] == "image/heic" and photo["size"] == len(whole) * 2 // 3


@pytest.mark.parametrize(("name", "suffix"), [("IMG_0101.HEIC", ".heic"), ("PXL_0106.dng", ".dng")])
def test_in_an_evidence_package_and_an_exhibition_set(
        caesar: Caesar, made: tuple[Path, dict[str, str]], tmp_path: Path, name: str,
        suffix: str) -> None:
    folder, _ = made
    caesar("ingest", str(folder))
    sha = _held(caesar)[name]["sha256"]
    evidence = caesar("export", "evidence", "--photos", sha, "--out", str(tmp_path / "court"),
                      "--yes")
    assert evidence.exit_code == 0, evidence.stderr
    packed = tmp_path / "court" / "data" / "originals" / f"{sha}{suffix}"
    assert packed.read_bytes() == (folder / name).read_bytes()  # bit for bit
    exhibit = caesar("export", "exhibit", "--photos", sha, "--out", str(tmp_path / "show"),
                     "--yes", "--json")
    assert exhibit.exit_code == 0, exhibit.stderr
    [entry] = json.loads((tmp_path / "show" / "mapping.json").read_text())
    shown = tmp_path / "show" / entry["file"]
    assert Image.open(shown).format == "JPEG"
    assert metadata_groups(shown) == [set()]  # no make, model, serial or time left


def test_a_cut_dng_is_truncated_and_kept(caesar: Caesar, made: tuple[Path, dict[str, str]],
                                         tmp_path: Path) -> None:
    folder, _ = made
    whole = (folder / "PXL_0106.dng").read_bytes()
    (tmp_path / "PXL_0106.dng").write_bytes(whole[: len(whole) // 2])
    report = caesar.json("ingest", str(tmp_path / "PXL_0106.dng"))
    [flag] = report["flagged"]
    assert flag["kind"] == "truncated" and "image/x-adobe-dng" in flag["problem"]
    [photo] = caesar.json("photos", "list")
    assert photo["media_type"] == "image/x-adobe-dng" and photo["size"] == len(whole) // 2
    assert photo["camera"]["model"] == "Pixel 8 Pro"  # its directories were whole: still read


def test_a_raw_file_too_large_to_decode_is_kept_and_flagged(
        made: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _ = made
    data = (folder / "PXL_0106.dng").read_bytes()
    # LibRaw reads a file whole; the limit is lowered here rather than writing 512 MiB.
    monkeypatch.setattr(camera_raw, "MAX_BYTES", len(data) - 1)
    found = inspect_file(io.BytesIO(data), len(data), thumbnail_px=320)
    assert [f.kind for f in found.flags] == ["decompression_bomb"]
    assert "raw file over" in found.flags[0].problem and found.thumbnail is None


def test_an_ordinary_tiff_with_a_camera_make_is_not_taken_for_a_raw_file(
        made: tuple[Path, dict[str, str]]) -> None:
    folder, _ = made
    data = (folder / "scan-0104.tif").read_bytes()  # its EXIF names a Nikon D750
    found = inspect_file(io.BytesIO(data), len(data), thumbnail_px=320)
    assert found.media_type == "image/tiff" and not found.flags
    assert Image.open(folder / "scan-0104.tif").format == "TIFF"
    assert Image.open(folder / "PXL_0106.dng").format == camera_raw.FORMAT


def _decoded_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.convert("RGB").size


def test_a_worker_forked_after_its_parent_decoded_a_raw_file_decodes_one_too(
        made: tuple[Path, dict[str, str]]) -> None:
    """LibRaw's OpenMP threads are not copied by fork(); intake's workers are forked, and
    one forked after a raw decode in its parent used to wait for them forever."""
    dng = made[0] / "PXL_0106.dng"
    assert _decoded_size(dng) == SIZE  # the parent decodes first
    with multiprocessing.get_context("fork").Pool(1) as pool:
        # Decoding takes a fraction of a second; the bound only turns a hang into a failure.
        assert pool.apply_async(_decoded_size, (dng,)).get(timeout=120) == SIZE
