"""The one mechanism that lets a request through or refuses it.

Every route declares what it needs with :func:`requires` (a :class:`Permission`, or
:data:`PUBLIC` for the few pages a person needs before signing in). The app runs
:func:`guard` before every route: it finds who is asking (the session cookie), checks the CSRF
token of every unsafe method, and refuses

- a route that declared nothing (and the app refuses to start with one: :func:`undeclared`),
- a request without a session to anything not public (counted in the security log),
- a signed-in person whose role lacks the permission (a custody-log entry, and an alert for
  administrators when it happens again and again).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any, Final, TypeVar

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.concurrency import run_in_threadpool

from caesar.access.roles import Permission
from caesar.access.security import NO_SESSION
from caesar.access.views import Identity
from caesar.errors import CaesarError
from caesar.web.state import WebState, client_address

PUBLIC: Final = "public"
"""Declared by routes anyone may reach: the sign-in page, the style sheet."""

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE: Final = "caesar_session"
CSRF_COOKIE: Final = "caesar_csrf"  # before signing in: the sign-in form's token
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "x-csrf-token"
_MARK = "__caesar_permission__"

Declared = Permission | str
_F = TypeVar("_F", bound=Callable[..., Any])


class NotSignedIn(CaesarError):
    """A request without a (live) session to something that needs one."""

    def __init__(self) -> None:
        super().__init__("Sign in to see this page.")


class Forbidden(CaesarError):
    """A signed-in person's role does not allow this."""

    def __init__(self, permission: Permission | None) -> None:
        super().__init__("Your role does not allow this.",
                         hint="This refusal was recorded. Ask an administrator if your work"
                         " needs it.")
        self.permission = permission


class CsrfRefused(CaesarError):
    """An unsafe request without the right CSRF token (or from another site)."""

    def __init__(self) -> None:
        super().__init__("This form has expired or did not come from this site.",
                         hint="Go back, reload the page and send it again.")


def requires(permission: Declared) -> Callable[[_F], _F]:
    """Declare what a route needs; put it below the router's decorator."""
    if permission != PUBLIC and not isinstance(permission, Permission):
        raise TypeError(f"a route needs a Permission or PUBLIC, not {permission!r}")

    def mark(endpoint: _F) -> _F:
        setattr(endpoint, _MARK, permission)
        return endpoint

    return mark


def declared(endpoint: Any) -> Declared | None:
    """What a route's endpoint declared, or None."""
    return getattr(endpoint, _MARK, None)


def routes(app: FastAPI) -> list[tuple[str, str, Declared | None]]:
    """Every (method, path, declaration) of `app`, including routers' routes. A route that
    is not an APIRoute (a mount, a plain Starlette route) counts as undeclared: the app's
    dependencies, and so the guard, never reach it."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        need = declared(route.endpoint) if isinstance(route, APIRoute) else None
        for method in sorted(context.methods or {"*"}):
            found.append((method, str(context.path), need))
    return found


def undeclared(app: FastAPI) -> list[str]:
    """The routes of `app` the guard cannot check."""
    return [f"{method} {path}" for method, path, need in routes(app) if need is None]


def identity(request: Request) -> Identity:
    """The signed-in person (for routes that declared a permission, there always is one)."""
    who: Identity | None = getattr(request.state, "identity", None)
    if who is None:
        raise NotSignedIn()
    return who


async def guard(request: Request) -> None:
    """Run before every route: identify, check CSRF, check the declared permission."""
    web: WebState = request.app.state.web
    need = declared(request.scope.get("endpoint"))
    token = request.cookies.get(SESSION_COOKIE)
    who = await run_in_threadpool(web.archive.access.sessions.resolve, token) if token else None
    request.state.identity = who
    if need != PUBLIC and who is None:
        web.archive.access.security.record(NO_SESSION, client_address(request))
        raise NotSignedIn()
    if request.method not in SAFE_METHODS:
        await _check_csrf(request, who)
    if need == PUBLIC:
        return
    if not isinstance(need, Permission) or who is None:
        raise Forbidden(None)  # undeclared: the app refuses to start with one, so never here
    if not who.may(need):
        await run_in_threadpool(web.deny, who, need, place(request))
        raise Forbidden(need)


def place(request: Request) -> str:
    """Where a request went, as the custody log names it: ``api.cases.show``."""
    endpoint = request.scope.get("endpoint")
    area = "api" if request.url.path.startswith("/api/") else "web"
    module = getattr(endpoint, "__module__", "").rsplit(".", 1)[-1]
    return f"{area}.{module}.{getattr(endpoint, '__name__', 'route')}".lower()[:40]


async def _check_csrf(request: Request, who: Identity | None) -> None:
    origin = request.headers.get("origin")
    # Browsers send "null" for a form posted from a page served with no-referrer.
    if origin not in (None, "null", f"{request.url.scheme}://{request.url.netloc}"):
        raise CsrfRefused()
    expected = who.csrf_token if who else request.cookies.get(CSRF_COOKIE)
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise CsrfRefused()
