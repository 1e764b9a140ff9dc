"""The custody log: latest checkpoint, entries, inclusion proofs (the `caesar ledger` views).

What an entry is about (which original or record, and the salt that opens its commitment) is
given only to roles allowed to see it; everyone else sees the entries as they are published.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from caesar.access.roles import Permission
from caesar.errors import UsageError
from caesar.ledger.views import EntryView, InclusionView, LogState
from caesar.web.gate import requires
from caesar.web.params import Web, Who

router = APIRouter(prefix="/api/custody", tags=["custody"])
MAX_ENTRIES = 1000
Index = Annotated[int, Query(ge=0, le=2**62)]


@router.get("", response_model=LogState)
@requires(Permission.custody_read)
def state(web: Web) -> LogState:
    """The latest signed checkpoint, the verifier key and the timestamp tokens."""
    return web.archive.ledger.state()


@router.get("/entries", response_model=list[EntryView])
@requires(Permission.custody_read)
def entries(web: Web, who: Who, first: Index = 0, last: Index | None = None
            ) -> list[EntryView]:
    """Entries `first` to `last` (inclusive, at most 1,000 at a time)."""
    last = first + MAX_ENTRIES - 1 if last is None else last
    if last < first or last - first >= MAX_ENTRIES:
        raise UsageError(f"Ask for 1 to {MAX_ENTRIES} entries: last must be from first to"
                         f" first + {MAX_ENTRIES - 1}.")
    found = web.archive.ledger.entries(first, last)
    if who.may(Permission.custody_subjects):
        return found
    return [e.model_copy(update={"subject": None, "subject_sha256": None}) for e in found]


@router.get("/entries/{index}/proof", response_model=InclusionView)
@requires(Permission.custody_read)
def proof(web: Web, who: Who, index: Annotated[int, Path(ge=0, le=2**62)]) -> InclusionView:
    """The audit path from entry `index` to the latest checkpoint."""
    found = web.archive.ledger.inclusion(index=index)
    if who.may(Permission.custody_subjects):
        return found
    return found.model_copy(update={"salt": None, "subject_sha256": None})
