"""Personal data encrypted field by field, inside whichever database the catalogue is.

The embedded catalogue is an SQLCipher file, encrypted page by page; a PostgreSQL catalogue is
not. What would endanger a person if a database server were seized (a reporter's name and
contact, a user's second-factor secret) is therefore also sealed value by value with
AES-256-GCM under a key derived from the master key, on both backends.

Each value is bound to where it belongs (``context``: the table, the column and the row's
key), so a sealed value copied into another row or column fails to open instead of being
read as someone else's. Values are padded to a multiple of :data:`_BLOCK` bytes, so that the
length of a sealed value says little about the length of the name inside it.
"""

from __future__ import annotations

import secrets
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from caesar.errors import REPAIR_CATALOGUE, CorruptObject
from caesar.vault.keys import Keys

_VERSION = b"\x01"
NONCE = 12  # bytes of a sealed value's nonce, after its version byte
_BLOCK = 32
_LENGTH = struct.Struct(">H")
MAX_VALUE = 60_000  # bytes of UTF-8: a name, an address, a note; never a file


class FieldCipher:
    """Seals and opens single text values of personal data."""

    def __init__(self, keys: Keys) -> None:
        self._aead = AESGCM(keys.subkey("personal-fields"))

    def seal(self, value: str, context: str) -> bytes:
        """``value`` encrypted and bound to ``context`` (such as ``"reporters.contact:12"``)."""
        data = value.encode("utf-8")
        if len(data) > MAX_VALUE:
            raise ValueError(f"a personal field holds at most {MAX_VALUE} bytes")
        body = _LENGTH.pack(len(data)) + data
        body += bytes(-len(body) % _BLOCK)
        nonce = secrets.token_bytes(NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, body, _aad(context))

    def open(self, sealed: bytes, context: str) -> str:
        """The text sealed by :meth:`seal` under the same ``context``."""
        if len(sealed) < 1 + NONCE + 16 or sealed[:1] != _VERSION:
            raise CorruptObject(f"an encrypted field ({_what(context)}) is not in a known "
                                "format", hint=REPAIR_CATALOGUE)
        nonce, ciphertext = sealed[1:1 + NONCE], sealed[1 + NONCE:]
        try:
            body = self._aead.decrypt(nonce, ciphertext, _aad(context))
        except InvalidTag:
            raise CorruptObject(f"an encrypted field ({_what(context)}) fails to open: it was "
                                "altered or moved from another record",
                                hint=REPAIR_CATALOGUE) from None
        (length,) = _LENGTH.unpack_from(body)
        return body[_LENGTH.size:_LENGTH.size + length].decode("utf-8")

    def seal_optional(self, value: str | None, context: str) -> bytes | None:
        """:meth:`seal`, passing None through (an unknown value stays unknown)."""
        return None if value is None else self.seal(value, context)

    def open_optional(self, sealed: bytes | None, context: str) -> str | None:
        """:meth:`open`, passing None through."""
        return None if sealed is None else self.open(sealed, context)


def _aad(context: str) -> bytes:
    return b"caesar-field\x00" + context.encode("utf-8")


def _what(context: str) -> str:
    # The table and column only: the row's key may itself say more than an error should.
    return context.partition(":")[0]
