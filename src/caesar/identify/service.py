"""Identification, as the command line and the web app call it: every function takes the
acting person's name and returns views; every change, and every view of a family's report,
is a custody-log entry, signed with its change. Each method that writes holds the archive's
write lock itself (`CustodyLog.writing()`), so callers never take it.

Reports (import, file, edit, read, merge) and matching live here; review decisions in
`review.py`, disclosure sessions in `disclosure.py`, families' photos of the person in life in
`photos.py`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caesar.catalog.identify import CaseName, Match, MissingReport, MissingReporter, ReportChange
from caesar.errors import UsageError
from caesar.identify import disclosure, photos, review
from caesar.identify.duplicates import find_duplicates
from caesar.identify.factors import ReportFacts
from caesar.identify.matching import Candidate, rank
from caesar.identify.names import person_name, same_name, words
from caesar.identify.photos import Upload
from caesar.identify.records import ReportRecord, apply_fields, load_reports, open_json, seal_json
from caesar.identify.reports import ReportFields
from caesar.identify.table import CaseFacts, CaseTable, build_table
from caesar.identify.views import (
    CandidateView,
    ChangeView,
    DisclosureView,
    DuplicateView,
    FamilyPhotoView,
    ImportedReport,
    MatchResult,
    MatchSummary,
    MatchView,
    Material,
    PartnerReport,
    PhotosAdded,
    ReporterView,
    ReportSummary,
    ReportView,
)
from caesar.identify.workspace import (
    Workspace,
    get_case,
    get_report,
    live_report,
    now,
    sync_resolution,
)
from caesar.ledger.events import Event, Subject
from caesar.vault.fields import FieldCipher

ProgressCount = Callable[[int, int], None]


class IdentifyService:
    """Families' reports, matching, review and disclosure (see the package's modules)."""

    def __init__(self, workspace: Workspace) -> None:
        self._w = workspace

    # -- reports -----------------------------------------------------------------------------

    def import_reports(self, reports: Sequence[ReportFields], actor: str
                       ) -> list[ImportedReport]:
        """File every report, or update the one with the same `ref`, in one transaction."""
        at = now()
        results, events = [], []
        created = updated = 0
        with self._w.ledger.writing(), self._w.catalog.session() as session:
            existing = {ref: row for ref, row in session.execute(
                select(MissingReport.ref, MissingReport).where(MissingReport.ref.is_not(None)))}
            for fields in reports:
                row = existing.get(fields.ref) if fields.ref else None
                new = row is None
                if row is None:
                    row = _new_report(actor, at)
                before = apply_fields(session, self._w.cipher, row, fields, at)
                _record_change(session, self._w, row.id, "filed" if new else "imported",
                               before, actor)
                if new or before:
                    events.append(Event(
                        type="report.filed" if new else "report.changed", time=at, actor=actor,
                        subject=Subject.record("report", row.id),
                        details={} if new else {"fields": len(before)}))
                created += new
                updated += bool(before) and not new
                results.append(ImportedReport(ref=row.ref, id=row.id, created=new,
                                              merged_into=row.merged_into))
            events.append(Event(type="reports.imported", time=at, actor=actor,
                                details={"created": created, "updated": updated,
                                         "unchanged": len(reports) - created - updated}))
            self._w.ledger.append_signed(session, events)
        return results

    def add_report(self, fields: ReportFields, actor: str) -> ReportView:
        """File one report (a family liaison with the family); a known `ref` updates it."""
        with self._w.ledger.writing():  # the filing and the view of what was filed, together
            (result,) = self.import_reports([fields], actor)
            return self.report(result.id, actor)

    def edit_report(self, report_id: int, fields: ReportFields, actor: str) -> ReportView:
        """Change fields of a report; the previous values are kept, sealed, and it is logged."""
        if "ref" in fields.values:
            raise UsageError("A report's ref is the partner's reference and is not edited.",
                             hint="Nothing was changed.")
        at = now()
        with self._w.ledger.writing():
            with self._w.catalog.session() as session:
                row = live_report(session, report_id)
                before = apply_fields(session, self._w.cipher, row, fields, at)
                if before:
                    _record_change(session, self._w, row.id, "edited", before, actor)
                    self._w.ledger.append_signed(session, [Event(
                        type="report.changed", time=at, actor=actor,
                        subject=Subject.record("report", row.id), details={"fields": len(before)})])
            return self.report(report_id, actor)

    def reports(self, actor: str, *, name: str | None = None) -> list[ReportSummary]:
        """Every report in id order, or those whose names hold every word of `name` in any
        spelling, Arabic or Latin (a logged view of the list)."""
        with self._w.ledger.writing(), self._w.catalog.session() as session:
            records = load_reports(session, self._w.cipher)
            if name is not None:
                records = [r for r in records if names_hold(r, name)]
            self._w.ledger.append_signed(session, [Event(
                type="reports.listed", time=now(), actor=actor,
                details={"reports": len(records)})])
        return [ReportSummary(id=r.id, ref=r.ref, status=r.status, merged_into=r.merged_into,
                              name=r.name, sex=r.sex, birth_year=r.birth_year,
                              arrest_date=r.arrest_date, branch_number=r.branch_number)
                for r in records]

    def report(self, report_id: int, actor: str, *, contact: bool = False) -> ReportView:
        """One report with its reporters, matches and history; the view is logged.

        With `contact`, the reporters' contacts are shown, only for reporters who consented
        to be contacted, and that is logged too.
        """
        with self._w.ledger.writing(), self._w.catalog.session() as session:
            get_report(session, report_id)
            (record,) = load_reports(session, self._w.cipher, ids=[report_id])
            events = [Event(type="report.viewed", time=now(), actor=actor,
                            subject=Subject.record("report", report_id))]
            if contact:
                if not any(r.consent_contact and r.contact for r in record.reporters):
                    raise UsageError(f"No reporter of report {report_id} consented to be"
                                     " contacted (or left a contact).",
                                     hint="The family chose not to be contacted: respect it.")
                events.append(Event(type="reporter.contact_viewed", time=now(), actor=actor,
                                    subject=Subject.record("report", report_id)))
            view = _report_view(session, self._w.cipher, record, contact=contact)
            self._w.ledger.append_signed(session, events)
        return view

    def duplicates(self, report_id: int | None = None) -> list[DuplicateView]:
        """Pairs of open reports that may be about one person (the reasons name nobody);
        with `report_id`, only the pairs of that report."""
        with self._w.catalog.reader() as session:
            if report_id is not None:
                get_report(session, report_id)
            records = load_reports(session, self._w.cipher, statuses=("open", "resolved"))
        with _collector_paused(report_id is None and len(records) > 1):
            return find_duplicates(records, involving=report_id)

    def merge(self, keep: int, other: int, actor: str) -> ReportView:
        """Merge report `other` into `keep`: its reporters join `keep`, fields `keep` lacks
        are filled from it, its matches move (unless `keep` has one for the same case)."""
        if keep == other:
            raise UsageError("A report cannot be merged into itself.")
        at = now()
        with self._w.ledger.writing():
            with self._w.catalog.session() as session:
                target, source = live_report(session, keep), live_report(session, other)
                records = {r.id: r for r in load_reports(session, self._w.cipher,
                                                         ids=[keep, other])}
                fill = {key: value for key, value in _fields_of(records[other]).items()
                        if value is not None and getattr(records[keep], key) in (None, ())}
                before = apply_fields(session, self._w.cipher, target,
                                      ReportFields(f"report {keep}", fill), at)
                for reporter in session.scalars(select(MissingReporter).where(
                        MissingReporter.report_id == other)):
                    reporter.report_id = keep
                _move_matches(session, other, keep)
                photos.move(session, other, keep)
                source.status, source.merged_into, source.updated_at = "merged", keep, at
                _record_change(session, self._w, keep, "merged", before, actor)
                _record_change(session, self._w, other, "merged", {"status": "open"}, actor)
                sync_resolution(session, keep)
                self._w.ledger.append_signed(session, [Event(
                    type="report.merged", time=at, actor=actor,
                    subject=Subject.record("report", keep),
                    details={"fields": len(before)})])
            return self.report(keep, actor)

    def partner_reports(self, actor: str, *, hand_over: bool = True) -> list[PartnerReport]:
        """Reports every reporter of which agreed to share with partners; no reporter in them.

        This is the only way reports leave the archive for partners (data exports use it);
        the hand-over is logged. ``hand_over=False`` only looks (to tell a person what an
        export would hold before they confirm it) and logs nothing.
        """
        with self._w.ledger.writing() if hand_over else nullcontext(), \
                self._w.catalog.session() as session:
            records = [r for r in load_reports(session, self._w.cipher,
                                               statuses=("open", "resolved"))
                       if r.consent_share == "partners"]
            if hand_over:
                self._w.ledger.append_signed(session, [Event(
                    type="reports.shared", time=now(), actor=actor,
                    details={"reports": len(records)})])
        return [PartnerReport(**{k: getattr(r, k) for k in PartnerReport.model_fields
                                 if k != "marks"}, marks=list(r.marks)) for r in records]

    # -- photos of the person in life (photos.py) -----------------------------------------------

    def add_photos(self, report_id: int, uploads: Sequence[Upload], actor: str, *,
                   caption: str | None = None) -> PhotosAdded:
        """Keep the files that are whole still images as the report's photos of the person
        in life (one outcome per file; a refused file leaves nothing behind)."""
        return photos.add(self._w, report_id, uploads, actor, caption)

    def photos(self, report_id: int, actor: str) -> list[FamilyPhotoView]:
        """A report's photos, held and withdrawn (a logged view of the report)."""
        return photos.listed(self._w, report_id, actor)

    def photo_image(self, report_id: int, photo_id: int, actor: str) -> bytes:
        """A clean copy (JPEG, no metadata) of one held photo; the showing is logged (under
        the write lock, held around the log entry only)."""
        return photos.shown(self._w, report_id, photo_id, actor)

    def export_photos(self, report_id: int, actor: str) -> list[tuple[str, bytes]]:
        """Clean copies of every held photo of a report, each logged as it leaves."""
        return photos.exported(self._w, report_id, actor)

    def withdraw_photo(self, report_id: int, photo_id: int, actor: str, *, reason: str
                       ) -> FamilyPhotoView:
        """Withdraw a photo the family took back: on record, no longer resolvable, its file
        deleted (logged, with the reason sealed)."""
        return photos.withdraw(self._w, report_id, photo_id, actor, reason)

    def name_case(self, case_id: int, name: str, source: str | None, actor: str) -> None:
        """Record a name a case carries from another source (matching compares it)."""
        if not name.strip():
            raise UsageError("Give the name the case carries.")
        with self._w.ledger.writing(), self._w.catalog.session() as session:
            get_case(session, case_id)
            row = session.get(CaseName, case_id) or CaseName(case_id=case_id)
            row.name_sealed = self._w.cipher.seal(name.strip(), f"case_names.name:{case_id}")
            row.source_sealed = self._w.cipher.seal_optional(source,
                                                             f"case_names.source:{case_id}")
            row.set_by, row.set_at = actor, now()
            session.add(row)
            self._w.ledger.append_signed(session, [Event(
                type="case.named", time=now(), actor=actor,
                subject=Subject.record("case", case_id))])

    # -- matching ----------------------------------------------------------------------------

    def case_table(self) -> CaseTable:
        """Every case as matching sees it (build once, reuse while cases do not change)."""
        with self._w.catalog.reader() as session:
            names = {row.case_id: self._w.cipher.open(row.name_sealed,
                                                      f"case_names.name:{row.case_id}")
                     for row in session.scalars(select(CaseName))}
        return build_table([CaseFacts(
            id=c.id, sex=c.sex, age_min=c.age_min, age_max=c.age_max,
            photographed_on=c.photographed_on, branch=c.numbers.branch,
            detainee=c.numbers.detainee, height_cm=c.height_cm, marks=tuple(c.marks),
            name=person_name(names[c.id]) if c.id in names else None)
            for c in self._w.cases.cases()])

    def match(self, report_id: int, actor: str, *, limit: int = 20,
              table: CaseTable | None = None) -> MatchResult:
        """Rank the cases for one report (`match --report`)."""
        with self._w.catalog.reader() as session:
            live_report(session, report_id)
            (record,) = load_reports(session, self._w.cipher, ids=[report_id])
        return self.match_many([record], actor, limit=limit, table=table)[0]

    def match_all(self, actor: str, *, limit: int = 20, table: CaseTable | None = None,
                  progress: ProgressCount | None = None) -> list[MatchResult]:
        """Rank the cases for every open report (`match --all`)."""
        with self._w.catalog.reader() as session:
            records = load_reports(session, self._w.cipher, statuses=("open",))
        return self.match_many(records, actor, limit=limit, table=table, progress=progress)

    def match_many(self, records: Sequence[ReportRecord], actor: str, *, limit: int,
                   table: CaseTable | None = None, progress: ProgressCount | None = None
                   ) -> list[MatchResult]:
        """Rank cases for these reports; the run is one custody-log entry."""
        table = table or self.case_table()
        with self._w.ledger.writing(), self._w.catalog.session() as session, \
                _collector_paused(len(records) > 1):
            decided: dict[int, dict[int, Match]] = {}
            for m in session.scalars(select(Match)):
                decided.setdefault(m.report_id, {})[m.case_id] = m
            results = []
            for done, record in enumerate(records, start=1):
                matches = decided.get(record.id, {})
                ranked = rank(ReportFacts.of(record), table, limit=limit, decided=list(matches),
                              overrides=[c for c, m in matches.items() if m.override])
                results.append(MatchResult(report=record.id, candidates=[
                    _candidate_view(c, matches.get(c.case)) for c in ranked]))
                if progress:
                    progress(done, len(records))
            self._w.ledger.append_signed(session, [Event(
                type="matching.run", time=now(), actor=actor,
                details={"reports": len(records), "cases": table.size,
                         "candidates": sum(len(r.candidates) for r in results)})])
        return results

    # -- review (review.py) --------------------------------------------------------------------

    def shortlist(self, report_id: int, case_id: int, actor: str, *, note: str | None = None
                  ) -> MatchView:
        """A first reviewer puts a case on the report's shortlist (the case: candidate)."""
        return review.decide(self._w, self._candidate, report_id, case_id, "shortlist", actor,
                             note)

    def confirm(self, report_id: int, case_id: int, actor: str, *, note: str | None = None
                ) -> MatchView:
        """A second, different reviewer confirms: the case is identified, the report resolved."""
        return review.decide(self._w, self._candidate, report_id, case_id, "confirm", actor,
                             note)

    def reject(self, report_id: int, case_id: int, actor: str, *, reason: str) -> MatchView:
        """A reviewer rejects a case for a report, with the reason (kept sealed)."""
        return review.decide(self._w, self._candidate, report_id, case_id, "reject", actor,
                             reason)

    def undo(self, report_id: int, case_id: int, actor: str, *, reason: str) -> MatchView:
        """Undo the last decision on this match still in force (logged, with the reason)."""
        return review.decide(self._w, self._candidate, report_id, case_id, "undo", actor,
                             reason)

    def override(self, report_id: int, case_id: int, actor: str, *, reason: str) -> MatchView:
        """Lift an exclusion so that the case is ranked for the report (with the reason)."""
        return review.decide(self._w, self._candidate, report_id, case_id, "override", actor,
                             reason)

    def matches(self, status: str | None = None) -> list[MatchSummary]:
        """Matches staff decided something about (the review queue: `status="shortlisted"`)."""
        return review.summaries(self._w, status)

    def match_view(self, report_id: int, case_id: int) -> MatchView:
        """One match with its evidence at the last decision and every decision."""
        return review.view(self._w, report_id, case_id)

    def _candidate(self, report_id: int, case_id: int) -> CandidateView:
        """The case as matching sees it for the report now (ranked or excluded)."""
        with self._w.catalog.reader() as session:
            live_report(session, report_id)
            (record,) = load_reports(session, self._w.cipher, ids=[report_id])
            match = session.scalars(select(Match).where(Match.report_id == report_id,
                                                        Match.case_id == case_id)).first()
        table = self.case_table()
        if case_id not in table.position:
            raise UsageError(f"Case {case_id} holds no photos: it cannot be matched.",
                             hint="`caesar cases list` shows the cases.")
        overrides = [case_id] if match is not None and match.override else []
        candidate = next(c for c in rank(ReportFacts.of(record), table, limit=0,
                                         decided=[case_id], overrides=overrides)
                         if c.case == case_id)
        return _candidate_view(candidate, match)

    # -- disclosure (disclosure.py) --------------------------------------------------------------

    def start_disclosure(self, report_id: int, case_id: int, actor: str, *,
                         present: Sequence[str], family_asked: bool = False) -> DisclosureView:
        """A family liaison begins telling a family about a confirmed match."""
        return disclosure.start(self._w, report_id, case_id, actor, present, family_asked)

    def disclosure_step(self, session_id: int, step: str, consent: bool, actor: str, *,
                        present: Sequence[str] = (), note: str | None = None
                        ) -> DisclosureView:
        """Record whether the family agreed to the next step (only the next one)."""
        return disclosure.step(self._w, session_id, step, consent, actor, present, note)

    def disclosure_material(self, session_id: int, actor: str, *, image: int | None = None
                            ) -> Material:
        """What the family may be shown at the step they reached, and nothing beyond it
        (with `image`, only that one of the step's images)."""
        return disclosure.material(self._w, session_id, actor, image)

    def end_disclosure(self, session_id: int, outcome: str, actor: str, *,
                       note: str | None = None) -> DisclosureView:
        """End a session with its outcome."""
        return disclosure.end(self._w, session_id, outcome, actor, note)

    def disclosures(self, actor: str | None = None) -> list[DisclosureView]:
        """Every disclosure session; with `actor`, the list is logged (it names the family
        members present)."""
        found = disclosure.sessions(self._w)
        if actor is not None:
            with self._w.ledger.writing(), self._w.catalog.session() as session:
                self._w.ledger.append_signed(session, [Event(
                    type="disclosures.listed", time=now(), actor=actor,
                    details={"sessions": len(found)})])
        return found

    def disclosure(self, session_id: int, actor: str | None = None) -> DisclosureView:
        """One disclosure session with its steps; with `actor`, the view is logged (it names
        the family members who were present)."""
        found = disclosure.session_view(self._w, session_id)
        if actor is not None:
            with self._w.ledger.writing(), self._w.catalog.session() as session:
                self._w.ledger.append_signed(session, [Event(
                    type="disclosure.viewed", time=now(), actor=actor,
                    subject=Subject.record("disclosure", session_id))])
        return found


def _new_report(actor: str, at: datetime) -> MissingReport:
    return MissingReport(status="open", marks=[], created_by=actor, created_at=at,
                         updated_at=at)


def _record_change(session: Session, w: Workspace, report_id: int, action: str,
                   before: dict[str, object], actor: str) -> None:
    if action != "filed" and not before:
        return
    row = ReportChange(report_id=report_id, action=action, fields=sorted(before), actor=actor,
                       at=now())
    session.add(row)
    session.flush()
    row.before_sealed = seal_json(w.cipher, before, f"report_changes.before:{row.id}")


def _fields_of(record: ReportRecord) -> dict[str, object]:
    """A report's own fields (not its reporters), by import key."""
    keys = ("name", "father", "grandfather", "family_name", "mother", "sex", "birth_year",
            "birth_date", "height_cm", "arrest_date", "arrest_place", "arresting_branch",
            "detainee_number", "marks", "notes")
    return {k: (list(v) if isinstance(v := getattr(record, k), tuple) else v) for k in keys}


def _move_matches(session: Session, source: int, target: int) -> None:
    taken = set(session.scalars(select(Match.case_id).where(Match.report_id == target)))
    for match in session.scalars(select(Match).where(Match.report_id == source)):
        if match.case_id not in taken:
            match.report_id = target


def _report_view(session: Session, cipher: FieldCipher, record: ReportRecord, *,
                 contact: bool) -> ReportView:
    changes = session.scalars(select(ReportChange).where(
        ReportChange.report_id == record.id).order_by(ReportChange.id))
    matches = session.scalars(select(Match).where(Match.report_id == record.id)
                              .order_by(Match.id))
    return ReportView(
        **{k: getattr(record, k) for k in ReportView.model_fields
           if k not in ("marks", "reporters", "matches", "history", "photos",
                        "consent_share", "consent_notify")},
        marks=list(record.marks), consent_share=record.consent_share,
        consent_notify=record.consent_notify,
        reporters=[ReporterView(
            id=r.id, name=r.name, relationship=r.relationship,
            contact=r.contact if contact and r.consent_contact else None,
            consent_contact=r.consent_contact, consent_share=r.consent_share,
            consent_notify=r.consent_notify) for r in record.reporters],
        matches=[review.summary(m) for m in matches],
        photos=photos.views(session, cipher, record.id),
        history=[ChangeView(action=c.action, fields=list(c.fields), actor=c.actor, at=c.at,
                            before=_withheld(open_json(cipher, c.before_sealed,
                                                       f"report_changes.before:{c.id}") or {},
                                             shown=contact and any(
                                                 r.consent_contact for r in record.reporters)))
                 for c in changes])


def _withheld(before: dict[str, Any], *, shown: bool) -> dict[str, Any]:
    """A change's previous values, without a reporter's previous contact unless contacts are
    shown (asked for, and consented to): the history must not reveal what the report hides.
    The change still names the field."""
    return before if shown else {k: v for k, v in before.items() if k != "reporter_contact"}


@contextmanager
def _collector_paused(batch: bool) -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch of matching, or for the duplicates
    of all reports.

    A batch makes hundreds of thousands of small objects that hold no cycles (factors, their
    phrases, views; names' words and skeletons) beside the long-lived case table and reports,
    and each full pass of the collector walks all of them again: about 40% of a 10,000-report
    batch, and 10 to 15% of the CPU time of 10,000 reports' duplicates, measured. Reference
    counting frees whatever the batch drops; the collector resumes when it ends.
    """
    if not batch or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _candidate_view(candidate: Candidate, match: Match | None) -> CandidateView:
    return CandidateView(case=candidate.case, score=candidate.score,
                         factors=candidate.factors, excluded=candidate.excluded,
                         match=match.id if match else None,
                         status=match.status if match else "candidate",
                         override=candidate.override)


def names_hold(record: ReportRecord, query: str) -> bool:
    """Whether every word of `query` is, in some spelling, a part of the report's names."""
    held = [w for text in (record.name, record.father, record.grandfather, record.family_name,
                           record.mother) if text for w in words(text)]
    return all(any(same_name(q, h) for h in held) for q in words(query))
