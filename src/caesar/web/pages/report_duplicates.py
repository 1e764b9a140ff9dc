"""Reports that may be of one person (a mother and a brother each reported the same son, once
in Arabic and once in Latin letters), and merging them: the web's `caesar missing duplicates`
and `caesar missing merge`.

The list names nobody (report numbers and reasons such as "the same first name"); a report's
own page puts it beside each report that may be of the same person, and each report shown
there is a logged view, as everywhere. The family liaison decides which to keep; the software
only offers the pair.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caesar.access.roles import Permission
from caesar.web.gate import requires
from caesar.web.params import MAX_ID, ReportId, Web, Who
from caesar.web.rendering import MenuItem

router = APIRouter()
menu: list[MenuItem] = []  # reached from the reports' list and from each report


@router.get("/reports/duplicates", response_class=HTMLResponse)
@requires(Permission.reports_read)
def duplicates(request: Request, web: Web) -> Response:
    """Every pair of reports that may be of one person, likeliest first, with the reasons."""
    found = web.archive.identify.duplicates()
    return web.pages.render(request, "duplicates.html",
                            title=web.pages.text(request, "Reports that may be of one person"),
                            pairs=found)


@router.get("/reports/{report_id}/duplicates", response_class=HTMLResponse)
@requires(Permission.reports_read)
def report_duplicates(request: Request, web: Web, who: Who, report_id: ReportId) -> Response:
    """The report beside each report that may be of the same person (every report shown is a
    logged view), and, for those who edit reports, the choice of which one to keep."""
    pairs = web.archive.identify.duplicates(report_id)  # logs nothing: no lock needed
    report = web.archive.identify.report(report_id, who.name)
    others = {other: web.archive.identify.report(other, who.name)
              for d in pairs for other in d.reports if other != report_id}
    title = web.pages.text(request, "Reports that may be of the same person")
    return web.pages.render(request, "report_duplicates.html", title=title, report=report,
                            pairs=[(d, others[next(r for r in d.reports if r != report_id)])
                                   for d in pairs])


@router.post("/reports/{report_id}/merge")
@requires(Permission.reports_write)
def merge(web: Web, who: Who, report_id: ReportId,
          other: Annotated[int, Form(ge=1, le=MAX_ID)]) -> Response:
    """Merge report `other` into this one (kept): its reporters, photos and matches join it,
    the fields it lacks are filled from `other`, which stays on record as merged (logged)."""
    web.archive.identify.merge(report_id, other, who.name)
    return RedirectResponse(f"/reports/{report_id}?notice=merged", status_code=303)
