"""`export data`: what the archive knows, as tables for partners (CSV, JSON) or as
FollowTheMoney entities (:mod:`caesar.exports.ftm`) for Aleph and OpenSanctions tooling.

Each table is a :class:`Table`: a name, its columns, and how its rows come from a
:class:`DataSet` (what is exported, loaded once). Only what partners need leaves: no photo
(nor its SHA-256, which would let a holder of a photo confirm that the archive has it), no
analyst's free-text notes, no staff names, and no tattoo's text (a mark leaves as its kind,
place and design: what a tattoo says can name the person or their family).

Families' reports leave only when every reporter agreed to share them with partners, and
then without any reporter, contact or note (the :class:`DataSet` is loaded from
``IdentifyService.partner_reports``, so no table can leak them); matches leave only once two
reviewers confirmed them, and only for those reports.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from caesar.cases.marks import without_texts
from caesar.exports.dataset import DataSet
from caesar.exports.stats import tables as stat_tables
from caesar.exports.views import DataFormat

FTM_FILE = "entities.ftm.json"


Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    """One table of a data export."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[DataSet], list[Row]]


def _case_rows(data: DataSet) -> list[Row]:
    return [{"id": c.id, "detainee": c.numbers.detainee, "branch": c.numbers.branch,
             "forensic": c.numbers.forensic, "hospital": c.hospital,
             "photographed_on": c.photographed_on.isoformat() if c.photographed_on else None,
             "sex": c.sex, "age_min": c.age_min, "age_max": c.age_max,
             "height_cm": c.height_cm, "marks": without_texts(c.marks), "findings": c.findings,
             "clothing": c.clothing, "status": c.status, "identification": c.identification,
             "photos": len(c.photos)} for c in data.cases]


REPORT_COLUMNS: tuple[str, ...] = (
    "id", "ref", "status", "name", "father", "grandfather", "family_name", "mother", "sex",
    "birth_year", "birth_date", "height_cm", "arrest_date", "arrest_place", "arresting_branch",
    "branch_number", "detainee_number", "marks")


def _report_rows(data: DataSet) -> list[Row]:
    return [{k: v.isoformat() if isinstance(v, date) else v
             for k, v in r.model_dump(include=set(REPORT_COLUMNS)).items()}
            for r in data.reports]


def _match_rows(data: DataSet) -> list[Row]:
    return [{"report": m.report, "case": m.case, "status": m.status, "score": m.score,
             "confirmed_at": m.updated_at.isoformat()} for m in data.matches]


def _statistic_rows(data: DataSet) -> list[Row]:
    return [{"facet": t.facet, "value": r.value, "cases": r.cases, "share": round(r.share, 4),
             "query": r.query} for t in stat_tables(data.cases) for r in t.rows]


TABLES: tuple[Table, ...] = (
    Table("cases", ("id", "detainee", "branch", "forensic", "hospital", "photographed_on",
                    "sex", "age_min", "age_max", "height_cm", "marks", "findings", "clothing",
                    "status", "identification", "photos"), _case_rows),
    Table("reports", REPORT_COLUMNS, _report_rows),
    Table("matches", ("report", "case", "status", "score", "confirmed_at"), _match_rows),
    Table("statistics", ("facet", "value", "cases", "share", "query"), _statistic_rows),
)


def counts(data: DataSet) -> dict[str, int]:
    """How many rows each table will have (for the confirmation and the custody log)."""
    return {table.name: len(table.rows(data)) for table in TABLES}


def write(data: DataSet, fmt: DataFormat, out: Path) -> list[Path]:
    """Write the export into `out` (an empty folder); return the files written."""
    if fmt == "ftm":
        from caesar.exports.ftm import entities  # followthemoney: only for this format

        path = out / FTM_FILE
        with open(path, "w", encoding="utf-8") as f:
            for entity in entities(data):  # one entity per line, as `ftm` tools read them
                f.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        return [path]
    written = []
    for table in TABLES:
        rows = table.rows(data)
        path = out / f"{table.name}.{fmt}"
        if fmt == "json":
            path.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", "utf-8")
        else:
            with open(path, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=table.columns)
                writer.writeheader()
                writer.writerows({k: ";".join(v) if isinstance(v, list) else v
                                  for k, v in row.items()} for row in rows)
        written.append(path)
    return written
