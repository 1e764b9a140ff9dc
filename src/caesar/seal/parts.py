"""Writing a bundle's parts: cut at the part size, under temporary names until all are durable.

Each part is written as ``.<bundle id>.<nnn>.tmp`` (a name no reader recognises), fsynced and
closed; only when every part is durable are they renamed, in order, to ``<bundle id>.<nnn>`` and
the folder fsynced. A drive pulled out mid-way shows no bundle, or (between renames) a bundle
whose missing tail the reader reports; never a half bundle that looks whole.

Every part's access and modification times are set to one fixed moment, so that the drive does
not date the sealing (its file system may still keep a creation time: docs/sealed-bundle.md).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from caesar.files import fsync_dir
from caesar.seal.format import part_name
from caesar.vault.store import NEUTRAL_TIME  # the same for every part of every bundle

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class PartWriter(io.RawIOBase):
    """A writable stream that spreads what it is given over parts of at most `part_size` bytes.

    Write errors (a full or pulled drive) are kept in :attr:`failure`, because pyrage reports
    any error of a Python writer only as a generic message.
    """

    def __init__(self, folder: Path, bundle_id: str, part_size: int) -> None:
        super().__init__()
        self.folder, self.bundle_id, self.part_size = folder, bundle_id, part_size
        self.temporary: list[Path] = []
        self.failure: BaseException | None = None
        self._file: BinaryIO | None = None
        self._room = 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        try:
            view = memoryview(data).cast("B")
            written = 0
            while written < len(view):
                if self._room == 0:
                    self._next_part()
                assert self._file is not None
                piece = view[written:written + self._room]
                self._file.write(piece)
                written += len(piece)
                self._room -= len(piece)
            return written
        except BaseException as exc:
            self.failure = exc
            raise OSError("writing the bundle failed") from exc

    def _next_part(self) -> None:
        self._close_part()
        path = self.folder / f".{part_name(self.bundle_id, len(self.temporary) + 1)}.tmp"
        self.temporary.append(path)
        self._file = open(path, "xb")  # noqa: SIM115 - closed in _close_part
        self._room = self.part_size

    def _close_part(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.utime(self._file.fileno(), (NEUTRAL_TIME, NEUTRAL_TIME))
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None

    def publish(self) -> tuple[Path, ...]:
        """Make every part durable, then give the parts their final names."""
        self._close_part()
        final = []
        for number, tmp in enumerate(self.temporary, start=1):
            path = self.folder / part_name(self.bundle_id, number)
            os.rename(tmp, path)
            final.append(path)
        fsync_dir(self.folder)
        self.temporary = []
        return tuple(final)

    def discard(self) -> None:
        """Remove every part written so far (after a failure or an interruption)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        for tmp in self.temporary:
            tmp.unlink(missing_ok=True)
        self.temporary = []
