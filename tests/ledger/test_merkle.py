"""RFC 9162 Merkle tree: transparency-dev vectors, a naive reference, and property tests."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caesar.ledger.errors import LedgerError, ProofError
from caesar.ledger.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    nodes_to_store_on_append,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).parent.parent / "assets" / "transparency-dev-merkle" / "testdata"

# The leaves of the RFC 6962 reference tree that the vectors' happy paths are computed over
# (transparency-dev/merkle testonly.LeafInputs).
REFERENCE_LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)]


def _vectors(kind: str) -> list[Any]:
    files = sorted((VECTORS / kind).rglob("*.json"))
    assert files, f"no {kind} vectors under {VECTORS}"
    return [pytest.param(json.loads(f.read_text()), id=str(f.relative_to(VECTORS)))
            for f in files]


def _b64(values: Sequence[str] | None) -> list[bytes]:
    return [base64.b64decode(v) for v in values or []]


# --- a naive recursive reference, straight from RFC 9162 §2.1 --------------------------------

def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(leaves: tuple[bytes, ...]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = _split(len(leaves))
    return node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def _path(m: int, leaves: tuple[bytes, ...]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if m < k:
        return [*_path(m, leaves[:k]), _mth(leaves[k:])]
    return [*_path(m - k, leaves[k:]), _mth(leaves[:k])]


def _subproof(m: int, leaves: tuple[bytes, ...], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [_mth(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], whole), _mth(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), _mth(leaves[:k])]


def _tree(entries: Sequence[bytes]) -> MemoryTree:
    tree = MemoryTree()
    for entry in entries:
        tree.append(entry)
    return tree


# --- the transparency-dev vectors -------------------------------------------------------------

@pytest.mark.parametrize("case", _vectors("inclusion"))
def test_inclusion_vector(case: dict[str, Any]) -> None:
    args = (case["leafIdx"], case["treeSize"], base64.b64decode(case["leafHash"]),
            _b64(case["proof"]), base64.b64decode(case["root"]))
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("case", _vectors("consistency"))
def test_consistency_vector(case: dict[str, Any]) -> None:
    args = (case["size1"], case["size2"], base64.b64decode(case["root1"]),
            base64.b64decode(case["root2"]), _b64(case["proof"]))
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_vectors_include_rejections() -> None:
    cases = [p.values[0] for kind in ("inclusion", "consistency") for p in _vectors(kind)]
    assert sum(c["wantErr"] for c in cases) > 150


@pytest.mark.parametrize("kind", ["inclusion", "consistency"])
def test_happy_path_proofs_are_what_we_generate(kind: str) -> None:
    tree = _tree(REFERENCE_LEAVES)
    for path in sorted((VECTORS / kind).glob("[0-9]/happy-path.json")):
        case = json.loads(path.read_text())
        if kind == "inclusion":
            size = case["treeSize"]
            proof = inclusion_proof(case["leafIdx"], size, tree.subtree)
            assert leaf_hash(REFERENCE_LEAVES[case["leafIdx"]]) == base64.b64decode(
                case["leafHash"])
        else:
            size = case["size2"]
            proof = consistency_proof(case["size1"], size, tree.subtree)
            assert root_hash(case["size1"], tree.subtree) == base64.b64decode(case["root1"])
        assert proof == _b64(case["proof"]), path
        assert root_hash(size, tree.subtree) == base64.b64decode(
            case["root2" if kind == "consistency" else "root"])


# --- against the naive reference --------------------------------------------------------------

def test_every_proof_up_to_70_entries_matches_the_reference() -> None:
    entries = tuple(f"entry {i}".encode() for i in range(70))
    tree = _tree(entries)
    for n in range(1, 71):
        leaves = entries[:n]
        root = root_hash(n, tree.subtree)
        assert root == _mth(leaves)
        for i in range(n):
            proof = inclusion_proof(i, n, tree.subtree)
            assert proof == _path(i, leaves)
            verify_inclusion(i, n, leaf_hash(entries[i]), proof, root)
        for m in range(1, n + 1):
            proof = consistency_proof(m, n, tree.subtree)
            assert proof == _subproof(m, leaves, True)
            verify_consistency(m, n, _mth(entries[:m]), root, proof)


def test_the_empty_tree() -> None:
    tree = MemoryTree()
    assert root_hash(0, tree.subtree) == EMPTY_ROOT == _mth(())
    with pytest.raises(ProofError, match="entry 0 is not in a tree of 0 entries"):
        inclusion_proof(0, 0, tree.subtree)
    with pytest.raises(ProofError, match="need 0 < from <= to"):
        consistency_proof(0, 0, tree.subtree)


def test_append_stores_exactly_the_complete_subtrees() -> None:
    tree = MemoryTree()
    stored: set[tuple[int, int]] = set()
    for n in range(1, 300):
        nodes = nodes_to_store_on_append(n - 1, leaf_hash(b"%d" % n), tree.subtree)
        assert len(nodes) <= n.bit_length()
        for level, index, _node in nodes:
            stored.add((level, index))
        tree.append(b"%d" % n)
        complete = {(lv, i) for lv in range(10) for i in range(n >> lv)}
        assert stored == complete


def test_proofs_cost_logarithmic_lookups() -> None:
    calls = 0

    def subtree(level: int, index: int) -> bytes:
        nonlocal calls
        calls += 1
        return hashlib.sha256(b"%d/%d" % (level, index)).digest()

    n = (1 << 40) + 0b1011_0110_1110_0101
    for proof in (lambda: inclusion_proof(n - 3, n, subtree),
                  lambda: inclusion_proof(12345, n, subtree),
                  lambda: consistency_proof(n - 1000, n, subtree),
                  lambda: consistency_proof(7, n, subtree),
                  lambda: root_hash(n, subtree)):
        calls = 0
        proof()
        assert calls <= 2 * n.bit_length()


# --- errors -----------------------------------------------------------------------------------

def test_errors_belong_to_the_caesar_hierarchy() -> None:
    with pytest.raises(LedgerError) as raised:
        verify_consistency(5, 4, EMPTY_ROOT, EMPTY_ROOT, [])
    assert raised.value.exit_code == 2
    assert "shrank" in raised.value.diagnostics()


def test_error_messages_say_what_failed() -> None:
    tree = _tree(REFERENCE_LEAVES)
    root = root_hash(8, tree.subtree)
    proof = inclusion_proof(5, 8, tree.subtree)
    leaf = leaf_hash(REFERENCE_LEAVES[5])
    with pytest.raises(ProofError, match="entry 4 does not lead to the root hash"):
        verify_inclusion(4, 8, leaf, proof, root)
    with pytest.raises(ProofError, match="shorter than the tree is deep"):
        verify_inclusion(5, 8, leaf, proof[:-1], root)
    with pytest.raises(ProofError, match="longer than the tree is deep"):
        verify_inclusion(5, 8, leaf, [*proof, root], root)
    with pytest.raises(ProofError, match="a 31-byte value"):
        verify_inclusion(5, 8, leaf, [proof[0][:31], *proof[1:]], root)
    with pytest.raises(ProofError, match="from an empty tree proves nothing"):
        verify_consistency(0, 8, EMPTY_ROOT, root, [])
    with pytest.raises(ProofError, match="two different root hashes for the same 8 entries"):
        verify_consistency(8, 8, EMPTY_ROOT, root, [])
    consistency = consistency_proof(3, 8, tree.subtree)
    old = root_hash(3, tree.subtree)
    with pytest.raises(ProofError, match=r"old root hash \(3 entries\)"):
        verify_consistency(3, 8, root, root, consistency)
    with pytest.raises(ProofError, match=r"new root hash \(8 entries\)"):
        verify_consistency(3, 8, old, old, consistency)
    with pytest.raises(ValueError, match="a leaf hash has 32 bytes"):
        nodes_to_store_on_append(8, b"short", tree.subtree)


# --- properties over larger trees -------------------------------------------------------------

_BIG = tuple(i.to_bytes(4, "big") for i in range(3000))
_BIG_TREE = _tree(_BIG)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_proofs_match_the_reference_on_larger_trees(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, len(_BIG)), label="size")
    m = data.draw(st.integers(1, n), label="old size")
    i = data.draw(st.integers(0, n - 1), label="index")
    leaves = _BIG[:n]
    root = root_hash(n, _BIG_TREE.subtree)
    assert root == _mth(leaves)
    path = inclusion_proof(i, n, _BIG_TREE.subtree)
    assert path == _path(i, leaves)
    verify_inclusion(i, n, leaf_hash(_BIG[i]), path, root)
    proof = consistency_proof(m, n, _BIG_TREE.subtree)
    assert proof == _subproof(m, leaves, True)
    verify_consistency(m, n, root_hash(m, _BIG_TREE.subtree), root, proof)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_flipped_bit_breaks_a_proof(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, len(_BIG)), label="size")
    m = data.draw(st.integers(1, n - 1), label="old size")
    i = data.draw(st.integers(0, n - 1), label="index")
    root, old_root = root_hash(n, _BIG_TREE.subtree), root_hash(m, _BIG_TREE.subtree)
    path = inclusion_proof(i, n, _BIG_TREE.subtree)
    proof = consistency_proof(m, n, _BIG_TREE.subtree)
    # Every bit of every hash is in play, the leaf and the roots included.
    hashes = [leaf_hash(_BIG[i]), root, *path]
    which = data.draw(st.integers(0, len(hashes) - 1), label="which inclusion hash")
    bit = data.draw(st.integers(0, 255), label="bit")
    hashes[which] = _flip(hashes[which], bit)
    with pytest.raises(ProofError):
        verify_inclusion(i, n, hashes[0], hashes[2:], hashes[1])
    hashes = [old_root, root, *proof]
    which = data.draw(st.integers(0, len(hashes) - 1), label="which consistency hash")
    hashes[which] = _flip(hashes[which], bit)
    with pytest.raises(ProofError):
        verify_consistency(m, n, hashes[0], hashes[1], hashes[2:])


def _flip(value: bytes, bit: int) -> bytes:
    flipped = bytearray(value)
    flipped[bit // 8] ^= 1 << (bit % 8)
    return bytes(flipped)
