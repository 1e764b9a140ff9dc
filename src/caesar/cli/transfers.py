"""`caesar transfers list|show`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, out
from caesar.cli.paging import LimitOption, OffsetOption, page

app = typer.Typer(help="The hand-overs the archive received.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command("list")
def list_(ctx: typer.Context, limit: LimitOption = None, offset: OffsetOption = 0,
          json_: JsonOption = False) -> None:
    """List every transfer with its state and counts."""
    with archive_for(ctx) as (archive, _):
        transfers = page(archive.queries.transfers(), limit, offset)
    if json_:
        emit_json(transfers)
        return
    table = Table("id", "state", "source", "label", "operator", "started", "stored", "dup",
                  "flagged", "skipped")
    for t in transfers:
        c = t.counts
        table.add_row(str(t.id), t.state, t.source, t.source_label or "-", t.operator or "-",
                      t.started_at.isoformat(timespec="seconds"), str(c.get("stored", "-")),
                      str(c.get("duplicates", "-")), str(c.get("flagged", "-")),
                      str(c.get("skipped", "-")))
    out.print(table)


@app.command()
def show(ctx: typer.Context, transfer_id: Annotated[int, typer.Argument(
        metavar="ID", help="The transfer's id.")], json_: JsonOption = False) -> None:
    """Show one transfer."""
    with archive_for(ctx) as (archive, _):
        transfer = archive.queries.transfer(transfer_id)
    if json_:
        emit_json(transfer)
        return
    for key, value in transfer.model_dump().items():
        out.print(f"{key:>12}: {value}")
