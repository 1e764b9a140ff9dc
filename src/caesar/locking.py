"""The archive's write lock: one writer at a time, and a way to tell that it is held.

Across processes it is an flock on the archive's lock file; across the threads of one process
(the web app) a thread lock. The thread that holds it may take it again (a service method that
writes may call another), and :attr:`WriteLock.held` lets the custody log refuse an entry
appended by anyone else.

Its one owner is the service method that writes (through
:meth:`~caesar.ledger.log.CustodyLog.writing`): callers never take it. How long a writer waits
for another is the lock's :attr:`~WriteLock.patience`, set once by the face that opened the
archive: a command refuses at once, the web app waits a little.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from caesar.errors import ArchiveLocked, CaesarError

LOCK_FILE = "lock"


class WriteLock:
    """The write lock of the archive in `folder`."""

    def __init__(self, folder: Path, patience: float = 0.0) -> None:
        self._folder = folder
        self.patience = patience  # seconds to wait for another writer when none is given
        self._threads = threading.Lock()
        self._owner: int | None = None  # the thread holding it, if any

    @property
    def held(self) -> bool:
        """Whether the calling thread holds the lock."""
        return self._owner == threading.get_ident()

    @contextmanager
    def hold(self, wait: float | None = None) -> Iterator[None]:
        """Hold the lock (again, if this thread already does).

        `wait` is how many seconds to keep trying while another holds it, by default
        :attr:`patience`; then :class:`ArchiveLocked` is raised, and nothing was written.
        """
        if self.held:
            yield
            return
        wait = self.patience if wait is None else wait
        deadline = time.monotonic() + wait
        taken = self._threads.acquire(timeout=wait) if wait > 0 else \
            self._threads.acquire(blocking=False)
        if not taken:
            raise self._locked()
        try:
            with open(self._folder / LOCK_FILE, "a+b") as handle:
                while True:
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise self._locked() from None
                        time.sleep(0.05)
                self._owner = threading.get_ident()
                try:
                    yield
                finally:
                    self._owner = None
        finally:
            self._threads.release()

    def require(self, what: str) -> None:
        """Refuse `what` unless the calling thread holds the lock."""
        if not self.held:
            raise UnlockedWrite(f"{what} without holding the archive's write lock.",
                                hint="This is a defect in Caesar Archive, not in what you"
                                " did: nothing was written. Please report it.")

    def _locked(self) -> ArchiveLocked:
        return ArchiveLocked(f"Another command is changing the archive at {self._folder}.",
                             hint="Wait for it to finish, then run this command again.")


class UnlockedWrite(CaesarError):
    """Something tried to change the archive without holding its write lock."""
