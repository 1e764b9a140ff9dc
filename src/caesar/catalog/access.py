"""The tables of people who use the archive through the web app, and of their sessions.

- `users`: one row per person, with one role. The password is an argon2id hash; the second
  factor's secret is sealed with :class:`caesar.vault.fields.FieldCipher` (bound to the row),
  so it stays encrypted on any database. Preferences (language, digits, how photos are shown
  until revealed) live here too.
- `web_sessions`: server-side sessions, keyed by the SHA-256 of the cookie's token (a copied
  database gives nobody a usable cookie), with their CSRF token and two expiry times.
- `security_events`: counts of failed sign-ins and of requests without a session, per kind,
  client and minute. Counts, not rows per request, so that anonymous traffic cannot flood it;
  never part of the published custody log.
- `access_denials`: requests a signed-in person was refused, counted per person, permission,
  place (a route or a command) and minute; each minute's count becomes one custody-log entry
  once the minute is over (`logged`), so refusals cannot flood the log. Repeated denials raise
  an alert for administrators.
- `sign_in_throttles`: failed sign-ins per account and per client, with the time before the
  next attempt is heard; kept here so that every web worker and every command sees them and an
  administrator can clear them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from caesar.catalog.models import Base


class User(Base):
    """A person who signs in, with one role."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str]
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed (FieldCipher)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # codes are used only once
    disabled: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(8), default="en")
    digits: Mapped[str] = mapped_column(String(8), default="western")
    photo_view: Mapped[str] = mapped_column(String(16), default="blurred")
    created_at: Mapped[datetime]
    created_by: Mapped[str]
    last_sign_in_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser: the hash of its cookie token, its CSRF token, when it expires."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the token, hex
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class SecurityEvent(Base):
    """How many times something happened to the gate in one minute, from one client."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_window", "window", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # failed_sign_in, no_session, rate_limited
    client: Mapped[str] = mapped_column(String(32))  # keyed hash of the address, or "many"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a known name tried
    window: Mapped[datetime]  # the minute it happened in
    count: Mapped[int]


class AccessDenial(Base):
    """How often a signed-in person was refused one permission at one place in one minute."""

    __tablename__ = "access_denials"
    __table_args__ = (Index("ix_access_denials_user_at", "user_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    permission: Mapped[str] = mapped_column(String(48))
    at: Mapped[datetime]  # the minute it happened in
    route: Mapped[str] = mapped_column(String(48), default="")  # e.g. api.cases.show
    count: Mapped[int] = mapped_column(default=1)
    logged: Mapped[bool] = mapped_column(default=False)  # its custody-log entry is written


class SignInThrottle(Base):
    """Failed sign-ins of one account (``account:NAME``) or one client (``client:HASH``)."""

    __tablename__ = "sign_in_throttles"
    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    failures: Mapped[int]
    last_failure: Mapped[datetime]
    until: Mapped[datetime]  # no attempt is heard before then
