"""Ranking cases for a report: blocking, weighing, and putting the best in words.

**Blocking.** Two facts exclude a case (`factors.exclusions`): the other sex, and a photograph
taken more than a month before the reported arrest. The table keeps, for each sex, its cases
in order of date, so the cases a report can be compared with are one contiguous slice (from
the arrest date less the margin onwards, undated cases last): nothing outside it is weighed,
except the few cases that share the report's detainee number or name, which are listed as
excluded with their reasons so that a caseworker sees why, and cases a reviewer decided on.

**Ranking.** Every factor is weighed over the slice at once; the score is the sum of the
weights; the best `limit` cases are put into words. A case with an exclusion is never ranked
unless a reviewer recorded an override (the exclusion then stays listed, with no weight).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from caesar.identify.explanations import explain
from caesar.identify.factors import (
    MARGIN_DAYS,
    ReportFacts,
    Weighed,
    exclusions,
    name_weight,
    rows_of,
    weigh,
)
from caesar.identify.names import compare_names
from caesar.identify.table import CaseFacts, CaseTable, Floats, Ints
from caesar.identify.views import FactorView
from caesar.identify.wording import Phrase, phrase

_NOTABLE_NAME = 1.0  # a name this close makes an excluded case worth listing


@dataclass(frozen=True)
class Candidate:
    """One case for one report: ranked (with a score) or excluded (score None)."""

    case: int
    score: float | None
    factors: list[FactorView]
    excluded: bool
    override: bool = False


def block(report: ReportFacts, table: CaseTable) -> Ints:
    """Table positions of the cases this report can be compared with (see module doc)."""
    part = table.partitions[report.sex if report.sex in ("M", "F") else None]
    if report.arrest_date is None:
        return part.order
    start = int(np.searchsorted(part.days, report.arrest_date.toordinal() - MARGIN_DAYS,
                                side="left"))
    return part.order[start:]


def scores(report: ReportFacts, table: CaseTable, rows: Ints) -> tuple[Floats, list[Weighed]]:
    """The score of each case at `rows`, and each factor's weights behind it."""
    weighed = weigh(report, table, rows)
    total = np.zeros(len(rows))
    for w in weighed:
        total += w.weights
    return total, weighed


def rank(report: ReportFacts, table: CaseTable, *, limit: int = 20,
         decided: Collection[int] = (), overrides: Collection[int] = ()) -> list[Candidate]:
    """The best `limit` cases for `report`, then excluded cases worth seeing.

    `decided` (case ids staff decided something about for this report) are always listed;
    `overrides` (case ids whose exclusion a reviewer lifted) are ranked despite it.
    """
    rows = block(report, table)
    total, weighed = scores(report, table, rows)
    top = _best(total, table.ids[rows], limit)
    ranked = [_candidate(report, table, int(rows[i]), float(total[i]), weighed, i)
              for i in top]
    shown = {c.case for c in ranked}
    extra = [int(r) for r in _notable(report, table)] + list(rows_of(
        table, [c for c in (*decided, *overrides) if c not in shown]))
    extra = [r for r in dict.fromkeys(extra) if int(table.ids[r]) not in shown]
    excluded: list[Candidate] = []
    if extra:
        extra_rows = np.array(extra, dtype=np.int64)
        extra_total, extra_weighed = scores(report, table, extra_rows)
        for i, row in enumerate(extra):
            case = table.facts[row]
            reasons = exclusions(report, case)
            if not reasons:
                if case.id in decided or case.id in overrides:
                    ranked.append(_candidate(report, table, row, float(extra_total[i]),
                                             extra_weighed, i))
                continue
            lifted = case.id in overrides
            entry = _excluded(report, case, reasons, extra_weighed, i, lifted)
            (ranked if lifted else excluded).append(entry)
    ranked.sort(key=lambda c: (-(c.score or 0.0), c.case))
    excluded.sort(key=lambda c: c.case)
    return ranked + excluded


def _best(total: Floats, ids: Ints, limit: int) -> list[int]:
    if len(total) == 0 or limit <= 0:
        return []
    if len(total) > limit:
        top = np.argpartition(-total, limit - 1)[:limit]
    else:
        top = np.arange(len(total))
    return sorted((int(i) for i in top), key=lambda i: (-total[i], ids[i]))


def _notable(report: ReportFacts, table: CaseTable) -> list[int]:
    """Cases so alike in number or name that a caseworker should see them even if excluded."""
    found = list(table.numbers.get(report.detainee or "", []))
    if report.name is not None:
        for row in table.named:
            name = table.facts[int(row)].name
            if name is not None and name_weight(compare_names(report.name, name)) \
                    >= _NOTABLE_NAME:
                found.append(int(row))
    return [r for r in found if exclusions(report, table.facts[r])]


def _factors(report: ReportFacts, case: CaseFacts, weighed: list[Weighed], i: int,
             skip: Collection[str] = ()) -> list[FactorView]:
    out = []
    for w in weighed:
        if w.factor in skip:
            continue
        words = explain(w, report, case)
        if words is not None:
            # + 0.0 turns a rounded -0.0 into 0.0: "-0.00" reads as evidence against.
            out.append(FactorView(factor=w.factor, weight=round(float(w.weights[i]), 2) + 0.0,
                                  why=str(words), words=words))
    return out


def _candidate(report: ReportFacts, table: CaseTable, row: int, score: float,
               weighed: list[Weighed], i: int) -> Candidate:
    case = table.facts[row]
    return Candidate(case=case.id, score=round(score, 2),
                     factors=_factors(report, case, weighed, i), excluded=False)


def _excluded(report: ReportFacts, case: CaseFacts, reasons: list[tuple[str, Phrase]],
              weighed: list[Weighed], i: int, lifted: bool) -> Candidate:
    """An excluded case: its reasons first (no weight), then the other evidence."""
    said = [phrase("{reason} (a reviewer lifted this exclusion)", reason=why) if lifted
            else why for _, why in reasons]
    factors = [FactorView(factor="exclusion", weight=0.0, exclusion=True, why=str(words),
                          words=words) for words in said]
    factors += _factors(report, case, weighed, i, skip={factor for factor, _ in reasons})
    score = round(sum(f.weight for f in factors), 2) if lifted else None
    return Candidate(case=case.id, score=score, factors=factors, excluded=not lifted,
                     override=lifted)
