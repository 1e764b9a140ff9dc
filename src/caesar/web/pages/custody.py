"""The custody log: its latest signed checkpoint, its entries, and the proof of each."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from caesar.access.roles import Permission
from caesar.access.views import Identity
from caesar.errors import NotFound
from caesar.web.gate import requires
from caesar.web.i18n import N_
from caesar.web.params import Web, Who
from caesar.web.rendering import MenuItem
from caesar.web.state import WebState

router = APIRouter()
menu = [MenuItem(N_("Custody log"), "/custody", Permission.custody_read)]
PER_PAGE: Final = 50
EntryIndex = Annotated[int, Path(ge=0, le=2**62, description="An entry's index.")]


@router.get("/custody", response_class=HTMLResponse)
@requires(Permission.custody_read)
def custody_log(request: Request, web: Web, who: Who,
                before: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> Response:
    """The latest checkpoint and the entries before `before`, newest first."""
    state = web.archive.ledger.state()
    total = state.size + state.unsigned
    last = min(before or total, total) - 1
    first = max(0, last - PER_PAGE + 1)
    entries = list(reversed(web.archive.ledger.entries(first, last))) if last >= 0 else []
    return web.pages.render(request, "custody.html",
                            title=web.pages.text(request, "Custody log"), state=state,
                            entries=entries, older=first if first > 0 else None,
                            names=actor_names(web, who))


@router.get("/custody/entries/{index}", response_class=HTMLResponse)
@requires(Permission.custody_read)
def custody_entry(request: Request, web: Web, who: Who, index: EntryIndex) -> Response:
    """One entry, decoded, with its inclusion proof in the latest checkpoint."""
    found = web.archive.ledger.entries(index, index)
    if not found:
        raise NotFound(f"The custody log has no entry {index}.")
    state = web.archive.ledger.state()
    proof = web.archive.ledger.inclusion(index=index) if index < state.size else None
    return web.pages.render(request, "custody_entry.html",
                            title=web.pages.text(request, "Custody log"), entry=found[0],
                            proof=proof, state=state, names=actor_names(web, who))


def actor_names(web: WebState, who: Identity) -> dict[str, str]:
    """Pseudonym -> account name, for those who may read accounts (others see pseudonyms)."""
    if not who.may(Permission.users_read):
        return {}
    return {web.archive.ledger.pseudonym(u.name): u.name
            for u in web.archive.access.accounts.list()}
