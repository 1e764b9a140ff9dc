"""`caesar init` and `caesar verify`."""

from __future__ import annotations

from typing import Annotated

import typer

from caesar.cli.context import passphrase, state
from caesar.cli.output import emit_json, err, out, progress_bar
from caesar.core import Archive
from caesar.vault.keys import KdfCost


def init(
    ctx: typer.Context,
    owner: Annotated[str, typer.Option(help="Name of the archive's owner, who acts when"
                                       " nobody else is named.")] = "owner",
    db: Annotated[str | None, typer.Option("--db", help="Database URL (default: an"
                                           " encrypted SQLite file inside the archive).",
                                           show_default=False)] = None,
    store: Annotated[str | None, typer.Option("--store", help="Object store URL (default:"
                                              " file:objects inside the archive).",
                                              show_default=False)] = None,
    kdf_cost: Annotated[KdfCost, typer.Option(help="Passphrase hardening: normal, or test"
                                              " (fast and weak, for test suites only).")
                        ] = KdfCost.normal,
) -> None:
    """Create a new, empty archive and print its public key.

    Asks for a passphrase twice (or reads $CAESAR_PASSPHRASE). The public key printed (also
    written to archive.pub) is what documenters seal field bundles to.
    """
    cli = state(ctx)
    if kdf_cost is KdfCost.test:
        err.print("warning: --kdf-cost test makes the passphrase fast to guess;"
                  " use it only in test suites.")
    archive = Archive.create(cli.archive, passphrase(confirm=True), owner=owner,
                             kdf_cost=kdf_cost, database_url=db, store_url=store)
    archive.close()
    err.print(f"Created an archive at {cli.archive} (owner: {owner}).")
    err.print("Its public key, for sealing field bundles (also in archive.pub):")
    out.print(archive.public_key, soft_wrap=True)


def verify(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Decrypt and re-hash every original and check the custody log; exit 1 if anything is
    damaged or missing or the log fails its check. The run is recorded in the log."""
    cli = state(ctx)
    archive = cli.open()
    with progress_bar("verifying") as progress:
        report = archive.verify(progress, actor=cli.actor(archive))
    archive.close()
    if json_:
        emit_json(report)
    else:
        err.print(f"{report.ok} of {report.checked} originals intact.")
        for sha in report.damaged:
            err.print(f"  damaged: {sha}")
        for sha in report.missing:
            err.print(f"  missing: {sha}")
        if report.ledger_ok is not None:
            err.print("The custody log checks out." if report.ledger_ok else
                      "The custody log fails its check: `caesar ledger verify` says where.")
        if report.damaged or report.missing:
            err.print("Restore the originals named above from a replica.")
    if report.needs_attention:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add these commands to the root app."""
    app.command()(init)
    app.command()(verify)
