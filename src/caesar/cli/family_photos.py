"""`caesar missing photos`: photos of the missing person in life that the family gives (a
portrait, a wedding photo, a photo that shows a tattoo), for people to compare with a case."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, err, out
from caesar.exports.folder import prepare, staged
from caesar.identify.vocabulary import MAX_BYTES, MAX_CAPTION

# The services are imported by the commands that use them (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.identify.views import FamilyPhotoView

app = typer.Typer(help="Photos of the missing person in life, given by the family: kept"
                  " encrypted exactly as given, shown and exported only as clean copies (no"
                  " EXIF, no GPS position), each copy recorded in the custody log. They are"
                  " never evidence originals and never leave for partners.",
                  no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
ReportId = Annotated[int, typer.Argument(metavar="REPORT", help="The report's id.")]


@app.command()
def add(ctx: typer.Context, report_id: ReportId,
        files: Annotated[list[Path], typer.Argument(
            metavar="FILE...", show_default=False,
            help=f"Photo files: JPEG, PNG, WebP, GIF, TIFF, BMP, HEIC or AVIF, at most"
            f" {MAX_BYTES // 1_000_000} MB each.")],
        caption: Annotated[str | None, typer.Option(
            help=f"Who is in the photos, when and where (at most {MAX_CAPTION} characters;"
            " kept encrypted). It applies to every FILE given.", show_default=False)] = None,
        json_: JsonOption = False) -> None:
    """Add the family's photos of the person to a report; every file gets one outcome.

    JPEG, PNG, WebP, GIF, TIFF, BMP and the phones' HEIC and AVIF are read. A file that is a
    whole still image is kept bit for bit, encrypted (`added`); one the report already holds
    is `already_held`. Any other file is refused, with nothing of it kept, and named with why:
    `empty`, `too_large`, `not_image`, `unsupported` (an image format that no phone or camera
    writes, such as Photoshop's: give a JPEG), `truncated`, `corrupt`, `decompression_bomb`,
    `unreadable`. Exit 1 when any file was refused (the others are added all the same).
    --json prints {"report", "files": [{"file", "outcome", "photo", "problem"}]}.
    """
    from caesar.identify.photos import read_upload

    with archive_for(ctx) as (archive, actor):
        uploads = [read_upload(path) for path in files]
        added = archive.identify.add_photos(report_id, uploads, actor,
                                            caption=caption)
    if json_:
        emit_json(added)
    else:
        for f in added.files:
            if f.outcome == "added":
                line = f"{f.file}: added as photo {f.photo}"
            elif f.outcome == "already_held":
                line = f"{f.file}: already held as photo {f.photo}"
            else:
                line = f"{f.file}: refused ({f.outcome}): {f.problem}"
            err.print(line)
    if added.refused:
        raise typer.Exit(1)


@app.command("list")
def list_(ctx: typer.Context, report_id: ReportId, json_: JsonOption = False) -> None:
    """List a report's photos (held and withdrawn): size, who added them, when, the caption
    (the view is logged). --json prints [{"id", "report", "sha256", "media_type", "size",
    "width", "height", "caption", "status", "added_by", "added_at", ...}]."""
    with archive_for(ctx) as (archive, actor):
        found = archive.identify.photos(report_id, actor)
    if json_:
        emit_json(found)
        return
    table = Table("photo", "status", "type", "pixels", "added", "caption")
    for p in found:
        table.add_row(str(p.id), p.status, p.media_type, f"{p.width}×{p.height}",
                      f"{p.added_at:%Y-%m-%d} by {p.added_by}", _caption(p))
    out.print(table)


@app.command()
def export(ctx: typer.Context, report_id: ReportId,
           out_dir: Annotated[Path, typer.Option(
               "--out", metavar="DIR", show_default=False,
               help="A new or empty folder outside the archive (delete it once it served).")],
           json_: JsonOption = False) -> None:
    """Write clean copies of a report's held photos (photo-ID.jpg: re-encoded, at most 1600
    px, no EXIF, XMP, GPS or any other metadata), each copy logged, for a family liaison to
    show. --json prints {"report", "out", "files"}."""
    with archive_for(ctx) as (archive, actor):
        prepare(out_dir, archive=archive.path)  # refuse a bad folder before the copies are logged
        copies = archive.identify.export_photos(report_id, actor)
    with staged(out_dir, archive=archive.path) as stage:
        for name, data in copies:
            (stage / name).write_bytes(data)
    files = [name for name, _ in copies]
    if json_:
        emit_json({"report": report_id, "out": str(out_dir), "files": files})
        return
    err.print(f"Wrote {', '.join(files)} into {out_dir}.")


@app.command()
def withdraw(ctx: typer.Context, report_id: ReportId,
             photo_id: Annotated[int, typer.Argument(metavar="PHOTO",
                                                     help="The photo's id (missing photos"
                                                     " list).")],
             reason: Annotated[str, typer.Option(help="Why, such as the family's request"
                                                 " (kept encrypted).", show_default=False)],
             json_: JsonOption = False) -> None:
    """Withdraw a photo the family takes back: it can no longer be shown or exported, its
    encrypted file is deleted (unless another report holds the very same photo), and it
    stays on record (who added and withdrew it, when, why). Logged."""
    with archive_for(ctx) as (archive, actor):
        photo = archive.identify.withdraw_photo(report_id, photo_id, actor,
                                                reason=reason)
    if json_:
        emit_json(photo)
        return
    err.print(f"Photo {photo.id} of report {report_id} withdrawn; it can no longer be shown.")


def print_photos(photos: list[FamilyPhotoView]) -> None:
    """The lines `missing show` prints for a report's photos."""
    for p in photos:
        state_ = "withdrawn" if p.status == "withdrawn" else f"{p.width}×{p.height}"
        out.print(f"{'photo':>18}: {p.id} ({state_}, added {p.added_at:%Y-%m-%d} by"
                  f" {p.added_by}){': ' + p.caption if p.caption else ''}")


def _caption(photo: FamilyPhotoView) -> str:
    if photo.status == "withdrawn":
        return f"withdrawn {photo.withdrawn_at:%Y-%m-%d} by {photo.withdrawn_by}"
    return photo.caption or "-"
