"""The dashboard: what the archive holds, counts of cases by facet, alerts for admins."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caesar.access.roles import Permission
from caesar.web.gate import requires
from caesar.web.i18n import N_
from caesar.web.params import Web, Who
from caesar.web.rendering import MenuItem

router = APIRouter()
menu = [MenuItem(N_("Dashboard"), "/", Permission.dashboard_read)]


@router.get("/", response_class=HTMLResponse)
@requires(Permission.dashboard_read)
def dashboard(request: Request, web: Web, who: Who) -> Response:
    """Counts, charts of cases by branch, hospital, month, sex, age and finding, alerts."""
    from caesar.exports.stats import tables  # matplotlib comes with it: load on first use

    archive = web.archive
    cases = archive.case_index.all()
    return web.pages.render(
        request, "dashboard.html", title=web.pages.text(request, "Dashboard"),
        counts=archive.queries.counts(), cases=cases, log=archive.ledger.state(),
        reviewed=sum(1 for c in cases if c.status == "reviewed"),
        identified=sum(1 for c in cases if c.identification == "identified"),
        tables=tables(cases) if who.may(Permission.stats_read) else [],
        alerts=archive.access.denials.alerts() if who.may(Permission.security_read) else [])
