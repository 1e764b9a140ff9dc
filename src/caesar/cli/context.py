"""What every command needs: the archive, the passphrase, and who is acting."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import typer

from caesar.core import Archive
from caesar.errors import PassphraseRequired


@dataclass
class CliState:
    """The global options (`--archive`, `--as`), resolved."""

    archive: Path
    acting_as: str | None
    archive_given: bool = False  # --archive or CAESAR_ARCHIVE, rather than the default

    def open(self, *, inspect: bool = False) -> Archive:
        """Unlock the archive with `CAESAR_PASSPHRASE` or a prompt (`inspect`: also when its
        catalogue does not match its signed state, for commands that only read or repair)."""
        Archive.locate(self.archive)  # no archive there: say so before asking for a passphrase
        return Archive.open(self.archive, passphrase(confirm=False), inspect=inspect)

    def actor(self, archive: Archive) -> str:
        """`--as`, else `CAESAR_USER`, else the archive's owner."""
        return self.acting_as or os.environ.get("CAESAR_USER") or archive.owner


def passphrase(*, confirm: bool) -> str:
    """`CAESAR_PASSPHRASE`, else asked for on the terminal (twice when making a new one)."""
    given = os.environ.get("CAESAR_PASSPHRASE")
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise PassphraseRequired(
            "A passphrase is needed and there is no terminal to ask for it.",
            hint="Set CAESAR_PASSPHRASE in the environment of scripts and CI.",
        )
    text: str = typer.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm,
                             err=True)
    return text


def state(ctx: typer.Context) -> CliState:
    """The resolved global options of this invocation."""
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):
        raise RuntimeError("global options were not parsed")
    return obj
