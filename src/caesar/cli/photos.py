"""`caesar photos list|show`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from caesar.cli.context import state
from caesar.cli.output import emit_json, out

app = typer.Typer(help="The originals the archive holds.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List every original: SHA-256, type, size, camera, flags."""
    archive = state(ctx).open()
    photos = archive.queries.photos()
    archive.close()
    if json_:
        emit_json(photos)
        return
    table = Table("sha256", "type", "size", "camera", "captured", "flags")
    for p in photos:
        camera = " ".join(filter(None, [p.camera.make, p.camera.model])) or "-"
        table.add_row(p.sha256[:16] + "…", p.media_type, f"{p.size:,}", camera,
                      p.captured_at or "-", ", ".join(p.flags) or "-")
    out.print(table)
    out.print(f"{len(photos)} originals")


@app.command()
def show(ctx: typer.Context, sha256: Annotated[str, typer.Argument(help="The original's"
                                                                    " SHA-256.")],
         json_: JsonOption = False) -> None:
    """Show one original: metadata, flags and every sighting."""
    archive = state(ctx).open()
    photo = archive.queries.photo(sha256)
    archive.close()
    if json_:
        emit_json(photo)
        return
    data = photo.model_dump(exclude={"exif"})
    for key, value in data.items():
        out.print(f"{key:>12}: {value}", markup=False)
