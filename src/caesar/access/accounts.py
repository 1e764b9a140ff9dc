"""Accounts: one per person, with one role, an argon2id password and, for some roles, TOTP.

Every account change that matters to the evidence's custody (created, disabled, enabled,
reset) is a custody-log entry, signed with it, under the archive's write lock that each such
method takes. Preferences are not: they change nothing but how pages look.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from caesar.access import totp
from caesar.access.errors import AccountError, CodeAlreadyUsed
from caesar.access.roles import SECOND_FACTOR_ROLES, Role
from caesar.access.views import (
    DIGITS,
    LANGUAGES,
    PHOTO_VIEWS,
    NewCredentials,
    UserView,
    pick,
)
from caesar.catalog.access import User, WebSession
from caesar.catalog.database import Catalog
from caesar.errors import NotFound
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog
from caesar.vault.fields import FieldCipher

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
_NAME = re.compile(r"[\w.-]{1,64}")
Clock = Callable[[], datetime]


def normal_name(name: str) -> str:
    """An account name as stored: NFC (an Arabic name typed on two keyboards is one name)."""
    return unicodedata.normalize("NFC", name.strip())


def _secret_context(user_id: int) -> str:
    return f"users.totp_secret:{user_id}"


class Accounts:
    """Making, listing, disabling and checking accounts."""

    def __init__(self, catalog: Catalog, ledger: CustodyLog, cipher: FieldCipher,
                 clock: Clock) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._cipher = cipher
        self._clock = clock
        # argon2id with argon2-cffi's defaults (RFC 9106's second recommendation: 3 passes
        # over 64 MiB, 4 lanes), about 0.1 s a check here: slow for guessing, quick to sign in.
        self._hasher = PasswordHasher()

    @cached_property
    def _decoy(self) -> str:
        """A hash to check against when the name is unknown, so timing does not tell."""
        return self._hasher.hash(secrets.token_urlsafe(16))

    # -- changing, under the caller's write lock -----------------------------------------

    def add(self, name: str, role: Role | str, *, actor: str, password: str | None = None,
            second_factor: bool | None = None) -> NewCredentials:
        """Make an account; a missing password is made up. Returns what to tell its owner."""
        name = _valid_name(name)
        role = _valid_role(role)
        made_up = password is None
        password = _valid_password(password or _made_up_password())
        wants_totp = role in SECOND_FACTOR_ROLES or bool(second_factor)
        if role in SECOND_FACTOR_ROLES and second_factor is False:
            raise AccountError(f"The {role} role always needs a second factor.",
                               hint="Leave out --no-totp.")
        with self._ledger.writing(), self._catalog.session() as session:
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise AccountError(f"There is already an account named {name!r}.",
                                   hint="Choose another name; `caesar users list` shows them.")
            user = User(name=name, role=role.value, password_hash=self._hasher.hash(password),
                        created_at=self._clock(), created_by=actor)
            session.add(user)
            session.flush()
            secret = self._enrol(user) if wants_totp else None
            self._ledger.append_signed(session, [Event(
                type="user.created", time=self._clock(), actor=actor,
                subject=Subject.record("user", user.id), details={"role": role.value})])
            view = _view(user)
        return NewCredentials(user=view, password=password if made_up else None,
                              totp_secret=secret,
                              totp_uri=totp.provisioning_uri(secret, name) if secret else None)

    def reset(self, name: str, *, actor: str, password: str | None = None) -> NewCredentials:
        """A new password (made up if not given) and, where there is one, a new second factor.

        Every session of the account ends: whoever held the old password is signed out.
        """
        made_up = password is None
        password = _valid_password(password or _made_up_password())
        with self._ledger.writing(), self._catalog.session() as session:
            user = _get(session, name)
            user.password_hash = self._hasher.hash(password)
            secret = self._enrol(user) if user.totp_secret is not None else None
            session.execute(delete(WebSession).where(WebSession.user_id == user.id))
            self._ledger.append_signed(session, [Event(
                type="user.reset", time=self._clock(), actor=actor,
                subject=Subject.record("user", user.id))])
            view = _view(user)
        return NewCredentials(user=view, password=password if made_up else None,
                              totp_secret=secret,
                              totp_uri=totp.provisioning_uri(secret, user.name) if secret else None)

    def set_disabled(self, name: str, disabled: bool, *, actor: str) -> UserView:
        """Disable an account (its sessions end at once) or enable it again."""
        with self._ledger.writing(), self._catalog.session() as session:
            user = _get(session, name)
            if user.disabled != disabled:
                user.disabled = disabled
                if disabled:
                    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
                self._ledger.append_signed(session, [Event(
                    type="user.disabled" if disabled else "user.enabled", time=self._clock(),
                    actor=actor, subject=Subject.record("user", user.id))])
            return _view(user)

    def log_unthrottled(self, name: str, *, actor: str) -> None:
        """Record that an administrator let an account's sign-ins through again (an unknown
        name has no account and no entry)."""
        with self._ledger.writing(), self._catalog.session() as session:
            user = session.scalar(select(User).where(User.name == normal_name(name)))
            if user is not None:
                self._ledger.append_signed(session, [Event(
                    type="user.unthrottled", time=self._clock(), actor=actor,
                    subject=Subject.record("user", user.id))])

    def set_preferences(self, user_id: int, *, language: str | None = None,
                        digits: str | None = None, photo_view: str | None = None) -> UserView:
        """Change how pages look for one person (not logged: nothing about the evidence)."""
        with self._catalog.session() as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFound("That account no longer exists.")
            if language is not None:
                user.language = _choice("language", language, LANGUAGES)
            if digits is not None:
                user.digits = _choice("digits", digits, DIGITS)
            if photo_view is not None:
                user.photo_view = _choice("photo view", photo_view, PHOTO_VIEWS)
            return _view(user)

    def _enrol(self, user: User) -> str:
        secret = totp.new_secret()
        user.totp_secret = self._cipher.seal(secret, _secret_context(user.id))
        user.totp_last_step = None
        return secret

    # -- reading -------------------------------------------------------------------------

    def list(self) -> list[UserView]:
        """Every account, by name."""
        with self._catalog.reader() as session:
            return [_view(u) for u in session.scalars(select(User).order_by(User.name))]

    def get(self, name: str) -> UserView:
        """One account by name."""
        with self._catalog.reader() as session:
            return _view(_get(session, normal_name(name)))

    def check(self, name: str, password: str, code: str | None) -> tuple[int | None, int | None]:
        """(the account's id if name, password and code are right; the id of a known name).

        A code is used up on success; the right password with a code already used raises
        :class:`CodeAlreadyUsed`. A disabled account never passes. An unknown name costs as
        much time as a known one.
        """
        with self._catalog.session() as session:
            user = session.scalar(select(User).where(User.name == normal_name(name)))
            if user is None:
                _verify(self._hasher, self._decoy, password)
                return None, None
            if not _verify(self._hasher, user.password_hash, password) or user.disabled:
                return None, user.id
            if user.totp_secret is not None:
                secret = self._cipher.open(user.totp_secret, _secret_context(user.id))
                step = totp.matching_step(secret, code or "", self._clock(),
                                          user.totp_last_step)
                if step == "used":
                    raise CodeAlreadyUsed()
                if step is None:
                    return None, user.id
                user.totp_last_step = step
            if self._hasher.check_needs_rehash(user.password_hash):
                user.password_hash = self._hasher.hash(password)
            user.last_sign_in_at = self._clock()
            return user.id, user.id

    def totp_secret(self, name: str) -> str | None:
        """The second factor's secret of an account (the demo prints it; tests use it)."""
        with self._catalog.reader() as session:
            user = _get(session, normal_name(name))
            return self._cipher.open_optional(user.totp_secret, _secret_context(user.id))


def _verify(hasher: PasswordHasher, hashed: str, password: str) -> bool:
    try:
        return hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _get(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == normal_name(name)))
    if user is None:
        raise NotFound(f"No account named {name!r}.",
                       hint="`caesar users list` shows every account.")
    return user


def _view(user: User) -> UserView:
    return UserView(id=user.id, name=user.name, role=Role(user.role),
                    second_factor=user.totp_secret is not None, disabled=user.disabled,
                    language=pick(user.language, LANGUAGES),
                    digits=pick(user.digits, DIGITS),
                    photo_view=pick(user.photo_view, PHOTO_VIEWS),
                    created_at=user.created_at, created_by=user.created_by,
                    last_sign_in_at=user.last_sign_in_at)


def _valid_name(name: str) -> str:
    normal = normal_name(name)
    if not _NAME.fullmatch(normal):
        raise AccountError(f"{name!r} cannot be an account name.",
                           hint="Use 1 to 64 letters (any script), digits, '.', '-' or '_';"
                           " no spaces.")
    return normal


def _valid_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise AccountError(f"There is no role {role!r}.",
                           hint=f"Roles: {', '.join(r.value for r in Role)}.") from None


def _valid_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.",
                           hint="A few unrelated words make a long password that is easy to"
                           " remember.")
    return password


def _made_up_password() -> str:
    return secrets.token_urlsafe(15)  # 120 bits


_T = TypeVar("_T", bound=str)


def _choice(what: str, value: str, allowed: tuple[_T, ...]) -> _T:
    if value in allowed:
        return pick(value, allowed)
    raise AccountError(f"{value!r} is not a {what}.", hint=f"Choose {', '.join(allowed)}.")
