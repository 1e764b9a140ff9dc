"""What `ingest` reports: the `ingest --json` document of docs/design.md."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FlaggedEntry(_Frozen):
    """A preserved regular file with something wrong with it."""

    source: str
    path: str
    sha256: str
    kind: str
    problem: str


class SkippedReport(_Frozen):
    """An entry that could not be preserved."""

    source: str
    path: str
    reason: str


class SourceProblem(_Frozen):
    """Something wrong with a whole source."""

    source: str
    kind: str
    problem: str


class IngestReport(BaseModel):
    """Totals over all sources of one `ingest` command."""

    transfers: list[int] = []
    files_seen: int = 0
    stored: int = 0
    duplicates: int = 0
    flagged: list[FlaggedEntry] = []
    skipped: list[SkippedReport] = []
    problems: list[SourceProblem] = []
    # When every file was secured (durable, catalogued, logged): the drive may be unplugged.
    secured_at: datetime | None = None
    # Originals this command analysed, and those in the archive still waiting for analysis
    # (`ingest --analyse later`, or a run cut short: `caesar analyse` finishes them).
    analysed: int = 0
    not_analysed: int = 0

    @property
    def needs_attention(self) -> bool:
        """Whether `--strict` should exit 1: anything flagged, skipped or wrong with a source."""
        return bool(self.flagged or self.skipped or self.problems)
