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

    def __post_init__(self) -> None:
        # Every service method that writes takes the archive's write lock itself; on the web
        # it waits a little for a command that holds it, rather than refusing at once.
        self.archive.write_lock.patience = WRITE_WAIT

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
        """Around a request that changes cases (an edit, a review decision, a number read):
        the case index looks again at once, so the page that follows shows the change. The
        service method takes the write lock and signs its checkpoint itself."""
        try:
            yield
        finally:
            self.archive.case_index.invalidate()

    def deny(self, who: Identity, permission: Permission, route: str) -> None:
        """Count a refusal; write the custody-log entries of minutes that are over (unless
        another writer is busy: the next refusal writes them)."""
        if self.archive.access.denials.record(who.user_id, permission, route):
            self.archive.access.denials.settle()


def web_state(request: Request) -> WebState:
    """The app's shared state (a FastAPI dependency)."""
    state: WebState = request.app.state.web
    return state


def client_address(request: Request) -> str | None:
    """The client's address as the server saw it (only ever stored as a keyed hash)."""
    return request.client.host if request.client else None
