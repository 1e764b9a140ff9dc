"""What the collection teaches about its numbers: learned at each build, kept in the catalogue.

The branch numbers that recur across bodies, the lengths of the numbers analysts confirmed and
where their values stand (counts, not the numbers), and how regular the collection's card
layouts are (:func:`caesar.cases.numbers.learn`). Views of a
single case weigh its readings with what the last build learned, so that showing one case never
reads the whole collection.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caesar.cases.counting import counted_values
from caesar.cases.numbers import KINDS, KNOWN_BRANCHES, Kind, Observed, Priors, learn
from caesar.cases.ranges import ValueRange
from caesar.cases.records import capture_time, now
from caesar.catalog.cases import Case, CasePhoto, CasePriors, NumberReading
from caesar.catalog.models import Photo


def learn_priors(session: Session) -> Priors:
    """Learn the priors from every case's readings and the numbers analysts set."""
    readings: dict[str, list[Observed]] = defaultdict(list)
    for row in session.execute(select(
            NumberReading.sha256, NumberReading.digits, NumberReading.place, NumberReading.row,
            NumberReading.line_order, NumberReading.confidence, NumberReading.label)):
        readings[row.sha256].append(Observed(row.digits, row.place, row.row, row.line_order,
                                             row.confidence, row.label))
    photos: dict[int, list[list[Observed]]] = defaultdict(list)
    taken: dict[int, datetime] = {}
    for sha, case_id, captured in session.execute(
            select(CasePhoto.sha256, CasePhoto.case_id, Photo.captured_at)
            .join(Photo, Photo.sha256 == CasePhoto.sha256)):
        photos[case_id].append(readings.get(sha, []))
        when = capture_time(captured)
        if when is not None and (case_id not in taken or when < taken[case_id]):
            taken[case_id] = when
    confirmed: list[tuple[dict[Kind, str | None], list[list[Observed]]]] = []
    for case in session.scalars(select(Case).where(
            (Case.detainee.is_not(None)) | (Case.branch.is_not(None))
            | (Case.forensic.is_not(None)))):
        numbers: dict[Kind, str | None] = {k: getattr(case, k) for k in KINDS}
        confirmed.append((numbers, photos.get(case.id, [])))
    priors = learn(photos.values(), [n for n, _ in confirmed], confirmed)
    # Cases in the order they were photographed (those with no capture time left out).
    in_order = sorted((t, case_id) for case_id, t in taken.items())
    priors.counted = counted_values([photos[case_id] for _, case_id in in_order],
                                    priors.branches.keys() | KNOWN_BRANCHES)
    return priors


def store_priors(session: Session, priors: Priors) -> None:
    """Keep what was learned for the views."""
    row = session.get(CasePriors, 1)
    data = _as_json(priors)
    if row is None:
        session.add(CasePriors(id=1, data=data, learned_at=now()))
    else:
        row.data, row.learned_at = data, now()


def load_priors(session: Session) -> Priors:
    """What the last build learned (nothing before the first build)."""
    row = session.get(CasePriors, 1)
    if row is None:
        return Priors()
    data = row.data
    return Priors(
        branches=Counter(data.get("branches", {})),
        lengths={k: Counter({int(n): c for n, c in v.items()})
                 for k, v in data.get("lengths", {}).items() if k in KINDS},
        slots={k: Counter(v) for k, v in data.get("slots", {}).items() if k in KINDS},
        written=Counter({int(n): c for n, c in data.get("written", {}).items()}),
        ranges={k: ValueRange.from_json(v) for k, v in data.get("ranges", {}).items()
                if k in KINDS},
        counted=frozenset(data.get("counted", ())))


def _as_json(priors: Priors) -> dict[str, Any]:
    return {"branches": dict(priors.branches),
            "lengths": {k: {str(n): c for n, c in v.items()} for k, v in priors.lengths.items()},
            "slots": {k: dict(v) for k, v in priors.slots.items()},
            "written": {str(n): c for n, c in priors.written.items()},
            "ranges": {k: v.as_json() for k, v in priors.ranges.items()},
            "counted": sorted(priors.counted)}
