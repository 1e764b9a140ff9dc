"""`export stats`: counts of cases that investigators can quote, each with the query behind it.

The tables count cases by the facets of :mod:`caesar.cases.facets` (branch, hospital, month,
sex, apparent age, finding), so that every number can be reproduced with
`caesar cases list --FACET VALUE`. Written as CSV, as charts (PNG and SVG, titled in English
and Arabic) and as one self-contained HTML page. No names, numbers of individual cases or
photos appear: only counts.
"""

from __future__ import annotations

import csv
import html
import shlex
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from caesar.cases.facets import FACETS, UNKNOWN
from caesar.cases.views import CaseView
from caesar.exports.charts import bar_chart


@dataclass(frozen=True)
class Row:
    """One count: how many cases have this value, and the command that lists them."""

    value: str
    cases: int
    share: float
    query: str


@dataclass(frozen=True)
class Table:
    """The counts of one facet."""

    facet: str
    title_en: str
    title_ar: str
    rows: tuple[Row, ...]


TITLES: dict[str, tuple[str, str]] = {
    "branch": ("Cases by security branch", "الحالات حسب الفرع الأمني"),
    "hospital": ("Cases by military hospital", "الحالات حسب المشفى العسكري"),
    "month": ("Cases by month photographed", "الحالات حسب شهر التصوير"),
    "sex": ("Cases by sex", "الحالات حسب الجنس"),
    "age": ("Cases by apparent age", "الحالات حسب العمر الظاهر"),
    "finding": ("Cases by forensic finding", "الحالات حسب الموجودات الطبية الشرعية"),
}


def tables(cases: Sequence[CaseView]) -> list[Table]:
    """Every facet's counts. A case counts once per value (under each of its findings)."""
    total = len(cases)
    out = []
    for facet, values_of in FACETS.items():
        counts: Counter[str] = Counter(v for case in cases for v in set(values_of(case)))
        # Values in their natural order (months, ages, branch numbers); unknown last.
        ordered = sorted(counts, key=lambda v: (v in (UNKNOWN, "none"), _natural(v)))
        rows = tuple(Row(value, counts[value], counts[value] / total if total else 0.0,
                         query(facet, value)) for value in ordered)
        title_en, title_ar = TITLES[facet]
        out.append(Table(facet, title_en, title_ar, rows))
    return out


def query(facet: str, value: str) -> str:
    """The command that lists the cases behind a count."""
    return f"caesar cases list --{facet} {shlex.quote(value)}"


def _natural(value: str) -> tuple[int, str]:
    digits = value.split("-")[0]
    return (int(digits), value) if digits.isdigit() else (10**9, value)


def write(cases: Sequence[CaseView], out: Path, *, archive_label: str) -> list[Path]:
    """Write the CSVs, charts and `summary.html` into `out` (which exists and is empty)."""
    made: list[Path] = []
    charts = out / "charts"
    charts.mkdir()
    found = tables(cases)
    for table in found:
        path = out / f"by_{table.facet}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["value", "cases", "share", "query"])
            writer.writerows([r.value, r.cases, f"{r.share:.4f}", r.query] for r in table.rows)
        made.append(path)
        made += bar_chart([r.value for r in table.rows], [r.cases for r in table.rows],
                          title_en=table.title_en, title_ar=table.title_ar,
                          path=charts / f"by_{table.facet}")
    summary = out / "summary.html"
    summary.write_text(_html(found, len(cases), archive_label), "utf-8")
    made.append(summary)
    return made


def _html(found: Sequence[Table], total: int, archive_label: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Caesar Archive: statistics of cases</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:.5em 0 2em}td,th{border:1px solid #999;"
        "padding:.2em .6em;text-align:left}td.n{text-align:right}[dir=rtl]{text-align:right}"
        "img{max-width:100%}code{font-size:.9em}</style></head><body>",
        "<h1>Statistics of cases</h1>",
        '<p dir="rtl" lang="ar">إحصاءات الحالات</p>',
        f"<p>{total} cases in the archive {html.escape(archive_label)}, counted on {when}."
        " Each number links to the command that lists the cases behind it"
        " (<code>caesar cases list</code> with the same filter); <em>unknown</em> means the"
        " value has not been recorded yet.</p>",
        f'<p dir="rtl" lang="ar">{total} حالة. كل رقم مرتبط بالأمر الذي يسرد الحالات التي'
        " يمثلها.</p>",
    ]
    for table in found:
        parts += [f'<h2 id="{table.facet}">{html.escape(table.title_en)}</h2>',
                  f'<p dir="rtl" lang="ar">{html.escape(table.title_ar)}</p>',
                  f'<img src="charts/by_{table.facet}.svg" alt="{html.escape(table.title_en)}">',
                  "<table><tr><th>value</th><th>cases</th><th>share</th></tr>"]
        for row in table.rows:
            anchor = f"q-{table.facet}-{_slug(row.value)}"
            parts.append(f"<tr><td>{html.escape(row.value)}</td><td class=n>"
                         f'<a href="#{anchor}" title="{html.escape(row.query)}">{row.cases}</a>'
                         f"</td><td class=n>{row.share:.1%}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Queries</h2><ul>")
    for table in found:
        for row in table.rows:
            anchor = f"q-{table.facet}-{_slug(row.value)}"
            parts.append(f'<li id="{anchor}"><code>{html.escape(row.query)}</code>'
                         f" &rarr; {row.cases}</li>")
    parts += ["</ul></body></html>", ""]
    return "\n".join(parts)


def _slug(value: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in value)
