"""The dimensions cases are counted and filtered by: one definition for `cases list` filters
and for the statistics export, so that every published figure can be reproduced by a query.
"""

from __future__ import annotations

from collections.abc import Callable

from caesar.cases.views import CaseView

UNKNOWN = "unknown"


def branch(case: CaseView) -> list[str]:
    """The security branch number, as interpreted (or best read)."""
    return [case.numbers.branch or UNKNOWN]


def hospital(case: CaseView) -> list[str]:
    """The military hospital."""
    return [case.hospital or UNKNOWN]


def month(case: CaseView) -> list[str]:
    """The month photographed, as YYYY-MM."""
    return [case.photographed_on.strftime("%Y-%m") if case.photographed_on else UNKNOWN]


def sex(case: CaseView) -> list[str]:
    """M, F or unknown."""
    return [case.sex or UNKNOWN]


def age(case: CaseView) -> list[str]:
    """The ten-year band of the middle of the apparent age range, such as 20-29."""
    if case.age_min is None or case.age_max is None:
        return [UNKNOWN]
    middle = (case.age_min + case.age_max) // 2
    low = middle // 10 * 10
    return [f"{low}-{low + 9}"]


def finding(case: CaseView) -> list[str]:
    """Each coded finding (a case counts once under each of its findings)."""
    return list(case.findings) or ["none"]


FACETS: dict[str, Callable[[CaseView], list[str]]] = {
    "branch": branch, "hospital": hospital, "month": month, "sex": sex, "age": age,
    "finding": finding,
}
"""Facet name -> the values a case has for it. `cases list --FACET VALUE` filters by these."""


def matches(case: CaseView, filters: dict[str, str]) -> bool:
    """Whether a case has every value asked for (`{"branch": "215", "month": "2013-08"}`)."""
    return all(value in FACETS[name](case) for name, value in filters.items())
