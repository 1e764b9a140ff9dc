"""Grouping photos into cases and reading their numbers, on held-out and on seen material.

    .venv/bin/python bench/cases.py [--cases 400] [--drive-photos 500] [--keep]

Generates two collections of N cases of 1 MP with `caesar.demo`, with different seeds: one
from the held-out variety (`held_out=True`: materials, card proportions, layouts, separators,
labels, faces, hands and photographers' paces that the default collection never uses, see
src/caesar/demo/variety.py) and one like the default demo's (the seen variety, half of it as
the first generator drew it). For each: ingests every drive but the last, times `caesar cases
build`, ingests the last drive and times the incremental build, then reads `caesar cases list`
and `caesar cases queue` (the command-line contract, whatever the reader inside) against
truth.json. Held-out figures are printed first, beside the seen ones:

  grouping    pairwise precision and recall over originals, adjusted Rand index, copies linked
  bodies      true cases none of whose photos is in any case
  numbers     cases whose three numbers are what a reader should find (each number legible in
              at least one photo read exactly, the others left empty), per digit script
  wrong field cases where a number that is right for one field was put in another
  review      numbers waiting in the review queue, and cases with one
  speed       photos/s of the full build, seconds of the incremental one

and, for the held-out collection, the exact share by writing (typeset, handwriting-like
face, hand) and by what carries the numbers, then the misread digits (true -> read).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CAESAR, env, new_archive, timed, workspace

from caesar.demo.generate import generate_collection
from caesar.demo.truth import Truth

KINDS = ("detainee", "branch", "forensic")
# Issue 16's targets on held-out material, by row.
TARGETS = {"grouping: precision": "≥ 0.99", "grouping: recall": "≥ 0.97",
           "numbers exact: western": "≥ 95%", "numbers exact: arabic_indic": "≥ 90%",
           "right number, wrong field": "≤ 1%", "bodies without a case": "0"}


@dataclass
class Figures:
    """What one collection measured."""

    rows: dict[str, str] = field(default_factory=dict)
    strata: list[str] = field(default_factory=list)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=400, help="cases in each collection")
    parser.add_argument("--drive-photos", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the files made")
    args = parser.parse_args()
    with workspace(args.keep) as work:
        held_out = _measure(work / "held-out", args.cases, args.drive_photos, seed=23,
                            held_out=True)
        seen = _measure(work / "seen", args.cases, args.drive_photos, seed=11, held_out=False)
    print(f"\n{'':34} {'held-out':>18} {'seen':>18}   target (held-out)")
    for key in held_out.rows:
        print(f"{key:34} {held_out.rows[key]:>18} {seen.rows.get(key, ''):>18}"
              f"   {TARGETS.get(key, '')}")
    print("\nheld-out, all three numbers as a reader should find them, by stratum:")
    for line in held_out.strata:
        print("  " + line)
    print("misread digits on held-out (true -> read: count): " + (", ".join(
        f"{t}->{g}: {c}" for (t, g), c in held_out.confusion.most_common(15)) or "none"))


def _measure(folder: Path, cases: int, drive_photos: int, *, seed: int,
             held_out: bool) -> Figures:
    name = "held-out" if held_out else "seen"
    started = time.perf_counter()
    drives = max(2, math.ceil(cases * 6.75 / drive_photos))  # ~6.75 files a case
    truth = generate_collection(folder / "collection", cases=cases, drives=drives,
                                reports=False, seed=seed, held_out=held_out)
    print(f"{name}: generated {cases} cases, {len(truth.files)} files on {drives} drives in"
          f" {time.perf_counter() - started:.0f} s", flush=True)
    archive = new_archive(folder / "archive")
    *first, last = [str(folder / "collection" / d) for d in truth.drives]
    timed([*CAESAR, "--archive", str(archive), "ingest", *first])
    full = timed([*CAESAR, "--archive", str(archive), "cases", "build"])
    before = len(_json(archive, "photos", "list"))
    timed([*CAESAR, "--archive", str(archive), "ingest", last])
    added = len(_json(archive, "photos", "list")) - before
    incremental = timed([*CAESAR, "--archive", str(archive), "cases", "build"])
    print(f"{name}: built in {full:.0f} s, then {incremental:.0f} s after a drive of {added}",
          flush=True)
    figures = _score(truth, _json(archive, "cases", "list"), _json(archive, "cases", "queue"))
    figures.rows["speed: full build (photos/s)"] = f"{before / full:.1f}"
    # One key for both collections, whose last drives differ in size, so they print side by side.
    figures.rows["speed: incremental build (s, photos)"] = f"{incremental:.1f}, {added}"
    return figures


def _json(archive: Path, *command: str) -> Any:
    run = subprocess.run([*CAESAR, "--archive", str(archive), *command, "--json"], env=env(),
                         check=True, capture_output=True, text=True)
    return json.loads(run.stdout)


def _score(truth: Truth, cases: list[dict[str, Any]], queue: list[dict[str, Any]]) -> Figures:
    figures = Figures()
    rows = figures.rows
    found = {sha: case["id"] for case in cases for sha in case["photos"] if sha}
    copies = {copy: case["id"] for case in cases for copy in case["copies"] if copy}
    originals = {f.sha256: f for f in truth.originals() if f.role != "damaged"}
    truth_of = {sha: f.case for sha, f in originals.items()}
    precision, recall = _pairwise(truth_of, found)
    rows["grouping: precision"] = f"{precision:.4f}"
    rows["grouping: recall"] = f"{recall:.4f}"
    rows["grouping: adjusted Rand index"] = f"{_ari(truth_of, found):.4f}"
    published = [f for f in truth.files if f.role == "published_copy"]
    linked = sum(1 for f in published if f.copy_of in found
                 and copies.get(f.sha256) == found[f.copy_of])
    rows["copies linked to their original"] = f"{linked}/{len(published)}"
    rows["cases found / true cases"] = f"{len(cases)}/{len(truth.cases)}"

    # Each body's case: the found case holding most of its originals.
    by_id = {case["id"]: case for case in cases}
    matched: dict[int, dict[str, Any]] = {}
    for case in truth.cases:
        votes = Counter(found[sha] for sha in case.photos if sha in found)
        if votes:
            matched[case.id] = by_id[votes.most_common(1)[0][0]]
    lost = len(truth.cases) - len(matched)
    rows["bodies without a case"] = f"{lost} ({lost / max(1, len(truth.cases)):.1%})"
    unreadable = sum(1 for n in truth.numbers if not n.legible)
    rows["bodies with no legible number"] = f"{unreadable}"

    exact: Counter[str] = Counter()
    total: Counter[str] = Counter()
    strata: dict[str, list[bool]] = {}
    wrong = 0
    for case in truth.cases:
        numbers = truth.numbers_of(case.id)
        values = {"detainee": case.detainee, "branch": case.branch, "forensic": case.forensic}
        expected = {k: (v if k in numbers.legible_numbers else None) for k, v in values.items()}
        read = (matched[case.id]["numbers"] if case.id in matched
                else dict.fromkeys(KINDS))
        right = all(read[k] == expected[k] for k in KINDS)
        total[case.script] += 1
        exact[case.script] += right
        for key in (f"writing {numbers.writing.writing_kind}",
                    f"material {numbers.writing.material}"):
            strata.setdefault(key, []).append(right)
        if any(read[k] is not None and read[k] != values[k]
               and read[k] in [values[j] for j in KINDS if j != k] for k in KINDS):
            wrong += 1
        for k in KINDS:
            got, want = read[k] or "", values[k]
            if expected[k] and len(got) == len(want):
                figures.confusion.update((t, g) for t, g in zip(want, got, strict=True) if t != g)
    for script in ("western", "arabic_indic"):
        n = total[script]
        rows[f"numbers exact: {script}"] = (
            f"{exact[script] / n:.1%} of {n}" if n else "-")
    rows["right number, wrong field"] = f"{wrong / max(1, len(truth.cases)):.1%}"
    flagged_cases = {item["case"] for item in queue}
    rows["numbers in the review queue"] = (
        f"{len(queue)} ({len(queue) / max(1, 3 * len(cases)):.1%})")
    rows["cases with a number to review"] = f"{len(flagged_cases)}"
    figures.strata = [f"{key}: {sum(v) / len(v):.1%} of {len(v)}"
                      for key, v in sorted(strata.items())]
    return figures


def _pairwise(truth_of: dict[str, int | None], found: dict[str, int]) -> tuple[float, float]:
    tp = fp = fn = 0
    by_found: dict[int, list[str]] = {}
    for sha, case_id in found.items():
        by_found.setdefault(case_id, []).append(sha)
    for members in by_found.values():
        for a, b in combinations(members, 2):
            if truth_of.get(a) is not None and truth_of.get(a) == truth_of.get(b):
                tp += 1
            else:
                fp += 1
    by_truth: dict[int, list[str]] = {}
    for sha, true_id in truth_of.items():
        if true_id is not None:
            by_truth.setdefault(true_id, []).append(sha)
    for members in by_truth.values():
        for a, b in combinations(members, 2):
            if not (a in found and found[a] == found.get(b)):
                fn += 1
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def _ari(truth_of: dict[str, int | None], found: dict[str, int]) -> float:
    """Adjusted Rand index over originals; photos in no case each form a cluster of their own."""
    from sklearn.metrics import adjusted_rand_score

    shas = sorted(truth_of)
    labels_true = [f"t{truth_of[s]}" if truth_of[s] is not None else f"x{s}" for s in shas]
    labels_found = [f"c{found[s]}" if s in found else f"x{s}" for s in shas]
    return float(adjusted_rand_score(labels_true, labels_found))


if __name__ == "__main__":
    main()
