"""What `caesar seal --since-last` remembers on the sealing machine, and how little.

The state folder holds two files:

- ``key``: 32 random bytes, the HMAC key (sealing needs no passphrase, so it sits beside);
- ``sealed``: 16-byte tags ``HMAC-SHA256(key, SHA-256(content))[:16]``, one per file that is
  both sealed and still present in the sources of the last run, mixed with random filler up to
  a power of two (at least 4096 tags), sorted so that their order says nothing about when.

No name, date, size or thumbnail is kept. Because the state is rebuilt from the files present at
each run, a file deleted after sealing leaves no trace in it. docs/sealed-bundle.md says what a
seized machine still reveals, and how to wipe the state (`caesar seal --forget`).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from caesar.files import fsync_dir, write_atomic
from caesar.seal.errors import SealError

STATE_ENV = "CAESAR_SEAL_STATE"
KEY_FILE = "key"
TAGS_FILE = "sealed"
TAG_LEN = 16  # 128 bits: no two different files will ever share a tag
MIN_SLOTS = 4096


def default_state_dir() -> Path:
    """``$CAESAR_SEAL_STATE``, else ``$XDG_STATE_HOME/caesar-seal``, else ``~/.local/state/...``."""
    given = os.environ.get(STATE_ENV)
    if given:
        return Path(given)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "caesar-seal"


def slots_for(count: int) -> int:
    """How many tags the file holds for `count` real ones: the next power of two, at least 4096."""
    slots = MIN_SLOTS
    while slots < count:
        slots *= 2
    return slots


class SealState:
    """The keyed tags of files sealed earlier from this machine."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._key: bytes | None = None
        self._tags: frozenset[bytes] = frozenset()

    def load(self) -> None:
        """Read the key and tags; a missing state is an empty one (nothing sealed yet)."""
        try:
            key = (self.folder / KEY_FILE).read_bytes()
        except FileNotFoundError:
            self._key, self._tags = secrets.token_bytes(32), frozenset()
            return
        except OSError as exc:
            raise self._unreadable(exc) from exc
        try:
            blob = (self.folder / TAGS_FILE).read_bytes()
        except FileNotFoundError:
            blob = b""
        except OSError as exc:
            raise self._unreadable(exc) from exc
        if len(key) != 32 or len(blob) % TAG_LEN:
            raise SealError(f"The --since-last state in {self.folder} is damaged.",
                            hint="Wipe it with `caesar seal --forget` (the next run then seals"
                            " everything again).")
        self._key = key
        self._tags = frozenset(blob[i:i + TAG_LEN] for i in range(0, len(blob), TAG_LEN))

    def _unreadable(self, exc: OSError) -> SealError:
        return SealError(f"Cannot read the --since-last state in {self.folder}: {exc.strerror}.",
                         hint=f"Check its permissions, or point {STATE_ENV} elsewhere.")

    def tag(self, sha256_hex: str) -> bytes:
        """The keyed tag of content with this SHA-256."""
        if self._key is None:
            raise RuntimeError("load() the state first")
        return hmac.new(self._key, bytes.fromhex(sha256_hex), hashlib.sha256).digest()[:TAG_LEN]

    def sealed_before(self, sha256_hex: str) -> bool:
        """Whether an earlier run sealed content with this SHA-256 (and it was still present)."""
        return self.tag(sha256_hex) in self._tags

    def save(self, tags: Iterable[bytes]) -> None:
        """Replace the state with `tags`, padded with random filler, durably."""
        if self._key is None:
            raise RuntimeError("load() the state first")
        real = set(tags)
        filler = {secrets.token_bytes(TAG_LEN) for _ in range(slots_for(len(real)) - len(real))}
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        key_path = self.folder / KEY_FILE
        if not key_path.exists():
            _write_private(key_path, self._key)
        _write_private(self.folder / TAGS_FILE, b"".join(sorted(real | filler)))
        self._tags = frozenset(real)


def _write_private(path: Path, data: bytes) -> None:
    # Created 0600 before any byte is written, so the key is never readable by others.
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    write_atomic(path, data)


def forget(folder: Path) -> bool:
    """Overwrite and delete the state; True if there was one.

    Overwriting helps on a plain hard disk; on flash and journaling file systems old blocks may
    survive, which is why docs/sealed-bundle.md advises full-disk encryption as well.
    """
    found = False
    for name in (TAGS_FILE, KEY_FILE, TAGS_FILE + ".tmp", KEY_FILE + ".tmp"):
        path = folder / name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            continue
        found = True
        with open(path, "r+b") as f:
            f.write(secrets.token_bytes(size))
            f.flush()
            os.fsync(f.fileno())
        path.unlink()
    if found:
        fsync_dir(folder)
    # not empty (someone put other files there) or already gone: leave it
    with contextlib.suppress(OSError):
        folder.rmdir()
    return found
