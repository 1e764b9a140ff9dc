"""Building cases: read the numbers of new photos, link copies, regroup, reconcile.

`build` reads the numbers in photos not yet read (in worker processes), then regroups every
photo no analyst has placed and reconciles the result with the cases already there: a group
keeps the case most of its photos were in, so case numbers stay stable as drives arrive. Photos
an analyst placed (`pinned`) and photos of reviewed cases never move.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from caesar.cases.grouping import (
    Copy,
    Group,
    GroupingSettings,
    PhotoFacts,
    find_copies,
    group_photos,
    learn_pauses,
)
from caesar.cases.numbers import strong_values
from caesar.cases.priors import learn_priors, store_priors
from caesar.cases.records import capture_time, chunks, fill_dates, new_case, now
from caesar.cases.videos import VideoFacts, find_video_copies
from caesar.cases.viewing import observed, queue
from caesar.cases.views import BuildReport
from caesar.cases.vocabulary import NOT_A_CASE, READER_VERSION
from caesar.catalog.cases import (
    Case,
    CasePhoto,
    NumberReading,
    PhotoAnalysis,
    PhotoCategory,
    PhotoCopy,
)
from caesar.catalog.database import Catalog
from caesar.catalog.models import Photo, Sighting, VideoHash
from caesar.catalog.queries import not_analysed
from caesar.intake.vpdq import FrameHash
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog
from caesar.progress import ProgressCallback
from caesar.settings import CaseSettings
from caesar.vault.keys import Keys

if TYPE_CHECKING:
    from caesar.cases.analyse import Analysis


class CaseBuilder:
    """`caesar cases build`: from originals to cases."""

    def __init__(self, *, catalog: Catalog, ledger: CustodyLog, keys: Keys, archive: Path,
                 store_url: str, settings: CaseSettings) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._keys = keys
        self._archive = archive
        self._store_url = store_url
        self._settings = settings

    def build(self, actor: str, *, reread: bool = False,
              progress: ProgressCallback | None = None) -> BuildReport:
        """Read new photos' numbers, link copies, regroup, reconcile (under the write lock)."""
        with self._ledger.writing():  # from the first reading to the last case, one writer
            analysed, unreadable = self._analyse_new(reread, progress)
            with self._catalog.session() as session:
                facts = _facts(session)
                pinned, reviewed, current = _placements(session)
                rules = self._rules()
                photo_copies = find_copies(facts, rules)
                copies = photo_copies + find_video_copies(
                    _video_facts(session), distance=rules.copy_distance,
                    quality=rules.copy_quality, percent=self._settings.video_match_percent)
                copy_of = {c.sha256: c for c in copies}
                _store_copies(session, copies)
                outside = _categorised_out(session)
                free = [f for f in facts if f.sha256 not in copy_of and f.sha256 not in pinned
                        and f.sha256 not in outside]
                groups = group_photos(free, rules, learn_pauses(facts, rules))
                groups += [Group([f], "categorised") for f in facts if f.sha256 in outside
                           and f.sha256 not in pinned and f.sha256 not in copy_of]
                created, changed = self._reconcile(session, groups, current, pinned, reviewed,
                                                   actor)
                _suggest_categories(session, groups)
                session.flush()
                store_priors(session, learn_priors(session))
                session.flush()
                in_case = session.scalar(select(func.count()).select_from(CasePhoto)) or 0
                cases = session.scalars(select(Case.id).where(Case.id.in_(
                    select(CasePhoto.case_id)))).all()
                needs_review = len({q.case for q in queue(session)})
                reasons = Counter(g.reason for g in groups if g.reason for _ in g.photos)
                report = BuildReport(
                    analysed=analysed, unreadable=unreadable, photos=len(facts),
                    copies=len(copies), cases=len(cases), created=created, changed=changed,
                    ungrouped=len(facts) - len(photo_copies) - in_case,
                    needs_review=needs_review, out_of_cases=dict(sorted(reasons.items())),
                    not_analysed=not_analysed(session))
                self._ledger.append_signed(session, [Event(
                    type="cases.built", time=now(), actor=actor,
                    details={"analysed": analysed, "cases": report.cases, "created": created,
                             "changed": changed, "copies": report.copies})])
            return report

    def _rules(self) -> GroupingSettings:
        s = self._settings
        return GroupingSettings(copy_distance=s.copy_distance, copy_quality=s.copy_quality,
                                sequence_gap_seconds=s.sequence_gap_seconds,
                                min_gap_seconds=s.min_gap_seconds,
                                max_gap_seconds=s.max_gap_seconds, min_photos=s.min_photos)

    def _analyse_new(self, reread: bool, progress: ProgressCallback | None) -> tuple[int, int]:
        with self._catalog.reader() as session:
            query = select(Photo.sha256).where(Photo.media_type.like("image/%"),
                                               Photo.analysed_at.is_not(None))
            if not reread:
                query = query.where(Photo.sha256.not_in(
                    select(PhotoAnalysis.sha256).where(PhotoAnalysis.reader == READER_VERSION)))
            todo = list(session.scalars(query.order_by(Photo.sha256)))
        if not todo:
            return 0, 0
        # Imported here: the readers load OCR engines and a classifier; nothing else needs them.
        from caesar.cases import analyse
        from caesar.cases.reading import prepare

        if progress:
            progress("start", len(todo), 0)
        glyphs = prepare()  # loaded once, here, and handed to every worker
        workers = self._settings.workers or os.cpu_count() or 1
        unreadable = 0
        batch: list[Analysis] = []
        # Not forked: OpenCV's and scikit-learn's thread pools do not survive a fork.
        with ProcessPoolExecutor(max_workers=workers, initializer=analyse.init_worker,
                                 mp_context=multiprocessing.get_context("forkserver"),
                                 initargs=(self._keys, self._store_url, self._archive,
                                           glyphs)) as pool:
            for result in pool.map(analyse.analyse, todo, chunksize=8):
                unreadable += result.problem is not None
                batch.append(result)
                if len(batch) >= 256:
                    self._record_analyses(batch)
                    batch = []
                if progress:
                    progress("advance", 1, 0)
        self._record_analyses(batch)
        return len(todo), unreadable

    def _record_analyses(self, results: Sequence[Analysis]) -> None:
        if not results:
            return
        shas = [r.sha256 for r in results]
        with self._catalog.session() as session:
            session.execute(delete(NumberReading).where(NumberReading.sha256.in_(shas)))
            session.execute(delete(PhotoAnalysis).where(PhotoAnalysis.sha256.in_(shas)))
            at = now()
            for r in results:
                session.add(PhotoAnalysis(sha256=r.sha256, reader=r.reader,
                                          card_found=r.card_found, problem=r.problem,
                                          analysed_at=at))
                session.add_all(NumberReading(
                    sha256=r.sha256, position=n.position, raw=n.raw, digits=n.digits,
                    script=n.script, method=n.method, confidence=n.confidence, place=n.place,
                    box=list(n.box), row=n.row, line_order=n.line_order, labelled=n.labelled,
                    label=n.label)
                    for n in r.numbers)

    def _reconcile(self, session: Session, groups: Sequence[Group], current: dict[str, int],
                   pinned: set[str], reviewed: set[int], actor: str) -> tuple[int, int]:
        """Give each case group a case: the one most of its photos were in, else a new one."""
        claimed: set[int] = set()
        touched: set[int] = set()
        created = 0
        placed: set[str] = set()
        new_cases: list[Case] = []
        rows = {row.sha256: row for row in session.scalars(select(CasePhoto))}
        for group in (g for g in groups if g.is_case):
            votes = Counter(current[p.sha256] for p in group.photos if p.sha256 in current)
            target = next((case_id for case_id, _ in votes.most_common()
                           if case_id not in claimed and case_id not in reviewed), None)
            if target is None:
                case = new_case(session)
                new_cases.append(case)
                target = case.id
                created += 1
            claimed.add(target)
            for position, photo in enumerate(group.photos):
                placed.add(photo.sha256)
                row = rows.get(photo.sha256)
                if row is None:
                    session.add(CasePhoto(sha256=photo.sha256, case_id=target,
                                          role="card" if photo.card_found else "body",
                                          position=position, pinned=False))
                    touched.add(target)
                elif row.case_id != target or row.position != position:
                    touched.update((row.case_id, target))
                    row.case_id, row.position = target, position
        # Photos that no longer belong to any case group (now copies, or out for a reason).
        leaving = [sha for sha in current if sha not in placed and sha not in pinned]
        for sha in leaving:
            touched.add(current[sha])
        for chunk in chunks(leaving):
            session.execute(delete(CasePhoto).where(CasePhoto.sha256.in_(chunk)))
        session.flush()
        fill_dates(session, [c.id for c in new_cases])
        self._ledger.append(session, [Event(type="case.created", time=now(), actor=actor,
                                            subject=Subject.record("case", c.id))
                                      for c in new_cases])
        return created, len(touched - {c.id for c in new_cases})


def _facts(session: Session) -> list[PhotoFacts]:
    first_path = {sha: path for sha, path in session.execute(
        select(Sighting.sha256, Sighting.path).where(Sighting.id.in_(
            select(func.min(Sighting.id)).group_by(Sighting.sha256))))}
    analyses = {sha: found for sha, found in session.execute(
        select(PhotoAnalysis.sha256, PhotoAnalysis.card_found))}
    readings = defaultdict(list)
    for row in session.execute(select(
            NumberReading.sha256, NumberReading.digits, NumberReading.place, NumberReading.row,
            NumberReading.line_order, NumberReading.confidence, NumberReading.label)):
        readings[row.sha256].append(row)
    facts = []
    for photo in session.execute(select(
            Photo.sha256, Photo.camera_serial, Photo.camera_make, Photo.camera_model,
            Photo.captured_at, Photo.pdq, Photo.pdq_quality)
            # An original not analysed yet has no camera, time or PDQ hash to group it by.
            .where(Photo.media_type.like("image/%"), Photo.analysed_at.is_not(None))):
        camera = photo.camera_serial or (" ".join(filter(None, (
            photo.camera_make, photo.camera_model))) or None)
        path = first_path.get(photo.sha256)
        values = strong_values(observed(readings.get(photo.sha256, ())))
        facts.append(PhotoFacts(
            sha256=photo.sha256, camera=camera, taken_at=capture_time(photo.captured_at),
            folder=path.rpartition("/")[0] if path is not None else None,
            pdq=photo.pdq, pdq_quality=photo.pdq_quality,
            card_found=bool(analyses.get(photo.sha256)), values=values,
            writing=bool(values)))
    return facts


def _video_facts(session: Session) -> list[VideoFacts]:
    return [VideoFacts(
        sha256=row.sha256, camera_original=bool(row.captured_at and (
            row.camera_make or row.camera_model)),
        pixels=(row.width or 0) * (row.height or 0), size=row.size,
        frames=tuple(FrameHash(second, pdq, quality) for second, pdq, quality in row.frames))
        for row in session.execute(select(
            Photo.sha256, Photo.captured_at, Photo.camera_make, Photo.camera_model,
            Photo.width, Photo.height, Photo.size, VideoHash.frames).join(
            VideoHash, VideoHash.sha256 == Photo.sha256))]


def _categorised_out(session: Session) -> set[str]:
    """Photos an analyst said show no detainee's body."""
    return set(session.scalars(select(PhotoCategory.sha256).where(
        PhotoCategory.set_by.is_not(None), PhotoCategory.category.in_(NOT_A_CASE))))


def _placements(session: Session) -> tuple[set[str], set[int], dict[str, int]]:
    """Photos analysts placed (and those of reviewed cases), reviewed cases, every placement."""
    reviewed = set(session.scalars(select(Case.id).where(Case.status == "reviewed")))
    pinned: set[str] = set()
    current: dict[str, int] = {}
    for sha, case_id, is_pinned in session.execute(
            select(CasePhoto.sha256, CasePhoto.case_id, CasePhoto.pinned)):
        current[sha] = case_id
        if is_pinned or case_id in reviewed:
            pinned.add(sha)
    pinned |= set(session.scalars(select(PhotoCopy.sha256).where(PhotoCopy.pinned)))
    return pinned, reviewed, current


def _store_copies(session: Session, copies: Sequence[Copy]) -> None:
    session.execute(delete(PhotoCopy).where(PhotoCopy.pinned.is_(False)))
    pinned = set(session.scalars(select(PhotoCopy.sha256)))
    session.add_all(PhotoCopy(sha256=c.sha256, original=c.original, distance=c.distance)
                    for c in copies if c.sha256 not in pinned)


def _suggest_categories(session: Session, groups: Sequence[Group]) -> None:
    """Suggest a category for every grouped photo that no analyst has categorised, with the
    reason a photo is in no case; only the suggestions that change are written (a rebuild of
    a large archive changes few)."""
    existing = {sha: (category, set_by, reason) for sha, category, set_by, reason in
                session.execute(select(PhotoCategory.sha256, PhotoCategory.category,
                                       PhotoCategory.set_by, PhotoCategory.reason))}
    wanted = {p.sha256: ("detention_death", None) if g.is_case else ("unclear", g.reason)
              for g in groups for p in g.photos
              if existing.get(p.sha256, ("", None, None))[1] is None}
    stale = [sha for sha, (category, set_by, reason) in existing.items()
             if set_by is None and wanted.get(sha) != (category, reason)]
    for chunk in chunks(stale):
        session.execute(delete(PhotoCategory).where(PhotoCategory.sha256.in_(chunk)))
    at = now()
    fresh = [{"sha256": sha, "category": category, "set_by": None, "set_at": at,
              "reason": reason}
             for sha, (category, reason) in wanted.items()
             if existing.get(sha, ("", None, None))[::2] != (category, reason)
             or sha in stale]
    if fresh:
        session.execute(insert(PhotoCategory), fresh)
