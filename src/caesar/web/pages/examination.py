"""The examination of an original and of a case's photos, in plain words.

Pages show what `caesar examine` stored (the findings of the current method); they never
examine on their own, so opening a page changes nothing. Findings are metadata about the
originals: the photo permission (cameras, EXIF) is what they need.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caesar.access.roles import Permission
from caesar.forensics.findings import METHOD_VERSION
from caesar.web.gate import requires
from caesar.web.params import CaseId, Sha256, Web
from caesar.web.rendering import MenuItem

router = APIRouter()
menu: list[MenuItem] = []  # reached from a photo's and a case's page


@router.get("/photos/{sha256}/examination", response_class=HTMLResponse)
@requires(Permission.photos_read)
def photo_examination(request: Request, web: Web, sha256: Sha256) -> Response:
    """One original's findings: each with its strength, its evidence and, for a region, the
    map of where the camera's compression is missing."""
    photo = web.archive.queries.photo(sha256)
    found = web.archive.examination.stored([photo.sha256]).get(photo.sha256)
    return web.pages.render(request, "examination.html",
                            title=web.pages.text(request, "Examination"), photo=photo,
                            examination=found, method=METHOD_VERSION)


@router.get("/cases/{case_id}/examination", response_class=HTMLResponse)
@requires(Permission.photos_read)
def case_examination(request: Request, web: Web, case_id: CaseId) -> Response:
    """The findings of every photo of a case and of its copies, strongest first."""
    case = web.archive.cases.show(case_id)
    shas = [s for s in [*case.photos, *case.copies] if s]
    stored = web.archive.examination.stored(shas)
    order = {"inconsistent": 0, "unusual": 1, "consistent": 2, "not_examined": 3}
    rows = sorted(((sha, stored.get(sha)) for sha in shas),
                  key=lambda r: order.get(r[1].strongest, 4) if r[1] else 5)
    return web.pages.render(request, "examination_case.html",
                            title=web.pages.text(request, "Examination"), case=case,
                            rows=rows, method=METHOD_VERSION)
