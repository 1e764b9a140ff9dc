"""Where encrypted objects live: one interface, a local folder now, S3 later.

A store only ever sees sealed bytes and opaque names. Writing goes through a *pending* object
(a temporary file or key) that becomes visible under its name in one atomic step, so that a
crash never leaves a half-written object under a real name.

Besides objects, a store keeps a few named *documents* (the archive's signed state; in a
replica also the catalogue's snapshot and the wrapped keys), each replaced whole and
atomically. A replica is a store too, so that an S3 bucket can later serve as the archive's
store or as a replica behind this one interface.

The archive's object store dates nothing: every object, and every folder that holds them,
shows one fixed modification time, so the disk does not tell when each intake happened or how
many objects it brought (a file system may still keep a change time, which no program sets).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from caesar import faults
from caesar.errors import CaesarError, MissingObject
from caesar.files import fsync_dir, sync_file_system

NEUTRAL_TIME = 946684800  # 2000-01-01T00:00:00Z: the one time every object and folder shows
DOCUMENTS = "documents"
REPAIR_HINT = "Run `caesar verify`, then `caesar repair` to put it back from a replica."
FAN = re.compile(r"[0-9a-f]{2}")
DOCUMENT_NAME = re.compile(r"[a-z][a-z0-9-]{0,40}")
SET_ASIDE = ".damaged"
_COPY_BLOCK = 1 << 30

COMMIT_POINT = faults.declare(
    "store.commit", "a sealed object is written under its pending name and about to be made"
    " durable under its real name (eio, enospc: the disk fails or is full; the object is not"
    " stored)")
SYNCED_POINT = faults.declare(
    "store.batch_synced", "a batch of sealed objects is durable under its pending names (one"
    " sync of the file system) and not yet renamed to the objects' real names")
READ_POINT = faults.declare(
    "store.read", "a stored object is about to be opened for reading (verify, exports,"
    " viewing; eio: the disk cannot read it)")


@dataclass(frozen=True)
class Pending:
    """A written but not yet committed object; picklable, so worker processes can hand it on."""

    token: str


class ObjectStore(Protocol):
    """What the archive needs of a place that holds encrypted objects."""

    def ensure(self) -> None:
        """Create what a new store needs (nothing, where there is nothing to create)."""

    def create(self) -> tuple[Pending, BinaryIO]:
        """A new pending object and a file to write its sealed bytes to."""

    def commit(self, pending: Pending, name: str) -> bool:
        """Make `pending` visible as `name`; False (and the pending one dropped) if it exists."""

    def commit_many(self, batch: Sequence[tuple[Pending, str]]) -> list[bool]:
        """:meth:`commit` each pending object of `batch` under its name, all durable when this
        returns; for each, False (and the pending one dropped) if the name existed. An object
        is visible under its name only once complete, whatever moment a crash or a power cut
        hits: some of the batch may be committed then, the rest still pending."""

    def discard(self, pending: Pending) -> None:
        """Drop a pending object that will not be committed."""

    def exists(self, name: str) -> bool:
        """Whether an object called `name` is stored."""

    def open(self, name: str) -> BinaryIO:
        """Read a stored object; raises MissingObject if there is none."""

    def names(self) -> Iterator[str]:
        """Every stored object's name."""

    def sizes(self) -> dict[str, int]:
        """Every stored object's name with its size in bytes (one listing, nothing read)."""

    def clean_pending(self) -> int:
        """Remove pending objects left by a crash; returns how many."""

    def put(self, name: str, source: BinaryIO) -> None:
        """Store the sealed bytes of `source` as they are under `name` (a copy from another
        store), replacing any object of that name; durable only after :meth:`sync`."""

    def sync(self) -> None:
        """Make every object :meth:`put` so far durable."""

    def set_aside(self, name: str) -> bool:
        """Move a damaged object out of the way (kept, never deleted) so that a good copy can
        be put back under its name; False if there was none."""

    def write_document(self, name: str, source: BinaryIO) -> None:
        """Replace the document `name` with the bytes of `source`, atomically and durably."""

    def open_document(self, name: str) -> BinaryIO | None:
        """Read the document `name`; None if there is none."""

    def lock_documents(self) -> AbstractContextManager[None]:
        """Held while a document is read, compared and replaced, so that writers take turns."""


class DeletingStore(ObjectStore, Protocol):
    """A store whose objects can be deleted (the areas beside the originals: families' photos,
    packages held for a download), in an archive or a replica, on a folder or in a bucket."""

    def remove(self, name: str) -> bool:
        """Delete the object `name`; False if there was none."""

    def modified(self, name: str) -> float:
        """When the object `name` was committed (seconds since the epoch)."""


class LocalStore:
    """Objects as files under one folder: `ab/abcdef…`, written via `.pending/`; documents in
    `documents/`."""

    # Dates nothing (see the module's docstring); a store that expires what it holds by age
    # keeps real times.
    neutral_times = True

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pending = root / ".pending"
        self._documents = root / DOCUMENTS
        self._unsynced = False  # objects were put since the last sync

    def ensure(self) -> None:
        """Create the folders a new store needs."""
        self._pending.mkdir(parents=True, exist_ok=True)
        self._neutral(self._pending, self.root)

    def _path(self, name: str) -> Path:
        if len(name) < 3 or not name.isalnum():
            raise CaesarError(f"{name!r} is not a valid object name.")
        return self.root / name[:2] / name

    def _neutral(self, *paths: Path) -> None:
        if self.neutral_times:
            for path in paths:
                os.utime(path, (NEUTRAL_TIME, NEUTRAL_TIME))

    def create(self) -> tuple[Pending, BinaryIO]:
        token = secrets.token_hex(16)
        return Pending(token), open(self._pending / token, "xb")

    def commit(self, pending: Pending, name: str) -> bool:
        tmp = self._pending / pending.token
        final = self._path(name)
        faults.point(COMMIT_POINT)
        if final.exists():
            tmp.unlink()
            self._neutral(self._pending)
            return False
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        self._neutral(tmp)
        self._place(tmp, final)
        fsync_dir(final.parent)
        return True

    def commit_many(self, batch: Sequence[tuple[Pending, str]]) -> list[bool]:
        # Two syncs of the file system for the whole batch instead of two fsyncs per object
        # (each of which waits for a journal commit of its own): the first makes every
        # object's bytes durable under its pending name, so that a name only ever shows a
        # complete object, even after a power cut; the second makes the renames durable.
        for _ in batch:
            faults.point(COMMIT_POINT)
        if not batch:
            return []
        self._neutral(*(self._pending / pending.token for pending, _ in batch))
        sync_file_system(self._pending)
        faults.point(SYNCED_POINT)
        placed = []
        folders: set[Path] = set()  # their times are set once, after the batch's renames
        for pending, name in batch:
            tmp, final = self._pending / pending.token, self._path(name)
            if final.exists():  # complete: nothing is ever renamed here before it is durable
                tmp.unlink()
                placed.append(False)
                continue
            if final.parent not in folders and not final.parent.is_dir():
                final.parent.mkdir(exist_ok=True)
                folders.add(self.root)
            os.replace(tmp, final)
            folders.add(final.parent)
            placed.append(True)
        self._neutral(self._pending, *folders)
        sync_file_system(self._pending)
        return placed

    def _place(self, tmp: Path, final: Path) -> None:
        fan_is_new = not final.parent.exists()
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp, final)
        self._neutral(final.parent, self._pending, *([self.root] if fan_is_new else []))

    def discard(self, pending: Pending) -> None:
        (self._pending / pending.token).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    def open(self, name: str) -> BinaryIO:
        faults.point(READ_POINT)
        try:
            return open(self._path(name), "rb")
        except FileNotFoundError:
            raise MissingObject(f"Stored object {name} is missing.", hint=REPAIR_HINT) from None

    def _fans(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        for fan in sorted(self.root.iterdir()):
            if FAN.fullmatch(fan.name) and fan.is_dir():
                yield fan

    def names(self) -> Iterator[str]:
        for fan in self._fans():
            for obj in sorted(fan.iterdir()):
                yield obj.name

    def sizes(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for fan in self._fans():
            with os.scandir(fan) as entries:
                for entry in entries:
                    found[entry.name] = entry.stat(follow_symlinks=False).st_size
        return found

    def clean_pending(self) -> int:
        if not self._pending.is_dir():
            return 0  # a store nothing was ever written to
        leftovers = list(self._pending.iterdir())
        for leftover in leftovers:
            leftover.unlink()
        if leftovers:
            self._neutral(self._pending)
        return len(leftovers)

    def put(self, name: str, source: BinaryIO) -> None:
        final = self._path(name)
        if not final.parent.is_dir():
            final.parent.mkdir(exist_ok=True)
        tmp = self._pending / secrets.token_hex(16)
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            _copy_fd(source, out)
            if self.neutral_times:
                os.utime(out, (NEUTRAL_TIME, NEUTRAL_TIME))
        except BaseException:
            os.close(out)
            tmp.unlink(missing_ok=True)
            raise
        os.close(out)
        os.replace(tmp, final)
        # The folders' times are set once, by sync: a copy of thousands of objects would
        # otherwise pay three more system calls for each.
        self._unsynced = True

    def sync(self) -> None:
        if self._unsynced:
            self._neutral(self.root, self._pending, *self._fans())
            sync_file_system(self.root)
        self._unsynced = False

    def set_aside(self, name: str) -> bool:
        path = self._path(name)
        if not path.exists():
            return False
        aside = self.root / SET_ASIDE
        aside.mkdir(exist_ok=True)
        os.replace(path, aside / f"{name}.{secrets.token_hex(4)}")
        fsync_dir(aside)
        fsync_dir(path.parent)
        self._neutral(aside, path.parent)
        return True

    def _document(self, name: str) -> Path:
        if not DOCUMENT_NAME.fullmatch(name):
            raise CaesarError(f"{name!r} is not a valid document name.")
        return self._documents / name

    def write_document(self, name: str, source: BinaryIO) -> None:
        final = self._document(name)
        self._ensure_documents()
        tmp = final.with_name(f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            with open(tmp, "xb") as out:
                _copy(source, out)
                out.flush()
                os.fsync(out.fileno())
            self._neutral(tmp)
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(self._documents)
        self._neutral(self._documents)

    def open_document(self, name: str) -> BinaryIO | None:
        try:
            return open(self._document(name), "rb")
        except FileNotFoundError:
            return None

    def _ensure_documents(self) -> None:
        if not self._documents.is_dir():
            self._documents.mkdir(parents=True, exist_ok=True)
            self._neutral(self._documents, self.root)

    @contextmanager
    def lock_documents(self) -> Iterator[None]:
        self._ensure_documents()
        lock = self._documents / ".lock"
        with open(lock, "a+b") as handle:
            if self.neutral_times:
                os.utime(handle.fileno(), (NEUTRAL_TIME, NEUTRAL_TIME))
                self._neutral(self._documents)
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class RemovableStore(LocalStore):
    """A local store whose objects can be deleted: packages held for a download, and the
    photos families give (withdrawn when a family asks). Never the store of originals, which
    has no way to delete anything, by design."""

    neutral_times = False  # held packages expire by the time they were committed

    def remove(self, name: str) -> bool:
        """Delete the object `name`; False if there was none."""
        path = self._path(name)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        self._neutral(path.parent)
        fsync_dir(path.parent)
        return True

    def modified(self, name: str) -> float:
        """When the object `name` was committed (seconds since the epoch)."""
        return self._path(name).stat().st_mtime


class UndatedStore(RemovableStore):
    """A removable store that dates nothing, as the store of originals: the photos families
    give (when each was given is nobody's business) and a replica's copies of removable
    stores."""

    neutral_times = True


def _copy(source: BinaryIO, out: BinaryIO) -> None:
    """Copy all of `source` into `out`, in the kernel where both are files."""
    _copy_fd(source, out.fileno())


def _copy_fd(source: BinaryIO, out: int) -> None:
    """Copy all of `source` into the open file `out`, in the kernel where `source` is a file."""
    try:
        fd = source.fileno()
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        # The kernel copies (and shares the blocks, on a file system that can): the bytes
        # never pass through Python, so replication runs at the disk's speed. copy_file_range
        # refuses some pairs of file systems; sendfile takes any.
        offset = os.lseek(fd, 0, os.SEEK_CUR)
        try:
            while sent := os.copy_file_range(fd, out, _COPY_BLOCK, offset):
                offset += sent
        except OSError as error:
            if error.errno not in (errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                raise
            while sent := os.sendfile(out, fd, offset, _COPY_BLOCK):
                offset += sent
        return
    while block := source.read(1 << 20):
        view = memoryview(block)
        while view:
            view = view[os.write(out, view):]
