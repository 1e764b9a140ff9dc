"""Which pairs of reports are worth weighing as one person's: blocks, then bounds.

Reports are paired only within blocks that share a first name's key with a father's or family
name's key (`caesar.identify.names.name_blocks`), or a detainee number: thousands of reports,
never all pairs. Within a block most pairs are two people, and one part of their names
(mostly the family name) settles it. So every pair of a block starts from the most it could
weigh (the evidence beside the names, and each name part both give as if it agreed), and the
name parts are then compared in turn, the family name first, for all pairs at once (numpy):
a pair is dropped as soon as even agreeing on the parts left could not lift it to the
threshold. Each distinct pair of spellings is compared once (:class:`Spellings`), and only
for pairs that could still be offered; the pairs kept are then weighed exactly, one by one,
by `caesar.identify.duplicates`, so the bounds change which pairs are weighed, never a score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from caesar.identify.names import (
    CLOSE,
    PART_WEIGHTS,
    SAME_NAME,
    PersonName,
    Word,
    name_blocks,
    part_weight,
    similarity,
)
from caesar.identify.pair_weights import (
    ARRESTED_DAYS,
    ARRESTED_FAR,
    BORN_FAR,
    BORN_YEARS,
    OTHER_BRANCH,
    OTHER_NUMBER,
    SAME_BRANCH,
    SAME_NUMBER,
    SAME_PLACE,
    Steps,
)
from caesar.identify.records import ReportRecord

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

MAX_BLOCK = 400  # a block this large (the commonest first and family names) is split further

DECIDING = ("family", "father", "grandfather", "first", "mother")
"""The order name parts are compared in while a pair may still reach the threshold: the family
name first (blocks share a first name's key, so it mostly agrees; the family name tells two
people apart most often)."""

# The most a name part can add: its agreement weight, or a close spelling's weight when the
# name is so common that agreeing weighs less.
_CLOSE_WEIGHT = part_weight(CLOSE, 0.0)
_MARGIN = 1e-9  # sums in another order may differ in their last bits: never drop on those


@dataclass(frozen=True)
class Reported:
    """A report as duplicate detection reads it."""

    record: ReportRecord
    name: PersonName
    place: Word | None  # the place of arrest, as a name
    agree: dict[str, float]  # what agreeing on each of its name parts weighs (by rarity)
    spellings: dict[str, int]  # each name part it gives, as its spelling's number


class Spellings:
    """Each distinct spelling of the reports' names numbered once, and the similarity of two
    spellings computed once however many pairs of reports write them."""

    def __init__(self) -> None:
        self._numbers: dict[tuple[str, bool], int] = {}
        self._words: list[Word] = []
        self._similar: dict[tuple[int, int], float] = {}

    def __len__(self) -> int:
        return len(self._words)

    def number(self, spelling: Word) -> int:
        """The number of `spelling` (the same letters in the same script, the same number)."""
        key = (spelling.text, spelling.arabic)
        found = self._numbers.get(key)
        if found is None:
            found = self._numbers[key] = len(self._words)
            self._words.append(spelling)
        return found

    def similarity(self, x: int, y: int) -> float:
        """How alike spellings `x` and `y` are (`caesar.identify.names.similarity`)."""
        found = self._similar.get((x, y))
        if found is None:
            found = self._similar[x, y] = similarity(self._words[x], self._words[y]) or 0.0
        return found


def candidate_pairs(reports: Sequence[Reported], spellings: Spellings, *, threshold: float,
                    involving: int | None = None) -> list[tuple[int, int]]:
    """The pairs of `reports` (by position, the first before the second) of the same sex,
    sharing a block, whose score may reach `threshold`; with `involving` (a position), only
    that report's pairs."""
    first, second = _blocked(reports, involving)
    if not len(first):
        return []
    sexes = _codes([r.record.sex for r in reports])
    same_sex = (sexes[first] < 0) | (sexes[second] < 0) | (sexes[first] == sexes[second])
    first, second = first[same_sex], second[same_sex]
    numbers = np.array([[spellings_of.get(p, -1) for p in DECIDING]
                        for spellings_of in (r.spellings for r in reports)], dtype=np.int64)
    agree = np.array([[r.agree[p] for p in DECIDING] for r in reports])
    shared = (numbers[first] >= 0) & (numbers[second] >= 0)
    best = np.where(shared, np.maximum(agree[first], _CLOSE_WEIGHT), 0.0)
    reach = _beside_names(reports, first, second) + best.sum(axis=1)
    count = len(spellings)
    for k in range(len(DECIDING)):
        now = (reach >= threshold - _MARGIN) & shared[:, k]
        x, y = numbers[first[now], k], numbers[second[now], k]
        codes, where = np.unique(x * count + y, return_inverse=True)
        values = np.array([spellings.similarity(int(c) // count, int(c) % count)
                           for c in codes])[where] if len(codes) else np.zeros(0)
        reach[now] += _part_weights(values, agree[first[now], k]) - best[now, k]
    kept = reach >= threshold - _MARGIN
    return list(zip(first[kept].tolist(), second[kept].tolist(), strict=True))


def _blocked(reports: Sequence[Reported], involving: int | None) -> tuple[Ints, Ints]:
    """Every pair of reports that share a block, each once (first position < second)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, report in enumerate(reports):
        for key in name_blocks(report.name):
            blocks[f"{report.record.sex or '?'}|{key}"].append(i)
        if report.record.detainee_number:
            blocks[f"number|{report.record.detainee_number}"].append(i)
    size = len(reports)
    codes: list[Ints] = []
    for members in blocks.values():
        if len(members) < 2:  # most keys: a spelling no other report shares
            continue
        if len(members) > MAX_BLOCK:
            members = _narrow(reports, members)
        group = np.array(sorted(set(members)), dtype=np.int64)
        if involving is None:
            one, other = _upper(len(group))
            codes.append(group[one] * size + group[other])
        elif involving in group:
            others = group[group != involving]
            codes.append(np.minimum(others, involving) * size + np.maximum(others, involving))
    if not codes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pairs = np.unique(np.concatenate(codes))
    return pairs // size, pairs % size


@cache
def _upper(size: int) -> tuple[Ints, Ints]:
    """The positions of every two members of a block of `size` (the first before the other)."""
    one, other = np.triu_indices(size, 1)
    return one.astype(np.int64), other.astype(np.int64)


def _narrow(reports: Sequence[Reported], members: list[int]) -> list[int]:
    """Within a very large block, keep only pairs that also share a birth decade."""
    by_decade: dict[int | None, list[int]] = defaultdict(list)
    for i in members:
        year = reports[i].record.birth_year
        by_decade[year // 10 if year else None].append(i)
    return [i for group in by_decade.values() if len(group) <= MAX_BLOCK for i in group]


def _beside_names(reports: Sequence[Reported], first: Ints, second: Ints) -> Floats:
    """What the evidence beside the names weighs for each pair (the place at most)."""
    records = [r.record for r in reports]
    arrested = np.array([r.arrest_date.toordinal() if r.arrest_date else -1 for r in records])
    born = np.array([r.birth_year if r.birth_year is not None else -1 for r in records])
    out = _stepped(arrested, first, second, ARRESTED_DAYS, ARRESTED_FAR)
    out += _stepped(born, first, second, BORN_YEARS, BORN_FAR)
    places = np.array([r.place is not None for r in reports])
    out += np.where(places[first] & places[second], SAME_PLACE, 0.0)
    out += _alike([r.detainee_number for r in records], first, second, SAME_NUMBER,
                  OTHER_NUMBER)
    out += _alike([r.branch_number for r in records], first, second, SAME_BRANCH,
                  OTHER_BRANCH)
    return out


def _stepped(values: Ints, first: Ints, second: Ints, steps: Steps, beyond: float) -> Floats:
    """`pair_weights.stepped` for every pair whose two values are known (-1: unknown)."""
    apart = np.abs(values[first] - values[second])
    weights = np.select([apart <= limit for limit, _ in steps], [w for _, w in steps], beyond)
    return np.where((values[first] >= 0) & (values[second] >= 0), weights, 0.0)


def _alike(values: Sequence[str | None], first: Ints, second: Ints, same: float,
           other: float) -> Floats:
    """`same` for pairs that give one value, `other` for two values, 0 where one is unknown."""
    codes = _codes(values)
    known = (codes[first] >= 0) & (codes[second] >= 0)
    return np.where(known, np.where(codes[first] == codes[second], same, other), 0.0)


def _part_weights(values: Floats, agree: Floats) -> Floats:
    """`names.part_weight` for many similarities at once."""
    below = np.select([values >= floor for floor, _ in PART_WEIGHTS],
                      [w for _, w in PART_WEIGHTS], PART_WEIGHTS[-1][1])
    return np.where(values >= SAME_NAME, agree, below)


def _codes(values: Sequence[str | None]) -> Ints:
    """A number for each distinct text (-1 for none or empty), to compare them with numpy."""
    numbers: dict[str, int] = {}
    return np.array([numbers.setdefault(v, len(numbers)) if v else -1 for v in values],
                    dtype=np.int64)
