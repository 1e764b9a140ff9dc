"""`caesar cases`: group photos into cases, read their numbers, record analysts' decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from caesar.cases.vocabulary import CATEGORIES, EDITABLE, FINDINGS
from caesar.cli.context import archive_for
from caesar.cli.number_review import review
from caesar.cli.output import emit_json, err, out, progress_bar
from caesar.cli.paging import LimitOption, OffsetOption, page
from caesar.errors import UsageError

# The services are imported by the commands that use them (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.cases.numbers import Kind
    from caesar.cases.views import CaseView

app = typer.Typer(help="Post-mortem cases: one per body, with the numbers it carried.",
                  no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
CaseId = Annotated[int, typer.Argument(metavar="ID", help="The case's id.")]


@app.command()
def build(ctx: typer.Context, reread: Annotated[bool, typer.Option(
        help="Read the numbers in every photo again, not only in new ones.")] = False,
          json_: JsonOption = False) -> None:
    """Group photos into cases and read the numbers on their cards.

    Photos taken seconds apart by one camera, in one folder, carrying the same numbers, become
    one case; re-encoded copies are linked to their original. Run it after each ingest: new
    photos join existing cases or form new ones. Photos an analyst placed (merge, split, move)
    and the photos of reviewed cases are never moved. Originals secured but not analysed yet
    (`ingest --analyse later`) are left out and counted ("not_analysed" in JSON): run `caesar
    analyse`, then build again.
    """
    with (archive_for(ctx) as (archive, actor),
          progress_bar("reading numbers") as progress):
        report = archive.cases.build(actor, reread=reread, progress=progress)
    if json_:
        emit_json(report)
        return
    err.print(f"{report.photos} photos: {report.cases} cases ({report.created} new,"
              f" {report.changed} changed), {report.copies} copies linked to their original,"
              f" {report.ungrouped} in no case. Read {report.analysed} photos"
              f" ({report.unreadable} not readable as images).")
    if report.needs_review:
        err.print(f"{report.needs_review} cases have a number to check: `caesar cases queue`.")
    if report.not_analysed:
        err.print(f"{report.not_analysed} originals are not analysed yet and were left out:"
                  " run `caesar analyse`, then build again.")


@app.command("list")
def list_(ctx: typer.Context,
          branch: Annotated[str | None, typer.Option(help="Only this branch number.")] = None,
          hospital: Annotated[str | None, typer.Option(help="Only this hospital.")] = None,
          month: Annotated[str | None, typer.Option(help="Only cases photographed in this"
                                                    " month (YYYY-MM).")] = None,
          sex: Annotated[str | None, typer.Option(help="Only M, F or unknown.")] = None,
          age: Annotated[str | None, typer.Option(help="Only this ten-year band of apparent"
                                                  " age, such as 20-29.")] = None,
          finding: Annotated[str | None, typer.Option(help="Only cases with this coded"
                                                      " finding.")] = None,
          limit: LimitOption = None, offset: OffsetOption = 0,
          json_: JsonOption = False) -> None:
    """List every case with its numbers, photos and status (filters combine; `unknown`
    selects cases where the value is not known). The statistics export links each figure to
    the filters that reproduce it."""
    filters = {name: value for name, value in (
        ("branch", branch), ("hospital", hospital), ("month", month), ("sex", sex),
        ("age", age), ("finding", finding)) if value is not None}
    from caesar.cases.facets import matches

    with archive_for(ctx) as (archive, _):
        cases = page([c for c in archive.cases.cases() if matches(c, filters)], limit,
                     offset)
    if json_:
        emit_json(cases)
        return
    table = Table("id", "detainee", "branch", "forensic", "photos", "copies", "on", "status",
                  "identification")
    for case in cases:
        n = case.numbers
        table.add_row(str(case.id), n.detainee or "-", n.branch or "-", n.forensic or "-",
                      str(len(case.photos)), str(len(case.copies)),
                      str(case.photographed_on or "-"), case.status, case.identification)
    out.print(table)


@app.command()
def show(ctx: typer.Context, case_id: CaseId, json_: JsonOption = False) -> None:
    """Show one case: its numbers and where each came from, photos, readings and history."""
    with archive_for(ctx) as (archive, _):
        case = archive.cases.show(case_id)
    _print(case, json_)


def _print(case: CaseView, json_: bool) -> None:
    if json_:
        emit_json(case)
        return
    for key, value in case.model_dump(exclude={"readings", "history", "analyst_readings",
                                               "roles", "proposals"}).items():
        out.print(f"{key:>16}: {value}")
    for p in case.proposals.items():
        out.print(f"{'reading':>16}: {p[0]} {p[1].digits} (support {p[1].support},"
                  f" against {p[1].against}{', check it' if p[1].needs_review else ''})")
    for change in case.history:
        out.print(f"{'change':>16}: {change.at:%Y-%m-%d %H:%M} {change.actor}: {change.action}"
                  f" {change.field or ''} {change.before!r} -> {change.after!r}")


@app.command()
def edit(ctx: typer.Context, case_id: CaseId, set_: Annotated[list[str], typer.Option(
        "--set", metavar="FIELD=VALUE", show_default=False,
        help=f"Repeatable. Fields: {', '.join(EDITABLE)}. Marks and findings: several joined"
        " with ';'; a mark is kind, kind:place or kind:place:detail"
        " (tattoo:left_forearm:eagle), and a tattoo's text last, as written"
        " (tattoo:left_forearm:name:Rania; a ';' in it written %3B). Findings:"
        f" {', '.join(FINDINGS)}. An empty value clears a field.")],
         json_: JsonOption = False) -> None:
    """Change fields of a case; the previous values are kept and the change is logged."""
    changes = []
    for item in set_:
        name, equals, value = item.partition("=")
        if not equals:
            raise UsageError(f"--set takes FIELD=VALUE, not {item!r}.",
                             hint="Example: caesar cases edit 12 --set sex=M --set age_min=25")
        changes.append((name.strip(), value))
    with archive_for(ctx) as (archive, actor):
        case = archive.cases.edit(case_id, changes, actor)
    _print(case, json_)


@app.command()
def merge(ctx: typer.Context, case_ids: Annotated[list[int], typer.Argument(
        metavar="ID...", help="The cases to merge; all photos go into the first.")],
          json_: JsonOption = False) -> None:
    """Merge cases that show the same body (the first keeps its id and gets every photo)."""
    with archive_for(ctx) as (archive, actor):
        case = archive.cases.merge(case_ids, actor)
    _print(case, json_)


@app.command()
def split(ctx: typer.Context, case_id: CaseId, photos: Annotated[list[str], typer.Option(
        "--photo", metavar="SHA256", help="Repeatable: a photo of the other body.",
        show_default=False)], json_: JsonOption = False) -> None:
    """Split photos of another body off a case into a new case (printed)."""
    with archive_for(ctx) as (archive, actor):
        case = archive.cases.split(case_id, photos, actor)
    _print(case, json_)


@app.command()
def move(ctx: typer.Context, photo: Annotated[str, typer.Argument(
        metavar="SHA256", help="The photo to move.")],
         to: Annotated[int | None, typer.Option(help="The case to move it into.")] = None,
         new: Annotated[bool, typer.Option("--new", help="Make it a case of its own.")
                        ] = False, json_: JsonOption = False) -> None:
    """Move one photo into another case, or into a new one."""
    if (to is None) == (not new):
        raise UsageError("Give either --to ID or --new.")
    with archive_for(ctx) as (archive, actor):
        case = archive.cases.move(photo, to, actor)
    _print(case, json_)


@app.command()
def read(ctx: typer.Context, case_id: CaseId,
         detainee: Annotated[str | None, typer.Option(help="The detainee number you read.")
                             ] = None,
         branch: Annotated[str | None, typer.Option(help="The branch number you read.")] = None,
         forensic: Annotated[str | None, typer.Option(help="The forensic report number you"
                                                      " read.")] = None,
         json_: JsonOption = False) -> None:
    """Record your own reading of a case's numbers, made without looking at others'.

    Each analyst reads independently (acting as --as USER); where two analysts read a number
    differently, `caesar cases disagreements` lists it for a third look. Arabic-Indic digits
    are accepted. The case's numbers themselves are set with `cases edit`.
    """
    asked: tuple[tuple[Kind, str | None], ...] = (
        ("detainee", detainee), ("branch", branch), ("forensic", forensic))
    given = [(kind, value) for kind, value in asked if value is not None]
    if not given:
        raise UsageError("Give at least one of --detainee, --branch, --forensic.")
    with archive_for(ctx) as (archive, actor):
        disagreements = archive.cases.read(case_id, given, actor)
    if json_:
        emit_json(disagreements)
        return
    err.print(f"Recorded {len(given)} reading(s) of case {case_id}.")
    for d in disagreements:
        err.print(f"  {d.kind}: analysts disagree: " + ", ".join(
            f"{r.analyst} read {r.digits}" for r in d.readings))


@app.command()
def disagreements(ctx: typer.Context, json_: JsonOption = False) -> None:
    """Numbers that analysts read differently: each needs a third look."""
    with archive_for(ctx) as (archive, _):
        found = archive.cases.disagreements()
    if json_:
        emit_json(found)
        return
    for d in found:
        out.print(f"case {d.case} {d.kind}: " + ", ".join(
            f"{r.analyst} read {r.digits}" for r in d.readings))
    err.print(f"{len(found)} disagreement(s).")


@app.command()
def queue(ctx: typer.Context, json_: JsonOption = False) -> None:
    """Numbers a person should read: the software is unsure, or photos disagree."""
    with archive_for(ctx) as (archive, _):
        items = archive.cases.queue()
    if json_:
        emit_json(items)
        return
    for item in items:
        best = item.proposal.digits if item.proposal else "nothing read"
        out.print(f"case {item.case} {item.kind}: {best}")
    err.print(f"{len(items)} number(s) to read.")


app.command()(review)


@app.command()
def categorise(ctx: typer.Context, photos: Annotated[list[str], typer.Argument(
        metavar="SHA256...", help="The photos.")], category: Annotated[str, typer.Option(
            help=f"One of: {', '.join(CATEGORIES)}.", show_default=False)],
               json_: JsonOption = False) -> None:
    """Set what photos show; the software's suggestions never overwrite it."""
    with archive_for(ctx) as (archive, actor):
        count = archive.cases.categorise(photos, category, actor)
    if json_:
        emit_json({"categorised": count, "category": category})
        return
    err.print(f"{count} photo(s) set to {category}.")


@app.command("name")
def name_(ctx: typer.Context, case_id: CaseId, name: Annotated[str, typer.Option(
        help="The full name, as the source writes it (Arabic or Latin letters).",
        show_default=False)], source: Annotated[str | None, typer.Option(
            help="Where the name comes from (a list, a testimony, a document).")] = None) -> None:
    """Record a name the case carries from another source than the photos.

    Matching compares it with the names in families' reports (`caesar match`). The name and
    its source are kept encrypted; the custody log records only that a name was set.
    """
    with archive_for(ctx) as (archive, actor):
        archive.identify.name_case(case_id, name, source, actor)
    err.print(f"Case {case_id}: name recorded.")
