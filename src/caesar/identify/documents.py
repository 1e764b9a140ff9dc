"""Documents' text (detention records, death certificates, release papers): read and searched.

Intake takes each PDF's text, from its own layer or by OCR, and seals it page by page
(:class:`caesar.catalog.models.DocumentPage`). Here an analyst reads one document's text or
searches every document for a name or a number. The text names people, so both are entries in
the custody log: reading names the document, a search names each document it showed a passage
of (the words searched for are not logged: they may be a family's name).

A search folds both sides as names are folded for matching (:mod:`caesar.identify.script`:
Arabic presentation forms, diacritics, hamza forms of alef, taa marbuta; Latin case and
accents) and digits to Western ones, so "أحمد" finds "احمد" and "١٢٣٤٥" finds "12345".
Folding a page costs far more than opening it (bench/documents.py), so each page is folded
once and kept in this process's memory, keyed by its sealed value (a page read again is
sealed anew, under a new nonce, and folded again); a search reads the sealed values and opens
only pages it has not seen. The memory holds what the web app shows anyway, and nothing of it
is written anywhere.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select

from caesar.cases.search import to_western
from caesar.catalog.database import Catalog
from caesar.catalog.models import DocumentPage, Photo
from caesar.errors import NotFound, UsageError
from caesar.identify.script import TRANSLITERATION, normalise_arabic
from caesar.intake.document import page_context, reads_as_document
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog
from caesar.vault.fields import NONCE, FieldCipher

SNIPPET = 60
"""Characters shown on each side of a word found (positions in the folded line, which keeps
about the length of the line as written)."""


class PageView(BaseModel):
    """One page's text and where it came from (``layer``: the PDF's own; ``ocr``: read)."""

    page: int
    source: str
    confidence: int | None
    text: str


class DocumentText(BaseModel):
    """`caesar documents text --json`: a document's text, page by page."""

    sha256: str
    pages: int | None
    pages_not_read: int | None
    text_pages: list[PageView]


class DocumentHit(BaseModel):
    """A passage found: which document and page, and the words around it."""

    sha256: str
    page: int
    source: str
    snippet: str


@dataclass(frozen=True)
class _Page:
    sha256: str
    page: int
    source: str
    confidence: int | None
    text: str


def fold(text: str) -> str:
    """`text` as a search compares it: names folded for their script (Arabic as
    :func:`~caesar.identify.script.normalise_arabic`, Latin as
    :func:`~caesar.identify.script.normalise_latin` folds a name), Western digits.

    The Latin fold is done on the whole text at once rather than by `normalise_latin`, which
    goes letter by letter to keep the letters a spelling table names (it keeps none here):
    four times slower on a page of text, the same result.
    """
    text = unicodedata.normalize("NFKD", normalise_arabic(to_western(text)).casefold())
    text = TRANSLITERATION.sub("", "".join(c for c in text if not unicodedata.combining(c)))
    return " ".join(text.split())


class DocumentTexts:
    """Reads and searches the text of the archive's documents, logging who saw what."""

    def __init__(self, catalog: Catalog, ledger: CustodyLog, cipher: FieldCipher,
                 clock: Callable[[], datetime]) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._cipher = cipher
        self._clock = clock
        # (document, page, the sealed value's version and nonce) -> (text, folded text)
        self._folded: dict[tuple[str, int, bytes], tuple[str, str]] = {}
        self._lock = threading.Lock()

    def text(self, sha256: str, actor: str) -> DocumentText:
        """One document's text, after the reading is logged."""
        sha = sha256.lower()
        with self._catalog.reader() as session:
            photo = session.get(Photo, sha)
            if photo is None:
                raise NotFound(f"No original with SHA-256 {sha256} in this archive.")
            if not reads_as_document(photo.media_type):
                raise UsageError(f"This original is {photo.media_type}, not a document.",
                                 hint="caesar documents list shows the documents.")
            document = (photo.exif or {}).get("Document", {})
        pages = self._pages(sha)
        self._log(actor, [sha], "text")
        return DocumentText(sha256=sha, pages=document.get("pages"),
                            pages_not_read=document.get("not_read"),
                            text_pages=[PageView(page=p.page, source=p.source,
                                                 confidence=p.confidence, text=p.text)
                                        for p in pages])

    def search(self, words: str, actor: str, *, limit: int = 100) -> list[DocumentHit]:
        """Passages of every document where all of `words` appear on one page, first page of
        the first document first; each document shown is logged."""
        wanted = fold(words).split()
        if not wanted:
            raise UsageError("Give a word or a number to look for.",
                             hint='caesar documents search "أحمد خليل"')
        hits = []
        for page, folded in self._all_folded():
            if all(w in folded for w in wanted):
                hits.append(DocumentHit(sha256=page.sha256, page=page.page,
                                        source=page.source,
                                        snippet=_snippet(page.text, wanted[0])))
                if len(hits) >= limit:
                    break
        if hits:
            self._log(actor, list(dict.fromkeys(h.sha256 for h in hits)), "search")
        return hits

    def _all_folded(self) -> list[tuple[_Page, str]]:
        """Every page with its folded text, in order, folding only pages not seen before."""
        with self._catalog.reader() as session:
            rows = session.execute(select(
                DocumentPage.sha256, DocumentPage.page, DocumentPage.source,
                DocumentPage.confidence, DocumentPage.text_sealed).order_by(
                DocumentPage.sha256, DocumentPage.page)).all()
        found, kept = [], {}
        with self._lock:
            for sha, number, source, confidence, sealed in rows:
                key = (sha, number, sealed[:1 + NONCE])
                if key not in self._folded:
                    text = self._cipher.open(sealed, page_context(sha, number))
                    self._folded[key] = (text, fold(text))
                kept[key] = self._folded[key]
                found.append((_Page(sha, number, source, confidence, kept[key][0]),
                              kept[key][1]))
            self._folded = kept  # pages gone or read again are forgotten
        return found

    def _pages(self, sha: str | None) -> list[_Page]:
        query = select(DocumentPage).order_by(DocumentPage.sha256, DocumentPage.page)
        if sha is not None:
            query = query.where(DocumentPage.sha256 == sha)
        with self._catalog.reader() as session:
            rows = session.scalars(query).all()
            return [_Page(r.sha256, r.page, r.source, r.confidence,
                          self._cipher.open(r.text_sealed, page_context(r.sha256, r.page)))
                    for r in rows]

    def _log(self, actor: str, shas: list[str], how: str) -> None:
        with self._ledger.writing(), self._catalog.session() as session:
            self._ledger.append_signed(session, [Event(
                type="document.read", time=self._clock(), actor=actor,
                subject=Subject.original(sha), details={"shown": how}) for sha in shas])


def _snippet(text: str, word: str) -> str:
    """The line of `text` (as written) where `word` is found, shortened around it."""
    line = next((line for line in text.splitlines() if word in fold(line)), text)
    line = " ".join(line.split())
    at = max(0, fold(line).find(word))
    start, end = max(0, at - SNIPPET), at + len(word) + SNIPPET
    return ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")
