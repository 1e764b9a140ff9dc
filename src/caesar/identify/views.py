"""What the identification service returns: the shapes of `missing`, `match`, `review` and
`disclosure` (docs/design.md fixes `missing add --json`, `missing duplicates --json` and
`match --json`; every other field here may grow)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, SkipValidation
from pydantic.json_schema import SkipJsonSchema

from caesar.identify.wording import Phrase


class ImportedReport(BaseModel):
    """One row of `missing add --json`: `{"ref", "id"}`, and whether it was new."""

    ref: str | None
    id: int
    created: bool
    merged_into: int | None = None  # the ref's report was merged into this one


class ReporterView(BaseModel):
    """Who reported; the contact only when asked for and consented to."""

    id: int
    name: str | None
    relationship: str | None
    contact: str | None  # None unless shown (`missing show --contact`)
    consent_contact: bool
    consent_share: str
    consent_notify: bool | None


class ChangeView(BaseModel):
    """One change to a report: which fields, and the values they had before (opened from
    their seal for whoever is shown the report, like the report itself; a reporter's previous
    contact only when contacts are shown)."""

    action: str
    fields: list[str]
    before: dict[str, Any]
    actor: str
    at: datetime


class ReportSummary(BaseModel):
    """One line of `missing list`."""

    id: int
    ref: str | None
    status: str
    merged_into: int | None
    name: str | None
    sex: str | None
    birth_year: int | None
    arrest_date: date | None
    branch_number: str | None


class PartnerReport(BaseModel):
    """A report as partners may receive it (the family consented): the missing person only,
    no reporter, no notes."""

    id: int
    ref: str | None
    status: str  # open, resolved, merged
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
    branch_number: str | None  # what matching reads from arresting_branch
    detainee_number: str | None
    marks: list[str]


class FamilyPhotoView(BaseModel):
    """A photo of the person in life that the family gave (`missing photos list`): what it
    is, who added it and when; never anything of its EXIF or XMP."""

    id: int
    report: int
    sha256: str  # of the file as the family gave it
    media_type: str
    size: int
    width: int  # as the photo is seen (turned upright)
    height: int
    caption: str | None  # None once withdrawn
    status: str  # held, withdrawn
    added_by: str
    added_at: datetime
    withdrawn_by: str | None = None
    withdrawn_at: datetime | None = None
    reason: str | None = None  # why it was withdrawn


class PhotoOutcome(BaseModel):
    """What became of one file given to `missing photos add`: ``added``, ``already_held``
    (the report holds that very photo), or why it was refused (`identify.images.REFUSALS`):
    `problem` in English, `words` the same as a phrase (the web's Arabic pages; never
    serialised, and None for a file that could not be read at all)."""

    file: str
    outcome: str
    photo: int | None = None
    problem: str | None = None
    words: Annotated[Phrase | None, SkipValidation, SkipJsonSchema()] = Field(
        default=None, exclude=True, repr=False)


class PhotosAdded(BaseModel):
    """`missing photos add --json`: one outcome per file, in the order given."""

    report: int
    files: list[PhotoOutcome]

    @property
    def refused(self) -> list[PhotoOutcome]:
        """The files nothing was kept of."""
        return [f for f in self.files if f.outcome not in ("added", "already_held")]


class ReportView(PartnerReport):
    """A family's report (`missing show`), with its reporters, matches and history."""

    merged_into: int | None
    notes: str | None
    consent_share: str
    consent_notify: bool | None
    reporters: list[ReporterView]
    matches: list[MatchSummary] = []
    history: list[ChangeView] = []
    photos: list[FamilyPhotoView] = []  # of the person in life; partners never get them


class DuplicateView(BaseModel):
    """Two reports that may be about one person (`missing duplicates --json`): `why` in
    English, `words` the same reasons as phrases each language words itself (never
    serialised)."""

    reports: list[int]
    score: float
    why: list[str]
    words: Annotated[list[Phrase], SkipValidation, SkipJsonSchema()] = Field(
        default_factory=list, exclude=True, repr=False)


class FactorView(BaseModel):
    """One piece of evidence: its weight (log10 likelihood ratio) and what it means: `why` in
    English, `words` the same as a phrase each language words itself (the web's Arabic pages).
    `words` is never serialised (JSON, sealed decisions), so it is None for a factor read
    back from a decision."""

    factor: str
    weight: float
    why: str
    exclusion: bool = False
    words: Annotated[Phrase | None, SkipValidation, SkipJsonSchema()] = Field(
        default=None, exclude=True, repr=False)


class CandidateView(BaseModel):
    """A case for a report: ranked (score) or excluded (score null, never ranked)."""

    case: int
    score: float | None
    factors: list[FactorView]
    excluded: bool
    match: int | None = None  # the match record, once staff decided something
    status: str = "candidate"
    override: bool = False


class MatchResult(BaseModel):
    """`match --json` for one report: ranked cases best first, then excluded ones."""

    report: int
    candidates: list[CandidateView]


class DecisionView(BaseModel):
    """One decision on a match."""

    action: str
    before: str
    after: str
    actor: str
    reason: str | None
    at: datetime


class MatchSummary(BaseModel):
    """A match in a list (a report's matches, the review queue)."""

    id: int
    report: int
    case: int
    status: str
    override: bool
    score: float | None
    shortlisted_by: str | None
    updated_at: datetime


class MatchView(MatchSummary):
    """A match with the evidence at its last decision and every decision."""

    factors: list[FactorView]
    decisions: list[DecisionView]


class StepView(BaseModel):
    """One step a family was asked about."""

    step: str
    consent: bool
    present: list[str]
    note: str | None
    actor: str
    at: datetime


class DisclosureView(BaseModel):
    """A disclosure session: what the family agreed to see so far, and how it ended."""

    id: int
    report: int
    case: int
    match: int
    liaison: str
    status: str  # open, ended
    reached: str | None  # the last step shown, None before the first
    next_step: str | None  # what the family may be asked next
    outcome: str | None
    present: list[str]
    note: str | None
    steps: list[StepView]
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class Material:
    """What a family may be shown at the step they agreed to, and nothing beyond it."""

    session: int
    step: str
    text: str
    images: tuple[tuple[str, bytes], ...]  # (file name, JPEG bytes)


def jsonable_factors(factors: list[FactorView]) -> list[dict[str, Any]]:
    """Factors as plain JSON (what a decision keeps, sealed)."""
    return [f.model_dump() for f in factors]


ReportView.model_rebuild()
