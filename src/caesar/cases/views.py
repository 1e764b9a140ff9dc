"""What `cases` commands print: the `CASE` of DESIGN.md and the reports around it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel


class CaseNumbers(BaseModel):
    """The three numbers in Western digits: the analyst's, else the best reading, else null."""

    detainee: str | None = None
    branch: str | None = None
    forensic: str | None = None


class ReadingView(BaseModel):
    """A number read by software in one photo."""

    sha256: str
    raw: str
    digits: str
    script: str
    method: str
    confidence: float
    place: str


class ProposalView(BaseModel):
    """The best software reading of one number over the case's photos."""

    digits: str
    support: float
    against: float
    needs_review: bool


class AnalystReadingView(BaseModel):
    """One analyst's reading of one number."""

    kind: str
    digits: str
    analyst: str
    read_at: datetime


class ChangeView(BaseModel):
    """One change to the case, with the value before it."""

    action: str
    field: str | None
    before: Any
    after: Any
    actor: str
    at: datetime


class CaseView(BaseModel):
    """`CASE` of DESIGN.md, with the observations and history behind it."""

    id: int
    photos: list[str]
    copies: list[str]
    numbers: CaseNumbers
    numbers_source: dict[str, str]  # per number: "analyst", "reading" or "none"
    sex: str | None
    age_min: int | None
    age_max: int | None
    height_cm: int | None
    hospital: str | None
    photographed_on: date | None
    marks: list[str]
    findings: list[str]
    clothing: str | None
    notes: str | None
    status: str
    identification: str
    roles: dict[str, str]  # photo -> card, face, body, detail
    readings: list[ReadingView] = []
    proposals: dict[str, ProposalView] = {}
    analyst_readings: list[AnalystReadingView] = []
    history: list[ChangeView] = []


class BuildReport(BaseModel):
    """What one `cases build` did."""

    analysed: int
    unreadable: int
    photos: int  # originals considered
    copies: int  # re-encoded copies linked to their originals
    cases: int  # cases holding photos after the build
    created: int
    changed: int  # existing cases whose photos changed
    ungrouped: int  # originals in no case (scenes, other deaths, unclear)
    needs_review: int  # cases with a number the software is unsure of and no analyst reading


class Disagreement(BaseModel):
    """Analysts who read one number of a case differently: for a third look."""

    case: int
    kind: str
    readings: list[AnalystReadingView]


class QueueItem(BaseModel):
    """A number of a case that a person should read: weak or contradicted, not yet decided."""

    case: int
    kind: str
    proposal: ProposalView | None
