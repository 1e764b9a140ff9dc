"""Requests a signed-in person was refused: logged for good, folded so they cannot flood the log.

Unlike activity logs that an administrator can switch off or prune, refusals go into the custody
log (append-only, signed). But a person (or a script holding their session) can be refused fifty
times a second, and fifty permanent entries a second would drown the log: so refusals are
counted per person, permission, place (a route or a command) and minute in `access_denials`,
and each minute's count becomes one `access.denied` entry with that count once the minute is
over (the next time anyone is refused, or when the administrators' alerts are read). Someone
refused `ALERT_AFTER` times within `ALERT_PERIOD` is an alert on the administrators' dashboard:
a curious colleague, a stolen session, or a role that is too narrow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from caesar.access.roles import Permission, Role
from caesar.access.views import Alert
from caesar.catalog.access import AccessDenial, User
from caesar.catalog.database import Catalog
from caesar.errors import ArchiveLocked
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog

ALERT_AFTER = 5
ALERT_PERIOD = timedelta(hours=24)


def _minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


class Denials:
    """Counting refusals, logging each minute's count, and raising alerts."""

    def __init__(self, catalog: Catalog, ledger: CustodyLog,
                 clock: Callable[[], datetime]) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._clock = clock

    def record(self, user_id: int, permission: Permission, route: str) -> bool:
        """Count that account `user_id` was refused `permission` at `route` (a short token
        such as ``api.cases.show`` or ``cli.review.confirm``). No custody-log entry is written
        here; returns whether an earlier minute's refusals wait for theirs (then call
        :meth:`settle` under the write lock)."""
        minute = _minute(self._clock())
        with self._catalog.session() as session:
            row = session.scalar(select(AccessDenial).where(
                AccessDenial.user_id == user_id, AccessDenial.permission == permission.value,
                AccessDenial.route == route, AccessDenial.at == minute,
                AccessDenial.logged.is_(False)))
            if row is None:
                session.add(AccessDenial(user_id=user_id, permission=permission.value,
                                         route=route, at=minute, count=1, logged=False))
            else:
                row.count += 1
            return bool(session.scalar(select(exists().where(
                AccessDenial.logged.is_(False), AccessDenial.at < minute))))

    def settle(self, *, all_minutes: bool = False, wait: float = 0.0) -> int:
        """Write one `access.denied` entry (with its count) for each minute that is over, or
        for every minute with `all_minutes` (when the app stops). Returns how many entries
        were written: none while another writer holds the archive's write lock past `wait`
        seconds (a refusal never waits for a busy archive by default: the next one, or the
        web app when it stops, writes them)."""
        before = _minute(self._clock()) + (timedelta(minutes=1) if all_minutes else timedelta())
        try:
            with self._ledger.writing(wait), self._catalog.session() as session:
                rows = session.execute(
                    select(AccessDenial, User.name).join(User, User.id == AccessDenial.user_id)
                    .where(AccessDenial.logged.is_(False), AccessDenial.at < before)
                    .order_by(AccessDenial.at, AccessDenial.id)).all()
                self._ledger.append_signed(session, [Event(
                    type="access.denied", time=row.at, actor=name,
                    subject=Subject.record("user", row.user_id),
                    details={"permission": Permission(row.permission).token,
                             "route": row.route, "count": row.count}) for row, name in rows])
                for row, _ in rows:
                    row.logged = True
        except ArchiveLocked:
            return 0
        return len(rows)

    def alerts(self) -> list[Alert]:
        """People refused at least `ALERT_AFTER` times in the last `ALERT_PERIOD`, most first."""
        since = _minute(self._clock() - ALERT_PERIOD)
        with self._catalog.reader() as session:
            rows = session.execute(
                select(User.name, User.role, AccessDenial.permission, AccessDenial.at,
                       AccessDenial.count)
                .join(User, User.id == AccessDenial.user_id)
                .where(AccessDenial.at >= since).order_by(AccessDenial.at)).all()
        by_user: dict[tuple[str, str], list[tuple[str, datetime, int]]] = defaultdict(list)
        for name, role, permission, at, count in rows:
            by_user[(name, role)].append((permission, at, count))
        alerts = [Alert(user=name, role=Role(role), denials=sum(c for _, _, c in found),
                        permissions=sorted({p for p, _, _ in found}),
                        first=found[0][1], last=found[-1][1])
                  for (name, role), found in by_user.items()
                  if sum(c for _, _, c in found) >= ALERT_AFTER]
        return sorted(alerts, key=lambda a: (-a.denials, a.user))
