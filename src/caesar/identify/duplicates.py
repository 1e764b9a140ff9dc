"""Two reports of one person: a mother and a brother each reported the same son, once in
Arabic and once in Latin letters, through two partners.

Reports are paired only when they share a first name and a father's or family name as
consonant keys (blocking: thousands of reports, never all pairs), and are of the same sex.
Each pair is then weighed part by part, like matching (log10 of how much likelier the
agreement is for one person than for two): names (rarer names weigh more), birth year,
arrest date and place, detainee number and branch. The reasons name no one: "same first
name", never the name itself, so that the list can be shown and logged safely.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from caesar.identify.comparison import habits
from caesar.identify.names import (
    CLOSE,
    PARTS,
    SAME_NAME,
    PersonName,
    Word,
    compare_names,
    name_blocks,
    part_weight,
    parts_words,
    same_name,
    spellings_of,
    word,
)
from caesar.identify.records import ReportRecord
from caesar.identify.views import DuplicateView
from caesar.identify.wording import Listing, Phrase, counted, phrase

THRESHOLD = 2.5
"""A pair is offered for merging at this score (about 300 to 1 for one person)."""

_MAX_BLOCK = 400  # a block this large (the commonest first and family names) is split further


@dataclass(frozen=True)
class _Report:
    record: ReportRecord
    name: PersonName
    place: Word | None
    agree: dict[str, float]  # what agreeing on each of its name parts weighs (by rarity)


def find_duplicates(records: Sequence[ReportRecord], *, threshold: float = THRESHOLD,
                    involving: int | None = None) -> list[DuplicateView]:
    """Pairs of reports that may be about one person, likeliest first; with `involving` (a
    report id), only that report's pairs are weighed (the rarity of names is still that of
    all `records`)."""
    names = [r.person for r in records]
    rarity = _rarity(names)
    reports = [_Report(r, name, word(r.arrest_place) if r.arrest_place else None,
                       _agreement(name, rarity)) for r, name in zip(records, names, strict=True)]
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, report in enumerate(reports):
        for key in name_blocks(report.name):
            blocks[f"{report.record.sex or '?'}|{key}"].append(i)
        if report.record.detainee_number:
            blocks[f"number|{report.record.detainee_number}"].append(i)
    pairs: set[tuple[int, int]] = set()
    only = next((i for i, r in enumerate(reports) if r.record.id == involving), -1)
    for members in blocks.values():
        if len(members) > _MAX_BLOCK:
            members = _narrow(reports, members)
        if involving is None:
            pairs.update(combinations(sorted(set(members)), 2))
        elif only in members:
            pairs.update((min(only, i), max(only, i)) for i in set(members) if i != only)
    found = []
    for i, j in pairs:
        a, b = reports[i], reports[j]
        if a.record.sex and b.record.sex and a.record.sex != b.record.sex:
            continue
        score, parts = _weigh(a, b)
        if score >= threshold:
            words = _why(a, b, parts)
            found.append(DuplicateView(reports=[a.record.id, b.record.id],
                                       score=round(score, 2), why=[str(w) for w in words],
                                       words=words))
    found.sort(key=lambda d: (-d.score, d.reports))
    return found


def _narrow(reports: Sequence[_Report], members: list[int]) -> list[int]:
    """Within a very large block, keep only pairs that also share a birth decade."""
    by_decade: dict[int | None, list[int]] = defaultdict(list)
    for i in members:
        year = reports[i].record.birth_year
        by_decade[year // 10 if year else None].append(i)
    return [i for group in by_decade.values() if len(group) <= _MAX_BLOCK for i in group]


def _rarity(names: Sequence[PersonName]) -> dict[tuple[str, str], float]:
    """How often each name part's consonant key occurs among the reports (its share)."""
    counts: Counter[tuple[str, str]] = Counter()
    for name in names:
        for part in PARTS:
            w = name.part(part)
            if w is not None:
                counts[(part, w.key)] += 1
    total = max(len(names), 1)
    return {key: n / total for key, n in counts.items()}


def _agreement(name: PersonName, rarity: dict[tuple[str, str], float]) -> dict[str, float]:
    """What agreeing on each part of `name` weighs: a name that 1 report in `1/share` carries
    weighs more the rarer it is (once per report, not per pair)."""
    out = {}
    for part in PARTS:
        w = name.part(part)
        share = rarity.get((part, w.key), 0.01) if w else 0.01
        out[part] = min(2.0, max(0.3, math.log10(0.9 / max(share, 0.002))))
    return out


def _weigh(a: _Report, b: _Report) -> tuple[float, dict[str, float]]:
    """The pair's score, and how each name part both give compares."""
    parts = compare_names(a.name, b.name)
    score = sum(part_weight(value, a.agree[part]) for part, value in parts.items())
    if a.record.arrest_date and b.record.arrest_date:
        days = abs((a.record.arrest_date - b.record.arrest_date).days)
        score += 0.8 if days <= 30 else 0.2 if days <= 90 else -0.3 if days <= 180 else -0.8
    years = _birth_years(a.record, b.record)
    if years is not None:
        score += 0.5 if years <= 1 else 0.1 if years <= 3 else -0.3 if years <= 6 else -1.0
    if a.place and b.place and same_name(a.place, b.place):
        score += 0.5
    if a.record.detainee_number and b.record.detainee_number:
        score += 2.0 if a.record.detainee_number == b.record.detainee_number else -1.0
    if a.record.branch_number and b.record.branch_number:
        score += 0.3 if a.record.branch_number == b.record.branch_number else -0.2
    return score, parts


def _why(a: _Report, b: _Report, parts: dict[str, float]) -> list[Phrase]:
    """The reasons for a pair offered, naming nobody: which parts agree, how the spellings
    differ (letters, never names), dates, place, number, branch."""
    why: list[Phrase] = []
    alike = [p for p, v in parts.items() if v >= SAME_NAME]
    close = [p for p, v in parts.items() if CLOSE <= v < SAME_NAME]
    differ = [p for p, v in parts.items() if v < CLOSE]
    if alike:
        why.append(phrase("the same {parts}", parts=parts_words(alike)))
    for part, found in spellings_of(a.name, b.name, parts=alike).items():
        why.append(phrase("{part} spelt differently: {how}", part=parts_words([part]),
                          how=Listing(tuple(habits(found)), "; ")))
    if close:
        why.append(phrase("a similar {parts}", parts=parts_words(close)))
    if differ:
        why.append(phrase("a different {parts}", parts=parts_words(differ)))
    if a.record.arrest_date and b.record.arrest_date:
        days = abs((a.record.arrest_date - b.record.arrest_date).days)
        why.append(counted("arrested {n} days apart", "n", n=days) if days
                   else phrase("arrested on the same day"))
    years = _birth_years(a.record, b.record)
    if years is not None:
        why.append(counted("born {n} years apart", "n", n=years) if years
                   else phrase("born the same year"))
    if a.place and b.place and same_name(a.place, b.place):
        why.append(phrase("arrested in the same place"))
    if a.record.detainee_number and b.record.detainee_number:
        why.append(phrase("the same detainee number")
                   if a.record.detainee_number == b.record.detainee_number
                   else phrase("different detainee numbers"))
    if a.record.branch_number and b.record.branch_number:
        why.append(phrase("the same arresting branch")
                   if a.record.branch_number == b.record.branch_number
                   else phrase("different arresting branches"))
    scripts = {w.arabic for r in (a, b) if (w := r.name.first) is not None}
    if len(scripts) == 2:
        why.append(phrase("one report in Arabic letters, the other in Latin"))
    return why


def _birth_years(a: ReportRecord, b: ReportRecord) -> int | None:
    if a.birth_year is None or b.birth_year is None:
        return None
    return abs(a.birth_year - b.birth_year)
