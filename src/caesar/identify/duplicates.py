"""Two reports of one person: a mother and a brother each reported the same son, once in
Arabic and once in Latin letters, through two partners.

Reports are paired only when they share a first name and a father's or family name as
consonant keys (blocking: thousands of reports, never all pairs), are of the same sex and
could still reach the threshold (`caesar.identify.candidates`). Each pair is then weighed part
by part, like matching (log10 of how much likelier the
agreement is for one person than for two): names (rarer names weigh more), birth year,
arrest date and place, detainee number and branch. The reasons name no one: "same first
name", never the name itself, so that the list can be shown and logged safely.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from caesar.identify.candidates import DECIDING, Reported, Spellings, candidate_pairs
from caesar.identify.comparison import habits
from caesar.identify.names import (
    CLOSE,
    PARTS,
    SAME_NAME,
    PersonName,
    compare_names,
    part_weight,
    parts_words,
    same_name,
    spellings_of,
    word,
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
    stepped,
)
from caesar.identify.records import ReportRecord
from caesar.identify.views import DuplicateView
from caesar.identify.wording import Listing, Phrase, counted, phrase

THRESHOLD = 2.5
"""A pair is offered for merging at this score (about 300 to 1 for one person)."""


def find_duplicates(records: Sequence[ReportRecord], *, threshold: float = THRESHOLD,
                    involving: int | None = None) -> list[DuplicateView]:
    """Pairs of reports that may be about one person, likeliest first; with `involving` (a
    report id), only that report's pairs are weighed (the rarity of names is still that of
    all `records`)."""
    names = [r.person for r in records]
    rarity = _rarity(names)
    spellings = Spellings()
    reports = [Reported(r, name, word(r.arrest_place) if r.arrest_place else None,
                        _agreement(name, rarity),
                        {p: spellings.number(w) for p in DECIDING if (w := name.part(p))})
               for r, name in zip(records, names, strict=True)]
    only = None if involving is None else next(
        (i for i, r in enumerate(records) if r.id == involving), -1)
    found = []
    for i, j in candidate_pairs(reports, spellings, threshold=threshold, involving=only):
        a, b = reports[i], reports[j]
        score, parts = _weigh(a, b)
        if score >= threshold:
            words = _why(a, b, parts)
            found.append(DuplicateView(reports=[a.record.id, b.record.id],
                                       score=round(score, 2), why=[str(w) for w in words],
                                       words=words))
    found.sort(key=lambda d: (-d.score, d.reports))
    return found


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


def _weigh(a: Reported, b: Reported) -> tuple[float, dict[str, float]]:
    """The pair's score, and how each name part both give compares."""
    parts = compare_names(a.name, b.name)
    score = sum(part_weight(value, a.agree[part]) for part, value in parts.items())
    if a.record.arrest_date and b.record.arrest_date:
        days = abs((a.record.arrest_date - b.record.arrest_date).days)
        score += stepped(days, ARRESTED_DAYS, ARRESTED_FAR)
    years = _birth_years(a.record, b.record)
    if years is not None:
        score += stepped(years, BORN_YEARS, BORN_FAR)
    if a.place and b.place and same_name(a.place, b.place):
        score += SAME_PLACE
    if a.record.detainee_number and b.record.detainee_number:
        score += SAME_NUMBER if a.record.detainee_number == b.record.detainee_number \
            else OTHER_NUMBER
    if a.record.branch_number and b.record.branch_number:
        score += SAME_BRANCH if a.record.branch_number == b.record.branch_number \
            else OTHER_BRANCH
    return score, parts


def _why(a: Reported, b: Reported, parts: dict[str, float]) -> list[Phrase]:
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
