"""What the access services return: accounts, the signed-in identity, the gate's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from caesar.access.roles import ROLE_PERMISSIONS, Permission, Role

Language = Literal["en", "ar"]
Digits = Literal["western", "arabic"]
PhotoView = Literal["blurred", "grayscale", "original"]

LANGUAGES: tuple[Language, ...] = ("en", "ar")
DIGITS: tuple[Digits, ...] = ("western", "arabic")
PHOTO_VIEWS: tuple[PhotoView, ...] = ("blurred", "grayscale", "original")

_T = TypeVar("_T", bound=str)


def pick(value: str, allowed: tuple[_T, ...]) -> _T:
    """`value` as one of `allowed`; anything else (written by a newer version) is the first."""
    return next((option for option in allowed if option == value), allowed[0])


class UserView(BaseModel):
    """An account as administrators see it (never its password hash or second factor)."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    role: Role
    second_factor: bool
    disabled: bool
    language: Language
    digits: Digits
    photo_view: PhotoView
    created_at: datetime
    created_by: str
    last_sign_in_at: datetime | None


class NewCredentials(BaseModel):
    """What a new (or reset) account's owner is told once: never stored in the clear."""

    model_config = ConfigDict(frozen=True)

    user: UserView
    password: str | None  # set when the system made the password up
    totp_secret: str | None
    totp_uri: str | None


@dataclass(frozen=True)
class Identity:
    """Who is behind a request: the account, its session and its CSRF token."""

    user_id: int
    name: str
    role: Role
    language: Language
    digits: Digits
    photo_view: PhotoView
    session_id: str
    csrf_token: str

    def may(self, permission: Permission) -> bool:
        """Whether this person's role allows `permission`."""
        return permission in ROLE_PERMISSIONS[self.role]


class SecurityCount(BaseModel):
    """How often one kind of thing happened at the gate in a period."""

    model_config = ConfigDict(frozen=True)

    kind: str
    count: int
    clients: int
    accounts: int
    last: datetime


class Alert(BaseModel):
    """A person who was refused again and again: an administrator should look."""

    model_config = ConfigDict(frozen=True)

    user: str
    role: Role
    denials: int
    permissions: list[str]
    first: datetime
    last: datetime


class ThrottleView(BaseModel):
    """Failed sign-ins of one account or one client, and how long it waits before the next
    attempt is heard (0: it may try now)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["account", "client"]
    name: str  # the account's name, or the client's keyed hash (no address is kept)
    failures: int
    wait: int  # seconds
    last_failure: datetime
