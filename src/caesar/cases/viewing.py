"""Views of cases: each case with its numbers and where they came from, the queue of numbers a
person should read, and analysts' disagreements.

A case's numbers are the analyst's where one is set, else the readings weighed over its photos
(:func:`caesar.cases.numbers.propose`, with what the last build learned of the collection);
a number the software cannot assign is left empty, with its candidates, for a person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session, selectinload

from caesar.cases.numbers import KINDS, Kind, Observed, Priors, Proposal, propose
from caesar.cases.priors import load_priors
from caesar.cases.records import get_case
from caesar.cases.views import (
    AnalystReadingView,
    CaseNumbers,
    CaseView,
    ChangeView,
    Disagreement,
    ProposalView,
    QueueItem,
    ReadingView,
)
from caesar.catalog.cases import (
    AnalystReading,
    Case,
    CaseChange,
    CasePhoto,
    NumberReading,
    PhotoCopy,
)
from caesar.catalog.database import Catalog

CASES = select(Case).options(selectinload(Case.photos))


class CaseViews:
    """The read side of `caesar cases` and the case pages."""

    def __init__(self, *, catalog: Catalog) -> None:
        self._catalog = catalog

    def cases(self) -> list[CaseView]:
        """Every case that holds photos, in order."""
        with self._catalog.reader() as session:
            cases = session.scalars(CASES.order_by(Case.id)).all()
            context = _Context.load(session, [c.id for c in cases])
            return [context.view(c, full=False) for c in cases if c.photos]

    def show(self, case_id: int) -> CaseView:
        """One case with its readings, analysts' readings and history."""
        with self._catalog.reader() as session:
            case = get_case(session, case_id)
            return _Context.load(session, [case_id]).view(case, full=True)

    def queue(self, cases: Collection[int] | None = None) -> list[QueueItem]:
        """Numbers a person should read: unsure, contradicted or ambiguous readings with no
        analyst's value (of `cases` only, when given)."""
        with self._catalog.reader() as session:
            return queue(session, cases)

    def disagreements(self) -> list[Disagreement]:
        """Numbers that two analysts read differently, for a third look."""
        with self._catalog.reader() as session:
            rows = session.scalars(select(AnalystReading).order_by(AnalystReading.id)).all()
        latest: dict[tuple[int, str, str], AnalystReading] = {}
        for row in rows:
            latest[(row.case_id, row.kind, row.analyst)] = row
        by_number: dict[tuple[int, str], list[AnalystReading]] = defaultdict(list)
        for (case_id, kind, _), row in latest.items():
            by_number[(case_id, kind)].append(row)
        return [Disagreement(case=case_id, kind=kind, readings=[_analyst_view(r) for r in rs])
                for (case_id, kind), rs in sorted(by_number.items())
                if len({r.digits for r in rs}) > 1]


def queue(session: Session, only: Collection[int] | None = None) -> list[QueueItem]:
    """The review queue, read in an open session (builds count it too); of the cases `only`
    when given.

    Ordered so that an hour of one person's work settles the most cases: cases with the fewest
    numbers left to read first, and within them the numbers the software is surest of (a
    keystroke to accept) before those it cannot read at all.
    """
    query = CASES.where(Case.id.in_(select(CasePhoto.case_id)))
    if only is not None:
        query = query.where(Case.id.in_(list(only)))
    cases = session.scalars(query.order_by(Case.id)).all()
    context = _Context.load(session, [c.id for c in cases])
    by_case: list[list[QueueItem]] = []
    for case in cases:
        proposals = context.proposals(case)
        items = []
        for kind in KINDS:
            if getattr(case, kind) or context.analysts.get((case.id, kind)):
                continue
            proposal = proposals.get(kind)
            if proposal is None or proposal.needs_review:
                items.append(QueueItem(case=case.id, kind=kind,
                                       proposal=_proposal_view(proposal),
                                       unsure=_unsure(proposal),
                                       evidence=context.evidence(case, proposal)))
        if items:
            by_case.append(items)
    by_case.sort(key=lambda items: (len(items), -min(_ease(i) for i in items)))
    return [item for items in by_case
            for item in sorted(items, key=lambda i: (-_ease(i), KINDS.index(i.kind)))]


def _unsure(proposal: Proposal | None) -> str:
    """Why a person should read this number (a code of :data:`caesar.cases.vocabulary.UNSURE`)."""
    if proposal is None:
        return "not_read"
    if proposal.ambiguous:
        return "ambiguous"
    if proposal.against > 0:
        return "contradicted"
    return "faint"


def _ease(item: QueueItem) -> float:
    """How quickly a person can settle the item: a strong proposal is one keystroke."""
    proposal = item.proposal
    if proposal is None:
        return 0.0
    return proposal.support - proposal.against + (0.0 if proposal.digits is None else 1.0)


class _Context:
    """What the views of several cases need, loaded in a few queries."""

    def __init__(self, priors: Priors) -> None:
        self.priors = priors
        self.readings: dict[str, list[Row[Any]]] = defaultdict(list)
        self.copies: dict[str, list[str]] = defaultdict(list)
        self.analysts: dict[tuple[int, str], list[AnalystReading]] = defaultdict(list)
        self.changes: dict[int, list[CaseChange]] = defaultdict(list)

    @classmethod
    def load(cls, session: Session, case_ids: Sequence[int]) -> _Context:
        context = cls(load_priors(session))
        shas = select(CasePhoto.sha256).where(CasePhoto.case_id.in_(case_ids))
        # Plain rows, not ORM objects: a view of every case reads tens of thousands of them.
        for reading in session.execute(select(*NumberReading.__table__.columns).where(
                NumberReading.sha256.in_(shas)).order_by(NumberReading.id)):
            context.readings[reading.sha256].append(reading)
        for copy in session.scalars(select(PhotoCopy).where(PhotoCopy.original.in_(shas))):
            context.copies[copy.original].append(copy.sha256)
        for row in session.scalars(select(AnalystReading).where(
                AnalystReading.case_id.in_(case_ids)).order_by(AnalystReading.id)):
            context.analysts[(row.case_id, row.kind)].append(row)
        for change in session.scalars(select(CaseChange).where(
                CaseChange.case_id.in_(case_ids)).order_by(CaseChange.id)):
            context.changes[change.case_id].append(change)
        return context

    def evidence(self, case: Case, proposal: Proposal | None, limit: int = 3
                 ) -> list[ReadingView]:
        """The readings a person should look at for one number: those of the values it may
        have, clearest first (every reading of the case when nothing was proposed)."""
        values = set()
        if proposal is not None:
            values = {proposal.digits, *(d for d, _ in proposal.candidates)} - {None}
        rows = [r for p in case.photos for r in self.readings.get(p.sha256, ())
                if not values or r.digits in values]
        rows.sort(key=lambda r: -r.confidence)
        return [_reading_view(r) for r in rows[:limit]]

    def proposals(self, case: Case) -> dict[Kind, Proposal]:
        return propose([observed(self.readings.get(p.sha256, ())) for p in case.photos],
                       self.priors, {k: getattr(case, k) for k in KINDS})

    def view(self, case: Case, *, full: bool) -> CaseView:
        proposals = self.proposals(case)
        numbers: dict[str, str | None] = {}
        source: dict[str, str] = {}
        for kind in KINDS:
            decided = getattr(case, kind)
            proposal = proposals.get(kind)
            numbers[kind] = decided or (proposal.digits if proposal else None)
            source[kind] = ("analyst" if decided else "none" if proposal is None
                            else "ambiguous" if proposal.ambiguous else "reading")
        photos = [p.sha256 for p in case.photos]
        return CaseView(
            id=case.id, photos=photos,
            copies=sorted(c for sha in photos for c in self.copies.get(sha, ())),
            numbers=CaseNumbers(**numbers), numbers_source=source, sex=case.sex,
            age_min=case.age_min, age_max=case.age_max, height_cm=case.height_cm,
            hospital=case.hospital, photographed_on=case.photographed_on,
            marks=list(case.marks), findings=list(case.findings), clothing=case.clothing,
            notes=case.notes, status=case.status, identification=case.identification,
            roles={p.sha256: p.role for p in case.photos},
            readings=[_reading_view(r) for sha in photos
                      for r in self.readings.get(sha, ())] if full else [],
            proposals={k: v for k, p in proposals.items()
                       if (v := _proposal_view(p)) is not None},
            analyst_readings=[_analyst_view(r) for kind in KINDS
                              for r in self.analysts.get((case.id, kind), ())] if full else [],
            history=[ChangeView(action=c.action, field=c.field, before=c.before, after=c.after,
                                actor=c.actor, at=c.at)
                     for c in self.changes.get(case.id, ())] if full else [],
        )


def observed(rows: Sequence[Any]) -> list[Observed]:
    """One photo's stored readings as the assignment weighs them."""
    return [Observed(r.digits, r.place, r.row, r.line_order, r.confidence, r.label)
            for r in rows]


def _reading_view(r: Row[Any]) -> ReadingView:
    return ReadingView(sha256=r.sha256, raw=r.raw, digits=r.digits, script=r.script,
                       method=r.method, confidence=r.confidence, place=r.place,
                       box=list(r.box), row=r.row, line_order=r.line_order,
                       labelled=r.labelled, label=r.label)


def _proposal_view(proposal: Proposal | None) -> ProposalView | None:
    if proposal is None:
        return None
    return ProposalView(digits=proposal.digits, support=round(proposal.support, 3),
                        against=round(proposal.against, 3), needs_review=proposal.needs_review,
                        candidates=[d for d, _ in proposal.candidates], why=proposal.why)


def _analyst_view(row: AnalystReading) -> AnalystReadingView:
    return AnalystReadingView(kind=row.kind, digits=row.digits, analyst=row.analyst,
                              read_at=row.read_at)
