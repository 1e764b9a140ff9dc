"""Every original's media type comes from its content; only what is no known type, or not the
image its name promises, is flagged `not_image` (docs/design.md, "Media types and flags")."""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
import wave
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import Caesar
from pypdf import PdfWriter

from caesar.demo.video import moving_frames, write_video
from caesar.intake.inspect import inspect_file


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x01" * 8000)  # a second of a quiet tone
    return out.getvalue()


def _pdf() -> bytes:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "رقم المعتقل"  # type: ignore[index]
    book.save(out)
    return out.getvalue()


def _docx() -> bytes:
    """The three parts Word needs (ECMA-376 Part 2): content types, relationships, the body."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package'
                   '/2006/content-types"><Override PartName="/word/document.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
                   'main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://'
                   'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>')
    return out.getvalue()


def _video(suffix: str) -> bytes:
    """A second of a tiny drawn video (PyAV), as a phone's camera writes MP4 and MOV."""
    with tempfile.TemporaryDirectory() as scratch:
        path = write_video(Path(scratch) / f"clip{suffix}", moving_frames(1, 10, 64, 48))
        return path.read_bytes()


MP4, MOV = _video(".mp4"), _video(".mov")

# name -> (content, media type libmagic gives, flagged?)
FILES: dict[str, tuple[bytes, str, str | None]] = {
    "شهادة الوفاة.pdf": (_pdf(), "application/pdf", None),
    "statement.docx": (_docx(),
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       None),
    "list.xlsx": (_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  None),
    "testimony.wav": (_wav(), "audio/x-wav", None),
    "VID_0001.mp4": (MP4, "video/mp4", None),
    "IMG_0002.MOV": (MOV, "video/quicktime", None),
    "ملاحظات.txt": ("أسماء المعتقلين في الفرع\nnames of detainees\n".encode(), "text/plain",
                    None),
    "list.csv": ("name,branch\nسامي,215\n".encode(), "text/plain", None),
    "IMG_0003.JPG": (b"Copied for the archive. Not a photo.\n", "text/plain", "not_image"),
    "IMG_0004.HEIC": (_pdf(), "application/pdf", "not_image"),
    "blob": (os.urandom(4096), "application/octet-stream", "not_image"),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "hand-over"
    root.mkdir()
    for name, (data, _, _) in FILES.items():
        (root / name).write_bytes(data)
    return root


def test_each_original_is_typed_by_its_content(caesar: Caesar, folder: Path) -> None:
    report = caesar.json("ingest", str(folder))
    assert {f["path"]: f["kind"] for f in report["flagged"]} == {
        name: flag for name, (_, _, flag) in FILES.items() if flag}
    held = {s["path"]: p for p in caesar.json("photos", "list") for s in p["sightings"]}
    assert {name: held[name]["media_type"] for name in FILES} == {
        name: media_type for name, (_, media_type, _) in FILES.items()}
    # the same as `file --mime-type`, the tool a person would check with
    for name in FILES:
        shown = subprocess.run(["file", "--brief", "--mime-type", str(folder / name)],
                               capture_output=True, text=True, check=True).stdout.strip()
        assert held[name]["media_type"] == shown, name
    # the PDF's content also came as IMG_0004.HEIC: that copy is flagged, this one not
    assert all(held[name]["flags"] == [] for name in (
        "statement.docx", "list.xlsx", "testimony.wav", "VID_0001.mp4", "ملاحظات.txt"))


def test_a_misnamed_file_says_what_it_holds(caesar: Caesar, folder: Path) -> None:
    report = caesar.json("ingest", str(folder))
    problems = {f["path"]: f["problem"] for f in report["flagged"]}
    assert problems["IMG_0003.JPG"] == "named as an image, but its content is text/plain"
    assert problems["IMG_0004.HEIC"] == "named as an image, but its content is application/pdf"
    assert problems["blob"] == "not an image: no known image format recognised"


def test_strict_ingest_still_needs_attention_for_a_flag(caesar: Caesar, folder: Path) -> None:
    run = caesar("ingest", str(folder), "--strict", "--json")
    assert run.exit_code == 1, run.stderr
    for name in ("IMG_0003.JPG", "IMG_0004.HEIC", "blob"):
        (folder / name).unlink()
    again = caesar("ingest", str(folder), "--strict", "--json")
    assert again.exit_code == 0, again.stderr  # documents, audio, video and text: no finding


def test_the_list_shows_each_media_type(caesar: Caesar, folder: Path) -> None:
    caesar("ingest", str(folder))
    listed = caesar("photos", "list")
    assert listed.exit_code == 0, listed.stderr
    for media_type in ("application/pdf", "audio/x-wav", "video/mp4", "text/plain"):
        assert media_type in listed.stdout


def test_an_image_format_that_fails_to_open_is_damage_not_a_type() -> None:
    # A file that libmagic calls a Pillow format (here a TGA-like header) but that does not
    # decode is reported as a damaged image, never passed over as a known type.
    data = bytes(range(256)) * 4
    found = inspect_file(io.BytesIO(data), len(data), thumbnail_px=64)
    assert found.media_type == "image/x-tga"
    assert [f.kind for f in found.flags] == ["corrupt"]
