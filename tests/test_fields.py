"""Personal data sealed value by value: opens only where it was sealed, hides its length."""

from __future__ import annotations

import pytest

from caesar.core import Archive
from caesar.errors import CorruptObject
from caesar.vault.fields import FieldCipher


def test_a_value_opens_where_it_was_sealed(archive: Archive) -> None:
    cipher = FieldCipher(archive.keys)
    sealed = cipher.seal("أم محمد، ٠٩٤٤١٢٣٤٥٦", "reporters.contact:7")
    assert "محمد".encode() not in sealed and b"0944" not in sealed
    assert cipher.open(sealed, "reporters.contact:7") == "أم محمد، ٠٩٤٤١٢٣٤٥٦"
    assert cipher.seal("x", "reporters.contact:7") != cipher.seal("x", "reporters.contact:7")


def test_a_value_moved_to_another_row_or_altered_fails_to_open(archive: Archive) -> None:
    cipher = FieldCipher(archive.keys)
    sealed = cipher.seal("Samir", "reporters.name:7")
    with pytest.raises(CorruptObject, match=r"reporters.name\) fails to open"):
        cipher.open(sealed, "reporters.name:8")
    altered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(CorruptObject, match="altered or moved"):
        cipher.open(altered, "reporters.name:7")
    with pytest.raises(CorruptObject, match="not in a known format"):
        cipher.open(b"\x02" + sealed[1:], "reporters.name:7")


def test_lengths_are_padded_and_none_stays_none(archive: Archive) -> None:
    cipher = FieldCipher(archive.keys)
    assert len(cipher.seal("Ali", "t.c:1")) == len(cipher.seal("Abdulrahman al-Ali", "t.c:1"))
    assert cipher.seal_optional(None, "t.c:1") is None
    assert cipher.open_optional(None, "t.c:1") is None


def test_another_archive_cannot_open_it(archive: Archive, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from caesar.vault.keys import KdfCost

    other = Archive.create(tmp_path / "other", "another passphrase", kdf_cost=KdfCost.test)
    try:
        sealed = FieldCipher(archive.keys).seal("Samir", "reporters.name:7")
        with pytest.raises(CorruptObject):
            FieldCipher(other.keys).open(sealed, "reporters.name:7")
    finally:
        other.close()
