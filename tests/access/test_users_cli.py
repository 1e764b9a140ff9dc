"""`caesar users`: accounts made on the machine, with passwords never asked without a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyotp
import typer.main
from conftest import Caesar
from typer.testing import CliRunner

from caesar.cli.acting import COMMANDS
from caesar.cli.app import app
from caesar.core import Archive


def _with_stdin(caesar: Caesar, text: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--archive", str(caesar.archive), *args], input=text,
                                env=caesar.env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_the_first_admin_is_made_here_with_a_second_factor(caesar: Caesar,
                                                           archive: Archive) -> None:
    made = caesar.json("users", "add", "hala", "--role", "admin")
    assert made["role"] == "admin" and made["second_factor"] is True
    assert made["password"] and len(made["password"]) >= 16  # no terminal: made up, shown once
    assert made["totp_uri"].startswith("otpauth://totp/Caesar%20Archive:hala?secret=")
    assert pyotp.TOTP(made["totp_secret"]).now().isdigit()
    code = pyotp.TOTP(made["totp_secret"]).now()
    assert archive.access.accounts.check("hala", made["password"], code)[0] == made["id"]
    entries = [e.entry for e in archive.ledger.entries() if e.entry["type"] == "user.created"]
    assert entries[-1]["details"] == {"role": "admin"}
    assert entries[-1]["actor"] == archive.ledger.pseudonym("owner")
    assert archive.ledger.state().unsigned == 0


def test_a_password_from_standard_input(caesar: Caesar, archive: Archive) -> None:
    code, stdout, stderr = _with_stdin(caesar, "a long enough password\n", "users", "add",
                                       "رنا", "--role", "analyst", "--password-stdin")
    assert code == 0, stderr
    assert "Password" not in stdout and "secret" not in stdout  # nothing made up to show
    assert "Account رنا (analyst) made." in stderr
    assert archive.access.accounts.check("رنا", "a long enough password", None)[0]
    short = _with_stdin(caesar, "short\n", "users", "add", "sami", "--role", "archivist",
                        "--password-stdin")
    assert short[0] == 2 and "at least 12 characters" in short[2]
    empty = _with_stdin(caesar, "", "users", "add", "sami", "--role", "archivist",
                        "--password-stdin")
    assert empty[0] == 2 and "standard input is empty" in empty[2]


def test_mistakes_are_refused_with_what_to_do(caesar: Caesar) -> None:
    caesar("users", "add", "omar", "--role", "reviewer")
    again = caesar("users", "add", "omar", "--role", "viewer")
    assert again.exit_code == 2 and "already an account named 'omar'" in again.stderr
    role = caesar("users", "add", "x", "--role", "boss")
    assert role.exit_code == 2 and "There is no role 'boss'" in role.stderr and "admin" in \
        role.stderr
    name = caesar("users", "add", "two words", "--role", "viewer")
    assert name.exit_code == 2 and "cannot be an account name" in name.stderr
    no_code = caesar("users", "add", "r2", "--role", "reviewer", "--no-totp")
    assert no_code.exit_code == 2 and "always needs a second factor" in no_code.stderr


def test_list_disable_enable_reset(caesar: Caesar, archive: Archive) -> None:
    caesar.json("users", "add", "lina", "--role", "investigator")
    assert [(u["name"], u["role"], u["disabled"]) for u in caesar.json("users", "list")] == [
        ("lina", "investigator", False)]
    token = archive.access.sessions.start(archive.access.accounts.get("lina").id)
    assert caesar.json("users", "disable", "lina")["disabled"] is True
    assert archive.access.sessions.resolve(token) is None
    assert caesar.json("users", "enable", "lina")["disabled"] is False
    reset = caesar.json("users", "reset", "lina")
    assert reset["password"] and reset["totp_secret"] is None
    assert archive.access.accounts.check("lina", reset["password"], None)[0]
    kinds = [e.entry["type"] for e in archive.ledger.entries()]
    assert kinds[-4:] == ["user.created", "user.disabled", "user.enabled", "user.reset"]
    table = caesar("users", "list")
    assert "lina" in table.stdout and "investigator" in table.stdout


def test_every_command_says_what_an_acting_account_needs() -> None:
    """A command missing from `acting.COMMANDS` would refuse every `--as`; a stale entry
    would hide a renamed command."""
    def walk(command: Any, prefix: list[str]) -> Iterator[str]:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, [*prefix, name])
        else:
            yield " ".join(prefix)

    assert set(walk(typer.main.get_command(app), [])) == set(COMMANDS)


def test_failed_sign_ins_on_the_command_line_wait_until_an_administrator_clears_them(
        caesar: Caesar) -> None:
    caesar.account("rasha", "analyst")
    for _ in range(4):  # three are free; the fourth makes the account wait
        wrong = caesar("--as", "rasha", "--as-password-stdin", "cases", "list",
                       input="not her password\n")
        assert wrong.exit_code == 2 and "not right" in wrong.stderr
    waiting = caesar.as_("rasha", "cases", "list")
    assert waiting.exit_code == 2 and "Too many failed sign-ins" in waiting.stderr
    shown = caesar.json("users", "throttles")
    assert {(t["kind"], t["name"], t["failures"]) for t in shown} >= {("account", "rasha", 4)}
    assert next(t for t in shown if t["name"] == "rasha")["wait"] > 0
    assert caesar.json("users", "unthrottle", "rasha") == {"cleared": True}
    assert caesar.as_("rasha", "cases", "list").exit_code == 0
    assert caesar.json("users", "unthrottle", "rasha") == {"cleared": False}
    types = [e["entry"]["type"] for e in caesar.json("ledger", "entries")]
    assert types.count("user.unthrottled") == 1
