"""`caesar ingest`."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Annotated

import typer

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, err, progress_bar, visible

# The services are imported by the commands that use them (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.intake.report import IngestReport


def ingest(
    ctx: typer.Context,
    sources: Annotated[list[str], typer.Argument(
        metavar="SOURCE", help="Folders, mounted drives, single files, sealed bundles (a"
        " drive or folder holding them, or one part) or BagIt bags to bring in.",
        show_default=False)],
    operator: Annotated[str | None, typer.Option(help="Who handed the material over (stored"
                                                 " encrypted; the custody log shows only a"
                                                 " pseudonym).")] = None,
    label: Annotated[str | None, typer.Option(help="A label for the hand-over, e.g."
                                              " 'drive of 2013-08-02'.")] = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 if any file is flagged or skipped.")
                      ] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Bring folders, drives, files, sealed bundles or BagIt bags into the archive.

    Every regular file is preserved bit for bit, once, however often it arrives; damaged files
    are kept and flagged. Each original's media type comes from its content. Still images
    (JPEG, PNG, GIF, TIFF, BMP, WebP, and the phones' HEIC/HEIF and AVIF) are read for their
    camera, serial, capture time, size and perceptual hash. Videos (MP4, MOV, MKV, WebM,
    through FFmpeg) are read for their length, codecs, size, frame rate, device, capture time
    and place; a strip of four frames is their thumbnail, a frame a second is hashed (vPDQ) so
    that re-encoded copies are linked, and a video cut short or undecodable is flagged
    truncated or corrupt. Text, PDF, office documents and audio are kept with their media type
    and no flag; content of no known type, and a file
    named as an image that is not one, are flagged not_image. A bag's own tag files are kept,
    listed on its transfer (tag_files) and never flagged. Symlinks are never followed. Each
    SOURCE becomes one transfer (one holding sealed bundles: one per bundle, and one for its
    other files). Sealed bundles are opened with the archive's key and checked against their
    manifest before anything comes in; one that cannot be opened is kept as it is (flagged
    bundle_damaged) and the command exits 1. A bag is validated: files that do not match its
    manifests are flagged checksum_mismatch, and an invalid bag is still preserved, with every
    reason reported (exit 1). If a run is interrupted, run the same command again: it finishes
    the job.
    """
    from caesar.intake.service import IngestRequest

    with archive_for(ctx) as (archive, actor):
        request = IngestRequest(sources=sources, actor=actor, operator=operator,
                                label=label)
        with progress_bar("ingesting") as progress:
            report = archive.ingest(request, progress)
    if json_:
        emit_json(report)
    else:
        _summary(report)
    if report.problems or (strict and report.needs_attention):
        raise typer.Exit(1)


def _summary(report: IngestReport) -> None:
    err.print(f"{report.files_seen} entries seen: {report.stored} stored, {report.duplicates}"
              f" already in the archive, {len(report.skipped)} skipped.")
    if report.flagged:
        kinds = Counter(f.kind for f in report.flagged)
        err.print(f"{len(report.flagged)} preserved but flagged ("
                  + ", ".join(f"{n} {k}" for k, n in kinds.most_common()) + "):")
        for f in report.flagged:
            err.print(f"  {visible(f.source)}: {visible(f.path)}: {f.kind}: {f.problem}")
    for s in report.skipped:
        err.print(f"  skipped {visible(s.source)}: {visible(s.path)}: {s.reason}")
    for p in report.problems:
        err.print(f"  problem with {visible(p.source)}: {p.kind}: {p.problem}")
    err.print(f"Transfers: {', '.join(map(str, report.transfers))}")


def register(app: typer.Typer) -> None:
    """Add this command to the root app."""
    app.command()(ingest)
