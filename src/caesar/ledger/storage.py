"""Reading the custody log's tables: its size, its subtree hashes, its checkpoints.

Every function works inside a session the caller holds, so a read sees the same transaction as
the writes around it.
"""

from __future__ import annotations

import secrets

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from caesar.catalog.custody import CustodyCheckpoint, CustodyEntry, CustodySubtree
from caesar.catalog.models import Meta
from caesar.ledger.errors import LedgerError

LOG_ID_KEY = "custody_log_id"
ORIGIN_PREFIX = "caesar-archive/"
RUN_VERIFY = "Run `caesar ledger verify` to find what was altered."


def log_size(session: Session) -> int:
    """How many entries the log holds (one past the highest index)."""
    highest = session.scalar(select(func.max(CustodyEntry.idx)))
    return 0 if highest is None else highest + 1


def origin(session: Session, *, create: bool = False) -> str | None:
    """The log's origin line, ``caesar-archive/<random id>``; None before the first entry.

    The id is random rather than derived from a key, so publishing it reveals nothing; it keeps
    two archives' checkpoints apart (a verifier asks for the origin it expects).
    """
    row = session.get(Meta, LOG_ID_KEY)
    if row is None:
        if not create:
            return None
        row = Meta(key=LOG_ID_KEY, value=secrets.token_hex(8))
        session.add(row)
    return ORIGIN_PREFIX + row.value


def frontier_keys(size: int) -> list[tuple[int, int]]:
    """The complete subtrees that tile the first ``size`` leaves, largest first."""
    keys, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            keys.append((level, start >> level))
            start += 1 << level
    return keys


class StoredTree:
    """Complete subtree hashes read from the catalogue, as :mod:`caesar.ledger.merkle` asks.

    Each is read at most once per instance; :meth:`load` fetches many in one query.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[tuple[int, int], bytes] = {}

    def load(self, keys: list[tuple[int, int]]) -> None:
        """Fetch the subtrees at ``keys`` (those that exist) in one query."""
        wanted = [k for k in keys if k not in self._known]
        for start in range(0, len(wanted), 200):  # well under any backend's parameter limit
            chunk = wanted[start:start + 200]
            rows = self._session.execute(
                select(CustodySubtree.level, CustodySubtree.idx, CustodySubtree.hash).where(
                    or_(*(and_(CustodySubtree.level == level, CustodySubtree.idx == idx)
                          for level, idx in chunk))))
            self._known.update(((level, idx), digest) for level, idx, digest in rows)

    def remember(self, level: int, index: int, digest: bytes) -> None:
        """Note a subtree written in this transaction."""
        self._known[level, index] = digest

    def __call__(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._known:
            digest = self._session.scalar(select(CustodySubtree.hash).where(
                CustodySubtree.level == level, CustodySubtree.idx == index))
            if digest is None:
                raise LedgerError(f"the custody log's subtree hash at level {level}, "
                                  f"index {index} is missing", hint=RUN_VERIFY)
            self._known[key] = digest
        return self._known[key]


def latest_checkpoint(session: Session) -> CustodyCheckpoint | None:
    """The checkpoint signed last."""
    return session.scalars(
        select(CustodyCheckpoint).order_by(CustodyCheckpoint.id.desc()).limit(1)).first()


def checkpoint_of_size(session: Session, size: int | None) -> CustodyCheckpoint:
    """The checkpoint of ``size`` entries (the latest when None); says so when there is none."""
    if size is None:
        found = latest_checkpoint(session)
        if found is None:
            raise LedgerError("the custody log has no signed checkpoint yet",
                              hint="Every command that records something signs one.")
        return found
    found = session.scalars(select(CustodyCheckpoint).where(CustodyCheckpoint.size == size)
                            .order_by(CustodyCheckpoint.id.desc()).limit(1)).first()
    if found is None:
        sizes = session.scalars(select(CustodyCheckpoint.size).distinct()
                                .order_by(CustodyCheckpoint.size.desc()).limit(5)).all()
        raise LedgerError(f"no checkpoint of the custody log has {size} entries",
                          hint="Give the size of a signed checkpoint; the latest are "
                          + ", ".join(map(str, sizes)) + ".")
    return found
