"""`caesar ingest`."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, err, progress_bar, visible

# The services are imported by the commands that use them (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.intake.analysis import AnalysisReport
    from caesar.intake.report import IngestReport


class When(StrEnum):
    """When `ingest` analyses what it secured."""

    now = "now"
    later = "later"


ComputeOption = Annotated[str | None, typer.Option(
    "--compute", envvar="CAESAR_COMPUTE", metavar="tcp://HOST:PORT", show_default=False,
    help="Analyse on the workers of this Dask scheduler (default: `cluster` in caesar.toml,"
    " else this machine's processes). Each worker gets the store's address, the originals'"
    " names and the two object keys (docs/deploy.md).")]


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
    analyse: Annotated[When, typer.Option(
        "--analyse", help="now: analyse what came in once every file is secured (the"
        " default); later: stop once it is secured and leave the analysis to `caesar"
        " analyse`.")] = When.now,
    compute: ComputeOption = None,
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Bring folders, drives, files, sealed bundles or BagIt bags into the archive.

    Every regular file is preserved bit for bit, once, however often it arrives; damaged files
    are kept and flagged. Each original's media type comes from its content. Still images (JPEG,
    PNG, GIF, TIFF, BMP, WebP, the phones' HEIC/HEIF and AVIF, and cameras' raw DNG, CR2, NEF
    and others through LibRaw) are read for their camera, serial, capture time, size and
    perceptual hash, and their content credentials (C2PA: signer, app, declared edits) are read
    and validated; credentials that fail are flagged c2pa_invalid. Videos (MP4, MOV, MKV, WebM,
    through FFmpeg) are read for their length, codecs, size, frame rate, device, capture time
    and place; a strip of four frames is their thumbnail, a frame a second is hashed (vPDQ) so
    that re-encoded copies are linked, and a video cut short or undecodable is flagged truncated
    or corrupt. Text, PDF, office documents and audio are kept with their media type and no
    flag; content of no known type, and a file named as an image that is not one, are flagged
    not_image. A bag's own tag files are kept, listed on its transfer (tag_files) and never
    flagged. Symlinks are never followed. Each SOURCE becomes one transfer (one holding sealed
    bundles: one per bundle, and one for its other files). Sealed bundles are opened with the
    archive's key and checked against their manifest before anything comes in; one that cannot
    be opened is kept as it is (flagged bundle_damaged) and the command exits 1. A bag is
    validated: files that do not match its manifests are flagged checksum_mismatch, and an
    invalid bag is still preserved, with every reason reported (exit 1). If a run is
    interrupted, run the same command again: it finishes the job.

    Custody first, analysis second: every file is first secured (hashed, encrypted, durable,
    catalogued and logged) as fast as the drive is read, and a line says when the drive may
    be unplugged ("secured_at" in JSON). Then each new original is read back from the archive
    and analysed (decoded for its EXIF, perceptual hash, flags and thumbnail). With --analyse
    later the command ends once all is secured; `caesar analyse` does the rest, here or on a
    Dask cluster. Flags of the content (truncated, corrupt, not_image, decompression_bomb,
    empty) are known only after analysis, so with --analyse later --strict sees only what
    securing finds (`caesar analyse --strict` sees the rest). "analysed" counts the originals
    this command analysed, "not_analysed" those in the archive still waiting (0 unless
    --analyse later).
    """
    from caesar.compute import compute_for
    from caesar.intake.service import IngestRequest

    with archive_for(ctx) as (archive, actor):
        where = compute_for(compute, archive.settings.cluster, archive.settings.intake.workers)
        request = IngestRequest(sources=sources, actor=actor, operator=operator,
                                label=label, analyse=analyse is When.now, compute=where)
        with progress_bar("securing", stages={"secured": "analysing"},
                          told=_secured) as progress:
            report = archive.ingest(request, progress)
    if json_:
        emit_json(report)
    else:
        _summary(report)
    if report.problems or (strict and report.needs_attention):
        raise typer.Exit(1)


def _secured(event: str, files: int, _bytes: int) -> str | None:
    if event == "not_secured":
        return (f"{files} entries were skipped and are not in the archive (listed at the"
                " end, each with its reason): keep the drive if any of them must come in.")
    if event != "secured":
        return None
    return (f"Secured: {files} files are hashed, encrypted, durable, catalogued and logged."
            " The drive may be unplugged now.")


def analyse(
    ctx: typer.Context,
    compute: ComputeOption = None,
    strict: Annotated[bool, typer.Option(
        help="Exit 1 if anything is flagged or an original could not be analysed.")] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Analyse every original that is secured but not analysed yet: after `ingest --analyse
    later`, or an ingest cut short. Each is read back from the archive (decrypted) and decoded
    for its media type, size, camera, capture time, EXIF, perceptual hash, flags and
    thumbnail; what the content shows is flagged on every copy of it and logged. Safe to run
    again after a crash: what was analysed is never analysed twice.

    With --json: {"analysed": N, "remaining": N, "flagged": [{"sha256", "transfer", "path",
    "kind", "problem"}], "problems": [{"sha256", "problem"}]}; "remaining" counts originals
    still not analysed (one that cannot be read from the store is listed in "problems": run
    `caesar verify` and `caesar repair`).
    """
    from caesar.compute import compute_for

    with archive_for(ctx) as (archive, actor):
        where = compute_for(compute, archive.settings.cluster, archive.settings.intake.workers)
        with progress_bar("analysing") as progress:
            report = archive.analyse(actor=actor, compute=where, progress=progress)
    if json_:
        emit_json(report)
    else:
        _analysed(report)
    if report.problems or (strict and report.needs_attention):
        raise typer.Exit(1)


def _analysed(report: AnalysisReport) -> None:
    err.print(f"{report.analysed} originals analysed; {report.remaining} not analysed yet.")
    for f in report.flagged:
        err.print(f"  transfer {f.transfer}: {visible(f.path)}: {f.kind}: {f.problem}")
    for p in report.problems:
        err.print(f"  {p.sha256}: {p.problem}")


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
    if report.not_analysed:
        err.print(f"{report.not_analysed} originals are secured but not analysed yet: run"
                  " `caesar analyse`.")
    err.print(f"Transfers: {', '.join(map(str, report.transfers))}")


def register(app: typer.Typer) -> None:
    """Add this command to the root app."""
    app.command()(ingest)
    app.command()(analyse)
