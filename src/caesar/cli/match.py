"""`caesar match`: rank the cases for families' reports, with the reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, err, out, progress_bar
from caesar.errors import UsageError
from caesar.progress import from_counts

if TYPE_CHECKING:
    from caesar.identify.views import MatchResult


def match(ctx: typer.Context,
          report: Annotated[int | None, typer.Option(
              "--report", metavar="ID", help="Rank the cases for this report.")] = None,
          all_: Annotated[bool, typer.Option(
              "--all", help="Rank the cases for every open report.")] = False,
          limit: Annotated[int, typer.Option(
              min=1, max=500, help="How many ranked cases to list per report.")] = 20,
          json_: Annotated[bool, typer.Option("--json", help="Print one JSON document.")
                           ] = False) -> None:
    """Rank the cases that may be the person a family reported, best first, each factor with
    its weight (log10 of how much likelier the evidence is if this case is the person) and
    its reason in words.

    A case of the other sex, or photographed more than 30 days before the reported arrest,
    is excluded: never ranked. Excluded cases that share the report's detainee number or name
    are listed after the ranked ones (score null) so that a caseworker sees why; a reviewer
    can lift an exclusion with `caesar review override`. Nothing is decided here: people
    review (`caesar review`). --json prints {"report", "candidates": [...]}, or a list of those
    with --all.
    """
    if (report is None) == (not all_):
        raise UsageError("Give either --report ID or --all.")
    with archive_for(ctx) as (archive, actor):
        if report is not None:
            results = [archive.identify.match(report, actor, limit=limit)]
        else:
            with progress_bar("matching") as bar:
                results = archive.identify.match_all(actor, limit=limit,
                                                     progress=from_counts(bar))
    if json_:
        emit_json(results[0] if report is not None else results)
        return
    for result in results:
        _print(result)
    if all_:
        err.print(f"Ranked the cases for {len(results)} report(s).")


def _print(result: MatchResult) -> None:
    out.print(f"report {result.report}:")
    if not result.candidates:
        out.print("  no case can be this person (none photographed after the reported"
                  " arrest, of the same sex)")
    for place, c in enumerate(result.candidates, start=1):
        state = f" [{c.status}]" if c.status != "candidate" else ""
        head = (f"  excluded  case {c.case}{state}" if c.excluded
                else f"  {place:>3}. case {c.case}  score {c.score:+.2f}{state}")
        out.print(head)
        for f in c.factors:
            weight = "exclusion" if f.exclusion else f"{f.weight:+.2f}"
            out.print(f"        {weight:>9}  {f.why}")
