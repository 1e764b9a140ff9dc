"""Walking a SOURCE: every entry becomes a file to preserve or a reason it was skipped.

Symlinks are never followed (a drive could point outside itself, or loop); anything that is not
a regular file or a folder is skipped with its reason.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from caesar.errors import SourceError


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


def display_path(raw: str) -> str:
    """A relative path as text: names that are not valid UTF-8 keep their bytes as escapes."""
    return raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


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


def walk_source(source: str) -> Iterator[Entry]:
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
        yield from _walk_folder(root, "")
    elif stat.S_ISREG(info.st_mode):
        yield FileEntry(display_path(root.name), str(root))
    else:
        yield SkippedEntry(display_path(root.name), _describe(info.st_mode))


def _walk_folder(folder: Path, prefix: str) -> Iterator[Entry]:
    try:
        with os.scandir(folder) as scan:
            children = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        yield SkippedEntry(display_path(prefix.rstrip("/") or "."),
                           f"folder unreadable: {exc.strerror}")
        return
    for child in children:
        rel = display_path(prefix + child.name)
        try:
            mode = child.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            yield SkippedEntry(rel, f"cannot be read: {exc.strerror}")
            continue
        if stat.S_ISDIR(mode):
            yield from _walk_folder(Path(child.path), prefix + child.name + "/")
        elif stat.S_ISREG(mode):
            yield FileEntry(rel, child.path)
        else:
            yield SkippedEntry(rel, _describe(mode))
