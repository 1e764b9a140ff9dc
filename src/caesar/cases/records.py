"""Reading and writing case rows: the small steps that building, editing and views share."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from caesar.catalog.cases import Case, CaseChange, CasePhoto
from caesar.catalog.models import Photo, Transfer
from caesar.errors import NotFound, UsageError

_T = TypeVar("_T")


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def get_case(session: Session, case_id: int) -> Case:
    """A case by id, or a clear error."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"No case {case_id} in this archive.",
                       hint="`caesar cases list` shows them all.")
    return case


def known_photo(session: Session, sha256: str) -> str:
    """The SHA-256 of an original the archive holds, in lower case, or a clear error."""
    sha = sha256.lower()
    if session.get(Photo, sha) is None:
        raise NotFound(f"No original with SHA-256 {sha256} in this archive.",
                       hint="`caesar photos list` shows what the archive holds.")
    return sha


def photo_in(session: Session, sha256: str, case_id: int) -> str:
    """An original that is in `case_id`, or a clear error."""
    sha = known_photo(session, sha256)
    row = session.get(CasePhoto, sha)
    if row is None or row.case_id != case_id:
        raise UsageError(f"Photo {sha} is not in case {case_id}.",
                         hint=f"`caesar cases show {case_id}` lists its photos.")
    return sha


def new_case(session: Session) -> Case:
    """An empty draft case, flushed so that it has its id."""
    at = now()
    case = Case(status="draft", identification="unidentified", marks=[], findings=[],
                created_at=at, updated_at=at)
    session.add(case)
    session.flush()
    return case


def record_change(session: Session, case_id: int, action: str, actor: str, field: str | None,
                  before: Any, after: Any) -> None:
    """One row of a case's history, with the value before the change."""
    session.add(CaseChange(case_id=case_id, action=action, field=field, before=before,
                           after=after, actor=actor, at=now()))


def pin_case(session: Session, case_id: int) -> None:
    """Mark every photo of a case as placed by an analyst: builds never move them."""
    for row in session.scalars(select(CasePhoto).where(CasePhoto.case_id == case_id)):
        row.pinned = True


def capture_time(text: str | None) -> datetime | None:
    """The camera's local time (offsets dropped: one camera's photos share its clock)."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


def renumber(session: Session, case_id: int) -> None:
    """Order a case's photos by capture time (then hash), as the photographer took them."""
    rows = session.execute(
        select(CasePhoto, Photo.captured_at).join(Photo, Photo.sha256 == CasePhoto.sha256)
        .where(CasePhoto.case_id == case_id)).all()
    ordered = sorted(rows, key=lambda r: (capture_time(r[1]) or datetime.max, r[0].sha256))
    for position, (row, _) in enumerate(ordered):
        row.position = position


def fill_dates(session: Session, case_ids: Sequence[int]) -> None:
    """Photographed on: the earliest capture date, unless it is after the photo arrived."""
    earliest: dict[int, date] = {}
    for chunk in chunks(case_ids):
        for case_id, text, received in session.execute(
                select(CasePhoto.case_id, Photo.captured_at, Transfer.started_at)
                .join(Photo, CasePhoto.sha256 == Photo.sha256)
                .join(Transfer, Transfer.id == Photo.first_transfer_id)
                .where(CasePhoto.case_id.in_(chunk))):
            taken = capture_time(text)
            if taken is not None and taken.date() <= received.date():
                day = taken.date()
                earliest[case_id] = min(day, earliest.get(case_id, day))
    for chunk in chunks(case_ids):
        for case in session.scalars(select(Case).where(Case.id.in_(chunk))):
            if case.photographed_on is None:
                case.photographed_on = earliest.get(case.id)


def chunks(items: Sequence[_T], size: int = 1000) -> Iterator[Sequence[_T]]:
    """`items` in slices small enough for an SQL IN list."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
