"""Export requests: an investigator asks for an evidence package, an exhibition set or a data
export, seeing first what it will contain; a second person (an administrator) approves or
refuses it, seeing the same; the package is then made and held encrypted inside the archive
until the person who asked downloads it, and deleted when it expires.

The rules (never the same person, only the requester downloads, nothing after expiry, no
restricted photo in an exhibition set) are `archive.export_requests`' and the export
service's; the service takes the archive's write lock itself, so these routes do not.
"""

from __future__ import annotations

import re
from contextlib import suppress
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from caesar.access.roles import Permission
from caesar.cases.search import to_western
from caesar.errors import ArchiveLocked, CaesarError
from caesar.exports.requests import RequestView
from caesar.exports.views import (
    DataOptions,
    EvidenceOptions,
    ExhibitOptions,
    ExportParams,
    Plan,
    Selection,
)
from caesar.web.gate import requires
from caesar.web.i18n import N_
from caesar.web.params import RequestId, Web, Who
from caesar.web.rendering import MenuItem

router = APIRouter()
menu = [MenuItem(N_("Exports"), "/exports", Permission.export_requests_read)]
KINDS: Final = ("evidence", "exhibit", "data")
FORMATS: Final = ("csv", "json", "ftm")
NOTICES: Final = {"requested": N_("Your request was sent. A second person approves or refuses"
                                  " it; nothing is made before."),
                  "approve": N_("Approved: the package was made and is held, encrypted, for"
                                " the person who asked."),
                  "refuse": N_("The request was refused."),
                  "produced": N_("The package was made and is held, encrypted, for the person"
                                 " who asked.")}
Line = Annotated[str, Field(max_length=4000)]


class ExportForm(BaseModel):
    """What the request form sends. Unsafe choices are the ones a person ticks: blurring is
    on unless they tick that faces or marked regions be shown."""

    kind: Literal["evidence", "exhibit", "data"]
    cases: Line = ""
    transfer: Line = ""
    photos: Line = ""
    requested_by: Annotated[str, Field(max_length=500)] = ""
    reveal_operators: Line = ""
    faces_shown: Line = ""
    regions_shown: Line = ""
    grayscale: Line = ""
    watermark: Annotated[str, Field(max_length=120)] = ""
    caption: Annotated[list[Literal["ar", "en"]], Field(max_length=2)] = []
    format: Literal["csv", "json", "ftm"] = "csv"
    reason: Annotated[str, Field(max_length=2000)] = ""
    send: Line = ""  # "yes": send the request; otherwise show what it would contain

    def params(self) -> ExportParams:
        """The export asked for (the service's own models check it)."""
        if self.kind == "data":
            return ExportParams(kind="data", data=DataOptions(format=self.format))
        selection = Selection(
            cases=tuple(int(x) for x in re.findall(r"\d+", to_western(self.cases))),
            transfer=int(found[0]) if (found := re.findall(r"\d+", to_western(self.transfer)))
            else None,
            photos=tuple(re.findall(r"[0-9a-fA-F]{64}", self.photos)))
        if self.kind == "evidence":
            evidence = EvidenceOptions(requested_by=self.requested_by.strip() or None,
                                       reveal_operators=self.reveal_operators == "yes")
            return ExportParams(kind="evidence", selection=selection, evidence=evidence
                                if evidence != EvidenceOptions() else None)
        return ExportParams(kind="exhibit", selection=selection, exhibit=ExhibitOptions(
            blur_faces=self.faces_shown != "yes", blur_regions=self.regions_shown != "yes",
            grayscale=self.grayscale == "yes", caption_langs=tuple(dict.fromkeys(self.caption)),
            watermark=self.watermark.strip() or None))


@router.get("/exports", response_class=HTMLResponse)
@requires(Permission.export_requests_read)
def request_list(request: Request, web: Web, who: Who) -> Response:
    """Every request, newest first, with its state (packages past their time are deleted
    first)."""
    _expire(web, who.name)
    return web.pages.render(request, "exports.html", title=web.pages.text(request, "Exports"),
                            requests=web.archive.export_requests.list())


@router.get("/exports/new", response_class=HTMLResponse)
@requires(Permission.export_requests_create)
def new_request(request: Request, web: Web,
                case: Annotated[list[int], Query(max_length=50)] = []  # noqa: B006
                ) -> Response:
    """The request form (`?case=12` fills in a case)."""
    blank = ExportForm(kind="evidence", cases=" ".join(map(str, case)), caption=["ar", "en"])
    return _form(request, web, asked=blank.model_dump(), plan=None, problem=None)


@router.post("/exports", response_class=HTMLResponse)
@requires(Permission.export_requests_create)
def ask(request: Request, web: Web, who: Who,
        form: Annotated[ExportForm, Form()]) -> Response:
    """Show what the export would contain; with `send`, send the request."""
    requests = web.archive.export_requests
    try:
        params = form.params()
        plan = requests.plan(params, who.name)
    except CaesarError as error:
        return _form(request, web, asked=form.model_dump(), plan=None, problem=error,
                     status=400)
    if form.send != "yes":
        return _form(request, web, asked=form.model_dump(), plan=plan, problem=None)
    asked = requests.request(params, who.name, reason=form.reason.strip() or None)
    return RedirectResponse(f"/exports/{asked.id}?notice=requested", status_code=303)


@router.get("/exports/{request_id}", response_class=HTMLResponse)
@requires(Permission.export_requests_read)
def request_page(request: Request, web: Web, who: Who, request_id: RequestId,
                 notice: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    """One request: what it will contain (the same plan the approver sees), its state."""
    _expire(web, who.name)
    requests = web.archive.export_requests
    asked = requests.get(request_id)
    plan, problem = _plan(web, asked)
    loc = web.pages.locale(request)
    return web.pages.render(
        request, "export_request.html",
        title=loc.gettext("Export request %(n)s") % {"n": loc.figures(str(request_id))},
        asked=asked, plan=plan, problem=problem, notice=NOTICES.get(notice or ""))


@router.post("/exports/{request_id}/decide")
@requires(Permission.export_requests_approve)
def decide(web: Web, who: Who, request_id: RequestId,
           decision: Annotated[Literal["approve", "refuse"], Form()]) -> Response:
    """Approve (and make the package at once) or refuse; never the person who asked."""
    requests = web.archive.export_requests
    if decision == "refuse":
        requests.refuse(request_id, who.name)
    else:
        requests.approve(request_id, who.name)
        requests.produce(request_id, who.name)
    return RedirectResponse(f"/exports/{request_id}?notice={decision}", status_code=303)


@router.post("/exports/{request_id}/produce")
@requires(Permission.export_requests_approve)
def produce(web: Web, who: Who, request_id: RequestId) -> Response:
    """Make the package of an approved request (when making it at approval failed)."""
    web.archive.export_requests.produce(request_id, who.name)
    return RedirectResponse(f"/exports/{request_id}?notice=produced", status_code=303)


@router.get("/exports/{request_id}/download")
@requires(Permission.export_requests_download)
def download(web: Web, who: Who, request_id: RequestId) -> Response:
    """The package as a tar stream, decrypted on the fly, for the person who asked (logged
    before the first byte leaves)."""
    stream = web.archive.export_requests.download(request_id, who.name)
    return StreamingResponse(stream, media_type="application/x-tar", headers={
        "content-disposition": f'attachment; filename="caesar-export-{request_id}.tar"'})


def _form(request: Request, web: Web, *, asked: dict[str, object], plan: Plan | None,
          problem: CaesarError | None, status: int = 200) -> Response:
    return web.pages.render(request, "export_form.html",
                            title=web.pages.text(request, "Ask for an export"), asked=asked,
                            plan=plan, problem=problem, kinds=KINDS, formats=FORMATS,
                            status=status)


def _plan(web: Web, asked: RequestView) -> tuple[Plan | None, CaesarError | None]:
    """What the request's export will contain now (cases may have changed since)."""
    try:
        return web.archive.export_requests.plan(asked.params, asked.requester), None
    except CaesarError as error:
        return None, error


def _expire(web: Web, actor: str) -> None:
    """Delete the packages past their time (logged); if a command holds the write lock, the
    next look does it, without waiting (a download past its time is refused by the service all
    the same)."""
    with suppress(ArchiveLocked):
        web.archive.export_requests.expire(actor, wait=0.0)
