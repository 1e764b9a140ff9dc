"""`caesar disclosure`: telling a family about a confirmed match, one agreed step at a time:
a description in words, then a blurred grayscale image, then the face, then the photos."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, err, out
from caesar.errors import UsageError
from caesar.exports.folder import prepare, staged
from caesar.identify.vocabulary import OUTCOMES, STEPS

# The services are imported by the commands that use them (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.identify.views import DisclosureView

app = typer.Typer(help="Disclosure sessions: a family liaison tells a family about a confirmed"
                  f" match step by step ({' -> '.join(STEPS)}), each step only after the family"
                  " agreed to it. The software never contacts a family itself.",
                  no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
SessionId = Annotated[int, typer.Argument(metavar="SESSION", help="The session's id.")]
Present = Annotated[list[str] | None, typer.Option(
    "--present", metavar="NAME", show_default=False,
    help="Repeatable: each person present (family and staff); kept encrypted.")]


@app.command()
def start(ctx: typer.Context,
          report: Annotated[int, typer.Argument(metavar="REPORT", help="The report's id.")],
          case: Annotated[int, typer.Argument(metavar="CASE", help="The confirmed case.")],
          present: Present = None,
          family_asked: Annotated[bool, typer.Option(
              "--family-asked", help="The family came and asked, although they had said they"
              " did not want to be told of a possible match.")] = False,
          json_: JsonOption = False) -> None:
    """Open a session with a family for a confirmed match (two reviewers agreed)."""
    with archive_for(ctx) as (archive, actor):
        found = archive.identify.start_disclosure(report, case, actor,
                                                  present=present or [],
                                                  family_asked=family_asked)
    _print(found, json_)


@app.command()
def step(ctx: typer.Context, session_id: SessionId,
         name: Annotated[str, typer.Argument(metavar="STEP", help=f"The next step: one of"
                                             f" {', '.join(STEPS)}, in that order.")],
         consent: Annotated[bool | None, typer.Option(
             "--consent/--declined", show_default=False,
             help="Whether the family agreed to this step (required).")] = None,
         present: Present = None,
         note: Annotated[str | None, typer.Option(help="A note (kept encrypted).")] = None,
         json_: JsonOption = False) -> None:
    """Record the family's answer about the next step; only an agreed step can be shown."""
    if consent is None:
        raise UsageError("Say whether the family agreed: --consent or --declined.")
    with archive_for(ctx) as (archive, actor):
        found = archive.identify.disclosure_step(session_id, name, consent, actor,
                                                 present=present or [], note=note)
    _print(found, json_)


@app.command()
def material(ctx: typer.Context, session_id: SessionId,
             out_dir: Annotated[Path, typer.Option(
                 "--out", metavar="DIR", show_default=False,
                 help="A new or empty folder to write into (delete it after the session).")],
             json_: JsonOption = False) -> None:
    """Write what the family agreed to see at their current step, and nothing beyond it:
    description.txt, then blurred.jpg, then face.jpg, then every photo (no metadata)."""
    with archive_for(ctx) as (archive, actor):
        prepare(out_dir, archive=archive.path)  # refuse a bad folder before the showing is logged
        shown = archive.identify.disclosure_material(session_id, actor)
    with staged(out_dir, archive=archive.path) as stage:
        (stage / "description.txt").write_text(shown.text, "utf-8")
        for name, data in shown.images:
            (stage / name).write_bytes(data)
    files = ["description.txt", *(n for n, _ in shown.images)]
    if json_:
        emit_json({"session": session_id, "step": shown.step, "out": str(out_dir),
                   "files": files})
        return
    err.print(f"Step {shown.step}: wrote {', '.join(files)} into {out_dir}. Delete the folder"
              " when the session ends.")


@app.command()
def end(ctx: typer.Context, session_id: SessionId,
        outcome: Annotated[str, typer.Option(help=f"One of: {', '.join(OUTCOMES)}.",
                                             show_default=False)],
        note: Annotated[str | None, typer.Option(help="A note (kept encrypted).")] = None,
        json_: JsonOption = False) -> None:
    """End a session with its outcome."""
    with archive_for(ctx) as (archive, actor):
        found = archive.identify.end_disclosure(session_id, outcome, actor,
                                                note=note)
    _print(found, json_)


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOption = False) -> None:
    """Every disclosure session (the list is recorded in the custody log)."""
    with archive_for(ctx) as (archive, actor):
        found = archive.identify.disclosures(actor)
    if json_:
        emit_json(found)
        return
    for s in found:
        out.print(f"session {s.id}: report {s.report}, case {s.case}, {s.status}, reached"
                  f" {s.reached or 'nothing yet'}{', ' + s.outcome if s.outcome else ''}"
                  f" ({s.liaison})")


@app.command()
def show(ctx: typer.Context, session_id: SessionId, json_: JsonOption = False) -> None:
    """One session: who was present, each step asked and the family's answer, the outcome
    (the view is recorded in the custody log)."""
    with archive_for(ctx) as (archive, actor):
        found = archive.identify.disclosure(session_id, actor)
    _print(found, json_)


def _print(s: DisclosureView, json_: bool) -> None:
    if json_:
        emit_json(s)
        return
    out.print(f"session {s.id}: report {s.report}, case {s.case} (match {s.match}), liaison"
              f" {s.liaison}, {s.status}")
    out.print(f"  present: {', '.join(s.present)}")
    for st in s.steps:
        answer = "agreed" if st.consent else "declined"
        extra = f"; present: {', '.join(st.present)}" if st.present else ""
        out.print(f"  {st.at:%Y-%m-%d %H:%M} {st.step}: {answer}{extra}"
                  f"{'; ' + st.note if st.note else ''}")
    if s.status == "open":
        out.print(f"  next: {s.next_step or 'every step was shown'}")
    else:
        out.print(f"  outcome: {s.outcome}")
