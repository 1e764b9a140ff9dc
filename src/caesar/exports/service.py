"""Everything that leaves the archive, behind one service that the CLI and the web share.

Each export is two steps: a :class:`~caesar.exports.views.Plan` that says what the export
will contain (shown to the person, who confirms), then the export itself, which holds the
archive's write lock, builds the package in a hidden folder beside ``--out``
(:func:`caesar.exports.folder.staged`), records it in the custody log and renames it into
place. Exports asked for through the web go through
:class:`~caesar.exports.requests.ExportRequests`.
"""

from __future__ import annotations

import importlib.resources
import multiprocessing
import os
import secrets
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from caesar.cases.service import CaseService
from caesar.catalog.custody import CustodyCheckpoint, CustodyCommitment, CustodyTimestamp
from caesar.catalog.database import Catalog
from caesar.catalog.exports import ExhibitItem, ExportRecord
from caesar.catalog.models import Sighting, Transfer
from caesar.catalog.queries import PhotoView, Queries, refuse_not_analysed
from caesar.errors import NotFound
from caesar.exports import data as data_export
from caesar.exports import evidence, folder, marks, plan_words, selection, stats
from caesar.exports.dataset import DataSet
from caesar.exports.evidence import BagWriter, People
from caesar.exports.report import (
    CaseRow,
    EvidenceReport,
    ExaminedRow,
    OriginalRow,
    TimestampRow,
    TransferRow,
    load_pdf_renderer,
    render_html,
    render_pdf,
)
from caesar.exports.views import (
    DataOptions,
    EvidenceOptions,
    ExhibitOptions,
    ExportKind,
    ExportResult,
    MarkView,
    Plan,
    Resolution,
    Selection,
)
from caesar.forensics.findings import METHOD_VERSION
from caesar.forensics.service import ExaminationService
from caesar.identify.service import IdentifyService
from caesar.identify.wording import Phrase
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog
from caesar.vault.fields import FieldCipher
from caesar.vault.keys import Keys
from caesar.vault.objects import ObjectVault

if TYPE_CHECKING:
    from caesar.exports.exhibit import Job, Rendered

Item = tuple[str, str, str, int | None]  # exhibit id, file, original, case


def _now() -> datetime:
    return datetime.now(UTC)


def _plan(*, kind: ExportKind, words: list[Phrase], originals: tuple[str, ...] = (),
          cases: tuple[int, ...] = (), left_out: dict[str, int] | None = None,
          bytes: int = 0) -> Plan:
    """A plan whose English summary is its phrases said in English (what the command line
    prints and `--json` carries, as it always was)."""
    return Plan(kind=kind, summary=[str(p) for p in words], words=words, originals=originals,
                cases=cases, left_out=left_out or {}, bytes=bytes)


class ExportService:
    """Evidence packages, exhibition sets, data exports, statistics, marks and exhibit ids."""

    def __init__(self, *, catalog: Catalog, ledger: CustodyLog, keys: Keys, vault: ObjectVault,
                 cases: CaseService, identify: IdentifyService, examination: ExaminationService,
                 archive: Path, store: Path | None, workers: int | None = None) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._vault = vault
        self._cases = cases
        self._identify = identify
        self._examiner = examination
        self._queries = Queries(catalog)
        self._fields = FieldCipher(keys)
        self._archive = archive
        self._store = store
        self._workers = workers or os.cpu_count() or 1

    def _staged(self, out: Path) -> AbstractContextManager[Path]:
        return folder.staged(out, archive=self._archive, store=self._store)

    def check_out(self, out: Path) -> None:
        """Refuse an `--out` folder before anything is asked or read."""
        folder.prepare(out, archive=self._archive, store=self._store)

    # -- evidence packages ---------------------------------------------------------------

    def plan_evidence(self, chosen: Selection, options: EvidenceOptions) -> Plan:
        """What an evidence package of `chosen` will hold."""
        with self._catalog.reader() as session:
            found = selection.resolve(session, chosen, copies=True)
            # Each original's metadata file holds what analysis read: it waits for it.
            refuse_not_analysed(session, found.originals, "an evidence package")
            transfers = session.scalars(select(Transfer.id).where(Transfer.id.in_(
                select(Sighting.transfer_id).where(
                    Sighting.sha256.in_(found.originals))))).all()
        return _plan(kind="evidence", originals=found.originals, cases=found.cases,
                     bytes=found.bytes, words=plan_words.evidence_words(
                         originals=len(found.originals), size=found.bytes,
                         cases=len(found.cases), transfers=len(transfers), options=options))

    def evidence(self, plan: Plan, out: Path, actor: str, options: EvidenceOptions
                 ) -> ExportResult:
        """Write the evidence package of `plan` into `out`; the custody log records it."""
        people = People(self._ledger.pseudonym, reveal=options.reveal_operators)
        # The PDF takes seconds of layout: another process loads WeasyPrint while this one
        # records the export, then lays the report out while this one decrypts the originals.
        with self._ledger.writing(), self._staged(out) as stage, ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("forkserver"),
                initializer=load_pdf_renderer) as pdf_maker:
            bag = BagWriter(stage)
            photos = self._queries.photos_of(plan.originals)
            record_id, entry = self._record(
                "evidence", actor, options.requested_by,
                counts={"originals": len(photos), "cases": len(plan.cases)},
                asked={"originals": list(plan.originals), "cases": list(plan.cases),
                       "reveal_operators": options.reveal_operators},
                details={"originals": len(photos), "cases": len(plan.cases),
                         "revealed": options.reveal_operators})
            try:
                report = self._evidence_documents(bag, photos, plan, people, entry, actor,
                                                  options)
                html = render_html(report)
                pdf = pdf_maker.submit(render_pdf, html)
                for photo in photos:
                    bag.original(photo.sha256, photo.media_type,
                                 self._vault.read("original", photo.sha256))
                bag.tag("verification-report.pdf", pdf.result())
                bag.tag("verification-report.html", html.encode())
                bag.tag("verify_inclusion.py", importlib.resources.files("caesar.ledger")
                        .joinpath("verify_inclusion.py").read_bytes())
                bag.finish({
                    "External-Description": f"Evidence package of {len(photos)} originals"
                    f" from the custody log {report.origin}; see verification-report.pdf",
                    "External-Identifier": f"{report.origin}/entry/{entry}",
                    "Caesar-Export-Entry": str(entry),
                    "Caesar-Checkpoint-Size": str(report.size),
                    **({"Requested-By": options.requested_by} if options.requested_by else {}),
                })
                evidence.validate(stage)
            except BaseException:
                self._failed(record_id, actor)
                raise
        return ExportResult(export=record_id, kind="evidence", out=str(out), entry=entry,
                            files=len(bag.payload) + len(bag.tags) + 1,
                            bytes=bag.payload_bytes, counts={"originals": len(photos),
                                                             "cases": len(plan.cases)})

    def _evidence_documents(self, bag: BagWriter, photos: list[PhotoView], plan: Plan,
                            people: People, entry: int, actor: str, options: EvidenceOptions
                            ) -> EvidenceReport:
        """Every document and custody file of the package; returns what the report says."""
        proofs = self._ledger.inclusions([p.sha256 for p in photos])
        size, note = proofs[0].size, proofs[0].checkpoint
        transfer_ids = sorted({s.transfer for p in photos for s in p.sightings})
        transfers = {t: self._queries.transfer(t) for t in transfer_ids}
        cases = {c: self._cases.show(c) for c in plan.cases}
        roles = {sha: (c.id, role) for c in cases.values() for sha, role in c.roles.items()}
        with self._catalog.reader() as session:
            case_of = selection.resolve(session, Selection(photos=plan.originals),
                                        copies=False).case_of
        listing = []
        custody = []
        for photo, proof in zip(photos, proofs, strict=True):
            file = evidence.original_path(photo.sha256, photo.media_type)
            case_id, role = roles.get(photo.sha256, (case_of.get(photo.sha256), None))
            bag.document(f"data/metadata/{photo.sha256}.json", evidence.photo_document(
                photo, file=file, case=case_id, role=role, transfers=transfers,
                entry=proof.index))
            custody.append({"sha256": photo.sha256, "salt": proof.salt, "index": proof.index,
                            "leaf": proof.leaf, "proof": proof.proof, "checkpoint": note,
                            "size": size, "file": file})
            first = photo.sightings[0].transfer
            listing.append(OriginalRow(file=file, size=photo.size, case=case_id,
                                       transfer=first, received=transfers[first].started_at
                                       .strftime("%Y-%m-%d %H:%M"), entry=proof.index))
        for case_id, case in cases.items():
            bag.document(f"data/cases/{case_id}.json", people.case(case))
        for transfer_id, transfer in transfers.items():
            bag.document(f"data/transfers/{transfer_id}.json", people.transfer(transfer))
        state = self._ledger.state()
        bag.tag("custody/proofs.json", evidence.json_bytes(custody))
        bag.tag("custody/checkpoint.txt", note.encode())
        bag.tag("custody/vkey.txt", f"{state.vkey}\n".encode())
        bag.tag("custody/export-entry.json", evidence.json_bytes(self._entry_proof(entry)))
        stamps = self._timestamps(bag, size)
        examined = self._examination(bag, photos, actor)
        origin = note.split("\n", 1)[0]
        return EvidenceReport(
            entry=entry, origin=origin, produced_at=_now().strftime("%Y-%m-%d %H:%M UTC"),
            produced_by=people.name(actor) or actor, requested_by=options.requested_by,
            revealed=options.reveal_operators, originals=len(photos),
            bytes=sum(p.size for p in photos), size=size, root=state.root,
            vkey=state.vkey or "", timestamps=stamps,
            transfers=[TransferRow(
                id=t.id, kind=t.kind, label=t.source_label, operator=people.name(t.operator),
                received=t.started_at.strftime("%Y-%m-%d %H:%M UTC"),
                device=people.name(t.info.get("device_label")),
                sealed_at=t.info.get("sealed_at"), files=int(t.counts.get("files_seen", 0)))
                for t in transfers.values()],
            cases=[CaseRow(id=c.id, detainee=c.numbers.detainee, branch=c.numbers.branch,
                           forensic=c.numbers.forensic, hospital=c.hospital,
                           photographed_on=c.photographed_on.isoformat()
                           if c.photographed_on else None,
                           originals=sum(1 for r in listing if r.case == c.id))
                   for c in cases.values()],
            listing=listing, examined=examined, method=METHOD_VERSION)

    def _examination(self, bag: BagWriter, photos: list[PhotoView], actor: str
                     ) -> list[ExaminedRow]:
        """``examination/``: each original's findings and facts, and what reproduces them."""
        documents = self._examiner.documents([p.sha256 for p in photos], actor)
        rows = []
        for photo in photos:
            document = documents.get(photo.sha256)
            if document is None:
                continue
            bag.tag(f"examination/{photo.sha256}.json", evidence.json_bytes(document))
            exam = document["examination"]
            departures = [f["summary"] for f in exam["findings"] if f["strength"] != "consistent"]
            departures += [f"Not examined: {why}" for why in exam["not_examined"]]
            rows.append(ExaminedRow(
                file=evidence.original_path(photo.sha256, photo.media_type),
                camera=exam.get("camera"), strongest=exam["strongest"], departures=departures))
        forensics = importlib.resources.files("caesar.forensics")
        for script in ("reproduce.py", "jpeg.py", "tables.py"):
            bag.tag(f"examination/{script}", forensics.joinpath(script).read_bytes())
        return rows

    def _entry_proof(self, entry: int) -> dict[str, object]:
        """The export's own entry, its proof, and what opens its commitment."""
        proof = self._ledger.inclusion(index=entry)
        with self._catalog.reader() as session:
            opening = session.get_one(CustodyCommitment, entry)
        return {**proof.model_dump(exclude={"subject_sha256"}), "salt": opening.salt.hex(),
                "subject": f"{opening.subject_kind}:{opening.subject}"}

    def _timestamps(self, bag: BagWriter, size: int) -> list[TimestampRow]:
        """Every RFC 3161 token, its checkpoint, and a consistency proof to the package's."""
        with self._catalog.reader() as session:
            rows = session.execute(select(CustodyTimestamp.token, CustodyCheckpoint.size,
                                          CustodyCheckpoint.note)
                                   .join(CustodyCheckpoint,
                                         CustodyCheckpoint.id == CustodyTimestamp.checkpoint_id)
                                   .order_by(CustodyTimestamp.id)).all()
        stamps = []
        for number, (token, stamped, note) in enumerate(rows, start=1):
            names = TimestampRow(token=f"token-{number}.tsr",
                                 checkpoint=f"checkpoint-{stamped}.txt",
                                 consistency=f"consistency-{stamped}.json")
            bag.tag(f"custody/timestamps/{names.token}", token)
            bag.tag(f"custody/timestamps/{names.checkpoint}", note.encode())
            bag.tag(f"custody/timestamps/{names.consistency}", evidence.json_bytes(
                self._ledger.consistency(stamped, size).model_dump(by_alias=True)))
            stamps.append(names)
        return stamps

    # -- exhibition sets -----------------------------------------------------------------

    def plan_exhibit(self, chosen: Selection, options: ExhibitOptions) -> Plan:
        """What an exhibition set of `chosen` will hold, and what it leaves out."""
        with self._catalog.reader() as session:
            found = selection.resolve(session, chosen, copies=False)
            refuse_not_analysed(session, found.originals, "an exhibition set")
            closed = selection.restricted(session, found.originals)
            broken = selection.undecodable(session, found.originals) - closed
        kept = tuple(s for s in found.originals if s not in closed and s not in broken)
        return _plan(kind="exhibit", originals=kept, cases=found.cases,
                     left_out={"restricted": len(closed), "not_an_image": len(broken)},
                     words=plan_words.exhibit_words(kept=len(kept), restricted=len(closed),
                                                    broken=len(broken), options=options))

    def exhibit(self, plan: Plan, out: Path, actor: str, options: ExhibitOptions
                ) -> ExportResult:
        """Write the exhibition set of `plan` into `out`; the custody log records it."""
        from caesar.exports import exhibit as render  # OpenCV and the detector: only here

        with self._ledger.writing(), self._staged(out) as stage:
            with self._catalog.reader() as session:
                # Marked restricted since the plan was made: still never shown.
                closed = selection.restricted(session, plan.originals)
                case_of = selection.resolve(session, Selection(photos=plan.originals),
                                            copies=False).case_of
            originals = [s for s in plan.originals if s not in closed]
            regions = {sha: m.regions for sha, m in marks.marks(self._catalog, originals).items()}
            shown = set(case_of.values())
            facts = {c.id: render.CaseFacts(c.hospital, c.photographed_on, c.numbers.branch)
                     for c in self._cases.cases() if c.id in shown}
            ids = {sha: f"EX-{secrets.token_hex(5).upper()}" for sha in originals}
            captions = {sha: render.captions(ids[sha], facts.get(case_of.get(sha, 0)),
                                             options.caption_langs) for sha in originals}
            jobs = (render.Job(content=self._vault.read_bytes("original", sha),
                               regions=tuple(regions.get(sha, [])), captions=captions[sha],
                               options=options) for sha in originals)
            items: list[Item] = []
            mapping: list[dict[str, str]] = []
            written = faces = blurred = failed = 0
            for sha, result in zip(originals, self._render_all(jobs, options), strict=True):
                if result.jpeg is None:
                    failed += 1
                    continue
                name = f"{secrets.token_hex(8)}.jpg"
                (stage / name).write_bytes(result.jpeg)
                written += len(result.jpeg)
                faces += result.faces
                blurred += result.regions
                items.append((ids[sha], name, sha, case_of.get(sha)))
                mapping.append({"file": name, "exhibit_id": ids[sha],
                                **{f"caption_{lang}": text for lang, text in captions[sha]}})
            (stage / "mapping.json").write_bytes(evidence.json_bytes(
                sorted(mapping, key=lambda m: m["file"])))
            counts = {"images": len(items), "faces": faces, "regions": blurred,
                      "restricted": len(closed) + plan.left_out.get("restricted", 0),
                      "undecodable": failed + plan.left_out.get("not_an_image", 0)}
            record_id, entry = self._record(
                "exhibit", actor, None, counts=counts,
                asked={"originals": originals, "options": options.model_dump(mode="json")},
                details={**counts, "grayscale": options.grayscale},
                items=items)
        return ExportResult(export=record_id, kind="exhibit", out=str(out), entry=entry,
                            files=len(items) + 1, bytes=written, counts=counts)

    def _render_all(self, jobs: Iterable[Job], options: ExhibitOptions) -> Iterator[Rendered]:
        """Render in worker processes, at most two jobs per worker in flight (memory stays
        flat), results in order."""
        from caesar.exports import exhibit as render
        from caesar.exports.faces import FaceDetector

        if options.blur_faces:
            FaceDetector()  # a missing detector is said here, not as a broken pool
        # Not forked: OpenCV's thread pools do not survive a fork.
        with ProcessPoolExecutor(max_workers=self._workers, initializer=render.init_worker,
                                 initargs=(options.blur_faces,),
                                 mp_context=multiprocessing.get_context("forkserver")) as pool:
            flight: deque[Future[Rendered]] = deque()
            for job in jobs:
                flight.append(pool.submit(render.render, job))
                if len(flight) >= 2 * self._workers:
                    yield flight.popleft().result()
            while flight:
                yield flight.popleft().result()

    def resolve(self, exhibit_id: str, actor: str) -> Resolution:
        """The original an exhibit id stands for (archive staff only); the look-up is logged."""
        key = exhibit_id.strip().upper()
        with self._ledger.writing(), self._catalog.session() as session:
            item = session.get(ExhibitItem, key)
            if item is None:
                raise NotFound(f"No exhibit {exhibit_id} was exported from this archive.",
                               hint="Exhibit ids look like EX-3F9A6C0E5B; see mapping.json.")
            record = session.get_one(ExportRecord, item.export_id)
            sha = self._fields.open(item.original, f"exhibit_items.original:{key}")
            self._ledger.append_signed(session, [Event(
                type="export.resolved", time=_now(), actor=actor,
                subject=Subject.record("export", record.id))])
            return Resolution(exhibit_id=key, sha256=sha, case=item.case_id, export=record.id,
                              exported_at=record.created_at, file=item.file)

    def mark(self, sha256: str, actor: str, *, regions: list[marks.Region],
             restricted: bool | None, clear_regions: bool) -> MarkView:
        """Mark regions to blur on an original, or restrict it (see :mod:`caesar.exports.marks`)."""
        with self._ledger.writing():
            return marks.mark(self._catalog, self._ledger, sha256, actor, regions=regions,
                              restricted=restricted, clear_regions=clear_regions)

    # -- data and statistics -------------------------------------------------------------

    def plan_data(self, options: DataOptions) -> Plan:
        """What a data export will hold."""
        counts = data_export.counts(self._dataset(None))
        return _plan(kind="data", words=plan_words.data_words(
            format=options.format, cases=counts["cases"], statistics=counts["statistics"],
            reports=counts["reports"], matches=counts["matches"]))

    def data(self, plan: Plan, out: Path, actor: str, options: DataOptions) -> ExportResult:
        """Write the data export into `out`; the custody log records it."""
        with self._ledger.writing(), self._staged(out) as stage:
            dataset = self._dataset(actor)
            made = data_export.write(dataset, options.format, stage)
            counts = data_export.counts(dataset)
            record_id, entry = self._record(
                "data", actor, None, counts=counts,
                asked={"format": options.format},
                details={"format": options.format, **counts})
        return ExportResult(export=record_id, kind="data", out=str(out), entry=entry,
                            files=len(made), bytes=sum(p.stat().st_size for p in
                                                        (out / m.name for m in made)),
                            counts=counts)

    def _dataset(self, actor: str | None) -> DataSet:
        """What a data export holds; `actor` hands the reports over (None: only to plan)."""
        reports = self._identify.partner_reports(actor or "", hand_over=actor is not None)
        shared = {r.id for r in reports}
        # Only identifications two reviewers confirmed, and only for reports the families
        # agreed to share: a candidate is not a finding, and must not reach a partner as one.
        matches = [m for m in self._identify.matches("confirmed") if m.report in shared]
        return DataSet(cases=self._cases.cases(), reports=reports,
                                   matches=matches)

    def stats(self, out: Path, actor: str) -> list[Path]:
        """Write the statistics of cases into `out` (new or empty) and log the export."""
        with self._ledger.writing(), self._staged(out) as stage:
            cases = self._cases.cases()
            made = stats.write(cases, stage, archive_label=self._archive.name)
            with self._catalog.session() as session:
                self._ledger.append_signed(session, [Event(
                    type="export.stats", time=_now(), actor=actor,
                    details={"cases": len(cases), "files": len(made)})])
        return [out / p.relative_to(stage) for p in made]

    # -- the record of an export -----------------------------------------------------------

    def _record(self, kind: str, actor: str, requested_by: str | None, *,
                counts: dict[str, int], asked: dict[str, object],
                details: dict[str, int | str | bool], items: Sequence[Item] = ()
                ) -> tuple[int, int]:
        """Add the export's catalogue row (and exhibit items) and its custody-log entry, sign a
        checkpoint; returns the export's id and the entry's index."""
        with self._catalog.session() as session:
            record = ExportRecord(kind=kind, actor=actor, counts=counts, selection=asked,
                                  created_at=_now())
            session.add(record)
            session.flush()
            record.requested_by = self._fields.seal_optional(
                requested_by, f"exports.requested_by:{record.id}")
            session.add_all(ExhibitItem(
                exhibit_id=exhibit_id, export_id=record.id, file=file, case_id=case_id,
                original=self._fields.seal(sha, f"exhibit_items.original:{exhibit_id}"))
                for exhibit_id, file, sha, case_id in items)
            [entry] = self._ledger.append(session, [Event(
                type=f"export.{kind}", time=record.created_at, actor=actor,
                subject=Subject.record("export", record.id), details=details,
                people={"requested_by": requested_by} if requested_by else {})])
            record.entry_idx = entry
            self._ledger.checkpoint(session)
            return record.id, entry

    def _failed(self, record_id: int, actor: str) -> None:
        """Log that an export recorded above never reached its folder."""
        with self._catalog.session() as session:
            self._ledger.append_signed(session, [Event(
                type="export.failed", time=_now(), actor=actor,
                subject=Subject.record("export", record_id))])

