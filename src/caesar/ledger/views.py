"""What the custody log shows: the `ledger ... --json` documents of docs/design.md.

Hashes, proofs and entry bytes are base64 (as in C2SP checkpoints and RFC 9162 tooling);
salts and SHA-256 values of originals are lowercase hex, as everywhere in the archive.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class LogState(_View):
    """`ledger show`: the latest signed checkpoint and what vouches for the log's past."""

    size: int
    root: str
    checkpoint: str | None
    vkey: str | None
    timestamps: list[str]
    unsigned: int = Field(description="entries appended after the latest checkpoint")


class EntryView(_View):
    """One element of `ledger entries`."""

    index: int
    leaf: str
    entry: dict[str, Any]
    subject_sha256: str | None
    subject: str | None = Field(description="what the commitment opens to: 'original:H', "
                                "'transfer:ID', or null when the entry has no subject")


class InclusionView(_View):
    """`ledger proof`: an entry, its audit path and the checkpoint it leads to."""

    index: int
    size: int
    leaf: str
    proof: list[str]
    checkpoint: str
    salt: str | None = None
    subject_sha256: str | None = None


class ConsistencyView(_View):
    """`ledger consistency`: proof that the log of ``to`` entries extends the one of ``from``."""

    from_: int = Field(alias="from")
    to: int
    proof: list[str]
    checkpoint: str


class LedgerReport(_View):
    """`ledger verify`: whether the stored log checks out, and where it first does not."""

    ok: bool
    size: int
    first_bad_index: int | None
    problems: list[str] = []

    @property
    def empty(self) -> bool:
        """No custody log yet: nothing was ever appended, and nothing is missing."""
        return self.ok and self.size == 0


class TimestampView(_View):
    """`ledger timestamp`: the TSA's reply (DER, base64) over the checkpoint of ``tree_size``."""

    token: str
    tree_size: int
