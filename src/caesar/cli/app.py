"""The `caesar` command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from caesar import __version__
from caesar.cli import (
    archive,
    cases,
    demo,
    disclosure,
    export,
    ingest,
    ledger,
    match,
    missing,
    photos,
    review,
    seal,
    serve,
    transfers,
    users,
)
from caesar.cli.context import CliState
from caesar.cli.output import err
from caesar.errors import CaesarError
from caesar.settings import archive_path

class _Group(TyperGroup):
    """Turns a CaesarError from any command into its message and exit status."""

    # typer.Context is the Context that Typer passes; Typer types the base method with its
    # private vendored click Context, hence the ignore.
    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except CaesarError as exc:
            err.print(f"[bold red]error:[/] {exc.message}", markup=True, highlight=False)
            if exc.hint:
                err.print(exc.hint, markup=False, highlight=False)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # a disk that fails or is full, under any command
            where = f" ({exc.filename})" if exc.filename else ""
            err.print(f"[bold red]error:[/] {exc.strerror or exc}{where}.", markup=True,
                      highlight=False)
            err.print("What was done before this is kept. Free some space or check the drive,"
                      " then run the same command again: it finishes the job.", markup=False,
                      highlight=False)
            ctx.exit(2)


app = typer.Typer(
    name="caesar",
    cls=_Group,
    help="Caesar Archive: keep photographic evidence of deaths in detention safe, intact and"
    " useful.\n\nThe archive is --archive PATH, else $CAESAR_ARCHIVE, else ./caesar-archive."
    " The passphrase comes from $CAESAR_PASSPHRASE, else a prompt.",
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
    archive_: Annotated[Optional[Path], typer.Option(  # noqa: UP007 - Typer needs Optional
        "--archive", help="The archive folder (default: $CAESAR_ARCHIVE, else"
        " ./caesar-archive).", show_default=False)] = None,
    acting_as: Annotated[Optional[str], typer.Option(  # noqa: UP007
        "--as", help="Who is acting (default: $CAESAR_USER, else the archive's owner).",
        show_default=False)] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Global options come before the command: caesar --archive A ingest SRC."""
    ctx.obj = CliState(archive=archive_path(archive_), acting_as=acting_as,
                       archive_given=bool(archive_ or os.environ.get("CAESAR_ARCHIVE")))


archive.register(app)
ingest.register(app)
app.command()(seal.seal)
app.add_typer(photos.app, name="photos")
app.add_typer(transfers.app, name="transfers")
app.add_typer(cases.app, name="cases")
app.add_typer(missing.app, name="missing")
app.command()(match.match)
app.add_typer(review.app, name="review")
app.add_typer(disclosure.app, name="disclosure")
app.add_typer(export.app, name="export")
app.add_typer(ledger.app, name="ledger")
app.add_typer(users.app, name="users")
app.command()(serve.serve)
app.add_typer(demo.app, name="demo")


def main() -> None:
    """Entry point of the `caesar` command."""
    app()
