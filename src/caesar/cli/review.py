"""`caesar review`: people decide, software ranks. Shortlist, confirm (a second reviewer),
reject, undo and override, each decision recorded with who, when and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, err, out
from caesar.cli.paging import LimitOption, OffsetOption, page
from caesar.identify.vocabulary import REQUESTED, STATUSES

# The services are imported by the commands that use them (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.identify.service import IdentifyService
    from caesar.identify.views import MatchView

app = typer.Typer(help="Review matches between families' reports and cases: one reviewer"
                  " shortlists, a second, different reviewer confirms (--as NAME).",
                  no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
Report = Annotated[int, typer.Argument(metavar="REPORT", help="The report's id.")]
Case = Annotated[int, typer.Argument(metavar="CASE", help="The case's id.")]
Note = Annotated[str | None, typer.Option(help="A note kept (encrypted) with the decision.")]
Reason = Annotated[str, typer.Option(help="Why (kept encrypted with the decision; required).",
                                     show_default=False)]


@app.command("list")
def list_(ctx: typer.Context, status: Annotated[str | None, typer.Option(
        help=f"Only matches in this state: {', '.join(STATUSES)} (shortlisted: waiting for a"
        " second reviewer).")] = None, limit: LimitOption = None,
        offset: OffsetOption = 0, json_: JsonOption = False) -> None:
    """Matches staff have decided something about."""
    with archive_for(ctx) as (archive, _):
        found = page(archive.identify.matches(status), limit, offset)
    if json_:
        emit_json(found)
        return
    table = Table("match", "report", "case", "status", "score", "shortlisted by", "updated")
    for m in found:
        table.add_row(str(m.id), str(m.report), str(m.case), m.status + (" (override)"
                      if m.override else ""), "-" if m.score is None else f"{m.score:+.2f}",
                      m.shortlisted_by or "-", f"{m.updated_at:%Y-%m-%d %H:%M}")
    out.print(table)


@app.command()
def show(ctx: typer.Context, report: Report, case: Case, json_: JsonOption = False) -> None:
    """One match: the evidence as it stood at the last decision, and every decision."""
    with archive_for(ctx) as (archive, _):
        found = archive.identify.match_view(report, case)
    _print(found, json_)


@app.command()
def shortlist(ctx: typer.Context, report: Report, case: Case, note: Note = None,
              json_: JsonOption = False) -> None:
    """Put a case on a report's shortlist (the case becomes a candidate identification)."""
    _decide(ctx, json_, lambda identify, actor: identify.shortlist(report, case, actor, note=note))


@app.command()
def confirm(ctx: typer.Context, report: Report, case: Case, note: Note = None,
            json_: JsonOption = False) -> None:
    """Confirm a shortlisted match: the case is identified and the report resolved.

    Must be a different person from the one who shortlisted it (two reviewers); the same
    person is refused and nothing changes.
    """
    _decide(ctx, json_, lambda identify, actor: identify.confirm(report, case, actor, note=note))


@app.command()
def reject(ctx: typer.Context, report: Report, case: Case, reason: Reason,
           json_: JsonOption = False) -> None:
    """Reject a case for a report, with the reason.

    Rejecting a confirmed identification takes two reviewers: the first one's reject is
    recorded as a request, and it takes effect when a second, different reviewer repeats it.
    """
    _decide(ctx, json_, lambda identify, actor: identify.reject(report, case, actor, reason=reason))


@app.command()
def undo(ctx: typer.Context, report: Report, case: Case, reason: Reason,
         json_: JsonOption = False) -> None:
    """Undo the last decision on a match that is still in force (a confirmation, a
    shortlisting, a rejection or an override); the undoing is itself recorded.

    Undoing a confirmation takes two reviewers, as making it did: the first one's undo is
    recorded as a request, and it takes effect when a second, different reviewer repeats it.
    """
    _decide(ctx, json_, lambda identify, actor: identify.undo(report, case, actor, reason=reason))


@app.command()
def override(ctx: typer.Context, report: Report, case: Case, reason: Reason,
             json_: JsonOption = False) -> None:
    """Lift an exclusion (other sex, photographed before the arrest) for one report and case,
    so that the case is ranked: when a reviewer judges the report's date or sex wrong."""
    _decide(ctx, json_,
            lambda identify, actor: identify.override(report, case, actor, reason=reason))


def _decide(ctx: typer.Context, json_: bool,
            act: Callable[[IdentifyService, str], MatchView]) -> None:
    """Run one decision as the acting person, holding the write lock, and print the match."""
    with archive_for(ctx) as (archive, actor):
        found = act(archive.identify, actor)
    if found.decisions and found.decisions[-1].action.endswith(REQUESTED):
        err.print(f"Recorded as a request: the match stays {found.status} until a second,"
                  " different reviewer does the same (two people undo or reject a confirmed"
                  " identification, as two made it).")
    _print(found, json_)


def _print(match: MatchView, json_: bool) -> None:
    if json_:
        emit_json(match)
        return
    score = "-" if match.score is None else f"{match.score:+.2f}"
    out.print(f"match {match.id}: report {match.report}, case {match.case}: {match.status}"
              f"{' (exclusion lifted)' if match.override else ''}, score {score}")
    for f in match.factors:
        weight = "exclusion" if f.exclusion else f"{f.weight:+.2f}"
        out.print(f"  {weight:>9}  {f.why}")
    for d in match.decisions:
        why = f": {d.reason}" if d.reason else ""
        out.print(f"  {d.at:%Y-%m-%d %H:%M} {d.actor}: {d.action} ({d.before} -> {d.after})"
                  f"{why}")
