"""Matches (the `caesar match` and `caesar review` commands): the cases ranked for a report,
the review queue, one match, and reviewers' decisions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from caesar.access.roles import Permission
from caesar.identify.views import MatchResult, MatchSummary, MatchView
from caesar.web.api.answers import ForReader
from caesar.web.gate import requires
from caesar.web.params import CaseId, ReportId, Web, Who

router = APIRouter(prefix="/api", tags=["matches"], route_class=ForReader)


class Decision(BaseModel):
    """A reviewer's decision; reject, undo and override need the reason (kept sealed)."""

    action: Literal["shortlist", "confirm", "reject", "undo", "override"]
    reason: str | None = Field(default=None, max_length=2000,
                               description="Why (or a note, for shortlist and confirm).")


@router.get("/reports/{report_id}/matches", response_model=MatchResult)
@requires(Permission.matches_read)
def ranked(web: Web, who: Who, report_id: ReportId,
           limit: Annotated[int, Query(ge=1, le=200)] = 20) -> MatchResult:
    """`match --report ID --json`: ranked cases best first, then excluded ones (logged)."""
    with web.changing():
        return web.archive.identify.match(report_id, who.name, limit=limit,
                                          table=web.case_table())


@router.get("/matches", response_model=list[MatchSummary])
@requires(Permission.matches_read)
def queue(web: Web, status: Annotated[
        Literal["candidate", "shortlisted", "confirmed", "rejected"] | None,
        Query(description="Only matches in this state (shortlisted: the review queue).")]
          = None) -> list[MatchSummary]:
    """Matches staff decided something about."""
    return web.archive.identify.matches(status)


@router.get("/reports/{report_id}/matches/{case_id}", response_model=MatchView)
@requires(Permission.matches_read)
def match(web: Web, report_id: ReportId, case_id: CaseId) -> MatchView:
    """One match: the evidence at its last decision and every decision."""
    return web.archive.identify.match_view(report_id, case_id)


@router.post("/reports/{report_id}/matches/{case_id}", response_model=MatchView)
@requires(Permission.matches_decide)
def decide(web: Web, who: Who, report_id: ReportId, case_id: CaseId,
           body: Decision) -> MatchView:
    """Record a decision as the signed-in reviewer (confirming one's own shortlisting is
    refused with 409). Undoing or rejecting a confirmed match is recorded as a request (the
    last decision ends in `_requested`) until a second, different reviewer does the same; the
    same reviewer asking twice is refused with 409."""
    identify, actor = web.archive.identify, who.name
    note = body.reason.strip() if body.reason and body.reason.strip() else None
    with web.changing():
        if body.action == "shortlist":
            return identify.shortlist(report_id, case_id, actor, note=note)
        if body.action == "confirm":
            return identify.confirm(report_id, case_id, actor, note=note)
        act = {"reject": identify.reject, "undo": identify.undo,
               "override": identify.override}[body.action]
        return act(report_id, case_id, actor, reason=body.reason or "")
