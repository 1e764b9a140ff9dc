"""The families' photos and the packages held for a download travel with the archive: every
replica carries them (encrypted, as the archive holds them), `verify` and `verify --replica`
check them, `repair` puts them back, and a photo a family takes back leaves the replicas too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Caesar

from caesar.preservation import replicate
from caesar.preservation.areas import FAMILY_PHOTOS, HELD
from caesar.vault.store import NEUTRAL_TIME

from .survival import add_family_photo, area_file, caesar_dies, flip_byte, hold_package


@dataclass
class Kept:
    caesar: Caesar
    replica: Path
    photo: int  # the family photo's id
    request: int  # the export request whose package is held


@pytest.fixture
def kept(filled: tuple[Caesar, list[str]], tmp_path: Path) -> Kept:
    caesar, shas = filled
    photo = add_family_photo(caesar, tmp_path / "family")
    request = hold_package(caesar.archive, shas[0])
    replica = tmp_path / "usb"
    assert caesar("replica", "add", "usb", str(replica)).exit_code == 0
    assert caesar("replicate").exit_code == 0
    return Kept(caesar, replica, photo, request)


def _files(root: Path, area: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / area).glob("??/*")}


def test_replicas_carry_them_as_the_archive_holds_them(kept: Kept) -> None:
    archive = kept.caesar.archive
    for area in (FAMILY_PHOTOS, HELD):
        ours = _files(archive, area)
        assert ours and _files(kept.replica, area) == ours  # copied as they are
        for path in (kept.replica / area).glob("??/*"):
            assert path.stat().st_mtime == NEUTRAL_TIME
            data = path.read_bytes()  # no JPEG in clear (ciphertext may hold 3 bytes by chance)
            assert not data.startswith(b"\xff\xd8\xff") and b"JFIF\x00" not in data
    # When a family gave a photo is nobody's business: the archive's copy is undated too.
    family = archive / FAMILY_PHOTOS
    assert {p.stat().st_mtime for p in [family, *family.rglob("*")]} == {NEUTRAL_TIME}
    check = kept.caesar("verify", "--replica", "usb", "--json")
    assert check.exit_code == 0, check.stdout
    assert check.json()["family_photos"] == {"checked": 1, "damaged": [], "missing": []}
    assert check.json()["held_packages"] == {"checked": 1, "damaged": [], "missing": []}


def test_verify_names_them_and_repair_puts_them_back(kept: Kept) -> None:
    caesar = kept.caesar
    flip_byte(area_file(caesar.archive, FAMILY_PHOTOS))
    for path in (caesar.archive / HELD).glob("??/*"):
        path.unlink()
    found = caesar("verify", "--json")
    assert found.exit_code == 1
    assert found.json()["family_photos"]["damaged"] == [kept.photo]
    assert found.json()["held_packages"]["missing"] == [kept.request]
    assert found.json()["damaged"] == found.json()["missing"] == []  # the originals are fine
    run = caesar("repair", "--json")
    assert run.exit_code == 0, run.stdout
    assert sorted((r["kind"], r["id"], r["replica"]) for r in run.json()["repaired"]) == [
        ("family_photo", kept.photo, "usb"), ("held_package", kept.request, "usb")]
    again = caesar("verify", "--json")
    assert again.exit_code == 0, again.stdout
    # The damaged copy is kept aside, never deleted.
    assert list((caesar.archive / FAMILY_PHOTOS / ".damaged").iterdir())


def test_a_damaged_copy_in_the_replica_is_named_made_whole_and_never_put_back(kept: Kept) -> None:
    caesar = kept.caesar
    flip_byte(area_file(kept.replica, FAMILY_PHOTOS))
    named = caesar("verify", "--replica", "usb", "--json")
    assert named.exit_code == 1 and named.json()["family_photos"]["damaged"] == [kept.photo]
    # Made whole from the archive by a full replication...
    assert caesar("replicate", "usb", "--full").exit_code == 0
    assert caesar("verify", "--replica", "usb").exit_code == 0
    # ...but a damaged replica copy never replaces a lost one in the archive.
    flip_byte(area_file(kept.replica, FAMILY_PHOTOS))
    area_file(caesar.archive, FAMILY_PHOTOS).unlink()
    run = caesar("repair", "--json")
    assert run.exit_code == 1
    (broken,) = run.json()["unrepaired"]
    assert broken["kind"] == "family_photo" and broken["id"] == kept.photo
    assert "no replica holds a good copy" in broken["problem"]
    assert caesar("verify", "--json").json()["family_photos"]["missing"] == [kept.photo]


def test_a_photo_the_family_takes_back_leaves_the_replicas(kept: Kept) -> None:
    caesar = kept.caesar
    withdrawn = caesar("missing", "photos", "withdraw", "1", str(kept.photo), "--reason",
                       "the family asked")
    assert withdrawn.exit_code == 0, withdrawn.stderr
    assert not _files(caesar.archive, FAMILY_PHOTOS)
    assert _files(kept.replica, FAMILY_PHOTOS)  # until the next replication
    assert caesar("replicate").exit_code == 0
    assert not _files(kept.replica, FAMILY_PHOTOS)
    for root in (caesar.archive, kept.replica):  # nor does the folder tell when it left
        family = root / FAMILY_PHOTOS
        assert {p.stat().st_mtime for p in [family, *family.rglob("*")]} == {NEUTRAL_TIME}
    check = caesar("verify", "--replica", "usb", "--json")
    assert check.exit_code == 0 and check.json()["family_photos"]["checked"] == 0
    assert _files(kept.replica, HELD)  # the rest stays


@pytest.mark.slow
def test_a_crash_before_the_withdrawal_reaches_a_replica_is_finished_by_the_next_run(
        kept: Kept, tmp_path: Path) -> None:
    caesar = kept.caesar
    assert caesar("missing", "photos", "withdraw", "1", str(kept.photo), "--reason",
                  "the family asked").exit_code == 0
    died = caesar_dies(caesar.archive, replicate.STATE_WRITTEN, "replicate")
    assert died.returncode == -9, died.stderr
    # The replica's new state is whole; the photo it no longer names is still there...
    check = caesar("verify", "--replica", "usb", "--json")
    assert check.exit_code == 0 and check.json()["family_photos"]["checked"] == 0
    assert _files(kept.replica, FAMILY_PHOTOS)
    # An archive restored from it now does not bring the photo back.
    restored = Caesar(tmp_path / "restored")
    run = restored("restore", "--from", str(kept.replica), "--to", str(restored.archive))
    assert run.exit_code == 0, run.stderr
    assert not _files(restored.archive, FAMILY_PHOTOS) and _files(restored.archive, HELD)
    # ...until the next replication, which finishes the job.
    assert caesar("replicate").exit_code == 0
    assert not _files(kept.replica, FAMILY_PHOTOS)
