"""What every request of the web app shares: the archive, the page renderer, the settings."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fastapi import Request

from caesar.access.roles import Permission
from caesar.access.views import Identity
from caesar.cases.views import CaseView
from caesar.core import Archive
from caesar.errors import ArchiveLocked
from caesar.identify.table import CaseTable
from caesar.web.rendering import Pages

WRITE_WAIT = 10.0
"""Seconds a change made on the web waits for another writer (a command) to finish."""


@dataclass
class WebState:
    """The one archive behind the app, and how its pages are made."""

    archive: Archive
    pages: Pages
    _table: tuple[list[CaseView], CaseTable] | None = field(default=None, repr=False)
    _table_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def case_table(self) -> CaseTable:
        """Every case as matching sees it, built again only when the case index reloads
        (cases changed: an analyst's edit, a build, a name recorded), not for every page."""
        cases = self.archive.case_index.all()
        with self._table_lock:
            if self._table is None or self._table[0] is not cases:
                self._table = (cases, self.archive.identify.case_table())
            return self._table[1]

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Hold the write lock while a request changes the archive; sign a checkpoint after.

        Changes are rare next to reads, so each signs its own checkpoint: the published log
        never lags behind what people did on the web.
        """
        with self.archive.writing(wait=WRITE_WAIT):
            try:
                yield
                self.archive.checkpoint()
            finally:
                self.archive.case_index.invalidate()

    def deny(self, who: Identity, permission: Permission, route: str) -> None:
        """Count a refusal; write the custody-log entries of minutes that are over."""
        if self.archive.access.denials.record(who.user_id, permission, route):
            self.settle_denials(wait=0.0)

    def settle_denials(self, *, wait: float = WRITE_WAIT, all_minutes: bool = False) -> None:
        """One custody-log entry per person, permission, route and minute that is over (all
        of them when the app stops). Refusals never wait for a busy archive: another command
        holding the lock means the next refusal settles them."""
        try:
            with self.archive.writing(wait=wait):
                if self.archive.access.denials.settle(all_minutes=all_minutes):
                    self.archive.checkpoint()
        except ArchiveLocked:
            pass


def web_state(request: Request) -> WebState:
    """The app's shared state (a FastAPI dependency)."""
    state: WebState = request.app.state.web
    return state


def client_address(request: Request) -> str | None:
    """The client's address as the server saw it (only ever stored as a keyed hash)."""
    return request.client.host if request.client else None
