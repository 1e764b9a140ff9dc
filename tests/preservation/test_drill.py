"""The restore drill (issue 17, docs/recovery.md): init, ingest, split 3 of 5, replicate to two
folders, publish a checkpoint; then, each time on a fresh copy, one disaster. Afterwards
nothing is lost (every original and thumbnail, the family's photo, the held package, the keys,
the settings), `verify` and `ledger verify` pass, and the custody log is consistent with the
checkpoint published before the disaster."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from conftest import PASSPHRASE, Caesar
from typer.testing import CliRunner

from caesar.cli.app import app
from caesar.preservation.areas import FAMILY_PHOTOS, HELD

from .conftest import Site
from .survival import add_photos, flip_byte, object_file

NEW = "what the trustees agreed on today"


def _nothing_lost(caesar: Caesar, site: Site, originals: list[str] | None = None,
                  passphrase: str = PASSPHRASE) -> None:
    env = {"CAESAR_PASSPHRASE": passphrase}
    report = caesar("verify", "--checkpoint", str(site.published), "--json", env=env)
    assert report.exit_code == 0, report.stdout
    found = report.json()
    assert found["damaged"] == found["missing"] == found["thumbnails_damaged"] == []
    assert found["checkpoints"][0]["ok"] is True
    # The family's photo and the held package too: each decrypted and checked.
    assert found["family_photos"] == found["held_packages"] == {
        "checked": 1, "damaged": [], "missing": []}
    listed = caesar("photos", "list", "--json", env=env).json()
    assert sorted(p["sha256"] for p in listed) == (originals or site.originals)
    assert caesar("ledger", "verify", env=env).exit_code == 0


def test_the_passphrase_is_forgotten(site: Site) -> None:
    caesar = site.caesar
    shares = random.Random(17).sample(site.shares, 3)
    run = CliRunner().invoke(app, ["--archive", str(caesar.archive), "keys", "recover"],
                             input="\n".join(shares) + "\n",
                             env={**caesar.env, "CAESAR_PASSPHRASE": None,
                                  "CAESAR_NEW_PASSPHRASE": NEW}, catch_exceptions=False)
    assert run.exit_code == 0, run.stderr
    _nothing_lost(caesar, site, passphrase=NEW)


def test_a_tenth_of_the_objects_and_the_catalogue_are_lost(site: Site) -> None:
    caesar = site.caesar
    objects = sorted((caesar.archive / "objects").glob("??/*"))
    for lost in random.Random(17).sample(objects, len(objects) // 10):
        lost.unlink()
    (caesar.archive / "catalog.db").unlink()
    for area in (FAMILY_PHOTOS, HELD):
        shutil.rmtree(caesar.archive / area)
    refused = caesar("photos", "list")
    assert refused.exit_code == 2 and "catalog.db is missing" in refused.stderr
    assert caesar("verify").exit_code == 1
    run = caesar("repair", "--json")
    assert run.exit_code == 0, run.stdout
    assert run.json()["catalogue"]["action"] == "restored"
    kinds = [r["kind"] for r in run.json()["repaired"]]
    assert len(kinds) == len(objects) // 10 + 2
    assert kinds.count("family_photo") == kinds.count("held_package") == 1
    _nothing_lost(caesar, site)


def test_the_catalogue_is_rolled_back(site: Site, tmp_path: Path) -> None:
    caesar = site.caesar
    old = tmp_path / "catalog-of-yesterday.db"
    shutil.copy(caesar.archive / "catalog.db", old)
    newer = add_photos(caesar, tmp_path / "today", 2, first=90)
    assert caesar("replicate").exit_code == 0
    shutil.copy(old, caesar.archive / "catalog.db")
    refused = caesar("ingest", str(tmp_path / "today"))
    assert refused.exit_code == 2 and "rolled back" in refused.stderr
    assert caesar("repair").exit_code == 0
    _nothing_lost(caesar, site, sorted(site.originals + newer))


def test_one_replica_is_damaged_and_the_other_serves(site: Site) -> None:
    caesar = site.caesar
    victims = site.originals[:3]
    for sha in victims:
        flip_byte(object_file(caesar.archive, "original", sha, root=site.replicas["one"]))
        object_file(caesar.archive, "original", sha).unlink()
    (site.replicas["one"] / "documents" / "catalog").write_bytes(b"not a catalogue")
    run = caesar("repair", "--json")
    assert run.exit_code == 0, run.stdout
    assert {(r["sha256"], r["replica"]) for r in run.json()["repaired"]} == \
        {(sha, "two") for sha in victims}
    _nothing_lost(caesar, site)
    # The damaged replica is named, then made whole again from the archive.
    named = caesar("verify", "--replica", "one", "--json")
    assert named.exit_code == 1 and sorted(named.json()["damaged"]) == sorted(victims)
    assert caesar("replicate", "one", "--full").exit_code == 0
    assert caesar("verify", "--replica", "one").exit_code == 0


def test_the_whole_archive_is_lost(site: Site, tmp_path: Path) -> None:
    public_key = (site.caesar.archive / "archive.pub").read_bytes()
    shutil.rmtree(site.caesar.archive)
    new = Caesar(tmp_path / "restored")
    run = CliRunner().invoke(app, ["restore", "--from", str(site.replicas["two"]), "--to",
                                   str(new.archive), "--json"], env=new.env,
                             catch_exceptions=False)
    assert run.exit_code == 0, run.stderr
    _nothing_lost(new, site)
    assert (new.archive / "archive.pub").read_bytes() == public_key  # documenters seal to it
    entries = new.json("ledger", "entries")
    assert "archive.restored" in [e["entry"]["type"] for e in entries]
    # Its replicas are still its replicas: the next replication fills them from the new home.
    assert new("replicate").exit_code == 0


def test_the_archive_and_its_passphrase_are_lost(site: Site, tmp_path: Path) -> None:
    shutil.rmtree(site.caesar.archive)
    new = Caesar(tmp_path / "restored")
    run = CliRunner().invoke(app, ["restore", "--from", str(site.replicas["one"]), "--to",
                                   str(new.archive), "--shares", "--json"],
                             input="\n".join(site.shares[2:]) + "\n",
                             env={**new.env, "CAESAR_PASSPHRASE": None,
                                  "CAESAR_NEW_PASSPHRASE": NEW}, catch_exceptions=False)
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["recovered_with_shares"] is True
    _nothing_lost(new, site, passphrase=NEW)


def test_restore_refuses_what_it_cannot_use(site: Site, tmp_path: Path) -> None:
    caesar = site.caesar
    into_existing = caesar("restore", "--from", str(site.replicas["one"]), "--to",
                           str(caesar.archive))
    assert into_existing.exit_code == 2 and "already holds an archive" in into_existing.stderr
    (tmp_path / "stuff").mkdir()
    not_a_replica = caesar("restore", "--from", str(tmp_path / "stuff"), "--to",
                           str(tmp_path / "new"))
    assert not_a_replica.exit_code == 2 and "not a replica" in not_a_replica.stderr
    wrong = caesar("restore", "--from", str(site.replicas["one"]), "--to",
                   str(tmp_path / "new"), env={"CAESAR_PASSPHRASE": "not the passphrase"})
    assert wrong.exit_code == 2 and "Wrong passphrase" in wrong.stderr
    assert not (tmp_path / "new").exists()
