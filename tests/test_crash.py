"""Crash safety: `ingest` dies or fails at each named moment (CAESAR_FAULT), then runs again.

No timers: each fault is a named point in the code (`caesar.faults`), met after a known number
of files whatever the machine's speed, so every run either dies exactly there or the test
fails saying it did not. After each death no catalogue row names an object the store lacks
(objects are durable under their names, a batch at a time, before their rows commit). The
archive must end holding exactly what an uninterrupted run stores: no orphaned object, no
missing original, no duplicate row, every interrupted transfer marked `interrupted`, one
`original.stored` entry per original.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import PASSPHRASE
from photos import camera_jpeg
from sqlalchemy import func, select

from caesar import faults
from caesar.catalog.models import Photo, Sighting
from caesar.core import Archive
from caesar.intake import service
from caesar.settings import SETTINGS_FILE, load_settings
from caesar.vault import store
from caesar.vault.keys import KdfCost
from caesar.vault.store import DOCUMENTS

pytestmark = pytest.mark.slow

COMMIT_EVERY = 16  # small transactions, so that "the third commit" falls mid-ingest


def _ingest(archive: Path, source: Path, fault: str | None = None
            ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE}
    env.pop(faults.ENVIRONMENT, None)
    if fault:
        env[faults.ENVIRONMENT] = fault
    # Output to files, not pipes: the workers of a killed command would hold a pipe open.
    # Its own session, so that those workers can be ended with it.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "caesar", "--archive", str(archive), "ingest", str(source),
             "--operator", "sami", "--json"], stdout=out, stderr=err, text=True, env=env,
            start_new_session=True)
        code = process.wait(timeout=600)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(process.args, code, out.read(), err.read())


def _new_archive(path: Path, workers: int = 0) -> Path:
    Archive.create(path, PASSPHRASE, kdf_cost=KdfCost.test).close()
    settings = load_settings(path)
    settings.model_copy(update={"intake": settings.intake.model_copy(
        update={"commit_every": COMMIT_EVERY, "workers": workers})}).dump(path)
    assert f"commit_every = {COMMIT_EVERY}" in (path / SETTINGS_FILE).read_text()
    return path


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crash-source")
    first = b""
    for i in range(90):
        data = camera_jpeg(root / f"day{i % 3}" / f"IMG_{i:04d}.jpg", seed=i, size=(640, 480))
        first = first or data
    (root / "again.jpg").write_bytes(first)
    (root / "truncated.jpg").write_bytes(first[:5000])
    (root / "empty.jpg").write_bytes(b"")
    return root


def _state(archive: Path) -> tuple[set[str], int, int, list[str], int]:
    opened = Archive.open(archive, PASSPHRASE)
    try:
        with opened.catalog.reader() as session:
            photos = set(session.scalars(select(Photo.sha256)))
            # The durability rule: a row is committed only once its object is durable.
            assert all(opened.vault.store.exists(opened.vault.name("original", sha))
                       for sha in photos)
            thumbs = session.scalar(select(func.count()).where(Photo.has_thumbnail)) or 0
            repeated = session.execute(
                select(Sighting.transfer_id, Sighting.path).group_by(
                    Sighting.transfer_id, Sighting.path).having(func.count() > 1)).all()
            check = session.connection().exec_driver_sql("PRAGMA integrity_check").scalar()
        states = [t.state for t in opened.queries.transfers()]
        # Every file but those in the making and the store's documents (the signed state).
        objects = [p for p in (archive / "objects").rglob("*")
                   if p.is_file() and not {".pending", DOCUMENTS} & set(p.parts)]
        assert check == "ok"
        assert repeated == []
        return photos, thumbs, len(objects), states, len(list(
            (archive / "objects" / ".pending").iterdir()))
    finally:
        opened.close()


# Each moment, in the order the runs meet it, with how the command must end there.
MOMENTS = [
    # The second batch's objects durable under pending names, none renamed yet.
    (f"{store.SYNCED_POINT}@2", "killed"),
    (f"{service.COMMIT_POINT}@3", "killed"),  # two batches committed, the third in flight
    (f"{service.ROW_POINT}@4", "killed"),  # a batch's objects durable, its rows not written
    (f"{store.COMMIT_POINT}@2=enospc", "No space left on device"),  # a full disk
    (f"{service.COMMIT_POINT}@1=eio", "Input/output error"),  # the catalogue's disk fails
    (f"{service.ROW_POINT}@1", "killed"),  # the very first batch of a run
]


def test_die_or_fail_at_each_named_moment_then_finish(tmp_path: Path, source: Path) -> None:
    reference = _new_archive(tmp_path / "reference")
    done = _ingest(reference, source)
    assert done.returncode == 0, done.stderr
    expected = json.loads(done.stdout)
    ref_photos, ref_thumbs, ref_objects, _, _ = _state(reference)
    assert ref_objects == len(ref_photos) + ref_thumbs

    crashed = _new_archive(tmp_path / "crashed")
    for fault, ending in MOMENTS:
        run = _ingest(crashed, source, fault)
        if ending == "killed":
            assert run.returncode == -signal.SIGKILL, f"{fault} was never met: {run.stderr}"
            assert run.stdout == ""
        else:
            assert run.returncode == 2, f"{fault}: {run.returncode} {run.stderr}"
            assert ending in run.stderr and "Traceback" not in run.stderr, run.stderr
            assert "run the same command again" in run.stderr
            assert run.stdout == ""
        photos, _, objects, states, pending = _state(crashed)
        assert photos <= ref_photos
        assert states[-1] == "running"  # the next run marks it interrupted
        if fault.startswith(store.SYNCED_POINT):
            # A batch secured and catalogued; the next one's objects all still pending
            # (swept by the next run), none under a name the catalogue does not know.
            assert photos and objects == len(photos) and pending > 0
        if fault.startswith(service.ROW_POINT):
            assert objects > len(photos)  # durable objects whose rows never came: adopted

    done = _ingest(crashed, source)
    assert done.returncode == 0, done.stderr
    final = json.loads(done.stdout)
    photos, thumbs, objects, states, pending = _state(crashed)
    assert photos == ref_photos
    assert thumbs == ref_thumbs
    assert objects == len(photos) + thumbs  # no orphan, no loss
    assert pending == 0
    assert states == ["interrupted"] * len(MOMENTS) + ["complete"]
    assert final["files_seen"] == expected["files_seen"]
    assert final["stored"] + final["duplicates"] == expected["stored"] + expected["duplicates"]
    assert final["duplicates"] > expected["duplicates"]  # what earlier runs kept is reused
    assert {f["path"] for f in final["flagged"]} == {f["path"] for f in expected["flagged"]}

    opened = Archive.open(crashed, PASSPHRASE)
    try:
        report = opened.verify()
    finally:
        opened.close()
    assert report.checked == len(ref_photos) and report.ok == report.checked
    assert report.ledger_ok is True  # every stored original has its entry, none twice


def test_a_disk_that_cannot_read_an_original_is_reported_damaged(
        tmp_path: Path, source: Path) -> None:
    archive = _new_archive(tmp_path / "archive", workers=1)  # one process counts the reads
    assert _ingest(archive, source / "day0").returncode == 0
    env = {**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE,
           faults.ENVIRONMENT: f"{store.READ_POINT}@3=eio"}
    run = subprocess.run([sys.executable, "-m", "caesar", "--archive", str(archive), "verify",
                          "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert len(report["damaged"]) == 1 and report["missing"] == []
    assert report["ok"] == report["checked"] - len(report["damaged"])
