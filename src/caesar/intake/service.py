"""`ingest`: find each source's hand-overs, secure every file in worker processes, record every
outcome, say that the drive may be unplugged, then analyse what came in (`analysis.py`).

Crash safety (docs/architecture.md, "Durability"): the workers write each new original's
object under a pending name; a batch of outcomes at a time, the main process makes the batch's
objects durable and renames them into place (`ObjectStore.commit_many`: one sync of the file
system for the bytes, one for the names), and only then commits the batch's rows and
custody-log entries in one transaction. A crash at any moment therefore leaves at worst
pending objects (swept by the next run), objects without a row (adopted by the next run, which
counts them as stored) and a transfer still marked `running` (marked `interrupted` by the next
run); never a row or an entry that names an object the disk may not hold.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from caesar import faults
from caesar.catalog.database import Catalog
from caesar.catalog.models import Base, Flag, Photo, Problem, Sighting, Skipped, Transfer
from caesar.catalog.queries import not_analysed
from caesar.compute import Compute
from caesar.errors import SourceError
from caesar.intake.handovers import COPY_FLAG_KINDS, Handover, not_sealed, plan
from caesar.intake.report import FlaggedEntry, IngestReport, SkippedReport, SourceProblem
from caesar.intake.signatures import FlagNote, misnamed
from caesar.intake.steps import (
    IN_MEMORY_LIMIT,
    Context,
    Item,
    process,
    process_data,
    process_stream,
)
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog
from caesar.media import OCTET_STREAM, named_as_image
from caesar.progress import ProgressCallback
from caesar.seal.errors import BundleError
from caesar.seal.reader import Bundle
from caesar.settings import IntakeSettings
from caesar.sources import FileEntry, SkippedEntry
from caesar.vault.keys import Keys
from caesar.vault.objects import ObjectVault, Sealed
from caesar.vault.urls import open_store

if TYPE_CHECKING:  # analysis loads the decoders (a second of start-up): only when it runs
    from caesar.intake.analysis import Analysis, AnalysisReport

_BATCH_SECONDS = 2.0
# Files a worker may run ahead of recording: enough to keep it busy while the main process
# commits a batch (two syncs of the file system, a transaction), a few tenths of a second.
# Each waits as a small result and a pending object, so memory stays flat.
_FILES_AHEAD = 64
# Plaintext from a sealed bundle waiting for, or in, the workers: bounds intake's memory.
_BUNDLE_BYTES_IN_FLIGHT = 96 * 1024 * 1024


ROW_POINT = faults.declare(
    "intake.object_durable", "a batch's new originals are durable under their names in the"
    " store and the batch's rows and custody-log entries are not committed yet")
COMMIT_POINT = faults.declare(
    "intake.transaction", "a batch of intake's rows and custody-log entries is written in an"
    " open transaction, about to be committed")
SECURED_POINT = faults.declare(
    "intake.secured", "every file of the command is secured (durable, catalogued, logged, the"
    " log signed) and the drive may be unplugged; analysis has not begun")

_worker: Context | None = None


def _init_worker(keys: Keys, store_url: str, archive: Path, settings: IntakeSettings,
                 known: frozenset[str]) -> None:
    global _worker
    _worker = Context(ObjectVault(open_store(store_url, archive), keys), settings, known)


def _run(path: str, location: str) -> Item:
    if _worker is None:
        raise RuntimeError("intake worker used before it was initialised")
    return process(path, location, _worker)


def _run_data(path: str, data: bytes) -> Item:
    if _worker is None:
        raise RuntimeError("intake worker used before it was initialised")
    return process_data(path, data, _worker)


@dataclass(frozen=True, kw_only=True)
class IngestRequest:
    """One `ingest` command: its sources, who handed them over, who runs it."""

    sources: Sequence[str]
    actor: str
    operator: str | None = None
    label: str | None = None
    # Analyse in this command (where `compute` says), or leave it to `caesar analyse`.
    analyse: bool = True
    compute: Compute | None = None


def now() -> datetime:
    """The current time in UTC (what the catalogue stores)."""
    return datetime.now(UTC)


class Intake:
    """Brings sources into the archive."""

    def __init__(self, *, catalog: Catalog, vault: ObjectVault, keys: Keys, archive: Path,
                 store_url: str, settings: IntakeSettings, ledger: CustodyLog,
                 analysis: Callable[[], Analysis]) -> None:
        """`analysis` makes the second stage's service, called only when this command
        analyses: its decoders are not loaded before the drive may be unplugged."""
        self._analysis = analysis
        self._catalog = catalog
        self._ledger = ledger
        self._vault = vault
        self._keys = keys
        self._archive = archive
        self._store_url = store_url
        self._settings = settings

    def ingest(self, request: IngestRequest, progress: ProgressCallback | None = None
               ) -> IngestReport:
        """Ingest every source of `request` (under the archive's write lock): secure every
        file, report `secured` (the drive may be unplugged), then analyse unless the request
        says later."""
        for source in request.sources:
            if not os.path.lexists(source):
                raise SourceError(
                    f"Source {source} does not exist.",
                    hint="Check the path and that the drive is mounted. Nothing was ingested.",
                )
        with self._ledger.writing():  # one ingest at a time, and no other writer meanwhile
            self._vault.store.clean_pending()
            with self._catalog.session() as session:
                running = session.scalars(
                    select(Transfer.id).where(Transfer.state == "running")).all()
                self._ledger.append(session, [
                    Event(type="transfer.interrupted", time=now(), actor=request.actor,
                          subject=Subject.record("transfer", transfer_id))
                    for transfer_id in running])
                session.execute(
                    update(Transfer).where(Transfer.state == "running").values(state="interrupted")
                )
                known = frozenset(session.scalars(select(Photo.sha256)))
            workers = self._settings.workers or os.cpu_count() or 1
            report = IngestReport()
            with ProcessPoolExecutor(
                max_workers=workers,
                initializer=_init_worker,
                initargs=(self._keys, self._store_url, self._archive, self._settings, known),
            ) as pool:
                recorder = _Recorder(self._catalog, self._ledger, self._vault, request.actor,
                                     known, report, self._settings.commit_every)
                # Files too large to pass to a worker in memory are preserved here, as they stream.
                local = Context(self._vault, self._settings, known)
                for source in request.sources:
                    for handover in plan(source, self._keys.age_identity):
                        if progress:
                            progress("start", handover.total, 0)
                        transfer_id = recorder.open_transfer(handover, request)
                        for entry, item in _outcomes(pool, handover, local, workers):
                            recorder.record(handover, transfer_id, entry, item)
                            if progress:
                                progress("advance", 1, item.size if item else 0)
                        recorder.close_transfer(transfer_id, handover)
            with self._catalog.session() as session:
                self._ledger.checkpoint(session)
            report.secured_at = now()
            if progress:
                if report.skipped:  # not secured: whoever unplugs the drive must know
                    progress("not_secured", len(report.skipped), 0)
                progress("secured", report.stored + report.duplicates, 0)
            faults.point(SECURED_POINT)
            if request.analyse:
                analysed = self._analysis().analyse_held(
                    actor=request.actor, compute=request.compute or Compute(workers=workers),
                    progress=progress)
                recorder.add_findings(analysed)
            with self._catalog.reader() as session:
                report.not_analysed = not_analysed(session)
            return report


def _outcomes(pool: ProcessPoolExecutor, handover: Handover, local: Context, workers: int
              ) -> Iterable[tuple[FileEntry | SkippedEntry, Item | None]]:
    """Every entry of a hand-over with what the pipeline made of it, in order.

    A sealed bundle was authenticated when it was planned; should its second pass still fail
    (the drive changed under us), it is reported and its part files are kept instead.
    """
    bundle = handover.bundle
    if bundle is not None:
        try:
            yield from _members(pool, bundle, local, workers * 8)
            yield from ((entry, None) for entry in not_sealed(bundle))
            return
        except BundleError as exc:
            handover.fail_bundle(exc, bundle.ref)
    yield from _ordered(pool, handover.entries, window=workers * _FILES_AHEAD)


def _members(pool: ProcessPoolExecutor, bundle: Bundle, local: Context, window: int
             ) -> Iterable[tuple[FileEntry, Item]]:
    """A bundle's files in order, analysed in the workers, with bounded plaintext in flight."""
    pending: deque[tuple[FileEntry, Future[Item], int]] = deque()
    in_flight = 0
    for member in bundle.members():
        entry = FileEntry(member.path, "")
        if member.size > IN_MEMORY_LIMIT:
            while pending:
                head, fut, _ = pending.popleft()
                yield head, fut.result()
            in_flight = 0
            yield entry, process_stream(member.path, member.stream, member.size, local)
            continue
        data = member.stream.read(member.size)
        pending.append((entry, pool.submit(_run_data, member.path, data), len(data)))
        in_flight += len(data)
        del data
        while pending and (len(pending) > window or in_flight > _BUNDLE_BYTES_IN_FLIGHT):
            head, fut, size = pending.popleft()
            in_flight -= size
            yield head, fut.result()
    while pending:
        head, fut, _ = pending.popleft()
        yield head, fut.result()


def _ordered(pool: ProcessPoolExecutor, entries: Iterable[FileEntry | SkippedEntry],
             window: int) -> Iterable[tuple[FileEntry | SkippedEntry, Item | None]]:
    """Results in walk order, with at most `window` files in flight (memory stays flat)."""
    pending: deque[tuple[FileEntry | SkippedEntry, Future[Item] | None]] = deque()
    for entry in entries:
        future = pool.submit(_run, entry.path, entry.location) if isinstance(
            entry, FileEntry) else None
        pending.append((entry, future))
        while len(pending) > window:
            head, fut = pending.popleft()
            yield head, fut.result() if fut else None
    while pending:
        head, fut = pending.popleft()
        yield head, fut.result() if fut else None


class _Recorder:
    """Writes outcomes to the catalogue in batches and keeps the report.

    Each outcome's custody-log entries are appended in the same transaction as its rows, and
    the batch's new objects are made durable under their names before that transaction
    commits.
    """

    def __init__(self, catalog: Catalog, ledger: CustodyLog, vault: ObjectVault, actor: str,
                 known: frozenset[str], report: IngestReport, commit_every: int) -> None:
        self._catalog = catalog
        self._vault = vault
        self._new: list[Sealed] = []  # this batch's new originals, still pending
        # This batch's rows, a list a table, in the order their foreign keys need.
        self._rows: dict[type[Base], list[dict[str, object]]] = {
            table: [] for table in (Photo, Sighting, Flag, Skipped)}
        self._commit_every = commit_every
        self._ledger = ledger
        self._actor = actor
        self._events: list[Event] = []
        self._known = known
        self._report = report
        # Flags of every original met in this run: also tells a repeat within the run.
        self._met: dict[str, list[FlagNote]] = {}
        self._session: Session | None = None
        self._pending = 0
        self._last_commit = time.monotonic()
        self._counts: dict[str, int] = {}
        # Where each file of this run came in (its transfer and path), in walk order, and the
        # order of each flagged entry: analysis's findings are put back in that order.
        self._order: dict[tuple[int, str], int] = {}
        self._flag_order: list[tuple[int, int]] = []
        self._sources: dict[int, str] = {}

    def open_transfer(self, handover: Handover, request: IngestRequest) -> int:
        with self._catalog.session() as session:
            transfer = Transfer(
                state="running",
                kind=handover.kind,
                source=handover.source,
                label=request.label,
                operator=request.operator,
                actor=request.actor,
                device_label=handover.device_label,
                started_at=now(),
                counts={},
                info=handover.info,
            )
            session.add(transfer)
            session.flush()
            transfer_id = transfer.id
            details: dict[str, str | int] = {"kind": transfer.kind}
            if handover.sealed_at is not None:
                details["sealed_at"] = int(handover.sealed_at.timestamp())
            people = {"operator": request.operator} if request.operator else {}
            if handover.device_label:
                people["device"] = handover.device_label
            self._ledger.append(session, [Event(
                type="transfer.received", time=transfer.started_at, actor=request.actor,
                subject=Subject.record("transfer", transfer_id), details=details,
                people=people)])
        self._report.transfers.append(transfer_id)
        self._sources[transfer_id] = handover.source
        self._counts = dict.fromkeys(
            ("files_seen", "stored", "duplicates", "skipped", "flagged", "bytes"), 0
        )
        if handover.kind == "bag":
            self._counts["tag_files"] = 0
        self._session = self._catalog.reader()
        self._session.begin()
        return transfer_id

    def _count(self, key: str, n: int = 1) -> None:
        self._counts[key] += n

    def _log(self, event_type: str, sha: str, **details: str) -> None:
        self._events.append(Event(type=event_type, time=now(), actor=self._actor,
                                  subject=Subject.original(sha), details=details))

    def record(self, handover: Handover, transfer_id: int, entry: FileEntry | SkippedEntry,
               item: Item | None) -> None:
        source = handover.source
        session = self._session
        if session is None:
            raise RuntimeError("record() outside a transfer")
        self._count("files_seen")
        reason = entry.reason if isinstance(entry, SkippedEntry) else (
            item.skipped if item else "not processed")
        if reason is not None or item is None or item.original is None:
            reason = reason or "not processed"
            self._add(Skipped, transfer_id=transfer_id, path=entry.path, reason=reason)
            self._report.skipped.append(SkippedReport(source=source, path=entry.path,
                                                      reason=reason))
            self._count("skipped")
        else:
            sha = item.original.sha256
            self._order[transfer_id, entry.path] = seq = len(self._order)
            self._count("bytes", item.size)
            tag_file = handover.is_tag_file(entry.path)
            if item.known or sha in self._met:
                outcome = "duplicate"
                if not item.known:  # a repeat within this run: its copy is not needed
                    self._vault.discard(item.original)
                notes = self._met.get(sha) or self._stored_flags(session, sha)
            else:
                notes = self._store_new(transfer_id, item)
                self._new.append(item.original)
                outcome = "stored"
            # What is wrong with this copy (not with the content) is flagged on this sighting.
            copy_notes = handover.notes_for(entry.path, sha)
            if named_as_image(entry.path):
                named = misnamed(entry.path, self._media_type(session, item, sha))
                copy_notes += [named] if named else []
            if tag_file:  # the bag's own records: what they hold is no finding
                notes = copy_notes = []
                self._count("tag_files")
            self._report.stored += outcome == "stored"
            self._report.duplicates += outcome == "duplicate"
            self._count("stored" if outcome == "stored" else "duplicates")
            self._add(Sighting, transfer_id=transfer_id, sha256=sha, path=entry.path,
                      outcome=outcome, tag_file=tag_file)
            self._log(f"original.{outcome}", sha)
            for note in [*notes, *copy_notes]:
                self._log("original.flagged", sha, kind=note.kind)
                if outcome == "duplicate" or note in copy_notes:
                    self._add(Flag, sha256=sha, transfer_id=transfer_id, path=entry.path,
                              kind=note.kind, problem=note.problem)
                self._report.flagged.append(FlaggedEntry(
                    source=source, path=entry.path, sha256=sha, kind=note.kind,
                    problem=note.problem))
                self._flag_order.append((seq, 1))
                self._count("flagged")
        self._report.files_seen += 1
        self._pending += 1
        if (self._pending >= self._commit_every
                or time.monotonic() - self._last_commit > _BATCH_SECONDS):
            self._commit()

    def _add(self, table: type[Base], **row: object) -> None:
        self._rows[table].append(row)

    def _media_type(self, session: Session, item: Item, sha: str) -> str:
        if item.media_type is not None:
            return item.media_type
        return session.get_one(Photo, sha).media_type  # known before: never sniffed again

    def _stored_flags(self, session: Session, sha: str) -> list[FlagNote]:
        # Flags of the content: not those of one copy (a bad checksum, a misleading name;
        # `not_image` is the content's only where no known type matched it).
        rows = session.execute(
            select(Flag.kind, Flag.problem).join(Photo, Photo.sha256 == Flag.sha256)
            .where(Flag.sha256 == sha, Flag.kind.not_in(COPY_FLAG_KINDS),
                   or_(Flag.kind != "not_image", Photo.media_type == OCTET_STREAM)).distinct()
        ).all()
        notes = [FlagNote(kind, problem) for kind, problem in rows]
        self._met[sha] = notes
        return notes

    def _store_new(self, transfer_id: int, item: Item) -> list[FlagNote]:
        """The row of a new original, secured and not analysed yet: what its content shows
        (and its flags) comes from analysis, on every sighting it has by then."""
        original = item.original
        if original is None or item.media_type is None:
            raise RuntimeError("an item reached recording without its original")
        self._add(Photo, sha256=original.sha256, size=original.size,
                  media_type=item.media_type, first_transfer_id=transfer_id, stored_at=now(),
                  analysed_at=None)
        self._met[original.sha256] = []
        return []

    def add_findings(self, analysed: AnalysisReport) -> None:
        """Put analysis's flags on this run's sightings into the report, each in walk order
        before what was flagged on the same copy when it was secured (as one pass did)."""
        self._report.analysed = analysed.analysed
        found = [(self._order[f.transfer, f.path], f) for f in analysed.flagged
                 if (f.transfer, f.path) in self._order]
        entries = [*zip(self._flag_order, self._report.flagged, strict=True),
                   *(((seq, 0), FlaggedEntry(source=self._sources[f.transfer], path=f.path,
                                            sha256=f.sha256, kind=f.kind, problem=f.problem))
                     for seq, f in found)]
        entries.sort(key=lambda pair: pair[0])
        self._report.flagged = [entry for _, entry in entries]

    def _commit(self) -> None:
        if self._session is not None:
            self._write_batch(self._session)
            self._session.begin()
        self._pending = 0
        self._last_commit = time.monotonic()

    def _write_batch(self, session: Session) -> None:
        """Commit the batch: its objects durable under their names first, then its rows and
        custody-log entries in one transaction (what a crash may leave: the module's doc)."""
        self._vault.commit_many("original", self._new)
        self._new = []
        faults.point(ROW_POINT)
        for table, rows in self._rows.items():
            if rows:  # one statement a table, not the ORM's work for each object
                session.execute(insert(table), rows)
                rows.clear()
        self._ledger.append(session, self._events)
        self._events = []
        faults.point(COMMIT_POINT)
        session.commit()

    def close_transfer(self, transfer_id: int, handover: Handover) -> None:
        session = self._session
        if session is None:
            return
        for kind, problem in handover.problems:
            session.add(Problem(transfer_id=transfer_id, kind=kind, problem=problem))
            self._report.problems.append(SourceProblem(source=handover.source, kind=kind,
                                                       problem=problem))
            self._events.append(Event(type="transfer.problem", time=now(), actor=self._actor,
                                      subject=Subject.record("transfer", transfer_id),
                                      details={"kind": kind}))
        transfer = session.get(Transfer, transfer_id)
        if transfer is not None:
            # A bundle that could not be opened was kept, not taken in: the hand-over failed.
            transfer.state = "failed" if handover.damage is not None else "complete"
            transfer.finished_at = finished = now()
            transfer.counts = dict(self._counts)
            # Counts of files only: a byte total could help recognise a drive.
            self._events.append(Event(
                type="transfer.completed", time=finished, actor=self._actor,
                subject=Subject.record("transfer", transfer_id),
                details={k: v for k, v in self._counts.items() if k != "bytes"}))
        self._write_batch(session)
        session.close()
        self._session = None
