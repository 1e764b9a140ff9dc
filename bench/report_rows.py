"""The synthetic collection's reports as the duplicate search takes them, for the benchmarks
that time it (`bench/names.py`, `bench/duplicates.py`).

`ReportRecord` is imported when the records are made, not before: `bench/duplicates.py` runs
this in processes that import caesar from another revision's source.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from caesar.demo.truth import Truth
    from caesar.identify.records import ReportRecord


def synthetic_reports(count: int, seed: int) -> tuple[Truth, list[dict[str, Any]]]:
    """About `count` reports of the synthetic collection (as `missing add --from` reads them),
    each person reported twice by 2.5% of families, with the collection's truth."""
    from caesar.demo.generate import cases_and_reports

    cases = max(100, round(count * 1.1))
    return cases_and_reports(cases=cases, seed=seed,
                             report_share=min(1.0, count / 2 / 1.025 / cases))


def records_of(rows: list[dict[str, Any]]) -> list[ReportRecord]:
    """The reports `rows` as records, numbered from 1 in their order."""
    from caesar.identify.records import ReportRecord

    at = datetime(2024, 1, 1)
    return [ReportRecord(
        id=i + 1, ref=r["ref"], status="open", merged_into=None, name=r.get("name"),
        father=r.get("father"), grandfather=r.get("grandfather"),
        family_name=r.get("family_name"), mother=r.get("mother"), sex=r.get("sex"),
        birth_year=r.get("birth_year"), birth_date=None, height_cm=None,
        arrest_date=date.fromisoformat(r["arrest_date"]) if "arrest_date" in r else None,
        arrest_place=r.get("arrest_place"), arresting_branch=r.get("arresting_branch"),
        branch_number=None, detainee_number=r.get("detainee_number"), marks=(), notes=None,
        created_at=at, updated_at=at) for i, r in enumerate(rows)]
