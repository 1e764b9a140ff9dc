"""Server-side sessions: a random token in the browser's cookie, its hash in the catalogue.

A session ends at the first of: signing out, being idle for `idle`, `lifetime` after signing
in, the account being disabled or reset. Only the token's SHA-256 is stored, so a copy of the
catalogue holds no cookie anyone could use.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from caesar.access.roles import Role
from caesar.access.views import DIGITS, LANGUAGES, PHOTO_VIEWS, Identity, pick
from caesar.catalog.access import User, WebSession
from caesar.catalog.database import Catalog

IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=8)
# `seen_at` is written at most this often: a write per request would slow every page.
_TOUCH_EVERY = timedelta(seconds=60)


def token_id(token: str) -> str:
    """What the catalogue keeps of a session token."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class Sessions:
    """Starting, finding and ending sessions."""

    def __init__(self, catalog: Catalog, clock: Callable[[], datetime], *,
                 idle: timedelta = IDLE, lifetime: timedelta = LIFETIME) -> None:
        self._catalog = catalog
        self._clock = clock
        self.idle = idle
        self.lifetime = lifetime

    def start(self, user_id: int) -> str:
        """A new session for an account that just signed in; returns the cookie's token."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._catalog.session() as session:
            session.execute(delete(WebSession).where(
                (WebSession.expires_at <= now) | (WebSession.seen_at <= now - self.idle)))
            session.add(WebSession(id=token_id(token), user_id=user_id,
                                   csrf_token=secrets.token_urlsafe(32), created_at=now,
                                   seen_at=now, expires_at=now + self.lifetime))
        return token

    def resolve(self, token: str | None) -> Identity | None:
        """The identity behind a cookie's token, or None if it is unknown, expired or off."""
        if not token or len(token) > 128:
            return None
        now = self._clock()
        with self._catalog.reader() as session:
            row = session.execute(
                select(WebSession, User).join(User, User.id == WebSession.user_id)
                .where(WebSession.id == token_id(token))).one_or_none()
        if row is None:
            return None
        web, user = row
        if user.disabled or web.expires_at <= now or web.seen_at <= now - self.idle:
            self.end(token)
            return None
        if now - web.seen_at >= _TOUCH_EVERY:
            with self._catalog.session() as session:
                session.execute(update(WebSession).where(WebSession.id == web.id)
                                .values(seen_at=now))
        return Identity(user_id=user.id, name=user.name, role=Role(user.role),
                        language=pick(user.language, LANGUAGES),
                        digits=pick(user.digits, DIGITS),
                        photo_view=pick(user.photo_view, PHOTO_VIEWS),
                        session_id=web.id, csrf_token=web.csrf_token)

    def expires_at(self, token: str) -> datetime | None:
        """When the session of `token` ends at the latest (for the cookie's lifetime)."""
        with self._catalog.reader() as session:
            return session.scalar(select(WebSession.expires_at)
                                  .where(WebSession.id == token_id(token)))

    def end(self, token: str) -> None:
        """Sign out: the session is gone."""
        with self._catalog.session() as session:
            session.execute(delete(WebSession).where(WebSession.id == token_id(token)))
