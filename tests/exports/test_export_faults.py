"""Exports that die or fail half-way (CAESAR_FAULT): no package that looks whole, no plaintext
left behind, a clear message, and the same command then succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bagit
import pytest
from conftest import PASSPHRASE, Caesar
from photos import camera_jpeg

from caesar import faults
from caesar.core import Archive
from caesar.exports.folder import PARTIAL, WRITTEN_POINT
from caesar.vault.keys import KdfCost
from caesar.vault.store import READ_POINT

pytestmark = pytest.mark.slow


@dataclass
class Collection:
    """An archive holding one transfer of a few photos, and a folder beside it."""

    caesar: Caesar
    archive: Path
    work: Path


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    work = tmp_path_factory.mktemp("export-faults")
    archive = Archive.create(work / "archive", PASSPHRASE, kdf_cost=KdfCost.test)
    for i in range(4):
        camera_jpeg(work / "drive" / f"IMG_{i}.jpg", seed=i)
    caesar = Caesar(archive.path)
    caesar.json("ingest", str(work / "drive"))
    yield Collection(caesar, archive.path, work)
    archive.close()


def _export(collection: Collection, out: Path, fault: str | None
            ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE}
    env.pop(faults.ENVIRONMENT, None)
    if fault:
        env[faults.ENVIRONMENT] = fault
    return subprocess.run(
        [sys.executable, "-m", "caesar", "--archive", str(collection.archive), "export",
         "evidence", "--transfer", "1", "--out", str(out), "--yes", "--json"],
        capture_output=True, text=True, env=env, timeout=300)


def _leftovers(out: Path) -> list[Path]:
    return list(out.parent.glob(f".{out.name}{PARTIAL}*"))


def test_an_export_killed_before_its_rename_is_made_again_whole(collection: Collection
                                                                ) -> None:
    out = collection.work / "killed-package"
    killed = _export(collection, out, WRITTEN_POINT)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not out.exists()  # nothing that looks like a package
    assert len(_leftovers(out)) == 1  # the half-made one, hidden

    again = _export(collection, out, None)
    assert again.returncode == 0, again.stderr
    assert bagit.Bag(str(out)).is_valid()
    assert _leftovers(out) == []  # the dead export's plaintext is gone too
    assert collection.caesar.json("ledger", "verify")["ok"] is True


def test_a_disk_error_while_exporting_is_said_and_leaves_nothing(collection: Collection
                                                                  ) -> None:
    out = collection.work / "eio-package"
    failed = _export(collection, out, f"{READ_POINT}@2=eio")
    assert failed.returncode == 2, failed.stderr
    assert "Input/output error" in failed.stderr and "Traceback" not in failed.stderr
    assert failed.stdout == ""
    assert not out.exists() and _leftovers(out) == []
    types = [e["entry"]["type"] for e in collection.caesar.json("ledger", "entries")]
    assert types[-2:] == ["export.evidence", "export.failed"]  # begun, then said undone

    assert _export(collection, out, None).returncode == 0
    assert bagit.Bag(str(out)).is_valid()
