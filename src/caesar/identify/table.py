"""Cases as arrays, for comparing one report with every case at once, and the counts of the
whole population of cases that make a piece of evidence weak (common) or strong (rare).

A report is compared with thousands of cases: each factor is computed over numpy arrays
(one element per case), and only the few best-ranked cases are put into words. The table is
built once from the cases' views and kept for as long as the cases do not change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from caesar.cases.marks import Mark, read_mark
from caesar.identify.names import PersonName

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

UNDATED = np.inf  # a case with no date sorts after every dated one, so no date block drops it
PRIOR_CASES = 30
"""Imaginary cases that temper the counts of a small archive: with thousands of real cases
they weigh nothing; with a few dozen they keep one coincidence from looking like a pattern."""
_DENSITY_WINDOW = 30  # days either side when counting how many cases share a date
AGE_BANDS = (0.0, 2.0, 5.0, 10.0)  # years outside the apparent range: 0, <=2, <=5, <=10, more
_SEX_CODES = {"M": 1, "F": 2}


@dataclass(frozen=True)
class CaseFacts:
    """What matching uses of one case (from its `CASE` view and a name recorded on it)."""

    id: int
    sex: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    photographed_on: date | None = None
    branch: str | None = None
    detainee: str | None = None
    height_cm: int | None = None
    marks: tuple[str, ...] = ()
    name: PersonName | None = None


@dataclass(frozen=True)
class Partition:
    """The cases a report of one sex may be compared with, in order of date."""

    order: Ints  # positions in the table, sorted by date (undated last)
    days: Floats  # their dates (day numbers), same order


@dataclass(frozen=True)
class MarkIndex:
    """Every recorded mark of one kind: the distinct marks, and which case bears which.

    Sparse on purpose: a kind is borne by a few cases in a hundred, so a report's mark is
    compared with the few hundred distinct marks of its kind, not with every case."""

    marks: tuple[Mark, ...]  # distinct marks of this kind, as recorded
    rows: Ints  # one entry per (case, mark): the case's position in the table
    which: Ints  # same length: the index of the mark in `marks`
    cases: int  # how many cases bear a mark of this kind


@dataclass
class CaseTable:
    """Every case's facts as arrays, and the population's statistics."""

    facts: tuple[CaseFacts, ...]
    ids: Ints
    sex: NDArray[np.int8]
    age_min: Floats
    age_max: Floats
    day: Floats
    branch: NDArray[np.int32]
    height: Floats
    has_marks: Bools
    mark_index: dict[str, MarkIndex]  # kind -> its recorded marks
    log_density: Floats  # log10 of the share of cases photographed per day around each date
    branch_codes: dict[str, int]
    branch_share: dict[int, float]
    sex_share: dict[int, float]
    height_mean: float
    height_sd: float
    numbers: dict[str, list[int]]  # detainee number -> positions
    has_number: Bools
    number_keys: list[str]
    named: Ints  # positions of cases that carry a name from another source
    partitions: dict[str | None, Partition] = field(default_factory=dict)
    position: dict[int, int] = field(default_factory=dict)  # case id -> position
    # What factors derive from the cases and one reported value (a mark's weights against
    # every case), kept while the table lives: many reports describe the same marks.
    memo: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def size(self) -> int:
        """How many cases."""
        return len(self.facts)


def build_table(cases: Sequence[CaseFacts]) -> CaseTable:
    """The arrays and statistics of `cases`."""
    facts = tuple(cases)
    ids = np.array([c.id for c in facts], dtype=np.int64)
    sex = np.array([_SEX_CODES.get(c.sex or "", 0) for c in facts], dtype=np.int8)
    age_min = _floats([c.age_min for c in facts])
    age_max = _floats([c.age_max for c in facts])
    day = np.array([c.photographed_on.toordinal() if c.photographed_on else UNDATED
                    for c in facts], dtype=np.float64)
    branch_codes: dict[str, int] = {}
    branch = np.array([branch_codes.setdefault(c.branch, len(branch_codes)) if c.branch
                       else -1 for c in facts], dtype=np.int32)
    height = _floats([c.height_cm for c in facts])

    parsed: list[list[Mark]] = [[read_mark(m) for m in c.marks] for c in facts]
    has_marks = np.array([bool(m) for m in parsed], dtype=np.bool_)

    numbers: dict[str, list[int]] = defaultdict(list)
    for row, c in enumerate(facts):
        if c.detainee:
            numbers[c.detainee].append(row)

    table = CaseTable(
        facts=facts, ids=ids, sex=sex, age_min=age_min, age_max=age_max, day=day,
        branch=branch, height=height, has_marks=has_marks, mark_index=_mark_index(parsed),
        log_density=_log_density(day), branch_codes=branch_codes,
        branch_share=_shares(branch[branch >= 0]), sex_share=_shares(sex[sex > 0]),
        height_mean=float(np.nanmean(height)) if np.isfinite(height).any() else 170.0,
        height_sd=_height_sd(height), numbers=dict(numbers),
        has_number=np.array([bool(c.detainee) for c in facts], dtype=np.bool_),
        number_keys=list(numbers),
        named=np.array([row for row, c in enumerate(facts) if c.name is not None],
                       dtype=np.int64),
        position={c.id: row for row, c in enumerate(facts)})
    table.partitions = {key: _partition(table, allowed) for key, allowed in (
        (None, (0, 1, 2)), ("M", (0, 1)), ("F", (0, 2)))}
    return table


def _mark_index(parsed: Sequence[Sequence[Mark]]) -> dict[str, MarkIndex]:
    distinct: dict[str, dict[Mark, int]] = defaultdict(dict)
    entries: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row, marks in enumerate(parsed):
        for mark in dict.fromkeys(marks):
            known = distinct[mark.kind]
            entries[mark.kind].append((row, known.setdefault(mark, len(known))))
    out = {}
    for kind, pairs in entries.items():
        rows, which = (np.array(column, dtype=np.int64) for column in zip(*pairs, strict=True))
        out[kind] = MarkIndex(marks=tuple(distinct[kind]), rows=rows, which=which,
                              cases=len(np.unique(rows)))
    return out


def _floats(values: Sequence[int | None]) -> Floats:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _shares(codes: NDArray[np.int32] | NDArray[np.int8]) -> dict[int, float]:
    """How common each value is, with one imaginary case per value (a small archive)."""
    if codes.size == 0:
        return {}
    values, counts = np.unique(codes, return_counts=True)
    return {int(v): (float(c) + 1) / (codes.size + len(values))
            for v, c in zip(values, counts, strict=True)}


def _log_density(day: Floats) -> Floats:
    """log10 of the share of cases photographed per day in the window around each date.

    :data:`PRIOR_CASES` imaginary cases spread evenly over the period (at least two years)
    keep a small archive's few dates from looking like a crowd.
    """
    dated = np.sort(day[np.isfinite(day)])
    out = np.zeros_like(day)
    if dated.size == 0:
        return out
    finite = np.isfinite(day)
    window = 2 * _DENSITY_WINDOW + 1
    span = max(float(dated[-1] - dated[0]) + window, 730.0)
    low = np.searchsorted(dated, day[finite] - _DENSITY_WINDOW, side="left")
    high = np.searchsorted(dated, day[finite] + _DENSITY_WINDOW, side="right")
    share = ((high - low) + PRIOR_CASES * window / span) / (dated.size + PRIOR_CASES) / window
    out[finite] = np.log10(np.maximum(share, 1e-6))
    return out


def age_distance(age: Floats | float, low: Floats, high: Floats) -> Floats:
    """Years an age lies outside an apparent age range (0 inside; NaN when unknown)."""
    return np.maximum(np.maximum(low - age, age - high), 0.0)


def age_band(distance: Floats) -> Ints:
    """Which band each distance falls in: 0 inside the range, then up to 2, 5, 10 years, more.

    (NaN distances land in the last band: callers mask unknown ages themselves.)
    """
    bands: Ints = np.searchsorted(np.array(AGE_BANDS), distance, side="left")
    return bands


def _height_sd(height: Floats) -> float:
    known = height[np.isfinite(height)]
    return max(4.0, float(np.std(known))) if known.size >= 10 else 8.0


def _partition(table: CaseTable, allowed: tuple[int, ...]) -> Partition:
    rows = np.flatnonzero(np.isin(table.sex, allowed))
    order = rows[np.argsort(table.day[rows], kind="stable")]
    return Partition(order=order.astype(np.int64), days=table.day[order])
