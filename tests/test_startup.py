"""What a command imports before it does its work: a person waits for it on every command.

`caesar --help` opens no archive, and the commands that keep the archive alive (`replica list`,
`replicate`, `verify --replica`) use no web app, no image code and none of the services of
cases, identification, intake, access or exports: they must not import them (each command
imports its own in its body; docs/performance.md). Checked in a fresh interpreter with
`python -X importtime`, which names every module imported, rather than by timing it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PASSPHRASE

from caesar.core import Archive

UNUSED = ("fastapi", "uvicorn", "jinja2", "numpy", "PIL", "cv2", "caesar.web",
          "caesar.demo.generate", "caesar.cases.service", "caesar.identify.service",
          "caesar.intake.service", "caesar.access.service", "caesar.exports.service",
          "caesar.forensics.service")
"""What none of these commands needs: the web app, numpy, Pillow, OpenCV and the services."""


def _imports(*args: str) -> tuple[set[str], str]:
    """Every module `caesar ARGS` imports (it must succeed), and what it printed."""
    env = {**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE}
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "caesar", *args],
                         capture_output=True, text=True, env=env, check=False, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    names = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()
             if line.startswith("import time:")}
    return names, run.stdout


def _unused(imported: set[str]) -> list[str]:
    return sorted(name for name in imported
                  if any(name == u or name.startswith(u + ".") for u in UNUSED))


def test_help_opens_nothing_and_imports_no_service() -> None:
    imported, shown = _imports("--help")
    assert "replicate" in shown and "caesar.cli.replicas" in imported
    assert _unused(imported) == []
    # Neither the database layer nor the archive: --help reads nothing.
    assert "sqlalchemy" not in imported and "caesar.core" not in imported


def test_replica_commands_import_only_what_they_use(archive: Archive, tmp_path: Path) -> None:
    replica = tmp_path / "usb-1"
    where = ["--archive", str(archive.path)]
    archive.close()
    imported, _ = _imports(*where, "replica", "add", "usb-1", str(replica))
    assert _unused(imported) == []

    imported, shown = _imports(*where, "replica", "list", "--json")
    assert [r["name"] for r in json.loads(shown)] == ["usb-1"]
    assert "sqlalchemy" in imported  # it opened the catalogue: the check sees what is imported
    assert _unused(imported) == []

    imported, shown = _imports(*where, "replicate", "usb-1", "--json")
    done = json.loads(shown)
    assert done["failed"] == [] and [r["replica"] for r in done["replicas"]] == ["usb-1"]
    assert _unused(imported) == []

    imported, shown = _imports(*where, "verify", "--replica", "usb-1", "--json")
    assert json.loads(shown)["state"]["ok"] is True
    assert _unused(imported) == []


@pytest.mark.parametrize("command", ["ingest", "cases", "missing", "export", "demo"])
def test_a_command_group_still_lists_its_commands(command: str) -> None:
    """Imports moved into command bodies leave every command registered, with its help."""
    imported, shown = _imports(command, "--help")
    assert f"caesar {command} [OPTIONS]" in " ".join(shown.split())
    assert _unused(imported) == []
