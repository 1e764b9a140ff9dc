"""`ledger verify`: recompute the custody log from its entries and check everything stored.

One pass over the entries in index order rebuilds the tree from the leaves up, keeping only its
right edge (O(log n) hashes), and compares every complete subtree with the stored one and every
signed checkpoint's root with the recomputed root at its size. Then: the checkpoints' signatures
and their mutual consistency (RFC 9162 proofs from the stored subtrees), every original in the
catalogue has its ``original.stored`` entry, and every timestamp token covers its checkpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from caesar.catalog.custody import (
    CustodyCheckpoint,
    CustodyCommitment,
    CustodyEntry,
    CustodySubtree,
    CustodyTimestamp,
)
from caesar.catalog.models import Photo
from caesar.ledger import merkle, storage
from caesar.ledger.checkpoint import Checkpoint, open_checkpoint
from caesar.ledger.errors import LedgerError
from caesar.ledger.events import EVENT_TYPES, Subject, commitment, decode_entry
from caesar.ledger.timestamp import timestamped_digest, verify_timestamp
from caesar.ledger.views import LedgerReport

_BATCH = 4096
_MAX_PROBLEMS = 20


@dataclass
class _Findings:
    """What failed, and the lowest entry index it concerns."""

    problems: list[str] = field(default_factory=list)
    first_bad: int | None = None
    count: int = 0

    def add(self, index: int | None, problem: str) -> None:
        self.count += 1
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(problem)
        if index is not None and (self.first_bad is None or index < self.first_bad):
            self.first_bad = index

    def report(self, size: int) -> LedgerReport:
        hidden = self.count - len(self.problems)
        problems = self.problems + ([f"... and {hidden} more"] if hidden > 0 else [])
        return LedgerReport(ok=not self.count, size=size, first_bad_index=self.first_bad,
                            problems=problems)


def audit(session: Session, vkey: str | None,
          tsa_certificates: bytes | None = None) -> LedgerReport:
    """Check the custody log stored in ``session``'s catalogue against itself and its keys."""
    findings = _Findings()
    size = storage.log_size(session)
    checkpoints = session.scalars(select(CustodyCheckpoint).order_by(CustodyCheckpoint.id)).all()
    origin = storage.origin(session)
    if origin is None or vkey is None:
        if size or checkpoints:
            findings.add(0, "the custody log's identity (its origin) is missing from the "
                         "catalogue, so no checkpoint can be checked")
        return findings.report(size)
    opened = _open_checkpoints(checkpoints, vkey, origin, findings)
    replayed = _replay(session, opened, findings)
    _check_checkpoints(session, opened, replayed, findings)
    if replayed == size:
        _check_subtree_count(session, size, findings)
    _check_originals(session, findings)
    _check_timestamps(session, checkpoints, tsa_certificates, findings)
    return findings.report(size)


def _open_checkpoints(rows: Sequence[CustodyCheckpoint], vkey: str, origin: str,
                      findings: _Findings) -> list[tuple[int, Checkpoint]]:
    """The checkpoints whose signature and origin check out, in signing order."""
    opened = []
    for row in rows:
        try:
            checkpoint = open_checkpoint(row.note, vkey, origin=origin)
        except LedgerError as error:
            findings.add(None, f"checkpoint #{row.id} is rejected: {error.message}")
            continue
        if checkpoint.size != row.size:
            findings.add(None, f"checkpoint #{row.id} is filed under {row.size} entries but "
                         f"signs {checkpoint.size}")
        opened.append((row.id, checkpoint))
    return opened


class _Replay:
    """The tree rebuilt from the entries, kept as its right edge: O(log n) hashes.

    Each edge node also carries whether a leaf under it differed from its stored hash, so a
    changed entry is named once, not again by every subtree and checkpoint above it.
    """

    def __init__(self, opened: list[tuple[int, Checkpoint]], findings: _Findings) -> None:
        self.size = 0
        self._findings = findings
        self._edge: dict[int, tuple[bytes, bool]] = {}  # level -> (hash, a leaf under differs)
        self._roots: dict[int, list[tuple[int, bytes]]] = {}
        for checkpoint_id, checkpoint in opened:
            self._roots.setdefault(checkpoint.size, []).append(
                (checkpoint_id, checkpoint.root_hash))
        self._vouched = 0  # entries below this are vouched for by a checkpoint that matched

    def _subtree(self, level: int, index: int) -> bytes:
        return self._edge[level][0]

    def append(self, data: bytes, stored: dict[tuple[int, int], bytes]) -> None:
        """Add entry number ``size`` and compare what it completes with the stored hashes."""
        idx, before = self.size, dict(self._edge)
        dirty = False
        for level, node, digest in merkle.nodes_to_store_on_append(
                idx, merkle.leaf_hash(data), self._subtree):
            differs = stored.get((level, node)) != digest
            if level == 0:
                dirty = differs
                if differs:
                    self._findings.add(idx, f"entry {idx} does not match its stored hash")
            else:
                dirty = dirty or before[level - 1][1]
                if differs and not dirty:
                    first = node << level
                    self._findings.add(first, f"the stored hash of the subtree over entries "
                                       f"{first} to {idx} was altered")
            self._edge[level] = (digest, dirty)
        self.size += 1
        for checkpoint_id, root in self._roots.get(self.size, []):
            self._check_root(checkpoint_id, root)

    def _check_root(self, checkpoint_id: int, root: bytes) -> None:
        tiles = [self._edge[level] for level, _ in storage.frontier_keys(self.size)]
        if any(dirty for _, dirty in tiles):
            return  # already named by the entries that differ
        recomputed = tiles.pop()[0]
        while tiles:
            recomputed = merkle.node_hash(tiles.pop()[0], recomputed)
        if recomputed == root:
            self._vouched = self.size
        else:
            # Entries and hashes agree with each other but not with what was signed: they were
            # rewritten together. The change lies after the last checkpoint that still holds.
            self._findings.add(self._vouched, f"entries {self._vouched} to {self.size - 1} "
                               f"do not match checkpoint #{checkpoint_id}: the log was "
                               "rewritten")


def _replay(session: Session, opened: list[tuple[int, Checkpoint]],
            findings: _Findings) -> int:
    """Rebuild the tree entry by entry; return how many entries stand in unbroken order."""
    replay = _Replay(opened, findings)
    while True:
        rows = session.execute(
            select(CustodyEntry.idx, CustodyEntry.entry, CustodyCommitment.salt,
                   CustodyCommitment.subject_kind, CustodyCommitment.subject,
                   CustodyCommitment.event)
            .outerjoin(CustodyCommitment, CustodyCommitment.entry_idx == CustodyEntry.idx)
            .where(CustodyEntry.idx >= replay.size).order_by(CustodyEntry.idx)
            .limit(_BATCH)).all()
        if not rows:
            return replay.size
        stored = _stored_subtrees(session, replay.size, rows[-1].idx + 1)
        for idx, data, salt, kind, subject, event in rows:
            if idx != replay.size:
                findings.add(replay.size, f"entry {replay.size} is missing: the next stored "
                             f"entry is {idx}")
                return replay.size
            replay.append(data, stored)
            _check_entry(idx, data, (salt, kind, subject, event), findings)


def _stored_subtrees(session: Session, start: int, end: int) -> dict[tuple[int, int], bytes]:
    """The stored subtrees that appending entries ``start`` to ``end - 1`` completes."""
    ranges = []
    for level in range(end.bit_length()):
        low, high = ((start + (1 << level)) >> level) - 1, (end >> level) - 1
        if low <= high:
            ranges.append(and_(CustodySubtree.level == level,
                               CustodySubtree.idx.between(low, high)))
    rows = session.execute(select(CustodySubtree.level, CustodySubtree.idx, CustodySubtree.hash)
                           .where(or_(*ranges)))
    return {(level, idx): digest for level, idx, digest in rows}


def _check_entry(idx: int, data: bytes, opening: tuple[Any, ...], findings: _Findings) -> None:
    """The entry is canonical, of a known type, and opens to the subject the catalogue keeps."""
    salt, kind, subject, event = opening
    try:
        entry = decode_entry(data)
    except LedgerError as error:
        findings.add(idx, f"entry {idx}: {error.message}")
        return
    if entry["type"] not in EVENT_TYPES:
        findings.add(idx, f"entry {idx} has an unknown type {entry['type']!r}")
    if entry["subject"] is None:
        if salt is not None:
            findings.add(idx, f"entry {idx} has no subject, yet the catalogue keeps one for it")
        return
    if salt is None:
        findings.add(idx, f"entry {idx}'s commitment cannot be opened: the catalogue lost "
                     "its salt and subject")
        return
    try:
        opens = commitment(salt, Subject(kind, subject)) == entry["subject"]
    except LedgerError:
        opens = False
    if not opens or event != entry["type"]:
        findings.add(idx, f"entry {idx} does not commit to the subject the catalogue names")


def _check_checkpoints(session: Session, opened: list[tuple[int, Checkpoint]], replayed: int,
                       findings: _Findings) -> None:
    """No checkpoint outruns the log, none shrinks it, and each extends the one before."""
    tree = storage.StoredTree(session)
    previous: tuple[int, Checkpoint] | None = None
    for checkpoint_id, checkpoint in opened:
        if checkpoint.size > replayed:
            findings.add(replayed, f"checkpoint #{checkpoint_id} vouches for "
                         f"{checkpoint.size} entries, but only {replayed} stand in order")
            continue
        if previous is not None:
            old_id, old = previous
            if old.size > checkpoint.size:
                findings.add(checkpoint.size, f"checkpoint #{checkpoint_id} has fewer entries "
                             f"than #{old_id} before it: the log shrank")
                continue
            try:
                proof = merkle.consistency_proof(old.size, checkpoint.size, tree)
                merkle.verify_consistency(old.size, checkpoint.size, old.root_hash,
                                          checkpoint.root_hash, proof)
            except LedgerError as error:
                findings.add(old.size, f"checkpoints #{old_id} and #{checkpoint_id} are not "
                             f"consistent: {error.message}")
        previous = (checkpoint_id, checkpoint)


def _check_subtree_count(session: Session, size: int, findings: _Findings) -> None:
    """No stored subtree hash claims entries the log does not have."""
    expected = sum(size >> level for level in range(size.bit_length()))
    stored = session.scalar(select(func.count()).select_from(CustodySubtree)) or 0
    if stored != expected:
        findings.add(size, f"{stored} subtree hashes are stored where {size} entries make "
                     f"{expected}")


def _check_originals(session: Session, findings: _Findings) -> None:
    """Every original in the catalogue has exactly one ``original.stored`` entry."""
    stored = (CustodyCommitment.subject_kind == "original",
              CustodyCommitment.event == "original.stored")
    logged = exists().where(*stored, CustodyCommitment.subject == Photo.sha256)
    for sha256 in session.scalars(select(Photo.sha256).where(~logged).order_by(Photo.sha256)):
        findings.add(None, f"original {sha256} has no original.stored entry in the log")
    again = session.execute(
        select(CustodyCommitment.subject, func.max(CustodyCommitment.entry_idx))
        .where(*stored).group_by(CustodyCommitment.subject)
        .having(func.count() > 1))
    for sha256, index in again:
        findings.add(index, f"entry {index} records original {sha256} as stored a second time")


def _check_timestamps(session: Session, checkpoints: Sequence[CustodyCheckpoint],
                      tsa_certificates: bytes | None, findings: _Findings) -> None:
    """Each token stamps its checkpoint's signed note (and, given the TSA's chain, verifies)."""
    notes = {row.id: row for row in checkpoints}
    for stamp in session.scalars(select(CustodyTimestamp).order_by(CustodyTimestamp.id)):
        row = notes.get(stamp.checkpoint_id)
        data = row.note.encode() if row is not None else b""
        try:
            if row is None or row.size != stamp.tree_size:
                raise LedgerError("its checkpoint is missing")
            if timestamped_digest(stamp.token) != hashlib.sha256(data).digest():
                raise LedgerError("it stamps other data than its checkpoint")
            if tsa_certificates is not None:
                verify_timestamp(stamp.token, data, tsa_certificates)
        except LedgerError as error:
            findings.add(None, f"timestamp #{stamp.id} (tree size {stamp.tree_size}) is "
                         f"rejected: {error.message}")
