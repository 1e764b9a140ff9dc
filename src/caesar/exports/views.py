"""What export services take and return: selections, plans (what an export will contain, shown
before anyone confirms) and results (what was written, and the custody-log entry)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SkipValidation, model_validator
from pydantic.json_schema import SkipJsonSchema

from caesar.errors import UsageError
from caesar.identify.wording import Phrase

ExportKind = Literal["evidence", "exhibit", "data"]
DataFormat = Literal["csv", "json", "ftm"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Selection(_Frozen):
    """What to export: some cases, one transfer, or some originals (exactly one of them)."""

    cases: tuple[int, ...] = ()
    transfer: int | None = None
    photos: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _one_kind(self) -> Selection:
        given = sum((bool(self.cases), self.transfer is not None, bool(self.photos)))
        if given != 1:
            raise UsageError("Say what to export: --case ID..., --transfer ID or --photos H...,"
                             " exactly one of them.",
                             hint="Example: caesar export evidence --case 12 --case 15 --out DIR")
        return self


class EvidenceOptions(_Frozen):
    """How an evidence package is made."""

    requested_by: str | None = Field(default=None, max_length=500)
    reveal_operators: bool = False


class ExhibitOptions(_Frozen):
    """How an exhibition set is made."""

    blur_faces: bool = True
    blur_regions: bool = True
    grayscale: bool = False
    caption_langs: tuple[Literal["ar", "en"], ...] = ("ar", "en")
    watermark: str | None = Field(default=None, max_length=120)
    max_size: int = Field(default=2048, ge=256, le=8192)


class DataOptions(_Frozen):
    """What a data export writes."""

    format: DataFormat


class ExportParams(_Frozen):
    """Everything needed to produce an export later: what an export request keeps."""

    kind: ExportKind
    selection: Selection | None = None
    evidence: EvidenceOptions | None = None
    exhibit: ExhibitOptions | None = None
    data: DataOptions | None = None

    @model_validator(mode="after")
    def _complete(self) -> ExportParams:
        if self.kind != "data" and self.selection is None:
            raise UsageError(f"An {self.kind} export needs a selection of cases or photos.")
        if self.kind == "data" and self.data is None:
            raise UsageError("A data export needs its format (csv, json or ftm).")
        return self


class Plan(_Frozen):
    """What an export will contain, said before it is written (and confirmed): `summary` in
    English (the command line, `--json`, the web's API), `words` the same sentences as phrases
    each language words itself (the web's pages; never serialised)."""

    kind: ExportKind
    summary: list[str]  # sentences for the person who confirms
    words: Annotated[list[Phrase], SkipValidation, SkipJsonSchema()] = Field(
        default_factory=list, exclude=True, repr=False)
    originals: tuple[str, ...] = ()  # SHA-256 of each original it will use
    cases: tuple[int, ...] = ()
    left_out: dict[str, int] = {}  # why originals were left out -> how many
    bytes: int = 0


class ExportResult(_Frozen):
    """What an export wrote."""

    export: int  # the export's id in the catalogue
    kind: ExportKind
    out: str
    entry: int  # index of the custody-log entry that records it
    files: int
    bytes: int
    counts: dict[str, int]


class Resolution(_Frozen):
    """An exhibit id resolved back to its original (for archive staff only)."""

    exhibit_id: str
    sha256: str
    case: int | None
    export: int
    exported_at: datetime
    file: str


class MarkView(_Frozen):
    """An analyst's marks on one original."""

    sha256: str
    restricted: bool
    regions: list[tuple[int, int, int, int]]
    set_by: str
    set_at: datetime
