"""`caesar ledger ...` end to end: what is published, proofs, and tampering in the database."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import Caesar
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from photos import camera_jpeg
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from caesar.catalog.custody import (
    CustodyCheckpoint,
    CustodyCommitment,
    CustodyEntry,
    CustodySubtree,
)
from caesar.core import Archive
from caesar.ledger import merkle
from caesar.ledger.checkpoint import open_checkpoint, parse, sign_checkpoint
from caesar.ledger.errors import LedgerError, NoteError
from caesar.ledger.events import Event

OPERATOR = "OperatorMarkerSami"
ACTOR = "ActorMarkerHuda"
FILENAME = "FilenameMarkerQ9"
SERIAL = "SERIAL-7Q4Z-MARKER"
MAKE = "MakeMarkerXJ"
MODEL = "ModelMarkerK7"
TAKEN = "2013:08:02 10:11:12"
ARABIC = "صورة_علامة"


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


@pytest.fixture
def ingested(caesar: Caesar, tmp_path: Path) -> dict[str, bytes]:
    """Six originals (one truncated) and a repeat, ingested by ACTOR from OPERATOR."""
    src = tmp_path / "src"
    files = {f"{FILENAME}_{i}.jpg": camera_jpeg(src / f"{FILENAME}_{i}.jpg", seed=i,
                                                 serial=SERIAL, make=MAKE, model=MODEL,
                                                 taken=TAKEN) for i in range(4)}
    files[f"{ARABIC}.jpg"] = camera_jpeg(src / f"{ARABIC}.jpg", seed=9, serial=SERIAL)
    files["cut.jpg"] = files[f"{FILENAME}_0.jpg"][:4000]
    (src / "cut.jpg").write_bytes(files["cut.jpg"])
    (src / "again.jpg").write_bytes(files[f"{FILENAME}_1.jpg"])
    caesar.account(ACTOR, "archivist")
    run = caesar.as_(ACTOR, "ingest", str(src), "--operator", OPERATOR, "--json")
    assert run.exit_code == 0, run.stderr
    return files


def _stored_index(caesar: Caesar, sha256: str) -> int:
    return int(caesar.json("ledger", "proof", "--sha256", sha256)["index"])


# --- what is published -------------------------------------------------------------------------

def test_published_entries_reveal_nothing(caesar: Caesar, ingested: dict[str, bytes]) -> None:
    entries = caesar.json("ledger", "entries")
    shown = caesar.json("ledger", "show")
    published = b"\n".join(_b64(e["leaf"]) for e in entries) + shown["checkpoint"].encode()
    digests = [hashlib.sha256(data).digest() for data in ingested.values()]
    for digest in digests:
        for form in (digest, digest.hex().encode(), digest.hex().upper().encode(),
                     base64.b64encode(digest), digest.hex()[:16].encode()):
            assert form not in published
    for marker in (OPERATOR, ACTOR, "owner", FILENAME, ARABIC, SERIAL, MAKE, MODEL, TAKEN,
                   "2013-08-02", "cut.jpg", "again.jpg"):
        for encoded in (marker.encode(), marker.encode("utf-16-le"), marker.lower().encode()):
            assert encoded not in published, marker
    # ... while the catalogue, for those allowed to see it, resolves every original's subject.
    resolved = {e["subject_sha256"] for e in entries if e["subject_sha256"]}
    assert resolved == {d.hex() for d in digests}


def test_entries_are_canonical_and_typed(caesar: Caesar, ingested: dict[str, bytes]) -> None:
    entries = caesar.json("ledger", "entries")
    types = [e["entry"]["type"] for e in entries]
    assert types[:6] == ["archive.created", "key.created", "key.created", "key.created",
                         "user.created", "transfer.received"]  # the account that ingests
    # The files are secured and the transfer completed; then analysis logs what it found.
    assert types[-2:] == ["transfer.completed", "original.flagged"]
    assert types.count("original.stored") == 6
    assert types.count("original.duplicate") == 1
    assert types.count("original.flagged") == 1
    for e in entries:
        leaf = _b64(e["leaf"])
        assert json.dumps(e["entry"], sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode() == leaf
        assert e["index"] == entries.index(e)
    received = entries[5]["entry"]
    assert received["details"]["kind"] == "folder"
    assert received["details"]["operator"] not in (received["actor"], OPERATOR)
    assert entries[5]["subject"] == "transfer:1" and entries[5]["subject_sha256"] is None
    completed = entries[-2]["entry"]["details"]
    # What securing found: the content's flag comes from analysis (and is in the transfer's
    # counts once analysed).
    assert completed == {"files_seen": 7, "stored": 6, "duplicates": 1, "skipped": 0,
                         "flagged": 0}
    assert caesar.json("transfers", "show", "1")["counts"]["flagged"] == 1
    assert [e["index"] for e in caesar.json("ledger", "entries", "--from", "2", "--to", "4")
            ] == [2, 3, 4]


def test_show_and_export_checkpoint(caesar: Caesar, ingested: dict[str, bytes],
                                    tmp_path: Path) -> None:
    shown = caesar.json("ledger", "show")
    checkpoint = open_checkpoint(shown["checkpoint"], shown["vkey"])
    assert checkpoint.origin.startswith("caesar-archive/")
    assert checkpoint.size == shown["size"] == len(caesar.json("ledger", "entries"))
    assert base64.b64encode(checkpoint.root_hash).decode() == shown["root"]
    assert shown["timestamps"] == [] and shown["unsigned"] == 0
    run = caesar("ledger", "export-checkpoint", "--out", str(tmp_path / "cp.txt"))
    assert run.exit_code == 0 and shown["vkey"] in run.stderr
    assert (tmp_path / "cp.txt").read_text("utf-8") == shown["checkpoint"]
    assert caesar("ledger", "export-checkpoint").stdout == shown["checkpoint"]
    human = caesar("ledger", "show")
    assert shown["vkey"] in human.stdout and shown["checkpoint"] in human.stdout


def test_inclusion_proof_of_a_photo_opens_with_its_salt(caesar: Caesar,
                                                        ingested: dict[str, bytes]) -> None:
    photo = ingested[f"{ARABIC}.jpg"]
    digest = hashlib.sha256(photo).digest()
    found = caesar.json("ledger", "proof", "--sha256", digest.hex())
    checkpoint = open_checkpoint(found["checkpoint"], caesar.json("ledger", "show")["vkey"])
    entry = _b64(found["leaf"])
    merkle.verify_inclusion(found["index"], found["size"], merkle.leaf_hash(entry),
                            [_b64(p) for p in found["proof"]], checkpoint.root_hash)
    decoded = json.loads(entry)
    assert decoded["type"] == "original.stored"
    salt = bytes.fromhex(found["salt"])
    assert len(salt) == 32
    assert hashlib.sha256(salt + digest).hexdigest() == decoded["subject"]
    assert found["subject_sha256"] == digest.hex()
    # The same proof by index; an entry without an original carries no salt.
    assert caesar.json("ledger", "proof", "--index", str(found["index"]))["proof"] == found[
        "proof"]
    assert caesar.json("ledger", "proof", "--index", "0")["salt"] is None
    human = caesar("ledger", "proof", "--sha256", digest.hex())
    assert found["salt"] in human.stdout and human.exit_code == 0


def test_proof_against_an_older_checkpoint(caesar: Caesar, ingested: dict[str, bytes]) -> None:
    first = caesar.json("ledger", "proof", "--index", "1", "--size", "4")
    assert first["size"] == 4 and parse(first["checkpoint"].split("\n\n")[0] + "\n").size == 4
    run = caesar("ledger", "proof", "--index", "1", "--size", "3", "--json")
    assert run.exit_code == 2 and "no checkpoint of the custody log has 3 entries" in run.stderr
    run = caesar("ledger", "proof", "--index", "9", "--size", "4", "--json")
    assert run.exit_code == 2 and "entry 9 is not in the checkpoint of 4" in run.stderr
    run = caesar("ledger", "proof", "--sha256", "ab" * 32, "--json")
    assert run.exit_code == 2 and "No original with SHA-256" in run.stderr
    run = caesar("ledger", "proof", "--json")
    assert run.exit_code == 2 and "exactly one of --index" in run.stderr


def test_consistency_between_checkpoints_before_and_after_an_ingest(
        caesar: Caesar, tmp_path: Path) -> None:
    before = caesar.json("ledger", "show")
    camera_jpeg(tmp_path / "later" / "a.jpg", seed=40)
    camera_jpeg(tmp_path / "later" / "b.jpg", seed=41)
    caesar.json("ingest", str(tmp_path / "later"))
    after = caesar.json("ledger", "show")
    assert after["size"] > before["size"]
    old = open_checkpoint(before["checkpoint"], before["vkey"])
    found = caesar.json("ledger", "consistency", "--from", str(old.size))
    assert (found["from"], found["to"]) == (old.size, after["size"])
    new = open_checkpoint(found["checkpoint"], before["vkey"])
    proof = [_b64(p) for p in found["proof"]]
    merkle.verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof)
    with pytest.raises(LedgerError):
        merkle.verify_consistency(old.size, new.size, new.root_hash, new.root_hash, proof)
    assert caesar("ledger", "consistency", "--from", "99", "--json").exit_code == 2


def test_verify_is_logged_with_its_result(caesar: Caesar, ingested: dict[str, bytes]) -> None:
    run = caesar.as_(ACTOR, "verify", "--json")
    assert run.exit_code == 0 and run.json()["ledger_ok"] is True
    entries = caesar.json("ledger", "entries")
    last = entries[-1]["entry"]
    assert last["type"] == "verify.run"
    assert last["details"] == {"checked": 6, "ok": 6, "damaged": 0, "missing": 0,
                               "thumbnails_damaged": 0, "unreferenced": 0, "ledger_ok": True}
    assert last["actor"] == entries[5]["entry"]["actor"]  # the same person, the same pseudonym
    assert caesar.json("ledger", "show")["size"] == len(entries)
    assert "The custody log checks out." in caesar("verify").stderr


# --- tampering straight in the database --------------------------------------------------------

Rows = list[tuple[bytes, dict[str, Any] | None]]


def _rewrite(archive: Archive, change: Callable[[Rows], None]) -> None:
    """Rewrite the entries (and the commitments that travel with them) as an intruder would,
    leaving subtree hashes, checkpoints and the signed state as they are (straight into the
    database, past the archive's own sessions, which sign the state of what they commit)."""
    with Session(archive.catalog.engine) as session, session.begin():
        openings = {row.entry_idx: {"salt": row.salt, "subject_kind": row.subject_kind,
                                    "subject": row.subject, "event": row.event}
                    for row in session.scalars(select(CustodyCommitment))}
        rows: Rows = [(entry, openings.get(idx)) for idx, entry in session.execute(
            select(CustodyEntry.idx, CustodyEntry.entry).order_by(CustodyEntry.idx))]
        change(rows)
        session.execute(delete(CustodyCommitment))
        session.execute(delete(CustodyEntry))
        for idx, (entry, opening) in enumerate(rows):
            session.execute(insert(CustodyEntry).values(idx=idx, entry=entry))
            if opening:
                session.execute(insert(CustodyCommitment).values(entry_idx=idx, **opening))


def _change(rows: Rows, k: int) -> None:
    entry, opening = rows[k]
    rows[k] = (entry.replace(b'"v":1', b'"v":2'), opening)  # still canonical JSON


def _remove(rows: Rows, k: int) -> None:
    del rows[k]


def _reorder(rows: Rows, k: int) -> None:
    rows[k], rows[k + 1] = rows[k + 1], rows[k]


def _insert(rows: Rows, k: int) -> None:
    entry = json.loads(rows[k][0])
    entry.update(details={"forged": True}, subject=None)
    rows.insert(k, (json.dumps(entry, sort_keys=True, separators=(",", ":")).encode(), None))


TAMPERINGS: dict[str, Callable[[Rows, int], None]] = {
    "changed": _change, "removed": _remove, "reordered": _reorder, "inserted": _insert}


@pytest.mark.parametrize("how", TAMPERINGS)
def test_tampered_entry_fails_verify_naming_its_index(
        caesar: Caesar, archive: Archive, ingested: dict[str, bytes], how: str) -> None:
    k = _stored_index(caesar, hashlib.sha256(ingested[f"{FILENAME}_2.jpg"]).hexdigest())
    size = caesar.json("ledger", "show")["size"]
    assert caesar("ledger", "verify").exit_code == 0
    _rewrite(archive, lambda rows: TAMPERINGS[how](rows, k))
    tampered = _entries_held(archive)
    run = caesar("ledger", "verify", "--json")
    assert run.exit_code == 1
    assert run.json()["ok"] is False and run.json()["first_bad_index"] == k, run.json()
    human = caesar("ledger", "verify")
    assert human.exit_code == 1 and f"from entry {k} on" in human.stderr
    assert f"entry {k}" in human.stderr
    full = caesar("verify", "--json")
    assert full.exit_code == 1 and full.json()["ledger_ok"] is False
    assert full.json()["damaged"] == [] and full.json()["ok"] == 6
    # Nothing is appended to (or signed over) a log that fails its check.
    assert _entries_held(archive) == tampered
    if how in ("removed", "inserted"):  # the log no longer matches the archive's signed state
        assert caesar("ledger", "show").exit_code == 2
    else:
        assert caesar.json("ledger", "show")["size"] == size


def _entries_held(archive: Archive) -> int:
    with Session(archive.catalog.engine) as session:
        return session.scalar(select(func.count()).select_from(CustodyEntry)) or 0


def test_a_row_deleted_from_the_middle_is_named(caesar: Caesar, archive: Archive,
                                                 ingested: dict[str, bytes]) -> None:
    k = _stored_index(caesar, hashlib.sha256(ingested[f"{FILENAME}_3.jpg"]).hexdigest())
    with archive.catalog.session() as session:
        session.execute(delete(CustodyCommitment).where(CustodyCommitment.entry_idx == k))
        session.execute(delete(CustodyEntry).where(CustodyEntry.idx == k))
    report = caesar.json("ledger", "verify")
    assert report["first_bad_index"] == k
    assert any(f"entry {k} is missing" in p for p in report["problems"])


def test_a_lost_salt_or_a_stored_hash_changed_is_named(caesar: Caesar, archive: Archive,
                                                       ingested: dict[str, bytes]) -> None:
    k = _stored_index(caesar, hashlib.sha256(ingested["cut.jpg"]).hexdigest())
    with archive.catalog.session() as session:
        session.execute(delete(CustodyCommitment).where(CustodyCommitment.entry_idx == k))
        session.execute(update(CustodySubtree).where(
            CustodySubtree.level == 1, CustodySubtree.idx == 1).values(hash=b"\0" * 32))
    report = caesar.json("ledger", "verify")
    assert not report["ok"] and report["first_bad_index"] == 2
    problems = "\n".join(report["problems"])
    assert f"entry {k}'s commitment cannot be opened" in problems
    assert "the stored hash of the subtree over entries 2 to 3 was altered" in problems
    assert "has no original.stored entry" in problems


def test_a_log_rewritten_with_a_recomputed_tree_contradicts_its_checkpoints(
        caesar: Caesar, archive: Archive, ingested: dict[str, bytes]) -> None:
    k = _stored_index(caesar, hashlib.sha256(ingested[f"{FILENAME}_1.jpg"]).hexdigest())
    _rewrite(archive, lambda rows: _change(rows, k))
    # the intruder recomputes every hash, but cannot sign
    with archive.catalog.session() as session:
        tree = merkle.MemoryTree()
        nodes = []
        for entry in session.scalars(select(CustodyEntry.entry).order_by(CustodyEntry.idx)):
            nodes += merkle.nodes_to_store_on_append(tree.size, merkle.leaf_hash(entry),
                                                     tree.subtree)
            tree.append(entry)
        session.execute(delete(CustodySubtree))
        session.execute(insert(CustodySubtree), [
            {"level": level, "idx": idx, "hash": digest} for level, idx, digest in nodes])
    report = caesar.json("ledger", "verify")
    # after the checkpoint before the ingest
    assert not report["ok"] and report["first_bad_index"] == 5
    assert any("the log was rewritten" in p for p in report["problems"])
    assert any("are not consistent" in p for p in report["problems"])
    # Nor will the archive sign on top of it: the next checkpoint must extend the last.
    with archive.writing(), archive.catalog.session() as session, pytest.raises(
            LedgerError, match="no longer extends its last checkpoint"):
        archive.ledger.append(session, [Event(type="verify.run", time=datetime.now(UTC),
                                              actor="owner")])
        archive.ledger.checkpoint(session)


def test_a_checkpoint_signed_by_another_key_is_rejected(caesar: Caesar, archive: Archive,
                                                         ingested: dict[str, bytes]) -> None:
    shown = caesar.json("ledger", "show")
    genuine = open_checkpoint(shown["checkpoint"], shown["vkey"])
    forged = sign_checkpoint(genuine, Ed25519PrivateKey.generate())
    with pytest.raises(NoteError, match="not signed by any trusted key"):
        open_checkpoint(forged, shown["vkey"])
    with archive.catalog.session() as session:
        session.add(CustodyCheckpoint(size=genuine.size, note=forged,
                                      signed_at=datetime.now(UTC)))
    run = caesar("ledger", "verify", "--json")
    assert run.exit_code == 1 and run.json()["first_bad_index"] is None
    assert any("is rejected: the note is not signed by any trusted key" in p
               for p in run.json()["problems"])


def test_a_fresh_archive_verifies(caesar: Caesar) -> None:
    report = caesar.json("ledger", "verify")
    assert report == {"ok": True, "size": 4, "first_bad_index": None, "problems": []}
    assert caesar("verify", "--json").json()["ledger_ok"] is True
