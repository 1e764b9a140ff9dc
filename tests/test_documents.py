"""Documents (PDFs: detention records, death certificates, release papers) through intake,
search, safe viewing, verify and evidence packages.

Intake renders a PDF's first page (sealed, shown blurred until revealed), takes its text from
its own text layer or, for a scan, reads it with Tesseract's Arabic and English models, and
seals that text page by page; analysts search it in either script. A password-protected,
truncated or hostile PDF (a stream that inflates past the memory limit, too many pages) gets
one flag naming the problem and is kept bit for bit.

Every document here is made by the tests: typed papers set by WeasyPrint and "scanned" ones
rendered to images (`caesar.demo.documents`), with synthetic names; real Tesseract, real PDFium.
"""

from __future__ import annotations

import io
import json
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSPHRASE, Caesar
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import select

from caesar.catalog.models import DocumentPage
from caesar.core import Archive
from caesar.demo.documents import Paper, release_paper, scanned
from caesar.settings import load_settings
from caesar.vault.keys import KdfCost

PAPER = Paper(name_ar="أحمد محمود خليل", name_en="Ahmad Mahmoud Khalil",
              detainee_number="40217", branch="215", released_on=date(2013, 5, 4))
OTHER = Paper(name_ar="سامر يوسف داود", name_en="Samer Youssef Daoud",
              detainee_number="51830", branch="227", released_on=date(2012, 11, 20))


def _inflating(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates from a few hundred kB to `megabytes` MB."""
    squeeze = zlib.compressobj(9)
    block = b" " * (1 << 20)
    body = b"".join(squeeze.compress(block) for _ in range(megabytes)) + squeeze.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body
               + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _blank_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _locked(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt("a password the archive was never told")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A partner's folder of papers: typed, scanned (two pages), and four bad ones."""
    folder = tmp_path_factory.mktemp("papers") / "papers"
    folder.mkdir()
    typed = release_paper(PAPER)
    two_scanned_pages = scanned(_two_pages(release_paper(OTHER), release_paper(PAPER)))
    files = {"typed.pdf": typed, "scan.pdf": two_scanned_pages, "locked.pdf": _locked(typed),
             "cut.pdf": typed[:len(typed) // 2], "inflating.pdf": _inflating(400),
             "many-pages.pdf": _blank_pages(5)}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def _two_pages(first: bytes, second: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(first))
    writer.append(io.BytesIO(second))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory, papers: Path
         ) -> tuple[Caesar, dict[str, Any], Any]:
    """An archive that read the papers with small limits: 256 MB for a PDF's reader, three
    pages at most, one scanned page read by OCR per document."""
    path = tmp_path_factory.mktemp("documents") / "archive"
    Archive.create(path, PASSPHRASE, kdf_cost=KdfCost.test, owner="owner").close()
    settings = load_settings(path)
    settings.model_copy(update={"intake": settings.intake.model_copy(update={
        "document_memory_mb": 256, "document_max_pages": 3, "document_ocr_pages": 1})}
    ).dump(path)
    caesar = Caesar(path)
    run = caesar("ingest", str(papers), "--strict", "--json")
    assert run.exit_code == 1, run.stderr  # flagged files need attention
    by_path = {s["path"]: p for p in caesar.json("photos", "list") for s in p["sightings"]}
    return caesar, by_path, run.json()


def test_papers_are_recognised_and_their_text_taken_from_the_layer_or_by_ocr(
        held: tuple[Caesar, dict[str, Any], Any]) -> None:
    caesar, by_path, _ = held
    typed, scan = by_path["typed.pdf"], by_path["scan.pdf"]
    assert typed["media_type"] == scan["media_type"] == "application/pdf"
    assert typed["flags"] == scan["flags"] == []
    assert (typed["pages"], typed["text_source"], typed["pages_not_read"]) == (1, "layer", 0)
    # The scan has two pages and no text layer; the archive reads one page by OCR and says
    # that the other was not read.
    assert (scan["pages"], scan["text_source"], scan["pages_not_read"]) == (2, "ocr", 1)
    text = caesar.json("documents", "text", typed["sha256"])
    assert [p["source"] for p in text["text_pages"]] == ["layer"]
    assert PAPER.name_ar in text["text_pages"][0]["text"]
    assert PAPER.name_en in text["text_pages"][0]["text"]
    read = caesar.json("documents", "text", scan["sha256"])["text_pages"]
    assert [(p["page"], p["source"]) for p in read] == [(1, "ocr")]
    assert "Samer Youssef Daoud" in read[0]["text"] and "51830" in read[0]["text"]
    assert "داود" in read[0]["text"]  # Tesseract's Arabic model read the Arabic lines
    assert read[0]["confidence"] > 60
    listed = caesar.json("documents", "list")
    assert {d["sha256"] for d in listed} == {p["sha256"] for p in by_path.values()}


def test_analysts_find_names_however_spelled_and_numbers_in_either_digits(
        held: tuple[Caesar, dict[str, Any], Any]) -> None:
    caesar, by_path, _ = held
    typed, scan = by_path["typed.pdf"]["sha256"], by_path["scan.pdf"]["sha256"]

    def found(words: str) -> set[tuple[str, int]]:
        return {(h["sha256"], h["page"]) for h in caesar.json("documents", "search", words)}

    assert found("Khalil") == {(typed, 1)}  # the scan's second page, which holds it, unread
    assert found("احمد خليل") == {(typed, 1)}  # bare alef finds أحمد
    assert found("٤٠٢١٧") == {(typed, 1)}  # Arabic-Indic digits find 40217
    assert found("daoud 51830") == {(scan, 1)}  # case folded; both words on one page
    assert found("Daoud 40217") == set()  # on different documents: no page holds both
    [hit] = caesar.json("documents", "search", "Samer")
    assert hit["source"] == "ocr" and "Samer Youssef Daoud" in hit["snippet"]
    refused = caesar("documents", "search", "  ")
    assert refused.exit_code == 2 and "Give a word" in refused.stderr


def test_every_reading_of_a_documents_text_is_logged_never_the_words_searched(
        held: tuple[Caesar, dict[str, Any], Any]) -> None:
    caesar, by_path, _ = held
    before = caesar.json("ledger", "show")["size"]
    caesar.json("documents", "search", "Khalil")
    caesar.json("documents", "text", by_path["scan.pdf"]["sha256"])
    entries = caesar.json("ledger", "entries", "--from", str(before))
    reads = [(e["entry"]["details"], e["subject_sha256"]) for e in entries
             if e["entry"]["type"] == "document.read"]
    assert reads == [({"shown": "search"}, by_path["typed.pdf"]["sha256"]),
                     ({"shown": "text"}, by_path["scan.pdf"]["sha256"])]
    assert "Khalil" not in json.dumps(entries)


def test_the_text_is_sealed_in_the_catalogue(held: tuple[Caesar, dict[str, Any], Any]
                                             ) -> None:
    caesar, _, _ = held
    assert caesar.archive is not None
    archive = Archive.open(caesar.archive, PASSPHRASE)
    try:
        with archive.catalog.reader() as session:
            sealed = list(session.scalars(select(DocumentPage.text_sealed)))
    finally:
        archive.close()
    assert len(sealed) == 2
    for value in sealed:
        for word in (PAPER.name_en, PAPER.name_ar, OTHER.name_en, "Release"):
            assert word.encode() not in value


@pytest.mark.parametrize(("name", "kind", "words"), [
    ("locked.pdf", "password_protected", "protected by a password"),
    ("cut.pdf", "truncated", "ends early"),
    ("inflating.pdf", "decompression_bomb", "256 MB"),
    ("many-pages.pdf", "decompression_bomb", "5 pages is over the safe limit of 3"),
])
def test_a_bad_pdf_gets_one_flag_naming_it_and_is_kept_bit_for_bit(
        held: tuple[Caesar, dict[str, Any], Any], papers: Path, name: str, kind: str,
        words: str) -> None:
    caesar, by_path, report = held
    [flag] = [f for f in report["flagged"] if f["path"] == name]
    assert flag["kind"] == kind and words in flag["problem"], flag
    assert by_path[name]["flags"] == [kind]
    assert by_path[name]["media_type"] == "application/pdf"
    assert caesar.archive is not None
    archive = Archive.open(caesar.archive, PASSPHRASE)
    try:
        kept = archive.vault.read_bytes("original", by_path[name]["sha256"])
    finally:
        archive.close()
    assert kept == (papers / name).read_bytes()


def test_the_first_page_is_shown_blurred_until_revealed_and_each_view_logged(
        held: tuple[Caesar, dict[str, Any], Any]) -> None:
    caesar, by_path, _ = held
    sha = by_path["typed.pdf"]["sha256"]
    assert caesar.archive is not None
    archive = Archive.open(caesar.archive, PASSPHRASE)
    try:
        before = archive.ledger.state().size
        blurred = Image.open(io.BytesIO(archive.access.viewer.show(sha, "blurred", "owner")))
        page = Image.open(io.BytesIO(archive.access.viewer.show(sha, "original", "owner")))
        entries = [e.entry for e in archive.ledger.entries(before)]
    finally:
        archive.close()
    assert blurred.mode == "L" and max(blurred.size) <= 320  # the sealed thumbnail, blurred
    assert page.mode == "RGB" and max(page.size) > 1000  # rendered again to be read
    assert [(e["type"], e["details"]) for e in entries] == [
        ("photo.viewed", {"rendition": "blurred", "shown": "page"}),
        ("photo.viewed", {"rendition": "original", "shown": "page"})]


def test_verify_and_an_evidence_package_hold_documents_like_photos(
        held: tuple[Caesar, dict[str, Any], Any], papers: Path, tmp_path: Path) -> None:
    caesar, by_path, _ = held
    verified = caesar("verify", "--json")
    assert verified.exit_code == 0, verified.stderr
    assert verified.json()["ok"] == verified.json()["checked"] == len(by_path)
    sha = by_path["scan.pdf"]["sha256"]
    out = tmp_path / "package"
    run = caesar("export", "evidence", "--photos", sha, "--out", str(out), "--yes")
    assert run.exit_code == 0, run.stderr
    assert (out / "data" / "originals" / f"{sha}.pdf").read_bytes() == \
        (papers / "scan.pdf").read_bytes()


def test_making_a_pdf_leaves_truncated_images_flagged(tmp_path: Path) -> None:
    """WeasyPrint, which sets the papers and the evidence report, switches on Pillow's
    tolerance of truncated images for its whole process when imported; the archive turns it
    off again, or a truncated original analysed afterwards would go unflagged."""
    from caesar.intake.inspect import inspect_file

    release_paper(PAPER)  # imports WeasyPrint in this process
    image = io.BytesIO()
    Image.effect_noise((256, 256), 60).convert("RGB").save(image, "JPEG", quality=90)
    cut = image.getvalue()[:len(image.getvalue()) // 2]
    found = inspect_file(io.BytesIO(cut), len(cut), thumbnail_px=64)
    assert [f.kind for f in found.flags] == ["truncated"]
