"""The gate's own records: failed sign-ins and requests without a session.

These never go into the custody log: anyone on the network can cause them, and a log that
anonymous traffic can fill is no log. They are *counted* per kind, client and minute (a
client is a keyed hash of its address), in memory, and written to the catalogue at most every
`flush_every`; the number of clients kept apart per minute is capped, past which they are
counted together as ``many``. So a flood costs a counter, not a write per request.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select

from caesar.access.views import SecurityCount
from caesar.catalog.access import SecurityEvent
from caesar.catalog.database import Catalog

Clock = Callable[[], datetime]
_Key = tuple[str, str, int | None, datetime]  # kind, client, user id, minute

FAILED_SIGN_IN = "failed_sign_in"
NO_SESSION = "no_session"
RATE_LIMITED = "rate_limited"
KINDS = (FAILED_SIGN_IN, NO_SESSION, RATE_LIMITED)
MANY = "many"


class SecurityLog:
    """Counts of what happened at the gate."""

    def __init__(self, catalog: Catalog, client_key: bytes, clock: Clock, *,
                 flush_every: timedelta = timedelta(seconds=30), clients_per_minute: int = 1000
                 ) -> None:
        self._catalog = catalog
        self._client_key = client_key
        self._clock = clock
        self._flush_every = flush_every
        self._cap = clients_per_minute
        self._pending: Counter[_Key] = Counter()
        self._minute: datetime | None = None
        self._clients_this_minute: set[_Key] = set()
        self._lock = threading.Lock()
        self._last_flush = clock()

    def client(self, address: str | None) -> str:
        """A client's name in the records: a keyed hash of its address (no address kept)."""
        digest = hmac.new(self._client_key, (address or "unknown").encode(), hashlib.sha256)
        return digest.hexdigest()[:16]

    def record(self, kind: str, address: str | None, user_id: int | None = None) -> None:
        """Count one event; written out with the others of its minute."""
        now = self._clock()
        window = now.replace(second=0, microsecond=0)
        key: _Key = (kind, self.client(address), user_id, window)
        with self._lock:
            if window != self._minute:
                self._minute, self._clients_this_minute = window, set()
            if key not in self._clients_this_minute:
                if len(self._clients_this_minute) >= self._cap:
                    key = (kind, MANY, None, window)
                else:
                    self._clients_this_minute.add(key)
            self._pending[key] += 1
            due = now - self._last_flush >= self._flush_every
        if due:
            self.flush()

    def flush(self) -> None:
        """Write the counts kept in memory to the catalogue."""
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._last_flush = self._clock()
        if not pending:
            return
        with self._catalog.session() as session:
            for (kind, client, user_id, window), count in pending.items():
                row = session.scalar(select(SecurityEvent).where(
                    SecurityEvent.kind == kind, SecurityEvent.client == client,
                    SecurityEvent.window == window, SecurityEvent.user_id.is_(None)
                    if user_id is None else SecurityEvent.user_id == user_id))
                if row is None:
                    session.add(SecurityEvent(kind=kind, client=client, user_id=user_id,
                                              window=window, count=count))
                else:
                    row.count += count

    def summary(self, since: datetime) -> list[SecurityCount]:
        """Per kind since `since`: how many, from how many clients, about how many accounts."""
        self.flush()
        with self._catalog.reader() as session:
            rows = session.execute(
                select(SecurityEvent.kind, func.sum(SecurityEvent.count),
                       func.count(SecurityEvent.client.distinct()),
                       func.count(SecurityEvent.user_id.distinct()),
                       func.max(SecurityEvent.window))
                .where(SecurityEvent.window >= since.replace(second=0, microsecond=0))
                .group_by(SecurityEvent.kind).order_by(SecurityEvent.kind)).all()
        return [SecurityCount(kind=kind, count=int(count), clients=clients, accounts=accounts,
                              last=last) for kind, count, clients, accounts, last in rows]
