"""Watching the catalogue's commits: a hook inside each writing transaction, one after it.

The archive signs its state after every commit that changed something (see
:mod:`caesar.ledger.state`). Sessions are where every commit happens, so the hooks hang on the
catalogue's session factory: ``capture`` runs inside the transaction just before it commits
(it may write, and what it returns describes exactly what commits), ``publish`` runs after the
commit with that value. A transaction that only read commits without either.

Whether a transaction wrote is seen on the connection: some writes go to the driver directly
(the custody log's bulk inserts), past the ORM's own bookkeeping.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
_WROTE = "caesar.wrote"
_CAPTURED = "caesar.captured"
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def track_writes(engine: Engine) -> None:
    """Mark a connection whose current transaction has written."""

    def before_execute(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if _WRITES.match(statement):
            conn.info[_WROTE] = True

    def ended(conn: Connection) -> None:
        conn.info.pop(_WROTE, None)

    event.listen(engine, "before_cursor_execute", before_execute)
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)


class CommitWatch(Generic[T]):
    """``capture`` inside each writing transaction before it commits, ``publish`` after."""

    def __init__(self, sessions: sessionmaker[Session], capture: Callable[[Session], T | None],
                 publish: Callable[[T], None]) -> None:
        self._capture = capture
        self._publish = publish
        event.listen(sessions, "before_commit", self._before)
        event.listen(sessions, "after_commit", self._after)
        event.listen(sessions, "after_rollback", self._forget)

    def _before(self, session: Session) -> None:
        session.flush()  # the ORM's pending rows, so that the connection knows it wrote
        connection = session.connection()
        if not connection.info.get(_WROTE):
            return
        session.info[_CAPTURED] = self._capture(session)

    def _after(self, session: Session) -> None:
        captured = session.info.pop(_CAPTURED, None)
        if captured is not None:
            self._publish(captured)

    @staticmethod
    def _forget(session: Session) -> None:
        session.info.pop(_CAPTURED, None)
