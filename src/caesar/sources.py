"""Walking a SOURCE: every entry becomes a file to preserve or a reason it was skipped.

Symlinks are never followed (a drive could point outside itself, or loop); anything that is not
a regular file or a folder is skipped with its reason.

The walk opens each folder relative to its parent's descriptor, so it reaches files whose full
path is longer than the system allows (PATH_MAX); :func:`open_entry` opens such a file again
component by component. Where the walk cannot go on (a folder that cannot be opened or listed,
an entry that vanished), the deepest path it reached is a skipped entry with the reason, so
every entry met is accounted for: ``stored + duplicates + skipped = files_seen``. Paths are
kept exactly, undecodable bytes as surrogate escapes (:mod:`caesar.names`).
"""

from __future__ import annotations

import errno
import os
import resource
import stat
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from caesar.errors import SourceError

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _open_folder_budget() -> int:
    """How many folders the walk may hold open at once (one per level of nesting).

    Half the process's descriptors, so the catalogue, the store and the worker pipes always
    have theirs; deeper folders are skipped and named.
    """
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(16, min(soft if soft != resource.RLIM_INFINITY else 65536, 65536) // 2)


@dataclass(frozen=True)
class FileEntry:
    """A regular file to preserve: its path relative to the SOURCE, and where it is."""

    path: str
    location: str


@dataclass(frozen=True)
class SkippedEntry:
    """An entry that cannot be preserved, and why."""

    path: str
    reason: str


Entry = FileEntry | SkippedEntry


def _describe(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symbolic link: never followed"
    if stat.S_ISFIFO(mode):
        return "named pipe: not a regular file"
    if stat.S_ISSOCK(mode):
        return "socket: not a regular file"
    if stat.S_ISBLK(mode) or stat.S_ISCHR(mode):
        return "device file: not a regular file"
    return "not a regular file"


def _failure(what: str, exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "vanished while the source was being read"
    return f"{what}: {exc.strerror or exc}"


def walk_source(source: str) -> Generator[Entry, None, None]:
    """Every entry under `source` (a folder or one file), in a stable order."""
    root = Path(source)
    try:
        info = os.lstat(root)
    except OSError as exc:
        raise SourceError(
            f"Cannot read source {source}: {exc.strerror}.",
            hint="Check the path and that the drive is mounted.",
        ) from exc
    if stat.S_ISDIR(info.st_mode):
        yield from _walk_folder(str(root))
    elif stat.S_ISREG(info.st_mode):
        yield FileEntry(root.name, str(root))
    else:
        yield SkippedEntry(root.name, _describe(info.st_mode))


@dataclass
class _Level:
    """One open folder of the walk and the names in it still to visit."""

    fd: int
    prefix: str  # its path relative to the SOURCE, ending in '/' (empty at the root)
    names: list[str]  # sorted in reverse: the next name is popped from the end


def _listing(fd: int) -> list[str]:
    with os.scandir(fd) as scan:
        return sorted((entry.name for entry in scan), reverse=True)


def _walk_folder(root: str) -> Iterator[Entry]:
    """The folder `root`, depth first and sorted by name, without recursion.

    Holds one descriptor per level of nesting (closed on the way back up, and when the
    caller stops early).
    """
    try:
        fd = os.open(root, _DIRECTORY)
    except OSError as exc:
        yield SkippedEntry(".", _failure("folder cannot be opened", exc))
        return
    levels: list[_Level] = []
    try:
        try:
            levels.append(_Level(fd, "", _listing(fd)))
        except OSError as exc:
            os.close(fd)
            yield SkippedEntry(".", _failure("folder cannot be listed", exc))
            return
        budget = _open_folder_budget()
        while levels:
            level = levels[-1]
            if not level.names:
                os.close(levels.pop().fd)
                continue
            name = level.names.pop()
            rel = level.prefix + name
            try:
                mode = os.stat(name, dir_fd=level.fd, follow_symlinks=False).st_mode
            except OSError as exc:
                yield SkippedEntry(rel, _failure("cannot be read", exc))
                continue
            if stat.S_ISREG(mode):
                yield FileEntry(rel, os.path.join(root, rel))
            elif not stat.S_ISDIR(mode):
                yield SkippedEntry(rel, _describe(mode))
            elif len(levels) > budget:  # the SOURCE itself is not nested
                yield SkippedEntry(rel, f"folder nested more than {budget} folders deep:"
                                        " not opened")
            else:
                entered = _enter(level.fd, name, rel + "/")
                if isinstance(entered, str):
                    yield SkippedEntry(rel, entered)
                else:
                    levels.append(entered)
    finally:
        for level in levels:
            os.close(level.fd)


def _enter(parent: int, name: str, prefix: str) -> _Level | str:
    """The folder `name` opened and listed, or why it cannot be."""
    try:
        fd = os.open(name, _DIRECTORY, dir_fd=parent)
    except OSError as exc:
        return _failure("folder cannot be opened", exc)
    try:
        return _Level(fd, prefix, _listing(fd))
    except OSError as exc:
        os.close(fd)
        return _failure("folder cannot be listed", exc)


def open_entry(location: str, flags: int) -> int:
    """A descriptor for the file at `location`, even when its path is longer than PATH_MAX.

    Such a path is opened one folder at a time; like a short path, only the last component
    is held to `flags` (O_NOFOLLOW: the walk never follows a link to a file).
    """
    try:
        return os.open(location, flags)
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
    *folders, name = location.split("/")
    fd = os.open("/" if location.startswith("/") else ".", _DIRECTORY & ~os.O_NOFOLLOW)
    try:
        for folder in folders:
            if folder:
                inner = os.open(folder, _DIRECTORY & ~os.O_NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = inner
        return os.open(name, flags, dir_fd=fd)
    finally:
        os.close(fd)
