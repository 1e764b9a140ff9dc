"""Duplicate reports of the synthetic collection: the time of `missing duplicates` over
10,000 reports, beside the code of another revision on the very same reports, side by side.

    .venv/bin/python bench/duplicates.py [--reports 10000] [--seed 0] [--rounds 3]
                                         [--against REVISION]

The reports come from `caesar.demo.generate.cases_and_reports` (names from the demo's lists in
either script, each person in the collection reported twice by 2.5% of families). They are
written once to a file; then each round runs, in a new process each, this checkout's
`caesar.identify.duplicates.find_duplicates` and the one of `--against` (by default the
revision before duplicate detection weighed only plausible pairs), one after the other, so
both see the same load on the shared cores. Each process times a first run (every word read,
keyed and aligned for the first time, as a command does) and a second one in the same process
(what the web app's `/reports/duplicates` pays, its words known), in wall-clock seconds and in
the CPU seconds of the process (less sensitive to the other work on the machine). It prints
each round, the best of each, the pairs found against the truth, and whether the two
revisions offer the same pairs with the same scores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_rows import records_of, synthetic_reports

ROOT = Path(__file__).resolve().parent.parent

BASELINE = "80b63f6"
"""The revision before duplicate detection weighed only the pairs that can reach the threshold
and read each distinct word once (issue 23, second round)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", default=BASELINE,
                        help=f"the revision to compare with (default {BASELINE})")
    parser.add_argument("--child", nargs=2, metavar=("REPORTS", "OUT"),
                        help=argparse.SUPPRESS)  # one timed process (used by the rounds)
    args = parser.parse_args()
    if args.child:
        _child(Path(args.child[0]), Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="caesar-bench-") as scratch:
        work = Path(scratch)
        reports, truth = _reports(args.reports, args.seed)
        (work / "reports.json").write_text(json.dumps(reports, ensure_ascii=False), "utf-8")
        old = _checkout(args.against, work / "against")
        print(f"{len(reports)} reports, {len(truth)} persons reported twice; this checkout"
              f" beside {args.against}; load average {os.getloadavg()[0]:.1f}")
        print(f"\n{'round':<7}{'':<14}{'first run':>22}{'again':>22}   (wall s / CPU s)")
        runs: dict[str, list[dict[str, Any]]] = {"this checkout": [], args.against: []}
        for n in range(args.rounds):
            for label, src in (("this checkout", ROOT / "src"), (args.against, old)):
                out = work / f"{n}-{len(runs[label])}-{label.replace(' ', '-')}.json"
                run = _run(src, work / "reports.json", out)
                runs[label].append(run)
                print(f"{n + 1:<7}{label:<14}{run['first']:>11.2f} /{run['first_cpu']:>6.2f}"
                      f"{run['again']:>14.2f} /{run['again_cpu']:>6.2f}")
        print(f"\nload average now {os.getloadavg()[0]:.1f}; best of {args.rounds}:")
        for label, done in runs.items():
            found = {tuple(p) for p in done[0]["pairs"]}
            right = len(found & truth)
            print(f"  {label:<14} first {min(r['first'] for r in done):.2f} s"
                  f" (CPU {min(r['first_cpu'] for r in done):.2f} s), again"
                  f" {min(r['again'] for r in done):.2f} s (CPU"
                  f" {min(r['again_cpu'] for r in done):.2f} s); {right} of {len(truth)} true"
                  f" pairs found, {len(found) - right} other pairs offered")
        mine, theirs = (_scored(runs[k][0]) for k in runs)
        same = mine == theirs
        print(f"  the same pairs with the same scores: {'yes' if same else 'no'}")
        if not same:
            print(f"    only here: {sorted(set(mine.items()) - set(theirs.items()))[:10]}")
            print(f"    only there: {sorted(set(theirs.items()) - set(mine.items()))[:10]}")


def _scored(run: dict[str, Any]) -> dict[tuple[int, int], float]:
    return {(a, b): score for a, b, score in run["scored"]}


def _reports(count: int, seed: int) -> tuple[list[dict[str, Any]], set[tuple[int, int]]]:
    """The generator's reports (as `missing add --from` reads them) and the true pairs, by
    report number (1 for the first)."""
    truth, rows = synthetic_reports(count, seed)
    ids = {r["ref"]: i + 1 for i, r in enumerate(rows)}
    pairs = {(min(ids[t.ref], ids[t.duplicate_of]), max(ids[t.ref], ids[t.duplicate_of]))
             for t in truth.reports if t.duplicate_of}
    return rows, pairs


def _checkout(revision: str, folder: Path) -> Path:
    """The `src` folder of `revision`, written out of the repository into `folder`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def _run(src: Path, reports: Path, out: Path) -> dict[str, Any]:
    """One new process importing caesar from `src`, timing its duplicates."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, __file__, "--child", str(reports), str(out)], env=env,
                   check=True)
    found: dict[str, Any] = json.loads(out.read_text("utf-8"))
    if not Path(found["module"]).is_relative_to(src):  # an installed caesar took precedence
        raise SystemExit(f"the process imported {found['module']}, not caesar from {src}")
    return found


def _child(reports: Path, out: Path) -> None:
    import caesar
    from caesar.identify.duplicates import find_duplicates

    records = records_of(json.loads(reports.read_text("utf-8")))
    times = []
    for _ in range(2):
        wall, cpu = time.perf_counter(), time.process_time()
        found = find_duplicates(records)
        times += [time.perf_counter() - wall, time.process_time() - cpu]
    out.write_text(json.dumps({
        "module": caesar.__file__, "first": times[0], "first_cpu": times[1],
        "again": times[2], "again_cpu": times[3],
        "pairs": [d.reports for d in found],
        "scored": [[*d.reports, d.score] for d in found]}), "utf-8")


if __name__ == "__main__":
    main()
