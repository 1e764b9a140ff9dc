"""The `caesar` command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer
from rich.text import Text
from typer.core import TyperGroup

from caesar import __version__
from caesar.cli import (
    archive,
    cases,
    demo,
    disclosure,
    documents,
    examine,
    export,
    ingest,
    keys,
    ledger,
    match,
    missing,
    photos,
    replicas,
    review,
    seal,
    serve,
    transfers,
    users,
)
from caesar.cli.acting import Credentials
from caesar.cli.context import CliState
from caesar.cli.output import err
from caesar.errors import CaesarError
from caesar.settings import archive_path

if TYPE_CHECKING:
    from sqlalchemy.exc import DBAPIError

# Options of the whole command line, also accepted after the command (`caesar ingest SRC
# --archive A`): (takes a value).
GLOBAL_OPTIONS: Final = {"--archive": True, "--as": True, "--as-code": True,
                         "--as-password-stdin": False}


def globals_first(args: list[str]) -> list[str]:
    """`args` with the global options found after the command moved in front of it."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            takes_value = GLOBAL_OPTIONS[name] and "=" not in arg
            front.extend(args[i:i + 2] if takes_value else [arg])
            i += 2 if takes_value else 1
            continue
        rest.append(arg)
        i += 1
    return front + rest


class _Group(TyperGroup):
    """Takes global options anywhere; turns a CaesarError (or a failing disk) from any command
    into its message and exit status."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        return super().parse_args(ctx, globals_first(args))

    # typer.Context is the Context that Typer passes; Typer types the base method with its
    # private vendored click Context, hence the ignore.
    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            try:
                return super().invoke(ctx)
            except _database_errors() as exc:  # not a database, damaged, locked, disk full
                from caesar.catalog.database import describe_database_error

                raise describe_database_error(exc) from None
        except CaesarError as exc:
            _error(exc.message, exc.hint)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # a disk that fails or is full, under any command
            where = f" ({exc.filename})" if exc.filename else ""
            _error(f"{exc.strerror or exc}{where}.", "What was done before this is kept. Free"
                   " some space or check the drive, then run the same command again: it"
                   " finishes the job.")
            ctx.exit(2)


def _database_errors() -> tuple[type[DBAPIError], ...]:
    """SQLAlchemy's database error, if this command imported SQLAlchemy (else it raised none).

    Looked up as an exception passes rather than imported above, so that `--help` and the
    commands that open no catalogue start without SQLAlchemy.
    """
    loaded = sys.modules.get("sqlalchemy.exc")
    return (loaded.DBAPIError,) if loaded is not None else ()


def _error(message: str, hint: str | None) -> None:
    err.print(Text.assemble(("error:", "bold red"), " ", message))
    if hint:
        err.print(hint)


app = typer.Typer(
    name="caesar",
    cls=_Group,
    help="Caesar Archive: keep photographic evidence of deaths in detention safe, intact and"
    " useful.\n\nThe archive is --archive PATH, else $CAESAR_ARCHIVE, else ./caesar-archive."
    " The passphrase comes from $CAESAR_PASSPHRASE, else a prompt. Who acts: --as NAME (else"
    " $CAESAR_USER), an account that signs in with its password and one-time code; else the"
    " archive's owner. Global options may also follow the command.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"caesar {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    archive_: Annotated[Path | None, typer.Option(
        "--archive", help="The archive folder (default: $CAESAR_ARCHIVE, else"
        " ./caesar-archive).", show_default=False)] = None,
    acting_as: Annotated[str | None, typer.Option(
        "--as", help="Act as this account (default: $CAESAR_USER, else the archive's owner,"
        " who needs no account). The account signs in: its password and one-time code are"
        " asked on the terminal, or given with the two options below; without them and"
        " without a terminal the command exits 2.", show_default=False)] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--as-password-stdin", help="Read the acting account's password from the first line"
        " of standard input (a command that reads another password, such as `users add"
        " --password-stdin`, reads it from the next line).")] = False,
    code: Annotated[str | None, typer.Option(
        "--as-code", help="The acting account's one-time code, where it has one (each code"
        " works once).", show_default=False)] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Global options: --archive, --as and its credentials; before or after the command."""
    ctx.obj = CliState(archive=archive_path(archive_),
                       credentials=Credentials(acting_as, password_stdin, code),
                       archive_given=bool(archive_ or os.environ.get("CAESAR_ARCHIVE")))


archive.register(app)
ingest.register(app)
app.command()(seal.seal)
app.add_typer(photos.app, name="photos")
app.add_typer(documents.app, name="documents")
app.add_typer(transfers.app, name="transfers")
app.add_typer(cases.app, name="cases")
app.add_typer(missing.app, name="missing")
app.command()(match.match)
app.add_typer(review.app, name="review")
app.add_typer(disclosure.app, name="disclosure")
app.command()(examine.examine)
app.add_typer(export.app, name="export")
app.add_typer(ledger.app, name="ledger")
app.add_typer(users.app, name="users")
app.add_typer(keys.app, name="keys")
app.add_typer(replicas.app, name="replica")
app.command()(replicas.replicate)
app.command()(replicas.repair)
app.command()(replicas.restore)
app.command()(serve.serve)
app.add_typer(demo.app, name="demo")


def main() -> None:
    """Entry point of the `caesar` command."""
    app()
