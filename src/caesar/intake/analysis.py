"""Intake's second stage: what an original's content says, read back from the vault.

`ingest` first secures every file (hashed, encrypted, durable, catalogued, logged) at the speed
of reading the drive, and says when the drive may be unplugged; this stage then decrypts each
original not analysed yet and reads its media type, dimensions, EXIF/XMP, PDQ hash and flags,
and makes its thumbnail. It runs in the same command by default, or later with
`caesar analyse`, on this machine's processes or on Dask workers (`caesar.compute`).

Resumable: a photo is analysed when its row says so (`analysed_at`), written in the same
transaction as its flags and their custody-log entries; a crash loses at worst a batch in
flight, whose thumbnails (durable before their rows, named by their content) the next run
writes again under the same names. Nothing is analysed twice, nothing is left out.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from caesar import faults
from caesar.catalog.database import Catalog
from caesar.catalog.models import DocumentPage, Flag, Photo, Sighting, Transfer, VideoHash
from caesar.catalog.queries import not_analysed
from caesar.compute import Compute
from caesar.errors import CorruptObject, MissingObject
from caesar.intake.document import DocumentLimits, PageText, page_context
from caesar.intake.inspect import Inspection, inspect_file
from caesar.intake.signatures import NOT_IMAGE, FlagNote
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog
from caesar.media import OCTET_STREAM
from caesar.progress import ProgressCallback
from caesar.settings import IntakeSettings
from caesar.vault.fields import MAX_VALUE, FieldCipher
from caesar.vault.keys import Keys
from caesar.vault.objects import ObjectVault, VaultKeys
from caesar.vault.urls import open_store

ANALYSIS_POINT = faults.declare(
    "intake.analysis_transaction", "a batch of analysis results (rows, flags and their"
    " custody-log entries) is written in an open transaction, about to be committed")

_BATCH = 4  # originals a task analyses: few hand-overs, yet an even spread over the workers
_BATCH_SECONDS = 2.0


@dataclass(frozen=True)
class Analysed:
    """What a worker learned of one original; `problem` when it could not be read (it stays
    not analysed), `inspection` None when it is too large to decode (it keeps the media type
    its first bytes gave)."""

    sha256: str
    inspection: Inspection | None = None
    thumbnail_sha256: str | None = None
    problem: str | None = None


def analyse_batch(store_url: str, archive: Path, keys: VaultKeys, thumbnail_px: int,
                  limit_bytes: int, documents: DocumentLimits, batch: list[tuple[str, int]]
                  ) -> list[Analysed]:
    """Analyse a run of originals (SHA-256, size) of the store at `store_url` with the object
    keys alone, writing their thumbnails there; runs in a local process or on a Dask worker."""
    vault = ObjectVault(open_store(store_url, archive), keys)
    return [_analyse(vault, sha, size, thumbnail_px, limit_bytes, documents)
            for sha, size in batch]


def document_limits(settings: IntakeSettings) -> DocumentLimits:
    """How far documents are read, from the archive's intake settings."""
    return DocumentLimits(text_pages=settings.document_text_pages,
                          ocr_pages=settings.document_ocr_pages,
                          max_pages=settings.document_max_pages,
                          memory_mb=settings.document_memory_mb,
                          cpu_seconds=settings.document_cpu_seconds)


def _analyse(vault: ObjectVault, sha: str, size: int, thumbnail_px: int, limit_bytes: int,
             documents: DocumentLimits) -> Analysed:
    if size > limit_bytes:  # decoding it would hold too much plaintext in memory
        return Analysed(sha)
    try:
        data = vault.read_bytes("original", sha)
    except (MissingObject, CorruptObject, OSError) as exc:
        return Analysed(sha, problem=f"the original cannot be read from the store: {exc}")
    inspection = inspect_file(io.BytesIO(data), len(data), thumbnail_px=thumbnail_px,
                              documents=documents)
    del data
    thumbnail = None
    if inspection.thumbnail is not None:
        sealed = vault.seal_bytes(inspection.thumbnail)
        vault.commit("thumbnail", sealed)  # durable before the row that names it
        thumbnail, inspection.thumbnail = sealed.sha256, None  # no plaintext goes further
    return Analysed(sha, inspection, thumbnail)


class AnalysisFlag(BaseModel):
    """A finding of analysis on one sighting of an original (a transfer and its path)."""

    sha256: str
    transfer: int
    path: str
    kind: str
    problem: str


class AnalysisProblem(BaseModel):
    """An original that could not be analysed (it stays listed as not analysed)."""

    sha256: str
    problem: str


class AnalysisReport(BaseModel):
    """`caesar analyse --json`: what one run analysed, found, and left."""

    analysed: int = 0
    remaining: int = 0
    flagged: list[AnalysisFlag] = []
    problems: list[AnalysisProblem] = []

    @property
    def needs_attention(self) -> bool:
        """Whether `--strict` exits 1: anything flagged, or an original left not analysed."""
        return bool(self.flagged or self.problems or self.remaining)


class Analysis:
    """Analyses every original not analysed yet."""

    def __init__(self, *, catalog: Catalog, ledger: CustodyLog, keys: Keys, archive: Path,
                 store_url: str, settings: IntakeSettings) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._keys = keys
        self._archive = archive
        self._store_url = store_url
        self._settings = settings

    def analyse(self, *, actor: str, compute: Compute,
                progress: ProgressCallback | None = None) -> AnalysisReport:
        """Analyse what is not analysed yet, under the archive's write lock."""
        with self._ledger.writing():
            return self.analyse_held(actor=actor, compute=compute, progress=progress)

    def analyse_held(self, *, actor: str, compute: Compute,
                     progress: ProgressCallback | None = None) -> AnalysisReport:
        """:meth:`analyse`, for a caller that already holds the archive's write lock."""
        with self._catalog.reader() as session:
            todo = [(sha, size) for sha, size in session.execute(
                select(Photo.sha256, Photo.size).where(Photo.analysed_at.is_(None))
                .order_by(Photo.stored_at, Photo.sha256))]
        report = AnalysisReport()
        if progress:
            progress("start", len(todo), 0)
        # A worker elsewhere reads the store itself: a folder is named by its absolute path.
        where, keys = self._archive.absolute(), VaultKeys.of(self._keys)
        limit = self._settings.analyse_limit_mb * 1024 * 1024
        tasks = [(self._store_url, where, keys, self._settings.thumbnail_px, limit,
                  document_limits(self._settings),
                  todo[i:i + _BATCH]) for i in range(0, len(todo), _BATCH)]
        sizes = dict(todo)
        results = (result for batch in compute.map(analyse_batch, tasks) for result in batch)
        _Writer(self._catalog, self._ledger, FieldCipher(self._keys), actor,
                self._settings.commit_every, report).write(results, sizes, progress)
        with self._catalog.session() as session:
            report.remaining = not_analysed(session)
            self._ledger.checkpoint(session)
        return report


class _Writer:
    """Records analysis results in batches: each photo's row, its flags on every sighting,
    and their custody-log entries, in one transaction."""

    def __init__(self, catalog: Catalog, ledger: CustodyLog, cipher: FieldCipher, actor: str,
                 commit_every: int, report: AnalysisReport) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._cipher = cipher
        self._actor = actor
        self._commit_every = commit_every
        self._report = report
        self._events: list[Event] = []
        self._flagged: Counter[int] = Counter()

    def write(self, results: Iterable[Analysed], sizes: dict[str, int],
              progress: ProgressCallback | None) -> None:
        session = self._catalog.reader()
        try:
            session.begin()
            pending, last = 0, time.monotonic()
            for result in results:
                # One flush a batch, at its commit, not one before each photo's lookup.
                with session.no_autoflush:
                    self._record(session, result)
                if progress:
                    progress("advance", 1, sizes[result.sha256])
                pending += 1
                if pending >= self._commit_every or time.monotonic() - last > _BATCH_SECONDS:
                    self._commit(session)
                    session.begin()
                    pending, last = 0, time.monotonic()
            self._commit(session)
        finally:
            session.close()

    def _record(self, session: Session, result: Analysed) -> None:
        if result.problem is not None:
            self._report.problems.append(AnalysisProblem(sha256=result.sha256,
                                                         problem=result.problem))
            return
        photo = session.get_one(Photo, result.sha256)
        inspection = result.inspection
        notes: list[FlagNote] = []
        if inspection is not None:
            photo.media_type, photo.width, photo.height = (
                inspection.media_type, inspection.width, inspection.height)
            photo.camera_make, photo.camera_model, photo.camera_serial = (
                inspection.camera_make, inspection.camera_model, inspection.camera_serial)
            photo.captured_at, photo.exif = inspection.captured_at, inspection.exif
            photo.pdq, photo.pdq_quality = inspection.pdq, inspection.pdq_quality
            photo.has_thumbnail = result.thumbnail_sha256 is not None
            photo.thumbnail_sha256 = result.thumbnail_sha256
            if inspection.frames:  # a video's frame hashes (vPDQ); `--reread` replaces them
                session.merge(VideoHash(sha256=result.sha256, frames=[
                    [h.second, h.pdq, h.quality] for h in inspection.frames]))
            if inspection.texts is not None:
                self._store_texts(session, result.sha256, inspection.texts)
            notes = inspection.flags
        elif photo.media_type == OCTET_STREAM:  # too large to decode, and of no known type
            notes = [NOT_IMAGE]
        photo.analysed_at = datetime.now(UTC)
        self._report.analysed += 1
        if notes:
            self._flag(session, result.sha256, notes)

    def _store_texts(self, session: Session, sha: str, texts: list[PageText]) -> None:
        """A document's pages' text, sealed (it names people); a second reading replaces it."""
        session.execute(delete(DocumentPage).where(DocumentPage.sha256 == sha))
        for t in texts:
            # A page holds a few kilobytes of text; a sealed field holds at most MAX_VALUE.
            text = t.text.encode()[:MAX_VALUE].decode("utf-8", "ignore")
            session.add(DocumentPage(
                sha256=sha, page=t.page, source=t.source, confidence=t.confidence,
                text_sealed=self._cipher.seal(text, page_context(sha, t.page))))

    def _flag(self, session: Session, sha: str, notes: list[FlagNote]) -> None:
        # What the content shows is flagged on every sighting of it, as intake did when it
        # analysed as it stored; a bag's own tag files are records, never findings.
        sightings = session.execute(
            select(Sighting.transfer_id, Sighting.path)
            .where(Sighting.sha256 == sha, Sighting.tag_file.is_(False)).order_by(Sighting.id)
        ).all()
        for transfer_id, path in sightings:
            for note in notes:
                session.add(Flag(sha256=sha, transfer_id=transfer_id, path=path,
                                 kind=note.kind, problem=note.problem))
                self._events.append(Event(
                    type="original.flagged", time=datetime.now(UTC), actor=self._actor,
                    subject=Subject.original(sha), details={"kind": note.kind}))
                self._report.flagged.append(AnalysisFlag(
                    sha256=sha, transfer=transfer_id, path=path, kind=note.kind,
                    problem=note.problem))
                self._flagged[transfer_id] += 1

    def _commit(self, session: Session) -> None:
        for transfer_id, n in self._flagged.items():
            transfer = session.get_one(Transfer, transfer_id)
            transfer.counts = {**transfer.counts, "flagged": transfer.counts.get("flagged", 0) + n}
        self._flagged.clear()
        self._ledger.append(session, self._events)
        self._events = []
        faults.point(ANALYSIS_POINT)
        session.commit()
