"""What every command needs: the archive, the passphrase, and who is acting."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from caesar.cli import acting
from caesar.cli.acting import Credentials
from caesar.errors import PassphraseRequired

if TYPE_CHECKING:
    from caesar.access.views import UserView
    from caesar.core import Archive


@dataclass
class CliState:
    """The global options (`--archive`, `--as` and its credentials), resolved."""

    archive: Path
    credentials: Credentials = field(default_factory=lambda: Credentials(None))
    archive_given: bool = False  # --archive or CAESAR_ARCHIVE, rather than the default
    command: str = ""  # as typed after `caesar`: "review confirm"
    person: UserView | None = None  # the account acting, once the archive is open

    @property
    def acting_as(self) -> str | None:
        """`--as`, else `$CAESAR_USER`, else None (the owner)."""
        return self.credentials.acting_as

    def open(self, *, inspect: bool = False) -> Archive:
        """Unlock the archive with `CAESAR_PASSPHRASE` or a prompt (`inspect`: also when its
        catalogue does not match its signed state, for commands that only read or repair);
        sign in the account that acts, if one is named (see :mod:`caesar.cli.acting`)."""
        # Imported here, not above, so that `--help` and commands that open no archive start
        # without SQLAlchemy and the services (see tests/test_startup.py).
        from caesar.core import Archive

        Archive.locate(self.archive)  # no archive there: say so before asking for a passphrase
        archive = Archive.open(self.archive, passphrase(confirm=False), inspect=inspect)
        try:
            self.person = acting.person(archive, self.credentials, self.command)
        except BaseException:
            archive.close()
            raise
        return archive

    def actor(self, archive: Archive) -> str:
        """The signed-in account's name, else the archive's owner."""
        return self.person.name if self.person else archive.owner


@contextmanager
def archive_for(ctx: typer.Context, *, inspect: bool = False) -> Iterator[tuple[Archive, str]]:
    """The archive a command works on, unlocked, and who acts (:meth:`CliState.open`); closed
    when the block ends, however it ends.

    A command never takes the write lock: the service method that writes does, for its own
    checks and writes, and refuses at once while another command writes (exit 2, nothing
    changed).
    """
    cli = state(ctx)
    with cli.open(inspect=inspect) as archive:
        yield archive, cli.actor(archive)


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
    """The resolved global options of this invocation (and which command it is)."""
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):
        raise RuntimeError("global options were not parsed")
    names = []
    level = ctx.parent and ctx  # every level but the root `caesar`
    while level is not None and level.parent is not None:
        names.append(level.info_name or "")
        level = level.parent
    obj.command = " ".join(reversed(names))
    return obj
