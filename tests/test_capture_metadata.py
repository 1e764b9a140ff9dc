"""Camera and capture time as cameras and editors really write them, read as exiftool reads
them (bench/exif_samples.py measures the same on real camera files): an ASCII value ends at
its first NUL, and a capture time an editor kept only in XMP is the capture time."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from caesar.intake.inspect import Inspection, inspect_file


def _xmp(date: str) -> bytes:
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description'
        ' xmlns:exif="http://ns.adobe.com/exif/1.0/"'
        f' exif:DateTimeOriginal="{date}"/></rdf:RDF></x:xmpmeta>').encode()


def _jpeg(path: Path, exif: Image.Exif, xmp: bytes | None = None) -> Inspection:
    extra = {"xmp": xmp} if xmp is not None else {}
    Image.new("RGB", (64, 48), "grey").save(path, "JPEG", exif=exif.tobytes(), **extra)
    data = path.read_bytes()
    return inspect_file(io.BytesIO(data), len(data), thumbnail_px=64)


def _exiftool(path: Path, tag: str) -> str:
    return subprocess.run(["exiftool", "-s3", f"-{tag}", str(path)], capture_output=True,
                          text=True, check=True).stdout.strip()


def test_a_model_written_with_padding_after_its_nul_is_read_up_to_the_nul(
        tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Polaroid"
    exif[ExifTags.Base.Model] = "ION230\x00F"  # as a real camera wrote it
    found = _jpeg(tmp_path / "a.jpg", exif)
    assert found.camera_model == "ION230" == _exiftool(tmp_path / "a.jpg", "Model")


@pytest.mark.parametrize(("written", "read"), [
    ("2013-07-05T03:18:27Z", "2013-07-05T03:18:27+00:00"),
    ("2013-07-05T03:18:27.50-07:00", "2013-07-05T03:18:27-07:00"),
    ("2013-07-05T03:18:27", "2013-07-05T03:18:27"),
])
def test_a_capture_time_kept_only_in_xmp_is_the_capture_time(
        tmp_path: Path, written: str, read: str) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.DateTime] = "2013:07:07 17:20:59"  # when an editor saved it
    found = _jpeg(tmp_path / "a.jpg", exif, _xmp(written))
    assert found.captured_at == read
    assert _exiftool(tmp_path / "a.jpg", "DateTimeOriginal").startswith("2013:07:05 03:18:27")


def test_the_exif_capture_time_wins_over_xmp(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2012:01:02 03:04:05"
    found = _jpeg(tmp_path / "a.jpg", exif, _xmp("2013-07-05T03:18:27Z"))
    assert found.captured_at == "2012-01-02T03:04:05"


def test_hostile_xmp_gives_no_time_but_loses_no_other_metadata(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.DateTime] = "2013:07:07 17:20:59"
    laughs = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>')
    found = _jpeg(tmp_path / "a.jpg", exif, laughs)
    assert found.camera_make == "Canon" and not found.flags
    assert found.captured_at == "2013-07-07T17:20:59"  # the file's own time, as before
