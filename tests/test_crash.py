"""Crash safety: `kill -9` at random moments, then the same command again.

The archive must end holding exactly what an uninterrupted run stores: no orphaned object, no
missing original, no duplicate row, and every interrupted transfer marked `interrupted`.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import PASSPHRASE
from photos import camera_jpeg

from caesar.catalog.models import Photo, Sighting
from caesar.core import Archive
from caesar.vault.keys import KdfCost
from caesar.vault.store import DOCUMENTS

pytestmark = pytest.mark.slow


def _command(archive: Path, source: Path) -> list[str]:
    return [sys.executable, "-m", "caesar", "--archive", str(archive), "ingest", str(source),
            "--operator", "sami", "--json"]


def _env() -> dict[str, str]:
    return {**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE}


def _run_to_end(archive: Path, source: Path) -> dict:
    done = subprocess.run(_command(archive, source), capture_output=True, text=True,
                          env=_env(), timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _transfers(archive: Path) -> list:
    opened = Archive.open(archive, PASSPHRASE)
    try:
        return opened.queries.transfers()
    finally:
        opened.close()


def _objects(archive: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(archive / "objects"))


def _run_and_kill(archive: Path, source: Path, after: float) -> None:
    """Start an ingest and SIGKILL its whole process group `after` seconds into its work.

    The work has begun when a new object appears in the store (start-up, which takes longer on
    a busy machine, interrupts nothing), so the kill lands mid-ingest however loaded we are.
    """
    before = _objects(archive)
    process = subprocess.Popen(_command(archive, source), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=_env(), start_new_session=True)
    while process.poll() is None and _objects(archive) == before:
        time.sleep(0.005)
    time.sleep(after)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crash-source")
    first = b""
    for i in range(120):
        data = camera_jpeg(root / f"day{i % 3}" / f"IMG_{i:04d}.jpg", seed=i,
                           size=(1200, 900))
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


def test_kill_at_random_moments_then_finish(tmp_path: Path, source: Path) -> None:
    reference = tmp_path / "reference"
    Archive.create(reference, PASSPHRASE, kdf_cost=KdfCost.test).close()
    started = time.monotonic()
    expected = _run_to_end(reference, source)
    duration = time.monotonic() - started
    ref_photos, ref_thumbs, ref_objects, _, _ = _state(reference)
    assert ref_objects == len(ref_photos) + ref_thumbs

    crashed = tmp_path / "crashed"
    Archive.create(crashed, PASSPHRASE, kdf_cost=KdfCost.test).close()
    rng = random.Random(20130802)
    landed = 0
    for _ in range(12):  # until three kills have landed mid-ingest
        # Early in the work: each rerun skips what earlier runs stored, so it ends sooner.
        _run_and_kill(crashed, source, rng.uniform(0.0, duration / 4))
        landed = sum(t.state in ("running", "interrupted") for t in _transfers(crashed))
        if landed >= 3:
            break
    assert landed >= 3, "the kills never landed mid-ingest"

    final = _run_to_end(crashed, source)
    photos, thumbs, objects, states, pending = _state(crashed)
    assert photos == ref_photos
    assert thumbs == ref_thumbs
    assert objects == len(photos) + thumbs  # no orphan, no loss
    assert pending == 0
    assert states[-1] == "complete"
    assert set(states[:-1]) <= {"interrupted", "complete"} and "running" not in states
    assert final["files_seen"] == expected["files_seen"]
    assert final["stored"] + final["duplicates"] == expected["stored"] + expected["duplicates"]
    assert {f["path"] for f in final["flagged"]} == {f["path"] for f in expected["flagged"]}

    opened = Archive.open(crashed, PASSPHRASE)
    try:
        report = opened.verify()
    finally:
        opened.close()
    assert report.checked == len(ref_photos) and report.ok == report.checked
    assert report.ledger_ok is True  # every stored original has its entry, none twice
