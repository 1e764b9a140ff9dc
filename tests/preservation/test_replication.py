"""Replicas: encrypted copies that reveal no more than the archive folder, brought up to date
incrementally, checked on their own, and never overwritten by an older archive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Caesar, archive_bytes

from caesar.preservation import replicate
from caesar.vault.store import NEUTRAL_TIME

from .conftest import Site
from .survival import add_photos, caesar_dies, flip_byte, object_file


def test_replicate_copies_each_object_once_then_only_what_is_new(
        filled: tuple[Caesar, list[str]], tmp_path: Path) -> None:
    caesar, _ = filled
    assert caesar("replica", "add", "usb", str(tmp_path / "usb")).exit_code == 0
    first = caesar.json("replicate")
    assert first["failed"] == []
    (done,) = first["replicas"]
    assert done["replica"] == "usb" and done["copied"] == 6 and done["originals"] == 3
    assert set(done) == {"replica", "copied", "bytes", "objects", "originals", "generation",
                         "log_size"}
    assert caesar.json("replicate", "usb")["replicas"][0]["copied"] == 0
    add_photos(caesar, tmp_path / "more", 2, first=50)
    again = caesar.json("replicate")["replicas"][0]
    assert again["copied"] == 4 and again["originals"] == 5 and again["objects"] == 10
    check = caesar("verify", "--replica", "usb", "--json")
    assert check.exit_code == 0, check.stderr
    assert check.json()["checked"] == 5 and check.json()["behind"] == 0


def test_a_replica_reveals_no_more_than_the_archive_folder(site: Site) -> None:
    replica = site.replicas["one"]
    archive = site.caesar.archive
    objects = sorted(p.relative_to(replica) for p in replica.glob("??/*"))
    assert objects == sorted(p.relative_to(archive / "objects")
                             for p in (archive / "objects").glob("??/*"))
    for name in objects:  # copied as they are: never decrypted on the way
        assert (replica / name).read_bytes() == (archive / "objects" / name).read_bytes()
        assert (replica / name).stat().st_mtime == NEUTRAL_TIME
    # Markers long enough that ciphertext never holds one by chance (a 3-byte JPEG marker
    # turns up in a few megabytes of random bytes): a JPEG is told by how its file starts.
    telling = [b"SN-0001", b"Canon", b"EOS 5D", b"sami-haddad", b"Exif\x00\x00", b"JFIF\x00",
               b"SQLite format 3", *(sha.encode() for sha in site.originals)]
    for path in replica.rglob("*"):
        if path.is_file() and path.name != "settings":  # the plaintext caesar.toml, as ever
            data = path.read_bytes()
            assert not data.startswith(b"\xff\xd8\xff"), path
            assert not [t for t in telling if t in data], path
    assert (replica / "documents" / "settings").read_bytes() == \
        (archive / "caesar.toml").read_bytes()


def test_a_damaged_replica_is_named_and_the_archive_is_not(site: Site) -> None:
    caesar = site.caesar
    victim = site.originals[4]
    flip_byte(object_file(caesar.archive, "original", victim, root=site.replicas["one"]))
    run = caesar("verify", "--replica", "one", "--json")
    assert run.exit_code == 1
    assert run.json()["damaged"] == [victim] and run.json()["replica"] == "one"
    assert caesar("verify", "--replica", "two").exit_code == 0
    assert caesar("verify").exit_code == 0
    assert "replica 'one'" in caesar("verify", "--replica", "one").stderr


@pytest.mark.slow
def test_a_crash_mid_replication_leaves_the_previous_replica_whole(site: Site,
                                                                  tmp_path: Path) -> None:
    caesar = site.caesar
    add_photos(caesar, tmp_path / "more", 2, first=60)
    died = caesar_dies(caesar.archive, f"{replicate.OBJECT_COPIED}@3", "replicate", "one")
    assert died.returncode == -9, died.stderr
    whole = caesar("verify", "--replica", "one", "--json")
    assert whole.exit_code == 0, whole.json()  # its previous snapshot, as it was
    assert whole.json()["checked"] == 10 and whole.json()["behind"] > 0
    # What the killed run copied is kept: the third object and any other of the four copies
    # in flight that finished before it died.
    assert 3 <= len(whole.json()["unreferenced"]) <= 6
    died = caesar_dies(caesar.archive, replicate.SNAPSHOT_WRITTEN, "replicate", "one")
    assert died.returncode == -9
    torn = caesar("verify", "--replica", "one", "--json")
    assert torn.exit_code == 1 and "interrupted" in torn.json()["state"]["problem"]
    assert caesar("replicate", "one").exit_code == 0
    healed = caesar("verify", "--replica", "one", "--json")
    assert healed.exit_code == 0 and healed.json()["checked"] == 12


def test_an_unreachable_replica_is_reported_and_the_others_are_done(site: Site) -> None:
    caesar = site.caesar
    site.replicas["two"].rename(site.root / "unplugged")
    run = caesar("replicate", "--json")
    assert run.exit_code == 1
    assert [r["replica"] for r in run.json()["replicas"]] == ["one"]
    (failed,) = run.json()["failed"]
    assert failed["replica"] == "two" and "cannot be reached" in failed["problem"]
    listed = {r["name"]: r for r in caesar.json("replica", "list")}
    assert listed["two"]["reachable"] is False and listed["one"]["originals"] == 10


def test_a_replica_newer_than_the_archive_is_never_overwritten(site: Site,
                                                               tmp_path: Path) -> None:
    caesar = site.caesar
    saved = tmp_path / "saved"
    saved.mkdir()
    state = caesar.archive / "objects" / "documents" / "state"
    shutil.copy(caesar.archive / "catalog.db", saved / "catalog.db")
    shutil.copy(state, saved / "state")
    newer = add_photos(caesar, tmp_path / "more", 2, first=70)
    assert caesar("replicate").exit_code == 0
    # Rolled back together with its signed state: the archive alone cannot tell...
    shutil.copy(saved / "catalog.db", caesar.archive / "catalog.db")
    shutil.copy(saved / "state", state)
    assert caesar("photos", "list").exit_code == 0
    # ...its replicas can.
    run = caesar("verify", "--json")
    assert run.exit_code == 1 and "was rolled back" in run.json()["state"]["problem"]
    before = archive_bytes(site.replicas["one"])
    copied = caesar("replicate", "--json")
    assert copied.exit_code == 1 and len(copied.json()["failed"]) == 2
    assert "newer than this archive" in copied.json()["failed"][0]["problem"]
    assert archive_bytes(site.replicas["one"]) == before
    repaired = caesar("repair", "--json")
    assert repaired.exit_code == 0, repaired.stdout
    assert repaired.json()["catalogue"]["action"] == "restored"
    assert set(newer) <= {p["sha256"] for p in caesar.json("photos", "list")}
    assert caesar("verify").exit_code == 0


def test_replica_add_wants_a_folder_of_its_own(filled: tuple[Caesar, list[str]],
                                               tmp_path: Path) -> None:
    caesar, _ = filled
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "holiday.jpg").write_bytes(b"x")
    run = caesar("replica", "add", "usb", str(busy))
    assert run.exit_code == 2 and "already holds files" in run.stderr
    inside = caesar("replica", "add", "usb", str(caesar.archive / "copy"))
    assert inside.exit_code == 2 and "inside the archive" in inside.stderr
    assert caesar("replica", "add", "usb", str(tmp_path / "usb")).exit_code == 0
    twice = caesar("replica", "add", "usb", str(tmp_path / "other"))
    assert twice.exit_code == 2 and "already called" in twice.stderr
    none = caesar("verify", "--replica", "nowhere")
    assert none.exit_code == 2 and "No replica is called" in none.stderr


def test_no_replica_yet(filled: tuple[Caesar, list[str]]) -> None:
    caesar, _ = filled
    run = caesar("replicate")
    assert run.exit_code == 2 and "replica add" in run.stderr
    assert caesar.json("replica", "list") == []
