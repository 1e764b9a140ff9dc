"""Custody first, analysis second: `ingest` secures every file, says when the drive may be
unplugged, then analyses from the vault; `ingest --analyse later` leaves that to `caesar
analyse`, which finishes after a crash without analysing anything twice."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSPHRASE, Caesar
from photos import camera_jpeg
from preservation.survival import flip_byte, object_file
from sqlalchemy import func, select

from caesar import faults
from caesar.catalog.models import Flag, Photo
from caesar.core import Archive
from caesar.intake.analysis import ANALYSIS_POINT
from caesar.intake.service import SECURED_POINT
from caesar.settings import load_settings
from caesar.vault.keys import KdfCost


@pytest.fixture(scope="module")
def drive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Camera photos, one repeated, one cut short, one empty, one of no known type."""
    root = tmp_path_factory.mktemp("drive")
    first = b""
    for i in range(9):
        data = camera_jpeg(root / f"day{i % 2}" / f"IMG_{i:04d}.jpg", seed=i, size=(320, 240))
        first = first or data
    (root / "again.jpg").write_bytes(first)
    (root / "cut.jpg").write_bytes(first[:3000])
    (root / "empty.jpg").write_bytes(b"")
    (root / "blob.bin").write_bytes(os.urandom(5000))
    return root


def _content(photos: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(({k: v for k, v in p.items() if k != "sightings"} for p in photos),
                  key=lambda p: p["sha256"])


def test_later_then_analyse_gives_what_one_ingest_gives(
        caesar: Caesar, drive: Path, tmp_path: Path) -> None:
    whole = Caesar(Archive.create(tmp_path / "whole", PASSPHRASE,
                                  kdf_cost=KdfCost.test).path)
    at_once = whole.json("ingest", str(drive))
    assert at_once["secured_at"] and at_once["analysed"] == at_once["stored"] == 12
    assert at_once["not_analysed"] == 0
    assert {(f["path"], f["kind"]) for f in at_once["flagged"]} == {
        ("cut.jpg", "truncated"), ("empty.jpg", "empty"), ("blob.bin", "not_image")}

    run = caesar("ingest", str(drive), "--analyse", "later")
    assert run.exit_code == 0, run.stderr
    assert "The drive may be unplugged now." in run.stderr
    assert "12 originals are secured but not analysed yet" in run.stderr
    secured = caesar.json("ingest", str(drive), "--analyse", "later")  # again: all duplicates
    assert secured["duplicates"] == 13 and secured["not_analysed"] == 12
    listed = caesar.json("photos", "list")
    assert len(listed) == 12 and not any(p["analysed"] for p in listed)
    assert {p["pdq"] for p in listed} == {None}
    assert "not analysed yet" in caesar("photos", "list").stdout
    checked = caesar.json("verify")
    assert checked["checked"] == checked["ok"] == 12
    assert caesar.archive is not None
    with Archive.open(caesar.archive, PASSPHRASE) as opened:  # what the dashboard shows
        counts = opened.queries.counts()
    assert (counts.originals, counts.not_analysed) == (12, 12)
    assert [t["counts"]["stored"] for t in caesar.json("transfers", "list")] == [12, 0]

    done = caesar.json("analyse")
    assert done["analysed"] == 12 and done["remaining"] == 0 and done["problems"] == []
    # Flagged on every copy it has: the cut file arrived in both transfers.
    assert sorted((f["transfer"], f["path"], f["kind"]) for f in done["flagged"]) == sorted(
        (t, path, kind) for t in (1, 2) for path, kind in
        (("cut.jpg", "truncated"), ("empty.jpg", "empty"), ("blob.bin", "not_image")))
    assert _content(caesar.json("photos", "list")) == _content(whole.json("photos", "list"))
    assert caesar.json("analyse") == {"analysed": 0, "remaining": 0, "flagged": [],
                                      "problems": []}
    entries = caesar.json("ledger", "entries")
    assert sum(e["entry"]["type"] == "original.flagged" for e in entries) == 6
    transfer = caesar.json("transfers", "show", "1")
    assert transfer["counts"]["flagged"] == 3


def test_work_that_needs_analysis_waits_for_it_and_says_so(caesar: Caesar, drive: Path,
                                                           tmp_path: Path) -> None:
    caesar.json("ingest", str(drive / "day0"), "--analyse", "later")
    sha = caesar.json("photos", "list")[0]["sha256"]
    built = caesar.json("cases", "build")
    assert built["not_analysed"] == 5 and built["photos"] == 0
    refused = caesar("export", "evidence", "--photos", sha, "--out", str(tmp_path / "out"),
                     "--yes")
    assert refused.exit_code == 2
    assert "not analysed yet" in refused.stderr and sha in refused.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    examined = caesar("examine", sha)
    assert examined.exit_code == 2 and "caesar analyse" in examined.stderr
    caesar.json("analyse")
    assert caesar.json("cases", "build")["not_analysed"] == 0
    assert caesar("examine", sha, "--json").exit_code == 0


def test_an_original_that_cannot_be_read_stays_not_analysed_and_is_named(
        caesar: Caesar, tmp_path: Path) -> None:
    drive = tmp_path / "drive"
    for seed in range(3):
        camera_jpeg(drive / f"{seed}.jpg", seed=seed, size=(320, 240))
    caesar.json("ingest", str(drive), "--analyse", "later")
    damaged = caesar.json("photos", "list")[1]["sha256"]
    assert caesar.archive is not None
    flip_byte(object_file(caesar.archive, "original", damaged))
    run = caesar("analyse", "--json")
    assert run.exit_code == 1, run.stderr
    report = run.json()
    assert report["analysed"] == 2 and report["remaining"] == 1
    assert [p["sha256"] for p in report["problems"]] == [damaged]
    assert "cannot be read" in report["problems"][0]["problem"]
    assert [p["analysed"] for p in caesar.json("photos", "list")] == [True, False, True]


def _run(archive: Path, *args: str, fault: str | None = None
         ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE}
    env.pop(faults.ENVIRONMENT, None)
    if fault:
        env[faults.ENVIRONMENT] = fault
    # Output to files and a session of its own: a killed command's workers end with it.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "caesar", "--archive", str(archive), *args, "--json"],
            stdout=out, stderr=err, text=True, env=env, start_new_session=True)
        code = process.wait(timeout=600)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(process.args, code, out.read(), err.read())


def _analysed(archive: Path) -> tuple[int, int, int]:
    """Originals analysed, originals in all, flag rows."""
    with Archive.open(archive, PASSPHRASE) as opened, opened.catalog.reader() as session:
        return (session.scalar(select(func.count()).where(Photo.analysed_at.is_not(None))) or 0,
                session.scalar(select(func.count()).select_from(Photo)) or 0,
                session.scalar(select(func.count()).select_from(Flag)) or 0)


@pytest.mark.slow
def test_a_crash_between_the_stages_and_in_analysis_loses_and_repeats_nothing(
        tmp_path: Path, drive: Path) -> None:
    archive = Archive.create(tmp_path / "archive", PASSPHRASE, kdf_cost=KdfCost.test).path
    settings = load_settings(archive)
    settings.model_copy(update={"intake": settings.intake.model_copy(
        update={"commit_every": 2})}).dump(archive)

    killed = _run(archive, "ingest", str(drive), fault=SECURED_POINT)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert "The drive may be unplugged now." in killed.stderr  # said before the crash
    assert _analysed(archive) == (0, 12, 0)  # every file secured, nothing analysed
    assert json.loads(_run(archive, "transfers", "list").stdout)[0]["state"] == "complete"

    killed = _run(archive, "analyse", fault=f"{ANALYSIS_POINT}@3")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    analysed, total, _ = _analysed(archive)
    assert 0 < analysed < total  # two batches committed, the third lost in flight

    done = _run(archive, "analyse")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["analysed"] == total - analysed and report["remaining"] == 0
    _, _, flags = _analysed(archive)
    assert flags == 3  # once each, on the one copy of each
    verified = _run(archive, "verify")
    assert verified.returncode == 0, verified.stderr
    checked = json.loads(verified.stdout)
    # The thumbnails of the lost batch were written again under the same names: no orphan.
    assert checked["ok"] == 12 and checked["unreferenced"] == []
    assert checked["ledger_ok"] is True
    entries = json.loads(_run(archive, "ledger", "entries").stdout)
    assert sum(e["entry"]["type"] == "original.flagged" for e in entries) == 3
    assert sum(e["entry"]["type"] == "original.stored" for e in entries) == 12
