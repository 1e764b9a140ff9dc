"""Fixtures shared by the whole suite: archives on real SQLCipher files, the CLI in-process."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pyotp
import pytest
from typer.testing import CliRunner

from caesar.access import service as access_service
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


def account_password(name: str) -> str:
    """The password tests give the account `name`."""
    return f"long password of {name}"


class Caesar:
    """Runs `caesar` commands in-process against one archive, as a user would type them.

    Accounts made with :meth:`account` act through :meth:`as_`, which signs them in as a
    person would: the password on standard input, a fresh one-time code where the account has
    one. Each code belongs to a moment 30 seconds after the last (the archive's clock is moved
    on for that command), since a code is accepted only once.
    """

    def __init__(self, archive: Path | None) -> None:
        self.archive = archive  # None: no --archive, as a user who relies on the default
        self.env = {"CAESAR_PASSPHRASE": PASSPHRASE, "CAESAR_USER": None,
                    "CAESAR_ARCHIVE": None}
        self.secrets: dict[str, str | None] = {}
        self._started = datetime.now(UTC)
        self._steps = 0

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

    def account(self, name: str, role: str) -> None:
        """Make an account (with a one-time code for the roles that need one)."""
        run = self("users", "add", name, "--role", role, "--password-stdin", "--json",
                   input=account_password(name) + "\n")
        assert run.exit_code == 0, run.stderr
        self.secrets[name] = run.json()["totp_secret"]

    def as_(self, name: str, *args: str, env: dict[str, str | None] | None = None) -> Run:
        """Run a command as the account `name`, signed in with its password (and code)."""
        given = ["--as", name, "--as-password-stdin"]
        secret = self.secrets.get(name)
        if secret is None:
            return self(*given, *args, env=env, input=account_password(name) + "\n")
        self._steps += 1
        moment = self._started + timedelta(seconds=30 * self._steps)
        with mock.patch.object(access_service, "utc_now", lambda: moment):
            return self(*given, "--as-code", pyotp.TOTP(secret).at(moment), *args, env=env,
                        input=account_password(name) + "\n")

    def as_json(self, name: str, *args: str) -> Any:
        """`as_` with --json; it must succeed (or need attention); its JSON."""
        run = self.as_(name, *args, "--json")
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
