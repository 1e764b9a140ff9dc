"""A replica in an S3-compatible bucket (an archive's copy in another country), against a real
SeaweedFS server: filled, checked, repairing the archive, and restoring it when it is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PASSPHRASE, Caesar
from preservation.survival import (
    add_family_photo,
    add_photos,
    flip_byte,
    hold_package,
    object_file,
)
from s3_server import S3Server, bucket_objects


@pytest.fixture
def laptop(s3_env: S3Server, tmp_path: Path) -> tuple[Caesar, list[str]]:
    """An archive in a folder with four originals, a family's photo and a package held for a
    download."""
    caesar = Caesar(tmp_path / "archive")
    assert caesar("init", "--kdf-cost", "test").exit_code == 0
    shas = add_photos(caesar, tmp_path / "drive", 4)
    add_family_photo(caesar, tmp_path / "family")
    assert caesar.archive is not None
    hold_package(caesar.archive, shas[0])
    return caesar, shas


def test_a_bucket_replica_is_filled_checked_and_repairs_the_archive(
        laptop: tuple[Caesar, list[str]], s3_env: S3Server, bucket_url: str,
        tmp_path: Path) -> None:
    caesar, shas = laptop
    assert caesar.archive is not None
    added = caesar.json("replica", "add", "abroad", bucket_url)
    assert added == {"name": "abroad", "path": bucket_url}
    (first,) = caesar.json("replicate")["replicas"]
    assert first["originals"] == 4 and first["copied"] >= 8  # originals, thumbnails, areas
    again = caesar.json("replicate")["replicas"][0]
    assert again["copied"] == 0  # only what is new is copied

    # What the bucket holds is sealed: no original's hash in a key, no photo's bytes inside.
    stored = bucket_objects(s3_env, bucket_url)
    photos = [p.read_bytes() for p in sorted((tmp_path / "drive").glob("*.jpg"))]
    for key, data in stored.items():
        assert not any(sha in key for sha in shas)
        assert not any(photo[300:364] in data for photo in photos)
    assert any(key.endswith("/documents/catalog") for key in stored)

    checked = caesar("verify", "--replica", "abroad", "--json")
    assert checked.exit_code == 0, checked.stdout
    assert (checked.json()["checked"], checked.json()["ok"]) == (4, 4)
    assert checked.json()["family_photos"]["checked"] == 1
    assert checked.json()["held_packages"]["checked"] == 1

    # The laptop's copy is damaged: one original lost, one flipped, and the bucket repairs it.
    object_file(caesar.archive, "original", shas[1]).unlink()
    flip_byte(object_file(caesar.archive, "original", shas[2]))
    assert caesar("verify", "--json").exit_code == 1
    repaired = caesar.json("repair")
    assert sorted(r["sha256"] for r in repaired["repaired"] if r["kind"] == "original") == \
        sorted(shas[1:3])
    assert {r["replica"] for r in repaired["repaired"]} == {"abroad"}
    assert caesar("verify", "--json").exit_code == 0


def test_a_lost_archive_is_restored_from_its_bucket(
        laptop: tuple[Caesar, list[str]], s3_env: S3Server, bucket_url: str,
        tmp_path: Path) -> None:
    caesar, shas = laptop
    assert caesar("replica", "add", "abroad", bucket_url).exit_code == 0
    assert caesar("replicate").exit_code == 0
    restored = Caesar(tmp_path / "restored")
    run = restored("restore", "--from", bucket_url, "--to", str(tmp_path / "restored"),
                   "--json", env={"CAESAR_PASSPHRASE": PASSPHRASE})
    assert run.exit_code == 0, run.stderr
    assert run.json()["ok"] == 4 and run.json()["family_photos"]["checked"] == 1
    assert sorted(p["sha256"] for p in restored.json("photos", "list")) == shas
    assert restored.json("verify")["state"] == {"ok": True, "problem": None}


def test_an_unreachable_bucket_is_reported_and_the_folder_replica_still_done(
        laptop: tuple[Caesar, list[str]], s3_env: S3Server, bucket_url: str,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    caesar, _ = laptop
    assert caesar("replica", "add", "abroad", bucket_url).exit_code == 0
    assert caesar("replica", "add", "usb", str(tmp_path / "usb")).exit_code == 0
    monkeypatch.setenv("CAESAR_S3_ENDPOINT", "http://127.0.0.1:9")  # the line is down
    run = caesar("replicate", "--json")
    assert run.exit_code == 1
    assert [r["replica"] for r in run.json()["replicas"]] == ["usb"]
    (failed,) = run.json()["failed"]
    assert failed["replica"] == "abroad" and "cannot be reached" in failed["problem"]
    listed = {r["name"]: r for r in caesar.json("replica", "list")}
    assert listed["abroad"]["reachable"] is False and listed["usb"]["originals"] == 4
