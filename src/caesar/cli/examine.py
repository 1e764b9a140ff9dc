"""`caesar examine`: the authenticity examination of originals, cameras and transfers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, err, out, progress_bar
from caesar.errors import UsageError

# The services are imported by the commands that use them (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.forensics.findings import Examination
    from caesar.forensics.service import CameraReport, Comparison


def examine(ctx: typer.Context,
            sha256: Annotated[list[str] | None, typer.Argument(
                metavar="[SHA256]...", help="The originals to examine.",
                show_default=False)] = None,
            transfer: Annotated[int | None, typer.Option(
                "--transfer", metavar="ID", help="Every original a transfer brought.")] = None,
            camera: Annotated[str | None, typer.Option(
                "--camera", metavar="SERIAL", help="Every original of one camera: its body"
                " serial, else its make and model.")] = None,
            all_: Annotated[bool, typer.Option("--all", help="Every original.")] = False,
            cameras: Annotated[bool, typer.Option(
                "--cameras", help="Each camera's fingerprint instead: its tables, sizes,"
                " numbering gaps, photos out of order, clock, and which transfer brought"
                " which numbers.")] = False,
            compare: Annotated[Path | None, typer.Option(
                "--compare", metavar="FILE", help="A photo from outside (never stored):"
                " the nearest originals and how it differs from each.", exists=True,
                dir_okay=False, readable=True)] = None,
            json_: Annotated[bool, typer.Option("--json", help="Print one JSON document.")
                             ] = False) -> None:
    """Examine originals: what their structure, metadata and compression show, each finding
    with its evidence and a strength (consistent, unusual, inconsistent), never a verdict.

    Each original is weighed against its camera's fingerprint, learned from the collection
    (tables, sizes, EXIF layout, numbering and times). Findings are stored in the encrypted
    catalogue with the method's version and each examination is logged. --json prints
    [{"sha256", "media_type", "method_version", "strongest", "findings": [{"signal",
    "strength", "evidence", ...}]}]; with --cameras a list of cameras; with --compare
    {"sha256", "pdq", "nearest": [{"sha256", "difference"}]}. docs/examination.md explains
    every signal and its measured error rates.
    """
    from caesar.forensics.service import CameraReport, Choice, Comparison  # numpy, OpenCV

    chosen = sum([bool(sha256), transfer is not None, camera is not None, all_, cameras,
                  compare is not None])
    if chosen != 1:
        raise UsageError("Give exactly one of: SHA256..., --transfer ID, --camera SERIAL,"
                         " --all, --cameras or --compare FILE.",
                         hint="Example: caesar examine --all")
    with archive_for(ctx) as (archive, actor):
        service = archive.examination
        if compare is not None:
            result: list[Examination] | list[CameraReport] | Comparison = service.compare(
                compare.read_bytes(), actor, name=str(compare))
        elif cameras:
            result = service.cameras()
        else:
            with progress_bar("reading originals") as bar:
                result = service.examine(Choice(tuple(sha256 or ()), transfer, camera, all_),
                                         actor, bar)
    if json_:
        emit_json(result)
        return
    if isinstance(result, Comparison):
        _print_comparison(result)
    elif result and isinstance(result[0], CameraReport):
        for report in result:
            _print_camera(report)
    else:
        for exam in result:
            _print_examination(exam)  # type: ignore[arg-type]
        _summary(result)  # type: ignore[arg-type]


def _print_examination(exam: Examination) -> None:
    out.print(f"{exam.sha256}  {exam.strongest}  ({exam.camera or 'no camera'})")
    for f in exam.findings:
        if f.strength != "consistent":
            out.print(f"  {f.strength:>12}  {f.signal}: {f.summary}")
    for why in exam.not_examined:
        out.print(f"  {'not examined':>12}  {why}")


def _summary(results: list[Examination]) -> None:
    counts = {k: sum(1 for r in results if r.strongest == k)
              for k in ("consistent", "unusual", "inconsistent", "not_examined")}
    err.print(f"Examined {len(results)} originals: " + ", ".join(
        f"{n} {k.replace('_', ' ')}" for k, n in counts.items()) + ".")


def _print_camera(report: CameraReport) -> None:
    out.print(f"{report.camera}: {report.photos} photos; frames {report.numbers[0]} to"
              f" {report.numbers[1]}; {len(report.gaps)} gaps; {len(report.out_of_order)} out"
              f" of order; {len(report.departing)} with other tables")


def _print_comparison(result: Comparison) -> None:
    if not result.nearest:
        out.print("No original of the archive is near this photo.")
    for near in result.nearest:
        out.print(f"{near.sha256}  {near.difference.distance} bits apart:"
                  f" {'; '.join(near.difference.words)}")
