"""The web app, built from one open `Archive` (as the command line builds its commands)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final
from urllib.parse import quote

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartParser

from caesar import __version__
from caesar.access.errors import SignInFailed, TooManyAttempts
from caesar.core import Archive
from caesar.errors import ArchiveLocked, CaesarError, NotFound
from caesar.exports.requests import RequestRefused
from caesar.identify.review import SameReviewer
from caesar.web import api, pages
from caesar.web.api.answers import ExactJSON
from caesar.web.edge import EdgeMiddleware
from caesar.web.gate import CsrfRefused, Forbidden, NotSignedIn, guard, undeclared
from caesar.web.i18n import N_
from caesar.web.pages.report_photos import UPLOAD_BODY
from caesar.web.rendering import Pages
from caesar.web.shown import FormOutdated
from caesar.web.state import WRITE_WAIT, WebState

THREADS = 4
FORM_BODY: Final = 1024 * 1024
"""The largest request body but an upload of photos (which declares its own): forms and
JSON are a few kilobytes."""
# Uploaded files stay in memory, never on a disk (a family's photo is personal data, and its
# EXIF may say where they live): Starlette spools a part to a temporary file once it outgrows
# this, and no request may be larger than UPLOAD_BODY. Process-wide, as Starlette reads it.
MultiPartParser.spool_max_size = UPLOAD_BODY
_STATUS: dict[type[CaesarError], int] = {
    NotSignedIn: 401, SignInFailed: 401, Forbidden: 403, CsrfRefused: 403, NotFound: 404,
    SameReviewer: 409, RequestRefused: 409, FormOutdated: 409, TooManyAttempts: 429,
    ArchiveLocked: 503}
_HTTP_MESSAGES = {404: N_("There is no such page."),
                  405: N_("This page cannot be used that way.")}
_CANNOT_ANSWER = N_("This request cannot be answered.")
_STATUS_WORDS = {400: N_("This cannot be done as it was asked."),
                 401: N_("Sign in first."),
                 403: N_("Your role does not allow this."),
                 404: N_("There is no such record."),
                 409: N_("This step cannot be taken now."),
                 429: N_("Too many attempts: wait a little, then try again."),
                 503: N_("The archive is busy with another change: try again in a moment.")}
"""What an error's status means, heading the service's English words on pages in another
language."""


def create_app(archive: Archive) -> FastAPI:
    """The app for `archive`. It refuses to be built with a route that declares nothing."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Requests are CPU work under one interpreter lock: a few threads serve them as fast
        # as forty, and in the order they came (forty threads share the lock and all wait).
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield
        archive.access.security.flush()
        archive.access.denials.settle(all_minutes=True, wait=WRITE_WAIT)

    app = FastAPI(title="Caesar Archive", version=__version__, lifespan=lifespan,
                  default_response_class=ExactJSON,
                  dependencies=[Depends(guard)], docs_url=None, redoc_url=None,
                  openapi_url=None, description="The archive's JSON API. Sign in through"
                  " /login; send the session's CSRF token in X-CSRF-Token with every POST.")
    menu = [item for area in pages.AREAS for item in area.menu]
    app.state.web = WebState(archive=archive, pages=Pages(menu))
    for page_area in pages.AREAS:  # pages are no API
        app.include_router(page_area.router, include_in_schema=False, max_body_size=FORM_BODY)
    for api_area in api.AREAS:
        app.include_router(api_area.router, max_body_size=FORM_BODY)
    missing = undeclared(app)
    if missing:
        raise RuntimeError(f"routes without a declared permission: {', '.join(missing)}")
    app.add_exception_handler(CaesarError, _caesar_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_middleware(EdgeMiddleware)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _caesar_error(request: Request, error: CaesarError) -> Response:
    status = next((code for kind, code in _STATUS.items() if isinstance(error, kind)), 400)
    if _is_api(request):
        headers = {"retry-after": str(error.retry_after)} if isinstance(
            error, TooManyAttempts) else None
        return JSONResponse({"error": error.message, "hint": error.hint}, status_code=status,
                            headers=headers)
    if isinstance(error, NotSignedIn):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    # A hint that names a command (`caesar cases list`) is for the command line; people on
    # the web have the pages instead.
    hint = None if error.hint and "`caesar" in error.hint else error.hint
    return _error_page(request, status, error.message, hint, service=True)


async def _http_error(request: Request, error: HTTPException) -> Response:
    if _is_api(request):
        return JSONResponse({"error": str(error.detail), "hint": None},
                            status_code=error.status_code)
    web: WebState = request.app.state.web
    message = _HTTP_MESSAGES.get(error.status_code, _CANNOT_ANSWER)
    return _error_page(request, error.status_code, web.pages.text(request, message), None)


async def _invalid(request: Request, error: RequestValidationError) -> Response:
    if _is_api(request):
        problems = [{"where": [str(p) for p in e.get("loc", ())], "problem": e.get("msg", "")}
                    for e in error.errors()]
        return JSONResponse({"error": "The request is not valid.", "hint": None,
                             "problems": problems}, status_code=422)
    web: WebState = request.app.state.web
    return _error_page(request, 422, web.pages.text(request, N_("Some of what was sent is not"
                                                                " valid.")), None)


def _error_page(request: Request, status: int, message: str, hint: str | None, *,
                service: bool = False) -> Response:
    """The error page; a `service` message is in the service's English, so a page in another
    language heads it with what the status means in the reader's words."""
    web: WebState = request.app.state.web
    if not hasattr(request.state, "identity"):
        request.state.identity = None  # the guard did not run (no such route)
    title = message
    if service and web.pages.locale(request).language != "en":
        title = web.pages.text(request, _STATUS_WORDS.get(status, _STATUS_WORDS[400]))
    return web.pages.render(request, "error.html", title=title, status=status,
                            message=message, hint=hint, service=service)
