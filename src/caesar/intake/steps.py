"""The steps that secure a file, each small and behind one protocol.

A worker process runs :data:`WORKER_STEPS` on each file in order; a step may end the item's
journey early (a duplicate needs nothing more). They do only what custody needs, at the speed
of reading the drive: hash, encrypt into a pending object, and name the media type from the
first bytes. Decoding, EXIF, PDQ and thumbnails come after, from the vault (`analysis.py`),
once the drive may be unplugged. Making the objects durable under their names and recording
them happen in the main process, a batch at a time (see `service.py`): one sync of the file
system for a batch of objects, then the batch's rows, because one writer keeps the database
simple and safe.
"""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from caesar.intake.signatures import EMPTY, sniff_media_type
from caesar.media import OCTET_STREAM, SNIFF_BYTES, media_type_of
from caesar.settings import IntakeSettings
from caesar.sources import open_entry
from caesar.vault.envelope import ChangedWhileReading
from caesar.vault.objects import ObjectVault, Sealed


@dataclass
class Item:
    """One file on its way through the pipeline; picklable, so it can come back from a worker."""

    path: str
    location: str
    size: int = 0
    original: Sealed | None = None
    known: bool = False
    media_type: str | None = None
    skipped: str | None = None
    done: bool = field(default=False, repr=False)


@dataclass(frozen=True)
class Context:
    """What the steps share in one worker process."""

    vault: ObjectVault
    settings: IntakeSettings
    known: frozenset[str]


class Step(Protocol):
    """One stage of intake. It reads and fills in the item; `item.done` ends the journey."""

    name: str

    def run(self, item: Item, file: BinaryIO, ctx: Context) -> None: ...


class SealOriginal:
    """Hash and encrypt the file in one streaming pass into a pending object."""

    name = "seal"

    def run(self, item: Item, file: BinaryIO, ctx: Context) -> None:
        try:
            item.original = ctx.vault.seal_stream(file, item.size)
        except ChangedWhileReading as exc:
            item.skipped, item.done = f"{exc}; ingest it again once it is stable", True
        except OSError as exc:
            item.skipped, item.done = f"read error: {exc.strerror or exc}", True


class Dedupe:
    """An original the archive already held needs no further work."""

    name = "dedupe"

    def run(self, item: Item, file: BinaryIO, ctx: Context) -> None:
        if item.original is not None and item.original.sha256 in ctx.known:
            ctx.vault.discard(item.original)
            item.known, item.done = True, True


class Sniff:
    """The media type the first bytes show (signatures, then libmagic): what the catalogue
    says of a new original until analysis reads it whole."""

    name = "sniff"

    def run(self, item: Item, file: BinaryIO, ctx: Context) -> None:
        file.seek(0)
        item.media_type = media_type_of_head(file.read(SNIFF_BYTES), item.size)


def media_type_of_head(head: bytes, size: int) -> str:
    """A file's media type from its first bytes (at least :data:`SNIFF_BYTES` where it has
    them), as analysis would name it for content it cannot decode."""
    if size == 0:
        return EMPTY
    return sniff_media_type(head[:16]) or media_type_of(head)


WORKER_STEPS: tuple[Step, ...] = (SealOriginal(), Dedupe(), Sniff())


def process(path: str, location: str, ctx: Context) -> Item:
    """Run the worker steps on one file, opened once and never through a symlink."""
    item = Item(path, location)
    try:
        fd = open_entry(location, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NOATIME", 0))
    except PermissionError:
        fd = -1
        try:  # O_NOATIME is refused on files we do not own; plain reading is fine
            fd = open_entry(location, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError as exc:
            item.skipped = f"cannot be opened: {exc.strerror}"
            return item
    except OSError as exc:
        item.skipped = f"cannot be opened: {exc.strerror}"
        return item
    with os.fdopen(fd, "rb", buffering=0) as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            item.skipped = "no longer a regular file"
            return item
        item.size = info.st_size
        _run_steps(item, file, ctx)
    return item


def process_data(path: str, data: bytes, ctx: Context) -> Item:
    """Run the worker steps on a file whose content arrived in memory (from a sealed bundle)."""
    item = Item(path, "", size=len(data))
    _run_steps(item, io.BytesIO(data), ctx)
    return item


def process_stream(path: str, stream: BinaryIO, size: int, ctx: Context) -> Item:
    """Preserve a file too large to hold in memory that can only be read once, in order.

    Such a file (over :data:`IN_MEMORY_LIMIT`, inside a sealed bundle) is hashed and encrypted
    into a pending object as it streams by, with the media type its first bytes show
    (libmagic's reading of what the buffer holds); it is committed with its batch like any
    other, and analysis reads it back from the vault.
    """
    item = Item(path, "", size=size)
    # What the buffer already holds (a few KiB): enough for libmagic to type most content.
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if isinstance(
        stream, io.BufferedReader) else b""
    for step in (SealOriginal(), Dedupe()):
        step.run(item, stream, ctx)
        if item.done:
            return item
    item.media_type = media_type_of_head(head, size) if head else OCTET_STREAM
    return item


IN_MEMORY_LIMIT = 64 * 1024 * 1024
"""Largest file from a sealed bundle that intake holds in memory to analyse in a worker."""


def _run_steps(item: Item, file: BinaryIO, ctx: Context) -> None:
    for step in WORKER_STEPS:
        step.run(item, file, ctx)
        if item.done:
            break
