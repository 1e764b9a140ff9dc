"""`caesar photos list|show`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, out
from caesar.cli.paging import LimitOption, OffsetOption
from caesar.errors import UsageError

app = typer.Typer(help="The originals the archive holds.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


_WAITING = "not analysed yet"


@app.command("list")
def list_(ctx: typer.Context, limit: LimitOption = None, offset: OffsetOption = 0,
          json_: JsonOption = False) -> None:
    """List every original, in order of arrival: SHA-256, type, size, camera, flags.

    An original secured but not analysed yet (`ingest --analyse later`) shows "not analysed
    yet" among its flags, and "analysed": false in JSON; `caesar analyse` finishes it.
    """
    with archive_for(ctx) as (archive, _):
        photos = archive.queries.photos(offset, limit)
    if json_:
        emit_json(photos)
        return
    table = Table("sha256", "type", "size", "camera", "captured", "flags")
    for p in photos:
        camera = " ".join(filter(None, [p.camera.make, p.camera.model])) or "-"
        table.add_row(p.sha256[:16] + "…", p.media_type, f"{p.size:,}", camera,
                      p.captured_at or "-",
                      ", ".join([*p.flags, *([] if p.analysed else [_WAITING])]) or "-")
    out.print(table)
    waiting = sum(not p.analysed for p in photos)
    out.print(f"{len(photos)} originals" + (f", {waiting} not analysed yet (run `caesar"
                                            " analyse`)" if waiting else ""))


@app.command()
def show(ctx: typer.Context, sha256: Annotated[str, typer.Argument(help="The original's"
                                                                    " SHA-256.")],
         json_: JsonOption = False) -> None:
    """Show one original: metadata, flags and every sighting."""
    with archive_for(ctx) as (archive, _):
        photo = archive.queries.photo(sha256)
    if json_:
        emit_json(photo)
        return
    data = photo.model_dump(exclude={"exif"})
    for key, value in data.items():
        out.print(f"{key:>12}: {value}")


@app.command()
def mark(ctx: typer.Context, sha256: Annotated[str, typer.Argument(help="The original's"
                                                                    " SHA-256.")],
         region: Annotated[list[str] | None, typer.Option(
             metavar="X,Y,W,H", show_default=False,
             help="A region to blur in every public image of this photo, in pixels of the"
             " photo as displayed, from its top left corner (repeat for several).")] = None,
         restricted: Annotated[bool | None, typer.Option(
             "--restricted/--unrestricted", show_default=False,
             help="Never show this photo in an exhibition set (or allow it again).")] = None,
         clear_regions: Annotated[bool, typer.Option(
             help="Forget the regions marked before (then add any given).")] = False,
         json_: JsonOption = False) -> None:
    """Mark what the public must never see of a photo: regions to blur, or all of it.

    Regions (a wound, a tattoo, a card with a name) are blurred beyond recovery in every
    exhibition set, on top of the faces found automatically. A restricted photo is never in
    an exhibition set; evidence packages for courts still hold it. Every mark is logged.
    """
    from caesar.exports.marks import parse_region

    if not region and restricted is None and not clear_regions:
        raise UsageError("Give --region X,Y,W,H, --restricted, --unrestricted or"
                         " --clear-regions.")
    with archive_for(ctx) as (archive, actor):
        marked = archive.exports.mark(sha256, actor,
                                      regions=[parse_region(r) for r in region or []],
                                      restricted=restricted, clear_regions=clear_regions)
    if json_:
        emit_json(marked)
        return
    out.print(f"{marked.sha256}: {len(marked.regions)} regions to blur;"
              f" {'restricted' if marked.restricted else 'not restricted'}.")
