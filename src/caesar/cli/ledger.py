"""`caesar ledger show|entries|proof|consistency|verify|timestamp|export-checkpoint`."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, err, out
from caesar.errors import UsageError
from caesar.files import write_atomic

if TYPE_CHECKING:
    from caesar.ledger.views import InclusionView

app = typer.Typer(help="The custody log: a signed, append-only record of everything that"
                  " happens to the evidence, built to be published.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
SizeOption = Annotated[int | None, typer.Option(
    "--size", help="Prove against the signed checkpoint of this many entries (default: the"
    " latest).", show_default=False)]


@app.command()
def show(ctx: typer.Context, json_: JsonOption = False) -> None:
    """Show the latest signed checkpoint, the verifier key and the timestamps."""
    with archive_for(ctx) as (archive, _):
        log = archive.ledger.state()
    if json_:
        emit_json(log)
        return
    out.print(f"{log.size} entries signed, {log.unsigned} since the latest checkpoint;"
              f" {len(log.timestamps)} timestamps.")
    out.print(f"root hash: {log.root}")
    out.print(f"verifier key (vkey): {log.vkey or '-'}")
    if log.checkpoint:
        out.print("\n" + log.checkpoint, end="")


@app.command()
def entries(
    ctx: typer.Context,
    first: Annotated[int, typer.Option("--from", min=0, help="First index to list.")] = 0,
    last: Annotated[int | None, typer.Option("--to", min=0, help="Last index to list"
                                             " (inclusive; default: the newest).",
                                             show_default=False)] = None,
    json_: JsonOption = False,
) -> None:
    """List entries with their decoded contents and the subject each commits to."""
    with archive_for(ctx) as (archive, _):
        listed = archive.ledger.entries(first, last)
    if json_:
        emit_json(listed)
        return
    for e in listed:
        subject = e.subject or "-"
        subject = subject if len(subject) < 24 else subject[:23] + "…"
        details = " ".join(f"{k}={json.dumps(v)}" for k, v in e.entry["details"].items())
        out.print(f"{e.index:>8}  {e.entry['time']}  {e.entry['type']:<20} "
                  f"{e.entry['actor'][:8]}  {subject:<24}  {details}".rstrip())


@app.command()
def proof(
    ctx: typer.Context,
    index: Annotated[int | None, typer.Option("--index", min=0, help="The entry to prove.",
                                              show_default=False)] = None,
    sha256: Annotated[str | None, typer.Option("--sha256", help="Prove the entry that"
                                               " recorded this original as stored.",
                                               show_default=False)] = None,
    size: SizeOption = None,
    json_: JsonOption = False,
) -> None:
    """Prove that an entry is in the log (RFC 9162 inclusion proof), with the salt that opens
    its commitment when it concerns an original."""
    if (index is None) == (sha256 is None):
        raise UsageError("Give exactly one of --index I and --sha256 H.")
    with archive_for(ctx) as (archive, _):
        found = archive.ledger.inclusion(index=index, sha256=sha256, size=size)
    if json_:
        emit_json(found)
        return
    _print_inclusion(found)


def _print_inclusion(found: InclusionView) -> None:
    out.print(f"entry {found.index} of {found.size}:"
              f" {base64.b64decode(found.leaf).decode('utf-8')}")
    if found.salt:
        out.print(f"opens to original {found.subject_sha256} with salt {found.salt}")
    out.print("audit path (base64, leaf end first):")
    for node in found.proof:
        out.print(f"  {node}")
    out.print("\n" + found.checkpoint, end="")


@app.command()
def consistency(
    ctx: typer.Context,
    old: Annotated[int, typer.Option("--from", min=1, help="Size of the older checkpoint.",
                                     show_default=False)],
    new: Annotated[int | None, typer.Option("--to", min=1, help="Size of the newer signed"
                                            " checkpoint (default: the latest).",
                                            show_default=False)] = None,
    json_: JsonOption = False,
) -> None:
    """Prove that the log only grew between two checkpoints (RFC 9162 consistency proof)."""
    with archive_for(ctx) as (archive, _):
        found = archive.ledger.consistency(old, new)
    if json_:
        emit_json(found.model_dump(mode="json", by_alias=True))
        return
    out.print(f"the checkpoint of {found.to} entries extends any of {found.from_};"
              " proof (base64):")
    for node in found.proof:
        out.print(f"  {node}")
    out.print("\n" + found.checkpoint, end="")


@app.command()
def verify(ctx: typer.Context, json_: JsonOption = False) -> None:
    """Recompute the log from its entries and check every checkpoint, and the catalogue
    against the archive's signed state (a log cut short, rolled back or started anew is
    named); exit 1 if anything fails. Changes nothing."""
    with archive_for(ctx, inspect=True) as (archive, _):
        report = archive.verify_ledger()
    if json_:
        emit_json(report)
    elif report.ok:
        err.print(f"The custody log checks out: {report.size} entries.")
    else:
        where = ("" if report.first_bad_index is None
                 else f" from entry {report.first_bad_index} on")
        err.print(f"The custody log FAILS its check{where}:")
        for problem in report.problems:
            err.print(f"  {problem}")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def timestamp(
    ctx: typer.Context,
    tsa: Annotated[str | None, typer.Option("--tsa", help="URL of the RFC 3161 Time Stamping"
                                            " Authority (default: tsa_url in the settings).",
                                            show_default=False)] = None,
    json_: JsonOption = False,
) -> None:
    """Get a trusted timestamp over the latest checkpoint from a TSA and keep it."""
    with archive_for(ctx) as (archive, _):
        stamped = archive.timestamp(tsa)
    if json_:
        emit_json(stamped)
    else:
        err.print(f"Timestamped the checkpoint of {stamped.tree_size} entries.")


@app.command("export-checkpoint")
def export_checkpoint(
    ctx: typer.Context,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the signed checkpoint"
                                                  " to this file (default: standard output).",
                                                  show_default=False)] = None,
    json_: JsonOption = False,
) -> None:
    """The latest signed checkpoint, to publish with the verifier key, so that any later
    rewriting of the log can be detected by outsiders."""
    with archive_for(ctx) as (archive, _):
        log = archive.ledger.state()
    if log.checkpoint is None:
        raise UsageError("The custody log has no signed checkpoint yet.")
    if out_file is not None:
        write_atomic(out_file, log.checkpoint.encode("utf-8"))
    if json_:
        emit_json({"checkpoint": log.checkpoint, "vkey": log.vkey, "size": log.size,
                   "out": str(out_file) if out_file else None})
        return
    if out_file is None:
        sys.stdout.write(log.checkpoint)  # byte for byte what was signed and timestamped
    else:
        err.print(f"Wrote the checkpoint of {log.size} entries to {out_file}.")
    err.print(f"Publish it with the verifier key: {log.vkey}")
