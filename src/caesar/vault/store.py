"""Where encrypted objects live: one interface, a local folder now, S3 later.

A store only ever sees sealed bytes and opaque names. Writing goes through a *pending* object
(a temporary file or key) that becomes visible under its name in one atomic step, so that a
crash never leaves a half-written object under a real name.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from caesar import faults
from caesar.errors import CaesarError, MissingObject
from caesar.vault.keys import fsync_dir

COMMIT_POINT = faults.declare(
    "store.commit", "a sealed object is written under its pending name and about to be made"
    " durable under its real name (eio, enospc: the disk fails or is full; the object is not"
    " stored)")
READ_POINT = faults.declare(
    "store.read", "a stored object is about to be opened for reading (verify, exports,"
    " viewing; eio: the disk cannot read it)")


@dataclass(frozen=True)
class Pending:
    """A written but not yet committed object; picklable, so worker processes can hand it on."""

    token: str


class ObjectStore(Protocol):
    """What the archive needs of a place that holds encrypted objects."""

    def create(self) -> tuple[Pending, BinaryIO]:
        """A new pending object and a file to write its sealed bytes to."""

    def commit(self, pending: Pending, name: str) -> bool:
        """Make `pending` visible as `name`; False (and the pending one dropped) if it exists."""

    def discard(self, pending: Pending) -> None:
        """Drop a pending object that will not be committed."""

    def exists(self, name: str) -> bool:
        """Whether an object called `name` is stored."""

    def open(self, name: str) -> BinaryIO:
        """Read a stored object; raises MissingObject if there is none."""

    def names(self) -> Iterator[str]:
        """Every stored object's name."""

    def clean_pending(self) -> int:
        """Remove pending objects left by a crash; returns how many."""


class LocalStore:
    """Objects as files under one folder: `ab/abcdef…`, written via `.pending/`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pending = root / ".pending"

    def ensure(self) -> None:
        """Create the folders a new store needs."""
        self._pending.mkdir(parents=True, exist_ok=True)

    def _path(self, name: str) -> Path:
        if len(name) < 3 or not name.isalnum():
            raise CaesarError(f"{name!r} is not a valid object name.")
        return self.root / name[:2] / name

    def create(self) -> tuple[Pending, BinaryIO]:
        token = secrets.token_hex(16)
        return Pending(token), open(self._pending / token, "xb")

    def commit(self, pending: Pending, name: str) -> bool:
        tmp = self._pending / pending.token
        final = self._path(name)
        faults.point(COMMIT_POINT)
        if final.exists():
            tmp.unlink()
            return False
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp, final)
        fsync_dir(final.parent)
        return True

    def discard(self, pending: Pending) -> None:
        (self._pending / pending.token).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    def open(self, name: str) -> BinaryIO:
        faults.point(READ_POINT)
        try:
            return open(self._path(name), "rb")
        except FileNotFoundError:
            raise MissingObject(
                f"Stored object {name} is missing.",
                hint="Run `caesar verify` and restore the object from a replica.",
            ) from None

    def names(self) -> Iterator[str]:
        for fan in sorted(self.root.iterdir()):
            if fan.is_dir() and not fan.name.startswith("."):
                for obj in sorted(fan.iterdir()):
                    yield obj.name

    def clean_pending(self) -> int:
        leftovers = list(self._pending.iterdir())
        for leftover in leftovers:
            leftover.unlink()
        return len(leftovers)


class RemovableStore(LocalStore):
    """A local store whose objects can be deleted: packages held for a download, and the
    photos families give (withdrawn when a family asks). Never the store of originals, which
    has no way to delete anything, by design."""

    def remove(self, name: str) -> bool:
        """Delete the object `name`; False if there was none."""
        path = self._path(name)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        fsync_dir(path.parent)
        return True

    def modified(self, name: str) -> float:
        """When the object `name` was committed (seconds since the epoch)."""
        return self._path(name).stat().st_mtime


def open_store(url: str, archive: Path) -> LocalStore:
    """The store named by a settings URL (`file:objects` is relative to the archive)."""
    if url.startswith("file:"):
        path = Path(url.removeprefix("file:"))
        return LocalStore(path if path.is_absolute() else archive / path)
    raise CaesarError(
        f"Unsupported store URL {url!r}.",
        hint="Use file:PATH; S3-compatible stores arrive with the scale-out backends.",
    )
