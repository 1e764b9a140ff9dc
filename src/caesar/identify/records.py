"""Reports as the service works with them: sealed rows in, plain records in memory, and back.

Each sealed value is bound to its table, column and row (``missing_reports.name:12``), so it
cannot be moved to another report unnoticed. Records exist only in memory, for as long as a
command or a page needs them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caesar.cases.marks import without_texts
from caesar.catalog.identify import MissingReport, MissingReporter
from caesar.identify.branches import branch_number
from caesar.identify.names import PersonName, person_name
from caesar.identify.reports import REPORTER_KEYS, SEALED_TEXT, ReportFields
from caesar.vault.fields import FieldCipher

_REPORTER_SEALED = {"reporter_name": "name", "reporter_relationship": "relationship",
                    "reporter_contact": "contact"}


@dataclass(frozen=True)
class ReporterRecord:
    """Who reported, opened."""

    id: int
    name: str | None
    relationship: str | None
    contact: str | None
    consent_contact: bool
    consent_share: str
    consent_notify: bool | None


@dataclass(frozen=True)
class ReportRecord:
    """A report, opened: every field of the import keys and its reporters."""

    id: int
    ref: str | None
    status: str
    merged_into: int | None
    name: str | None
    father: str | None
    grandfather: str | None
    family_name: str | None
    mother: str | None
    sex: str | None
    birth_year: int | None
    birth_date: date | None
    height_cm: int | None
    arrest_date: date | None
    arrest_place: str | None
    arresting_branch: str | None
    branch_number: str | None
    detainee_number: str | None
    marks: tuple[str, ...]
    notes: str | None
    created_at: datetime
    updated_at: datetime
    reporters: tuple[ReporterRecord, ...] = field(default=())

    @property
    def person(self) -> PersonName:
        """The missing person's name in its parts."""
        return person_name(self.name, father=self.father, grandfather=self.grandfather,
                           family=self.family_name, mother=self.mother)

    @property
    def consent_share(self) -> str:
        """``partners`` only when every reporter agreed to it; else ``archive``."""
        shares = {r.consent_share for r in self.reporters}
        return "partners" if shares == {"partners"} else "archive"

    @property
    def consent_notify(self) -> bool | None:
        """Whether the family wants to be told of a possible match (None: never asked)."""
        answers = {r.consent_notify for r in self.reporters} - {None}
        return True if True in answers else (False if answers else None)


def context(table: str, column: str, row_id: int) -> str:
    """Where a sealed value belongs: ``table.column:id``."""
    return f"{table}.{column}:{row_id}"


def apply_fields(session: Session, cipher: FieldCipher, report: MissingReport,
                 fields: ReportFields, at: datetime) -> dict[str, Any]:
    """Write `fields` into `report` (flushed, so it has an id) and its first reporter.

    Returns the previous value of every field that changed (what the change log keeps).
    """
    if report.id is None:
        session.add(report)
        session.flush()
    current = open_report(cipher, report, _reporters(session, [report.id]).get(report.id, []))
    before: dict[str, Any] = {}
    values = dict(fields.values)
    for key, value in values.items():
        if key in REPORTER_KEYS:
            continue
        old = getattr(current, key)
        if old == (tuple(value) if isinstance(value, list) else value):
            continue
        before[key] = _jsonable(old)
        if key in SEALED_TEXT:
            setattr(report, f"{key}_sealed",
                    cipher.seal_optional(value, context("missing_reports", key, report.id)))
            if key == "arresting_branch":
                report.branch_number = branch_number(value)
        elif key == "marks":
            seal_marks(cipher, report, list(value or []))
        else:
            setattr(report, key, value)
    reporter_values = {k: v for k, v in values.items() if k in REPORTER_KEYS}
    if reporter_values:
        before.update(_apply_reporter(session, cipher, report, current, reporter_values, at))
    if before:
        report.updated_at = at
    return before


def _apply_reporter(session: Session, cipher: FieldCipher, report: MissingReport,
                    current: ReportRecord, values: Mapping[str, Any], at: datetime
                    ) -> dict[str, Any]:
    row = session.scalars(select(MissingReporter).where(MissingReporter.report_id == report.id)
                          .order_by(MissingReporter.id)).first()
    if row is None:
        row = MissingReporter(report_id=report.id, consent_contact=False,
                              consent_share="archive", consent_notify=None,
                              from_ref=report.ref, created_at=at)
        session.add(row)
        session.flush()
    old = current.reporters[0] if current.reporters else None
    before: dict[str, Any] = {}
    for key, value in values.items():
        if key in _REPORTER_SEALED:
            column = _REPORTER_SEALED[key]
            previous = getattr(old, column) if old else None
            if previous != value:
                before[key] = previous  # kept sealed with the change, as every old value
                setattr(row, f"{column}_sealed", cipher.seal_optional(
                    value, context("missing_reporters", column, row.id)))
        else:
            if key == "consent_contact":
                value = bool(value)
            elif key == "consent_share":
                value = value or "archive"
            previous = getattr(old, key) if old else None
            if previous != value:
                before[key] = previous
                setattr(row, key, value)
    return before


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def seal_json(cipher: FieldCipher, value: Any, where: str) -> bytes:
    """A JSON value sealed (a change's previous values, a decision's factors)."""
    return cipher.seal(json.dumps(value, ensure_ascii=False, sort_keys=True), where)


def open_json(cipher: FieldCipher, sealed: bytes | None, where: str) -> Any:
    """A JSON value sealed by :func:`seal_json` (None stays None)."""
    text = cipher.open_optional(sealed, where)
    return None if text is None else json.loads(text)


def open_report(cipher: FieldCipher, row: MissingReport,
                reporters: Sequence[MissingReporter]) -> ReportRecord:
    """A report row and its reporter rows, opened."""
    def text(column: str) -> str | None:
        sealed: bytes | None = getattr(row, f"{column}_sealed")
        return cipher.open_optional(sealed, context("missing_reports", column, row.id))

    return ReportRecord(
        id=row.id, ref=row.ref, status=row.status, merged_into=row.merged_into,
        name=text("name"), father=text("father"), grandfather=text("grandfather"),
        family_name=text("family_name"), mother=text("mother"), sex=row.sex,
        birth_year=row.birth_year, birth_date=row.birth_date, height_cm=row.height_cm,
        arrest_date=row.arrest_date, arrest_place=text("arrest_place"),
        arresting_branch=text("arresting_branch"), branch_number=row.branch_number,
        detainee_number=row.detainee_number, marks=open_marks(cipher, row),
        notes=text("notes"), created_at=row.created_at, updated_at=row.updated_at,
        reporters=tuple(open_reporter(cipher, r) for r in reporters))


def seal_marks(cipher: FieldCipher, report: MissingReport, codes: list[str]) -> None:
    """Store a report's marks: what a tattoo says can name the family (a daughter, a
    mother), so the codes with their texts are sealed and the plain column holds them
    without (kind, place, design)."""
    report.marks = without_texts(codes)
    texts = report.marks != codes
    report.marks_sealed = cipher.seal(json.dumps(codes, ensure_ascii=False), context(
        "missing_reports", "marks", report.id)) if texts else None


def open_marks(cipher: FieldCipher, row: MissingReport) -> tuple[str, ...]:
    """A report's marks with their texts (see :func:`seal_marks`)."""
    if row.marks_sealed is None:
        return tuple(row.marks or ())
    return tuple(json.loads(cipher.open(row.marks_sealed, context("missing_reports", "marks",
                                                                   row.id))))


def open_reporter(cipher: FieldCipher, row: MissingReporter) -> ReporterRecord:
    """A reporter row, opened."""
    def text(column: str) -> str | None:
        sealed: bytes | None = getattr(row, f"{column}_sealed")
        return cipher.open_optional(sealed, context("missing_reporters", column, row.id))

    return ReporterRecord(id=row.id, name=text("name"), relationship=text("relationship"),
                          contact=text("contact"), consent_contact=row.consent_contact,
                          consent_share=row.consent_share, consent_notify=row.consent_notify)


def _reporters(session: Session, report_ids: Iterable[int]
               ) -> dict[int, list[MissingReporter]]:
    ids = list(report_ids)
    found: dict[int, list[MissingReporter]] = defaultdict(list)
    for start in range(0, len(ids), 900):
        for row in session.scalars(select(MissingReporter).where(
                MissingReporter.report_id.in_(ids[start:start + 900]))
                .order_by(MissingReporter.id)):
            found[row.report_id].append(row)
    return found


def load_reports(session: Session, cipher: FieldCipher, *, ids: Sequence[int] | None = None,
                 statuses: Sequence[str] | None = None) -> list[ReportRecord]:
    """Reports (all, or these ids, or in these statuses), opened, in id order."""
    query = select(MissingReport).order_by(MissingReport.id)
    if statuses is not None:
        query = query.where(MissingReport.status.in_(statuses))
    if ids is not None:
        rows = [row for start in range(0, len(ids), 900) for row in session.scalars(
            query.where(MissingReport.id.in_(ids[start:start + 900])))]
    else:
        rows = list(session.scalars(query))
    reporters = _reporters(session, [r.id for r in rows])
    return [open_report(cipher, row, reporters.get(row.id, [])) for row in rows]


def record_of(report_id: int, fields: ReportFields, at: datetime) -> ReportRecord:
    """A report held only in memory, from its fields (benchmarks, previews): what
    :func:`open_report` would give once it is stored."""
    v = fields.values
    reporter = ReporterRecord(
        id=0, name=v.get("reporter_name"), relationship=v.get("reporter_relationship"),
        contact=v.get("reporter_contact"), consent_contact=bool(v.get("consent_contact")),
        consent_share=v.get("consent_share") or "archive",
        consent_notify=v.get("consent_notify"))
    return ReportRecord(
        id=report_id, ref=v.get("ref"), status="open", merged_into=None, name=v.get("name"),
        father=v.get("father"), grandfather=v.get("grandfather"),
        family_name=v.get("family_name"), mother=v.get("mother"), sex=v.get("sex"),
        birth_year=v.get("birth_year"), birth_date=v.get("birth_date"),
        height_cm=v.get("height_cm"), arrest_date=v.get("arrest_date"),
        arrest_place=v.get("arrest_place"), arresting_branch=v.get("arresting_branch"),
        branch_number=branch_number(v.get("arresting_branch")),
        detainee_number=v.get("detainee_number"), marks=tuple(v.get("marks") or ()),
        notes=v.get("notes"), created_at=at, updated_at=at, reporters=(reporter,))
