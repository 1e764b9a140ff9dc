"""Transfers: every hand-over with what came of each of its files."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caesar.access.roles import Permission
from caesar.web.gate import requires
from caesar.web.i18n import N_
from caesar.web.params import TransferId, Web
from caesar.web.rendering import MenuItem

router = APIRouter()
menu = [MenuItem(N_("Transfers"), "/transfers", Permission.transfers_read)]


@router.get("/transfers", response_class=HTMLResponse)
@requires(Permission.transfers_read)
def transfer_list(request: Request, web: Web) -> Response:
    """Every hand-over, newest first, with its counts."""
    transfers = list(reversed(web.archive.queries.transfers()))
    return web.pages.render(request, "transfers.html",
                            title=web.pages.text(request, "Transfers"), transfers=transfers)


@router.get("/transfers/{transfer_id}", response_class=HTMLResponse)
@requires(Permission.transfers_read)
def transfer_page(request: Request, web: Web, transfer_id: TransferId) -> Response:
    """One hand-over: who, when, counts, problems, and each file flagged or skipped."""
    transfer = web.archive.queries.transfer(transfer_id)
    return web.pages.render(request, "transfer.html", title=web.pages.text(request, "Transfer"),
                            transfer=transfer,
                            files=web.archive.queries.transfer_files(transfer_id))
