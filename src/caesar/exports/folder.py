"""The folder an export writes into.

docs/design.md: ``--out DIR`` must not exist yet, or be empty. An export never writes inside the
archive (plaintext there would break the archive's first promise) and never leaves a
half-written package that looks complete: it is built in a hidden sibling folder named
``.DIR.partial-…`` and renamed into place only once it is whole.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from caesar import faults
from caesar.errors import UsageError
from caesar.vault.keys import fsync_dir, sync_file_system

PARTIAL = ".partial-"
WRITTEN_POINT = faults.declare(
    "export.written", "an export's package is written in its hidden partial folder and not yet"
    " made durable or renamed into place")


def prepare(out: Path, *, archive: Path | None = None, store: Path | None = None) -> Path:
    """Check that `out` may receive an export; refuse before writing a byte."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"{out} exists and is not a folder.",
                         hint="Give --out a new folder, or an empty one. Nothing was written.")
    resolved = out.resolve()
    for inside in (archive, store):
        if inside is not None and resolved.is_relative_to(inside.resolve()):
            raise UsageError(f"{out} is inside the archive folder {inside}.",
                             hint="An export holds plaintext and must never be written into"
                             " the archive: give --out a folder elsewhere, such as an"
                             " encrypted external drive. Nothing was written.")
    if out.is_dir() and any(out.iterdir()):
        raise UsageError(f"{out} is not empty.",
                         hint="Give --out a new folder, or an empty one, so that an export never"
                         " mixes with other files. Nothing was written.")
    return out


@contextmanager
def staged(out: Path, *, archive: Path | None = None, store: Path | None = None
           ) -> Iterator[Path]:
    """A hidden sibling folder to build the export in, renamed to `out` when the block ends.

    If the block raises, the partial folder is removed and `out` is left as it was.
    """
    prepare(out, archive=archive, store=store)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(parent, out.name)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}{PARTIAL}", dir=parent))
    try:
        yield stage
        faults.point(WRITTEN_POINT)
        sync_file_system(stage)
        if out.is_dir():
            out.rmdir()  # empty, as prepare() checked; rename cannot replace a folder
        os.rename(stage, out)
        fsync_dir(parent)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _remove_leftovers(parent: Path, name: str) -> None:
    """Remove partial folders of `name` left by an export that died (its plaintext must not
    stay on the drive). Exports of one archive take turns (the write lock), so none of them
    is being written now."""
    for leftover in parent.glob(f".{glob.escape(name)}{PARTIAL}*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


# Where a package may be built that must never reach a disk in plaintext (a web export request:
# it is encrypted into the archive as soon as it is made). Memory file systems only.
MEMORY_FILE_SYSTEMS = frozenset({"tmpfs", "ramfs"})
_MARGIN = 64 << 20  # the report, the manifests and the file system's own blocks


def memory_folders() -> list[Path]:
    """Mounted memory file systems this process may write to (``/dev/shm``, the user's
    runtime folder), from the kernel's mount table."""
    try:
        mounts = Path("/proc/self/mounts").read_text("utf-8").splitlines()
    except OSError:
        return []
    found = []
    for line in mounts:
        fields = line.split()
        if len(fields) >= 3 and fields[2] in MEMORY_FILE_SYSTEMS:
            # The table escapes spaces and other odd bytes in octal (\040).
            point = Path(fields[1].encode().decode("unicode_escape"))
            if os.access(point, os.W_OK | os.X_OK):
                found.append(point)
    return found


@contextmanager
def in_memory(needed: int) -> Iterator[Path]:
    """A private, empty folder on a memory file system with room for `needed` bytes, removed
    when the block ends; refuses rather than fall back to a disk."""
    for root in memory_folders():
        stats = os.statvfs(root)
        if stats.f_bavail * stats.f_frsize >= needed + _MARGIN:
            work = Path(tempfile.mkdtemp(prefix="caesar-export-", dir=root))  # mode 0700
            try:
                yield work
            finally:
                shutil.rmtree(work, ignore_errors=True)
            return
    raise UsageError(
        f"There is no memory file system with room for this package ({needed / 1e6:,.0f} MB)"
        " to be made in.",
        hint="A package made for a web request is built in memory (/dev/shm), never on a disk,"
        " before it is encrypted into the archive. Make the export smaller, give /dev/shm more"
        " room, or export from the command line on the archive's machine.")
