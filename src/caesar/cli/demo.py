"""`caesar demo`: the synthetic archive, end to end; `caesar demo generate`: just the files."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caesar.cli.context import state
from caesar.cli.output import err, out, progress_bar
from caesar.progress import from_counts
from caesar.vault.keys import KdfCost

# The generator (numpy, Pillow, the glyphs it draws) and the tour are imported by the commands
# that use them: registering commands must stay cheap (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.demo.tour import TourResult

app = typer.Typer(help="A synthetic archive, end to end (no real imagery, ever).",
                  invoke_without_command=True)

Cases = Annotated[int, typer.Option(min=1, help="How many synthetic cases (bodies) to make.")]
Seed = Annotated[int, typer.Option(help="Same seed, same collection.")]
Megapixels = Annotated[float, typer.Option(help="Size of each photo (1, 2 or 12 are typical).")]


@app.callback()
def demo(
    ctx: typer.Context,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="End after printing the summary"
                                           " instead of serving the web app.")] = False,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port the web app listens on"
                                      " (on 127.0.0.1).")] = 8000,
    cases: Cases = 60,
    seed: Seed = 0,
    megapixels: Megapixels = 1.0,
    kdf_cost: Annotated[KdfCost, typer.Option(help="Passphrase hardening of the demo archive.")
                        ] = KdfCost.normal,
) -> None:
    """Build a demo archive from a synthetic collection and run every capability on it.

    Uses --archive / $CAESAR_ARCHIVE and $CAESAR_PASSPHRASE when given; otherwise makes
    ./caesar-demo with a new passphrase, printed at the end. An earlier demo archive there is
    replaced; any other archive or folder is left alone.
    """
    if ctx.invoked_subcommand is not None:
        return
    from caesar.demo.tour import DEFAULT_DEMO, TourResult, prepare_archive, run_tour

    cli = state(ctx)
    path = cli.archive if cli.archive_given else Path(DEFAULT_DEMO).absolute()
    archive, made_up = prepare_archive(path, os.environ.get("CAESAR_PASSPHRASE"), kdf_cost)
    result = TourResult(archive=path, passphrase=made_up)
    with archive:
        run_tour(archive, result, cases=cases, seed=seed, megapixels=megapixels,
                 say=err.print, progress=progress_bar)
    _summary(result)
    if not no_serve:
        _serve(path, made_up or os.environ.get("CAESAR_PASSPHRASE", ""), port, result)


def _serve(path: Path, passphrase: str, port: int, r: TourResult) -> None:
    """Serve the demo archive on loopback until Ctrl-C, with its demo sign-in printed."""
    from caesar.core import Archive
    from caesar.web.server import serve  # FastAPI and uvicorn: only for serving

    first = r.logins[0]

    def started(url: str) -> None:
        out.print(f"\nThe web app is at {url} (Ctrl-C stops it). Sign in as"
                  f" {first.user.name} with the password {first.password}.")

    with Archive.open(path, passphrase) as archive:
        serve(archive, host="127.0.0.1", port=port, started=started)


def _command() -> str:
    """How to type this command again: `caesar` when it is on the PATH, else the path it was
    run by (`./setup.sh demo` runs .venv/bin/caesar, which a new user's shell does not know)."""
    ran = Path(sys.argv[0])
    on_path = shutil.which("caesar")
    if ran.name != "caesar" or (on_path and Path(on_path).resolve() == ran.resolve()):
        return "caesar"
    return shlex.quote(os.path.relpath(ran) if not ran.is_absolute() else str(ran))


def _summary(r: TourResult) -> None:
    from caesar.demo import doctored
    from caesar.demo.tour import DEMO_INVESTIGATOR, DEMO_LIAISON, DEMO_REVIEWERS

    flagged = ", ".join(f"{n} {kind}" for kind, n in r.flagged.most_common()) or "none"
    lines = [
        "",
        f"The demo archive is at {r.archive}.",
        f"  A synthetic collection of {r.cases} cases: {r.files_generated} files"
        f" ({r.videos} of them video, {len(r.documents)} release papers as PDFs, typed and"
        f" scanned) on {len(r.transfers)} drives, and"
        f" {r.reports_generated} families' reports.",
        f"  {len(r.transfers)} transfers received: {r.originals} originals stored, encrypted;"
        f" {r.duplicates} files were copies already held (kept once, every sighting recorded).",
        f"  Preserved but flagged: {flagged}. Skipped: {r.skipped}.",
        f"  Verify: {r.verified_ok} of {r.verified} originals intact"
        + (f", {r.damaged} damaged or missing." if r.damaged else "."),
        f"  Cases: {r.cases_found} found for {r.cases} bodies, {r.cases_numbers_right} with all"
        f" three numbers read right; {r.copies_linked} re-encoded copies linked to their"
        f" original; {r.numbers_to_check} cases with a number for a person to check.",
        f"  Families' reports: {r.reports_imported} imported ({r.reports_of_cases} of people"
        f" in the collection, the others not); cases ranked for {r.reports_ranked}; the true"
        f" case ranked first for {r.true_case_first} and in the first ten for"
        f" {r.true_case_top10} of {r.reports_of_cases}; {r.duplicate_pairs} possible duplicate"
        " report(s).",
    ]
    if r.examination:
        lines.append(doctored.summary(r.examination))
    if r.exported:
        case, where, files = r.exported
        lines.append(f"  Exports of case {case} in {where}: an evidence package for a court"
                     f" (evidence/, {files} files: a BagIt bag with the originals, custody"
                     " proofs and verification-report.pdf) and an exhibition set (exhibit/:"
                     " metadata stripped, faces blurred, captions in Arabic and English)"
                     + (", and the release papers' evidence package (evidence-documents/)."
                        if r.documents else "."))
    if r.passphrase:
        lines.append(f"  Its passphrase (made up for this demo): {r.passphrase}")
    env = "" if not r.passphrase else f"CAESAR_PASSPHRASE='{r.passphrase}' "
    report, case = r.example or (1, 1)
    command = _command()
    lines += ["", "Try:"] + [f"  {env}{command} --archive {r.archive} {c}" for c in (
        "cases list", "cases queue", "photos list", "transfers list", "verify",
        "missing list", "missing duplicates", "documents list", "documents search 'release'",
        f"match --report {report}",
        f"--as {DEMO_REVIEWERS[0]} review shortlist {report} {case}",
        f"--as {DEMO_REVIEWERS[1]} review confirm {report} {case}",
        f"--as {DEMO_LIAISON} disclosure start {report} {case} --present 'the mother'"
        f" --present {DEMO_LIAISON}",
        "serve")]
    lines += ["", "Demo accounts of the web app (synthetic; passwords made up for this demo):"]
    for login in r.logins:
        code = f", one-time codes from the secret {login.totp_secret}" if login.totp_secret \
            else ""
        lines.append(f"  {login.user.name} ({login.user.role.value}): password"
                     f" {login.password}{code}")
    first, second = DEMO_REVIEWERS
    lines += [
        "", "In the browser, one person after another (each in a private window of their own):",
        f"  1. {DEMO_LIAISON}: Families' reports, report {report}, \"Cases that may be this"
        f" person\": case {case} first, each piece of evidence with its weight and reason"
        " (or File a family's report, in Arabic).",
        f"  2. {first}: open case {case} there (/reports/{report}/matches/{case}) and shortlist"
        " it; trying to confirm it too is refused.",
        f"  3. {second}: Matches (the review queue), that match, confirm it.",
        f"  4. {DEMO_LIAISON}: on the confirmed match, begin a disclosure session; record the"
        " family's answer to each step; show them what they agreed to see.",
        f"  5. {DEMO_INVESTIGATOR}: Exports, Ask for an export of case {case}; demo-admin"
        f" approves it; {DEMO_INVESTIGATOR} downloads it.",
        "  A one-time code from an account's secret:"
        f" {sys.executable} -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\""]
    out.print("\n".join(lines))


@app.command()
def generate(
    out_dir: Annotated[Path, typer.Argument(metavar="OUT", help="A new or empty folder.")],
    cases: Cases = 60,
    seed: Seed = 0,
    megapixels: Megapixels = 1.0,
    drives: Annotated[int, typer.Option(min=1, help="How many hand-overs (drives).")] = 2,
    held_out: Annotated[bool, typer.Option(
        "--held-out", help="Write the numbers on materials, in layouts, labels, faces and"
        " hands that the default collection never uses (caesar.demo.variety.HELD_OUT), and"
        " pace the photographers otherwise: material to measure a reader on that it was not"
        " built around.")] = False,
) -> None:
    """Write only the synthetic collection: drives, families' reports and truth.json."""
    from caesar.demo.generate import generate_collection

    with progress_bar("generating") as bar:
        truth = generate_collection(out_dir, cases=cases, seed=seed, megapixels=megapixels,
                                    drives=drives, progress=from_counts(bar), held_out=held_out)
    err.print(f"Wrote {len(truth.files)} files for {len(truth.cases)} cases on"
              f" {len(truth.drives)} drives, {len(truth.reports)} reports, and the ground"
              f" truth in {out_dir / 'truth.json'}.")

