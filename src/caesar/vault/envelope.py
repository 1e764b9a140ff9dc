"""The encrypted object format: every original and derived image at rest.

Layout: ``MAGIC (8) ‖ salt (32) ‖ chunk₀ ‖ chunk₁ ‖ …``. Each object gets its own AES-256-GCM
key, derived with HKDF from the archive's object key and the object's random salt. The
plaintext ``u64be(length) ‖ content ‖ zero padding`` (padded with Padmé) is cut into 1 MiB
chunks, each sealed with the nonce ``counter (11 bytes) ‖ last-chunk flag (1 byte)`` and the
header as associated data: the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015)
that age also uses, so a chunk that is altered, reordered, dropped or cut off fails to open.
We write the format by hand because no maintained library offers seekable, chunked AEAD with
padding over Python file objects; the primitives are all `cryptography`'s.
"""

from __future__ import annotations

import secrets
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from caesar.errors import CaesarError, CorruptObject
from caesar.vault.padding import padme
from caesar.vault.store import REPAIR_HINT

MAGIC = b"CAESAR\x00\x01"
SALT_LEN = 32
HEADER_LEN = len(MAGIC) + SALT_LEN
CHUNK = 1 << 20
TAG = 16
_LENGTH = struct.Struct(">Q")
_ZEROS = bytes(CHUNK)


class ChangedWhileReading(CaesarError):
    """The source file's size changed while it was being stored."""


def _object_key(root: bytes, salt: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"caesar object v1").derive(
        root
    )
    return AESGCM(key)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def sealed_size(length: int) -> int:
    """Bytes on disk for content of `length` bytes: depends only on the padded length."""
    plain = _LENGTH.size + padme(length)
    chunks = -(-plain // CHUNK)
    return HEADER_LEN + plain + chunks * TAG


class Encryptor:
    """Streams content of a known length into the sealed format.

    Feed the content with :meth:`update` and end with :meth:`finish`; both return the sealed
    bytes to write. The length is fixed up front so that it can lead the first chunk and the
    reader can stream; content of another length raises :class:`ChangedWhileReading`.
    """

    def __init__(self, root_key: bytes, length: int) -> None:
        salt = secrets.token_bytes(SALT_LEN)
        self._aead = _object_key(root_key, salt)
        self._header = MAGIC + salt
        self._length = length
        self._fed = 0
        self._index = 0
        self._remaining = _LENGTH.size + padme(length)
        self._buffer = bytearray(_LENGTH.pack(length))
        self._started = False

    def _seal(self, chunk: bytes | bytearray) -> bytes:
        self._remaining -= len(chunk)
        last = self._remaining == 0
        sealed = self._aead.encrypt(_nonce(self._index, last), bytes(chunk), self._header)
        self._index += 1
        return sealed

    def _drain(self) -> bytes:
        out = bytearray()
        if not self._started:
            out += self._header
            self._started = True
        while len(self._buffer) >= CHUNK:
            out += self._seal(self._buffer[:CHUNK])
            del self._buffer[:CHUNK]
        return bytes(out)

    def update(self, data: bytes) -> bytes:
        """Add content; returns sealed bytes ready to be written (maybe none)."""
        self._fed += len(data)
        if self._fed > self._length:
            raise ChangedWhileReading("the file grew while it was being read")
        self._buffer += data
        return self._drain()

    def finish(self) -> bytes:
        """Pad, seal the last chunks and return them."""
        if self._fed != self._length:
            raise ChangedWhileReading("the file shrank while it was being read")
        out = bytearray(self._drain())
        padding = self._remaining - len(self._buffer)
        while padding:
            room = min(padding, CHUNK - len(self._buffer))
            self._buffer += _ZEROS[:room]
            padding -= room
            out += self._drain()
        if self._buffer:
            out += self._seal(self._buffer)
            self._buffer.clear()
        return bytes(out)


def decrypt(root_key: bytes, source: BinaryIO, name: str = "object") -> Iterator[bytes]:
    """Yield the content of a sealed object, checking every chunk.

    Raises :class:`CorruptObject` naming `name` if anything was altered, reordered or cut off.
    """

    def damaged(why: str) -> CorruptObject:
        return CorruptObject(
            f"Stored object {name} is damaged: {why}.",
            hint=REPAIR_HINT,
        )

    header = source.read(HEADER_LEN)
    if len(header) != HEADER_LEN or not header.startswith(MAGIC):
        raise damaged("its header is not a Caesar object header")
    aead = _object_key(root_key, header[len(MAGIC) :])
    index = 0
    length: int | None = None
    emitted = 0
    sealed = source.read(CHUNK + TAG)
    while True:
        following = source.read(CHUNK + TAG) if len(sealed) == CHUNK + TAG else b""
        last = not following
        try:
            plain = aead.decrypt(_nonce(index, last), sealed, header)
        except InvalidTag:
            raise damaged(f"chunk {index} fails authentication") from None
        if length is None:
            if len(plain) < _LENGTH.size:
                raise damaged("it is cut short")
            (length,) = _LENGTH.unpack_from(plain)
            plain = plain[_LENGTH.size :]
        take = min(len(plain), length - emitted)
        if take:
            yield plain[:take]
            emitted += take
        if plain[take:].count(0) != len(plain) - take:
            raise damaged("its padding is not zero")
        if last:
            break
        sealed = following
        index += 1
    if emitted != length:
        raise damaged("it is cut short")
