"""Photos: the originals' details (no images in lists), and the images, safe to look at.

An image is only ever sent by `/photos/{sha256}/image`, decrypted and re-encoded in memory by
`archive.access.viewer`, which logs the view; pages show it grayscale and blurred unless the
person reveals it (one photo at a time) or chose another default. A video is shown by its
keyframe strip the same way; once revealed, the page plays the video itself, streamed by
`/photos/{sha256}/video` and logged. No page offers a video (or an image) for download:
originals leave the archive only in evidence packages, which their own permission governs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from caesar.access.roles import Permission
from caesar.access.viewing import RENDITIONS, Rendition
from caesar.intake.document import reads_as_document
from caesar.intake.video import reads_as_video
from caesar.web.gate import requires
from caesar.web.i18n import N_
from caesar.web.params import PageNumber, Sha256, Web, Who
from caesar.web.rendering import MenuItem

router = APIRouter()
menu = [MenuItem(N_("Photos"), "/photos", Permission.photos_read)]


@router.get("/photos", response_class=HTMLResponse)
@requires(Permission.photos_read)
def photo_list(request: Request, web: Web, page: PageNumber = 1) -> Response:
    """Every original, a hundred at a time: details only, never an image."""
    found = web.archive.queries.photo_page(page)
    index = web.archive.case_index
    return web.pages.render(request, "photos.html", title=web.pages.text(request, "Photos"),
                            photos=[(p, index.case_of(p.sha256)) for p in found.photos],
                            page=found.page, pages=found.pages, total=found.total)


@router.get("/photos/{sha256}", response_class=HTMLResponse)
@requires(Permission.photos_read)
def photo_page(request: Request, web: Web, who: Who, sha256: Sha256,
               reveal: Annotated[bool, Query()] = False,
               text: Annotated[bool, Query(description="Show a document's text (logged;"
                                           " for roles that may read documents).")] = False
               ) -> Response:
    """One original: camera, time, sightings, flags, EXIF, and the image behind a warning;
    a document's first page likewise, and its text when asked for."""
    photo = web.archive.queries.photo(sha256)
    video = reads_as_video(photo.media_type)
    document = reads_as_document(photo.media_type)
    shown_text = web.archive.documents.text(photo.sha256, who.name) if (
        text and document and who.may(Permission.documents_read)) else None
    return web.pages.render(request, "photo.html", title=web.pages.text(request, "Photo"),
                            photo=photo, case_id=web.archive.case_index.case_of(photo.sha256),
                            view="original" if reveal else who.photo_view, video=video,
                            document=document, text=shown_text,
                            showable=photo.media_type.startswith("image/") or (
                                (video or document) and photo.has_thumbnail),
                            examination=web.archive.examination.stored(
                                [photo.sha256]).get(photo.sha256))


@router.get("/photos/{sha256}/image")
@requires(Permission.photos_view)
def photo_image(web: Web, who: Who, sha256: Sha256,
                view: Annotated[Rendition, Query(description=f"One of {RENDITIONS}.")]
                = "blurred") -> Response:
    """The image itself as JPEG, made in memory; the view is a custody-log entry."""
    data = web.archive.access.viewer.show(sha256, view, who.name)
    return Response(data, media_type="image/jpeg",
                    headers={"content-disposition": "inline"})


@router.get("/photos/{sha256}/video")
@requires(Permission.photos_view)
def photo_video(web: Web, who: Who, sha256: Sha256) -> Response:
    """A video original, decrypted as it is sent, to play in the page; the view is logged.

    Sent whole (no byte ranges): a player plays it as it arrives. `inline` and the page's
    player (no download button) are as far as a page can go; nothing links to it for saving.
    """
    video = web.archive.access.viewer.stream_video(sha256, who.name)
    return StreamingResponse(video.chunks, media_type=video.media_type, headers={
        "content-disposition": "inline", "content-length": str(video.size),
        "cache-control": "no-store"})


@router.get("/photos/{sha256}/region")
@requires(Permission.photos_view)
def photo_region(web: Web, who: Who, sha256: Sha256,
                 box: Annotated[str, Query(pattern=r"^\d{1,6}(,\d{1,6}){3}$",
                                           description="x0,y0,x1,y1 in the original's pixels")]
                 ) -> Response:
    """One region of an original (where a number was read), grayscale; the view is logged."""
    x0, y0, x1, y1 = (int(v) for v in box.split(","))
    data = web.archive.access.viewer.show_region(sha256, (x0, y0, x1, y1), who.name)
    return Response(data, media_type="image/jpeg", headers={"content-disposition": "inline"})
