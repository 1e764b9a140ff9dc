"""Synthetic documents: release papers in Arabic and English, typed or scanned (never real).

A typed paper is a PDF with a text layer, set by WeasyPrint as the evidence report is
(:func:`caesar.exports.report.render_pdf`; Pango shapes the Arabic); a scanned one is the
same paper rendered to a grayscale image by PDFium and saved by Pillow as a PDF of that image
alone, as a scanner writes it: no text layer, so only OCR can read it. The names come from the
generator's lists of names, the numbers and dates are made up.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from datetime import date

import pypdfium2 as pdfium

from caesar.exports.report import render_pdf

# Amiri (Debian's fonts-hosny-amiri) maps its lam-alef ligature back to the two letters in the
# PDF's text layer; with several other Arabic fonts PDFium reads "الاسم" as "االسم".
_FONT = "Amiri"
SCAN_DPI = 200


@dataclass(frozen=True)
class Paper:
    """What a release paper says of one person."""

    name_ar: str
    name_en: str
    detainee_number: str
    branch: str
    released_on: date


def release_paper(paper: Paper, *, page_mm: tuple[int, int] = (148, 105)) -> bytes:
    """A typed release paper: a PDF with a text layer, in Arabic and English.

    `page_mm` is the page's size (A6 landscape by default: small pages read fast by OCR).
    """
    e = html.escape
    width, height = page_mm
    page = f"""<html><head><style>
@page {{ size: {width}mm {height}mm; margin: 8mm; }}
body {{ font-family: '{_FONT}', serif; font-size: 11pt; }}
.ar {{ direction: rtl; text-align: right; }}
</style></head><body>
<p class="ar" lang="ar">ورقة إخلاء سبيل<br>الاسم: {e(paper.name_ar)}<br>
رقم الموقوف: {e(paper.detainee_number)}<br>الفرع: {e(paper.branch)}<br>
تاريخ الإخلاء: {paper.released_on.isoformat()}</p>
<p lang="en">Release paper<br>Name: {e(paper.name_en)}<br>
Detainee number: {e(paper.detainee_number)}<br>Branch: {e(paper.branch)}<br>
Released on: {paper.released_on.isoformat()}</p>
</body></html>"""
    return render_pdf(page)


def scanned(pdf: bytes, dpi: int = SCAN_DPI) -> bytes:
    """`pdf` as a scanner would give it back: each page a grayscale image, no text layer."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = [document[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                 for i in range(len(document))]
    finally:
        document.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out.getvalue()

