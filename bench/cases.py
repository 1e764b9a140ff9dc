"""Grouping photos into cases and reading their numbers, on held-out and on seen material.

    .venv/bin/python bench/cases.py [--cases 400] [--drive-photos 500] [--confirm 0.1] [--keep]

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

Then the review loop as a person lives it: an analyst works down the review queue in its own
order (`caesar cases review`'s service calls: the queue, then one case edit per number), with
the generator's truth standing in for the person: for the first `--confirm` share of the
cases, each number the queue asks is set to the true value where a person can read it
(legible in one of the case's photos), then the case's other legible numbers are confirmed
the same way, and a case that holds no body is categorised as what its photos show (`cases
categorise`). `caesar cases build` runs again, and the figures are printed for the
cases NOT confirmed, beside the same cases' figures before (the archive has learned its numbers'
lengths and ranges from the confirmed ones).

and, for the held-out collection, the exact share by writing (typeset, handwriting-like
face, hand) and by what carries the numbers, what the extra cases are (photos of other
subjects, a body's photos with others, a body split), then the misread digits (true -> read).
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
from common import CAESAR, PASSPHRASE, env, new_archive, timed, workspace

from caesar.demo.generate import generate_collection
from caesar.demo.truth import Truth

KINDS = ("detainee", "branch", "forensic")
# Issue 16's targets on held-out material, by row.
TARGETS = {"grouping: precision": "≥ 0.99", "grouping: recall": "≥ 0.97",
           "numbers exact: western": "≥ 95%", "numbers exact: arabic_indic": "≥ 90%",
           "right number, wrong field": "≤ 1%", "bodies without a case": "0"}


@dataclass
class Figures:
    """What one collection measured at one stage."""

    rows: dict[str, str] = field(default_factory=dict)
    strata: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)


@dataclass
class Measured:
    """One collection: before any confirmation, and after some."""

    before: Figures
    after: Figures
    confirmed: int


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=400, help="cases in each collection")
    parser.add_argument("--drive-photos", type=int, default=500)
    parser.add_argument("--confirm", type=float, default=0.1,
                        help="share of the cases an analyst confirms from the review queue")
    parser.add_argument("--keep", action="store_true", help="keep the files made")
    args = parser.parse_args()
    with workspace(args.keep) as work:
        held_out = _measure(work / "held-out", args, seed=23, held_out=True)
        seen = _measure(work / "seen", args, seed=11, held_out=False)
    columns = [("held-out", held_out.before), (f"+{held_out.confirmed} confirmed", held_out.after),
               ("seen", seen.before), (f"+{seen.confirmed} confirmed", seen.after)]
    print(f"\n{'':38}" + "".join(f"{name:>17}" for name, _ in columns)
          + "   target (held-out)")
    keys = list(dict.fromkeys([*held_out.before.rows, *held_out.after.rows]))
    for key in keys:
        print(f"{key:38}" + "".join(f"{f.rows.get(key, ''):>17}" for _, f in columns)
              + f"   {TARGETS.get(key, '')}")
    print("(after confirmations, the number rows count only the cases not confirmed; 'same"
          " cases before' gives those cases' figure before any confirmation)")
    for name, measured in (("held-out", held_out), ("seen", seen)):
        print(f"\n{name}, all three numbers as a reader should find them, by stratum"
              " (before confirmations):")
        for line in measured.before.strata:
            print("  " + line)
        print(f"{name}, what the cases beyond one a body are (before confirmations):")
        for line in measured.before.extra:
            print("  " + line)
    print("misread digits on held-out (true -> read: count): " + (", ".join(
        f"{t}->{g}: {c}" for (t, g), c in held_out.before.confusion.most_common(15))
        or "none"))


def _measure(folder: Path, args: argparse.Namespace, *, seed: int, held_out: bool) -> Measured:
    name = "held-out" if held_out else "seen"
    cases = args.cases
    started = time.perf_counter()
    drives = max(2, math.ceil(cases * 6.75 / args.drive_photos))  # ~6.75 files a case
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
    listed = _json(archive, "cases", "list")
    figures = _score(truth, listed, _json(archive, "cases", "queue"))
    figures.rows.update(_reader_or_assignment(archive, truth, listed))
    figures.rows["speed: full build (photos/s)"] = f"{before / full:.1f}"
    # One key for both collections, whose last drives differ in size, so they print side by side.
    figures.rows["speed: incremental build (s, photos)"] = f"{incremental:.1f}, {added}"

    count = max(1, round(len(truth.cases) * args.confirm))
    confirmed, (asked, others), categorised = _confirm(archive, truth, count)
    rebuild = timed([*CAESAR, "--archive", str(archive), "cases", "build"])
    print(f"{name}: an analyst set {asked} numbers the queue asked and confirmed {others} more"
          f" of the first {len(confirmed)} cases of the queue, and categorised {categorised}"
          f" photos of cases that are no body; rebuilt in {rebuild:.0f} s", flush=True)
    bodies = _bodies(truth, {c["id"]: c for c in listed})
    skip = {body for body, case_id in bodies.items() if case_id in confirmed}
    after = _score(truth, _json(archive, "cases", "list"), _json(archive, "cases", "queue"),
                   skip=skip)
    same = _score(truth, listed, [], skip=skip)
    for script in ("western", "arabic_indic"):
        after.rows[f"same cases before: {script}"] = same.rows[f"numbers exact: {script}"]
    after.rows["same cases before: wrong field"] = same.rows["right number, wrong field"]
    return Measured(figures, after, len(confirmed))


def _json(archive: Path, *command: str) -> Any:
    run = subprocess.run([*CAESAR, "--archive", str(archive), *command, "--json"], env=env(),
                         check=True, capture_output=True, text=True)
    return json.loads(run.stdout)


def _confirm(archive: Path, truth: Truth, count: int
             ) -> tuple[set[int], tuple[int, int], int]:
    """An analyst confirms the numbers of the first `count` cases of the review queue, in its
    own order: first those the queue asks, as `caesar cases review` asks them, then the case's
    other legible numbers. Returns the cases looked at, the numbers set (asked by the queue,
    and others) and the photos categorised."""
    from caesar.core import Archive  # in-process, as the review command runs

    values = {c.id: {"detainee": c.detainee, "branch": c.branch, "forensic": c.forensic}
              for c in truth.cases}
    asked_set = confirmed = categorised = 0
    with Archive.open(archive, PASSPHRASE) as opened:
        actor = opened.owner
        order = list(dict.fromkeys(item.case for item in opened.cases.queue()))[:count]
        photos = {case.id: [p for p in case.photos if p] for case in opened.cases.cases()}
        for case_id in order:
            body = _body_of(truth, photos[case_id])
            if body is None:  # no body: a person says what the photos show
                what = Counter(f.category for sha in photos[case_id]
                               if (f := _file(truth, sha)) and f.category)
                category = what.most_common(1)[0][0] if what else "scene"
                categorised += opened.cases.categorise(photos[case_id], category, actor)
                continue
            legible = truth.numbers_of(body).legible_numbers
            asked: set[str] = set()
            # As the review command does: the case's numbers are weighed again after each one
            # set, and those no longer unsure are not asked.
            while item := next((i for i in opened.cases.queue([case_id])
                                if i.kind not in asked), None):
                asked.add(item.kind)
                if item.kind in legible:  # what a person can read in the photos
                    opened.cases.edit(case_id, [(item.kind, values[body][item.kind])], actor)
                    asked_set += 1
            # Then the case's other numbers, which the queue did not ask: confirmed as read,
            # or corrected (one edit each, as `cases edit` makes).
            shown = opened.cases.show(case_id)
            for kind in legible:
                if shown.numbers_source[kind] != "analyst":
                    opened.cases.edit(case_id, [(kind, values[body][kind])], actor)
                    confirmed += 1
    return set(order), (asked_set, confirmed), categorised


def _body_of(truth: Truth, photos: list[str]) -> int | None:
    """The true case most of a found case's originals belong to (None: photos of no body)."""
    votes = Counter(f.case for sha in photos if (f := _file(truth, sha)))
    body, _ = max(votes.items(), key=lambda v: (v[0] is not None, v[1]), default=(None, 0))
    return body if body is not None and votes[body] * 2 >= sum(votes.values()) else None


def _reader_or_assignment(archive: Path, truth: Truth, listed: list[dict[str, Any]]
                          ) -> dict[str, str]:
    """Of the numbers a person can read, how many the reader read in some photo of the body's
    case (whatever field it then went to), and of those how many went to their own field:
    which of the two, reading or assigning, a number is lost to."""
    from caesar.core import Archive

    bodies = _bodies(truth, {c["id"]: c for c in listed})
    legible = read = placed = 0
    with Archive.open(archive, PASSPHRASE) as opened:
        for case in truth.cases:
            if case.id not in bodies:
                continue
            shown = opened.cases.show(bodies[case.id])
            values = {r.digits for r in shown.readings}
            numbers = shown.numbers.model_dump()
            for kind in truth.numbers_of(case.id).legible_numbers:
                want = {"detainee": case.detainee, "branch": case.branch,
                        "forensic": case.forensic}[kind]
                legible += 1
                read += want in values
                placed += want in values and numbers[kind] == want
    return {"legible numbers read in a photo": f"{read / max(1, legible):.1%} of {legible}",
            "of those, put in their field": f"{placed / max(1, read):.1%}"}


def _file(truth: Truth, sha: str) -> Any:
    return truth.by_sha256(sha) if truth.knows(sha) else None


def _bodies(truth: Truth, by_id: dict[int, dict[str, Any]]) -> dict[int, int]:
    """Each body's case: the found case holding most of its originals."""
    found = {sha: case["id"] for case in by_id.values() for sha in case["photos"] if sha}
    matched: dict[int, int] = {}
    for case in truth.cases:
        votes = Counter(found[sha] for sha in case.photos if sha in found)
        if votes:
            matched[case.id] = votes.most_common(1)[0][0]
    return matched


def _score(truth: Truth, cases: list[dict[str, Any]], queue: list[dict[str, Any]],
           skip: frozenset[int] | set[int] = frozenset()) -> Figures:
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
    by_id = {case["id"]: case for case in cases}
    matched = {body: by_id[case_id] for body, case_id in _bodies(truth, by_id).items()}
    lost = len(truth.cases) - len(matched)
    rows["bodies without a case"] = f"{lost} ({lost / max(1, len(truth.cases)):.1%})"
    unreadable = sum(1 for n in truth.numbers if not n.legible)
    rows["bodies with no legible number"] = f"{unreadable}"
    figures.extra = _extra_cases(truth, cases, matched)

    exact: Counter[str] = Counter()
    total: Counter[str] = Counter()
    strata: dict[str, list[bool]] = {}
    wrong = counted = 0
    for case in truth.cases:
        if case.id in skip:
            continue
        counted += 1
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
    rows["right number, wrong field"] = f"{wrong / max(1, counted):.1%}"
    skipped_cases = {matched[b]["id"] for b in skip if b in matched}
    waiting = [item for item in queue if item["case"] not in skipped_cases]
    shown = [c for c in cases if c["id"] not in skipped_cases]
    rows["numbers in the review queue"] = (
        f"{len(waiting)} ({len(waiting) / max(1, 3 * len(shown)):.1%})")
    rows["cases with a number to review"] = f"{len({item['case'] for item in waiting})}"
    figures.strata = [f"{key}: {sum(v) / len(v):.1%} of {len(v)}"
                      for key, v in sorted(strata.items())]
    return figures


def _extra_cases(truth: Truth, cases: list[dict[str, Any]],
                 matched: dict[int, dict[str, Any]]) -> list[str]:
    """What the cases that are not one body's are: photos of other subjects alone (by what
    they show), a body's photos mixed with another subject's, or part of a split body."""
    home = {case["id"] for case in matched.values()}
    kinds: Counter[str] = Counter()
    mixed = 0
    clear: Counter[tuple[bool, bool]] = Counter()  # (a body's case, a number read clearly)
    for case in cases:
        files = [f for sha in case["photos"] if sha and (f := _file(truth, sha))]
        bodies = {f.case for f in files if f.case is not None}
        others = [f for f in files if f.case is None]
        if others and bodies:
            mixed += 1
        clear[(bool(bodies), any(p["support"] >= 0.8 for p in case["proposals"].values()))] += 1
        if case["id"] in home:
            continue
        if bodies:
            kinds["part of a split body"] += 1
        else:
            shown = Counter(f.category or "unknown" for f in others)
            kinds[f"photos of other subjects only ({shown.most_common(1)[0][0]},"
                  f" {len(files)} photos)" if len(shown) == 1 else
                  "photos of other subjects only (several kinds)"] += 1
    lines = [f"{reason}: {n}" for reason, n in sorted(kinds.items())]
    lines.append(f"cases mixing a body's photos with another subject's: {mixed}")
    # Could "no number read clearly" put the other subjects out of the cases? Only at the
    # cost of the bodies whose numbers nobody can read.
    lines.append(f"cases of other subjects with no number read clearly (support >= 0.8):"
                 f" {clear[(False, False)]} of {clear[(False, False)] + clear[(False, True)]};"
                 f" bodies' cases with none: {clear[(True, False)]} of"
                 f" {clear[(True, False)] + clear[(True, True)]}")
    return lines


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
