"""`caesar init` and `caesar verify`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caesar.cli.context import archive_for, passphrase, state
from caesar.cli.output import emit_json, err, out, progress_bar
from caesar.vault.keys import KdfCost

if TYPE_CHECKING:
    from caesar.preservation.verify import VerifyReport

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def init(
    ctx: typer.Context,
    owner: Annotated[str, typer.Option(help="Name of the archive's owner, who acts when"
                                       " nobody else is named.")] = "owner",
    db: Annotated[str | None, typer.Option("--db", help="Database URL (default: an"
                                           " encrypted SQLite file inside the archive).",
                                           show_default=False)] = None,
    store: Annotated[str | None, typer.Option(
        "--store", envvar="CAESAR_STORE", show_default=False,
        help="Where the encrypted originals are kept: file:PATH (default: file:objects inside"
        " the archive) or s3://BUCKET/PREFIX, an S3-compatible store reached at"
        " $CAESAR_S3_ENDPOINT with the keys in $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY"
        " (never written to the archive's settings).")] = None,
    kdf_cost: Annotated[KdfCost, typer.Option(help="Passphrase hardening: normal, or test"
                                              " (fast and weak, for test suites only).")
                        ] = KdfCost.normal,
    generate_: Annotated[bool, typer.Option("--generate", help="Make up a passphrase of six"
                                            " random words and print it (on stderr), instead"
                                            " of asking for one.")] = False,
) -> None:
    """Create a new, empty archive and print its public key.

    Asks for a passphrase twice (or reads $CAESAR_PASSPHRASE). A weak passphrase (fewer than
    14 characters, or easy to guess) is refused; --generate makes up a strong one. The
    passphrase is the only everyday way in: write it down, and split the master key among
    trustees with `caesar keys split` so that a lost passphrase is not a lost archive. The
    public key printed (also written to archive.pub) is what documenters seal field bundles
    to.
    """
    from caesar.core import Archive
    from caesar.vault.passphrase import generate, require_strong

    cli = state(ctx)
    if kdf_cost is KdfCost.test:
        err.print("warning: --kdf-cost test makes the passphrase fast to guess;"
                  " use it only in test suites.")
    chosen = generate() if generate_ else passphrase(confirm=True)
    weak = require_strong(chosen, enforce=kdf_cost is KdfCost.normal)
    if weak:
        err.print(f"warning: this passphrase is weak ({weak}); allowed only at --kdf-cost"
                  " test.")
    with Archive.create(cli.archive, chosen, owner=owner, kdf_cost=kdf_cost, database_url=db,
                        store_url=store) as archive:
        public_key = archive.public_key
    err.print(f"Created an archive at {cli.archive} (owner: {owner}).")
    if generate_:
        err.print(f"Its passphrase (write it down now; it is shown only once): {chosen}")
    err.print("Its public key, for sealing field bundles (also in archive.pub):")
    out.print(public_key, soft_wrap=True)


def verify(
    ctx: typer.Context,
    replica: Annotated[str | None, typer.Option(
        "--replica", help="Check this replica instead of the archive: its catalogue snapshot"
        " against its signed state and the archive's custody log, and every original,"
        " thumbnail, family photo and held package its snapshot lists.",
        show_default=False)] = None,
    checkpoint: Annotated[list[Path] | None, typer.Option(
        "--checkpoint", help="A checkpoint published earlier (`caesar ledger"
        " export-checkpoint`); the custody log must still extend it. Repeatable.",
        show_default=False)] = None,
    compute: Annotated[str | None, typer.Option(
        "--compute", envvar="CAESAR_COMPUTE", metavar="tcp://HOST:PORT", show_default=False,
        help="Check the objects on the workers of this Dask scheduler (default: `cluster` in"
        " caesar.toml, else this machine's processes). Each worker gets the store's address,"
        " the objects' names and the one key that opens objects (docs/deploy.md).")] = None,
    json_: JsonOption = False,
) -> None:
    """Decrypt and re-hash every original and thumbnail, compare the store with the catalogue
    both ways, check the families' photos and the packages held for a download, the custody
    log and the archive's signed state; exit 1 if anything is damaged or missing, or a check
    fails. The run is recorded in the log.

    With --json: {"checked", "ok", "damaged": [H...], "missing": [H...], "ledger_ok":
    true|false|null, "state": {"ok", "problem"}, "unreferenced": [OBJECT NAME...],
    "thumbnails_damaged": [H...], "checkpoints": [{"file", "size", "ok", "problem"}],
    "family_photos": {"checked", "damaged": [PHOTO ID...], "missing": [PHOTO ID...]},
    "held_packages": {"checked", "damaged": [REQUEST ID...], "missing": [REQUEST ID...]}}.
    "unreferenced" objects (stored, but no catalogue row names them) do not fail the check:
    a crash can leave them, and the next ingest of the same files adopts them. A catalogue
    that is missing, empty, unreadable, rolled back or of another log is reported in "state"
    (exit 1), and nothing is changed. With --replica NAME the document is the replica's, with
    "replica" and "behind" (commits behind the archive) added.
    """
    from caesar.compute import compute_for

    with (archive_for(ctx, inspect=True) as (archive, actor),
          progress_bar("verifying") as progress):
        where = compute_for(compute, archive.settings.cluster,
                            archive.settings.intake.workers)
        if replica is not None:
            report: VerifyReport = archive.preservation.verify_replica(
                replica, progress, actor=actor, compute=where)
        else:
            report = archive.verify(progress, actor=actor, checkpoints=checkpoint or [],
                                    compute=where)
    if json_:
        emit_json(report)
    else:
        _tell(report, replica)
    if report.needs_attention:
        raise typer.Exit(1)


def _tell(report: VerifyReport, replica: str | None) -> None:
    where = f" in the replica {replica!r}" if replica else ""
    err.print(f"{report.ok} of {report.checked} originals intact{where}.")
    for sha in report.damaged:
        err.print(f"  damaged: {sha}")
    for sha in report.missing:
        err.print(f"  missing: {sha}")
    for sha in report.thumbnails_damaged:
        err.print(f"  thumbnail damaged or missing: {sha}")
    for what, found in (("family photo", report.family_photos),
                        ("held package of export request", report.held_packages)):
        for ident in found.damaged:
            err.print(f"  {what} {ident}: damaged")
        for ident in found.missing:
            err.print(f"  {what} {ident}: missing")
    if report.unreferenced:
        err.print(f"{len(report.unreferenced)} stored objects have no catalogue row (left by an"
                  " interrupted ingest, or by a lost catalogue); nothing is deleted.")
    if not report.state.ok:
        err.print(f"The catalogue FAILS its check: {report.state.problem}.")
    if report.ledger_ok is not None:
        err.print("The custody log checks out." if report.ledger_ok else
                  "The custody log fails its check: `caesar ledger verify` says where.")
    for checkpoint in report.checkpoints:
        err.print(f"Checkpoint {checkpoint.file}: " + (
            "the log extends it." if checkpoint.ok else f"FAILS: {checkpoint.problem}."))
    if (report.damaged or report.missing or report.thumbnails_damaged or not report.state.ok
            or report.family_photos.broken or report.held_packages.broken):
        err.print("`caesar repair` puts back what is damaged or missing from a replica"
                  " (docs/recovery.md).")


def register(app: typer.Typer) -> None:
    """Add these commands to the root app."""
    app.command()(init)
    app.command()(verify)
