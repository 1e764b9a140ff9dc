"""Matches: the cases ranked for a report with the reasons for each, the cases excluded and
why, reviewers' decisions, and the review queue.

The ranking, the decisions and the two-reviewer rule are `archive.identify`'s (the service of
`caesar match` and `caesar review`); a page only shows them. Ranking a report is a logged
view of it (`matching.run`, `report.viewed`), so it is done under the write lock.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caesar.access.roles import Permission
from caesar.errors import NotFound
from caesar.identify.review import SameReviewer
from caesar.identify.views import CandidateView, FactorView, MatchView
from caesar.identify.vocabulary import REQUESTED, STATUSES
from caesar.web.gate import requires
from caesar.web.i18n import N_
from caesar.web.params import CaseId, ReportId, Web, Who
from caesar.web.rendering import MenuItem

router = APIRouter()
menu = [MenuItem(N_("Matches"), "/matches", Permission.matches_read)]
RANKED: Final = 20  # cases shown for a report (those decided are always shown)
REASONS: Final = 3  # the strongest pieces of evidence a ranked list shows for each case
Action = Literal["shortlist", "confirm", "reject", "undo", "override"]
Reason = Annotated[str, Form(max_length=2000)]
NOTICES: Final = {
    "shortlist": N_("The case is on the shortlist. A second, different reviewer confirms it."),
    "confirm": N_("Confirmed: the case is identified and the report resolved. A family"
                  " liaison may now begin a disclosure session with the family."),
    "reject": N_("The case was rejected for this report; the reason is kept, encrypted."),
    "undo": N_("The last decision was undone; the undoing is recorded too."),
    "requested": N_("Your request is recorded. Undoing or rejecting a confirmed"
                    " identification takes two reviewers: it takes effect when a second,"
                    " different reviewer does the same."),
    "override": N_("The exclusion was lifted: the case is ranked for this report."),
    "started": N_("A disclosure session was started.")}


@router.get("/matches", response_class=HTMLResponse)
@requires(Permission.matches_read)
def review_queue(request: Request, web: Web,
                 status: Annotated[str, Query(max_length=16)] = "shortlisted") -> Response:
    """Matches staff decided something about; by default those waiting for a second
    reviewer."""
    chosen = status if status in STATUSES else None
    found = web.archive.identify.matches(chosen)
    return web.pages.render(request, "matches.html", title=web.pages.text(request, "Matches"),
                            matches=found, chosen=chosen or "", statuses=STATUSES)


@router.get("/reports/{report_id}/matches", response_class=HTMLResponse)
@requires(Permission.matches_read)
def ranked(request: Request, web: Web, who: Who, report_id: ReportId) -> Response:
    """The cases ranked for a report, best first, each factor with its weight and reason;
    then the cases excluded, with why (never ranked unless a reviewer lifts it)."""
    with web.changing():
        report = web.archive.identify.report(report_id, who.name)
        result = web.archive.identify.match(report_id, who.name, limit=RANKED,
                                                 table=web.case_table())
    loc = web.pages.locale(request)
    return web.pages.render(
        request, "ranked.html", title=f"{loc.gettext('Report')} {loc.figures(str(report_id))}",
        report=report, ranked=[(c, strongest(c)) for c in result.candidates if not c.excluded],
        excluded=[(c, strongest(c)) for c in result.candidates if c.excluded])


def strongest(candidate: CandidateView) -> list[FactorView]:
    """The pieces of evidence that weigh most for or against `candidate`, an exclusion first:
    what a reviewer reads before opening the whole explanation."""
    return sorted(candidate.factors, key=lambda f: (not f.exclusion, -abs(f.weight)))[:REASONS]


@router.get("/reports/{report_id}/matches/{case_id}", response_class=HTMLResponse)
@requires(Permission.matches_read)
def match_page(request: Request, web: Web, who: Who, report_id: ReportId, case_id: CaseId,
               notice: Annotated[str | None, Query(max_length=16)] = None,
               refused: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    """One case for one report: both side by side, the evidence now, every decision."""
    case = web.archive.cases.show(case_id)
    with web.changing():
        report = web.archive.identify.report(report_id, who.name)
        result = web.archive.identify.match(report_id, who.name, limit=RANKED,
                                                 table=web.case_table())
    candidate = next((c for c in result.candidates if c.case == case_id), None)
    decided = _decided(web, report_id, case_id)
    sessions = [s for s in web.archive.identify.disclosures()
                if s.report == report_id and s.case == case_id] \
        if who.may(Permission.disclosures_read) else []
    loc = web.pages.locale(request)
    return web.pages.render(
        request, "match.html",
        title=f"{loc.gettext('Report')} {loc.figures(str(report_id))} · "
              f"{loc.gettext('Case')} {loc.figures(str(case_id))}",
        report=report, case=case, candidate=candidate, decided=decided, sessions=sessions,
        default_view=who.photo_view,
        state=decided.status if decided else "candidate", notice=NOTICES.get(notice or ""),
        refused=refused if refused in ("same-reviewer", "same-request") else None)


@router.post("/reports/{report_id}/matches/{case_id}")
@requires(Permission.matches_decide)
def decide(web: Web, who: Who, report_id: ReportId, case_id: CaseId,
           action: Annotated[Action, Form()], reason: Reason = "") -> Response:
    """Record one reviewer's decision. A note or reason is kept, encrypted, with it; reject,
    undo and override need the reason. Confirming one's own shortlisting is refused."""
    identify = web.archive.identify
    note = reason.strip() or None
    page = f"/reports/{report_id}/matches/{case_id}"
    try:
        with web.changing():
            if action == "shortlist":
                identify.shortlist(report_id, case_id, who.name, note=note)
            elif action == "confirm":
                identify.confirm(report_id, case_id, who.name, note=note)
            elif action == "reject":
                identify.reject(report_id, case_id, who.name, reason=reason)
            elif action == "undo":
                identify.undo(report_id, case_id, who.name, reason=reason)
            else:
                identify.override(report_id, case_id, who.name, reason=reason)
    except SameReviewer:
        refused = "same-request" if action in ("undo", "reject") else "same-reviewer"
        return RedirectResponse(f"{page}?refused={refused}", status_code=303)
    decided = _decided(web, report_id, case_id)
    if decided and decided.decisions and decided.decisions[-1].action.endswith(REQUESTED):
        return RedirectResponse(f"{page}?notice=requested", status_code=303)
    return RedirectResponse(f"{page}?notice={action}", status_code=303)


def _decided(web: Web, report_id: int, case_id: int) -> MatchView | None:
    try:
        return web.archive.identify.match_view(report_id, case_id)
    except NotFound:
        return None  # nothing decided yet: a candidate as the ranking sees it
