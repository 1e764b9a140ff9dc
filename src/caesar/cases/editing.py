"""Analysts' decisions on cases: edits, merges, splits, moves, their own readings, categories.

Every action is a custody-log entry (who and when, never the value), signed with it, and a
`case_changes` row that keeps the value before it; each method holds the write lock itself.
Photos an analyst places are pinned, so builds never move them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from caesar.cases.marks import FORM, parse_marks
from caesar.cases.numbers import KINDS, Kind
from caesar.cases.records import (
    fill_dates,
    get_case,
    known_photo,
    new_case,
    now,
    photo_in,
    pin_case,
    record_change,
    renumber,
)
from caesar.cases.search import to_western
from caesar.cases.viewing import CaseViews
from caesar.cases.views import CaseView, Disagreement
from caesar.cases.vocabulary import CATEGORIES, EDITABLE, FINDINGS, STATUSES
from caesar.catalog.cases import AnalystReading, CasePhoto, PhotoCategory, PhotoCopy
from caesar.catalog.database import Catalog
from caesar.errors import UsageError
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog

_DIGITS = frozenset("0123456789")


class CaseEditor:
    """What analysts do to cases (the write side of `caesar cases` and the case pages)."""

    def __init__(self, *, catalog: Catalog, ledger: CustodyLog, views: CaseViews) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._views = views

    def edit(self, case_id: int, changes: Sequence[tuple[str, str]], actor: str) -> CaseView:
        """Set fields (`--set FIELD=VALUE`); every change is logged with the value before."""
        with self._ledger.writing(), self._catalog.session() as session:
            case = get_case(session, case_id)
            events = []
            for name, text in changes:
                value = _parse_field(name, text)
                before = _jsonable(getattr(case, name))
                setattr(case, name, value)
                record_change(session, case.id, "edit", actor, name, before, _jsonable(value))
                events.append(Event(type="case.changed", time=now(), actor=actor,
                                    subject=Subject.record("case", case.id),
                                    details={"field": name}))
            if case.age_min is not None and case.age_max is not None \
                    and case.age_min > case.age_max:
                raise UsageError(f"age_min {case.age_min} is above age_max {case.age_max}.",
                                 hint="Nothing was changed. Give an age range low to high.")
            case.updated_at = now()
            self._ledger.append_signed(session, events)
        return self._views.show(case_id)

    def merge(self, case_ids: Sequence[int], actor: str) -> CaseView:
        """Move every photo of the other cases into the first; the others are left empty."""
        if len(set(case_ids)) < 2:
            raise UsageError("Merging needs at least two different cases.",
                             hint="Example: caesar cases merge 12 15")
        target, *others = case_ids
        with self._ledger.writing(), self._catalog.session() as session:
            get_case(session, target)
            for other in others:
                get_case(session, other)
                shas = session.scalars(select(CasePhoto.sha256)
                                       .where(CasePhoto.case_id == other)).all()
                for sha in shas:
                    session.merge(CasePhoto(sha256=sha, case_id=target, pinned=True))
                record_change(session, other, "merge", actor, "photos", list(shas), [])
                record_change(session, target, "merge", actor, "merged_from", None, other)
            pin_case(session, target)
            session.flush()
            renumber(session, target)
            self._ledger.append_signed(session, [Event(
                type="case.merged", time=now(), actor=actor,
                subject=Subject.record("case", target), details={"cases": len(others) + 1})])
        return self._views.show(target)

    def split(self, case_id: int, photos: Sequence[str], actor: str) -> CaseView:
        """Move `photos` out of a case into a new one; both keep their photos pinned."""
        with self._ledger.writing(), self._catalog.session() as session:
            get_case(session, case_id)
            shas = [photo_in(session, sha, case_id) for sha in photos]
            if not shas:
                raise UsageError("Name the photos to split off with --photo.")
            remaining = session.scalars(select(CasePhoto.sha256).where(
                CasePhoto.case_id == case_id, CasePhoto.sha256.not_in(shas))).all()
            if not remaining:
                raise UsageError(f"Splitting every photo off case {case_id} would leave it"
                                 " empty.", hint="Name only the photos of the other body.")
            new = new_case(session)
            for sha in shas:
                session.merge(CasePhoto(sha256=sha, case_id=new.id, pinned=True))
            pin_case(session, case_id)
            record_change(session, case_id, "split", actor, "photos", None, {"to": new.id,
                                                                       "photos": shas})
            record_change(session, new.id, "split", actor, "split_from", None, case_id)
            session.flush()
            renumber(session, case_id)
            renumber(session, new.id)
            fill_dates(session, [new.id])
            self._ledger.append_signed(session, [Event(
                type="case.split", time=now(), actor=actor,
                subject=Subject.record("case", new.id), details={"photos": len(shas)})])
            new_id = new.id
        return self._views.show(new_id)

    def move(self, sha256: str, to_case: int | None, actor: str) -> CaseView:
        """Put one photo into another case (None: a new case of its own)."""
        with self._ledger.writing(), self._catalog.session() as session:
            sha = known_photo(session, sha256)
            before = session.get(CasePhoto, sha)
            target = new_case(session).id if to_case is None else get_case(session, to_case).id
            session.merge(CasePhoto(sha256=sha, case_id=target, pinned=True))
            session.execute(delete(PhotoCopy).where(PhotoCopy.sha256 == sha))
            if before is not None:
                record_change(session, before.case_id, "move", actor, "photos", sha, None)
            record_change(session, target, "move", actor, "photos", None, sha)
            session.flush()
            for case_id in {target} | ({before.case_id} if before else set()):
                renumber(session, case_id)
            self._ledger.append_signed(session, [Event(
                type="case.photo_moved", time=now(), actor=actor,
                subject=Subject.record("case", target))])
        return self._views.show(target)

    def read(self, case_id: int, readings: Sequence[tuple[Kind, str]], actor: str
             ) -> list[Disagreement]:
        """Record `actor`'s own reading of numbers of a case; return disagreements on it."""
        with self._ledger.writing(), self._catalog.session() as session:
            get_case(session, case_id)
            events = []
            for kind, text in readings:
                digits = _digits(kind, text)
                session.add(AnalystReading(case_id=case_id, kind=kind, digits=digits,
                                           analyst=actor, read_at=now()))
                events.append(Event(type="case.number_read", time=now(), actor=actor,
                                    subject=Subject.record("case", case_id),
                                    details={"number": kind}))
            self._ledger.append_signed(session, events)
        return [d for d in self._views.disagreements() if d.case == case_id]

    def categorise(self, photos: Sequence[str], category: str, actor: str) -> int:
        """Set what photos show (an analyst's decision: suggestions never overwrite it)."""
        if category not in CATEGORIES:
            raise UsageError(f"Unknown category {category!r}.",
                             hint=f"Use one of: {', '.join(CATEGORIES)}.")
        with self._ledger.writing(), self._catalog.session() as session:
            shas = [known_photo(session, sha) for sha in photos]
            for sha in shas:
                session.merge(PhotoCategory(sha256=sha, category=category, set_by=actor,
                                            set_at=now()))
            self._ledger.append_signed(session, [Event(
                type="photo.categorised", time=now(), actor=actor, subject=Subject.original(sha),
                details={"category": category}) for sha in shas])
        return len(shas)


# -- fields -----------------------------------------------------------------------------------


def _parse_field(name: str, text: str) -> Any:
    """A field's value from its text; an empty text clears the field."""
    value = text.strip()
    if name == "identification":
        raise UsageError("A case's identification is not edited: it follows the review.",
                         hint="A reviewer shortlists a case for a family's report (`caesar"
                         " review shortlist`: a candidate) and a second, different reviewer"
                         " confirms it (`caesar review confirm`: identified). Nothing was"
                         " changed.")
    if name not in EDITABLE:
        raise UsageError(f"Unknown case field {name!r}.",
                         hint=f"Fields: {', '.join(EDITABLE)}.")
    if name == "marks":
        try:
            return parse_marks(value.split(";"))
        except ValueError as exc:
            raise UsageError(f"Cannot record the marks: {exc}.",
                             hint=f"Write each mark as {FORM}, joined with ';'; docs/cases.md"
                             " lists the kinds, places and details.") from None
    if name == "findings":
        items = [v.strip() for v in value.split(";") if v.strip()]
        unknown = [v for v in items if v not in FINDINGS]
        if unknown:
            raise UsageError(f"Unknown finding(s): {', '.join(unknown)}.",
                             hint=f"Findings: {', '.join(FINDINGS)}.")
        return items
    if not value:
        if name == "status":
            raise UsageError(f"{name} cannot be empty.")
        return None
    choices = {"sex": ("M", "F"), "status": STATUSES}
    if name in choices:
        if value not in choices[name]:
            raise UsageError(f"{name} must be one of {', '.join(choices[name])}, not"
                             f" {value!r}.")
        return value
    if name in ("age_min", "age_max", "height_cm"):
        if not value.isdecimal() or not 0 <= int(value) <= 300:
            raise UsageError(f"{name} must be a whole number, not {value!r}.")
        return int(value)
    if name == "photographed_on":
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"photographed_on must be a date like 2013-08-02, not"
                             f" {value!r}.") from None
    if name in KINDS:
        return _digits(name, value)
    return value


def _digits(kind: str, text: str) -> str:
    """A number in Western digits; Arabic-Indic (and Persian) digits are accepted."""
    normal = to_western(text.strip())
    if not normal or not set(normal) <= _DIGITS:
        raise UsageError(f"The {kind} number must be digits, not {text!r}.")
    return normal


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
