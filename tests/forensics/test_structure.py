"""The JPEG structure and EXIF facts, checked against djpeg and exiftool; hostile files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from evalset_helper import small_set

from caesar.forensics.facts import gather
from caesar.forensics.jpeg import JpegStructureError, read_structure
from caesar.forensics.tables import ijg_quality

needs_tools = pytest.mark.skipif(shutil.which("djpeg") is None or shutil.which("exiftool")
                                 is None, reason="djpeg and exiftool (setup.sh installs them)")


def _djpeg_tables(path: Path) -> dict[int, tuple[int, ...]]:
    text = subprocess.run(["djpeg", "-verbose", "-verbose", "-outfile", "/dev/null", str(path)],
                          capture_output=True, text=True, check=True).stderr
    tables = {}
    table = r"Define Quantization Table (\d+)\s+precision \d+\n((?:\s+[\d ]+\n){8})"
    for match in re.finditer(table,
                             text):
        tables[int(match.group(1))] = tuple(int(v) for v in match.group(2).split())
    return tables


@needs_tools
def test_tables_and_dates_agree_with_djpeg_and_exiftool(tmp_path: Path) -> None:
    for photo in [p for p in small_set() if p.kind in ("original", "resaved", "dates_changed")
                  ][::4]:
        path = tmp_path / "photo.jpg"
        path.write_bytes(photo.data)
        assert read_structure(photo.data).quant == _djpeg_tables(path), photo.name
        tool = json.loads(subprocess.run(
            ["exiftool", "-j", "-n", "-Make", "-Model", "-SerialNumber", "-DateTimeOriginal",
             "-CreateDate", "-ModifyDate", "-ImageWidth", "-ImageHeight", str(path)],
            capture_output=True, text=True, check=True).stdout)[0]
        facts = gather(photo.data)
        assert (facts.make, facts.model) == (tool["Make"], tool["Model"])
        assert facts.serial == str(tool["SerialNumber"])
        assert facts.original.replace("-", ":").replace("T", " ") == tool["DateTimeOriginal"]
        assert facts.digitized.replace("-", ":").replace("T", " ") == tool["CreateDate"]
        assert (facts.width, facts.height) == (tool["ImageWidth"], tool["ImageHeight"])


def test_libjpeg_tables_are_named_with_their_quality() -> None:
    resaved = [p for p in small_set() if p.kind == "resaved" and p.tool.startswith("ijg")]
    for photo in resaved:
        assert ijg_quality(read_structure(photo.data)) == int(photo.tool.split("q")[1])


def test_a_file_that_is_not_a_jpeg_is_refused_by_name() -> None:
    with pytest.raises(JpegStructureError, match="SOI marker"):
        read_structure(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(("damage", "named"), [
    (lambda d: d[: len(d) // 2], "without an EOI"),
    (lambda d: d[:2] + b"\xff\xdb\xff\xff" + d[2:], "declares 65535 bytes"),
    (lambda d: d[:2] + b"\xff\xfe\x00\x04ab\x00\x00" + d[2:], "expected a marker"),
    (lambda d: d[:2] + b"\xff\xdb\x00\x05\x00\x01\x02" + d[2:], "quantization table 0 is cut"),
    (lambda d: d[:2] + b"\xff\xc4\x00\x04\x00\x01" + d[2:], "Huffman table cut short"),
    (lambda d: d[:2] + b"\xff\xc0\x00\x03\x08" + d[2:], "SOF0 segment is malformed"),
    (lambda d: d[:6], "APP1 declares"),
    (lambda d: d[:5], "APP1 segment cut short"),
])
def test_broken_structure_is_a_named_finding_never_a_crash(damage, named: str) -> None:  # type: ignore[no-untyped-def]
    data = damage(small_set()[0].data)
    facts = gather(data)
    assert facts.jpeg
    assert any(named in p for p in facts.structure_problems), facts.structure_problems


def test_trailing_bytes_and_hostile_exif_are_reported() -> None:
    original = small_set()[0].data
    assert gather(original + b"PK\x03\x04hidden archive").trailing == 18
    structure = read_structure(original)
    exif = structure.app("Exif")
    assert exif is not None
    start = exif.offset + 4 + 6  # the TIFF header inside APP1
    hostile = original[:start] + b"MM\x00*\xff\xff\xff\xff" + original[start + 8:]
    facts = gather(hostile)
    assert facts.exif_present and facts.camera_key is None


def test_a_lone_photo_resized_is_found_without_its_cameras_fingerprint() -> None:
    # A single photo of a camera the archive holds nothing else of has no fingerprint to be
    # weighed against; the size its own EXIF declares still tells of a resize.
    from caesar.forensics.evalset import doctoring
    from caesar.forensics.evalset.measure import subject
    from caesar.forensics.examine import examine_one

    original = next(p for p in small_set() if p.kind == "original")
    smaller = doctoring.resized(original.data, doctoring.EditorSave("ijg", 90), 0.5)
    for photo, expected in ((original, "consistent"), (replace(original, data=smaller),
                                                       "inconsistent")):
        found = examine_one(subject(photo), None, [], lambda _, data=photo.data: data)
        sizes = [f.strength for f in found.findings if f.signal == "metadata.dimensions"]
        assert (sizes or ["consistent"]) == [expected], found.findings
