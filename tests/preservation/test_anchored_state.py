"""A catalogue that cannot be reset or rolled back unseen (issue 17's attacks on catalog.db).

Each attack is what an insider with write access to the archive folder, and no passphrase,
can do; each ends in a clear refusal (exit 2, nothing created or changed) and a named finding
from `verify` (exit 1), never in an empty archive that says all is well.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Caesar, archive_bytes
from photos import camera_jpeg
from sqlalchemy import text

from caesar.catalog.database import make_engine
from caesar.core import Archive
from caesar.ledger.state import capture
from caesar.preservation import anchor
from caesar.preservation.anchor import Anchor
from caesar.vault.keys import unlock_keys
from caesar.vault.store import NEUTRAL_TIME, LocalStore

from .survival import add_photos, caesar_dies

COMMANDS = (["photos", "list", "--json"], ["ledger", "show", "--json"],
            ["transfers", "list", "--json"])


def _refused_without_change(caesar: Caesar, source: Path, said: str) -> None:
    """Every command that would change or read the archive normally refuses, with `said` in
    its message, and leaves every file as it was."""
    before = archive_bytes(caesar.archive)
    for command in [*COMMANDS, ["ingest", str(source), "--json"]]:
        run = caesar(*command)
        assert run.exit_code == 2, (command, run.stderr)
        assert run.stdout == ""
        assert said in run.stderr and "caesar repair" in run.stderr
        assert "Traceback" not in run.stderr
    assert archive_bytes(caesar.archive) == before


def _verify_names(caesar: Caesar, said: str) -> dict:
    before = archive_bytes(caesar.archive)
    run = caesar("verify", "--json")
    assert run.exit_code == 1, run.stderr
    report = run.json()
    assert report["state"]["ok"] is False and said in report["state"]["problem"]
    ledger = caesar("ledger", "verify", "--json")
    assert ledger.exit_code == 1 and ledger.json()["ok"] is False
    assert said in " ".join(ledger.json()["problems"])
    assert archive_bytes(caesar.archive) == before  # a check of a broken archive logs nothing
    return report


@pytest.fixture
def caesar(filled: tuple[Caesar, list[str]]) -> Caesar:
    """`caesar` on a copy of an archive holding three originals."""
    return filled[0]


def test_an_emptied_catalogue_is_refused_and_no_new_log_is_started(
        caesar: Caesar, tmp_path: Path) -> None:
    (caesar.archive / "catalog.db").write_bytes(b"")  # `: > catalog.db`
    _refused_without_change(caesar, caesar.archive.parent / "photos", "catalog.db is empty")
    assert (caesar.archive / "catalog.db").stat().st_size == 0  # no second log was started
    report = _verify_names(caesar, "is empty")
    # The originals are not silently orphaned: every object (three originals, three
    # thumbnails) is named as held without a catalogue row.
    assert report["checked"] == 0 and len(report["unreferenced"]) == 6


def test_a_deleted_catalogue_is_refused_and_not_recreated(
        caesar: Caesar, tmp_path: Path) -> None:
    for path in caesar.archive.glob("catalog.db*"):
        path.unlink()
    _refused_without_change(caesar, caesar.archive.parent / "photos", "catalog.db is missing")
    assert not list(caesar.archive.glob("catalog.db*"))
    _verify_names(caesar, "is missing")


def test_an_older_copy_of_the_catalogue_is_refused(caesar: Caesar, tmp_path: Path) -> None:
    old = tmp_path / "old-catalog.db"
    shutil.copy(caesar.archive / "catalog.db", old)
    newer = add_photos(caesar, tmp_path / "second", 2, first=10)
    shutil.copy(old, caesar.archive / "catalog.db")
    _refused_without_change(caesar, tmp_path / "second", "behind the archive's signed state")
    report = _verify_names(caesar, "rolled back")
    assert report["checked"] == 3  # what the old copy lists still checks out...
    # ...and the originals ingested since are not silently ignored: their objects are named.
    assert len(report["unreferenced"]) == 4
    names = {object_file_name(caesar, sha) for sha in newer}
    assert names <= set(report["unreferenced"])


def object_file_name(caesar: Caesar, sha: str) -> str:
    keys = unlock_keys(caesar.archive, PASSPHRASE)
    from caesar.vault.objects import ObjectVault

    return ObjectVault(LocalStore(caesar.archive / "objects"), keys).name("original", sha)


def test_a_cut_short_catalogue_is_one_clear_message(caesar: Caesar, tmp_path: Path) -> None:
    catalogue = caesar.archive / "catalog.db"
    catalogue.write_bytes(catalogue.read_bytes()[: catalogue.stat().st_size // 3])
    _refused_without_change(caesar, caesar.archive.parent / "photos", "cannot be read")
    _verify_names(caesar, "cannot be read")


def test_a_file_that_is_not_a_catalogue_is_one_clear_message(caesar: Caesar) -> None:
    (caesar.archive / "catalog.db").write_bytes(b"these bytes were never a database" * 100)
    _refused_without_change(caesar, caesar.archive.parent / "photos", "cannot be read")
    _verify_names(caesar, "cannot be read")


def test_another_archives_catalogue_is_refused(caesar: Caesar, tmp_path: Path) -> None:
    other = Caesar(tmp_path / "other")
    assert other("init", "--kdf-cost", "test").exit_code == 0
    shutil.copy(tmp_path / "other" / "catalog.db", caesar.archive / "catalog.db")
    _refused_without_change(caesar, caesar.archive.parent / "photos",
                            "not this archive's catalogue")


def test_a_missing_secrets_file_is_one_clear_message(caesar: Caesar) -> None:
    (caesar.archive / "keys" / "secrets.enc").unlink()
    before = archive_bytes(caesar.archive)
    for command in (["photos", "list"], ["verify"]):
        run = caesar(*command)
        assert run.exit_code == 2 and "Traceback" not in run.stderr
        assert "secrets file" in run.stderr and "is missing" in run.stderr
        assert "caesar repair --from" in run.stderr
    assert archive_bytes(caesar.archive) == before


def _cut_the_log(archive: Path, keep: int, shas: list[str], transfer: int) -> None:
    """What an insider holding the keys does: remove the log's tail and the rows of the
    originals it recorded, so that every check inside the catalogue still passes."""
    keys = unlock_keys(archive, PASSPHRASE)
    engine = make_engine("sqlite:///catalog.db", archive, keys.catalog)
    marks = ", ".join(f"'{sha}'" for sha in shas)
    with engine.begin() as db:
        db.execute(text("DELETE FROM custody_commitments WHERE entry_idx >= :k"), {"k": keep})
        db.execute(text("DELETE FROM custody_entries WHERE idx >= :k"), {"k": keep})
        db.execute(text("DELETE FROM custody_subtrees WHERE (idx + 1) * (1 << level) > :k"),
                   {"k": keep})
        db.execute(text("DELETE FROM custody_checkpoints WHERE size > :k"), {"k": keep})
        for table in ("flags", "sightings"):
            db.execute(text(f"DELETE FROM {table} WHERE sha256 IN ({marks})"))
        db.execute(text(f"DELETE FROM photos WHERE sha256 IN ({marks})"))
        for table in ("skipped", "problems"):
            db.execute(text(f"DELETE FROM {table} WHERE transfer_id >= :t"), {"t": transfer})
        db.execute(text("DELETE FROM transfers WHERE id >= :t"), {"t": transfer})
    engine.dispose()


def test_removing_the_logs_tail_with_five_originals_is_named(
        caesar: Caesar, tmp_path: Path) -> None:
    published = tmp_path / "published.txt"
    assert caesar("ledger", "export-checkpoint", "--out", str(published)).exit_code == 0
    keep = caesar.json("ledger", "show")["size"]
    five = add_photos(caesar, tmp_path / "second", 5, first=20)
    transfer = max(caesar.json("transfers", "list"), key=lambda t: t["id"])["id"]
    later = tmp_path / "later.txt"
    assert caesar("ledger", "export-checkpoint", "--out", str(later)).exit_code == 0

    _cut_the_log(caesar.archive, keep, five, transfer)
    # The signed state outside the catalogue says the log was longer.
    _refused_without_change(caesar, caesar.archive.parent / "photos", "custody log of")
    _verify_names(caesar, "behind the archive's signed state")

    # An insider who also holds the signing key signs a new state over the shortened log:
    # every internal check passes, and only a checkpoint published earlier tells.
    archive = Archive.open(caesar.archive, PASSPHRASE, inspect=True)
    with archive.catalog.reader() as session:
        shortened = capture(session)
    assert shortened is not None
    Anchor(archive.store, archive.keys).write(shortened, force=True)
    archive.close()
    assert caesar("ledger", "verify").exit_code == 0
    run = caesar("verify", "--checkpoint", str(published), "--checkpoint", str(later),
                 "--json")
    assert run.exit_code == 1
    found = {Path(c["file"]).name: c for c in run.json()["checkpoints"]}
    assert found["published.txt"]["ok"] is True
    assert found["later.txt"]["ok"] is False
    assert "entries were removed" in found["later.txt"]["problem"]
    human = caesar("verify", "--checkpoint", str(later))
    assert "later.txt: FAILS" in human.stderr


def test_a_log_rewritten_under_a_published_checkpoint_is_named(caesar: Caesar,
                                                                 tmp_path: Path) -> None:
    published = tmp_path / "published.txt"
    assert caesar("ledger", "export-checkpoint", "--out", str(published)).exit_code == 0
    keys = unlock_keys(caesar.archive, PASSPHRASE)
    engine = make_engine("sqlite:///catalog.db", caesar.archive, keys.catalog)
    with engine.begin() as db:  # the tree's hashes, as a rewrite of its entries leaves them
        db.execute(text("UPDATE custody_subtrees SET hash = zeroblob(32)"))
    engine.dispose()
    run = caesar("verify", "--checkpoint", str(published), "--json")
    assert run.exit_code == 1
    (finding,) = run.json()["checkpoints"]
    assert finding["ok"] is False and "the log was rewritten" in finding["problem"]


@pytest.mark.slow
def test_a_crash_between_commit_and_signing_does_not_lock_anyone_out(
        caesar: Caesar, tmp_path: Path) -> None:
    source = tmp_path / "second"
    for seed in (30, 31):
        camera_jpeg(source / f"{seed}.jpg", seed=seed)
    died = caesar_dies(caesar.archive, anchor.STATE_UNSIGNED, "ingest", str(source))
    assert died.returncode == -9
    # The catalogue is one commit ahead of its signed state: the next command signs it.
    assert caesar("photos", "list").exit_code == 0
    report = caesar.json("ingest", str(source))
    assert report["stored"] + report["duplicates"] == 2
    assert caesar("verify").exit_code == 0


def test_objects_and_their_folders_show_no_dates(caesar: Caesar, tmp_path: Path) -> None:
    add_photos(caesar, tmp_path / "second", 2, first=40)
    store = caesar.archive / "objects"
    dated = [str(p.relative_to(store)) for p in [store, *store.rglob("*")]
             if p.stat().st_mtime != NEUTRAL_TIME]
    assert dated == []
    assert len(list(store.glob("??/*"))) == 10  # five originals and their thumbnails


def test_the_state_is_kept_sealed(caesar: Caesar) -> None:
    state = (caesar.archive / "objects" / "documents" / "state").read_bytes()
    head = caesar.json("ledger", "show")
    assert b"caesar-archive/" not in state and head["root"].encode() not in state
    assert len(state) < 1024
