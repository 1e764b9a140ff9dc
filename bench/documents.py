"""What reading documents costs a page: a PDF's own text layer, and OCR of a scan.

Release papers of several A4 pages in Arabic and English (`caesar.demo.documents`: a typed PDF
with a text layer, and the same pages scanned at 200 dpi with no text layer; making them is not
timed) are read as intake reads them (`read_document`: PDFium in its fenced process, the first
page rendered, each page's text taken or read by Tesseract, ara+eng), beside what a person
would run by hand: `pdftotext` for the text layer (where poppler-utils is installed) and the
`tesseract` command on the same page images. PDFium read in this process, without the fence,
shows what the fence costs. Then a search over every page, sealed as the catalogue keeps them.

    .venv/bin/python bench/documents.py [--pages 6]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
from common import workspace
from pypdf import PdfWriter

from caesar.demo.documents import Paper, release_paper, scanned
from caesar.intake.document import DocumentLimits, read_document
from caesar.media import TESSDATA

PAPER = Paper(name_ar="يوسف محمد الحلبي", name_en="Youssef Mohammad al-Halabi",
              detainee_number="28341", branch="215", released_on=date(2013, 3, 9))


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def _pages(count: int) -> bytes:
    """`count` A4 pages of the release paper, as one PDF with a text layer."""
    import io

    writer = PdfWriter()
    page = release_paper(PAPER, page_mm=(210, 297))
    for _ in range(count):
        writer.append(io.BytesIO(page))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _in_process_text(pdf: bytes) -> float:
    started = time.perf_counter()
    document = pdfium.PdfDocument(pdf)
    for i in range(len(document)):
        document[i].get_textpage().get_text_range()
    document.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the files made")
    args = parser.parse_args()
    n = args.pages
    typed = _pages(n)
    scan = scanned(typed, dpi=200)
    limits = DocumentLimits(ocr_pages=n)
    with workspace(args.keep) as work:
        (work / "typed.pdf").write_bytes(typed)
        (work / "scan.pdf").write_bytes(scan)
        rows: list[tuple[str, float]] = []
        started = time.perf_counter()
        layer = read_document(typed, thumbnail_px=320, decode=True, limits=limits)
        rows.append(("text layer: read_document (fenced)", time.perf_counter() - started))
        assert len(layer.texts) == n and all(t.source == "layer" for t in layer.texts)
        rows.append(("text layer: PDFium in-process", _in_process_text(typed)))
        if shutil.which("pdftotext"):
            rows.append(("text layer: pdftotext", _timed(
                ["pdftotext", str(work / "typed.pdf"), str(work / "typed.txt")])))
        else:
            rows.append(("text layer: pdftotext (not installed)", float("nan")))
        started = time.perf_counter()
        read = read_document(scan, thumbnail_px=320, decode=True, limits=limits)
        rows.append(("scan: read_document, OCR ara+eng", time.perf_counter() - started))
        assert len(read.texts) == n and all(t.source == "ocr" for t in read.texts)
        # By hand: the same pages as images at 300 dpi, then the tesseract command on each.
        document = pdfium.PdfDocument(scan)
        images = []
        for i in range(n):
            path = work / f"page-{i}.png"
            document[i].render(scale=300 / 72, grayscale=True).to_pil().save(path)
            images.append(path)
        document.close()
        if shutil.which("tesseract"):
            command = ["tesseract", "-", "-", "-l", "ara+eng", "--tessdata-dir", TESSDATA]
            rows.append(("scan: tesseract command, ara+eng", sum(_timed(
                [*command[:1], str(p), *command[2:]]) for p in images)))
            # One thread, as the fenced reader's tesserocr is used: OpenMP's threads fight
            # over two busy cores.
            rows.append(("scan: same, OMP_THREAD_LIMIT=1", sum(_timed(
                ["env", "OMP_THREAD_LIMIT=1", command[0], str(p), *command[2:]])
                for p in images)))
        print(f"{n} A4 pages of a release paper in Arabic and English"
              f" (typed {len(typed) / 1e3:.0f} kB, scanned at 200 dpi {len(scan) / 1e6:.1f} MB)")
        print(f"{'what':<40} {'s':>7} {'ms/page':>8}")
        for name, seconds in rows:
            print(f"{name:<40} {seconds:>7.2f} {1000 * seconds / n:>8.0f}")
        _search(work, layer.texts[0].text)


def _search(work: Path, page: str, pages: int = 2000) -> None:
    """A search over `pages` sealed pages (each ten of the paper's), opened and folded as
    `caesar documents search` does."""
    from caesar.identify.documents import fold
    from caesar.vault.fields import FieldCipher
    from caesar.vault.keys import KdfCost, create_keys

    (work / "keys").mkdir()
    cipher = FieldCipher(create_keys(work / "keys", "bench passphrase long enough",
                                     KdfCost.test))
    body = "\n".join([page] * 10)
    sealed = [cipher.seal(body, f"document_pages.text:x:{i}") for i in range(pages)]
    started = time.perf_counter()
    opened = [cipher.open(s, f"document_pages.text:x:{i}") for i, s in enumerate(sealed)]
    opening = time.perf_counter() - started
    started = time.perf_counter()
    folded = [fold(text) for text in opened]
    folding = time.perf_counter() - started
    started = time.perf_counter()
    found = sum("halabi" in f and "28341" in f for f in folded)
    matching = time.perf_counter() - started
    print(f"search over {len(sealed)} sealed pages of {len(body.encode()) / 1e3:.1f} kB"
          f" ({found} found), µs a page: open {1e6 * opening / pages:.0f},"
          f" fold {1e6 * folding / pages:.0f} (first search only: folded pages are kept),"
          f" match {1e6 * matching / pages:.1f}")


if __name__ == "__main__":
    main()
