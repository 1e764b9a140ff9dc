"""Durable writes on a local file system: a file replaced whole or not at all, and the
folder entries and file systems made to survive a power cut."""

from __future__ import annotations

import ctypes
import errno
import os
from pathlib import Path

from caesar import faults


def write_atomic(path: Path, data: bytes, *, fault: str | None = None) -> None:
    """Write `data` to `path` so that a crash leaves either the old file or the new one.

    `fault` names the moment (see :mod:`caesar.faults`) between the new file being durable
    under its temporary name and its replacing the old one.
    """
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if fault:
        faults.point(fault)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_LIBC = ctypes.CDLL(None, use_errno=True)


def sync_file_system(folder: Path) -> None:
    """Make everything written on `folder`'s file system durable: one syncfs(2).

    For many new files at once (a package, a replica's new objects), instead of an fsync per
    file: each fsync waits for a journal commit of its own, a thousand of them for a thousand
    files. Falls back to sync(2) where syncfs is missing.
    """
    fd = os.open(folder, os.O_RDONLY)
    try:
        if getattr(_LIBC, "syncfs", None) is None:
            os.sync()
        elif _LIBC.syncfs(fd) != 0:
            # A write that failed on its way to the disk (EIO, ENOSPC) is reported here: what
            # was meant to be durable is not, and whoever publishes a state must not.
            code = ctypes.get_errno()
            if code != errno.ENOSYS:
                raise OSError(code, os.strerror(code), str(folder))
            os.sync()
    finally:
        os.close(fd)
