"""The tables of identification: families' reports, matches, decisions, disclosure sessions.

Personal data is sealed value by value (`caesar.vault.fields.FieldCipher`, the ``*_sealed``
columns), so it stays encrypted on a database server that does not encrypt pages the way the
embedded SQLCipher file does: the missing person's names and place of arrest, the family's
notes, the reporters (name, relationship, contact), reasons given for decisions, and who was
present at a disclosure. What matching compares in bulk (sex, years, dates, branch and detainee
numbers, mark codes, height) and the consents are plain columns.

- `missing_reports`: one per missing person (a merged duplicate points to the report it joined).
- `missing_reporters`: who reported, with their consent; several per report after a merge.
- `report_changes`: every filing, edit, re-import and merge, with the sealed previous values.
- `case_names`: a name that a case carries from another source (a list, a testimony).
- `matches` and `match_decisions`: a report and a case that staff decided something about,
  and every decision (shortlist, confirm, reject, undo, override) in order.
- `disclosure_sessions` and `disclosure_steps`: telling a family, one agreed step at a time.
- `report_photos`: photos of the missing person in life that the family gave (a portrait, a
  wedding photo, a tattoo); the files themselves are encrypted objects of their own store.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caesar.catalog.models import Base


class MissingReport(Base):
    """An ante-mortem report: what a family knows of the person they are looking for."""

    __tablename__ = "missing_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(128), unique=True)  # the partner's reference
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, resolved, merged
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("missing_reports.id"))
    name_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    father_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    grandfather_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    family_name_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    mother_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    arrest_place_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    arresting_branch_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # as written
    notes_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_year: Mapped[int | None]
    birth_date: Mapped[date | None] = mapped_column(Date)
    height_cm: Mapped[int | None]
    arrest_date: Mapped[date | None] = mapped_column(Date)
    branch_number: Mapped[str | None] = mapped_column(String(16))  # read from what was written
    detainee_number: Mapped[str | None] = mapped_column(String(32))  # Western digits
    marks: Mapped[list[Any]] = mapped_column(JSON, default=list)  # codes: cases.marks, no text
    # The codes with what tattoos say (a text can name the family), sealed; None: no text.
    marks_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_by: Mapped[str]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MissingReporter(Base):
    """Who filed a report (sealed) and what they consented to."""

    __tablename__ = "missing_reporters"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("missing_reports.id"), index=True)
    name_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    relationship_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    consent_contact: Mapped[bool] = mapped_column(default=False)
    consent_share: Mapped[str] = mapped_column(String(16), default="archive")  # or partners
    consent_notify: Mapped[bool | None]  # wants to be told of a possible match; None: not asked
    from_ref: Mapped[str | None] = mapped_column(String(128))  # the report it came with
    created_at: Mapped[datetime]


class ReportChange(Base):
    """One change to a report; `before_sealed` keeps the values it replaced."""

    __tablename__ = "report_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("missing_reports.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # filed, edited, imported, merged
    fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
    before_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # JSON of the old values
    actor: Mapped[str]
    at: Mapped[datetime]


class CaseName(Base):
    """A name a case carries from another source than the photos."""

    __tablename__ = "case_names"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    name_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    source_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    set_by: Mapped[str]
    set_at: Mapped[datetime]


class Match(Base):
    """A report and a case that staff have decided something about."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("report_id", "case_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("missing_reports.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="candidate")
    # candidate, shortlisted, confirmed, rejected
    override: Mapped[bool] = mapped_column(default=False)  # a reviewer lifted an exclusion
    score: Mapped[float | None] = mapped_column(Float)  # at the last decision
    factors_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # JSON, at that time
    shortlisted_by: Mapped[str | None]
    updated_at: Mapped[datetime]


class MatchDecision(Base):
    """One decision on a match, in order: what it was before and after, who, why."""

    __tablename__ = "match_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # shortlist, confirm, reject, undo, override
    before: Mapped[str] = mapped_column(String(16))
    after: Mapped[str] = mapped_column(String(16))
    reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    actor: Mapped[str]
    at: Mapped[datetime]


class DisclosureSession(Base):
    """Telling a family about a match, run by a family liaison, one agreed step at a time."""

    __tablename__ = "disclosure_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("missing_reports.id"), index=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"), index=True)
    liaison: Mapped[str]
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, ended
    reached: Mapped[int] = mapped_column(default=0)  # the last step shown (0: none yet)
    outcome: Mapped[str | None] = mapped_column(String(24))
    present_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # JSON list of names
    note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class DisclosureStep(Base):
    """One step the family was asked about: whether they agreed, and who was there."""

    __tablename__ = "disclosure_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("disclosure_sessions.id"), index=True)
    step: Mapped[int]  # 1 description, 2 blurred image, 3 the face, 4 the full photos
    consent: Mapped[bool]
    present_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    actor: Mapped[str]
    at: Mapped[datetime]


class ReportPhoto(Base):
    """A photo of the missing person in life, given by the family (never an original).

    The file is kept bit for bit as an encrypted ``family_photo`` object, named by the keyed
    hash of `sha256`; nothing of its EXIF or XMP (which can hold where the family lives) is
    kept anywhere else. The caption can name people, so it is sealed. A withdrawn photo stays
    on record (who, when, the sealed reason) without its caption, and its object is deleted.
    """

    __tablename__ = "report_photos"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("missing_reports.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    width: Mapped[int]  # as the photo is seen: turned upright as its EXIF says
    height: Mapped[int]
    caption_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="held")  # held, withdrawn
    added_by: Mapped[str]
    added_at: Mapped[datetime]
    withdrawn_by: Mapped[str | None]
    withdrawn_at: Mapped[datetime | None]
    reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # why it was withdrawn
