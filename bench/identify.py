"""Identification against the synthetic collection's ground truth, at full scale.

    .venv/bin/python bench/identify.py [--cases 11000] [--reports 10000] [--seed 0] [--keep]

The cases and families' reports come from `caesar.demo.generate.cases_and_reports` (the same
people, bodies and noisy reports `generate_collection` would write, without drawing a pixel):
wrong or missing branch ~30%, arrest dates off by weeks, birth years off by up to ten years,
names in either script with spelling variants, about half with no marks, and as many reports
of people who are not in the collection as of people who are.

Building 11,000 cases through photos and `cases build` would take hours, so the cases enter
matching as the service's own in-memory case table (`CaseFacts`, what `IdentifyService.
case_table()` builds from the catalogue's case views), filled from the ground truth as an
analyst would have recorded them (sex, apparent age range, date, numbers, measured height,
marks). The reports go through a real archive: imported from the JSON file with `missing add`'s
code, sealed in the SQLCipher catalogue, opened again, and ranked by the service itself.

It prints, for reports with a strong identifier (a detainee number, or a distinctive mark with
its detail: what a tattoo shows, which operation, which tooth or finger; split by kind) and
for reports with only weak evidence, the rank of the true case (top 1, 10, 100, median, 90th
percentile) and how many true cases were wrongly excluded, beside a baseline that orders cases
by how close their photo date is to the reported arrest date alone; how often people not in
the archive reach a high score; the latency of one report against every case; the time of the
whole batch; and duplicate detection against the truth. Timings vary with the machine's load
(its two cores are shared): run it twice.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PASSPHRASE, workspace  # noqa: E402

from caesar.core import Archive  # noqa: E402
from caesar.demo.generate import cases_and_reports  # noqa: E402
from caesar.demo.reports import reports_json  # noqa: E402
from caesar.demo.truth import CaseTruth, ReportTruth, Truth  # noqa: E402
from caesar.identify.duplicates import find_duplicates  # noqa: E402
from caesar.identify.factors import ReportFacts  # noqa: E402
from caesar.identify.matching import block, rank, scores  # noqa: E402
from caesar.identify.records import ReportRecord, load_reports  # noqa: E402
from caesar.identify.reports import read_reports  # noqa: E402
from caesar.identify.table import CaseFacts, CaseTable, build_table  # noqa: E402
from caesar.vault.fields import FieldCipher  # noqa: E402
from caesar.vault.keys import KdfCost  # noqa: E402

HIGH = (2.0, 3.0, 4.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=11000)
    parser.add_argument("--reports", type=int, default=10000,
                        help="about this many reports, half of people not in the collection")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the archive made")
    args = parser.parse_args()
    share = min(1.0, args.reports / 2 / 1.025 / args.cases)  # 2.5% more are duplicates
    started = time.perf_counter()
    truth, reports = cases_and_reports(cases=args.cases, seed=args.seed, report_share=share)
    table = build_table([_facts(c) for c in truth.cases])
    print(f"{len(truth.cases)} cases, {len(reports)} reports"
          f" ({sum(t.case is None for t in truth.reports)} of people not in the collection),"
          f" generated and tabled in {time.perf_counter() - started:.1f} s")
    with workspace(args.keep) as work:
        archive = Archive.create(work / "archive", PASSPHRASE, kdf_cost=KdfCost.test)
        try:
            records = _through_the_archive(archive, work, reports)
            by_ref = {t.ref: t for t in truth.reports}
            facts = [(ReportFacts.of(r), by_ref[r.ref or ""]) for r in records]
            _quality(table, facts)
            _latency(archive, table, records, facts)
            _duplicates(truth, records)
        finally:
            archive.close()


def _facts(case: CaseTruth) -> CaseFacts:
    """A case as an analyst would have recorded it from the photos."""
    return CaseFacts(id=case.id, sex=case.sex, age_min=case.age_min, age_max=case.age_max,
                     photographed_on=case.photographed_on, branch=case.branch,
                     detainee=case.detainee, height_cm=case.height_measured,
                     marks=tuple(m.code for m in case.marks))


def _through_the_archive(archive: Archive, work: Path, reports: list[dict[str, object]]
                         ) -> list[ReportRecord]:
    path = work / "reports.json"
    path.write_text(reports_json(reports), "utf-8")
    started = time.perf_counter()
    rows = read_reports(path)
    with archive.writing():
        archive.identify.import_reports(rows, "bench")
    imported = time.perf_counter() - started
    started = time.perf_counter()
    with archive.catalog.reader() as session:
        records = load_reports(session, FieldCipher(archive.keys))
    opened = time.perf_counter() - started
    print(f"import of {len(rows)} reports (parse, check, seal, store, log): {imported:.1f} s;"
          f" opening them all again: {opened:.1f} s")
    return records


def _quality(table: CaseTable, facts: list[tuple[ReportFacts, ReportTruth]]) -> None:
    ranks: dict[str, list[int]] = defaultdict(list)
    baseline: dict[str, list[int]] = defaultdict(list)
    excluded: dict[str, int] = defaultdict(int)
    top_outsider, top_true = [], []
    for report, truth in facts:
        rows = block(report, table)
        total, _ = scores(report, table, rows)
        if truth.case is None:
            top_outsider.append(float(total.max()) if len(total) else -99.0)
            continue
        group = _group(report, truth)
        position = table.position[truth.case]
        found = np.flatnonzero(rows == position)
        base = _baseline_rank(report, table, position)
        for name in {group, "weak" if group == "weak" else "strong", _mark_group(report, group)}:
            baseline[name].append(base)
            if found.size == 0:
                excluded[name] += 1
                ranks[name].append(table.size)
                continue
            ranks[name].append(int((total > total[found[0]]).sum()) + 1)
        if found.size:
            top_true.append(float(total[found[0]]))
    print("\nrank of the true case (caesar | baseline: photo date nearest the reported arrest)")
    print(f"{'reports':<34}{'n':>6} {'top 1':>14} {'top 10':>14} {'top 100':>14}"
          f" {'median':>14} {'p90':>14} {'excluded':>9}")
    labels = {"strong": "strong identifier (all)", "number": "  with a detainee number",
              "mark": "  a distinctive mark, no number", "weak": "weak evidence only",
              **{f"mark:{kind}": f"    {kind.replace('_', ' ')}" for kind in _MARK_GROUPS}}
    for name in ("strong", "number", "mark", *(f"mark:{k}" for k in _MARK_GROUPS), "weak"):
        r, b = np.array(ranks[name]), np.array(baseline[name])
        if r.size == 0:
            continue
        cells = [f"{(r == 1).mean():>5.1%} |{(b == 1).mean():>6.1%}",
                 f"{(r <= 10).mean():>5.1%} |{(b <= 10).mean():>6.1%}",
                 f"{(r <= 100).mean():>5.1%} |{(b <= 100).mean():>6.1%}",
                 f"{np.median(r):>5.0f} |{np.median(b):>6.0f}",
                 f"{np.percentile(r, 90):>5.0f} |{np.percentile(b, 90):>6.0f}"]
        print(f"{labels[name]:<34}{r.size:>6} " + " ".join(f"{c:>14}" for c in cells)
              + f" {excluded[name]:>9}")
    weak_r, weak_b = np.median(ranks["weak"]), np.median(baseline["weak"])
    print(f"weak evidence: median rank {weak_r:.0f} against the baseline's {weak_b:.0f}"
          f" ({weak_b / max(weak_r, 1):.0f}x better; target at least 3x)")
    _sharing(table, facts)
    outsiders, insiders = np.array(top_outsider), np.array(top_true)
    print("\nhigh scores: share of people not in the archive whose best case scores at least"
          " T, against the share of true cases that do")
    for t in HIGH:
        print(f"  T = {t:.0f} (odds {10 ** t:,.0f} to 1): not in the archive"
              f" {(outsiders >= t).mean():.1%}, true cases {(insiders >= t).mean():.1%}")


def _group(report: ReportFacts, truth: ReportTruth) -> str:
    if not truth.strong_identifier:
        return "weak"
    return "number" if report.detainee else "mark"


def _sharing(table: CaseTable, facts: list[tuple[ReportFacts, ReportTruth]]) -> None:
    """How many cases bear the very mark (kind, place, detail) a report's individualising
    mark names: a mark shared by several bodies leaves the rest of the evidence to decide."""
    bearing: dict[str, list[int]] = defaultdict(list)
    for report, truth in facts:
        if truth.case is None or not truth.strong_identifier or report.detainee:
            continue
        for mark in report.marks:
            index = table.mark_index.get(mark.kind)
            if mark.individualising and mark.location and index is not None:
                same = [i for i, m in enumerate(index.marks) if m == mark]
                bearing[mark.kind].append(int(np.isin(index.which, same).sum()))
    print("cases bearing the very mark a report names (kind, place and detail), median and"
          " 90th percentile: " + "; ".join(
              f"{kind.replace('_', ' ')} {np.median(n):.0f}, {np.percentile(n, 90):.0f}"
              for kind, n in bearing.items()))


_MARK_GROUPS = ("tattoo", "surgical_scar", "gold_tooth", "missing_finger", "two_or_more")


def _mark_group(report: ReportFacts, group: str) -> str:
    """For the distinctive-mark group: which kind of individualising mark the report gives
    (the rows under it say which kinds single a person out)."""
    if group != "mark":
        return group
    kinds = {m.kind for m in report.marks if m.individualising}
    return f"mark:{kinds.pop()}" if len(kinds) == 1 else "mark:two_or_more"


def _baseline_rank(report: ReportFacts, table: CaseTable, position: int) -> int:
    """Rank by |photographed on - reported arrest| alone (no date: the middle of the list)."""
    if report.arrest_date is None:
        return table.size // 2
    gap = np.abs(table.day - report.arrest_date.toordinal())
    return int((gap < gap[position]).sum()) + 1


def _latency(archive: Archive, table: CaseTable, records: list[ReportRecord],
             facts: list[tuple[ReportFacts, ReportTruth]]) -> None:
    sample = facts[:1000]
    times = []
    for report, _ in sample:
        started = time.perf_counter()
        rank(report, table, limit=20)
        times.append(time.perf_counter() - started)
    ms = sorted(t * 1000 for t in times)
    print(f"\none report against {table.size} cases, 20 best put into words ({len(ms)}"
          f" reports): median {statistics.median(ms):.1f} ms, p95"
          f" {ms[int(len(ms) * 0.95)]:.1f} ms (target p95 under 50 ms)")
    identify = archive.identify
    service = []
    for record in records[:50]:
        started = time.perf_counter()
        with archive.writing():
            identify.match(record.id, "bench", table=table)
        service.append((time.perf_counter() - started) * 1000)
    service.sort()
    print(f"  through the service (open the sealed report, rank, sign a custody-log"
          f" checkpoint), 50 reports: median {statistics.median(service):.1f} ms, p95"
          f" {service[int(len(service) * 0.95)]:.1f} ms")
    started = time.perf_counter()
    with archive.writing():
        results = identify.match_many(records, "bench", limit=20, table=table)
    batch = time.perf_counter() - started
    started = time.perf_counter()
    for report, _ in facts:
        rows = block(report, table)
        scores(report, table, rows)
    scored = time.perf_counter() - started
    print(f"all {len(records)} reports against {table.size} cases: {batch:.1f} s with the 20"
          f" best of each explained ({sum(len(r.candidates) for r in results)} candidates),"
          f" {scored:.1f} s scoring alone (target under 60 s)")


def _duplicates(truth: Truth, records: list[ReportRecord]) -> None:
    ids = {r.ref: r.id for r in records}
    true = {tuple(sorted((ids[t.ref], ids[t.duplicate_of]))) for t in truth.reports
            if t.duplicate_of}
    started = time.perf_counter()
    found = {(d.reports[0], d.reports[1]) for d in find_duplicates(records)}
    seconds = time.perf_counter() - started
    right = len(found & true)
    print(f"\nduplicate reports: {right} of {len(true)} true pairs found"
          f" ({right / max(len(true), 1):.0%}); {len(found) - right} other pairs offered"
          f" (precision {right / max(len(found), 1):.0%}); {seconds:.1f} s"
          " (the generator draws names from short lists, so two people often share first,"
          " father's and family names)")


if __name__ == "__main__":
    main()
