"""`caesar replica add|list`, `caesar replicate`, `caesar repair` and `caesar restore`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from caesar.cli.context import archive_for, passphrase, state
from caesar.cli.keys import GenerateOption, SharePassphraseOption, new_passphrase, read_shares
from caesar.cli.output import emit_json, err, out, progress_bar

# What each command uses is imported in its body: registering the commands must stay cheap
# (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.core import Archive
    from caesar.preservation.repair import RepairReport
    from caesar.preservation.replicas import Replica

app = typer.Typer(help="Replicas: encrypted copies of the archive kept elsewhere (another"
                  " drive, another place), brought up to date by `caesar replicate`.",
                  no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A short name for the replica, such as"
                                        " 'usb-1' or 'partner-office'.", show_default=False)],
    path: Annotated[str, typer.Argument(
        metavar="PATH|s3://BUCKET/PREFIX",
        help="A new or empty folder (on a mounted drive or a network share), an S3-compatible"
        " bucket and prefix (reached at $CAESAR_S3_ENDPOINT with $AWS_ACCESS_KEY_ID and"
        " $AWS_SECRET_ACCESS_KEY), or an existing replica of this archive.",
        show_default=False)],
    json_: JsonOption = False,
) -> None:
    """Register a folder or an S3 bucket as a replica of the archive; `caesar replicate`
    fills it.

    The list of replicas is kept encrypted beside the archive's keys, so that a seized laptop
    does not tell where the copies are. A bucket holds only what the folder would: sealed
    objects under keyed names and the encrypted catalogue; its server dates each object as
    it arrives, which a folder replica does not show.

    With --json: {"name", "path"}.
    """
    with archive_for(ctx) as (archive, actor):
        replica = archive.preservation.add_replica(
            name, _place(path), actor=actor)
    if json_:
        emit_json({"name": replica.name, "path": replica.where})
    else:
        err.print(f"Registered {replica.where} as the replica {replica.name!r}. Run `caesar"
                  f" replicate {replica.name}` to fill it.")


@app.command("set-path")
def set_path(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The replica's name.", show_default=False)],
    path: Annotated[Path, typer.Argument(help="Where the replica is now.",
                                         show_default=False)],
    json_: JsonOption = False,
) -> None:
    """Say where a replica is reached now (its drive is mounted elsewhere, or was copied to
    a new place); the folder must hold that replica.

    With --json: {"name", "path"}.
    """
    with archive_for(ctx) as (archive, actor):
        replica = archive.preservation.move_replica(name, path, actor=actor)
    if json_:
        emit_json({"name": replica.name, "path": replica.where})
    else:
        err.print(f"The replica {replica.name!r} is now at {replica.where}.")


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List the replicas, whether each can be reached now, and what its last replication
    copied.

    With --json: [{"name", "path", "reachable", "generation", "originals", "log_size"}]
    (null where a replica cannot be reached or was never filled).
    """
    with archive_for(ctx, inspect=True) as (archive, _):
        listed = [_describe(r, archive) for r in archive.preservation.replicas.all()]
    if json_:
        emit_json(listed)
        return
    if not listed:
        err.print("No replica yet: `caesar replica add NAME PATH`.")
    for entry in listed:
        how = ("cannot be reached" if not entry["reachable"] else
               "never filled" if entry["generation"] is None else
               f"holds generation {entry['generation']}, {entry['originals']} originals")
        out.print(f"{entry['name']:<20} {entry['path']}  ({how})")


def _describe(replica: Replica, archive: Archive) -> dict[str, Any]:
    from caesar.preservation.anchor import StateDamaged
    from caesar.preservation.replicate import replica_state

    found: dict[str, Any] = {"name": replica.name, "path": replica.where,
                             "reachable": replica.reachable(), "generation": None,
                             "originals": None, "log_size": None}
    if found["reachable"]:
        try:
            theirs = replica_state(replica, archive.keys)
        except StateDamaged:
            theirs = None
        if theirs is not None:
            found.update(generation=theirs.generation, originals=theirs.originals,
                         log_size=theirs.size)
    return found


def replicate(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="The replica to bring up to date"
                                               " (default: every replica).",
                                               show_default=False)] = None,
    full: Annotated[bool, typer.Option(
        "--full", help="Also compare every object the replica holds with the archive's, byte"
        " for byte, and copy again those that differ (after `verify --replica` found damage)."
        )] = False,
    json_: JsonOption = False,
) -> None:
    """Bring replicas up to date: new objects copied as they are (never decrypted), a
    consistent snapshot of the encrypted catalogue, the wrapped keys and the signed state.

    Incremental: only objects the replica lacks are copied, and nothing is ever deleted from
    it. A replica that is newer than the archive is left alone (the archive was rolled back:
    `caesar repair`). A replica that cannot be reached is reported (exit 1) and the others are
    still done. An interrupted run leaves the replica's previous snapshot working; run it
    again. Each replication is logged.

    With --json: {"replicas": [{"replica", "copied", "bytes", "objects", "originals",
    "generation", "log_size"}], "failed": [{"replica", "problem"}]}.
    """
    with archive_for(ctx) as (archive, actor), progress_bar("replicating") as progress:
        done, failed = archive.preservation.replicate(
            [name] if name else [], progress, actor=actor, full=full)
    if json_:
        emit_json({"replicas": [r.model_dump() for r in done], "failed": [
            {"replica": name, "problem": problem} for name, problem in failed]})
    else:
        for report in done:
            err.print(f"{report.replica}: {report.copied} objects copied"
                      f" ({report.bytes / 1e6:,.1f} MB); it holds {report.originals} originals"
                      f" and a custody log of {report.log_size} entries.")
        for _, problem in failed:
            err.print(f"error: {problem}")
    if failed:
        raise typer.Exit(1)


def repair(
    ctx: typer.Context,
    from_: Annotated[str | None, typer.Option(
        "--from", help="Take what is missing from this replica (its name, its folder, or its"
        " s3:// URL);"
        " default: every registered replica in turn.", show_default=False)] = None,
    accept_loss: Annotated[bool, typer.Option(
        "--accept-loss", help="Put back the newest replica's catalogue even when it is older"
        " than the archive's signed state (the records of the newer commits are lost).")
    ] = False,
    accept_catalogue: Annotated[bool, typer.Option(
        "--accept-catalogue", help="Sign the state of the catalogue as it is when the signed"
        " state is missing and no replica can vouch for the catalogue.")] = False,
    json_: JsonOption = False,
) -> None:
    """Put back from replicas what the archive lost or what was damaged.

    In order: missing or damaged key files (from --from PATH for the wrapped master key); a
    catalogue that is missing, empty, unreadable, rolled back or of another log (the newest
    replica snapshot at least as new as the archive's signed state); a signed state that is
    missing; then every original, thumbnail, family photo and held package that is damaged
    or missing, each copy checked before it is put back. Nothing is deleted: what was damaged
    is moved aside. Exit 1 if anything stays broken. The repair is logged.

    With --json: {"catalogue": {"action": "restored"|"signed", "replica", "lost_commits"}|null,
    "keys": [NAME...], "repaired": [{"sha256", "kind", "replica"}], "unrepaired": [{"sha256",
    "kind", "problem"}], "state": {"ok", "problem"}}. "kind" is "original", "thumbnail",
    "family_photo" or "held_package"; the last two carry "id" (the report photo's, the export
    request's) and a null "sha256".
    """
    from caesar.core import Archive
    from caesar.preservation.replicas import local_replica
    from caesar.recovery import open_for_repair

    cli = state(ctx)
    Archive.locate(cli.archive)
    folder = from_ if from_ and (from_.startswith("s3://") or Path(from_).is_dir()) else None
    given = [local_replica(_place(folder))] if folder else []
    archive, keys = open_for_repair(cli.archive, passphrase(confirm=False), given)
    with archive:
        if from_ and folder is None:
            given = [archive.preservation.replicas.get(from_)]
        actor = cli.acting_as or os.environ.get("CAESAR_USER") or archive.owner
        with progress_bar("checking") as progress:
            report = archive.repair(given, actor=actor, accept_loss=accept_loss,
                                    accept_catalogue=accept_catalogue, progress=progress)
    report.keys = keys
    if json_:
        emit_json(report)
    else:
        _tell_repair(report)
    if report.needs_attention:
        raise typer.Exit(1)


def _tell_repair(report: RepairReport) -> None:
    for name in report.keys:
        err.print(f"Put back the key file {name!r} from a replica.")
    if report.catalogue and report.catalogue.action == "restored":
        lost = report.catalogue.lost_commits
        err.print(f"Put back the catalogue from the replica {report.catalogue.replica!r}"
                  + (f"; the records of {lost} newer commit{'s' if lost > 1 else ''} are"
                     " lost." if lost else "."))
    elif report.catalogue:
        err.print("Signed the state of the catalogue again.")
    for fixed in report.repaired:
        err.print(f"  put back: {fixed.kind} {fixed.sha256} from {fixed.replica}")
    for broken in report.unrepaired:
        err.print(f"  STILL BROKEN: {broken.kind} {broken.sha256 or ''} {broken.problem}")
    if not report.repaired and not report.unrepaired and report.catalogue is None:
        err.print("Nothing needed repair.")


def restore(
    ctx: typer.Context,
    from_: Annotated[str, typer.Option(
        "--from", metavar="PATH|s3://BUCKET/PREFIX", show_default=False,
        help="The replica's folder, or its S3 bucket and prefix.")],
    to: Annotated[Path, typer.Option("--to", help="Where to make the archive (a new or empty"
                                     " folder).", show_default=False)],
    shares: Annotated[bool, typer.Option(
        "--shares", help="Unlock with trustees' shares read from standard input, one a line,"
        " instead of the passphrase; a new passphrase is then set.")] = False,
    share_passphrase_stdin: SharePassphraseOption = False,
    generate_: GenerateOption = False,
    json_: JsonOption = False,
) -> None:
    """Make a working archive from a replica, when the archive itself is lost.

    Unlocked with the passphrase ($CAESAR_PASSPHRASE, or a prompt) or, with --shares, with
    trustees' shares and a new passphrase ($CAESAR_NEW_PASSPHRASE, a prompt, or --generate).
    Every object is copied, the restore is logged, then every original is verified (exit 1 if
    any is damaged or missing: `caesar repair --from` another replica).

    With --json: the new archive's `verify` document with "archive", "replica", "copied" and
    "recovered_with_shares" added.
    """
    from caesar.preservation.restore import Unlock
    from caesar.recovery import restore as restore_archive

    cli = state(ctx)
    if shares:
        given, secret = read_shares(share_passphrase=share_passphrase_stdin)
        unlock = Unlock(shares=given, share_passphrase=secret,
                        new_passphrase=new_passphrase(generated=generate_))
    else:
        unlock = Unlock(passphrase=passphrase(confirm=False))
    with progress_bar("restoring") as progress:
        archive, report = restore_archive(
            _place(from_), to, unlock,
            actor=cli.acting_as or os.environ.get("CAESAR_USER"), progress=progress)
        archive.close()
    if json_:
        emit_json(report)
    else:
        err.print(f"Made an archive at {to} from the replica at {from_}: {report.copied}"
                  f" objects; {report.ok} of {report.checked} originals intact.")
        if shares and generate_ and unlock.new_passphrase:
            err.print("Its new passphrase (write it down now; it is shown only once):")
            out.print(unlock.new_passphrase)
    if report.needs_attention:
        raise typer.Exit(1)


def _place(given: str) -> Path | str:
    """A replica's place as given on the command line: an `s3://` URL as it is, else a
    folder."""
    return given if given.startswith("s3://") else Path(given)
