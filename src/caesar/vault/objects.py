"""The encrypted, content-addressed object vault: originals and derived images.

An object's name is HMAC-SHA256(object-name key, kind ‖ SHA-256 of the content), so the name
depends only on the content (one copy, however often it arrives) yet reveals nothing to someone
who holds a photo but not the archive's keys.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal, Protocol

from caesar.errors import CorruptObject, MissingObject
from caesar.vault.envelope import Encryptor, decrypt
from caesar.vault.keys import Keys
from caesar.vault.store import ObjectStore, Pending, RemovableStore

# Families' photos of their missing in life are a kind of their own, never originals: the
# same name key and format, in a store of their own that can delete (identify/photos.py).
Kind = Literal["original", "thumbnail", "family_photo"]
READ_SIZE = 1 << 20


@dataclass(frozen=True)
class Sealed:
    """An object written to the store's pending area: its content hash and what to commit."""

    sha256: str
    size: int
    pending: Pending


Status = Literal["ok", "damaged", "missing"]


class ObjectKeys(Protocol):
    """The two keys an object vault uses: :class:`Keys`, or :class:`VaultKeys` alone."""

    @property
    def object_names(self) -> bytes: ...

    @property
    def object_encryption(self) -> bytes: ...


@dataclass(frozen=True)
class VaultKeys:
    """Only the object keys (no catalogue, field or signing key): what a worker that reads
    originals and writes derived objects elsewhere is given (docs/deploy.md)."""

    object_names: bytes
    object_encryption: bytes

    @classmethod
    def of(cls, keys: ObjectKeys) -> VaultKeys:
        """The object keys of an archive's keys."""
        return cls(keys.object_names, keys.object_encryption)


def check_sealed(store: ObjectStore, key: bytes, name: str, sha256: str) -> Status:
    """Decrypt the object `name` with the object key `key` and re-hash it: is it intact (its
    content hashes to `sha256`), damaged or missing? Needs no other key, so that a worker
    elsewhere can check objects without holding the archive's keys."""
    digest = hashlib.sha256()
    try:
        with store.open(name) as f:
            for block in decrypt(key, f, name):
                digest.update(block)
    except MissingObject:
        return "missing"
    except (CorruptObject, OSError):  # an object the disk cannot read is as lost as a
        return "damaged"              # damaged one: both are repaired from a replica
    return "ok" if hmac.compare_digest(digest.hexdigest(), sha256) else "damaged"


class ObjectVault:
    """Seals content into a store and opens it again."""

    def __init__(self, store: ObjectStore, keys: ObjectKeys) -> None:
        self.store = store
        self._name_key = keys.object_names
        self._enc_key = keys.object_encryption

    @property
    def object_key(self) -> bytes:
        """The key that opens every object of this vault (and no catalogue, field or signing
        key): what a worker checking objects elsewhere is given, and all it is given."""
        return self._enc_key

    def name(self, kind: Kind, sha256: str) -> str:
        """The stored name of the `kind` object for content with this SHA-256."""
        msg = kind.encode() + b"\x00" + bytes.fromhex(sha256)
        return hmac.new(self._name_key, msg, hashlib.sha256).hexdigest()

    def seal_stream(
        self, source: BinaryIO, size: int, keep: bytearray | None = None
    ) -> Sealed:
        """Hash and encrypt `size` bytes from `source` in one pass into a pending object.

        When `keep` is given the plaintext is also appended to it, so that a caller can analyse
        a small file without reading it twice.
        """
        digest = hashlib.sha256()
        encryptor = Encryptor(self._enc_key, size)
        pending, out = self.store.create()
        try:
            with out:
                while block := source.read(READ_SIZE):
                    digest.update(block)
                    if keep is not None:
                        keep += block
                    out.write(encryptor.update(block))
                out.write(encryptor.finish())
        except BaseException:
            self.store.discard(pending)
            raise
        return Sealed(digest.hexdigest(), size, pending)

    def seal_bytes(self, data: bytes) -> Sealed:
        """Seal content that is already in memory (thumbnails)."""
        return self.seal_stream(io.BytesIO(data), len(data))

    def commit(self, kind: Kind, sealed: Sealed) -> bool:
        """Store a sealed object under its name; False if the archive already had it."""
        return self.store.commit(sealed.pending, self.name(kind, sealed.sha256))

    def commit_many(self, kind: Kind, batch: list[Sealed]) -> list[bool]:
        """Store each sealed object of `batch` under its name, all durable when this returns
        (see :meth:`ObjectStore.commit_many`); False for each the archive already had."""
        return self.store.commit_many(
            [(sealed.pending, self.name(kind, sealed.sha256)) for sealed in batch])

    def discard(self, sealed: Sealed) -> None:
        """Drop a sealed object that is not needed (a duplicate)."""
        self.store.discard(sealed.pending)

    def read(self, kind: Kind, sha256: str) -> Iterator[bytes]:
        """Yield the decrypted content of a stored object (checked chunk by chunk)."""
        name = self.name(kind, sha256)
        with self.store.open(name) as f:
            yield from decrypt(self._enc_key, f, name)

    def read_bytes(self, kind: Kind, sha256: str) -> bytes:
        """The whole decrypted content of a (small) stored object."""
        return b"".join(self.read(kind, sha256))

    def check(self, kind: Kind, sha256: str) -> Status:
        """Decrypt and re-hash one object: is it intact, damaged or missing?"""
        return check_sealed(self.store, self._enc_key, self.name(kind, sha256), sha256)


class RemovableVault(ObjectVault):
    """An object vault over a store that can delete (families' photos, withdrawn when the
    family asks); names, encryption and padding are the vault's own."""

    def __init__(self, store: RemovableStore, keys: Keys) -> None:
        super().__init__(store, keys)
        self._removable = store

    def ensure(self) -> None:
        """Create the store's folders (the first time something is put in it)."""
        self._removable.ensure()

    def remove(self, kind: Kind, sha256: str) -> bool:
        """Delete the `kind` object for this content; False if there was none."""
        return self._removable.remove(self.name(kind, sha256))
