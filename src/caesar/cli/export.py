"""`caesar export`: packages that leave the archive."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer
from pydantic import BaseModel, ValidationError

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, err
from caesar.errors import UsageError

# The services and their models are imported by the commands that use them
# (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.exports.views import DataFormat, ExportResult, Plan, Selection

_Options = TypeVar("_Options", bound=BaseModel)

app = typer.Typer(help="Packages that leave the archive: evidence packages for courts,"
                  " exhibition sets for the public, data and statistics for partners. Each"
                  " says what it will contain and asks before writing (or takes --yes), never"
                  " writes into the archive, and is recorded in the custody log.",
                  no_args_is_help=True)

Out = Annotated[Path, typer.Option("--out", metavar="DIR", show_default=False,
                                   help="A new or empty folder to write into (never inside the"
                                   " archive). It appears only once the export is complete.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask: the export's contents"
                                   " are printed and it is written at once.")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
Cases = Annotated[list[str] | None, typer.Option(
    "--case", metavar="ID", show_default=False,
    help="A case to export (repeat it, or give several as 12,15).")]
Photos = Annotated[list[str] | None, typer.Option(
    "--photos", metavar="SHA256", show_default=False,
    help="An original to export by its SHA-256 (repeat it, or separate with commas).")]

Transfer = Annotated[int | None, typer.Option(metavar="ID", show_default=False,
                                              help="Every original of one transfer.")]


def _selection(cases: list[str] | None, photos: list[str] | None, transfer: int | None = None
               ) -> Selection:
    from caesar.exports.views import Selection

    def split(values: list[str] | None) -> list[str]:
        return [v for value in values or [] for v in value.replace(",", " ").split()]

    try:
        case_ids = tuple(int(c) for c in split(cases))
    except ValueError:
        raise UsageError("--case takes case ids, such as --case 12 --case 15.") from None
    return Selection(cases=case_ids, transfer=transfer, photos=tuple(split(photos)))


def _options(kind: type[_Options], **values: Any) -> _Options:
    """Options checked by their model; a bad value is a usage error, not a traceback."""
    try:
        return kind(**values)
    except ValidationError as error:
        problems = "; ".join(f"--{'-'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}"
                             for e in error.errors())
        raise UsageError(f"Bad option: {problems}.", hint="Nothing was written.") from None


def _confirm(plan: Plan, out: Path, yes: bool) -> None:
    """Say what the export will contain; ask unless --yes (never hang without a terminal)."""
    err.print(f"This export will write into {out}:")
    for line in plan.summary:
        err.print(f"  - {line}")
    if not plan.originals and plan.kind in ("evidence", "exhibit"):
        raise UsageError("There is nothing to export: no original of the selection can go"
                         " into this package.", hint="Nothing was written.")
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError("The export needs a confirmation and there is no terminal to ask.",
                         hint="Read what it will contain (above), then run the command again"
                         " with --yes. Nothing was written.")
    if not typer.confirm("Write it?", default=False, err=True):
        raise UsageError("Nothing was written.")


def _done(result: ExportResult, json_: bool, what: str) -> None:
    if json_:
        emit_json(result)
        return
    err.print(f"Wrote {what} into {result.out} ({result.files} files, {result.bytes / 1e6:,.1f}"
              f" MB). Custody-log entry {result.entry} records the export.")


@app.command()
def evidence(ctx: typer.Context, out: Out, case: Cases = None, transfer: Transfer = None,
             photos: Photos = None,
             requested_by: Annotated[str | None, typer.Option(
                 metavar="TEXT", help="Who asked for it, such as a prosecutor's office and"
                 " file number: in the package, and (as a pseudonym) in the custody log.")
             ] = None,
             reveal_operators: Annotated[bool, typer.Option(
                 help="Name operators, analysts and devices as recorded, instead of by their"
                 " custody-log pseudonyms. The source's safety comes first: only when a court"
                 " needs the names.")] = False,
             yes: Yes = False, json_: Json = False) -> None:
    """An evidence package for a court: a BagIt bag of originals and their custody proofs.

    The bag (RFC 8493) holds the originals decrypted bit for bit under data/originals/, a
    metadata file per original (EXIF, transfers, sightings), the case and transfer records,
    and custody/: each original's custody-log entry, the salt that opens its commitment and
    its inclusion proof (proofs.json), the signed checkpoint, the verifier key and the RFC
    3161 timestamps. verification-report.html and .pdf tell a lawyer what is in it and how to
    check every hash and proof independently; verify_inclusion.py does it with Python alone.
    Validate it with `bagit.py --validate DIR`.
    """
    from caesar.exports.views import EvidenceOptions

    with archive_for(ctx) as (archive, actor):
        exports = archive.exports
        exports.check_out(out)
        options = _options(EvidenceOptions, requested_by=requested_by,
                           reveal_operators=reveal_operators)
        plan = exports.plan_evidence(_selection(case, photos, transfer), options)
        _confirm(plan, out, yes)
        result = exports.evidence(plan, out, actor, options)
    _done(result, json_, "the evidence package")


@app.command()
def exhibit(ctx: typer.Context, out: Out, case: Cases = None, transfer: Transfer = None,
            photos: Photos = None,
            blur: Annotated[str, typer.Option(
                metavar="WHAT", help="What to blur beyond recovery: faces (found by a face"
                " detector), regions (marked with `caesar photos mark`), faces,regions or"
                " none.")
            ] = "faces,regions",
            grayscale: Annotated[bool, typer.Option(help="Write grayscale images.")] = False,
            caption_lang: Annotated[str, typer.Option(
                metavar="LANGS", help="Caption languages below each image: ar, en, ar,en or"
                " none.")] = "ar,en",
            watermark: Annotated[str | None, typer.Option(
                metavar="TEXT", help="Text drawn in the lower corner of every image.")] = None,
            max_size: Annotated[int, typer.Option(
                metavar="PX", help="Longest side of the images, in pixels.")] = 2048,
            yes: Yes = False, json_: Json = False) -> None:
    """An exhibition or press set: images with every metadata field removed, blurred.

    Each image is re-encoded from its pixels alone (no EXIF, XMP, IPTC, ICC profile, comment
    or thumbnail: the camera's serial number or the file's history could name the
    photographer), faces and marked regions blurred beyond recovery, with captions in Arabic
    and English. Files get random names; mapping.json gives each a random exhibit id that only
    this archive resolves (`caesar export resolve ID`). Photos marked restricted are never
    included. No provenance manifest (C2PA) is embedded: it would itself point to the archive.
    """
    from caesar.exports.views import ExhibitOptions

    wanted = {w.strip() for w in blur.split(",") if w.strip()}
    if not wanted <= {"faces", "regions", "none"} or ("none" in wanted and len(wanted) > 1):
        raise UsageError(f"--blur {blur}: give faces, regions, faces,regions or none.")
    langs = [w.strip() for w in caption_lang.split(",") if w.strip() and w.strip() != "none"]
    if not set(langs) <= {"ar", "en"}:
        raise UsageError(f"--caption-lang {caption_lang}: give ar, en, ar,en or none.")
    options = _options(ExhibitOptions, blur_faces="faces" in wanted,
                       blur_regions="regions" in wanted, grayscale=grayscale,
                       watermark=watermark, max_size=max_size, caption_langs=tuple(langs))
    with archive_for(ctx) as (archive, actor):
        exports = archive.exports
        exports.check_out(out)
        plan = exports.plan_exhibit(_selection(case, photos, transfer), options)
        _confirm(plan, out, yes)
        result = exports.exhibit(plan, out, actor, options)
    _done(result, json_, f"{result.counts['images']} images")


@app.command()
def data(ctx: typer.Context, out: Out, format_: Annotated[str, typer.Option(
        "--format", metavar="FORMAT", help="csv (one table per file), json, or ftm"
        " (FollowTheMoney entities, one per line, for Aleph and OpenSanctions tools).")],
         yes: Yes = False, json_: Json = False) -> None:
    """Cases, reports, identifications and statistics as data for partners: CSV, JSON or
    FollowTheMoney entities.

    cases.csv/json holds one row per case (numbers, hospital, date, sex, apparent age, marks,
    findings, status); reports.csv/json the families' reports whose every reporter agreed to
    share them with partners (the missing person only: no reporter, contact or note);
    matches.csv/json the identifications two reviewers confirmed among those reports; and
    statistics.csv/json the counts of `export stats`. ftm writes a Person per case and per
    shared report, each security branch as a PublicBody and each hospital as an
    Organization, linked. No photo, photo hash, analyst's note or staff name leaves.
    """
    from caesar.exports.views import DataOptions

    if format_ not in ("csv", "json", "ftm"):
        raise UsageError(f"--format {format_}: give csv, json or ftm.")
    options = DataOptions(format=cast("DataFormat", format_))
    with archive_for(ctx) as (archive, actor):
        exports = archive.exports
        exports.check_out(out)
        plan = exports.plan_data(options)
        _confirm(plan, out, yes)
        result = exports.data(plan, out, actor, options)
    _done(result, json_, f"the {format_} export")


@app.command()
def resolve(ctx: typer.Context, exhibit_id: Annotated[str, typer.Argument(
        metavar="EXHIBIT_ID", help="An exhibit id from a mapping.json, such as EX-3F9A6C0E5B.")],
            json_: Json = False) -> None:
    """Which original an exhibit id stands for (archive staff only; the look-up is logged)."""
    with archive_for(ctx) as (archive, actor):
        found = archive.exports.resolve(exhibit_id, actor)
    if json_:
        emit_json(found)
        return
    err.print(f"{found.exhibit_id} ({found.file}) shows the original {found.sha256}"
              + (f" of case {found.case}" if found.case is not None else "")
              + f"; exported on {found.exported_at:%Y-%m-%d} (export {found.export}).")


@app.command("stats")
def stats_(ctx: typer.Context, out: Out, yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="Accepted for symmetry with the other exports: statistics hold only"
        " counts, so this export does not ask.")] = False, json_: Json = False) -> None:
    """Counts of cases by branch, hospital, month, sex, apparent age and finding.

    Writes by_FACET.csv (value, cases, share, and the `caesar cases list` query that lists
    those cases), charts/ (PNG and SVG, titled in English and Arabic) and summary.html, a
    self-contained page whose every number links to its query. Only counts leave the archive:
    no names, case numbers or photos. The export is recorded in the custody log.
    """
    with archive_for(ctx) as (archive, actor):
        made = archive.export_stats(out, actor)
    if json_:
        emit_json({"out": str(out), "files": [str(p.relative_to(out)) for p in made]})
        return
    err.print(f"Wrote {len(made)} files into {out}; open {out / 'summary.html'}.")
