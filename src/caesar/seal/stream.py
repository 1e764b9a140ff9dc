"""Decrypting a bundle's parts as one stream the reader pulls from, with bounded memory.

pyrage only offers a push interface (`decrypt_io(reader, writer, identities)`), so it runs in a
background thread and hands plaintext over through a queue of at most :data:`QUEUE_DEPTH`
chunks of :data:`CHUNK` bytes: at most about 9 MiB of plaintext is ever held, whatever the
size of the bundle or of any file in it. age authenticates each 64 KiB chunk before releasing
it, and the end of the stream only when the last chunk (which carries a flag) is reached; so
plaintext handed out is authentic as far as it goes, and the bundle is whole only when
:meth:`DecryptedStream.finish` returns without error.
"""

from __future__ import annotations

import io
import queue
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyrage
from pyrage import x25519

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

CHUNK = 1 << 20
QUEUE_DEPTH = 8
_POLL = 0.2  # seconds; how often a blocked producer checks whether the reader went away


@dataclass(frozen=True)
class Failure:
    """Why decryption stopped: the identity did not open the header, or the stream broke.

    ``at_end`` is true when every byte of every part had been read: the stream was cut short
    (or its last chunk altered), rather than altered somewhere in the middle.
    """

    header: bool
    message: str
    part: int  # 1-based part where the reading stood
    at_end: bool


class _Cancelled(Exception):
    """The reader closed the stream; the producer stops."""


class _Parts(io.RawIOBase):
    """The parts' files read back to back, with the position known for error messages."""

    def __init__(self, paths: Sequence[Path]) -> None:
        super().__init__()
        self._paths = list(paths)
        self._index = 0
        self._file: io.BufferedReader | None = None
        self.exhausted = False

    @property
    def part(self) -> int:
        """The 1-based number of the part being read."""
        return min(self._index, len(self._paths) - 1) + 1

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while self._index < len(self._paths):
            if self._file is None:
                self._file = open(self._paths[self._index], "rb")  # noqa: SIM115
            data = self._file.read(size if size >= 0 else CHUNK)
            if data:
                return data
            self._file.close()
            self._file = None
            self._index += 1
        self.exhausted = True
        return b""

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()


class _Sink(io.RawIOBase):
    """Gathers pyrage's small writes (8 KiB bytes objects, kept as they are: copying them into
    one buffer would cost a third of the decryption speed) and queues them by the chunk."""

    def __init__(self, out: queue.Queue[list[bytes] | None], stop: threading.Event) -> None:
        super().__init__()
        self._out, self._stop = out, stop
        self._pieces: list[bytes] = []
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        piece = data if isinstance(data, bytes) else bytes(data)
        self._pieces.append(piece)
        self._size += len(piece)
        if self._size >= CHUNK:
            self.flush_chunk()
        return len(piece)

    def flush_chunk(self) -> None:
        """Queue what is gathered, waiting while the queue is full (unless stopped)."""
        if self._pieces:
            put(self._out, self._pieces, self._stop)
            self._pieces, self._size = [], 0


def put(out: queue.Queue[list[bytes] | None], item: list[bytes] | None,
        stop: threading.Event) -> None:
    """Queue `item`, giving up when `stop` is set (the reader is gone)."""
    while not stop.is_set():
        try:
            out.put(item, timeout=_POLL)
            return
        except queue.Full:
            continue
    raise _Cancelled


class DecryptedStream:
    """The plaintext of a bundle, read in order; see the module docstring."""

    def __init__(self, paths: Sequence[Path], identity: x25519.Identity) -> None:
        self._parts = _Parts(paths)
        self._queue: queue.Queue[list[bytes] | None] = queue.Queue(QUEUE_DEPTH)
        self._stop = threading.Event()
        self._pieces: deque[bytes] = deque()
        self._view = memoryview(b"")
        self._ended = False
        self.failure: Failure | None = None
        self.position = 0  # plaintext bytes handed out so far
        self._thread = threading.Thread(target=self._produce, args=(identity,), daemon=True,
                                        name="bundle-decrypt")
        self._thread.start()

    def _produce(self, identity: x25519.Identity) -> None:
        sink = _Sink(self._queue, self._stop)
        try:
            pyrage.decrypt_io(self._parts, sink, [identity])
        except pyrage.DecryptError as exc:
            self.failure = Failure(True, str(exc), self._parts.part, self._parts.exhausted)
        except BaseException as exc:
            if not self._stop.is_set():
                self.failure = Failure(False, str(exc) or type(exc).__name__,
                                       self._parts.part, self._parts.exhausted)
        finally:
            self._parts.close()
            try:
                # What age released before a failure is authentic as far as it goes: hand it
                # over too, so the reader learns as much as it can (the record, part sizes).
                sink.flush_chunk()
                put(self._queue, None, self._stop)
            except _Cancelled:
                pass

    def _fill(self) -> bool:
        """Make sure some plaintext is at hand; False at the end of the stream."""
        while not self._view and not self._ended:
            if self._pieces:
                self._view = memoryview(self._pieces.popleft())
                continue
            item = self._queue.get()
            if item is None:
                self._ended = True
            else:
                self._pieces.extend(item)
        return bool(self._view)

    def read(self, size: int) -> bytes:
        """Up to `size` bytes (fewer only at the end of the plaintext, or of a failure)."""
        if self._fill() and len(self._view) >= size:  # the common case: one copy
            piece, self._view = self._view[:size], self._view[size:]
            self.position += size
            return bytes(piece)
        pieces, got = [], 0
        while got < size and self._fill():
            piece = self._view[:size - got]
            self._view = self._view[len(piece):]
            pieces.append(piece)
            got += len(piece)
        self.position += got
        return b"".join(pieces)

    def skip(self, size: int) -> int:
        """Pass over up to `size` bytes without copying them; how many there were."""
        done = 0
        while done < size and self._fill():
            step = min(size - done, len(self._view))
            self._view = self._view[step:]
            done += step
        self.position += done
        return done

    def finish(self) -> Failure | None:
        """Wait for the producer; the failure, if the stream was not whole and authentic.

        Only after :meth:`read` has returned short (the plaintext, or what there was, is over).
        """
        if not self._ended:
            raise RuntimeError("finish() before the end of the stream")
        self._thread.join()
        return self.failure

    def close(self) -> None:
        """Stop reading: the producer thread ends soon after and the part files are closed."""
        self._stop.set()
        while True:  # unblock a producer waiting on a full queue
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._thread.join()
