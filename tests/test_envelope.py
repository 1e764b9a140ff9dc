"""The encrypted object format: round trips, and every kind of tampering caught."""

from __future__ import annotations

import io
import os

import pytest

from caesar.errors import CorruptObject
from caesar.vault.envelope import (
    CHUNK,
    HEADER_LEN,
    TAG,
    ChangedWhileReading,
    Encryptor,
    decrypt,
    sealed_size,
)

KEY = bytes(range(32))


def seal(data: bytes, key: bytes = KEY) -> bytes:
    enc = Encryptor(key, len(data))
    out = bytearray()
    for i in range(0, len(data), 300_000):
        out += enc.update(data[i:i + 300_000])
    return bytes(out + enc.finish())


def open_(sealed: bytes, key: bytes = KEY) -> bytes:
    return b"".join(decrypt(key, io.BytesIO(sealed), "test-object"))


@pytest.mark.parametrize("length", [0, 1, 1024, 1025, CHUNK - 8, CHUNK, CHUNK + 1, 3 * CHUNK + 5])
def test_round_trip(length: int) -> None:
    data = os.urandom(length)
    sealed = seal(data)
    assert len(sealed) == sealed_size(length)
    assert open_(sealed) == data


def test_same_content_seals_differently() -> None:
    data = b"the same photo" * 100
    assert seal(data) != seal(data)


def test_wrong_key_fails() -> None:
    with pytest.raises(CorruptObject, match="test-object is damaged: chunk 0 fails"):
        open_(seal(b"x" * 5000), key=bytes(32))


def test_cut_off_at_a_chunk_boundary_fails() -> None:
    sealed = seal(os.urandom(2 * CHUNK + 10))
    with pytest.raises(CorruptObject, match="fails authentication"):
        open_(sealed[: HEADER_LEN + CHUNK + TAG])


def test_reordered_chunks_fail() -> None:
    sealed = seal(os.urandom(3 * CHUNK))
    one, two = (sealed[HEADER_LEN + i * (CHUNK + TAG):HEADER_LEN + (i + 1) * (CHUNK + TAG)]
                for i in (0, 1))
    swapped = sealed[:HEADER_LEN] + two + one + sealed[HEADER_LEN + 2 * (CHUNK + TAG):]
    with pytest.raises(CorruptObject, match="chunk 0 fails authentication"):
        open_(swapped)


def test_bad_header() -> None:
    with pytest.raises(CorruptObject, match="not a Caesar object header"):
        open_(b"JFIF" + bytes(100))


def test_length_must_match() -> None:
    enc = Encryptor(KEY, 10)
    enc.update(b"12345")
    with pytest.raises(ChangedWhileReading, match="shrank"):
        enc.finish()
    with pytest.raises(ChangedWhileReading, match="grew"):
        Encryptor(KEY, 3).update(b"1234")
