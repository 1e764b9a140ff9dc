"""`caesar init`, unlocking, and the archive's keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PASSPHRASE, Caesar, archive_bytes
from photos import camera_jpeg
from pyrage import x25519

from caesar.core import Archive
from caesar.errors import WrongPassphrase
from caesar.vault.keys import KdfCost


def test_init_prints_the_public_key(tmp_path: Path) -> None:
    caesar = Caesar(tmp_path / "new")
    run = caesar("init", "--kdf-cost", "test", "--owner", "amal")
    assert run.exit_code == 0, run.stderr
    key = run.stdout.strip()
    assert key.startswith("age1")
    x25519.Recipient.from_str(key)  # a valid age X25519 recipient
    assert (tmp_path / "new" / "archive.pub").read_text().strip() == key
    assert "only in test suites" in run.stderr
    archive = Archive.open(tmp_path / "new", PASSPHRASE)
    assert archive.owner == "amal"
    archive.close()


def test_only_settings_key_and_catalogue_are_in_a_new_archive(archive: Archive) -> None:
    archive.close()  # the catalogue's write-ahead log (encrypted too) is folded back in
    names = {p.name for p in archive.path.iterdir()}
    # `lock` is the write lock's empty file (its first entries were written under it)
    assert names == {"caesar.toml", "archive.pub", "keys", "catalog.db", "objects", "lock"}
    assert (archive.path / "lock").stat().st_size == 0
    assert "argon2id" in (archive.path / "keys" / "master.json").read_text()


def test_wrong_passphrase_exits_2_and_changes_nothing(caesar: Caesar, tmp_path: Path) -> None:
    camera_jpeg(tmp_path / "src" / "a.jpg", seed=1)
    caesar.json("ingest", str(tmp_path / "src"))
    before = archive_bytes(caesar.archive)
    for command in (["verify"], ["ingest", str(tmp_path / "src")], ["photos", "list"]):
        run = caesar(*command, "--json", env={"CAESAR_PASSPHRASE": "not the passphrase"})
        assert run.exit_code == 2
        assert "Wrong passphrase" in run.stderr and run.stdout == ""
    assert archive_bytes(caesar.archive) == before
    with pytest.raises(WrongPassphrase, match="does not unlock"):
        Archive.open(caesar.archive, "nope")


def test_init_refuses_a_folder_with_files(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "holiday.jpg").write_bytes(b"x")
    run = Caesar(target)("init", "--kdf-cost", "test")
    assert run.exit_code == 2 and "already holds files" in run.stderr
    assert [p.name for p in target.iterdir()] == ["holiday.jpg"]


def test_init_refuses_an_existing_archive(archive: Archive) -> None:
    run = Caesar(archive.path)("init", "--kdf-cost", "test")
    assert run.exit_code == 2 and "already holds an archive" in run.stderr


def test_half_made_archive_is_recognised(tmp_path: Path) -> None:
    target = tmp_path / "half"
    target.mkdir()
    (target / ".init-incomplete").touch()
    (target / "keys").mkdir()
    for command in (["init", "--kdf-cost", "test"], ["verify"]):
        run = Caesar(target)(*command)
        assert run.exit_code == 2
        assert "half-made archive" in run.stderr and "rm -r" in run.stderr


def test_no_archive_says_how_to_make_one(tmp_path: Path) -> None:
    run = Caesar(tmp_path / "none")("photos", "list")
    assert run.exit_code == 2 and "caesar init" in run.stderr


def test_no_passphrase_and_no_terminal(archive: Archive) -> None:
    run = Caesar(archive.path)("verify", env={"CAESAR_PASSPHRASE": None})
    assert run.exit_code == 2 and "CAESAR_PASSPHRASE" in run.stderr


def test_keys_reopen_identically(archive_dir: Path) -> None:
    made = Archive.create(archive_dir, PASSPHRASE, kdf_cost=KdfCost.test)
    made.close()
    again = Archive.open(archive_dir, PASSPHRASE)
    assert again.keys.master == made.keys.master
    assert again.public_key == made.public_key
    assert "locked away" in repr(again.keys)
    again.close()
