"""RFC 9162 §2.1 Merkle tree hashing, proofs and their verification, as small pure functions.

Storage keeps only *complete* subtree hashes and hands them in as ``subtree(level, index)``: the
hash of the complete subtree over leaves ``[index * 2**level, (index + 1) * 2**level)``. A tree
of ``n`` leaves holds fewer than ``2n`` of them, each written once and never changed, so storage
stays append-only. The hash of a node on the tree's ragged right edge is folded from the
O(log n) complete subtrees that tile it, so every proof costs O(log n) look-ups.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from caesar.ledger.errors import ProofError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

SubtreeHash = Callable[[int, int], bytes]
"""``subtree(level, index)``: the hash of a complete subtree that storage already holds."""

_TAMPERED = "The entry, the proof or the root was altered, or they come from different logs."


def leaf_hash(entry: bytes) -> bytes:
    """The hash of a leaf: SHA-256(0x00 ‖ entry)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def nodes_to_store_on_append(
    size: int, leaf: bytes, subtree: SubtreeHash
) -> list[tuple[int, int, bytes]]:
    """The ``(level, index, hash)`` nodes to store when appending leaf number ``size``.

    ``leaf`` is the new entry's :func:`leaf_hash`. The result holds the leaf at level 0 and every
    complete subtree that this leaf completes; ``subtree`` is asked only for their left siblings,
    which the tree of ``size`` leaves already holds.
    """
    if len(leaf) != HASH_SIZE:
        raise ValueError(f"a leaf hash has {HASH_SIZE} bytes, not {len(leaf)}")
    nodes = [(0, size, leaf)]
    level, index, node = 0, size, leaf
    # An odd index is a right child, so its parent is now complete; carry up like a binary counter.
    while index & 1:
        node = node_hash(subtree(level, index - 1), node)
        level, index = level + 1, index >> 1
        nodes.append((level, index, node))
    return nodes


def root_hash(size: int, subtree: SubtreeHash) -> bytes:
    """The Merkle Tree Hash of the first ``size`` leaves (SHA-256 of nothing when empty)."""
    if size < 0:
        raise ProofError(f"a tree cannot have {size} entries")
    return _range_hash(0, size, subtree) if size else EMPTY_ROOT


def inclusion_proof(index: int, size: int, subtree: SubtreeHash) -> list[bytes]:
    """RFC 9162 PATH(index, D[size]): the audit path of leaf ``index``, leaf end first."""
    if not 0 <= index < size:
        raise ProofError(f"entry {index} is not in a tree of {size} entries")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        middle = start + _split(end - start)
        if index < middle:
            path.append(_range_hash(middle, end, subtree))
            end = middle
        else:
            path.append(_range_hash(start, middle, subtree))
            start = middle
    path.reverse()
    return path


def consistency_proof(m: int, n: int, subtree: SubtreeHash) -> list[bytes]:
    """RFC 9162 PROOF(m, D[n]): proves the tree of ``n`` leaves extends the one of ``m``."""
    if not 0 < m <= n:
        raise ProofError(f"no consistency proof from {m} to {n} entries: need 0 < from <= to")
    proof: list[bytes] = []
    start, end, whole = 0, n, True
    # SUBPROOF(m - start, D[start:end], whole), unrolled; it ends on the node that is D[start:m].
    while m != end:
        middle = start + _split(end - start)
        if m <= middle:
            proof.append(_range_hash(middle, end, subtree))
            end = middle
        else:
            proof.append(_range_hash(start, middle, subtree))
            start, whole = middle, False
    if not whole:
        proof.append(_range_hash(start, end, subtree))
    proof.reverse()
    return proof


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check an inclusion proof by RFC 9162 §2.1.3.2; raise :class:`ProofError` if it fails."""
    if not 0 <= index < size:
        raise ProofError(f"entry {index} is not in a tree of {size} entries", hint=_TAMPERED)
    _check_sizes(leaf_hash, root, *proof)
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is longer than the tree is deep", hint=_TAMPERED)
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is shorter than the tree is deep", hint=_TAMPERED)
    if r != root:
        raise ProofError(f"the inclusion proof of entry {index} does not lead to the root hash",
                         hint=_TAMPERED)


def verify_consistency(
    m: int, n: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check a consistency proof by RFC 9162 §2.1.4.2; raise :class:`ProofError` if it fails."""
    if m > n:
        raise ProofError(f"the old tree ({m} entries) is larger than the new one ({n})",
                         hint="The log shrank: entries were removed or the checkpoints swapped.")
    if m == 0:
        # Every tree extends the empty one, so such a "proof" would vouch for anything.
        raise ProofError("a consistency proof from an empty tree proves nothing",
                         hint="Check consistency from a checkpoint that has entries.")
    if m == n:
        if proof:
            raise ProofError("trees of equal size need an empty consistency proof", hint=_TAMPERED)
        if old_root != new_root:
            raise ProofError(f"two different root hashes for the same {n} entries",
                             hint="The log was rewritten: the two checkpoints disagree.")
        return
    if not proof:
        raise ProofError("the consistency proof is empty", hint=_TAMPERED)
    _check_sizes(old_root, new_root, *proof)
    path = list(proof)
    if m & (m - 1) == 0:
        # The old tree is a complete subtree of the new one; its root starts the path.
        path.insert(0, old_root)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is longer than the tree is deep",
                             hint=_TAMPERED)
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is shorter than the tree is deep", hint=_TAMPERED)
    if fr != old_root:
        raise ProofError(f"the consistency proof does not lead to the old root hash ({m} entries)",
                         hint=_TAMPERED)
    if sr != new_root:
        raise ProofError(f"the consistency proof does not lead to the new root hash ({n} entries)",
                         hint=_TAMPERED)


class MemoryTree:
    """A tree held in a dict, for tests and benchmarks."""

    def __init__(self) -> None:
        self._nodes: dict[tuple[int, int], bytes] = {}
        self._size = 0

    @property
    def size(self) -> int:
        """How many entries the tree holds."""
        return self._size

    def append(self, entry: bytes) -> int:
        """Append ``entry`` and return its index."""
        for level, index, node in nodes_to_store_on_append(
            self._size, leaf_hash(entry), self.subtree
        ):
            self._nodes[level, index] = node
        self._size += 1
        return self._size - 1

    def subtree(self, level: int, index: int) -> bytes:
        """The hash of a complete subtree (see :data:`SubtreeHash`)."""
        return self._nodes[level, index]


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2), where RFC 9162 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def _range_hash(start: int, end: int, subtree: SubtreeHash) -> bytes:
    """The hash of the tree node over leaves ``[start, end)``, complete or on the right edge.

    ``[start, end)`` must be a node of some RFC 9162 tree, so ``start`` is a multiple of every
    power of two up to ``end - start``: tiling it with complete subtrees, largest first, stays
    aligned. MTH splits at the largest power of two, so the tiles fold together from the right.
    """
    tiles: list[bytes] = []
    while start < end:
        level = (end - start).bit_length() - 1
        tiles.append(subtree(level, start >> level))
        start += 1 << level
    node = tiles.pop()
    while tiles:
        node = node_hash(tiles.pop(), node)
    return node


def _check_sizes(*hashes: bytes) -> None:
    for h in hashes:
        if len(h) != HASH_SIZE:
            raise ProofError(f"a {len(h)}-byte value where a {HASH_SIZE}-byte SHA-256 hash belongs",
                             hint=_TAMPERED)
