"""A factor's comparison in a caseworker's words: what it means for one case, in English and
Arabic (the weights themselves are :mod:`caesar.identify.factors`)."""

from __future__ import annotations

from datetime import date

from rapidfuzz.distance import Levenshtein

from caesar.cases.marks import read_mark
from caesar.identify.branches import branch_label
from caesar.identify.comparison import spelt
from caesar.identify.factors import ReportFacts, Weighed
from caesar.identify.marks import explain as explain_mark
from caesar.identify.marks import explain_detail, explain_text, relation
from caesar.identify.names import (
    CLOSE,
    SAME_NAME,
    PersonName,
    compare_names,
    parts_words,
    spellings_of,
)
from caesar.identify.table import CaseFacts
from caesar.identify.wording import (
    N_,
    Code,
    Listing,
    Number,
    Phrase,
    counted,
    days,
    duration,
    phrase,
)

_BOTH_SEX = {"M": N_("both men"), "F": N_("both women")}


def explain(weighed: Weighed, report: ReportFacts, case: CaseFacts) -> Phrase | None:
    """What one factor's comparison means for one case, in a caseworker's words (None when
    the case does not know the fact)."""
    f = weighed.factor
    if f == "sex":
        return Phrase(_BOTH_SEX[report.sex]) if case.sex and report.sex else None
    if f == "age":
        return _explain_age(report, case)
    if f == "date":
        return _explain_date(report, case)
    if f == "branch":
        if not case.branch or not report.branch:
            return None
        if case.branch == report.branch:
            return phrase("the body carries {branch}, the branch the family named",
                          branch=branch_label(case.branch))
        return phrase("the family named {branch}; the body carries {body} (a body may carry"
                      " the branch where the person died, not the one that arrested them)",
                      branch=branch_label(report.branch), body=Code(case.branch))
    if f == "detainee_number":
        if not case.detainee or not report.detainee:
            return None
        family, body = Code(report.detainee), Code(case.detainee)
        if case.detainee == report.detainee:
            return phrase("the same detainee number, {number}", number=body)
        if Levenshtein.distance(case.detainee, report.detainee) == 1:
            return phrase("the family's detainee number {family} is one digit from the"
                          " body's {body}", family=family, body=body)
        return phrase("a different detainee number: the family's {family}, the body's"
                      " {body}", family=family, body=body)
    if f == "height":
        if case.height_cm is None or report.height_cm is None:
            return None
        return phrase("reported {family} cm tall; the body measures {body} cm",
                      family=report.height_cm, body=case.height_cm)
    if f in ("mark", "mark_detail", "mark_inscription"):
        return _explain_mark(weighed, case)
    if f == "name":
        return _explain_name(report, case)
    return None


def _explain_age(report: ReportFacts, case: CaseFacts) -> Phrase | None:
    birth = report.birth_day
    if birth is None or case.photographed_on is None or case.age_min is None \
            or case.age_max is None:
        return None
    years = (case.photographed_on.toordinal() - birth) / 365.25
    born: date | int = report.birth_date or report.birth_year or 0  # one is known (birth)
    facts = {"born": born, "age": Number(years, ".0f"), "low": case.age_min,
             "high": case.age_max}
    outside = max(case.age_min - years, years - case.age_max, 0.0)
    if outside < 1:
        return phrase("born {born}: about {age} when photographed; the case looks"
                      " {low}-{high}", **facts)
    return counted("born {born}: about {age} when photographed; the case looks {low}-{high},"
                   " {apart} years apart", "apart", apart=Number(outside, ".0f"), **facts)


def _explain_date(report: ReportFacts, case: CaseFacts) -> Phrase | None:
    if report.arrest_date is None or case.photographed_on is None:
        return None
    gap = (case.photographed_on - report.arrest_date).days
    if gap < 0:
        return phrase("photographed on {photographed}, {before} before the reported arrest"
                      " on {arrest}: reported dates are often off by weeks",
                      photographed=case.photographed_on, before=days(-gap),
                      arrest=report.arrest_date)
    return phrase("photographed on {photographed}, {after} after the reported arrest on"
                  " {arrest}", photographed=case.photographed_on, after=duration(gap),
                  arrest=report.arrest_date)


def _explain_mark(weighed: Weighed, case: CaseFacts) -> Phrase | None:
    mark, levels = weighed.subject, weighed.levels
    if mark is None or levels is None or not case.marks:
        return None
    same_kind = [m for m in (read_mark(code) for code in case.marks) if m.kind == mark.kind]
    body = max(same_kind, key=lambda m: levels[relation(mark, m).index]) if same_kind \
        else None  # the body mark that fits best, as the factor counted it
    rel = relation(mark, body) if body else None
    if weighed.factor == "mark_detail":
        return explain_detail(mark, body, rel)
    if weighed.factor == "mark_inscription":
        return explain_text(mark, body, rel)
    return explain_mark(mark, body, rel)


def _explain_name(report: ReportFacts, case: CaseFacts) -> Phrase | None:
    if report.name is None or case.name is None:
        return None
    said = _said_name(report.name, case.name)
    # Why parts spelt differently agree: "Firpo ↔ فيربو: p written as ب".
    spellings = spellings_of(report.name, case.name, parts=[
        p for p, v in compare_names(report.name, case.name).items()
        if v >= SAME_NAME and p != "mother"])
    if not spellings:
        return said
    return phrase("{said}; {how}", said=said,
                  how=Listing(tuple(spelt(s) for s in spellings.values()), "; "))


def _said_name(report_name: PersonName, case_name: PersonName) -> Phrase:
    parts = compare_names(report_name, case_name)
    agree = parts_words([p for p, v in parts.items() if v >= SAME_NAME and p != "mother"])
    differ = parts_words([p for p, v in parts.items() if v < CLOSE and p != "mother"])
    if agree.items and differ.items:
        return phrase("the name recorded on the case (from another source) agrees on the"
                      " {agree}; differs on the {differ}", agree=agree, differ=differ)
    if agree.items:
        return phrase("the name recorded on the case (from another source) agrees on the"
                      " {agree}", agree=agree)
    if differ.items:
        return phrase("the name recorded on the case (from another source) differs on the"
                      " {differ}", differ=differ)
    return phrase("the name recorded on the case (from another source) is only close to the"
                  " report's")
