"""`caesar missing`: families' reports of their missing, as partners send them or a family
liaison files them with the family."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from caesar.cli import family_photos
from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, err, out
from caesar.cli.paging import LimitOption, OffsetOption, page
from caesar.errors import UsageError
from caesar.identify.vocabulary import KEYS

# The services are imported by the commands that use them (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.identify.views import ReportView

app = typer.Typer(help="Families' reports of the missing: import, file, read, edit, find"
                  " duplicates and merge them, and the photos of the person in life the family"
                  " gives. Reporters are kept apart, encrypted, with their consent; every view"
                  " of a report is recorded in the custody log.",
                  no_args_is_help=True)
app.add_typer(family_photos.app, name="photos")
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
ReportId = Annotated[int, typer.Argument(metavar="ID", help="The report's id.")]
SetOption = Annotated[list[str] | None, typer.Option(
    "--set", metavar="FIELD=VALUE", show_default=False,
    help=f"Repeatable. Fields: {', '.join(KEYS)}. Marks joined with ';' (kind, kind:place or"
    " kind:place:detail, as cases write them: tattoo:left_forearm:eagle; what a tattoo says"
    " last, as written: tattoo:left_forearm:name:Rania, a ';' in it written %3B). An empty"
    " value clears a field.")]


@app.command()
def add(ctx: typer.Context,
        from_: Annotated[Path | None, typer.Option(
            "--from", metavar="FILE", show_default=False,
            help="A JSON list or a CSV file of reports with the import keys (ref, name,"
            " father, ..., consent_share: docs/identification.md); lists in CSV joined with"
            " ';'.")] = None,
        set_: SetOption = None, json_: JsonOption = False) -> None:
    """Import a partner's list of reports, or file one report with --set.

    Importing a ref the archive already holds updates that report with what the file says
    (a key left out, or an empty CSV cell, leaves a field as it is; JSON null clears it).
    Every row is checked first: if any row is wrong, each problem is named by row and field
    and nothing is imported. --json prints [{"ref", "id"}].
    """
    from caesar.identify.reports import parse_assignments, read_reports

    if (from_ is None) == (not set_):
        raise UsageError("Give either --from FILE or --set FIELD=VALUE ...",
                         hint="Example: caesar missing add --set name='محمد أحمد الحلبي'"
                         " --set sex=M --set arrest_date=2012-04-15")
    reports = read_reports(from_) if from_ is not None else [parse_assignments(set_ or [])]
    with archive_for(ctx) as (archive, actor):
        results = archive.identify.import_reports(reports, actor)
    if json_:
        emit_json(results)
        return
    created = sum(r.created for r in results)
    err.print(f"{created} report(s) filed, {len(results) - created} already held (updated"
              " with what changed).")
    if from_ is None:
        err.print(f"Report {results[0].id} filed. `caesar match --report {results[0].id}`"
                  " ranks the cases for it.")


@app.command()
def edit(ctx: typer.Context, report_id: ReportId, set_: SetOption = None,
         json_: JsonOption = False) -> None:
    """Change fields of a report (the previous values are kept, encrypted; logged)."""
    from caesar.identify.reports import parse_assignments

    if not set_:
        raise UsageError("Give at least one --set FIELD=VALUE.")
    fields = parse_assignments(set_, f"report {report_id}")
    with archive_for(ctx) as (archive, actor):
        report = archive.identify.edit_report(report_id, fields, actor)
    _print(report, json_)


@app.command("list")
def list_(ctx: typer.Context, name: Annotated[str | None, typer.Option(
        help="Only reports whose names hold each of these words, in any spelling: `--name"
        " 'محمد الحلبي'` finds Mohammad al-Halabi too.")] = None,
          limit: LimitOption = None, offset: OffsetOption = 0,
          json_: JsonOption = False) -> None:
    """List every report: id, ref, status, name, sex, birth year, arrest date, branch."""
    with archive_for(ctx) as (archive, actor):
        reports = page(archive.identify.reports(actor, name=name), limit, offset)
    if json_:
        emit_json(reports)
        return
    table = Table("id", "ref", "status", "name", "sex", "born", "arrested", "branch")
    for r in reports:
        status = f"merged into {r.merged_into}" if r.merged_into else r.status
        table.add_row(str(r.id), r.ref or "-", status, r.name or "-", r.sex or "-",
                      str(r.birth_year or "-"), str(r.arrest_date or "-"),
                      r.branch_number or "-")
    out.print(table)


@app.command()
def show(ctx: typer.Context, report_id: ReportId,
         contact: Annotated[bool, typer.Option(
             "--contact", help="Also show how to reach the reporters who consented to be"
             " contacted (recorded in the custody log).")] = False,
         json_: JsonOption = False) -> None:
    """Show one report, its reporters, decided matches and history (the view is logged)."""
    with archive_for(ctx) as (archive, actor):
        report = archive.identify.report(report_id, actor, contact=contact)
    _print(report, json_)


@app.command()
def duplicates(ctx: typer.Context, json_: JsonOption = False) -> None:
    """Pairs of reports that may be about one person (two relatives, two scripts), with the
    reasons; merge them with `caesar missing merge KEEP OTHER`.

    --json prints [{"reports": [ID, ID], "score", "why": [...]}], likeliest first.
    """
    with archive_for(ctx) as (archive, _):
        found = archive.identify.duplicates()
    if json_:
        emit_json(found)
        return
    for d in found:
        out.print(f"reports {d.reports[0]} and {d.reports[1]} (score {d.score}): "
                  + "; ".join(d.why))
    err.print(f"{len(found)} possible duplicate(s).")


@app.command()
def merge(ctx: typer.Context,
          keep: Annotated[int, typer.Argument(metavar="KEEP", help="The report that stays.")],
          other: Annotated[int, typer.Argument(metavar="OTHER",
                                               help="The report merged into it.")],
          json_: JsonOption = False) -> None:
    """Merge a duplicate report into another: its reporters and decided matches join KEEP,
    fields KEEP lacks are filled from it, and OTHER stays on record as merged."""
    with archive_for(ctx) as (archive, actor):
        report = archive.identify.merge(keep, other, actor)
    _print(report, json_)


def _print(report: ReportView, json_: bool) -> None:
    if json_:
        emit_json(report)
        return
    for key, value in report.model_dump(exclude={"reporters", "matches", "history",
                                                 "photos"}).items():
        if value not in (None, [], ""):
            out.print(f"{key:>18}: {value}")
    for r in report.reporters:
        notify = {None: "not asked", True: "yes", False: "no"}[r.consent_notify]
        consent = (f"contact {'yes' if r.consent_contact else 'no'}, share {r.consent_share},"
                   f" tell of a match {notify}")
        reach = f", {r.contact}" if r.contact else ""
        out.print(f"{'reporter':>18}: {r.name or '-'} ({r.relationship or '-'}{reach});"
                  f" {consent}")
    for m in report.matches:
        out.print(f"{'match':>18}: case {m.case} {m.status}")
    family_photos.print_photos(report.photos)
    for c in report.history:
        out.print(f"{'change':>18}: {c.at:%Y-%m-%d %H:%M} {c.actor}: {c.action}"
                  f" {', '.join(c.fields)}")
