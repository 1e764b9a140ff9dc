"""The gate's records: a flood of anonymous requests costs counters, never the custody log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from caesar.access.security import NO_SESSION, SecurityLog
from caesar.catalog.access import SecurityEvent
from caesar.core import Archive


def test_a_flood_is_counted_in_a_bounded_number_of_rows(archive: Archive) -> None:
    now = [datetime(2026, 5, 1, 10, 0, 5, tzinfo=UTC)]
    log = SecurityLog(archive.catalog, b"k" * 32, lambda: now[0], clients_per_minute=100)
    entries = archive.ledger.state().size
    for i in range(5000):
        log.record(NO_SESSION, f"203.0.113.{i % 250}.{i}")
    now[0] += timedelta(minutes=1)
    for _ in range(10):
        log.record(NO_SESSION, "198.51.100.1")
    summary = log.summary(now[0] - timedelta(hours=1))
    assert [(s.kind, s.count) for s in summary] == [(NO_SESSION, 5010)]
    with archive.catalog.reader() as session:
        rows = session.scalar(select(func.count()).select_from(SecurityEvent))
        clients = set(session.scalars(select(SecurityEvent.client)))
    assert rows is not None and rows <= 102  # 100 clients and "many" in the first minute, 1 after
    assert "many" in clients and not any("203.0.113" in c for c in clients)
    assert archive.ledger.state().size == entries  # nothing of it in the custody log
