"""The custody log service: entries, commitments, pseudonyms, appends inside transactions."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import Caesar
from photos import camera_jpeg
from sqlalchemy import delete, func, select

from caesar.catalog.custody import (
    CustodyCheckpoint,
    CustodyCommitment,
    CustodyEntry,
    CustodySubtree,
)
from caesar.catalog.models import Base, Meta
from caesar.core import Archive
from caesar.ledger import merkle
from caesar.ledger.checkpoint import open_checkpoint
from caesar.ledger.errors import LedgerError
from caesar.ledger.events import (
    Event,
    Subject,
    commitment,
    decode_entry,
    encode_entry,
    pseudonym,
)
from caesar.ledger.storage import LOG_ID_KEY
from caesar.locking import UnlockedWrite

WHEN = datetime(2013, 8, 20, 10, 11, 12, tzinfo=UTC)


def _event(n: int = 0, **kwargs: object) -> Event:
    sha = hashlib.sha256(b"%d" % n).hexdigest()
    fields: dict[str, object] = {"type": "original.stored", "time": WHEN, "actor": "huda",
                                 "subject": Subject.original(sha)}
    fields.update(kwargs)
    return Event(**fields)  # type: ignore[arg-type]


def _size(archive: Archive) -> int:
    with archive.catalog.reader() as session:
        return session.scalar(select(func.count()).select_from(CustodyEntry)) or 0


# --- entry format -----------------------------------------------------------------------------

def test_commitment_is_salted_sha256_of_the_raw_digest() -> None:
    salt = bytes(range(32))
    digest = hashlib.sha256(b"a photo").digest()
    expected = hashlib.sha256(salt + digest).hexdigest()
    assert commitment(salt, Subject.original(digest.hex())) == expected
    record = commitment(salt, Subject.record("transfer", 12))
    assert record == hashlib.sha256(salt + hashlib.sha256(b"transfer:12").digest()).hexdigest()
    with pytest.raises(LedgerError, match="salt has 32 bytes"):
        commitment(salt[:16], Subject.original(digest.hex()))
    with pytest.raises(LedgerError, match="lowercase hex"):
        Subject.original(digest.hex().upper())
    with pytest.raises(LedgerError, match="unknown kind"):
        Subject.record("person", "ali")


def test_entry_bytes_are_canonical_json() -> None:
    data = encode_entry(type="original.flagged", time=WHEN.astimezone(timezone(timedelta(
        hours=3))), actor="p1", subject="ab" * 32, details={"kind": "truncated"})
    assert data == (b'{"actor":"p1","details":{"kind":"truncated"},"subject":"' + b"ab" * 32
                    + b'","time":"2013-08-20T10:11:12Z","type":"original.flagged","v":1}')
    assert decode_entry(data)["details"] == {"kind": "truncated"}
    with pytest.raises(LedgerError, match="not in canonical form"):
        decode_entry(json.dumps(json.loads(data), indent=1).encode())
    with pytest.raises(LedgerError, match="lacks or adds fields"):
        decode_entry(b'{"v":1}')
    with pytest.raises(LedgerError, match="unknown custody-log event type"):
        encode_entry(type="original.deleted", time=WHEN, actor="p", subject=None, details={})
    with pytest.raises(LedgerError, match="time zone"):
        encode_entry(type="verify.run", time=WHEN.replace(tzinfo=None), actor="p",
                     subject=None, details={})


@pytest.mark.parametrize("details", [
    {"path": "/media/drive/IMG_0001.jpg"},
    {"operator": "Sami Haddad"},
    {"sha256": hashlib.sha256(b"x").hexdigest()},
    {"camera": "EOS 5D"},
    {"name": "سامي"},
    {"Kind": "truncated"},
    {"ratio": 0.5},
    {"nested": {"a": 1}},
])
def test_details_that_could_identify_are_refused(details: dict[str, object]) -> None:
    with pytest.raises(LedgerError):
        encode_entry(type="verify.run", time=WHEN, actor="p", subject=None,
                     details=details)  # type: ignore[arg-type]


def test_pseudonyms_are_keyed_and_stable() -> None:
    key, other = b"k" * 32, b"o" * 32
    composed, decomposed = "Zoë Ḥaddād", "Zoe\u0308 H\u0323adda\u0304d"
    assert pseudonym(key, composed) == pseudonym(key, decomposed) == pseudonym(key, composed
                                                                               + " ")
    assert pseudonym(key, composed) != pseudonym(other, composed)
    assert pseudonym(key, "sami") != pseudonym(key, "Sami")
    assert len(pseudonym(key, "sami")) == 32 and "sami" not in pseudonym(key, "sami")
    with pytest.raises(LedgerError, match="empty"):
        pseudonym(key, "  ")


# --- appending --------------------------------------------------------------------------------

def test_a_new_archive_logs_its_creation_and_signs(archive: Archive) -> None:
    entries = archive.ledger.entries()
    assert [e.entry["type"] for e in entries] == ["archive.created"] + ["key.created"] * 3
    assert [e.entry["details"].get("key") for e in entries[1:]] == [
        "master", "bundle-sealing", "log-signing"]
    assert entries[0].entry["actor"] == archive.ledger.pseudonym("owner")
    state = archive.ledger.state()
    assert state.size == 4 and state.unsigned == 0 and state.vkey is not None
    assert open_checkpoint(state.checkpoint or "", state.vkey).size == 4


def test_appends_match_the_reference_tree_and_prove(archive: Archive) -> None:
    batches = [1, 2, 7, 64, 3, 100]
    n = 4
    for batch in batches:
        with archive.writing(), archive.catalog.session() as session:
            indices = archive.ledger.append(session, [_event(n + i) for i in range(batch)])
            archive.ledger.checkpoint(session)
        assert indices == range(n, n + batch)
        n += batch
    reference = merkle.MemoryTree()
    for entry in archive.ledger.entries():
        reference.append(base64.b64decode(entry.leaf))
    state = archive.ledger.state()
    assert state.size == reference.size == 4 + sum(batches)
    assert base64.b64decode(state.root) == merkle.root_hash(reference.size, reference.subtree)
    for index in range(0, reference.size, 7):
        found = archive.ledger.inclusion(index=index)
        merkle.verify_inclusion(index, found.size, merkle.leaf_hash(base64.b64decode(
            found.leaf)), [base64.b64decode(p) for p in found.proof],
            base64.b64decode(state.root))
    with archive.catalog.reader() as session:
        assert session.scalar(select(func.count()).select_from(CustodySubtree)) == sum(
            reference.size >> level for level in range(reference.size.bit_length()))
        assert session.scalar(select(func.count()).select_from(CustodyCheckpoint)) == 1 + len(
            batches)
    assert archive.verify_ledger().ok


def test_an_append_commits_or_rolls_back_with_the_callers_rows(archive: Archive) -> None:
    before = archive.ledger.state()
    with pytest.raises(RuntimeError), archive.writing(), archive.catalog.session() as session:
        session.add(Meta(key="something", value="else"))
        archive.ledger.append(session, [_event(1), _event(2)])
        raise RuntimeError("crash before commit")
    assert _size(archive) == before.size
    with archive.catalog.reader() as session:
        assert session.get(Meta, "something") is None
        assert session.scalar(select(func.count()).select_from(CustodyCommitment)) == 0
    assert archive.verify_ledger().ok
    with archive.writing(), archive.catalog.session() as session:
        assert archive.ledger.append(session, []) == range(0)
        assert archive.ledger.checkpoint(session) == before.checkpoint  # nothing new to sign


def test_nothing_is_appended_without_the_write_lock(archive: Archive) -> None:
    before = archive.ledger.state()
    with pytest.raises(UnlockedWrite, match="without holding the archive's write lock"), \
            archive.catalog.session() as session:
        session.add(Meta(key="something", value="else"))
        archive.ledger.append(session, [_event(1)])
    with archive.catalog.reader() as session:
        assert session.get(Meta, "something") is None  # the caller's rows rolled back too
    assert archive.ledger.state() == before
    with archive.writing(), archive.catalog.session() as session:
        assert archive.ledger.append(session, [_event(1)]) == range(before.size, before.size + 1)


def test_unsigned_entries_are_covered_by_the_next_checkpoint(archive: Archive) -> None:
    with archive.writing(), archive.catalog.session() as session:
        archive.ledger.append(session, [_event(1)])  # a crash before the checkpoint
    state = archive.ledger.state()
    assert state.unsigned == 1 and archive.verify_ledger().ok
    with pytest.raises(LedgerError, match="entry 4 is not in the checkpoint of 4"):
        archive.ledger.inclusion(index=4)
    assert archive.verify().ledger_ok is True  # and `verify` signs what it found
    assert archive.ledger.state().unsigned == 0
    assert archive.ledger.inclusion(index=4).size == 6


def test_the_archive_refuses_to_sign_a_log_that_shrank(archive: Archive) -> None:
    with archive.catalog.session() as session:
        session.execute(delete(CustodyEntry).where(CustodyEntry.idx == 3))
    with pytest.raises(LedgerError, match="entries were removed"), \
            archive.writing(), archive.catalog.session() as session:
        archive.ledger.checkpoint(session)
    report = archive.verify_ledger()
    assert not report.ok and report.first_bad_index == 3


def test_rows_past_the_last_entry_stop_an_append(archive: Archive) -> None:
    with archive.catalog.session() as session:
        session.add(CustodySubtree(level=0, idx=4, hash=b"\0" * 32))
    with pytest.raises(LedgerError, match="rows past its last entry"), \
            archive.writing(), archive.catalog.session() as session:
        archive.ledger.append(session, [_event(1)])
    report = archive.verify_ledger()
    assert not report.ok and report.first_bad_index == 4


def test_an_archive_older_than_its_log_adopts_what_it_holds(caesar: Caesar, archive: Archive,
                                                              tmp_path: Path) -> None:
    for i in range(3):
        camera_jpeg(tmp_path / "src" / f"{i}.jpg", seed=i)
    caesar.json("ingest", str(tmp_path / "src"))
    with archive.catalog.session() as session:  # as an archive made before the custody log
        for table in (CustodyCommitment, CustodySubtree, CustodyEntry, CustodyCheckpoint):
            session.execute(delete(table))
        session.execute(delete(Meta).where(Meta.key == LOG_ID_KEY))
    assert archive.verify_ledger().empty
    report = archive.verify()
    assert report.ledger_ok is None  # no log yet when the run began
    types = [e.entry["type"] for e in archive.ledger.entries()]
    assert types == ["log.started"] + ["original.stored"] * 3 + ["verify.run"]
    assert archive.ledger.entries(0, 0)[0].entry["details"] == {"originals": 3, "transfers": 1}
    assert all(e.entry["details"] == {"adopted": True} for e in archive.ledger.entries(1, 3))
    assert archive.verify_ledger().ok
    assert archive.verify().ledger_ok is True


def test_custody_tables_match_their_migration(archive: Archive) -> None:
    with archive.catalog.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_every_original_is_stored_once_in_the_log(caesar: Caesar, archive: Archive,
                                                  tmp_path: Path) -> None:
    camera_jpeg(tmp_path / "src" / "a.jpg", seed=1)
    caesar.json("ingest", str(tmp_path / "src"))
    sha = caesar.json("photos", "list")[0]["sha256"]
    with archive.writing(), archive.catalog.session() as session:
        (index,) = archive.ledger.append(session, [Event(
            type="original.stored", time=WHEN, actor="owner", subject=Subject.original(sha))])
    report = archive.verify_ledger()
    assert not report.ok and report.first_bad_index == index
    assert f"entry {index} records original {sha} as stored a second time" in report.problems
