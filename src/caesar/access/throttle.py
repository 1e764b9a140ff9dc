"""Sign-in throttling that slows guessing down and cannot be turned against the team.

Failures are counted per account and per client (a keyed hash of its address). Past a few free
failures, each further one makes that key wait before its next attempt is heard, twice as long
each time, up to a cap: never a lockout, so anyone who knows a colleague's name can at most make
that one account wait (a few minutes at worst), and a guesser at the team's own address makes
it wait a minute at most, for every account. A sign-in that succeeds clears its account's
failures; a one-time code used twice is not a failure (the person is right, only early).
Failures are forgotten a day after the last one. An administrator sees every throttle and
clears any.

Kept in the catalogue, not in memory: each web worker and each command (`--as`) must see the
same counts, or a guesser would get a fresh allowance per worker and per run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from caesar.access.views import ThrottleView
from caesar.catalog.access import SignInThrottle
from caesar.catalog.database import Catalog

Clock = Callable[[], datetime]
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Policy:
    """How one kind of key slows down: `free` failures, then `first` doubling up to `cap`."""

    free: int
    first: timedelta
    cap: timedelta

    def delay(self, failures: int) -> timedelta:
        """How long the key waits after its `failures`-th failure."""
        if failures <= self.free:
            return timedelta(0)
        return min(self.cap, self.first * (1 << min(failures - self.free - 1, 32)))


POLICIES: dict[str, Policy] = {
    "account": Policy(free=3, first=timedelta(seconds=5), cap=timedelta(minutes=5)),
    "client": Policy(free=10, first=timedelta(seconds=1), cap=timedelta(minutes=1)),
}
MAX_KEYS = 100_000  # a flood of made-up names costs at most this many rows


def account_key(name: str) -> str:
    """The throttle key of an account name (as typed, normalised: unknown names count too)."""
    return f"account:{name[:80]}"


def client_key(client: str) -> str:
    """The throttle key of a client (its keyed hash)."""
    return f"client:{client}"


class Throttle:
    """Counting failures and saying how long a key must wait."""

    def __init__(self, catalog: Catalog, clock: Clock) -> None:
        self._catalog = catalog
        self._clock = clock

    def retry_after(self, keys: Iterable[str]) -> int:
        """Seconds until every one of `keys` may try again; 0: now."""
        now = self._clock()
        with self._catalog.reader() as session:
            untils = session.scalars(select(SignInThrottle.until).where(
                SignInThrottle.key.in_(list(keys)))).all()
        wait = max((until - now for until in untils), default=timedelta(0))
        return max(0, int(wait.total_seconds() + 0.999))

    def failed(self, keys: Iterable[str]) -> None:
        """Count a failure of each key and set how long it now waits."""
        now = self._clock()
        with self._catalog.session() as session:
            for key in keys:
                row = session.get(SignInThrottle, key)
                if row is None or row.last_failure <= now - FORGET_AFTER:
                    row = row or SignInThrottle(key=key)
                    row.failures = 0
                    session.add(row)
                row.failures += 1
                row.last_failure = now
                row.until = now + POLICIES[key.partition(":")[0]].delay(row.failures)
            session.execute(delete(SignInThrottle).where(
                SignInThrottle.last_failure <= now - FORGET_AFTER))
            count = session.scalar(select(func.count()).select_from(SignInThrottle)) or 0
            if count > MAX_KEYS:  # still full: forget the oldest failures first
                oldest = session.scalars(select(SignInThrottle.key).order_by(
                    SignInThrottle.last_failure).limit(count - MAX_KEYS)).all()
                session.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(oldest)))

    def succeeded(self, key: str) -> None:
        """A sign-in that passed clears its account's failures (not its client's)."""
        with self._catalog.session() as session:
            session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))

    def list(self) -> list[ThrottleView]:
        """Every key with failures not yet forgotten, the longest wait first."""
        now = self._clock()
        with self._catalog.reader() as session:
            rows = session.scalars(select(SignInThrottle).where(
                SignInThrottle.last_failure > now - FORGET_AFTER)).all()
        views = [ThrottleView(kind="account" if row.key.startswith("account:") else "client",
                              name=row.key.partition(":")[2],
                              failures=row.failures, last_failure=row.last_failure,
                              wait=max(0, int((row.until - now).total_seconds() + 0.999)))
                 for row in rows]
        return sorted(views, key=lambda v: (-v.wait, -v.failures, v.kind, v.name))

    def clear(self, kind: str, name: str) -> bool:
        """Forget one key's failures; False if it had none."""
        with self._catalog.session() as session:
            found = session.execute(delete(SignInThrottle).where(
                SignInThrottle.key == f"{kind}:{name}"))
            return bool(getattr(found, "rowcount", 0))
