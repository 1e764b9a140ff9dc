"""The custody log of one archive: append, sign, prove, timestamp.

Appends run inside the caller's transaction, so an entry commits together with the catalogue
rows it describes, or not at all (a crash never leaves one without the other). Each append
reads the O(log n) subtree hashes on the tree's right edge once, then writes each entry, its
commitment and the O(1) amortised complete subtrees it closes in a few bulk inserts.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caesar.catalog.custody import (
    CustodyCheckpoint,
    CustodyCommitment,
    CustodyEntry,
    CustodySubtree,
    CustodyTimestamp,
)
from caesar.catalog.database import Catalog
from caesar.catalog.models import Photo, Transfer
from caesar.errors import NotFound
from caesar.ledger import merkle, storage
from caesar.ledger.audit import audit
from caesar.ledger.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from caesar.ledger.errors import LedgerError
from caesar.ledger.events import (
    SALT_SIZE,
    Event,
    Subject,
    commitment,
    decode_entry,
    encode_entry,
    pseudonym,
)
from caesar.ledger.note import generate_vkey
from caesar.ledger.state import root_at
from caesar.ledger.timestamp import request_timestamp, verify_timestamp
from caesar.ledger.views import (
    ConsistencyView,
    EntryView,
    InclusionView,
    LedgerReport,
    LogState,
    TimestampView,
)
from caesar.locking import UnlockedWrite, WriteLock
from caesar.vault.keys import Keys

_ENTRIES = cast(Table, CustodyEntry.__table__)
_SUBTREES = cast(Table, CustodySubtree.__table__)
_COMMITMENTS = cast(Table, CustodyCommitment.__table__)
_ENTRY_COLUMNS = ("idx", "entry")
_SUBTREE_COLUMNS = ("level", "idx", "hash")
_COMMITMENT_COLUMNS = ("entry_idx", "salt", "subject_kind", "subject", "event")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class CustodyLog:
    """The archive's append-only, signed custody log, stored in its catalogue."""

    def __init__(self, catalog: Catalog, keys: Keys, lock: WriteLock | None = None) -> None:
        """`lock`: the archive's write lock, which whoever appends must hold; None for a log
        opened only to be read and verified (a replica's copy), which refuses every append."""
        self._catalog = catalog
        self.lock = lock
        self._pseudonym_key = keys.pseudonyms
        self._signer = Ed25519PrivateKey.from_private_bytes(keys.signing_seed)
        self._pseudonyms: dict[str, str] = {}

    # -- writing, inside the caller's transaction ------------------------------------------

    def pseudonym(self, name: str) -> str:
        """The pseudonym the log shows for a person's name."""
        if name not in self._pseudonyms:
            self._pseudonyms[name] = pseudonym(self._pseudonym_key, name)
        return self._pseudonyms[name]

    def append(self, session: Session, events: Iterable[Event]) -> range:
        """Append ``events`` in order inside ``session``'s transaction; return their indices.

        Raises :class:`~caesar.locking.UnlockedWrite` unless the calling thread holds the
        archive's write lock, so nobody else appends meanwhile.
        """
        self._require_lock("A custody-log entry was appended")
        batch = list(events)
        if not batch:
            return range(0)
        size = storage.log_size(session)
        if size == 0 and batch[0].type != "archive.created":
            batch = _adoption(session, batch[0]) + batch
        storage.origin(session, create=True)
        tree = storage.StoredTree(session)
        tree.load(storage.frontier_keys(size))
        entries: list[tuple[Any, ...]] = []
        nodes: list[tuple[Any, ...]] = []
        commitments: list[tuple[Any, ...]] = []
        for index, event in enumerate(batch, start=size):
            data = self._encode(event, index, commitments)
            entries.append((index, data))
            for level, idx, digest in merkle.nodes_to_store_on_append(
                    index, merkle.leaf_hash(data), tree):
                tree.remember(level, idx, digest)
                nodes.append((level, idx, digest))
        try:
            _insert_many(session, _ENTRIES, _ENTRY_COLUMNS, entries)
            _insert_many(session, _SUBTREES, _SUBTREE_COLUMNS, nodes)
            _insert_many(session, _COMMITMENTS, _COMMITMENT_COLUMNS, commitments)
        except IntegrityError:
            # Rows past the last entry: the tables were edited. Nothing of the caller's
            # transaction may commit on top of that.
            raise LedgerError("the custody log's tables hold rows past its last entry, so "
                              "nothing can be appended", hint=storage.RUN_VERIFY) from None
        return range(size, size + len(batch))

    def append_signed(self, session: Session, events: Iterable[Event]) -> range:
        """Append ``events`` (see :meth:`append`) and sign a checkpoint over them in the same
        transaction: a change and the signature that vouches for it commit together, so the
        published log never lags behind what people did."""
        appended = self.append(session, events)
        self.checkpoint(session)
        return appended

    def writing(self, wait: float | None = None) -> AbstractContextManager[None]:
        """Hold the archive's write lock (again, if this thread already does) for work that
        appends: the one way a service method that writes takes it (callers never do).

        `wait`: seconds to wait for another writer, by default the lock's patience (a command
        is refused at once with :class:`~caesar.errors.ArchiveLocked`; the web app waits).
        """
        if self.lock is None:
            raise UnlockedWrite("A write to a custody log opened only to be read.",
                                hint="This is a defect in Caesar Archive: nothing was written.")
        return self.lock.hold(wait)

    def _require_lock(self, what: str) -> None:
        if self.lock is None:
            raise UnlockedWrite(f"{what} to a custody log opened only to be read.",
                                hint="This is a defect in Caesar Archive: nothing was written.")
        self.lock.require(what)

    def _encode(self, event: Event, index: int, commitments: list[tuple[Any, ...]]) -> bytes:
        subject = None
        if event.subject is not None:
            salt = secrets.token_bytes(SALT_SIZE)
            subject = commitment(salt, event.subject)
            commitments.append((index, salt, event.subject.kind, event.subject.id, event.type))
        details = dict(event.details)
        for role, name in event.people.items():
            details[role] = self.pseudonym(name)
        return encode_entry(type=event.type, time=event.time, actor=self.pseudonym(event.actor),
                            subject=subject, details=details)

    def checkpoint(self, session: Session) -> str | None:
        """Sign a checkpoint of the whole log unless the latest covers it; return the note."""
        size = storage.log_size(session)
        latest = storage.latest_checkpoint(session)
        if latest is not None and latest.size > size:
            raise LedgerError(f"the custody log holds {size} entries but a checkpoint was "
                              f"signed at {latest.size}: entries were removed",
                              hint="Nothing was signed. Run `caesar ledger verify`.")
        if size == 0 or (latest is not None and latest.size == size):
            return latest.note if latest else None
        self._require_lock("A checkpoint was signed")
        log_origin = storage.origin(session, create=True) or ""
        tree = storage.StoredTree(session)
        root = merkle.root_hash(size, tree)
        if latest is not None:
            # Never sign a tree that does not extend what was signed before: stored hashes
            # rewritten under the old checkpoint would be vouched for otherwise.
            old = open_checkpoint(latest.note, generate_vkey(log_origin, self._signer),
                                  origin=log_origin)
            try:
                merkle.verify_consistency(old.size, size, old.root_hash, root,
                                          merkle.consistency_proof(old.size, size, tree))
            except LedgerError as error:
                raise LedgerError("the custody log no longer extends its last checkpoint "
                                  f"({error.message}); nothing was signed",
                                  hint=storage.RUN_VERIFY) from None
        note = sign_checkpoint(Checkpoint(log_origin, size, root), self._signer)
        session.add(CustodyCheckpoint(size=size, note=note, signed_at=datetime.now(UTC)))
        return note

    # -- reading -----------------------------------------------------------------------------

    def vkey(self, session: Session) -> str | None:
        """The verifier key that checks this log's checkpoints (None before the first entry)."""
        log_origin = storage.origin(session)
        return None if log_origin is None else generate_vkey(log_origin, self._signer)

    def state(self) -> LogState:
        """The latest checkpoint, the verifier key and every timestamp token, oldest first."""
        with self._catalog.reader() as session:
            entries = storage.log_size(session)
            latest = storage.latest_checkpoint(session)
            vkey = self.vkey(session)
            tokens = session.scalars(select(CustodyTimestamp.token)
                                     .order_by(CustodyTimestamp.id)).all()
            log_origin = storage.origin(session)
            if latest is None or vkey is None:
                size, root, note = 0, merkle.EMPTY_ROOT, None
            else:
                # Shown only once it verifies: `show` never vouches for an altered checkpoint.
                opened = open_checkpoint(latest.note, vkey, origin=log_origin)
                size, root, note = opened.size, opened.root_hash, latest.note
        return LogState(size=size, root=_b64(root), checkpoint=note, vkey=vkey,
                        timestamps=[_b64(t) for t in tokens], unsigned=entries - size)

    def entries(self, first: int = 0, last: int | None = None) -> list[EntryView]:
        """Entries ``first`` to ``last`` (inclusive), each with the subject it commits to."""
        query = (select(CustodyEntry.idx, CustodyEntry.entry, CustodyCommitment.subject_kind,
                        CustodyCommitment.subject)
                 .outerjoin(CustodyCommitment, CustodyCommitment.entry_idx == CustodyEntry.idx)
                 .where(CustodyEntry.idx >= first).order_by(CustodyEntry.idx))
        if last is not None:
            query = query.where(CustodyEntry.idx <= last)
        with self._catalog.reader() as session:
            rows = session.execute(query).all()
        return [EntryView(index=idx, leaf=_b64(data), entry=decode_entry(data),
                          subject_sha256=subject if kind == "original" else None,
                          subject=f"{kind}:{subject}" if kind else None)
                for idx, data, kind, subject in rows]

    def inclusion(self, *, index: int | None = None, sha256: str | None = None,
                  size: int | None = None) -> InclusionView:
        """Prove that entry ``index`` (or an original's ``original.stored`` entry) is logged."""
        with self._catalog.reader() as session:
            if sha256 is not None:
                index = session.scalar(
                    select(func.min(CustodyCommitment.entry_idx)).where(
                        CustodyCommitment.subject_kind == "original",
                        CustodyCommitment.subject == sha256.lower(),
                        CustodyCommitment.event == "original.stored"))
                if index is None:
                    raise NotFound(f"No original with SHA-256 {sha256} is in the custody log.",
                                   hint="`caesar photos list` shows what the archive holds.")
            if index is None:
                raise LedgerError("say which entry to prove: an index or an original's SHA-256")
            checkpoint = storage.checkpoint_of_size(session, size)
            if not 0 <= index < checkpoint.size:
                raise LedgerError(
                    f"entry {index} is not in the checkpoint of {checkpoint.size} entries",
                    hint="Entries newer than the latest checkpoint are signed by the next "
                    "command that records something, e.g. `caesar verify`.")
            data = session.get_one(CustodyEntry, index).entry
            opening = session.get(CustodyCommitment, index)
            proof = _prefetched(session, lambda tree: merkle.inclusion_proof(
                index, checkpoint.size, tree))
        original = opening is not None and opening.subject_kind == "original"
        return InclusionView(
            index=index, size=checkpoint.size, leaf=_b64(data), proof=[_b64(p) for p in proof],
            checkpoint=checkpoint.note, salt=opening.salt.hex() if opening and original else None,
            subject_sha256=opening.subject if opening and original else None)

    def inclusions(self, sha256s: Iterable[str], size: int | None = None
                   ) -> list[InclusionView]:
        """:meth:`inclusion` of many originals' ``original.stored`` entries, in few queries.

        An evidence package proves a thousand originals at once: one proof at a time would
        cost a handful of queries each, and most of the subtrees they need are shared.
        """
        wanted = [s.lower() for s in sha256s]
        with self._catalog.reader() as session:
            checkpoint = storage.checkpoint_of_size(session, size)
            index_of: dict[str, int] = {}
            for chunk in _chunked(sorted(set(wanted))):
                index_of.update(session.execute(
                    select(CustodyCommitment.subject, func.min(CustodyCommitment.entry_idx))
                    .where(CustodyCommitment.subject_kind == "original",
                           CustodyCommitment.subject.in_(chunk),
                           CustodyCommitment.event == "original.stored")
                    .group_by(CustodyCommitment.subject)).all())
            for sha in wanted:
                if sha not in index_of:
                    raise NotFound(f"No original with SHA-256 {sha} is in the custody log.",
                                   hint="`caesar photos list` shows what the archive holds.")
                if index_of[sha] >= checkpoint.size:
                    raise LedgerError(f"the original {sha} was logged after the checkpoint of "
                                      f"{checkpoint.size} entries")
            indices = sorted(set(index_of.values()))
            entries: dict[int, bytes] = {}
            salts: dict[int, bytes] = {}
            for chunk in _chunked(indices):
                entries.update(session.execute(
                    select(CustodyEntry.idx, CustodyEntry.entry)
                    .where(CustodyEntry.idx.in_(chunk))).all())
                salts.update(session.execute(
                    select(CustodyCommitment.entry_idx, CustodyCommitment.salt)
                    .where(CustodyCommitment.entry_idx.in_(chunk))).all())
            proofs = _prefetched_many(session, [_inclusion_of(i, checkpoint.size)
                                                for i in indices])
        by_index = dict(zip(indices, proofs, strict=True))
        return [InclusionView(index=index_of[sha], size=checkpoint.size,
                              leaf=_b64(entries[index_of[sha]]),
                              proof=[_b64(p) for p in by_index[index_of[sha]]],
                              checkpoint=checkpoint.note, salt=salts[index_of[sha]].hex(),
                              subject_sha256=sha)
                for sha in wanted]

    def consistency(self, old: int, new: int | None = None) -> ConsistencyView:
        """Prove that the checkpoint of ``new`` entries (the latest) extends any of ``old``."""
        with self._catalog.reader() as session:
            checkpoint = storage.checkpoint_of_size(session, new)
            if not 0 < old <= checkpoint.size:
                raise LedgerError(f"no consistency proof from {old} to {checkpoint.size} "
                                  "entries", hint="--from must be between 1 and --to.")
            proof = _prefetched(session, lambda tree: merkle.consistency_proof(
                old, checkpoint.size, tree))
        return ConsistencyView.model_validate({"from": old, "to": checkpoint.size,
                                               "proof": [_b64(p) for p in proof],
                                               "checkpoint": checkpoint.note})

    def verify(self, tsa_certificates: bytes | None = None) -> LedgerReport:
        """Recompute the whole log from its entries and check it against everything stored."""
        with self._catalog.reader() as session:
            vkey = self.vkey(session)
            return audit(session, vkey, tsa_certificates)

    def check_published(self, note: str) -> tuple[int | None, str | None]:
        """Whether the log still holds what a checkpoint published earlier vouches for: its
        size and what is wrong (None when the log extends it)."""
        with self._catalog.reader() as session:
            log_origin = storage.origin(session)
            vkey = self.vkey(session)
            if log_origin is None or vkey is None:
                return None, "the catalogue holds no custody log"
            try:
                published = open_checkpoint(note, vkey, origin=log_origin)
            except LedgerError as error:
                return None, f"it is not a checkpoint of this archive's log ({error.message})"
            size = storage.log_size(session)
            if published.size > size:
                return published.size, (
                    f"the custody log holds {size} entries, fewer than the {published.size}"
                    " this checkpoint vouches for: entries were removed")
            try:
                root = root_at(session, published.size)
            except LedgerError:
                root = b""
            if root != published.root_hash:
                return published.size, (
                    f"the custody log's first {published.size} entries do not hash to this"
                    " checkpoint's root: the log was rewritten")
        return published.size, None

    # -- timestamps --------------------------------------------------------------------------

    def timestamp(self, tsa_url: str, tsa_certificates: bytes | None = None) -> TimestampView:
        """Get an RFC 3161 token over the latest signed checkpoint and keep it.

        With ``tsa_certificates`` (the TSA's certificate, then its issuers up to the root,
        PEM) the token is checked before it is kept, under the write lock (not held while the
        TSA answers).
        """
        with self._catalog.reader() as session:
            latest = storage.checkpoint_of_size(session, None)
            checkpoint_id, tree_size, note = latest.id, latest.size, latest.note.encode()
        # No transaction stays open while the TSA answers.
        token = request_timestamp(note, tsa_url)
        if tsa_certificates is not None:
            verify_timestamp(token, note, tsa_certificates)
        with self.writing(), self._catalog.session() as session:
            session.add(CustodyTimestamp(checkpoint_id=checkpoint_id, tree_size=tree_size,
                                         token=token, obtained_at=datetime.now(UTC)))
        return TimestampView(token=_b64(token), tree_size=tree_size)


def _insert_many(session: Session, table: Table, columns: tuple[str, ...],
                 rows: list[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (values in the order of ``columns``) with one driver executemany.

    SQLAlchemy's per-row parameter processing costs more than hashing an entry, so rows go
    to the driver as they are: bytes, integers and text need no conversion on any backend.
    """
    if not rows:
        return
    connection = session.connection()
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
    if compiled.positional:
        order = [columns.index(key) for key in compiled.positiontup or ()]
        params: list[Any] = rows if order == list(range(len(columns))) else [
            tuple(row[i] for i in order) for row in rows]
    else:
        params = [dict(zip(columns, row, strict=True)) for row in rows]
    connection.exec_driver_sql(str(compiled), params)


def _prefetched(session: Session, make: Callable[[merkle.SubtreeHash], list[bytes]]
                ) -> list[bytes]:
    """Run a proof with every subtree it needs fetched in one query.

    The proof algorithms ask for the same subtrees whatever their hashes are, so a dry run
    with dummy hashes names them all.
    """
    wanted: list[tuple[int, int]] = []

    def record(level: int, index: int) -> bytes:
        wanted.append((level, index))
        return merkle.EMPTY_ROOT

    make(record)
    tree = storage.StoredTree(session)
    tree.load(wanted)
    return make(tree)


def _prefetched_many(session: Session, makers: list[Callable[[merkle.SubtreeHash], list[bytes]]]
                     ) -> list[list[bytes]]:
    """:func:`_prefetched` for many proofs: the subtrees they share are fetched once."""
    wanted: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        wanted.add((level, index))
        return merkle.EMPTY_ROOT

    for make in makers:
        make(record)
    tree = storage.StoredTree(session)
    tree.load(sorted(wanted))
    return [make(tree) for make in makers]


def _inclusion_of(index: int, size: int) -> Callable[[merkle.SubtreeHash], list[bytes]]:
    return lambda tree: merkle.inclusion_proof(index, size, tree)


def _chunked(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    """Slices of at most ``size``: under every backend's limit of bound parameters."""
    return (items[start:start + size] for start in range(0, len(items), size))


def _adoption(session: Session, first: Event) -> list[Event]:
    """Entries for what an archive held before its custody log began (an older version).

    Each original gets its ``original.stored`` entry, marked as adopted, so that the rule
    "every original has its stored entry" holds from the log's first checkpoint on.
    """
    photos = session.execute(select(Photo.sha256, Photo.stored_at)
                             .order_by(Photo.stored_at, Photo.sha256)).all()
    transfers = session.scalar(select(func.count()).select_from(Transfer)) or 0
    started = Event(type="log.started", time=first.time, actor=first.actor,
                    details={"originals": len(photos), "transfers": transfers})
    return [started] + [
        Event(type="original.stored", time=stored_at, actor=first.actor,
              subject=Subject.original(sha), details={"adopted": True})
        for sha, stored_at in photos]
