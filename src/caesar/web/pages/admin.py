"""Administration: accounts (never an administrator: those are made on the machine), the
security log, and alerts of people refused again and again."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caesar.access.errors import AccountError
from caesar.access.roles import WEB_CREATABLE_ROLES, Permission, Role
from caesar.access.service import utc_now
from caesar.web.gate import requires
from caesar.web.i18n import N_
from caesar.web.params import MAX_ID, Web, Who
from caesar.web.rendering import MenuItem

router = APIRouter()
menu = [MenuItem(N_("Accounts"), "/admin/users", Permission.users_read),
        MenuItem(N_("Security"), "/admin/security", Permission.security_read)]
UserId = Annotated[int, Form(ge=1, le=MAX_ID)]


@router.get("/admin/users", response_class=HTMLResponse)
@requires(Permission.users_read)
def users_page(request: Request, web: Web) -> Response:
    """Every account, and the form that adds one."""
    return _users(request, web, made=None)


def _users(request: Request, web: Web, made: object) -> Response:
    roles = [r for r in Role if r in WEB_CREATABLE_ROLES]
    return web.pages.render(request, "users.html", title=web.pages.text(request, "Accounts"),
                            users=web.archive.access.accounts.list(), roles=roles, made=made)


@router.post("/admin/users", response_class=HTMLResponse)
@requires(Permission.users_manage)
def add_user(request: Request, web: Web, who: Who,
             name: Annotated[str, Form(max_length=64)],
             role: Annotated[str, Form(max_length=16)],
             totp: Annotated[str, Form(max_length=8)] = "") -> Response:
    """Add an account; its made-up password (and second factor) are shown this once."""
    if role not in WEB_CREATABLE_ROLES:
        raise AccountError("Administrators are made on the archive's machine, never here.",
                           hint="Use `caesar users add NAME --role admin` there.")
    made = web.archive.access.accounts.add(name, role, actor=who.name,
                                           second_factor=True if totp == "yes" else None)
    return _users(request, web, made=made)


@router.post("/admin/users/disable")
@requires(Permission.users_manage)
def disable_user(web: Web, who: Who, user_id: UserId) -> Response:
    """Disable an account: its sessions end at once."""
    return _set_disabled(web, who.name, user_id, True)


@router.post("/admin/users/enable")
@requires(Permission.users_manage)
def enable_user(web: Web, who: Who, user_id: UserId) -> Response:
    """Enable a disabled account again."""
    return _set_disabled(web, who.name, user_id, False)


def _set_disabled(web: Web, actor: str, user_id: int, disabled: bool) -> Response:
    name = next((u.name for u in web.archive.access.accounts.list() if u.id == user_id), None)
    if name is None:
        raise AccountError("There is no such account.")
    if name == actor:
        raise AccountError("You cannot disable your own account.",
                           hint="Ask another administrator, or use `caesar users disable`.")
    web.archive.access.accounts.set_disabled(name, disabled, actor=actor)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/security", response_class=HTMLResponse)
@requires(Permission.security_read)
def security_page(request: Request, web: Web) -> Response:
    """Failed sign-ins and requests without a session (counts), sign-ins slowed down, and
    repeated refusals."""
    now = utc_now()
    access = web.archive.access
    access.denials.settle()
    return web.pages.render(request, "security.html", title=web.pages.text(request, "Security"),
                            day=access.security.summary(now - timedelta(days=1)),
                            week=access.security.summary(now - timedelta(days=7)),
                            alerts=access.denials.alerts(), throttles=access.throttle.list())


@router.post("/admin/throttles/clear")
@requires(Permission.users_manage)
def clear_throttle(web: Web, who: Who, kind: Annotated[str, Form(pattern="^(account|client)$")],
                   name: Annotated[str, Form(max_length=96)]) -> Response:
    """Let an account or a place sign in again at once (logged)."""
    web.archive.access.clear_throttle(kind, name, actor=who.name)
    return RedirectResponse("/admin/security", status_code=303)
