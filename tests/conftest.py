"""Fixtures shared by the whole suite: archives on real SQLCipher files, the CLI in-process."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from caesar.cli.app import app
from caesar.core import Archive
from caesar.vault.keys import KdfCost

PASSPHRASE = "correct horse battery staple"


@dataclass
class Run:
    """The outcome of one `caesar` command."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


class Caesar:
    """Runs `caesar` commands in-process against one archive, as a user would type them."""

    def __init__(self, archive: Path | None) -> None:
        self.archive = archive  # None: no --archive, as a user who relies on the default
        self.env = {"CAESAR_PASSPHRASE": PASSPHRASE, "CAESAR_USER": None,
                    "CAESAR_ARCHIVE": None, "COLUMNS": "200"}

    def __call__(self, *args: str, env: dict[str, str | None] | None = None,
                 input: str | None = None) -> Run:
        where = ["--archive", str(self.archive)] if self.archive else []
        result = CliRunner().invoke(app, [*where, *args], input=input,
                                    env={**self.env, **(env or {})}, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    def json(self, *args: str) -> Any:
        run = self(*args, "--json")
        assert run.exit_code in (0, 1), run.stderr
        return run.json()


@pytest.fixture(autouse=True)
def _no_ambient_archive(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CAESAR_ARCHIVE", "CAESAR_PASSPHRASE", "CAESAR_USER"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    """Where a test's archive lives (not yet created)."""
    return tmp_path / "archive"


@pytest.fixture
def archive(archive_dir: Path) -> Iterator[Archive]:
    """A new, empty archive (fast KDF)."""
    created = Archive.create(archive_dir, PASSPHRASE, kdf_cost=KdfCost.test, owner="owner")
    yield created
    created.close()


@pytest.fixture
def caesar(archive: Archive) -> Caesar:
    """The `caesar` command bound to a new archive."""
    return Caesar(archive.path)


def archive_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its content (for before/after comparisons)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def tree_size(folder: Path) -> int:
    return sum(os.path.getsize(p) for p in folder.rglob("*") if p.is_file())
