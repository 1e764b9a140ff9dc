"""Accounts and the gate's records, for administrators."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from pydantic import BaseModel

from caesar.access.roles import Permission
from caesar.access.service import utc_now
from caesar.access.views import Alert, SecurityCount, UserView
from caesar.web.gate import requires
from caesar.web.params import Web

router = APIRouter(prefix="/api/admin", tags=["admin"])


class Security(BaseModel):
    """The last day's counts at the gate, and people refused again and again."""

    day: list[SecurityCount]
    alerts: list[Alert]


@router.get("/users", response_model=list[UserView])
@requires(Permission.users_read)
def users(web: Web) -> list[UserView]:
    """Every account."""
    return web.archive.access.accounts.list()


@router.get("/security", response_model=Security)
@requires(Permission.security_read)
def security(web: Web) -> Security:
    """Failed sign-ins and requests without a session over a day; alerts."""
    access = web.archive.access
    return Security(day=access.security.summary(utc_now() - timedelta(days=1)),
                    alerts=access.denials.alerts())
