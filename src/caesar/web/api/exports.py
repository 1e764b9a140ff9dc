"""Export requests (the web's only way to export): ask (after seeing the plan), approve or
refuse (a second person), produce, download the held package, list."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from caesar.access.roles import Permission
from caesar.errors import CaesarError
from caesar.exports.requests import RequestView
from caesar.exports.views import ExportParams, Plan
from caesar.web.api.answers import ForReader
from caesar.web.gate import requires
from caesar.web.params import RequestId, Web, Who

router = APIRouter(prefix="/api/exports", tags=["exports"], route_class=ForReader)


class Ask(BaseModel):
    """An export to ask for, and why (for the person who approves; kept sealed)."""

    params: ExportParams
    reason: str | None = Field(default=None, max_length=2000)


class Decision(BaseModel):
    """Approve or refuse a request."""

    decision: Literal["approve", "refuse"]


class RequestDetail(BaseModel):
    """A request and what its export will contain (None when it cannot be planned now)."""

    request: RequestView
    plan: Plan | None


@router.get("", response_model=list[RequestView])
@requires(Permission.export_requests_read)
def requests(web: Web) -> list[RequestView]:
    """Every request, newest first."""
    return web.archive.export_requests.list()


@router.post("/plan", response_model=Plan)
@requires(Permission.export_requests_create)
def plan(web: Web, who: Who, body: Ask) -> Plan:
    """What the export would contain; nothing is asked for, handed over or logged."""
    return web.archive.export_requests.plan(body.params, who.name)


@router.post("", response_model=RequestView)
@requires(Permission.export_requests_create)
def ask(web: Web, who: Who, body: Ask) -> RequestView:
    """Ask for an export; nothing is made until another person approves it."""
    requests = web.archive.export_requests
    requests.plan(body.params, who.name)  # refuse what cannot be made before it is asked for
    return requests.request(body.params, who.name, reason=body.reason)


@router.get("/{request_id}", response_model=RequestDetail)
@requires(Permission.export_requests_read)
def request(web: Web, request_id: RequestId) -> RequestDetail:
    """One request, with the plan the approver sees."""
    requests = web.archive.export_requests
    asked = requests.get(request_id)
    try:
        plan = requests.plan(asked.params, asked.requester)
    except CaesarError:
        plan = None  # what it asked for changed since (a case merged away): said as null
    return RequestDetail(request=asked, plan=plan)


@router.post("/{request_id}/decide", response_model=RequestView)
@requires(Permission.export_requests_approve)
def decide(web: Web, who: Who, request_id: RequestId, body: Decision) -> RequestView:
    """Approve (the package is made at once) or refuse; never the person who asked."""
    requests = web.archive.export_requests
    if body.decision == "refuse":
        return requests.refuse(request_id, who.name)
    requests.approve(request_id, who.name)
    return requests.produce(request_id, who.name)


@router.post("/{request_id}/produce", response_model=RequestView)
@requires(Permission.export_requests_approve)
def produce(web: Web, who: Who, request_id: RequestId) -> RequestView:
    """Make the package of an approved request."""
    return web.archive.export_requests.produce(request_id, who.name)


@router.get("/{request_id}/download", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-tar": {}},
                             "description": "The package as an uncompressed tar stream."}})
@requires(Permission.export_requests_download)
def download(web: Web, who: Who, request_id: RequestId) -> StreamingResponse:
    """The held package, for the person who asked (logged)."""
    return StreamingResponse(web.archive.export_requests.download(request_id, who.name),
                             media_type="application/x-tar", headers={
        "content-disposition": f'attachment; filename="caesar-export-{request_id}.tar"'})
