"""Cases: build them from the photos, show them, and record every analyst's decision.

`build` reads the numbers in photos not yet analysed (in worker processes), then regroups every
photo no analyst has placed and reconciles the result with the cases already there: a group
keeps the case most of its photos were in, so case numbers stay stable as drives arrive. Photos
an analyst placed (`pinned`) and photos of reviewed cases never move. Every analyst action is
a custody-log entry and a `case_changes` row that keeps the value before it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Row, delete, func, insert, select
from sqlalchemy.orm import Session, selectinload

from caesar.cases.grouping import (
    Copy,
    Group,
    GroupingSettings,
    PhotoFacts,
    find_copies,
    group_photos,
)
from caesar.cases.marks import FORM, parse_marks
from caesar.cases.numbers import KINDS, Kind, Observed, Proposal, interpret, propose, skin_only
from caesar.cases.search import to_western
from caesar.cases.views import (
    AnalystReadingView,
    BuildReport,
    CaseNumbers,
    CaseView,
    ChangeView,
    Disagreement,
    ProposalView,
    QueueItem,
    ReadingView,
)
from caesar.cases.vocabulary import (CATEGORIES, FINDINGS, READER_VERSION,
                                     STATUSES)
from caesar.catalog.cases import (
    AnalystReading,
    Case,
    CaseChange,
    CasePhoto,
    NumberReading,
    PhotoAnalysis,
    PhotoCategory,
    PhotoCopy,
)
from caesar.catalog.database import Catalog
from caesar.catalog.models import Photo, Sighting, Transfer
from caesar.errors import NotFound, UsageError
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog
from caesar.progress import ProgressCallback
from caesar.settings import CaseSettings
from caesar.vault.keys import Keys

if TYPE_CHECKING:
    from caesar.cases.analyse import Analysis


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


_DIGITS = frozenset("0123456789")
_T = TypeVar("_T")


class CaseService:
    """Everything the `cases` commands (and later the web pages) do."""

    def __init__(self, *, catalog: Catalog, ledger: CustodyLog, keys: Keys, archive: Path,
                 store_url: str, settings: CaseSettings) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._keys = keys
        self._archive = archive
        self._store_url = store_url
        self._settings = settings

    # -- building --------------------------------------------------------------------------

    def build(self, actor: str, *, reread: bool = False,
              progress: ProgressCallback | None = None) -> BuildReport:
        """Read new photos' numbers, link copies, regroup, reconcile; the caller holds the lock."""
        analysed, unreadable = self._analyse_new(reread, progress)
        with self._catalog.session() as session:
            facts = _facts(session)
            pinned, reviewed, current = _placements(session)
            rules = self._rules()
            copies = find_copies(facts, rules)
            copy_of = {c.sha256: c for c in copies}
            _store_copies(session, copies)
            free = [f for f in facts if f.sha256 not in copy_of and f.sha256 not in pinned]
            groups = group_photos(free, rules)
            created, changed = self._reconcile(session, groups, current, pinned, reviewed,
                                               actor)
            _suggest_categories(session, groups)
            in_case = session.scalar(select(func.count()).select_from(CasePhoto)) or 0
            cases = session.scalars(select(Case.id).where(Case.id.in_(
                select(CasePhoto.case_id)))).all()
            needs_review = len({q.case for q in self._queue(session)})
            report = BuildReport(
                analysed=analysed, unreadable=unreadable, photos=len(facts),
                copies=len(copies), cases=len(cases), created=created, changed=changed,
                ungrouped=len(facts) - len(copies) - in_case, needs_review=needs_review)
            self._ledger.append(session, [Event(
                type="cases.built", time=now(), actor=actor,
                details={"analysed": analysed, "cases": report.cases, "created": created,
                         "changed": changed, "copies": report.copies})])
            self._ledger.checkpoint(session)
        return report

    def _rules(self) -> GroupingSettings:
        s = self._settings
        return GroupingSettings(copy_distance=s.copy_distance, copy_quality=s.copy_quality,
                                sequence_gap_seconds=s.sequence_gap_seconds)

    def _analyse_new(self, reread: bool, progress: ProgressCallback | None) -> tuple[int, int]:
        with self._catalog.reader() as session:
            query = select(Photo.sha256).where(Photo.media_type.like("image/%"))
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
        glyphs = prepare()  # trained once, here, and handed to every worker
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
                    box=list(n.box)) for n in r.numbers)

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
                case = _new_case(session)
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
        # Photos that no longer belong to any case group (now copies, or no card after all).
        leaving = [sha for sha in current if sha not in placed and sha not in pinned]
        for sha in leaving:
            touched.add(current[sha])
        for chunk in _chunks(leaving):
            session.execute(delete(CasePhoto).where(CasePhoto.sha256.in_(chunk)))
        session.flush()
        _fill_dates(session, [c.id for c in new_cases])
        self._ledger.append(session, [Event(type="case.created", time=now(), actor=actor,
                                            subject=Subject.record("case", c.id))
                                      for c in new_cases])
        return created, len(touched - {c.id for c in new_cases})

    # -- reading ---------------------------------------------------------------------------

    def cases(self) -> list[CaseView]:
        """Every case that holds photos, in order."""
        with self._catalog.reader() as session:
            cases = session.scalars(_CASES.order_by(Case.id)).all()
            context = _Context.load(session, [c.id for c in cases])
            return [context.view(c, full=False) for c in cases if c.photos]

    def show(self, case_id: int) -> CaseView:
        """One case with its readings, analysts' readings and history."""
        with self._catalog.reader() as session:
            case = _get(session, case_id)
            return _Context.load(session, [case_id]).view(case, full=True)

    def queue(self) -> list[QueueItem]:
        """Numbers a person should read: weak or contradicted readings with no analyst's."""
        with self._catalog.reader() as session:
            return self._queue(session)

    def _queue(self, session: Session) -> list[QueueItem]:
        cases = session.scalars(_CASES.where(Case.id.in_(select(CasePhoto.case_id)))
                                .order_by(Case.id)).all()
        context = _Context.load(session, [c.id for c in cases])
        items = []
        for case in cases:
            proposals = context.proposals(case)
            for kind in KINDS:
                if getattr(case, kind) or context.analysts.get((case.id, kind)):
                    continue
                proposal = proposals.get(kind)
                if proposal is None or proposal.needs_review:
                    items.append(QueueItem(case=case.id, kind=kind,
                                           proposal=_proposal_view(proposal)))
        return items

    def disagreements(self) -> list[Disagreement]:
        """Numbers that two analysts read differently, for a third look."""
        with self._catalog.reader() as session:
            rows = session.scalars(select(AnalystReading).order_by(AnalystReading.id)).all()
        latest: dict[tuple[int, str, str], AnalystReading] = {}
        for row in rows:
            latest[(row.case_id, row.kind, row.analyst)] = row
        by_number: dict[tuple[int, str], list[AnalystReading]] = defaultdict(list)
        for (case_id, kind, _), row in latest.items():
            by_number[(case_id, kind)].append(row)
        return [Disagreement(case=case_id, kind=kind, readings=[_analyst_view(r) for r in rs])
                for (case_id, kind), rs in sorted(by_number.items())
                if len({r.digits for r in rs}) > 1]

    # -- analysts' decisions ---------------------------------------------------------------

    def edit(self, case_id: int, changes: Sequence[tuple[str, str]], actor: str) -> CaseView:
        """Set fields (`--set FIELD=VALUE`); every change is logged with the value before."""
        with self._catalog.session() as session:
            case = _get(session, case_id)
            events = []
            for name, text in changes:
                value = _parse_field(name, text)
                before = _jsonable(getattr(case, name))
                setattr(case, name, value)
                _change(session, case.id, "edit", actor, name, before, _jsonable(value))
                events.append(Event(type="case.changed", time=now(), actor=actor,
                                    subject=Subject.record("case", case.id),
                                    details={"field": name}))
            if case.age_min is not None and case.age_max is not None \
                    and case.age_min > case.age_max:
                raise UsageError(f"age_min {case.age_min} is above age_max {case.age_max}.",
                                 hint="Nothing was changed. Give an age range low to high.")
            case.updated_at = now()
            self._ledger.append(session, events)
        return self.show(case_id)

    def merge(self, case_ids: Sequence[int], actor: str) -> CaseView:
        """Move every photo of the other cases into the first; the others are left empty."""
        if len(set(case_ids)) < 2:
            raise UsageError("Merging needs at least two different cases.",
                             hint="Example: caesar cases merge 12 15")
        target, *others = case_ids
        with self._catalog.session() as session:
            _get(session, target)
            for other in others:
                _get(session, other)
                shas = session.scalars(select(CasePhoto.sha256)
                                       .where(CasePhoto.case_id == other)).all()
                for sha in shas:
                    session.merge(CasePhoto(sha256=sha, case_id=target, pinned=True))
                _change(session, other, "merge", actor, "photos", list(shas), [])
                _change(session, target, "merge", actor, "merged_from", None, other)
            _pin_case(session, target)
            session.flush()
            _renumber(session, target)
            self._ledger.append(session, [Event(
                type="case.merged", time=now(), actor=actor,
                subject=Subject.record("case", target), details={"cases": len(others) + 1})])
        return self.show(target)

    def split(self, case_id: int, photos: Sequence[str], actor: str) -> CaseView:
        """Move `photos` out of a case into a new one; both keep their photos pinned."""
        with self._catalog.session() as session:
            _get(session, case_id)
            shas = [_photo_in(session, sha, case_id) for sha in photos]
            if not shas:
                raise UsageError("Name the photos to split off with --photo.")
            remaining = session.scalars(select(CasePhoto.sha256).where(
                CasePhoto.case_id == case_id, CasePhoto.sha256.not_in(shas))).all()
            if not remaining:
                raise UsageError(f"Splitting every photo off case {case_id} would leave it"
                                 " empty.", hint="Name only the photos of the other body.")
            new = _new_case(session)
            for sha in shas:
                session.merge(CasePhoto(sha256=sha, case_id=new.id, pinned=True))
            _pin_case(session, case_id)
            _change(session, case_id, "split", actor, "photos", None, {"to": new.id,
                                                                       "photos": shas})
            _change(session, new.id, "split", actor, "split_from", None, case_id)
            session.flush()
            _renumber(session, case_id)
            _renumber(session, new.id)
            _fill_dates(session, [new.id])
            self._ledger.append(session, [Event(
                type="case.split", time=now(), actor=actor,
                subject=Subject.record("case", new.id), details={"photos": len(shas)})])
            new_id = new.id
        return self.show(new_id)

    def move(self, sha256: str, to_case: int | None, actor: str) -> CaseView:
        """Put one photo into another case (None: a new case of its own)."""
        with self._catalog.session() as session:
            sha = _known_photo(session, sha256)
            before = session.get(CasePhoto, sha)
            if to_case is None:
                target = _new_case(session).id
            else:
                target = _get(session, to_case).id
            session.merge(CasePhoto(sha256=sha, case_id=target, pinned=True))
            session.execute(delete(PhotoCopy).where(PhotoCopy.sha256 == sha))
            if before is not None:
                _change(session, before.case_id, "move", actor, "photos", sha, None)
            _change(session, target, "move", actor, "photos", None, sha)
            session.flush()
            for case_id in {target} | ({before.case_id} if before else set()):
                _renumber(session, case_id)
            self._ledger.append(session, [Event(
                type="case.photo_moved", time=now(), actor=actor,
                subject=Subject.record("case", target))])
        return self.show(target)

    def read(self, case_id: int, readings: Sequence[tuple[Kind, str]], actor: str
             ) -> list[Disagreement]:
        """Record `actor`'s own reading of numbers of a case; return disagreements on it."""
        with self._catalog.session() as session:
            _get(session, case_id)
            for kind, text in readings:
                digits = _digits(kind, text)
                session.add(AnalystReading(case_id=case_id, kind=kind, digits=digits,
                                           analyst=actor, read_at=now()))
                self._ledger.append(session, [Event(
                    type="case.number_read", time=now(), actor=actor,
                    subject=Subject.record("case", case_id), details={"number": kind})])
        return [d for d in self.disagreements() if d.case == case_id]

    def categorise(self, photos: Sequence[str], category: str, actor: str) -> int:
        """Set what photos show (an analyst's decision: suggestions never overwrite it)."""
        if category not in CATEGORIES:
            raise UsageError(f"Unknown category {category!r}.",
                             hint=f"Use one of: {', '.join(CATEGORIES)}.")
        with self._catalog.session() as session:
            shas = [_known_photo(session, sha) for sha in photos]
            for sha in shas:
                session.merge(PhotoCategory(sha256=sha, category=category, set_by=actor,
                                            set_at=now()))
            self._ledger.append(session, [Event(
                type="photo.categorised", time=now(), actor=actor, subject=Subject.original(sha),
                details={"category": category}) for sha in shas])
        return len(shas)


# -- loading facts -------------------------------------------------------------------------

def _facts(session: Session) -> list[PhotoFacts]:
    first_path = {sha: path for sha, path in session.execute(
        select(Sighting.sha256, Sighting.path).where(Sighting.id.in_(
            select(func.min(Sighting.id)).group_by(Sighting.sha256))))}
    analyses = {sha: found for sha, found in session.execute(
        select(PhotoAnalysis.sha256, PhotoAnalysis.card_found))}
    observed: dict[str, list[Observed]] = defaultdict(list)
    for row in session.execute(select(NumberReading.sha256, NumberReading.digits,
                                      NumberReading.place, NumberReading.position,
                                      NumberReading.confidence)):
        observed[row.sha256].append(Observed(row.digits, row.place, row.position,
                                             row.confidence))
    facts = []
    for photo in session.execute(select(
            Photo.sha256, Photo.camera_serial, Photo.camera_make, Photo.camera_model,
            Photo.captured_at, Photo.pdq, Photo.pdq_quality)
            .where(Photo.media_type.like("image/%"))):
        camera = photo.camera_serial or (" ".join(filter(None, (
            photo.camera_make, photo.camera_model))) or None)
        path = first_path.get(photo.sha256)
        facts.append(PhotoFacts(
            sha256=photo.sha256, camera=camera, taken_at=_capture_time(photo.captured_at),
            folder=path.rpartition("/")[0] if path is not None else None,
            pdq=photo.pdq, pdq_quality=photo.pdq_quality,
            card_found=bool(analyses.get(photo.sha256)),
            numbers=interpret(observed.get(photo.sha256, ()))))
    return facts


def _capture_time(text: str | None) -> datetime | None:
    """The camera's local time (offsets dropped: one camera's photos share its clock)."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


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
    """Suggest a category for every grouped photo that no analyst has categorised; only the
    suggestions that change are written (a rebuild of a large archive changes few)."""
    existing = {sha: (category, set_by) for sha, category, set_by in session.execute(
        select(PhotoCategory.sha256, PhotoCategory.category, PhotoCategory.set_by))}
    wanted = {p.sha256: "detention_death" if g.is_case else "unclear"
              for g in groups for p in g.photos
              if existing.get(p.sha256, ("", None))[1] is None}
    stale = [sha for sha, (category, set_by) in existing.items()
             if set_by is None and wanted.get(sha) != category]
    for chunk in _chunks(stale):
        session.execute(delete(PhotoCategory).where(PhotoCategory.sha256.in_(chunk)))
    at = now()
    fresh = [{"sha256": sha, "category": category, "set_by": None, "set_at": at}
             for sha, category in wanted.items()
             if existing.get(sha, ("", None))[0] != category or sha in stale]
    if fresh:
        session.execute(insert(PhotoCategory), fresh)


def _new_case(session: Session) -> Case:
    at = now()
    case = Case(status="draft", identification="unidentified", marks=[], findings=[],
                created_at=at, updated_at=at)
    session.add(case)
    session.flush()
    return case


def _pin_case(session: Session, case_id: int) -> None:
    for row in session.scalars(select(CasePhoto).where(CasePhoto.case_id == case_id)):
        row.pinned = True


def _renumber(session: Session, case_id: int) -> None:
    """Order a case's photos by capture time (then hash), as the photographer took them."""
    rows = session.execute(
        select(CasePhoto, Photo.captured_at).join(Photo, Photo.sha256 == CasePhoto.sha256)
        .where(CasePhoto.case_id == case_id)).all()
    ordered = sorted(rows, key=lambda r: (_capture_time(r[1]) or datetime.max, r[0].sha256))
    for position, (row, _) in enumerate(ordered):
        row.position = position


def _fill_dates(session: Session, case_ids: Sequence[int]) -> None:
    """Photographed on: the earliest capture date, unless it is after the photo arrived."""
    earliest: dict[int, date] = {}
    for chunk in _chunks(case_ids):
        for case_id, text, received in session.execute(
                select(CasePhoto.case_id, Photo.captured_at, Transfer.started_at)
                .join(Photo, CasePhoto.sha256 == Photo.sha256)
                .join(Transfer, Transfer.id == Photo.first_transfer_id)
                .where(CasePhoto.case_id.in_(chunk))):
            taken = _capture_time(text)
            if taken is not None and taken.date() <= received.date():
                day = taken.date()
                earliest[case_id] = min(day, earliest.get(case_id, day))
    for chunk in _chunks(case_ids):
        for case in session.scalars(select(Case).where(Case.id.in_(chunk))):
            if case.photographed_on is None:
                case.photographed_on = earliest.get(case.id)


def _change(session: Session, case_id: int, action: str, actor: str, field: str | None,
            before: Any, after: Any) -> None:
    session.add(CaseChange(case_id=case_id, action=action, field=field, before=before,
                           after=after, actor=actor, at=now()))


def _get(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"No case {case_id} in this archive.",
                       hint="`caesar cases list` shows them all.")
    return case


def _known_photo(session: Session, sha256: str) -> str:
    sha = sha256.lower()
    if session.get(Photo, sha) is None:
        raise NotFound(f"No original with SHA-256 {sha256} in this archive.",
                       hint="`caesar photos list` shows what the archive holds.")
    return sha


def _photo_in(session: Session, sha256: str, case_id: int) -> str:
    sha = _known_photo(session, sha256)
    row = session.get(CasePhoto, sha)
    if row is None or row.case_id != case_id:
        raise UsageError(f"Photo {sha} is not in case {case_id}.",
                         hint=f"`caesar cases show {case_id}` lists its photos.")
    return sha


# -- fields ---------------------------------------------------------------------------------

EDITABLE = ("sex", "age_min", "age_max", "height_cm", "hospital", "photographed_on", "marks",
            "findings", "clothing", "notes", "status", *KINDS)
"""The fields of `cases edit --set FIELD=VALUE`. Never `identification`: it follows the
review (a shortlisting makes a candidate, a second reviewer's confirmation an identification)."""


def _parse_field(name: str, text: str) -> Any:
    """A field's value from its text; an empty text clears the field."""
    value = text.strip()
    if name == "identification":
        raise UsageError("A case's identification is not edited: it follows the review.",
                         hint="A reviewer shortlists a case for a family's report (`caesar"
                         " review shortlist`: a candidate) and a second, different reviewer"
                         " confirms it (`caesar review confirm`: identified). Nothing was"
                         " changed.")
    if name not in EDITABLE:
        raise UsageError(f"Unknown case field {name!r}.",
                         hint=f"Fields: {', '.join(EDITABLE)}.")
    if name == "marks":
        try:
            return parse_marks(value.split(";"))
        except ValueError as exc:
            raise UsageError(f"Cannot record the marks: {exc}.",
                             hint=f"Write each mark as {FORM}, joined with ';'; docs/cases.md"
                             " lists the kinds, places and details.") from None
    if name == "findings":
        items = [v.strip() for v in value.split(";") if v.strip()]
        unknown = [v for v in items if v not in FINDINGS]
        if unknown:
            raise UsageError(f"Unknown finding(s): {', '.join(unknown)}.",
                             hint=f"Findings: {', '.join(FINDINGS)}.")
        return items
    if not value:
        if name == "status":
            raise UsageError(f"{name} cannot be empty.")
        return None
    choices = {"sex": ("M", "F"), "status": STATUSES}
    if name in choices:
        if value not in choices[name]:
            raise UsageError(f"{name} must be one of {', '.join(choices[name])}, not"
                             f" {value!r}.")
        return value
    if name in ("age_min", "age_max", "height_cm"):
        if not value.isdecimal() or not 0 <= int(value) <= 300:
            raise UsageError(f"{name} must be a whole number, not {value!r}.")
        return int(value)
    if name == "photographed_on":
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"photographed_on must be a date like 2013-08-02, not"
                             f" {value!r}.") from None
    if name in KINDS:
        return _digits(name, value)
    return value


def _digits(kind: str, text: str) -> str:
    """A number in Western digits; Arabic-Indic (and Persian) digits are accepted."""
    normal = to_western(text.strip())
    if not normal or not set(normal) <= _DIGITS:
        raise UsageError(f"The {kind} number must be digits, not {text!r}.")
    return normal


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# -- views ----------------------------------------------------------------------------------

_CASES = select(Case).options(selectinload(Case.photos))


class _Context:
    """What the views of several cases need, loaded in a few queries."""

    def __init__(self) -> None:
        self.readings: dict[str, list[Row[Any]]] = defaultdict(list)
        self.copies: dict[str, list[str]] = defaultdict(list)
        self.analysts: dict[tuple[int, str], list[AnalystReading]] = defaultdict(list)
        self.changes: dict[int, list[CaseChange]] = defaultdict(list)

    @classmethod
    def load(cls, session: Session, case_ids: Sequence[int]) -> _Context:
        context = cls()
        shas = select(CasePhoto.sha256).where(CasePhoto.case_id.in_(case_ids))
        # Plain rows, not ORM objects: a view of every case reads tens of thousands of them.
        for reading in session.execute(select(*NumberReading.__table__.columns).where(
                NumberReading.sha256.in_(shas)).order_by(NumberReading.id)):
            context.readings[reading.sha256].append(reading)
        for copy in session.scalars(select(PhotoCopy).where(PhotoCopy.original.in_(shas))):
            context.copies[copy.original].append(copy.sha256)
        for row in session.scalars(select(AnalystReading).where(
                AnalystReading.case_id.in_(case_ids)).order_by(AnalystReading.id)):
            context.analysts[(row.case_id, row.kind)].append(row)
        for change in session.scalars(select(CaseChange).where(
                CaseChange.case_id.in_(case_ids)).order_by(CaseChange.id)):
            context.changes[change.case_id].append(change)
        return context

    def proposals(self, case: Case) -> dict[Kind, Proposal]:
        per_photo, skin = [], []
        for photo in case.photos:
            readings = self.readings.get(photo.sha256, [])
            if readings:
                observed = [Observed(r.digits, r.place, r.position, r.confidence)
                            for r in readings]
                confidence = min(r.confidence for r in readings)
                per_photo.append((interpret(observed), confidence))
                skin += [(value, confidence) for value in skin_only(observed)]
        return propose(per_photo, skin)

    def view(self, case: Case, *, full: bool) -> CaseView:
        proposals = self.proposals(case)
        numbers: dict[str, str | None] = {}
        source: dict[str, str] = {}
        for kind in KINDS:
            decided = getattr(case, kind)
            proposal = proposals.get(kind)
            numbers[kind] = decided or (proposal.digits if proposal else None)
            source[kind] = "analyst" if decided else ("reading" if proposal else "none")
        photos = [p.sha256 for p in case.photos]
        return CaseView(
            id=case.id, photos=photos,
            copies=sorted(c for sha in photos for c in self.copies.get(sha, ())),
            numbers=CaseNumbers(**numbers), numbers_source=source, sex=case.sex,
            age_min=case.age_min, age_max=case.age_max, height_cm=case.height_cm,
            hospital=case.hospital, photographed_on=case.photographed_on,
            marks=list(case.marks), findings=list(case.findings), clothing=case.clothing,
            notes=case.notes, status=case.status, identification=case.identification,
            roles={p.sha256: p.role for p in case.photos},
            readings=[ReadingView(sha256=r.sha256, raw=r.raw, digits=r.digits, script=r.script,
                                  method=r.method, confidence=r.confidence, place=r.place)
                      for sha in photos for r in self.readings.get(sha, ())] if full else [],
            proposals={k: v for k, p in proposals.items()
                       if (v := _proposal_view(p)) is not None},
            analyst_readings=[_analyst_view(r) for kind in KINDS
                              for r in self.analysts.get((case.id, kind), ())] if full else [],
            history=[ChangeView(action=c.action, field=c.field, before=c.before, after=c.after,
                                actor=c.actor, at=c.at)
                     for c in self.changes.get(case.id, ())] if full else [],
        )


def _proposal_view(proposal: Proposal | None) -> ProposalView | None:
    if proposal is None:
        return None
    return ProposalView(digits=proposal.digits, support=round(proposal.support, 3),
                        against=round(proposal.against, 3), needs_review=proposal.needs_review)


def _analyst_view(row: AnalystReading) -> AnalystReadingView:
    return AnalystReadingView(kind=row.kind, digits=row.digits, analyst=row.analyst,
                              read_at=row.read_at)


def _chunks(items: Sequence[_T], size: int = 1000) -> Iterator[Sequence[_T]]:
    """`items` in slices small enough for an SQL IN list."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
