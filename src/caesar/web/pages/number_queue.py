"""The numbers a person should read, one field each: the queue of `caesar cases queue`.

Each unsure number is shown as the region of the photo it was read in (never the whole photo),
with the software's proposal and why it is unsure; pressing Enter accepts the proposal, typing
the number (in either digit script) corrects it. Each decision is a case edit, logged like any.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caesar.access.roles import Permission
from caesar.cases.numbers import KINDS
from caesar.errors import UsageError
from caesar.web.gate import requires
from caesar.web.i18n import N_
from caesar.web.params import CaseId, Web, Who
from caesar.web.rendering import MenuItem

router = APIRouter()
menu = [MenuItem(N_("Numbers to read"), "/cases/queue", Permission.cases_edit)]

SHOWN: Final = 25  # items on one page: the queue is worked from the top
NOTICES: Final = {"accepted": N_("The number was set; the next one is below.")}
Value = Annotated[str, Form(max_length=32)]


@router.get("/cases/queue", response_class=HTMLResponse)
@requires(Permission.cases_edit)
def queue_page(request: Request, web: Web,
               notice: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    """The queue, easiest to settle first, each number with its region of the photo."""
    items = web.archive.cases.queue()
    return web.pages.render(request, "number_queue.html",
                            title=web.pages.text(request, "Numbers to read"),
                            items=items[:SHOWN], total=len(items),
                            notice=NOTICES.get(notice or ""))


@router.post("/cases/queue/{case_id}/{kind}")
@requires(Permission.cases_edit)
def settle(web: Web, who: Who, case_id: CaseId, kind: str, value: Value = "",
           proposed: Value = "") -> Response:
    """Set one number: the value typed, or the proposal when nothing was typed."""
    if kind not in KINDS:
        raise UsageError(f"No number called {kind!r}.", hint=f"One of: {', '.join(KINDS)}.")
    chosen = value.strip() or proposed.strip()
    if not chosen:
        raise UsageError("Nothing was proposed for this number: type what you read.")
    with web.changing():
        web.archive.cases.edit(case_id, [(kind, chosen)], who.name)
    return RedirectResponse("/cases/queue?notice=accepted", status_code=303)
