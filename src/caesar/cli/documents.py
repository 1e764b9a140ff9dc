"""`caesar documents list|text|search`: PDFs (records, certificates, release papers) and
their text, taken from their own text layer or read by OCR."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, out
from caesar.cli.paging import LimitOption, OffsetOption

app = typer.Typer(help="Documents (PDFs) and their text: listed, read and searched; every"
                  " reading of their text is logged.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
_SOURCES = {"layer": "text layer", "ocr": "OCR", "layer+ocr": "text layer and OCR",
            "none": "no text found"}


@app.command("list")
def list_(ctx: typer.Context, limit: LimitOption = None, offset: OffsetOption = 0,
          json_: JsonOption = False) -> None:
    """List every document (PDF), in order of arrival: pages, where its text came from, flags.

    JSON: `[PHOTO...]` as `photos list` prints, with `pages`, `text_source` (layer, ocr,
    layer+ocr or none) and `pages_not_read` (pages without a text layer beyond the OCR limit,
    `document_ocr_pages` in caesar.toml, or beyond `document_text_pages`).
    """
    from caesar.intake.document import PDF

    with archive_for(ctx) as (archive, _):
        documents = archive.queries.photos(offset, limit, media_type=PDF)
    if json_:
        emit_json(documents)
        return
    table = Table("sha256", "pages", "text", "not read", "size", "flags")
    for d in documents:
        unread = ("not analysed yet" if not d.analysed else "not read (see flags)" if d.flags
                  else "not read (over analyse_limit_mb)")
        table.add_row(d.sha256[:16] + "…", str(d.pages or "-"),
                      _SOURCES.get(d.text_source or "", unread),
                      str(d.pages_not_read or "-"), f"{d.size:,}", ", ".join(d.flags) or "-")
    out.print(table)
    out.print(f"{len(documents)} documents")


@app.command()
def text(ctx: typer.Context, sha256: Annotated[str, typer.Argument(help="The document's"
                                                                    " SHA-256.")],
         json_: JsonOption = False) -> None:
    """Print a document's text, page by page (the reading is logged).

    Each page says where its text came from: the PDF's own text layer, or OCR (Tesseract's
    Arabic and English models) with its mean confidence.
    """
    with archive_for(ctx) as (archive, actor):
        found = archive.documents.text(sha256, actor)
    if json_:
        emit_json(found)
        return
    for page in found.text_pages:
        how = "text layer" if page.source == "layer" else f"OCR, confidence {page.confidence}"
        out.print(f"--- page {page.page} ({how}) ---", markup=False)
        out.print(page.text, markup=False)
    if not found.text_pages:
        out.print("No text was found in this document.")
    if found.pages_not_read:
        out.print(f"{found.pages_not_read} pages without a text layer were not read (over the"
                  " OCR page limit, document_ocr_pages in caesar.toml).")


@app.command()
def search(ctx: typer.Context,
           words: Annotated[str, typer.Argument(help="Words or a number, in Arabic or Latin"
                                                " letters; every word must be on one page.")],
           limit: Annotated[int, typer.Option(min=1, help="Passages shown at most.")] = 100,
           json_: JsonOption = False) -> None:
    """Find documents whose text holds every word given (names folded as matching folds
    them: diacritics, hamza forms, taa marbuta, case and accents do not count; Arabic-Indic
    digits match Western ones). Each document shown is logged, never the words searched.

    JSON: `[{"sha256", "page", "source", "snippet"}]`.
    """
    with archive_for(ctx) as (archive, actor):
        hits = archive.documents.search(words, actor, limit=limit)
    if json_:
        emit_json(hits)
        return
    table = Table("sha256", "page", "text", "passage")
    for h in hits:
        table.add_row(h.sha256[:16] + "…", str(h.page), _SOURCES[h.source], h.snippet)
    out.print(table)
    out.print(f"{len(hits)} passages found")
