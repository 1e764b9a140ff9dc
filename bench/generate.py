"""How fast the synthetic collection is made, and how big it is.

    .venv/bin/python bench/generate.py [--cases 1000] [--megapixels 1] [--workers N] [--keep]

Generates a collection into a scratch folder beside the checkout (removed afterwards unless
--keep), then prints the wall time, the CPU time of this process and its workers, files and
megabytes by role, and the time to plan the cases and reports alone (no pixels) for 11,000
cases, the size the identification benchmark uses. Target (issue 4): 1,000 cases of 1 MP in
under a minute on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from caesar.demo.generate import cases_and_reports, generate_collection  # noqa: E402


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--megapixels", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the collection made")
    args = parser.parse_args()

    base = ROOT / "bench" / "out"
    base.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="generate-", dir=base))
    try:
        out = scratch / "collection"
        cpu, started = _cpu_seconds(), time.perf_counter()
        truth = generate_collection(out, cases=args.cases, seed=args.seed,
                                    megapixels=args.megapixels, workers=args.workers)
        wall, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        count: Counter[str] = Counter(f.role for f in truth.files)
        size: Counter[str] = Counter()
        for f in truth.files:
            size[f.role] += f.size
        total = sum(size.values())
        print(f"{args.cases} cases, {args.megapixels:g} MP ({truth.size[0]}x{truth.size[1]}),"
              f" {args.workers or os.cpu_count()} workers, seed {args.seed}")
        print(f"  wall {wall:.1f} s, CPU {cpu:.1f} s, {len(truth.files) / wall:.0f} files/s,"
              f" {wall / max(1, args.cases) * 1000:.1f} ms per case")
        print(f"  {len(truth.files)} files, {total / 1e6:,.0f} MB"
              f" ({total / max(1, len(truth.files)) / 1e3:.0f} kB per file),"
              f" {len(truth.reports)} reports, {len(truth.drives)} drives")
        for role in sorted(count):
            print(f"    {role:15} {count[role]:6} files {size[role] / 1e6:9,.1f} MB")
        started = time.perf_counter()
        _planned, reports = cases_and_reports(cases=11000, seed=args.seed)
        print(f"  plan only (cases and reports, no pixels): 11,000 cases and"
              f" {len(reports)} reports in {time.perf_counter() - started:.1f} s")
        verdict = "met" if args.megapixels == 1 and args.cases >= 1000 and wall < 60 else "n/a"
        print(f"  target 1,000 cases of 1 MP under 60 s: {verdict}")
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
