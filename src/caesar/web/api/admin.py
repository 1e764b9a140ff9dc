"""Accounts and the gate's records, for administrators."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, StringConstraints

from caesar.access.roles import Permission
from caesar.access.service import utc_now
from caesar.access.views import Alert, SecurityCount, ThrottleView, UserView
from caesar.web.api.answers import ForReader
from caesar.web.gate import requires
from caesar.web.params import Web, Who

router = APIRouter(prefix="/api/admin", tags=["admin"], route_class=ForReader)


class Security(BaseModel):
    """The last day's counts at the gate, and people refused again and again."""

    day: list[SecurityCount]
    alerts: list[Alert]
    throttles: list[ThrottleView]


class Throttled(BaseModel):
    """An account or a client whose failed sign-ins are to be forgotten."""

    kind: Literal["account", "client"]
    name: Annotated[str, StringConstraints(min_length=1, max_length=96)]


class Cleared(BaseModel):
    """Whether there was anything to forget."""

    cleared: bool


@router.get("/users", response_model=list[UserView])
@requires(Permission.users_read)
def users(web: Web) -> list[UserView]:
    """Every account."""
    return web.archive.access.accounts.list()


@router.get("/security", response_model=Security)
@requires(Permission.security_read)
def security(web: Web) -> Security:
    """Failed sign-ins and requests without a session over a day; alerts; throttles."""
    access = web.archive.access
    access.denials.settle()
    return Security(day=access.security.summary(utc_now() - timedelta(days=1)),
                    alerts=access.denials.alerts(), throttles=access.throttle.list())


@router.post("/throttles/clear", response_model=Cleared)
@requires(Permission.users_manage)
def clear_throttle(web: Web, who: Who, body: Throttled) -> Cleared:
    """Let an account or a client sign in again at once (logged)."""
    return Cleared(cleared=web.archive.access.clear_throttle(body.kind, body.name,
                                                             actor=who.name))
