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
from caesar.demo.generate import generate_collection
from caesar.errors import ArchiveExists
from caesar.intake.service import IngestRequest
from caesar.progress import ProgressCallback, from_counts
from caesar.settings import SETTINGS_FILE, load_settings
from caesar.vault.keys import KdfCost

DEFAULT_DEMO = "caesar-demo"
DEMO_OPERATOR = "documenter"
DEMO_USERS = (("demo-analyst", Role.analyst), ("demo-admin", Role.admin),
              ("demo-liaison", Role.family_liaison), ("demo-viewer", Role.viewer))
"""Synthetic accounts of the demo web app (the first is the one to sign in with)."""

Say = Callable[[str], None]
ProgressFactory = Callable[[str], AbstractContextManager[ProgressCallback]]


@dataclass
class TourResult:
    """What the tour did, for the summary."""

    archive: Path
    passphrase: str | None  # set when the tour made one up (and must print it)
    cases: int = 0
    files_generated: int = 0
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
    logins: list[NewCredentials] = field(default_factory=list)  # made-up passwords, printed


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
            truth = generate_collection(collection, cases=cases, seed=seed,
                                        megapixels=megapixels, progress=from_counts(bar))
        result.cases = len(truth.cases)
        result.files_generated = len(truth.files)
        result.reports_generated = len(truth.reports)
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
    with progress("reading numbers") as bar, archive.writing():
        built = archive.cases.build(archive.owner, progress=bar)
    result.cases_found, result.copies_linked = built.cases, built.copies
    result.numbers_to_check = built.needs_review
    true_numbers = {(t.detainee, t.branch, t.forensic) for t in truth.cases}
    result.cases_numbers_right = sum(
        1 for case in archive.cases.cases()
        if (case.numbers.detainee, case.numbers.branch, case.numbers.forensic) in true_numbers)
    say("Verifying every original (decrypt and re-hash)...")
    with progress("verifying") as bar:
        verified = archive.verify(bar)
    result.verified, result.verified_ok = verified.checked, verified.ok
    result.damaged = len(verified.damaged) + len(verified.missing)
    say("Making the web app's demo accounts...")
    with archive.writing():
        result.logins = [archive.access.accounts.add(name, role, actor=archive.owner)
                         for name, role in DEMO_USERS]
        archive.checkpoint()
    return result
