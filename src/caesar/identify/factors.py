"""The evidence that a case is the person a family reported, one factor at a time.

Each factor weighs one comparison as a likelihood ratio, in the spirit of the non-genetic
evidence of missing-person identification (mispitools; Marsico et al., FSI: Genetics 2023):

    weight = log10( P(what we see | the case is this person) / P(what we see | it is not) )

so +1 means "ten times more likely if this is the person", 0 means "says nothing", and the
weights add up to the score. The first probability comes from how reliable families' reports
and analysts' estimates are (stated below, with the reasons); the second from the population
of cases itself: sharing branch 215 with three cases in ten says little, sharing a gold tooth
on the lower teeth with one case in two hundred says much. Two facts exclude a case instead of
weighing it: a different sex, and a photograph taken more than :data:`MARGIN_DAYS` before the
reported arrest. A factor whose facts are unknown on either side is left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from caesar.cases.marks import Mark, parse_mark
from caesar.cases.vocabulary import details_for
from caesar.identify.inscriptions import TEXTS
from caesar.identify.marks import (
    ABSENT_SAME,
    DETAILS,
    PLACE_SAME,
    PLACES,
    RELATIONS,
    TEXT_SAME,
    Relation,
    detail_likelihood,
    relation,
)
from caesar.identify.names import (
    PersonName,
    compare_names,
    part_weight,
)
from caesar.identify.records import ReportRecord
from caesar.identify.table import (
    PRIOR_CASES,
    Bools,
    CaseFacts,
    CaseTable,
    Floats,
    Ints,
    age_band,
    age_distance,
)
from caesar.identify.wording import N_, Phrase, days, phrase

MARGIN_DAYS = 30
"""A case photographed more than this many days before the reported arrest is excluded.
Families often remember an arrest date weeks off; a month is more than that noise."""

# (the report's sex, the case's: None when not a man's or a woman's) -> why it excludes.
_OTHER_SEX = {
    ("M", "F"): N_("the report is of a man; the case is a woman"),
    ("F", "M"): N_("the report is of a woman; the case is a man"),
    ("M", None): N_("the report is of a man; the case is of unknown sex"),
    ("F", None): N_("the report is of a woman; the case is of unknown sex")}
_AGE_SAME = np.array([0.70, 0.12, 0.09, 0.06, 0.03])
_CLIP = (-3.0, 4.0)


@dataclass(frozen=True)
class ReportFacts:
    """What matching uses of one report."""

    id: int
    sex: str | None = None
    birth_year: int | None = None
    birth_date: date | None = None
    arrest_date: date | None = None
    branch: str | None = None
    detainee: str | None = None
    height_cm: int | None = None
    marks: tuple[Mark, ...] = ()
    name: PersonName | None = None

    @classmethod
    def of(cls, record: ReportRecord) -> ReportFacts:
        """The facts of an opened report."""
        marks = []
        for code in record.marks:
            try:
                marks.append(parse_mark(code))
            except ValueError:
                continue  # stored before the vocabulary changed: it cannot be compared
        return cls(id=record.id, sex=record.sex, birth_year=record.birth_year,
                   birth_date=record.birth_date, arrest_date=record.arrest_date,
                   branch=record.branch_number, detainee=record.detainee_number,
                   height_cm=record.height_cm, marks=tuple(marks), name=record.person)

    @property
    def birth_day(self) -> float | None:
        """The birth as a day number (mid-year when only the year is known)."""
        if self.birth_date is not None:
            return float(self.birth_date.toordinal())
        if self.birth_year is not None:
            return float(date(self.birth_year, 7, 1).toordinal())
        return None


@dataclass(frozen=True)
class Weighed:
    """One factor's weights over the compared cases (a mark factor names its mark)."""

    factor: str
    weights: Floats
    subject: Mark | None = None  # the reported mark, for mark factors
    levels: Floats | None = None  # mark factors: the weight of each `marks.Relation`


# -- exclusions ------------------------------------------------------------------------------

def exclusions(report: ReportFacts, case: CaseFacts) -> list[tuple[str, Phrase]]:
    """Why this case cannot be the person: (the factor that excludes it, in words); empty when
    it can be."""
    reasons = []
    if report.sex and case.sex and report.sex != case.sex:
        other = case.sex if case.sex in ("M", "F") else None
        reasons.append(("sex", Phrase(_OTHER_SEX[(report.sex, other)])))
    if report.arrest_date and case.photographed_on:
        before = (report.arrest_date - case.photographed_on).days
        if before > MARGIN_DAYS:
            reasons.append(("date", phrase(
                "photographed on {photographed}, {before} before the reported arrest on"
                " {arrest} (more than the {margin} a reported date may be off)",
                photographed=case.photographed_on, before=days(before),
                arrest=report.arrest_date, margin=days(MARGIN_DAYS))))
    return reasons


# -- factors ---------------------------------------------------------------------------------

def sex(report: ReportFacts, table: CaseTable, rows: Ints) -> Weighed | None:
    """Same sex: rare sexes weigh more (about 3 in 100 of these bodies are women)."""
    if report.sex is None:
        return None
    code = 1 if report.sex == "M" else 2
    share = table.sex_share.get(code, 0.5)
    known = table.sex[rows] > 0
    # Sex recorded on both sides agrees for the same person (disagreement excludes).
    weights = np.where(known, math.log10(1.0 / max(share, 0.01)), 0.0)
    return Weighed("sex", weights)


def age(report: ReportFacts, table: CaseTable, rows: Ints) -> Weighed | None:
    """The age the report gives at the photo's date against the analyst's apparent age range.

    Families give birth years a few years off, and apparent age misleads (starvation ages a
    face): P(inside | same) = 0.70, then 0.12, 0.09, 0.06, 0.03 for up to 2, 5, 10 and more
    years outside. The chance for a random case comes from the ranges of the cases compared.
    """
    birth = report.birth_day
    if birth is None:
        return None
    bands, known = _age_bands(report, birth, table)
    # A random case's band: how all cases fall around this person's age.
    counts = np.bincount(bands[known], minlength=len(_AGE_SAME))
    population = (counts + 0.5) / (int(known.sum()) + 0.5 * len(_AGE_SAME))
    ratio = _AGE_SAME[bands[rows]] / population[bands[rows]]
    return Weighed("age", np.where(known[rows], np.clip(np.log10(ratio), *_CLIP), 0.0))


def _age_bands(report: ReportFacts, birth: float, table: CaseTable) -> tuple[Ints, Bools]:
    """For every case: how far the report's age at its date is outside its apparent range
    (as a band), and whether both are known."""
    ages = (table.day - birth) / 365.25
    known = np.isfinite(ages) & np.isfinite(table.age_min) & np.isfinite(table.age_max)
    slack = 0.0 if report.birth_date else 0.5
    distance = np.maximum(age_distance(ages, table.age_min, table.age_max) - slack, 0.0)
    return age_band(np.where(known, distance, 0.0)), known


def _detention(days: Floats) -> Floats:
    """How likely a death is `days` after arrest: most within months, some after years.

    A log-normal with a median of four months (deaths in these branches came mostly in the
    first months of detention), mixed with 15% spread evenly over four years. Dates up to
    two weeks apart weigh as two weeks: reported arrest dates are often off by weeks.
    """
    g = np.maximum(days, 14.0)
    mu, sigma = math.log(120.0), 1.1
    lognormal = np.exp(-((np.log(g) - mu) ** 2) / (2 * sigma ** 2)) / (g * sigma
                                                                       * math.sqrt(2 * math.pi))
    density: Floats = 0.85 * lognormal + 0.15 / 1460.0
    return np.where(days < 0, density * 0.5, density)


def dates(report: ReportFacts, table: CaseTable, rows: Ints) -> Weighed | None:
    """Photographed some time after the reported arrest: how usual is that gap, against how
    many cases were photographed around that date."""
    if report.arrest_date is None:
        return None
    days = table.day[rows]
    known = np.isfinite(days)
    gap = np.where(known, days - report.arrest_date.toordinal(), 0.0)
    ratio = np.log10(_detention(gap)) - table.log_density[rows]
    return Weighed("date", np.where(known, np.clip(ratio, *_CLIP), 0.0))


# Bodies carry the number of the branch where the person was held when they died, which is
# not always the branch that arrested them, and families mishear: agreement 65% of the time.
_BRANCH_AGREES = 0.65


def branch(report: ReportFacts, table: CaseTable, rows: Ints) -> Weighed | None:
    """The branch on the body against the branch that arrested the person."""
    if report.branch is None:
        return None
    code = table.branch_codes.get(report.branch, -2)
    share = max(table.branch_share.get(code, 0.0), 0.005)
    case_branch = table.branch[rows]
    weights = np.where(case_branch == code, math.log10(_BRANCH_AGREES / share),
                       math.log10((1 - _BRANCH_AGREES) / max(1 - share, 0.005)))
    return Weighed("branch", np.where(case_branch >= 0, weights, 0.0))


def detainee(report: ReportFacts, table: CaseTable, rows: Ints) -> Weighed | None:
    """The detainee number on the body against the one the family was given.

    The same number is strong evidence (numbers repeat only across branches); one digit off
    is a misreading or a misremembering (3 in 100); any other number counts against.
    """
    if report.detainee is None or not table.numbers:
        return None
    # How often a random case would carry this number: its count among the cases, tempered
    # by imaginary cases with numbers drawn from ten thousand (a small archive).
    known = int(table.has_number.sum()) + PRIOR_CASES
    prior = PRIOR_CASES / 10_000
    weights = np.where(table.has_number, math.log10(0.04), 0.0)
    near = process.extract(report.detainee, table.number_keys, scorer=Levenshtein.distance,
                           score_cutoff=1, limit=None)
    near_rows = [r for number, distance, _ in near if distance == 1
                 for r in table.numbers[number]]
    if near_rows:
        weights[near_rows] = math.log10(0.03 * known / (len(near_rows) + 40 * prior))
    exact = table.numbers.get(report.detainee, [])
    if exact:
        weights[exact] = math.log10(0.9 * known / (len(exact) + prior))
    return Weighed("detainee_number", np.clip(weights[rows], *_CLIP))


def marks(report: ReportFacts, table: CaseTable, rows: Ints) -> list[Weighed]:
    """Each mark the family describes, against the marks recorded on the body.

    Every mark of the reported kind on a body is compared (`marks.relation`: place, detail,
    then a tattoo's text) and the one that fits best counts, in factors that multiply as the
    chain rule says: `mark`, P(the body bears the kind so placed | same person) over the share
    of cases that do; `mark_detail`, P(its detail compares so | same person) over the share
    of such marks whose detail does, among those whose detail is recorded; and
    `mark_inscription`, P(its text compares so | same person) over the share of the recorded
    texts that compare so with the family's. So a tattoo of an eagle on the left forearm
    weighs far more than a tattoo there, a tattoo reading "Rania" there more again, and a
    tattoo of a rose there, or reading "Huda", less (never excluded: families misremember).
    A detail or text known on one side only weighs nothing; a body with no mark of the kind
    weighs as "not recorded"; a case with no marks recorded at all is left out.
    """
    out = []
    has = table.has_marks[rows]
    for mark in report.marks:
        fitted = _mark_weights(mark, table)
        levels = fitted.place + fitted.detail + fitted.text
        out.append(Weighed("mark", _per_case(fitted, fitted.place, fitted.absent, has, rows),
                           mark, levels))
        if mark.detail is not None:
            out.append(Weighed("mark_detail", _per_case(fitted, fitted.detail, 0.0, has, rows),
                               mark, levels))
        if mark.inscription is not None:
            out.append(Weighed("mark_inscription",
                               _per_case(fitted, fitted.text, 0.0, has, rows), mark, levels))
    return out


def _per_case(fitted: _MarkWeights, levels: Floats, absent: float, has: Bools,
              rows: Ints) -> Floats:
    """One part of a mark's weight for the cases at `rows`: its level for each case's
    best-fitting mark, `absent` for a case without one (0 for a case with no marks)."""
    weights = np.full(fitted.size, absent)
    weights[fitted.cases] = levels[fitted.best]
    return np.where(has, np.clip(weights[rows], *_CLIP), 0.0)


@dataclass(frozen=True)
class _MarkWeights:
    """One reported mark against every case's marks of its kind."""

    size: int  # cases in the table
    absent: float  # the weight of a case with no mark of the kind
    place: Floats  # per relation (`marks.RELATIONS`): the weight of the kind so placed
    detail: Floats  # per relation: the weight of the detail comparing so
    text: Floats  # per relation: the weight of the tattoo's text comparing so
    cases: Ints  # the cases bearing a mark of the kind
    best: Ints  # for each: the relation of its best-fitting mark


_MEMO_LIMIT = 4096  # reported marks remembered per table (a few tens of kilobytes each)
# Each relation's place, detail and text, as indices (for counting with numpy).
_PLACE_OF = np.array([PLACES.index(r.place) for r in RELATIONS], dtype=np.int64)
_DETAIL_OF = np.array([DETAILS.index(r.detail) for r in RELATIONS], dtype=np.int64)
_TEXT_OF = np.array([TEXTS.index(r.text) for r in RELATIONS], dtype=np.int64)


def _mark_weights(mark: Mark, table: CaseTable) -> _MarkWeights:
    key = ("mark", mark)
    found: _MarkWeights | None = table.memo.get(key)
    if found is not None:
        return found
    population = max(int(table.has_marks.sum()), 1)
    index = table.mark_index.get(mark.kind)
    n = len(RELATIONS)
    bearing = index.cases if index else 0
    absent = math.log10(ABSENT_SAME / max(1 - (bearing + 0.5) / (population + 1), 0.01))
    place_levels, detail_levels, text_levels = np.full(n, -np.inf), np.zeros(n), np.zeros(n)
    cases, best = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if index is not None:
        codes = np.array([relation(mark, m).index for m in index.marks], dtype=np.int64)
        entries = codes[index.which]
        place_levels, detail_levels = _mark_levels(mark, index.rows, entries, population)
        text_levels = _text_levels(mark, index.rows, entries)
        # Each case's best-fitting mark: the relation of highest weight among its entries.
        by_fit = np.argsort(place_levels + detail_levels + text_levels, kind="stable")
        rank = np.empty(n, dtype=np.int64)
        rank[by_fit] = np.arange(n)
        top = np.full(table.size, -1, dtype=np.int64)
        np.maximum.at(top, index.rows, rank[entries])
        cases = np.flatnonzero(top >= 0)
        best = by_fit[top[cases]]
    found = _MarkWeights(table.size, absent, place_levels, detail_levels, text_levels, cases,
                         best)
    if len(table.memo) >= _MEMO_LIMIT:
        table.memo.clear()
    table.memo[key] = found
    return found


def _mark_levels(mark: Mark, rows: Ints, entries: Ints,
                 population: int) -> tuple[Floats, Floats]:
    """The weight of each relation (`marks.RELATIONS`) for the place and for the detail."""
    n, places, details = len(RELATIONS), len(PLACES), len(DETAILS)
    # How many cases bear a mark whose place and detail compare so (each case once per
    # pair), how many bear one at that place, and how many at that place with a detail
    # recorded.
    at_place, detail_of = _PLACE_OF[entries], _DETAIL_OF[entries]
    pair = at_place * details + detail_of
    per_pair = np.bincount(np.unique(rows * places * details + pair) % (places * details),
                           minlength=places * details)
    per_place = np.bincount(np.unique(rows * places + at_place) % places, minlength=places)
    known = detail_of != DETAILS.index("unknown")
    per_known = np.bincount(np.unique(rows[known] * places + at_place[known]) % places,
                            minlength=places)
    # A small archive knows little of how common each detail is: imaginary marks, as many
    # as PRIOR_CASES, spread evenly over the kind's details temper the counts.
    vocabulary = max(len(details_for(mark.kind)), 2)
    sided = detail_likelihood(mark, Relation("exact", "mirrored")) > 0
    prior = {"agree": 1 / vocabulary, "mirrored": 1 / vocabulary,
             "disagree": 1 - (2 if sided else 1) / vocabulary}
    place_levels, detail_levels = np.full(n, -np.inf), np.zeros(n)
    for rel in RELATIONS:
        p, d = PLACES.index(rel.place), DETAILS.index(rel.detail)
        same, same_detail = PLACE_SAME[rel.place], detail_likelihood(mark, rel)
        if same_detail == 0 or (rel.text != "unknown" and mark.inscription is None):
            continue  # a relation this report's mark cannot have
        place_levels[rel.index] = math.log10(same * (population + 1) / (per_place[p] + 0.5))
        if rel.detail != "unknown":
            among = (per_pair[p * details + d] + PRIOR_CASES * prior[rel.detail]) / (
                per_known[p] + PRIOR_CASES)
            detail_levels[rel.index] = math.log10(same_detail / among)
    return place_levels, detail_levels


# A small archive knows little of how common a text is: imaginary texts, as many as
# PRIOR_CASES, of which one in a hundred agrees with any given one by chance and a few
# more are close (the generator's and real lists share common names).
_TEXT_PRIOR = {"agree": 0.01, "close": 0.04, "disagree": 0.95}


def _text_levels(mark: Mark, rows: Ints, entries: Ints) -> Floats:
    """The weight of each relation for the tattoo's text: P(the texts compare so | same
    person) over the share of the cases' recorded texts that do, among the tattoos of the
    family's design (the chain rule's next term: a name among names), anywhere on the body
    (what a tattoo says does not depend on where it is)."""
    levels = np.zeros(len(RELATIONS))
    if mark.inscription is None:
        return levels
    texts = len(TEXTS)
    text_of = _TEXT_OF[entries]
    known = text_of != TEXTS.index("unknown")
    if mark.detail is not None:
        known &= _DETAIL_OF[entries] == DETAILS.index("agree")
    per_text = np.bincount(np.unique(rows[known] * texts + text_of[known]) % texts,
                           minlength=texts)
    recorded = len(np.unique(rows[known]))
    for t, text in enumerate(TEXTS):
        if text == "unknown":
            continue
        among = (per_text[t] + PRIOR_CASES * _TEXT_PRIOR[text]) / (recorded + PRIOR_CASES)
        levels[t == _TEXT_OF] = math.log10(TEXT_SAME[text] / among)
    return levels


_HEIGHT_SD_SAME = 6.0  # cm: a family's estimate, rounded, against a measure from photos


def height(report: ReportFacts, table: CaseTable, rows: Ints) -> Weighed | None:
    """The reported height against the body's, and how common the body's height is."""
    if report.height_cm is None:
        return None
    h = table.height[rows]
    known = np.isfinite(h)
    same = _normal(h - report.height_cm, _HEIGHT_SD_SAME)
    other = _normal(h - table.height_mean, table.height_sd)
    ratio = np.log10(np.maximum(same, 1e-12)) - np.log10(np.maximum(other, 1e-12))
    return Weighed("height", np.where(known, np.clip(ratio, -2.0, 1.0), 0.0))


def _normal(x: Floats, sd: float) -> Floats:
    result: Floats = np.exp(-0.5 * (x / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
    return result


# A name part agreeing is 18 times likelier for the same person (common names share it too);
# a close or different spelling weighs as for two reports (`names.part_weight`), a clear
# disagreement at most 10 times less likely (a case's name from another source may be wrong).
_NAME_AGREE, _NAME_DIFFER = math.log10(18), -1.0


def name(report: ReportFacts, table: CaseTable, rows: Ints) -> Weighed | None:
    """A name the case carries from another source, part by part against the report's."""
    if report.name is None or table.named.size == 0:
        return None
    weights = np.zeros(len(rows))
    where = np.flatnonzero(np.isin(rows, table.named))
    if where.size == 0:
        return None
    for i in where:
        case_name = table.facts[rows[i]].name
        assert case_name is not None
        weights[i] = name_weight(compare_names(report.name, case_name))
    return Weighed("name", weights)


def name_weight(parts: dict[str, float]) -> float:
    """The weight of a name comparison, part by part (the mother's name not counted)."""
    total = 0.0
    for part, value in parts.items():
        if part == "mother":
            continue
        total += max(_NAME_DIFFER, part_weight(value, _NAME_AGREE))
    return total


FACTORS = (sex, age, dates, branch, detainee, height, name)
"""Every factor but marks (one entry per reported mark), in the order they are explained."""


def weigh(report: ReportFacts, table: CaseTable, rows: Ints) -> list[Weighed]:
    """Every factor that applies to this report, over the cases at `rows`."""
    found = [w for factor in FACTORS if (w := factor(report, table, rows)) is not None]
    return found + marks(report, table, rows)


def rows_of(table: CaseTable, case_ids: Sequence[int]) -> Ints:
    """Table positions of these case ids (unknown ids left out)."""
    return np.array([table.position[c] for c in case_ids if c in table.position],
                    dtype=np.int64)
