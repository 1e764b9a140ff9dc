"""Packages made for an approved request, held encrypted inside the archive until downloaded.

Each file of the package becomes its own encrypted object (the archive's object format, under
a key of its own) with a random name, and a manifest object lists them; the catalogue keeps
only the manifest's name. Nothing of the package is plaintext at rest, not even its file names
(which name originals by SHA-256). A download streams a tar archive decrypted on the fly, with
memory flat whatever the package's size.

These objects live in their own store (``held/`` in the archive folder), not beside the
originals: the store of originals has no way to delete anything, by design, while a held
package must be deleted when it expires.
"""

from __future__ import annotations

import io
import json
import secrets
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from caesar.errors import CorruptObject, MissingObject
from caesar.vault.envelope import Encryptor, decrypt
from caesar.vault.keys import Keys
from caesar.vault.store import DeletingStore, RemovableStore

HELD_DIR = "held"
_READ = 1 << 20
_BLOCK = tarfile.BLOCKSIZE


@dataclass(frozen=True)
class Held:
    """A package put away: the name of its manifest object and its size in bytes."""

    name: str
    size: int


class HeldPackages:
    """The encrypted store of packages waiting for their download."""

    def __init__(self, store: DeletingStore, keys: Keys) -> None:
        """The packages in `store`: the archive's (:meth:`of_archive`) or a replica's copy,
        on a folder or in a bucket."""
        self._store = store
        self._key = keys.subkey("held-exports")

    @classmethod
    def of_archive(cls, archive: Path, keys: Keys) -> HeldPackages:
        """The packages the archive at `archive` holds."""
        return cls(RemovableStore(archive / HELD_DIR), keys)

    def hold(self, folder: Path) -> Held:
        """Encrypt every file under `folder` into the store; `folder` itself is left as it is."""
        self._store.ensure()
        entries = []
        total = 0
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            size = path.stat().st_size
            with open(path, "rb") as source:
                name = self._put(source.read, size)
            entries.append({"path": path.relative_to(folder).as_posix(), "object": name,
                            "size": size})
            total += size
        manifest = json.dumps(entries).encode()
        return Held(self._put(io.BytesIO(manifest).read, len(manifest)), total)

    def _put(self, read: Callable[[int], bytes], size: int) -> str:
        encryptor = Encryptor(self._key, size)
        pending, out = self._store.create()
        try:
            with out:
                while block := read(_READ):
                    out.write(encryptor.update(block))
                out.write(encryptor.finish())
        except BaseException:
            self._store.discard(pending)
            raise
        name = secrets.token_hex(32)
        self._store.commit(pending, name)
        return name

    def _manifest(self, name: str) -> list[dict[str, object]]:
        entries: list[dict[str, object]] = json.loads(b"".join(self._open(name)))
        return entries

    def _open(self, name: str) -> Iterator[bytes]:
        with self._store.open(name) as f:
            yield from decrypt(self._key, f, name)

    def tar(self, name: str, top: str) -> Iterator[bytes]:
        """The package as an uncompressed tar stream, every path under `top`/."""
        now = int(time.time())
        for entry in self._manifest(name):
            info = tarfile.TarInfo(f"{top}/{entry['path']}")
            info.size, info.mtime, info.mode = int(str(entry["size"])), now, 0o600
            yield info.tobuf(format=tarfile.PAX_FORMAT)
            yield from self._open(str(entry["object"]))
            yield bytes(-info.size % _BLOCK)
        yield bytes(2 * _BLOCK)  # the end-of-archive marker

    def objects(self, name: str) -> list[str]:
        """The names of the package's objects, its manifest last (raises MissingObject or
        CorruptObject when the manifest is gone or damaged)."""
        return [*(str(entry["object"]) for entry in self._manifest(name)), name]

    def check(self, name: str) -> Literal["ok", "damaged", "missing"]:
        """Decrypt the whole package (each chunk is authenticated): intact, damaged or
        missing?"""
        try:
            for entry in self._manifest(name):
                for _ in self._open(str(entry["object"])):
                    pass
        except MissingObject:
            return "missing"
        except (CorruptObject, OSError, ValueError):
            return "damaged"
        return "ok"

    def remove(self, name: str) -> None:
        """Delete the package: every file's object, then its manifest."""
        try:
            entries = self._manifest(name)
        except MissingObject:
            return
        for entry in entries:
            self._store.remove(str(entry["object"]))
        self._store.remove(name)

    def sweep(self, kept: set[str], older_than: float) -> int:
        """Delete every object that no package in `kept` (manifest names) holds and that was
        committed before `older_than` (seconds since the epoch); returns how many.

        A production that dies between putting its package away and recording it in the
        catalogue leaves objects nothing points to; the age spares a production still under
        way in another process, whose objects are new.
        """
        held = set(kept)
        for name in kept:
            try:
                held.update(str(entry["object"]) for entry in self._manifest(name))
            except MissingObject:
                continue
        orphans = [name for name in self._store.names()
                   if name not in held and self._store.modified(name) < older_than]
        for name in orphans:
            self._store.remove(name)
        return len(orphans)

    def clean_pending(self) -> int:
        """Remove objects left half-written by a crash."""
        return self._store.clean_pending()
