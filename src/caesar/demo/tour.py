"""`caesar demo`: a synthetic archive built end to end, every capability run on it.

Later capabilities (identification, exports) add their steps here.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from caesar.access.roles import Role
from caesar.access.views import NewCredentials
from caesar.core import Archive
from caesar.demo import doctored
from caesar.demo.generate import REPORTS_JSON, generate_collection
from caesar.demo.truth import Truth
from caesar.errors import ArchiveExists
from caesar.exports.views import EvidenceOptions, ExhibitOptions, Selection
from caesar.identify.reports import ReportFields, read_reports
from caesar.intake.service import IngestRequest
from caesar.progress import ProgressCallback, from_counts
from caesar.settings import SETTINGS_FILE, load_settings
from caesar.vault.keys import KdfCost

DEFAULT_DEMO = "caesar-demo"
DEMO_OPERATOR = "documenter"
DEMO_ANALYST = "demo-analyst"
DEMO_LIAISON = "demo-liaison"
DEMO_REVIEWERS = ("demo-reviewer-a", "demo-reviewer-b")  # one shortlists, the other confirms
DEMO_INVESTIGATOR = "demo-investigator"
_EXPORTS_MARK = ".caesar-demo-exports"
DEMO_USERS = (("demo-analyst", Role.analyst), ("demo-admin", Role.admin),
              (DEMO_LIAISON, Role.family_liaison), ("demo-viewer", Role.viewer),
              *((name, Role.reviewer) for name in DEMO_REVIEWERS),
              (DEMO_INVESTIGATOR, Role.investigator))
"""Synthetic accounts of the demo web app (the first is the one to sign in with): enough
people to walk a report to a confirmed match, a disclosure and an approved export."""

Say = Callable[[str], None]
ProgressFactory = Callable[[str], AbstractContextManager[ProgressCallback]]


@dataclass
class TourResult:
    """What the tour did, for the summary."""

    archive: Path
    passphrase: str | None  # set when the tour made one up (and must print it)
    cases: int = 0
    files_generated: int = 0
    videos: int = 0  # of the files generated, short videos
    documents: list[str] = field(default_factory=list)  # release papers (PDFs): SHA-256s
    reports_generated: int = 0
    transfers: list[int] = field(default_factory=list)
    originals: int = 0
    duplicates: int = 0
    flagged: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    verified_ok: int = 0
    verified: int = 0
    damaged: int = 0
    cases_found: int = 0
    cases_numbers_right: int = 0
    copies_linked: int = 0
    numbers_to_check: int = 0
    reports_imported: int = 0
    reports_of_cases: int = 0  # reports of people who are in the collection
    reports_ranked: int = 0  # reports with at least one case ranked
    true_case_first: int = 0
    true_case_top10: int = 0
    duplicate_pairs: int = 0
    example: tuple[int, int] | None = None  # a report and its true case, ranked first
    exported: tuple[int, Path, int] | None = None  # the case, where its exports are, files
    logins: list[NewCredentials] = field(default_factory=list)  # made-up passwords, printed
    examination: doctored.Found | None = None  # what `examine --all` found


def prepare_archive(path: Path, passphrase: str | None, kdf_cost: KdfCost) -> tuple[
        Archive, str | None]:
    """A new demo archive at `path`; an earlier demo archive there is replaced.

    Returns the archive and the passphrase if one was made up (None when it was given).
    """
    if path.exists() and any(path.iterdir()):
        if not (path / SETTINGS_FILE).is_file() or not load_settings(path).demo:
            raise ArchiveExists(
                f"{path} holds something that is not a demo archive; the demo leaves it alone.",
                hint="Give the demo another place with --archive PATH.")
        shutil.rmtree(path)
    made_up = None if passphrase else secrets.token_urlsafe(12)
    archive = Archive.create(path, passphrase or made_up or "", owner="demo",
                             kdf_cost=kdf_cost, demo=True)
    return archive, made_up


def run_tour(archive: Archive, result: TourResult, *, cases: int, seed: int,
             megapixels: float, say: Say, progress: ProgressFactory) -> TourResult:
    """Generate a collection, ingest each drive, verify; fill in `result`."""
    with tempfile.TemporaryDirectory(prefix="caesar-demo-collection-") as scratch:
        collection = Path(scratch) / "collection"
        say(f"Making a synthetic collection of {cases} cases (abstract shapes and numbered"
            " cards; no real imagery)...")
        with progress("generating") as bar:
            # Typeset cards: the tour shows the whole chain, families' reports included; how
            # the reader does on varied writing is measured by bench/cases.py (`caesar demo
            # generate` writes such collections, `--held-out` ones it was never built around).
            truth = generate_collection(collection, cases=cases, seed=seed,
                                        megapixels=megapixels, progress=from_counts(bar),
                                        varied_share=0.0, heic_cases=2, videos=1,
                                        documents=2)
        result.cases = len(truth.cases)
        result.files_generated = len(truth.files)
        result.videos = sum(1 for f in truth.files if f.role == "video")
        result.documents = [f.sha256 for f in truth.files if f.role == "document"]
        result.reports_generated = len(truth.reports)
        collection_reports = read_reports(collection / REPORTS_JSON)
        planted = doctored.plant(collection, truth, seed)
        for number, drive in enumerate(truth.drives, start=1):
            say(f"Ingesting {drive} as one transfer (handed over by '{DEMO_OPERATOR}')...")
            request = IngestRequest(sources=[str(collection / drive)], actor=archive.owner,
                                    operator=DEMO_OPERATOR, label=f"synthetic drive {number}")
            with progress("ingesting") as bar:
                report = archive.ingest(request, bar)
            result.transfers += report.transfers
            result.originals += report.stored
            result.duplicates += report.duplicates
            result.skipped += len(report.skipped)
            result.flagged.update(f.kind for f in report.flagged if f.source == request.sources[0])
    say("Grouping the photos into cases and reading the numbers on their cards...")
    with progress("reading numbers") as bar:
        built = archive.cases.build(archive.owner, progress=bar)
    result.cases_found, result.copies_linked = built.cases, built.copies
    result.numbers_to_check = built.needs_review
    true_numbers = {(t.detainee, t.branch, t.forensic) for t in truth.cases}
    result.cases_numbers_right = sum(
        1 for case in archive.cases.cases()
        if (case.numbers.detainee, case.numbers.branch, case.numbers.forensic) in true_numbers)
    _record_what_analysts_see(archive, truth, say)
    _identify(archive, truth, collection_reports, result, say)
    _export_examples(archive, result, say)
    say("Examining every original (structure, metadata, compression)...")
    result.examination = doctored.examine_all(archive, truth, planted)
    say("Verifying every original (decrypt and re-hash)...")
    with progress("verifying") as bar:
        verified = archive.verify(bar)
    result.verified, result.verified_ok = verified.checked, verified.ok
    result.damaged = len(verified.damaged) + len(verified.missing)
    say("Making the web app's demo accounts...")
    result.logins = [archive.access.accounts.add(name, role, actor=archive.owner)
                     for name, role in DEMO_USERS]
    return result


def exports_folder(archive: Path) -> Path:
    """Where the demo writes its example exports: beside the archive, never inside it."""
    return archive.with_name(archive.name + "-exports")


def _export_examples(archive: Archive, result: TourResult, say: Say) -> None:
    """An evidence package and an exhibition set of the example case, as a prosecutor and a
    curator would ask for them."""
    if result.example is None:
        return
    _, case = result.example
    where = exports_folder(archive.path)
    if where.exists():
        if not (where / _EXPORTS_MARK).is_file():
            say(f"{where} holds something else: the demo writes no example exports there.")
            return
        shutil.rmtree(where)  # an earlier demo's exports, of an archive that is gone
    where.mkdir(parents=True)
    (where / _EXPORTS_MARK).write_text("Exports of a demo archive (synthetic images only).\n")
    say(f"Exporting case {case}: an evidence package for a court and an exhibition set...")
    exports, chosen = archive.exports, Selection(cases=(case,))
    evidence = EvidenceOptions(requested_by="Demo prosecutor")
    made = exports.evidence(exports.plan_evidence(chosen, evidence), where / "evidence",
                            DEMO_INVESTIGATOR, evidence)
    shown = ExhibitOptions(watermark="Caesar Archive demo")
    exports.exhibit(exports.plan_exhibit(chosen, shown), where / "exhibit", DEMO_INVESTIGATOR,
                    shown)
    if result.documents:
        say("Exporting the release papers (PDFs) as an evidence package of their own...")
        papers = Selection(photos=tuple(result.documents))
        exports.evidence(exports.plan_evidence(papers, evidence), where / "evidence-documents",
                         DEMO_INVESTIGATOR, evidence)
    result.exported = (case, where, made.files)


def _true_cases(archive: Archive, truth: Truth) -> dict[int, int]:
    """Each built case's true case in the collection (the one most of its photos show)."""
    found = {}
    for case in archive.cases.cases():
        # The doctored copies the demo plants are not in the truth: they show no true case.
        votes = Counter(truth.by_sha256(sha).case if truth.knows(sha) else None
                        for sha in case.photos)
        true, _ = votes.most_common(1)[0]
        if true is not None:
            found[case.id] = true
    return found


def _record_what_analysts_see(archive: Archive, truth: Truth, say: Say) -> None:
    """Play the analyst: record sex, apparent age, height and marks on each case, each mark
    with what it shows and, for a tattoo, what it says (a name, a date, initials, words).

    An analyst reads these from the photos of a body; the synthetic photos show abstract
    shapes, so the demo takes them from the ground truth, as an analyst would have recorded.
    """
    say(f"Recording what an analyst sees on each body ('{DEMO_ANALYST}': sex, apparent age,"
        " height, marks with what they show and what tattoos say)...")
    for case_id, true_id in _true_cases(archive, truth).items():
        t = truth.case(true_id)
        fields = [("sex", t.sex), ("age_min", str(t.age_min)), ("age_max", str(t.age_max)),
                  ("marks", ";".join(m.code for m in t.marks))]
        if t.height_measured is not None:
            fields.append(("height_cm", str(t.height_measured)))
        archive.cases.edit(case_id, fields, DEMO_ANALYST)


def _identify(archive: Archive, truth: Truth, reports: list[ReportFields],
              result: TourResult, say: Say) -> None:
    """Import the families' reports, find duplicates, rank the cases for every report."""
    say(f"Importing {len(reports)} families' reports and ranking the cases for each...")
    identify = archive.identify
    imported = identify.import_reports(reports, DEMO_LIAISON)
    results = identify.match_all(DEMO_LIAISON, limit=10)
    result.reports_imported = len(imported)
    result.duplicate_pairs = len(identify.duplicates())
    by_ref = {t.ref: t.case for t in truth.reports}
    report_ref = {r.id: r.ref for r in imported}
    true_of = {true: case for case, true in _true_cases(archive, truth).items()}
    for match in results:
        ranked = [c.case for c in match.candidates if not c.excluded]
        result.reports_ranked += bool(ranked)
        true = by_ref.get(report_ref.get(match.report) or "")
        if true is None:
            continue
        result.reports_of_cases += 1
        case = true_of.get(true)
        if case in ranked[:1]:
            result.true_case_first += 1
            result.example = result.example or (match.report, case)
        if case in ranked[:10]:
            result.true_case_top10 += 1
