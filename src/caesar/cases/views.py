"""What `cases` commands print: the `CASE` of docs/design.md and the reports around it."""

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
    box: list[int] = []  # the number's own box in the photo: x0, y0, x1, y1
    row: int = 0  # the line of writing it is on, top to bottom
    line_order: int = 0  # its place on that line
    labelled: bool = False  # something that is not a number was written before it
    label: str | None = None  # the number a label beside it names, when one was read


class ProposalView(BaseModel):
    """The best software reading of one number over the case's photos; `digits` is null when
    the software cannot say which value this number has, and `candidates` lists them."""

    digits: str | None
    support: float
    against: float
    needs_review: bool
    candidates: list[str] = []
    why: str = ""


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
    """`CASE` of docs/design.md, with the observations and history behind it."""

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
    ungrouped: int  # originals in no case, each for a reason
    needs_review: int  # cases with a number the software is unsure of and no analyst reading
    out_of_cases: dict[str, int] = {}  # reason code (caesar.cases.grouping.REASONS) -> photos
    # Originals secured but not analysed yet: left out of this build (`caesar analyse`, then
    # build again).
    not_analysed: int = 0


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
    unsure: str = ""  # why a person should read it: a code of vocabulary.UNSURE
    evidence: list[ReadingView] = []  # the readings to look at, clearest first
