"""Reading a PDF's pages with PDFium: run only inside the fenced process of
:mod:`caesar.intake.document`, never in an archive's own process.

PDFium (the `pypdfium2` wheel; Chromium's PDF engine, fuzzed continuously) opens the file,
renders the first page for the thumbnail, and gives each page's own text layer. A page without
text (a scan) is rendered at up to 300 dpi and read by Tesseract with its Arabic and English
models, up to a page limit. PDFium inflates whatever streams a page draws, however large they
declare themselves: that is why it runs in a process whose memory and processor time the
operating system caps.

Invoked as ``python -m caesar.intake.pdf_pages``: a JSON request on the first line of standard
input, then the PDF's bytes; the answer is one JSON document on standard output.
"""

from __future__ import annotations

import base64
import io
import json
import resource
import sys
from typing import Any, Final

import pypdfium2 as pdfium
from PIL import Image

OCR_DPI: Final = 300
"""Tesseract reads best at about 300 dpi."""
OCR_MAX_PX: Final = 4000
"""A page rendered for OCR is never larger than this on its long side (a poster-sized page
would otherwise make an image of hundreds of megapixels)."""
_OCR_LANGUAGES: Final = "ara+eng"
_META_CHARS: Final = 1000  # of a metadata value kept (a title, a producer), at most
_META_KEYS: Final = ("Title", "Author", "Subject", "Keywords", "Creator", "Producer",
                     "CreationDate", "ModDate")


def read(data: bytes, request: dict[str, Any]) -> dict[str, Any]:
    """What `request` asks of the PDF in `data` (its `mode` is ``read`` or ``render``)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return {"problem": str(exc)}
    with pdf:
        pages = len(pdf)
        if request["mode"] == "render":
            if pages == 0:
                return {"problem": "it has no page"}
            return {"image": _b64(_jpeg(_render(pdf[0], request["width"])))}
        answer: dict[str, Any] = {"pages": pages, "metadata": _metadata(pdf), "texts": []}
        if pages > request["max_pages"]:
            return answer  # the caller flags it; nothing of it is decoded
        if pages and request["decode"]:
            answer["thumbnail"] = _b64(_jpeg(_render(pdf[0], request["thumbnail_px"])))
        answer["texts"], answer["ocr_skipped"] = _texts(pdf, request)
    return answer


def _texts(pdf: pdfium.PdfDocument, request: dict[str, Any]) -> tuple[list[dict[str, Any]],
                                                                       int]:
    """Each page's text, from its own layer or read by OCR, and how many pages without text
    were left unread beyond the OCR limit."""
    texts, ocr_left, skipped = [], request["ocr_pages"], 0
    engine = None
    try:
        for number in range(min(len(pdf), request["text_pages"])):
            page = pdf[number]
            text = _clean(page.get_textpage().get_text_range()).replace("\r\n", "\n").strip()
            if text:
                texts.append({"page": number + 1, "source": "layer", "text": text})
                continue
            if not request["decode"] or ocr_left <= 0:
                skipped += 1
                continue
            if engine is None:
                from tesserocr import PyTessBaseAPI  # only when a page needs it: ~0.3 s

                engine = PyTessBaseAPI(path=request["tessdata"], lang=_OCR_LANGUAGES)
            engine.SetImage(_for_ocr(page))
            read_text = _clean(engine.GetUTF8Text()).strip()
            ocr_left -= 1
            texts.append({"page": number + 1, "source": "ocr", "text": read_text,
                          "confidence": int(engine.MeanTextConf())})
    finally:
        if engine is not None:
            engine.End()
    return texts, skipped


def _for_ocr(page: pdfium.PdfPage) -> Image.Image:
    width, height = page.get_size()  # points, 1/72 inch
    scale = min(OCR_DPI / 72, OCR_MAX_PX / max(width, height, 1))
    image: Image.Image = page.render(scale=scale, grayscale=True).to_pil()
    return image


def _render(page: pdfium.PdfPage, px: int) -> Image.Image:
    """The page at `px` on its long side, on white (as paper)."""
    width, height = page.get_size()
    image: Image.Image = page.render(scale=px / max(width, height, 1)).to_pil()
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _metadata(pdf: pdfium.PdfDocument) -> dict[str, Any]:
    found = {key: _clean(value)[:_META_CHARS] for key, value
             in pdf.get_metadata_dict(skip_empty=True).items() if key in _META_KEYS}
    return {"version": pdf.get_version(), **found}


def _clean(text: str) -> str:
    """`text` with what UTF-8 cannot hold (lone UTF-16 surrogates of a broken text layer)
    replaced, so that it can be sealed and printed."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def main() -> None:
    """Answer one request from standard input on standard output."""
    request = json.loads(sys.stdin.buffer.readline())
    memory = request["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (request["cpu_seconds"], request["cpu_seconds"] + 5))
    data = sys.stdin.buffer.read()
    json.dump(read(data, request), sys.stdout)


if __name__ == "__main__":
    main()
