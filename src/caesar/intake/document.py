"""What a PDF holds: its pages, a rendering of the first page, and each page's text.

Detention records, death certificates and release papers come as PDFs: typed (with a text
layer, which is taken as written) or scanned (images of paper, which Tesseract reads with its
Arabic and English models). Either way the text names people, so it leaves here only to be
sealed field by field in the catalogue (:mod:`caesar.intake.analysis`).

A PDF is hostile input like any other file, and one page of it can declare streams that inflate
to gigabytes, or a million pages. PDFium therefore never runs in the archive's own process: each
reading is a short-lived ``python -m caesar.intake.pdf_pages`` whose address space and
processor time the operating system caps (``setrlimit``), so the worst a file can do is end
that process, and the file is flagged: ``decompression_bomb`` when it needed more than the
limits, ``password_protected`` when its pages are encrypted, ``truncated`` when its end is
missing, ``corrupt`` otherwise. Starting that process costs about a tenth of a second, paid
once per document (bench/documents.py).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any, Final

from caesar.errors import CaesarError
from caesar.media import TESSDATA

PDF: Final = "application/pdf"


class DocumentUnreadable(CaesarError):
    """A document whose pages cannot be rendered (damaged, protected, or over the limits)."""


@dataclass(frozen=True)
class DocumentLimits:
    """How far a document is read (from the archive's intake settings)."""

    text_pages: int = 500
    ocr_pages: int = 20
    max_pages: int = 10_000
    memory_mb: int = 1024
    cpu_seconds: int = 300


@dataclass(frozen=True)
class PageText:
    """One page's text: ``layer`` (the PDF's own) or ``ocr`` (read by Tesseract)."""

    page: int
    source: str
    text: str
    confidence: int | None = None  # Tesseract's mean word confidence, 0-100


@dataclass
class DocumentReading:
    """What :func:`read_document` learned; `problem` names what is wrong (`kind` a flag)."""

    metadata: dict[str, Any] = field(default_factory=dict)
    pages: int | None = None
    thumbnail: bytes | None = None
    texts: list[PageText] = field(default_factory=list)
    kind: str | None = None
    problem: str | None = None


def page_context(sha256: str, page: int) -> str:
    """What a page's sealed text is bound to (`caesar.vault.fields`): its table, document, page."""
    return f"document_pages.text:{sha256}:{page}"


def reads_as_document(media_type: str) -> bool:
    """Whether an original of `media_type` is read as a document."""
    return media_type == PDF


def read_document(data: bytes, *, thumbnail_px: int, decode: bool,
                  limits: DocumentLimits) -> DocumentReading:
    """Read the PDF `data`: pages, metadata, first page, texts. Never raises for the content."""
    answer = _fenced({"mode": "read", "decode": decode, "thumbnail_px": thumbnail_px,
                      "text_pages": limits.text_pages, "ocr_pages": limits.ocr_pages,
                      "max_pages": limits.max_pages, "tessdata": TESSDATA}, data, limits)
    reading = DocumentReading()
    if "problem" in answer:
        reading.kind, reading.problem = _flag(data, answer, limits)
        return reading
    reading.pages = answer["pages"]
    texts = [PageText(t["page"], t["source"], t["text"], t.get("confidence"))
             for t in answer["texts"]]
    reading.texts = [t for t in texts if t.text]
    ocr = [t.page for t in texts if t.source == "ocr"]
    reading.metadata = {"Document": {
        **answer["metadata"], "pages": reading.pages,
        "text": _source(texts), "text_pages": len(reading.texts),
        "ocr_pages": len(ocr), "not_read": answer.get("ocr_skipped", 0) + max(
            0, (reading.pages or 0) - limits.text_pages)}}
    if "thumbnail" in answer:
        reading.thumbnail = base64.b64decode(answer["thumbnail"])
    if reading.pages is not None and reading.pages > limits.max_pages:
        reading.kind = "decompression_bomb"
        reading.problem = (f"PDF of {reading.pages:,} pages is over the safe limit of"
                           f" {limits.max_pages:,}; never decoded")
    return reading


def render_first_page(data: bytes, width: int, limits: DocumentLimits) -> bytes:
    """The first page of the PDF `data` as a JPEG `width` pixels on its long side."""
    answer = _fenced({"mode": "render", "width": width}, data, limits)
    if "image" not in answer:
        raise DocumentUnreadable("This document's first page cannot be shown.",
                                 hint="Its details list what is wrong with it.")
    return base64.b64decode(answer["image"])


def _source(texts: list[PageText]) -> str:
    """Where the document's text came from: layer, ocr, both, or none."""
    sources = {t.source for t in texts if t.text}
    return "+".join(sorted(sources)) if sources else "none"


def _fenced(request: dict[str, Any], data: bytes, limits: DocumentLimits) -> dict[str, Any]:
    """Run :mod:`caesar.intake.pdf_pages` under the memory and processor-time limits (which
    it sets on itself before reading the PDF: a `preexec_fn` is unsafe in the web server's
    threads)."""
    request = {**request, "memory_mb": limits.memory_mb, "cpu_seconds": limits.cpu_seconds}
    # One OpenMP thread for Tesseract: intake's workers (one a core) are the parallelism, and
    # its threads fighting over busy cores made OCR 2.6 times slower (bench/documents.py).
    done = subprocess.run([sys.executable, "-m", "caesar.intake.pdf_pages"],
                          input=json.dumps(request).encode() + b"\n" + data,
                          capture_output=True, check=False,
                          env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    if done.returncode == 0:
        try:
            answer: dict[str, Any] = json.loads(done.stdout)
            return answer
        except ValueError:
            pass
    return {"problem": None, "returncode": done.returncode,
            "stderr": done.stderr.decode("utf-8", "replace")[-400:]}


def _flag(data: bytes, answer: dict[str, Any], limits: DocumentLimits) -> tuple[str, str]:
    """The flag kind and words for a PDF that could not be read."""
    said = answer["problem"]
    if said is None:  # the fenced process ended without an answer
        code, stderr = answer["returncode"], answer["stderr"]
        if code == -signal.SIGXCPU:
            return ("decompression_bomb", "reading this PDF took more processor time than"
                    f" the safe limit of {limits.cpu_seconds} s; never decoded further")
        if "MemoryError" in stderr or "bad_alloc" in stderr:
            return ("decompression_bomb", "reading this PDF needed more memory than the safe"
                    f" limit of {limits.memory_mb} MB (streams that inflate far beyond the"
                    " file's size); never decoded further")
        if code < 0:
            # PDFium aborts, silently, when an allocation fails under the limit; a crash on
            # damage it does not survive looks the same from here.
            return ("decompression_bomb", f"reading this PDF ended abnormally (signal {-code})"
                    f" within the safe limits of {limits.memory_mb} MB of memory and"
                    f" {limits.cpu_seconds} s of processor time: its streams inflate past"
                    " them, or it is damaged in a way the reader does not survive; never"
                    " decoded further")
        return "corrupt", f"PDF data cannot be read (the reader stopped with status {code})"
    if "password" in said.lower():
        return ("password_protected", "PDF is protected by a password: its pages cannot be"
                " read or shown (the file is kept as it came)")
    if b"%%EOF" not in data[-1024:]:
        return "truncated", f"PDF data ends early ({_pdfium_words(said)})"
    return "corrupt", f"PDF data cannot be decoded ({_pdfium_words(said)})"


def _pdfium_words(said: str) -> str:
    """PDFium's own words ("Data format error") without pypdfium2's wrapping."""
    inner = said.partition("(PDFium: ")[2]
    return inner.rstrip(").") or said
