"""`caesar repair`: what was lost or damaged comes back from a replica, each copy checked first,
and nothing is deleted."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Caesar

from .conftest import Site
from .survival import add_photos, flip_byte, object_file


def _sound(site: Site) -> None:
    """What a person checks after a repair: every original intact, the log whole and
    consistent with the checkpoint published before the disaster."""
    caesar = site.caesar
    report = caesar("verify", "--checkpoint", str(site.published), "--json")
    assert report.exit_code == 0, report.stdout
    assert report.json()["ok"] == len(site.originals)
    assert sorted(p["sha256"] for p in caesar.json("photos", "list")) == site.originals
    assert caesar("ledger", "verify").exit_code == 0


def test_a_damaged_original_comes_from_the_replica_that_holds_it_whole(site: Site) -> None:
    caesar = site.caesar
    victim = site.originals[2]
    ours = object_file(caesar.archive, "original", victim)
    flip_byte(ours)
    flip_byte(object_file(caesar.archive, "original", victim, root=site.replicas["one"]))
    run = caesar("repair", "--json")
    assert run.exit_code == 0, run.stdout
    assert run.json()["repaired"] == [{"sha256": victim, "kind": "original", "replica": "two"}]
    kept = list((caesar.archive / "objects" / ".damaged").iterdir())
    assert len(kept) == 1 and kept[0].name.startswith(ours.name)  # moved aside, not deleted
    entries = caesar.json("ledger", "entries")
    assert entries[-1]["entry"]["type"] == "repair.run"
    assert entries[-1]["entry"]["details"]["repaired"] == 1
    _sound(site)


def test_a_damaged_thumbnail_is_named_and_put_back(site: Site) -> None:
    caesar = site.caesar
    victim = site.originals[0]
    flip_byte(object_file(caesar.archive, "thumbnail", victim))
    run = caesar("verify", "--json")
    assert run.exit_code == 1 and run.json()["thumbnails_damaged"] == [victim]
    assert run.json()["damaged"] == []
    fixed = caesar("repair", "--from", "one", "--json").json()
    assert fixed["repaired"] == [{"sha256": victim, "kind": "thumbnail", "replica": "one"}]
    _sound(site)


def test_what_no_replica_holds_whole_stays_named(site: Site) -> None:
    caesar = site.caesar
    victim = site.originals[5]
    object_file(caesar.archive, "original", victim).unlink()
    for replica in site.replicas.values():
        flip_byte(object_file(caesar.archive, "original", victim, root=replica))
    run = caesar("repair", "--json")
    assert run.exit_code == 1
    (broken,) = run.json()["unrepaired"]
    assert broken["sha256"] == victim and "no replica holds a good copy" in broken["problem"]
    assert caesar("verify", "--json").json()["missing"] == [victim]


def test_nothing_to_repair(site: Site) -> None:
    run = site.caesar("repair")
    assert run.exit_code == 0 and "Nothing needed repair" in run.stderr


def test_lost_key_files_come_back_from_a_replica(site: Site) -> None:
    caesar = site.caesar
    (caesar.archive / "keys" / "secrets.enc").unlink()
    assert caesar("photos", "list").exit_code == 2
    run = caesar("repair", "--json")
    assert run.exit_code == 0 and run.json()["keys"] == ["secrets"]
    (caesar.archive / "keys" / "master.json").unlink()
    (caesar.archive / "keys" / "replicas.enc").unlink()
    blind = caesar("repair")  # without the master key, the list of replicas cannot be read
    assert blind.exit_code == 2 and "--from PATH" in blind.stderr
    run = caesar("repair", "--from", str(site.replicas["two"]), "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["keys"] == ["master-key", "replicas"]
    _sound(site)


def test_a_deleted_signed_state_is_signed_again_once_a_replica_vouches(site: Site) -> None:
    caesar = site.caesar
    (caesar.archive / "objects" / "documents" / "state").unlink()
    refused = caesar("photos", "list")
    assert refused.exit_code == 2 and "signed state" in refused.stderr
    run = caesar("repair", "--json")
    assert run.exit_code == 0, run.stdout
    assert run.json()["catalogue"] == {"action": "signed", "replica": "one",
                                       "lost_commits": 0}
    _sound(site)


def test_without_a_replica_a_person_decides(filled: tuple[Caesar, list[str]]) -> None:
    caesar, _ = filled
    (caesar.archive / "objects" / "documents" / "state").unlink()
    run = caesar("repair", "--json")
    assert run.exit_code == 1
    assert "--accept-catalogue" in run.json()["state"]["problem"]
    assert caesar("repair", "--accept-catalogue").exit_code == 0
    assert caesar("verify").exit_code == 0
    (caesar.archive / "catalog.db").write_bytes(b"")
    lost = caesar("repair", "--json")
    assert lost.exit_code == 1 and "no replica is registered" in json.dumps(lost.json())


def test_an_older_replica_is_put_back_only_when_a_person_accepts_the_loss(
        site: Site, tmp_path: Path) -> None:
    caesar = site.caesar
    add_photos(caesar, tmp_path / "later", 2, first=80)
    (caesar.archive / "catalog.db").unlink()
    refused = caesar("repair", "--json")
    said = refused.json()["state"]["problem"]
    assert refused.exit_code == 1 and "--accept-loss" in said
    assert "2 originals stored since stay in the store" in said  # what a person weighs
    run = caesar("repair", "--accept-loss", "--json")
    assert run.exit_code == 0, run.stdout
    assert run.json()["catalogue"]["lost_commits"] > 0
    _sound(site)  # the log still extends what was published before the disaster
    # The originals stored after the replication stay in the store, named, never deleted.
    assert len(caesar.json("verify")["unreferenced"]) == 4


def test_a_loss_of_records_only_is_said_so(site: Site) -> None:
    caesar = site.caesar
    assert caesar("verify").exit_code == 0  # one more commit than the replicas hold
    (caesar.archive / "catalog.db").unlink()
    said = caesar("repair", "--json").json()["state"]["problem"]
    assert "no original was stored since" in said and "1 log entry" in said
