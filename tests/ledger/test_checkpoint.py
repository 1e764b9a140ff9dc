"""C2SP tlog checkpoints: text form, parsing, signing and opening."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from caesar.ledger.checkpoint import Checkpoint, open_checkpoint, parse, sign_checkpoint
from caesar.ledger.errors import CheckpointError, NoteError
from caesar.ledger.merkle import MemoryTree, root_hash
from caesar.ledger.note import generate_vkey, sign

ORIGIN = "caesar.example/archive-1"
ROOT = hashlib.sha256(b"root").digest()


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_text_form_is_origin_size_root() -> None:
    checkpoint = Checkpoint(ORIGIN, 20852163, ROOT)
    root = base64.b64encode(ROOT).decode()
    assert checkpoint.to_text() == f"{ORIGIN}\n20852163\n{root}\n"
    with_extension = Checkpoint(ORIGIN, 0, ROOT, ("extra line",))
    assert with_extension.to_text() == f"{ORIGIN}\n0\n{root}\nextra line\n"


def test_spec_example_parses() -> None:
    text = ("example.com/behind-the-sofa\n20852163\n"
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
    checkpoint = parse(text)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.to_text() == text


def test_round_trip_through_a_signed_note(key: Ed25519PrivateKey) -> None:
    tree = MemoryTree()
    for i in range(5):
        tree.append(b"entry %d" % i)
    checkpoint = Checkpoint(ORIGIN, tree.size, root_hash(tree.size, tree.subtree), ("x",))
    note = sign_checkpoint(checkpoint, key)
    assert note.startswith(checkpoint.to_text() + f"\n\u2014 {ORIGIN} ")
    vkey = generate_vkey(ORIGIN, key)
    assert open_checkpoint(note, vkey) == checkpoint
    assert open_checkpoint(note, vkey, origin=ORIGIN) == checkpoint


def test_checkpoint_signed_by_another_key_is_rejected(key: Ed25519PrivateKey) -> None:
    note = sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), Ed25519PrivateKey.generate())
    with pytest.raises(NoteError, match="not signed by any trusted key"):
        open_checkpoint(note, generate_vkey(ORIGIN, key))


def test_checkpoint_of_another_log_is_rejected(key: Ed25519PrivateKey) -> None:
    note = sign_checkpoint(Checkpoint("other.example/log", 1, ROOT), key)
    with pytest.raises(CheckpointError, match=r"for log 'other\.example/log', not"):
        open_checkpoint(note, generate_vkey("other.example/log", key), origin=ORIGIN)


def test_a_signed_note_that_is_no_checkpoint_is_rejected(key: Ed25519PrivateKey) -> None:
    note = sign("just some text\n", ORIGIN, key)
    with pytest.raises(CheckpointError, match="needs origin, size and root hash lines"):
        open_checkpoint(note, generate_vkey(ORIGIN, key))


ROOT_B64 = base64.b64encode(ROOT).decode()


@pytest.mark.parametrize(("text", "message"), [
    (f"{ORIGIN}\n5\n{ROOT_B64}", "must end with a newline"),
    (f"{ORIGIN}\n5\n", "needs origin, size and root hash lines"),
    (f"\n5\n{ROOT_B64}\n", "no empty line"),
    (f"{ORIGIN}\n5\n{ROOT_B64}\n\n", "no empty line"),
    (f"{ORIGIN}\n05\n{ROOT_B64}\n", "tree size '05' is not a decimal number"),
    (f"{ORIGIN}\n-5\n{ROOT_B64}\n", "is not a decimal number"),
    (f"{ORIGIN}\n\u0665\n{ROOT_B64}\n", "is not a decimal number"),  # Arabic-Indic five
    (f"{ORIGIN}\n5\n{ROOT_B64[:-1]}\n", "is not base64"),
    (f"{ORIGIN}\n5\n{ROOT_B64[:-2]}F=\n", "not canonical base64"),
    (f"{ORIGIN}\n5\nAAAA\n", "root hash has 32 bytes, not 3"),
])
def test_malformed_checkpoints_are_rejected(text: str, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        parse(text)


@pytest.mark.parametrize(("args", "message"), [
    (("", 1, ROOT), "origin must be one non-empty line"),
    (("a\nb", 1, ROOT), "origin must be one non-empty line"),
    ((ORIGIN, -1, ROOT), "size must be a whole number"),
    ((ORIGIN, True, ROOT), "size must be a whole number"),
    ((ORIGIN, 1, ROOT[:31]), "root hash has 32 bytes, not 31"),
    ((ORIGIN, 1, ROOT, ("",)), "extension must be one non-empty line"),
])
def test_checkpoints_validate_on_construction(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        Checkpoint(*args)  # type: ignore[arg-type]
