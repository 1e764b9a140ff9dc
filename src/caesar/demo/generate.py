"""Generate a synthetic collection: drives of photos, families' reports and the ground truth.

The output folder holds ``drive-01/``, ``drive-02/``, ... (each what one hand-over would be),
and beside them ``truth.json`` (see ``docs/ground-truth.md``), ``reports.json`` and
``reports.csv`` (the import format of ``caesar missing add``). The same seed gives byte-identical
files on the same machine (the same Pillow and the same installed fonts).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from caesar.demo.cards import available_fonts
from caesar.demo.documents import Paper, release_paper, scanned
from caesar.demo.drive import SmallDrive, make_drive
from caesar.demo.names import FAMILY_NAMES, MALE_NAMES
from caesar.demo.numbering import plain_truth, writing_truth
from caesar.demo.photos import Job, aware, choose_view, render_subject, write_file
from caesar.demo.plan import CasePlan, Plan, plan_collection
from caesar.demo.render import (
    add_sensor_noise,
    camera_exif,
    compose_subject,
    encode_jpeg,
    output_size,
    render_view,
)
from caesar.demo.reports import build_reports, reports_csv, reports_json
from caesar.demo.truth import (
    TRUTH_FILE,
    CaseNumbers,
    CaseTruth,
    CaseWriting,
    FileTruth,
    ReportTruth,
    Truth,
)
from caesar.demo.video import scene_frames, write_video
from caesar.demo.vocab import BRANCHES, DAMAGES, NUMBER_KINDS, NumberKind
from caesar.errors import UsageError

__all__ = ["CollectionSpec", "SmallDrive", "cases_and_reports", "generate_collection",
           "generate_from_spec", "make_drive", "plan_from_spec"]

Progress = Callable[[int, int], None]
REPORTS_JSON = "reports.json"
REPORTS_CSV = "reports.csv"


@dataclass(frozen=True)
class CollectionSpec:
    """Everything that shapes a collection; the same spec gives the same files."""

    cases: int
    seed: int = 0
    megapixels: float = 1.0  # size of the originals (1, 2 and 12 are the sizes asked for)
    drives: int = 2  # hand-overs; each later drive repeats some days of the one before
    reports: bool = True  # write families' reports beside the drives
    photographers: int = 4  # one camera each
    cases_per_day: float = 6.0
    start: date = date(2011, 5, 1)
    end: date = date(2013, 8, 15)
    non_case_share: float = 0.2  # share of originals that show other things
    repeat_share: float = 0.1  # share of a drive's days handed over again on the next drive
    published_share: float = 0.02  # share of case photos with a re-encoded published copy
    damaged_per_drive: int = 3  # empty, truncated and non-image files, in turn
    arabic_share: float = 0.4  # cases whose card uses Arabic-Indic digits
    skin_share: float = 0.12  # cases with one number written on the skin, not the card
    report_share: float = 0.3  # cases whose family filed a report
    outsider_reports: float = 1.0  # reports of people not in the collection, per case report
    duplicate_reports: float = 0.05  # case reports filed twice (two relatives, two scripts)
    # Share of cases (and of photographers) drawn from variety.SEEN rather than as the first
    # generator made them (a white card, three typeset lines, a 40-second rhythm).
    varied_share: float = 0.5
    held_out: bool = False  # everything from variety.HELD_OUT instead (varied_share is 1)
    # Cases (the first ones, by id) whose photos are saved as HEIC, as today's phones save
    # them (same pixels and EXIF, another container): every stage must take them like JPEGs.
    heic_cases: int = 0
    # Short videos a phone filmed of a scene (frames the generator draws, encoded as H.264
    # MP4 with a phone's QuickTime tags), on the first drive.
    videos: int = 0
    # Release papers in Arabic and English (synthetic names and numbers), as PDFs on the last
    # drive: typed ones with a text layer and, every second one, a scan with none.
    documents: int = 0

    def check(self) -> None:
        """Raise :class:`UsageError` when a value cannot make a collection."""
        if self.cases < 0 or self.drives < 1 or self.photographers < 1:
            raise UsageError("cases must be >= 0, drives and photographers >= 1",
                             hint="e.g. cases=100, drives=2, photographers=4")
        if not 0.01 <= self.megapixels <= 50:
            raise UsageError(f"megapixels={self.megapixels} is out of range",
                             hint="use a value between 0.01 and 50 (1, 2 or 12 are typical)")
        if self.end < self.start or self.cases_per_day <= 0:
            raise UsageError("the date range is empty or cases_per_day is not positive",
                             hint="give start <= end and cases_per_day > 0")
        shares = ("repeat_share", "published_share", "arabic_share", "skin_share",
                  "report_share", "duplicate_reports", "varied_share")
        if not 0 <= self.non_case_share < 1 or any(not 0 <= getattr(self, s) <= 1
                                                     for s in shares):
            raise UsageError("shares must lie between 0 and 1 (non_case_share below 1)",
                             hint="e.g. non_case_share=0.2, report_share=0.3")
        if min(self.outsider_reports, self.damaged_per_drive, self.heic_cases,
               self.videos, self.documents) < 0:
            raise UsageError("outsider_reports, damaged_per_drive, heic_cases, videos and"
                             " documents must not be negative")

    def as_json(self) -> dict[str, Any]:
        """The spec as JSON values (dates as ISO strings)."""
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}


def generate_collection(out: Path, *, cases: int, seed: int = 0, megapixels: float = 1.0,
                        drives: int = 2, reports: bool = True, progress: Progress | None = None,
                        workers: int | None = None, **options: Any) -> Truth:
    """Write a synthetic collection of ``cases`` cases into the empty folder ``out``.

    ``options`` are further :class:`CollectionSpec` fields (``non_case_share=0.5``, ...).
    ``progress(done, total)`` is called as files are written. ``workers`` is the number of
    processes (default: one per core); it never changes the output. Returns the ground truth,
    which is also written to ``out/truth.json``.
    """
    spec = CollectionSpec(cases=cases, seed=seed, megapixels=megapixels, drives=drives,
                          reports=reports, **_options(options))
    return generate_from_spec(out, spec, progress=progress, workers=workers)


def generate_from_spec(out: Path, spec: CollectionSpec, *, progress: Progress | None = None,
                       workers: int | None = None) -> Truth:
    """Write the collection ``spec`` describes into the empty folder ``out``."""
    spec.check()
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} already exists and is not an empty folder",
                         hint="give a new or empty folder for the synthetic collection")
    available_fonts("western")  # fail early, naming the font packages, before any work
    available_fonts("arabic_indic")
    plan = plan_from_spec(spec)  # a varied collection's fonts are found (or missed) here
    size = output_size(spec.megapixels)
    out.mkdir(parents=True, exist_ok=True)
    for drive in plan.drives:
        (out / drive).mkdir()
    records = list(_render_all(out, spec.seed, size, plan, progress, workers,
                               heic_cases=spec.heic_cases))
    records += _damaged(out, spec, size, plan)
    records += _videos(out, spec, plan)
    records += _documents(out, spec, plan)
    files = sorted((FileTruth(**r) for r in records), key=lambda f: (f.drive, f.path))
    truth, reports = _truth(spec, size, plan, files)
    (out / TRUTH_FILE).write_text(truth.dump_json(), encoding="utf-8")
    if spec.reports:
        (out / REPORTS_JSON).write_text(reports_json(reports), encoding="utf-8")
        (out / REPORTS_CSV).write_text(reports_csv(reports), encoding="utf-8")
    return truth


def cases_and_reports(*, cases: int, seed: int = 0,
                      **options: Any) -> tuple[Truth, list[dict[str, Any]]]:
    """The cases and families' reports of a collection, without drawing or writing any file.

    Takes the arguments of :func:`generate_collection` and returns the same cases (with empty
    ``photos``) and the same reports that it would make, with their truth, in a fraction of a
    second per thousand cases: for benchmarks of identification at full scale.
    """
    spec = CollectionSpec(cases=cases, seed=seed, **_options(options))
    spec.check()
    truth, reports = _truth(spec, output_size(spec.megapixels), plan_from_spec(spec), [])
    return truth, reports


def _options(options: dict[str, Any]) -> dict[str, Any]:
    known = {f.name for f in fields(CollectionSpec)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise UsageError(f"unknown collection option(s): {', '.join(unknown)}",
                         hint=f"known options: {', '.join(sorted(known))}")
    return options


def plan_from_spec(spec: CollectionSpec) -> Plan:
    """The structure of the collection `spec` describes, before any pixel is drawn."""
    return plan_collection(
        cases=spec.cases, seed=spec.seed, drives=spec.drives, photographers=spec.photographers,
        cases_per_day=spec.cases_per_day, start=spec.start, end=spec.end,
        non_case_share=spec.non_case_share, repeat_share=spec.repeat_share,
        published_share=spec.published_share, arabic_share=spec.arabic_share,
        skin_share=spec.skin_share, held_out=spec.held_out, varied_share=spec.varied_share)


def _render_all(out: Path, seed: int, size: tuple[int, int], plan: Plan,
                progress: Progress | None, workers: int | None, *, heic_cases: int = 0
                ) -> Iterator[dict[str, Any]]:
    jobs = [Job(str(out), seed, size, s, heic=s.case is not None and s.case.id <= heic_cases)
            for s in plan.subjects]
    total = sum(len(p.repeats) + 1 + (p.published is not None)
                for s in plan.subjects for p in s.photos)
    done = 0
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(jobs) < 2 * workers:
        results: Iterator[list[dict[str, Any]]] = map(render_subject, jobs)
        pool = None
    else:
        # fork is fastest; a process with threads (a web server) forks safely only via a server.
        method = "fork" if threading.active_count() == 1 and os.name == "posix" else "forkserver"
        pool = multiprocessing.get_context(method).Pool(workers)
        results = pool.imap(render_subject, jobs, chunksize=4)
    try:
        for batch in results:
            done += len(batch)
            if progress is not None:
                progress(done, total)
            yield from batch
    finally:
        if pool is not None:
            pool.close()
            pool.join()


_NOTE = ("Copied from the office computer on {day}. {count} folders.\n"
         "نسخ من حاسوب المكتب بتاريخ {day}.\n")


def _damaged(out: Path, spec: CollectionSpec, size: tuple[int, int],
             plan: Plan) -> list[dict[str, Any]]:
    """Empty, truncated and non-image files, ``damaged_per_drive`` on each drive."""
    rng = random.Random(f"{spec.seed}:damaged")
    used = {(p.drive, p.path) for s in plan.subjects for p in s.photos}
    used |= {r for s in plan.subjects for p in s.photos for r in p.repeats}
    records = []
    for drive in plan.drives:
        folders = plan.folders[drive] or ["incoming"]
        for i in range(spec.damaged_per_drive):
            kind = DAMAGES[i % len(DAMAGES)]
            folder = rng.choice(folders)
            camera = rng.choice(plan.cameras)
            when = datetime(2013, 1, 1) + timedelta(seconds=rng.randrange(200 * 86400))
            name = f"{folder}/{camera.model.file_pattern.format(rng.randint(1, 9999))}"
            while (drive, name) in used:
                name = f"{folder}/{camera.model.file_pattern.format(rng.randint(1, 9999))}"
            data = b""
            if kind == "not_image":
                # A note saved under a photo's name: text where an image was expected. (A note
                # named as the text it is would be no finding.)
                data = _NOTE.format(day=when.date().isoformat(),
                                    count=len(folders)).encode("utf-8")
            elif kind == "truncated":
                # A real photo whose copy was cut short: the header and EXIF survive.
                scene = compose_subject(rng, category="scene")
                view = choose_view("other", "", scene, rng)
                image = add_sensor_noise(render_view(scene, view, size), rng)
                full = encode_jpeg(image, quality=camera.model.quality,
                                   subsampling=camera.model.subsampling,
                                   exif=camera_exif(camera.model, camera.serial, when, size,
                                                    rng))
                data = full[: int(len(full) * rng.uniform(0.35, 0.7))]
            used.add((drive, name))
            write_file(str(out), drive, name, data, when)
            records.append({
                "drive": drive, "path": name, "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data), "case": None, "role": "damaged", "category": None,
                "damage": kind, "camera": camera.id if kind == "truncated" else None,
                "taken_at": aware(when) if kind == "truncated" else None,
            })
    return records


def _videos(out: Path, spec: CollectionSpec, plan: Plan) -> list[dict[str, Any]]:
    """``spec.videos`` short videos of scenes, 3 s of 320×240 at 10 frames a second each."""
    rng = random.Random(f"{spec.seed}:videos")
    records = []
    for i in range(spec.videos):
        when = datetime(2013, 8, 2, 10, 15) + timedelta(minutes=7 * i)
        name = f"phone/VID_{when:%Y%m%d_%H%M%S}.mp4"
        path = out / plan.drives[0] / name
        write_video(path, scene_frames(rng, 3, 10, (320, 240)), tags={
            "com.apple.quicktime.make": "Apple", "com.apple.quicktime.model": "iPhone 5",
            "com.apple.quicktime.creationdate": f"{aware(when):%Y-%m-%dT%H:%M:%S%z}"})
        data = path.read_bytes()
        records.append({
            "drive": plan.drives[0], "path": name, "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data), "case": None, "role": "video", "category": None,
            "taken_at": aware(when), "width": 320, "height": 240})
    return records


def _documents(out: Path, spec: CollectionSpec, plan: Plan) -> list[dict[str, Any]]:
    """``spec.documents`` release papers, typed (a text layer) or, every second one, scanned."""
    rng = random.Random(f"{spec.seed}:documents")
    records = []
    for i in range(spec.documents):
        given, family = rng.choice(MALE_NAMES), rng.choice(FAMILY_NAMES)
        paper = Paper(name_ar=f"{given.ar} {family.ar}",
                      name_en=f"{given.latin[0]} {family.latin[0]}",
                      detainee_number=str(rng.randrange(10_000, 100_000)),
                      branch=rng.choice(BRANCHES),
                      released_on=spec.start + timedelta(days=rng.randrange(365)))
        data = release_paper(paper)
        name = f"papers/release_{i + 1:03d}.pdf"
        if i % 2:
            data, name = scanned(data), f"papers/scan_{i + 1:03d}.pdf"
        path = out / plan.drives[-1] / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        records.append({
            "drive": plan.drives[-1], "path": name, "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data), "case": None, "role": "document", "category": None,
            "name": paper.name_en})
    return records


def _truth(spec: CollectionSpec, size: tuple[int, int], plan: Plan,
           files: list[FileTruth]) -> tuple[Truth, list[dict[str, Any]]]:
    photos: dict[int, list[FileTruth]] = {}
    for f in files:
        if f.case is not None and f.copy_of is None and f.role != "published_copy":
            photos.setdefault(f.case, []).append(f)
    cases = []
    numbers: list[CaseNumbers] = []
    for s in plan.subjects:
        c = s.case
        if c is None:
            continue
        taken = sorted(photos.get(c.id, []), key=lambda f: (f.taken_at, f.path))
        if files:
            legible = _legible_numbers(taken)
            numbers.append(CaseNumbers(case=c.id, writing=_writing_truth(c, taken),
                                       legible_numbers=legible, legible=bool(legible)))
        cases.append(CaseTruth(
            id=c.id, detainee=c.detainee, branch=c.branch, forensic=c.forensic,
            script=c.script, skin_number=c.skin_number, hospital=c.hospital,
            photographed_on=c.photographed_on, sex=c.sex, age=c.age, age_min=c.age_min,
            age_max=c.age_max, height_cm=c.height_cm, height_measured=c.height_measured,
            marks=c.marks, camera=s.camera.id, photos=tuple(f.sha256 for f in taken),
            folder_numbers=c.folder_format is not None, person=c.person))
    reports: list[dict[str, Any]] = []
    truths: list[ReportTruth] = []
    if spec.reports:
        reports, truths = build_reports(
            random.Random(f"{spec.seed}:reports"), cases, share=spec.report_share,
            outsiders=spec.outsider_reports, duplicates=spec.duplicate_reports,
            details=random.Random(f"{spec.seed}:report-marks"),
            texts=random.Random(f"{spec.seed}:report-inscriptions"))
    return Truth(seed=spec.seed, spec=spec.as_json(), size=size, drives=tuple(plan.drives),
                 cameras=tuple(c.truth() for c in plan.cameras), files=tuple(files),
                 cases=tuple(cases), reports=tuple(truths), numbers=tuple(numbers)), reports


def _legible_numbers(photos: list[FileTruth]) -> tuple[NumberKind, ...]:
    """The numbers legible in at least one of a case's originals."""
    seen = {n.kind for f in photos for r in f.regions for line in r.lines if line.legible
            for n in line.numbers}
    return tuple(k for k in NUMBER_KINDS if k in seen)


def _writing_truth(case: CasePlan, photos: list[FileTruth]) -> CaseWriting:
    if case.writing is not None:
        return writing_truth(case.writing)
    # A plain case always has a card photo; its face was chosen as it was drawn.
    card = next(f.card for f in photos if f.card is not None)
    numbers: dict[NumberKind, str] = {"detainee": case.detainee, "branch": case.branch,
                                      "forensic": case.forensic}
    return plain_truth(card.lines, card.font, case.script, case.skin_number, numbers)
