"""Export requests (the web's path): a second person approves, the package waits encrypted
inside the archive until the person who asked downloads it, and it is deleted when it expires.
Every step is a custody-log entry."""

from __future__ import annotations

import io
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bagit
import pytest
from export_helpers import Collection, collection  # noqa: F401 - the fixture

from caesar.exports.held import HELD_DIR
from caesar.exports.requests import RequestRefused
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
    with pytest.raises(UsageError, match="no memory file system with room"):
        with in_memory(1 << 60):
            pass
