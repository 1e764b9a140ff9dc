"""The verification report of an evidence package, as HTML and as PDF, from one template.

WeasyPrint renders the same HTML to PDF through Pango and HarfBuzz, so the Arabic summary is
shaped and laid out right to left as a browser would show it (ReportLab needs extra shaping
libraries for that, and a second layout written apart from the HTML).
"""

from __future__ import annotations

import logging

from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, ConfigDict


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class TransferRow(_Row):
    id: int
    kind: str
    label: str | None
    received: str
    operator: str | None
    device: str | None
    sealed_at: str | None
    files: int


class CaseRow(_Row):
    id: int
    detainee: str | None
    branch: str | None
    forensic: str | None
    hospital: str | None
    photographed_on: str | None
    originals: int


class OriginalRow(_Row):
    file: str
    size: int
    case: int | None
    transfer: int
    received: str
    entry: int


class ExaminedRow(_Row):
    """One original's examination, as the report lists it."""

    file: str
    camera: str | None
    strongest: str
    departures: list[str]  # the findings that are not consistent, in words


class TimestampRow(_Row):
    token: str  # file names under custody/timestamps/
    checkpoint: str
    consistency: str


class EvidenceReport(_Row):
    """Everything the report says."""

    entry: int
    origin: str
    produced_at: str
    produced_by: str
    requested_by: str | None
    revealed: bool
    originals: int
    bytes: int
    size: int
    root: str
    vkey: str
    transfers: list[TransferRow]
    cases: list[CaseRow]
    listing: list[OriginalRow]
    timestamps: list[TimestampRow]
    examined: list[ExaminedRow] = []
    method: str = ""

    @property
    def bytes_text(self) -> str:
        """The payload's size for people."""
        return f"{self.bytes / 1e6:,.1f} MB" if self.bytes >= 1e5 else f"{self.bytes:,} bytes"


_ENVIRONMENT = Environment(loader=PackageLoader("caesar.exports", "templates"),
                           autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)


def render_html(report: EvidenceReport) -> str:
    """The report as a self-contained HTML page."""
    return _ENVIRONMENT.get_template("evidence-report.html.j2").render(package=report)


def load_pdf_renderer() -> None:
    """Import WeasyPrint ahead of :func:`render_pdf` (it loads Pango: a good half second)."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    # WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES, for every image of the process, when
    # it is imported: then a truncated original would decode without a word and never be
    # flagged by an analysis in this process or its workers.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    # WeasyPrint logs every CSS property it does not know at WARNING; none of ours matter.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def render_pdf(html: str) -> bytes:
    """The same page as a PDF (A4)."""
    load_pdf_renderer()
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
