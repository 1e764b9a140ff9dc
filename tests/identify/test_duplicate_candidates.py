"""Duplicate detection weighs only the pairs that could reach the threshold
(`caesar.identify.candidates`): those bounds decide which pairs are weighed, never which are
offered. Checked against weighing every pair of every block, on the synthetic collection's
reports (names from short lists in both scripts, so blocks hold many people sharing names)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from caesar.demo.generate import cases_and_reports
from caesar.identify.branches import branch_number
from caesar.identify.candidates import DECIDING
from caesar.identify.duplicates import THRESHOLD, find_duplicates
from caesar.identify.names import PARTS
from caesar.identify.records import ReportRecord
from caesar.identify.views import DuplicateView


def _records(rows: list[dict[str, Any]]) -> list[ReportRecord]:
    at = datetime(2024, 1, 1)
    return [ReportRecord(
        id=i + 1, ref=r["ref"], status="open", merged_into=None, name=r.get("name"),
        father=r.get("father"), grandfather=r.get("grandfather"),
        family_name=r.get("family_name"), mother=r.get("mother"), sex=r.get("sex"),
        birth_year=r.get("birth_year"), birth_date=None, height_cm=None,
        arrest_date=date.fromisoformat(r["arrest_date"]) if "arrest_date" in r else None,
        arrest_place=r.get("arrest_place"), arresting_branch=r.get("arresting_branch"),
        branch_number=branch_number(r.get("arresting_branch")),
        detainee_number=r.get("detainee_number"), marks=(), notes=None,
        created_at=at, updated_at=at) for i, r in enumerate(rows)]


@pytest.fixture(scope="module")
def records() -> list[ReportRecord]:
    _, rows = cases_and_reports(cases=1500, seed=5, report_share=0.4)
    return _records(rows)


def _offered(views: list[DuplicateView]) -> list[tuple[int, int, float]]:
    return [(d.reports[0], d.reports[1], d.score) for d in views]


@pytest.mark.parametrize("threshold", [THRESHOLD, 1.0, 4.0])
def test_the_bounds_offer_the_pairs_weighing_every_blocked_pair_offers(
        records: list[ReportRecord], threshold: float) -> None:
    everything = find_duplicates(records, threshold=float("-inf"))  # every blocked pair weighed
    found = find_duplicates(records, threshold=threshold)
    assert len(everything) > 5 * len(found) > 0  # most blocked pairs are two people
    # Scores are shown rounded to 0.01: a pair just under the threshold may show it.
    assert set(_offered(found)) <= set(_offered(everything))
    assert {d for d in _offered(everything) if d[2] >= threshold + 0.005} <= set(_offered(found))
    # The reasons are the same whichever way the pair was reached.
    by_pair = {tuple(d.reports): d.why for d in everything}
    assert all(d.why == by_pair[tuple(d.reports)] for d in found)


def test_one_reports_pairs_are_those_of_the_whole_list(records: list[ReportRecord]) -> None:
    found = find_duplicates(records)
    some = sorted({d.reports[0] for d in found})[:5]
    for report in some:
        mine = [d for d in found if report in d.reports]
        assert _offered(find_duplicates(records, involving=report)) == _offered(mine)
    assert find_duplicates(records, involving=10**9) == []  # no such report: no pairs


def test_every_name_part_is_weighed_while_pairs_are_bounded() -> None:
    assert sorted(DECIDING) == sorted(PARTS)
