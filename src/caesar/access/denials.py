"""Requests a signed-in person was refused: each one logged for good, repeated ones an alert.

Unlike activity logs that an administrator can switch off or prune, each denial is an entry of
the custody log (append-only, signed); a row in `access_denials` lets the dashboard count
them without reading the log. Someone refused `ALERT_AFTER` times within `ALERT_PERIOD` is an
alert on the administrators' dashboard: a curious colleague, a stolen session, or a role that
is too narrow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from caesar.access.roles import Permission, Role
from caesar.access.views import Alert, Identity
from caesar.catalog.access import AccessDenial, User
from caesar.catalog.database import Catalog
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog

ALERT_AFTER = 5
ALERT_PERIOD = timedelta(hours=24)


class Denials:
    """Recording refusals and raising alerts."""

    def __init__(self, catalog: Catalog, ledger: CustodyLog,
                 clock: Callable[[], datetime]) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._clock = clock

    def record(self, who: Identity, permission: Permission) -> None:
        """Log that `who` was refused `permission` (the caller holds the write lock)."""
        now = self._clock()
        with self._catalog.session() as session:
            session.add(AccessDenial(user_id=who.user_id, permission=permission.value, at=now))
            self._ledger.append(session, [Event(
                type="access.denied", time=now, actor=who.name,
                subject=Subject.record("user", who.user_id),
                details={"permission": permission.token})])

    def alerts(self) -> list[Alert]:
        """People refused at least `ALERT_AFTER` times in the last `ALERT_PERIOD`, most first."""
        since = self._clock() - ALERT_PERIOD
        with self._catalog.reader() as session:
            rows = session.execute(
                select(User.name, User.role, AccessDenial.permission, AccessDenial.at)
                .join(User, User.id == AccessDenial.user_id)
                .where(AccessDenial.at >= since).order_by(AccessDenial.at)).all()
        by_user: dict[tuple[str, str], list[tuple[str, datetime]]] = defaultdict(list)
        for name, role, permission, at in rows:
            by_user[(name, role)].append((permission, at))
        alerts = [Alert(user=name, role=Role(role), denials=len(found),
                        permissions=sorted({p for p, _ in found}),
                        first=found[0][1], last=found[-1][1])
                  for (name, role), found in by_user.items() if len(found) >= ALERT_AFTER]
        return sorted(alerts, key=lambda a: (-a.denials, a.user))
