"""What the parts of the identification service share: the catalogue, the custody log, the
sealing of personal fields, the cases, the vault (for photos shown at a disclosure) and the
store of families' photos of their missing in life."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from caesar.cases.service import CaseService
from caesar.catalog.cases import Case, CaseChange
from caesar.catalog.database import Catalog
from caesar.catalog.identify import DisclosureSession, Match, MissingReport
from caesar.errors import NotFound, UsageError
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog
from caesar.vault.fields import FieldCipher
from caesar.vault.objects import ObjectVault, RemovableVault


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Workspace:
    """The archive's parts that identification works with."""

    catalog: Catalog
    ledger: CustodyLog
    cipher: FieldCipher
    cases: CaseService
    vault: ObjectVault
    family_photos: RemovableVault  # never originals: see identify/photos.py


Row = TypeVar("Row", MissingReport, Case, DisclosureSession)


def get_row(session: Session, model: type[Row], row_id: int, what: str, listing: str) -> Row:
    """The `model` row `row_id`; NotFound names it and the command that lists them."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"No {what} {row_id} in this archive.",
                       hint=f"`caesar {listing}` shows them all.")
    return row


def get_report(session: Session, report_id: int) -> MissingReport:
    """The report `report_id`."""
    return get_row(session, MissingReport, report_id, "report", "missing list")


def get_case(session: Session, case_id: int) -> Case:
    """The case `case_id`."""
    return get_row(session, Case, case_id, "case", "cases list")


def live_report(session: Session, report_id: int) -> MissingReport:
    """A report that is not merged into another (those are matched through the other)."""
    report = get_report(session, report_id)
    if report.status == "merged":
        raise UsageError(f"Report {report_id} was merged into report {report.merged_into}.",
                         hint=f"Use report {report.merged_into}.")
    return report


def sync_identification(session: Session, case_id: int, actor: str) -> list[Event]:
    """Set the case's identification from its matches: identified (a confirmed match),
    candidate (a shortlisted one), else unidentified; a change is logged like an analyst's."""
    statuses = set(session.scalars(select(Match.status).where(Match.case_id == case_id)))
    wanted = ("identified" if "confirmed" in statuses else
              "candidate" if "shortlisted" in statuses else "unidentified")
    case = get_case(session, case_id)
    if case.identification == wanted:
        return []
    session.add(CaseChange(case_id=case_id, action="identify", field="identification",
                           before=case.identification, after=wanted, actor=actor, at=now()))
    case.identification, case.updated_at = wanted, now()
    return [Event(type="case.changed", time=now(), actor=actor,
                  subject=Subject.record("case", case_id), details={"field": "identification"})]


def sync_resolution(session: Session, report_id: int) -> None:
    """A report with a confirmed match is resolved; without one it is open again."""
    report = get_report(session, report_id)
    if report.status == "merged":
        return
    confirmed = session.scalars(select(Match.id).where(Match.report_id == report_id,
                                                       Match.status == "confirmed")).first()
    report.status = "resolved" if confirmed is not None else "open"
