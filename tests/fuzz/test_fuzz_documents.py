"""Fuzzing what intake reads from PDFs (`inspect_file` through PDFium's fenced process).

Damaged and hostile PDFs are preserved like every file, so reading one must never raise: it
gives a document with its pages and text, or exactly one flag naming what is wrong; and what
it keeps is strict JSON (shown by `photos show --json`) and text that can be sealed (UTF-8).
"""

from __future__ import annotations

import io
import json
from datetime import date
from functools import cache

from fuzzing import fuzz, mark, mutated
from hypothesis import given
from hypothesis import strategies as st

from caesar.demo.documents import Paper, release_paper, scanned
from caesar.intake.inspect import inspect_file

pytestmark = mark


@cache
def _seeds() -> tuple[bytes, ...]:
    """A typed paper (a text layer, fonts, compressed streams) and a scan of it (an image),
    on small pages so that OCR of a mutated scan stays quick."""
    typed = release_paper(Paper("علي حسن العلي", "Ali Hasan al-Ali", "70412", "248",
                                date(2012, 3, 1)), page_mm=(74, 52))
    return typed, scanned(typed, dpi=72)


@fuzz
@given(mutated(_seeds))
def test_mutated_pdfs_are_read_or_flagged_once_without_raising(data: bytes) -> None:
    result = inspect_file(io.BytesIO(data), len(data), thumbnail_px=64)
    json.dumps(result.exif, allow_nan=False)
    if result.media_type != "application/pdf":
        return  # the mutation broke the signature: another type's rules apply
    assert len(result.flags) <= 1, result.flags
    if not result.flags:
        assert result.exif["Document"]["pages"] >= 0
    for page in result.texts or []:
        page.text.encode("utf-8")  # sealable


@fuzz
@given(st.binary(max_size=600))
def test_random_content_after_a_pdf_header_is_flagged_or_read(rest: bytes) -> None:
    data = b"%PDF-1.7\n" + rest
    result = inspect_file(io.BytesIO(data), len(data), thumbnail_px=64)
    assert result.media_type == "application/pdf"
    assert len(result.flags) == 1 or "Document" in result.exif, (result.flags, result.exif)
