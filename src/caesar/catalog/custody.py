"""The custody log's tables, kept in the encrypted catalogue beside the rows they describe.

Entries and subtree hashes are what gets published (and what proofs are made of); commitments
hold the salts and subjects that open the entries' commitments, which stay secret until an
evidence package reveals them. Everything is written once and never updated.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from caesar.catalog.models import Base

# SQLite makes only "INTEGER PRIMARY KEY" an alias of the rowid; BIGINT would cost a second index.
LogIndex = BigInteger().with_variant(Integer(), "sqlite")


class CustodyEntry(Base):
    """One entry of the log: its position and its canonical bytes (the Merkle leaf)."""

    __tablename__ = "custody_entries"
    idx: Mapped[int] = mapped_column(LogIndex, primary_key=True, autoincrement=False)
    entry: Mapped[bytes] = mapped_column(LargeBinary)


class CustodySubtree(Base):
    """A complete subtree's hash: leaves ``[idx * 2**level, (idx + 1) * 2**level)``."""

    __tablename__ = "custody_subtrees"
    # Keyed by (level, idx) alone: no rowid, no second index.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy reads it once
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class CustodyCommitment(Base):
    """What an entry's salted commitment opens to: its salt and its subject, kept secret.

    ``subject_kind`` is ``original`` (``subject`` is the original's SHA-256, hex) or a kind of
    record (``transfer``, with the record's id); ``event`` repeats the entry's type, so the
    catalogue finds an original's ``original.stored`` entry without reading every entry.
    """

    __tablename__ = "custody_commitments"
    __table_args__ = (Index("ix_custody_commitments_subject", "subject_kind", "subject"),)
    entry_idx: Mapped[int] = mapped_column(
        LogIndex, ForeignKey("custody_entries.idx"), primary_key=True, autoincrement=False)
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(48))


class CustodyCheckpoint(Base):
    """A signed checkpoint (C2SP signed note) of the first ``size`` entries."""

    __tablename__ = "custody_checkpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str]
    signed_at: Mapped[datetime]


class CustodyTimestamp(Base):
    """An RFC 3161 reply (DER, as the TSA sent it) over one checkpoint's signed note."""

    __tablename__ = "custody_timestamps"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("custody_checkpoints.id"), index=True)
    tree_size: Mapped[int] = mapped_column(BigInteger)
    token: Mapped[bytes] = mapped_column(LargeBinary)
    obtained_at: Mapped[datetime]
