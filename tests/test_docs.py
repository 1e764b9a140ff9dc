"""Docs that cannot drift: the CLI reference is generated from --help and must be current."""

from __future__ import annotations

from pathlib import Path

import typer

from caesar.cases.vocabulary import BODY_LOCATIONS, MARK_DETAILS, MARK_KINDS
from caesar.cli.app import app
from caesar.cli.reference import _commands, render

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_cli_reference_is_current() -> None:
    current = (DOCS / "cli.md").read_text("utf-8")
    assert current == render(), (
        "docs/cli.md is out of date: run `python -m caesar.cli.reference > docs/cli.md`")


def test_every_command_and_option_explains_itself() -> None:
    for path, command in _commands(typer.main.get_command(app), ["caesar"]):
        assert (command.help or "").strip(), f"{' '.join(path)} has no help text"
        for param in command.params:
            if param.param_type_name == "option" and param.name != "help":
                assert (param.help or "").strip(), f"{' '.join(path)} {param.name} has no help"


def test_every_mark_word_is_documented() -> None:
    cases = (DOCS / "cases.md").read_text("utf-8")
    words = [*MARK_KINDS, *(d for details in MARK_DETAILS.values() for d in details)]
    missing = [w for w in words if f"`{w}`" not in cases]
    missing += [loc for loc in BODY_LOCATIONS if loc.split("_", 1)[-1] not in cases]
    assert missing == [], f"docs/cases.md does not list: {', '.join(missing)}"
    for details in MARK_DETAILS.values():
        for words_of in details.values():
            assert words_of.ar in cases and words_of.en in cases


def test_custody_log_reference_is_current() -> None:
    from caesar.ledger.reference import render as custody_log

    assert (DOCS / "custody-log.md").read_text("utf-8") == custody_log(), (
        "docs/custody-log.md is out of date: run"
        " `python -m caesar.ledger.reference > docs/custody-log.md`")
