"""A report's photos of the person in life: the family's photos added with them (a portrait, a
wedding photo, a tattoo), shown on the report and beside a case, withdrawn when they ask.

Everything goes through `archive.identify`, the service `caesar missing photos` calls: which
files are refused and why, the clean copies (re-encoded in memory, no metadata) and the log
entry of every copy shown. Uploads never reach a disk either: each request's body is held in
memory (the app keeps multipart parts in memory up to :data:`UPLOAD_BODY`, and no request may
be larger), read at most one byte past the photo limit per file, and dropped after the
request. These are photos of the living, not of the dead: no blurring, but only roles that
read reports see them.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caesar.access.roles import Permission
from caesar.errors import UsageError
from caesar.identify.photos import Upload
from caesar.identify.views import PhotosAdded
from caesar.identify.vocabulary import MAX_BYTES, MAX_CAPTION
from caesar.web.gate import requires
from caesar.web.i18n import N_
from caesar.web.params import PhotoId, ReportId, Web, Who
from caesar.web.rendering import MenuItem

router = APIRouter()
menu: list[MenuItem] = []  # reached from a report's page
MAX_FILES: Final = 8
"""Photos in one upload."""
UPLOAD_BODY: Final = 64 * 1024 * 1024
"""The largest upload request (a few phone photos); every other request is far smaller."""
NOTICES: Final = {"withdrawn": N_("The photo was withdrawn: it can no longer be shown, and its"
                                  " encrypted file was deleted. The withdrawal is recorded.")}


@router.get("/reports/{report_id}/photos", response_class=HTMLResponse)
@requires(Permission.reports_write)
def photos_page(request: Request, web: Web, who: Who, report_id: ReportId,
                notice: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    """The report's photos with a form to add more and one to withdraw each (logged as a view
    of the report: captions can name people)."""
    return _page(request, web, who, report_id, added=None, notice=NOTICES.get(notice or ""))


@router.post("/reports/{report_id}/photos", response_class=HTMLResponse,
             max_body_size=UPLOAD_BODY)
@requires(Permission.reports_write)
def add_photos(request: Request, web: Web, who: Who, report_id: ReportId,
               photos: Annotated[list[UploadFile], File()],
               caption: Annotated[str, Form(max_length=MAX_CAPTION)] = "") -> Response:
    """Add the family's photos; the page says what became of each file (200 when any was
    kept, 400 when every file was refused)."""
    chosen = [p for p in photos if p.filename or p.size]  # a form sent with no file chosen
    if not chosen:
        raise UsageError("Choose at least one photo to add.")
    if len(chosen) > MAX_FILES:
        raise UsageError(f"At most {MAX_FILES} photos can be added at once.",
                         hint="Add them a few at a time. Nothing was added.")
    uploads = [Upload(p.filename or "-", p.file.read(MAX_BYTES + 1)) for p in chosen]
    added = web.archive.identify.add_photos(report_id, uploads, who.name, caption=caption)
    kept = len(added.refused) < len(added.files)
    return _page(request, web, who, report_id, added=added, notice=None,
                 status=200 if kept else 400)


@router.post("/reports/{report_id}/photos/{photo_id}/withdraw")
@requires(Permission.reports_write)
def withdraw(web: Web, who: Who, report_id: ReportId, photo_id: PhotoId,
             reason: Annotated[str, Form(min_length=1, max_length=2000)]) -> Response:
    """Withdraw a photo the family takes back (the reason is kept, encrypted)."""
    web.archive.identify.withdraw_photo(report_id, photo_id, who.name, reason=reason)
    return RedirectResponse(f"/reports/{report_id}/photos?notice=withdrawn", status_code=303)


@router.get("/reports/{report_id}/photos/{photo_id}/image")
@requires(Permission.reports_read)
def image(web: Web, who: Who, report_id: ReportId, photo_id: PhotoId) -> Response:
    """The photo as a clean JPEG made in memory (no metadata); each one sent is logged."""
    data = web.archive.identify.photo_image(report_id, photo_id, who.name)
    return Response(data, media_type="image/jpeg", headers={"content-disposition": "inline"})


def _page(request: Request, web: Web, who: Who, report_id: int, *,
          added: PhotosAdded | None, notice: str | None, status: int = 200) -> Response:
    report = web.archive.identify.report(report_id, who.name)
    loc = web.pages.locale(request)
    return web.pages.render(
        request, "report_photos.html", status=status,
        title=f"{loc.gettext('Report')} {loc.figures(str(report.id))}", report=report,
        added=added, notice=notice, max_files=MAX_FILES, max_mb=MAX_BYTES // 1_000_000,
        max_caption=MAX_CAPTION)
