"""C2SP signed notes: Go's reference example, round trips, and every way a note can be wrong."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from caesar.ledger.errors import NoteError
from caesar.ledger.note import generate_vkey, key_id, sign, verify

GO_EXAMPLE = json.loads(
    (Path(__file__).parent.parent / "assets" / "signed-note" / "go-note-example.json").read_text()
)
# The signer key of the same example in golang.org/x/mod/sumdb/note's documentation
# (PRIVATE+KEY+name+keyid+base64(0x01 ‖ Ed25519 seed)).
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"


def _go_private_key() -> Ed25519PrivateKey:
    seed = base64.b64decode(GO_SKEY.split("+", 4)[4])
    return Ed25519PrivateKey.from_private_bytes(seed[1:])


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_go_example_verifies() -> None:
    assert GO_EXAMPLE["valid"] is True
    assert verify(GO_EXAMPLE["note"], GO_EXAMPLE["vkey"]) == GO_EXAMPLE["text"]


def test_signing_reproduces_go_example_byte_for_byte() -> None:
    # Ed25519 is deterministic: same key, same text, same note as Go's reference.
    private_key = _go_private_key()
    assert generate_vkey("PeterNeumann", private_key) == GO_EXAMPLE["vkey"]
    assert sign(GO_EXAMPLE["text"], "PeterNeumann", private_key) == GO_EXAMPLE["note"]


def test_any_changed_byte_is_rejected() -> None:
    note = GO_EXAMPLE["note"].encode()
    for position in range(len(note)):
        variants = [note[:position] + note[position + 1 :]]
        for mask in (0x01, 0x02, 0x20, 0x40, 0x80, 0xFF):
            changed = bytearray(note)
            changed[position] ^= mask
            variants.append(bytes(changed))
        for variant in variants:
            # surrogateescape keeps bytes that are no longer UTF-8 so the verifier sees them
            with pytest.raises(NoteError):
                verify(variant.decode(errors="surrogateescape"), GO_EXAMPLE["vkey"])


def test_round_trip(key: Ed25519PrivateKey) -> None:
    vkey = generate_vkey("archive.example/custody", key)
    assert re.fullmatch(r"archive\.example/custody\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}", vkey)
    text = "one line\n\nand, after an empty one, قيصر\n"
    note = sign(text, "archive.example/custody", key)
    assert note.startswith(text + "\n\u2014 archive.example/custody ")
    assert verify(note, [vkey]) == text


def test_key_id_is_sha256_of_name_newline_type_and_key(key: Ed25519PrivateKey) -> None:
    vkey = generate_vkey("a/b", key)
    assert key_id("a/b", key.public_key()).hex() == vkey.split("+")[1]


def test_unknown_key_is_rejected(key: Ed25519PrivateKey) -> None:
    note = sign("hello\n", "archive", key)
    other = generate_vkey("archive", Ed25519PrivateKey.generate())
    with pytest.raises(NoteError, match="not signed by any trusted key"):
        verify(note, other)
    with pytest.raises(NoteError, match="not signed by any trusted key"):
        verify(note, [])


def test_signatures_by_unknown_keys_are_ignored(key: Ed25519PrivateKey) -> None:
    # A witness's cosignature next to ours must not stop the note from verifying.
    note = sign("hello\n", "archive", key)
    witness = sign("hello\n", "witness", Ed25519PrivateKey.generate())
    cosigned = note + witness.split("\n\n", 1)[1]
    assert verify(cosigned, generate_vkey("archive", key)) == "hello\n"


def test_a_failing_trusted_signature_rejects_the_note(key: Ed25519PrivateKey) -> None:
    altered = sign("pay 100\n", "archive", key).replace("100", "900")
    with pytest.raises(NoteError, match="signature by archive does not match the note"):
        verify(altered, generate_vkey("archive", key))


@pytest.mark.parametrize(("note", "message"), [
    ("no blank line\n\u2014 archive AAAA\n", "no blank line before the signatures"),
    ("text\n\n\u2014 archive AAAAAAAA", "must end with a signature line and a newline"),
    ("text\n\n- archive AAAAAAAA\n", "must start with an em dash"),
    ("text\n\n\u2014 archive AAAAAAAA\n\n", "must end with a signature line"),
    ("text\n\n\u2014 archive not*base64\n", "is not base64"),
    ("text\n\n\u2014 archive AAAA\n", "is too short"),
    ("text\n\n\u2014 a+b AAAAAAAA\n", "invalid key name"),
    ("te\txt\n\n\u2014 archive AAAAAAAA\n", "control character"),
    ("text\n\n" + "\u2014 archive AAAAAAAA\n" * 101, "more than 100 signatures"),
])
def test_malformed_notes_are_rejected(note: str, message: str, key: Ed25519PrivateKey) -> None:
    with pytest.raises(NoteError, match=message):
        verify(note, generate_vkey("archive", key))


@pytest.mark.parametrize(("vkey", "message"), [
    ("PeterNeumann+c74f20a3", "malformed verifier key"),
    ("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "malformed verifier key"),
    ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
    ("PeterNeumann2+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
    ("PeterNeumann+c74f20a3+Alpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "not an Ed25519 key"),
    ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "invalid key name"),
])
def test_malformed_verifier_keys_are_rejected(vkey: str, message: str) -> None:
    with pytest.raises(NoteError, match=message):
        verify(GO_EXAMPLE["note"], vkey)


def test_sign_refuses_what_it_could_not_verify(key: Ed25519PrivateKey) -> None:
    with pytest.raises(NoteError, match="must end with a newline"):
        sign("no newline", "archive", key)
    with pytest.raises(NoteError, match="control character"):
        sign("bell\a\n", "archive", key)
    with pytest.raises(NoteError, match="invalid key name"):
        sign("text\n", "with space", key)
    with pytest.raises(NoteError, match="invalid key name"):
        generate_vkey("", key)
