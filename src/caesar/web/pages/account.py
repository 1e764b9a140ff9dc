"""Signing in and out, and a person's own preferences."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caesar.access.errors import CodeAlreadyUsed, SignInFailed, TooManyAttempts
from caesar.access.roles import Permission
from caesar.access.views import DIGITS, LANGUAGES, PHOTO_VIEWS
from caesar.web.gate import CSRF_COOKIE, PUBLIC, SESSION_COOKIE, requires
from caesar.web.params import Web, Who
from caesar.web.rendering import LANGUAGE_COOKIE, MenuItem
from caesar.web.state import client_address

router = APIRouter()
menu: list[MenuItem] = []

Text = Annotated[str, Form(max_length=1024)]


def safe_next(target: str | None) -> str:
    """Where to go after a form: a path on this site only (never `//elsewhere`)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    """Set a cookie as every cookie of this app is set: HttpOnly, SameSite=Strict, Secure over
    TLS (a browser refuses Secure cookies on plain http, which is how loopback serves)."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


@router.get("/login", response_class=HTMLResponse)
@requires(PUBLIC)
def login_page(request: Request, web: Web, next: str | None = None) -> Response:
    """The sign-in form (with its own CSRF token: there is no session yet)."""
    if getattr(request.state, "identity", None) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_form(request, web, next, error=None, status=200)


def _login_form(request: Request, web: Web, next: str | None, *, error: str | None,
                status: int) -> Response:
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    page = web.pages.render(request, "login.html", title=web.pages.text(request, "Sign in"),
                            status=status, csrf=token, next=safe_next(next), error=error)
    cookie(page, request, CSRF_COOKIE, token, max_age=3600)
    lang = request.query_params.get("lang")
    if lang in LANGUAGES:
        cookie(page, request, LANGUAGE_COOKIE, lang, max_age=365 * 86400)
    return page


@router.post("/login", response_class=HTMLResponse)
@requires(PUBLIC)
def sign_in(request: Request, web: Web, name: Text, password: Text,
            code: Annotated[str, Form(max_length=16)] = "",
            next: Annotated[str, Form(max_length=1024)] = "/") -> Response:
    """Check name, password and one-time code; start a session."""
    access = web.archive.access
    try:
        token = access.sign_in(name, password, code or None, client_address(request))
    except TooManyAttempts as refused:
        page = _login_form(request, web, next, error=refused.diagnostics(), status=429)
        page.headers["retry-after"] = str(refused.retry_after)
        return page
    except (SignInFailed, CodeAlreadyUsed) as failed:
        return _login_form(request, web, next, error=failed.diagnostics(), status=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    cookie(response, request, SESSION_COOKIE, token,
           max_age=int(access.sessions.lifetime.total_seconds()))
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
@requires(Permission.account_read)
def sign_out(request: Request, web: Web) -> Response:
    """End the session."""
    web.archive.access.sessions.end(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account", response_class=HTMLResponse)
@requires(Permission.account_edit)
def preferences_page(request: Request, web: Web, who: Who) -> Response:
    """A person's own settings: language, digits, how photos are shown."""
    return web.pages.render(request, "account.html", title=web.pages.text(request, "Your settings"),
                            languages=LANGUAGES, digits=DIGITS, photo_views=PHOTO_VIEWS)


@router.post("/account")
@requires(Permission.account_edit)
def save_preferences(web: Web, who: Who,
                     language: Annotated[str | None, Form(max_length=16)] = None,
                     digits: Annotated[str | None, Form(max_length=16)] = None,
                     photo_view: Annotated[str | None, Form(max_length=16)] = None,
                     next: Annotated[str, Form(max_length=1024)] = "/account") -> Response:
    """Save preferences (the language switch in every page's header posts here too)."""
    web.archive.access.accounts.set_preferences(who.user_id, language=language, digits=digits,
                                                photo_view=photo_view)
    return RedirectResponse(safe_next(next), status_code=303)
