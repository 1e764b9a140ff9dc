"""`caesar export`: packages that leave the archive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from caesar.cli.context import state
from caesar.cli.output import emit_json, err

app = typer.Typer(help="Packages that leave the archive: statistics (evidence, exhibition sets"
                  " and data exports come later).", no_args_is_help=True)


@app.command("stats")
def stats_(ctx: typer.Context, out: Annotated[Path, typer.Option(
        "--out", metavar="DIR", help="A new or empty folder to write into.",
        show_default=False)], json_: Annotated[bool, typer.Option(
            "--json", help="Print one JSON document.")] = False) -> None:
    """Counts of cases by branch, hospital, month, sex, apparent age and finding.

    Writes by_FACET.csv (value, cases, share, and the `caesar cases list` query that lists
    those cases), charts/ (PNG and SVG, titled in English and Arabic) and summary.html, a
    self-contained page whose every number links to its query. Only counts leave the archive:
    no names, case numbers or photos. The export is recorded in the custody log.
    """
    cli = state(ctx)
    archive = cli.open()
    made = archive.export_stats(out, cli.actor(archive))
    archive.close()
    if json_:
        emit_json({"out": str(out), "files": [str(p.relative_to(out)) for p in made]})
        return
    err.print(f"Wrote {len(made)} files into {out}; open {out / 'summary.html'}.")
