"""Disclosure sessions (the `caesar disclosure` commands): start, record each step's answer,
end, read. The material a family is shown stays on the pages, where it is shown."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field, StringConstraints

from caesar.access.roles import Permission
from caesar.identify.views import DisclosureView
from caesar.web.api.answers import ForReader
from caesar.web.gate import requires
from caesar.web.params import MAX_ID, SessionId, Web, Who

router = APIRouter(prefix="/api/disclosures", tags=["disclosure"], route_class=ForReader)
Person = Annotated[str, StringConstraints(max_length=200)]
Note = Annotated[str | None, Field(default=None, max_length=2000)]


class Start(BaseModel):
    """A session for a confirmed match, with who is present."""

    report: Annotated[int, Field(ge=1, le=MAX_ID)]
    case: Annotated[int, Field(ge=1, le=MAX_ID)]
    present: Annotated[list[Person], Field(min_length=1, max_length=20)]
    family_asked: bool = False


class Step(BaseModel):
    """The family's answer about the next step."""

    step: Annotated[str, StringConstraints(max_length=16)]
    consent: bool
    present: Annotated[list[Person], Field(default_factory=list, max_length=20)]
    note: Note


class End(BaseModel):
    """How the session ended."""

    outcome: Annotated[str, StringConstraints(max_length=16)]
    note: Note


@router.get("", response_model=list[DisclosureView])
@requires(Permission.disclosures_read)
def sessions(web: Web, who: Who) -> list[DisclosureView]:
    """Every session (the list is logged)."""
    return web.archive.identify.disclosures(who.name)


@router.post("", response_model=DisclosureView)
@requires(Permission.disclosures_record)
def start(web: Web, who: Who, body: Start) -> DisclosureView:
    """Begin a session for a confirmed match."""
    return web.archive.identify.start_disclosure(body.report, body.case, who.name,
                                                 present=body.present,
                                                 family_asked=body.family_asked)


@router.get("/{session_id}", response_model=DisclosureView)
@requires(Permission.disclosures_read)
def session(web: Web, who: Who, session_id: SessionId) -> DisclosureView:
    """One session with its steps (the view is logged)."""
    return web.archive.identify.disclosure(session_id, who.name)


@router.post("/{session_id}/step", response_model=DisclosureView)
@requires(Permission.disclosures_record)
def step(web: Web, who: Who, session_id: SessionId, body: Step) -> DisclosureView:
    """Record the family's answer about the next step (only the next one)."""
    return web.archive.identify.disclosure_step(session_id, body.step, body.consent,
                                                who.name, present=body.present,
                                                note=body.note)


@router.post("/{session_id}/end", response_model=DisclosureView)
@requires(Permission.disclosures_record)
def end(web: Web, who: Who, session_id: SessionId, body: End) -> DisclosureView:
    """End the session with its outcome."""
    return web.archive.identify.end_disclosure(session_id, body.outcome, who.name,
                                               note=body.note)
