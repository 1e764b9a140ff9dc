"""Export requests (the web's path): a second person approves, the package waits encrypted
inside the archive until the person who asked downloads it, and it is deleted when it expires.
Every step is a custody-log entry."""

from __future__ import annotations

import io
import os
import tarfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bagit
import pytest
from export_helpers import Collection, collection  # noqa: F401 - the fixture

from caesar.exports.held import HELD_DIR, Held
from caesar.exports.requests import RequestRefused, RequestView
from caesar.exports.views import EvidenceOptions, ExportParams, Selection


def _types(collection: Collection, subject: str) -> list[str]:
    return [e["entry"]["type"] for e in collection.caesar.json("ledger", "entries")
            if e["subject"] == subject]


def test_request_approve_produce_download_expire(collection: Collection, tmp_path: Path
                                                 ) -> None:
    requests = collection.archive.export_requests
    params = ExportParams(kind="evidence", selection=Selection(cases=(1,)),
                          evidence=EvidenceOptions(requested_by="Paris investigating judge"))
    asked = requests.request(params, "lina", reason="Case file 2024/117")
    assert asked.state == "requested" and asked.reason == "Case file 2024/117"
    with pytest.raises(RequestRefused, match="cannot also decide"):
        requests.approve(asked.id, "lina")
    with pytest.raises(RequestRefused, match="only an approved request"):
        requests.produce(asked.id, "omar")
    assert requests.approve(asked.id, "omar").decided_by == "omar"

    produced = requests.produce(asked.id, "omar", lifetime=timedelta(hours=1))
    assert produced.state == "produced" and produced.package_size
    held = collection.archive.path / HELD_DIR
    stored = [p for p in held.rglob("*") if p.is_file()]
    assert stored and all(b"Paris" not in p.read_bytes() and b"data/originals" not in
                          p.read_bytes() for p in stored)  # encrypted, names too

    with pytest.raises(RequestRefused, match="Only lina"):
        requests.download(asked.id, "omar")
    stream = io.BytesIO(b"".join(requests.download(asked.id, "lina")))
    with tarfile.open(fileobj=stream) as tar:
        tar.extractall(tmp_path, filter="data")
    bag = tmp_path / f"caesar-export-{asked.id}"
    bagit.Bag(str(bag)).validate()
    assert "Paris investigating judge" in (bag / "bag-info.txt").read_text()

    assert requests.expire("owner") == []  # not yet
    assert requests.expire("owner", now=datetime.now(UTC) + timedelta(hours=2)) == [asked.id]
    assert not [p for p in held.rglob("*") if p.is_file()]
    with pytest.raises(RequestRefused, match="nothing to download"):
        requests.download(asked.id, "lina")
    assert _types(collection, f"export_request:{asked.id}") == [
        "export.requested", "export.approved", "export.produced", "export.downloaded",
        "export.expired"]
    export = requests.get(asked.id).export
    assert _types(collection, f"export:{export}") == ["export.evidence"]


def test_a_refused_request_is_never_produced(collection: Collection) -> None:
    requests = collection.archive.export_requests
    asked = requests.request(ExportParams(kind="data", data={"format": "csv"}), "lina")
    with pytest.raises(RequestRefused, match="cannot also decide"):
        requests.refuse(asked.id, "lina")
    assert requests.refuse(asked.id, "omar").state == "refused"
    with pytest.raises(RequestRefused):
        requests.approve(asked.id, "nadia")
    with pytest.raises(RequestRefused):
        requests.produce(asked.id, "nadia")
    assert _types(collection, f"export_request:{asked.id}") == ["export.requested",
                                                                 "export.refused"]


def test_a_requested_package_is_built_in_memory_never_on_a_disk() -> None:
    from caesar.errors import UsageError
    from caesar.exports.folder import in_memory, memory_folders

    roots = memory_folders()
    assert roots, "this machine has no memory file system (/dev/shm) to build packages in"
    with in_memory(1 << 20) as work:
        mount = next(r for r in roots if work.is_relative_to(r))
        assert work.stat().st_dev == mount.stat().st_dev
        assert oct(work.stat().st_mode & 0o777) == "0o700"
    assert not work.exists()
    with pytest.raises(UsageError, match="no memory file system with room"), in_memory(1 << 60):
        pass


def _held_files(collection: Collection) -> list[Path]:
    return [p for p in (collection.archive.path / HELD_DIR).rglob("*")
            if p.is_file() and ".pending" not in p.parts]


def test_a_second_production_of_one_request_keeps_one_package(
        collection: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two approvers' clicks (or two web workers) make the same package at once: the one that
    finishes first is kept, the other is deleted and logged as not completed."""
    requests = collection.archive.export_requests
    asked = requests.request(ExportParams(kind="data", data={"format": "csv"}), "lina")
    requests.approve(asked.id, "omar")
    hold = requests._held.hold
    raced: list[RequestView] = []

    def hold_after_the_other(folder: Path) -> Held:
        monkeypatch.setattr(requests._held, "hold", hold)
        # the other production runs, start to end, while this one is held up
        raced.append(requests.produce(asked.id, "nadia"))
        return hold(folder)

    monkeypatch.setattr(requests._held, "hold", hold_after_the_other)
    with pytest.raises(RequestRefused, match="was produced while this package was being made"):
        requests.produce(asked.id, "omar")
    kept = requests.get(asked.id)
    assert kept.state == "produced" and kept.export == raced[0].export
    assert _types(collection, f"export_request:{asked.id}") == [
        "export.requested", "export.approved", "export.produced"]
    lost = [e["subject"] for e in collection.caesar.json("ledger", "entries")
            if e["entry"]["type"] == "export.failed"]
    assert len(lost) == 1 and lost[0] != f"export:{kept.export}"
    with tarfile.open(fileobj=io.BytesIO(b"".join(requests.download(asked.id, "lina")))) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
    assert members and len(_held_files(collection)) == len(members) + 1  # and its manifest


def test_objects_left_by_a_production_that_died_are_swept(collection: Collection,
                                                          tmp_path: Path) -> None:
    """A crash between putting a package away and recording it leaves held objects that no
    request points to: the next expiry pass deletes them once they are a day old, and keeps
    every package still waiting for its download."""
    requests = collection.archive.export_requests
    asked = requests.request(ExportParams(kind="data", data={"format": "csv"}), "lina")
    requests.approve(asked.id, "omar")
    requests.produce(asked.id, "omar")
    kept = set(_held_files(collection))
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "cases.csv").write_text("id\n1\n")
    requests._held.hold(tmp_path / "package")  # put away, then the process died
    orphans = set(_held_files(collection)) - kept
    assert len(orphans) == 2  # the file and the manifest

    requests.expire("owner")
    assert set(_held_files(collection)) == kept | orphans  # too young: maybe still being made
    day_old = time.time() - 2 * 86400
    for path in kept | orphans:
        os.utime(path, (day_old, day_old))
    assert requests.expire("owner") == []
    assert set(_held_files(collection)) == kept
    with tarfile.open(fileobj=io.BytesIO(b"".join(requests.download(asked.id, "lina")))) as tar:
        assert tar.getnames()
