"""The tables of post-mortem cases: what the software observed, kept apart from what people
decided.

- Observations (written by `cases build`, replaced only when a photo is analysed again):
  `photo_analyses` (one per original: whether a card was found, the reader's version) and
  `number_readings` (each number read: raw text, Western digits, script, method, confidence).
- Decisions: `cases` and `case_photos` (which photo shows which body; `pinned` marks a
  placement an analyst made, which no rebuild moves), `photo_copies` (a re-encoded copy and its
  original), `photo_categories`, `analyst_readings` (an analyst's reading of one number of a
  case, several analysts independently), and `case_changes` (every change with who, when and
  the previous value).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caesar.catalog.models import Base


class Case(Base):
    """One body: its numbers as interpreted by analysts, and what the photos show."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft, reviewed
    identification: Mapped[str] = mapped_column(String(16), default="unidentified")
    # The analyst's interpretation, Western digits; None until someone sets it.
    detainee: Mapped[str | None] = mapped_column(String(32))
    branch: Mapped[str | None] = mapped_column(String(32))
    forensic: Mapped[str | None] = mapped_column(String(32))
    hospital: Mapped[str | None]
    photographed_on: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    height_cm: Mapped[int | None]
    marks: Mapped[list[Any]] = mapped_column(JSON, default=list)  # codes: cases.marks
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)  # FINDINGS codes
    clothing: Mapped[str | None]
    notes: Mapped[str | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    photos: Mapped[list[CasePhoto]] = relationship(order_by="CasePhoto.position")


class CasePhoto(Base):
    """A photo of a case (each original belongs to at most one case)."""

    __tablename__ = "case_photos"
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="body")  # card, face, body, detail
    position: Mapped[int] = mapped_column(default=0)  # order of capture within the case
    pinned: Mapped[bool] = mapped_column(default=False)  # placed by an analyst


class PhotoCopy(Base):
    """A re-encoded copy (published, resized, stripped) linked to the original it shows."""

    __tablename__ = "photo_copies"
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), primary_key=True)
    original: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), index=True)
    distance: Mapped[int]  # PDQ Hamming distance, of 256 bits
    pinned: Mapped[bool] = mapped_column(default=False)


class PhotoCategory(Base):
    """What a photo shows: suggested by the software until an analyst sets it."""

    __tablename__ = "photo_categories"
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), primary_key=True)
    category: Mapped[str] = mapped_column(String(24))
    set_by: Mapped[str | None]  # None: a suggestion
    set_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(String(32))  # why a suggestion keeps it out of cases


class PhotoAnalysis(Base):
    """That an original was analysed for cases, by which reader version, and what was found."""

    __tablename__ = "photo_analyses"
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), primary_key=True)
    reader: Mapped[str] = mapped_column(String(32))
    card_found: Mapped[bool]
    problem: Mapped[str | None]  # why it could not be analysed (not an image, ...)
    analysed_at: Mapped[datetime]


class NumberReading(Base):
    """A number as observed in a photo by a reader (OCR), never edited."""

    __tablename__ = "number_readings"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), index=True)
    position: Mapped[int]  # reading order in the photo
    raw: Mapped[str]
    digits: Mapped[str] = mapped_column(String(32))
    script: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    place: Mapped[str] = mapped_column(String(8))  # card, skin
    box: Mapped[list[Any]] = mapped_column(JSON)  # the number's own box in the photo
    row: Mapped[int] = mapped_column(default=0)  # the line of writing, top to bottom
    line_order: Mapped[int] = mapped_column(default=0)  # its place on that line
    label: Mapped[str | None] = mapped_column(String(16))  # the number a label names, if read
    labelled: Mapped[bool] = mapped_column(default=False)  # something written before it


class CasePriors(Base):
    """What the last build learned of the collection's numbers (caesar.cases.numbers.Priors):
    the views of single cases weigh their readings with it."""

    __tablename__ = "case_priors"
    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    learned_at: Mapped[datetime]


class AnalystReading(Base):
    """One analyst's reading of one of a case's numbers, made independently of others."""

    __tablename__ = "analyst_readings"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # detainee, branch, forensic
    digits: Mapped[str] = mapped_column(String(32))
    analyst: Mapped[str]
    read_at: Mapped[datetime]


class CaseChange(Base):
    """One change to a case, with its previous value: nothing an analyst decided is lost."""

    __tablename__ = "case_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # edit, merge, split, move, create, ...
    field: Mapped[str | None]
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    actor: Mapped[str]
    at: Mapped[datetime]
