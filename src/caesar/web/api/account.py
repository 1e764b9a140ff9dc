"""Who is signed in, and the API's own description."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from caesar.access.roles import ROLE_PERMISSIONS, Permission, Role
from caesar.web.api.answers import ForReader
from caesar.web.gate import requires
from caesar.web.params import Who

router = APIRouter(prefix="/api", tags=["account"], route_class=ForReader)


class Me(BaseModel):
    """The signed-in person and what their role allows."""

    name: str
    role: Role
    language: str
    digits: str
    photo_view: str
    permissions: list[str]
    csrf_token: str  # send it in X-CSRF-Token with every POST


@router.get("/me", response_model=Me)
@requires(Permission.account_read)
def me(who: Who) -> Me:
    """The signed-in account."""
    return Me(name=who.name, role=who.role, language=who.language, digits=who.digits,
              photo_view=who.photo_view,
              permissions=sorted(p.value for p in ROLE_PERMISSIONS[who.role]),
              csrf_token=who.csrf_token)


@router.get("/openapi.json", include_in_schema=False)
@requires(Permission.account_read)
def openapi(request: Request) -> dict[str, Any]:
    """This API's OpenAPI document (its pages are left out: they are not an API)."""
    schema: dict[str, Any] = request.app.openapi()
    return schema
