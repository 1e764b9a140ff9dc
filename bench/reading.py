"""Where the reader loses the legible numbers: stage by stage, by material and writing.

    .venv/bin/python bench/reading.py [--cases 40] [--seed 5] [--held-out] [--keep]
    .venv/bin/python bench/reading.py --collection DIR     # a collection generated before

Generates a collection with `caesar.demo` (or takes one made by `caesar demo generate`) and,
for every legible line of writing its truth.json names in a body photo, follows each of the
line's numbers through the reader (`caesar.cases.reading`):

  line found   a line of writing (regions.py) lies over the line's box
  ink          that line, straightened, holds ink darker than its ground (a band of glyphs)
  read         a number the photo's reading gives, over the line, has the number's digits

and prints, per stage, the numbers lost there, overall and by what they are written on
(surface and material), by writing (typeset, handwriting-like face, hand), by digit height and
by blur; then the commonest misreadings (true -> read). Tune the reader on the seen
collection; quote the held-out one afterwards (docs/cases.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import workspace

from caesar.cases.reading import read_photo
from caesar.cases.reading.card import cut_out, ink_line
from caesar.cases.reading.regions import find_lines
from caesar.demo.generate import generate_collection
from caesar.demo.truth import TRUTH_FILE, LineTruth, RegionTruth, load_truth

STAGES = ("line found", "ink", "read")


@dataclass(frozen=True)
class Followed:
    """One legible number of one photo, and the last stage it passed."""

    region: RegionTruth
    number: str
    passed: int  # how many of STAGES it passed
    read: tuple[str, ...]  # what was read over its line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--held-out", action="store_true")
    parser.add_argument("--collection", type=Path, help="a collection generated before")
    parser.add_argument("--keep", action="store_true", help="keep the files made")
    args = parser.parse_args()
    if args.collection:
        report(args.collection)
        return
    with workspace(args.keep) as work:
        generate_collection(work / "collection", cases=args.cases, reports=False,
                            seed=args.seed, held_out=args.held_out)
        report(work / "collection")


def report(collection: Path) -> None:
    """Follow every legible number of the collection's body photos and print the losses."""
    truth = load_truth(collection / TRUTH_FILE)
    followed: list[Followed] = []
    started = time.perf_counter()
    photos = 0
    for file in truth.files:
        if file.role != "body" or file.copy_of or not file.regions:
            continue
        photos += 1
        with Image.open(collection / file.location) as image:
            image.load()
            followed += follow(image, file.regions)
    seconds = time.perf_counter() - started
    print(f"{collection}: {photos} body photos with writing, {len(followed)} legible numbers,"
          f" {photos / seconds:.1f} photos/s")
    _table("all", {"all": followed})
    by: dict[str, dict[str, list[Followed]]] = defaultdict(lambda: defaultdict(list))
    for f in followed:
        by["surface/material"][f"{f.region.surface}/{f.region.material}"].append(f)
        by["writing"][f.region.writing_kind].append(f)
        by["digit height (px)"][_bucket(f.region.digit_px, (12, 16, 24, 36))].append(f)
        by["blur (px)"][_bucket(f.region.blur, (0.6, 1.0, 1.4))].append(f)
        by["script"][f.region.script].append(f)
    for name, groups in by.items():
        _table(name, groups)
    wrong = Counter((f.number, r) for f in followed if f.passed == 2 for r in f.read or ("",))
    print("\nmisread lines (true -> read over its line): " + ", ".join(
        f"{t}->{r or 'nothing'}" for (t, r), _ in wrong.most_common(25)))


def follow(image: Image.Image, regions: tuple[RegionTruth, ...]) -> list[Followed]:
    """Each legible number of the photo's regions, followed through the reader."""
    rgb = np.asarray(image.convert("RGB"))
    lines = find_lines(rgb)
    readings = read_photo(image).numbers
    out = []
    for region in regions:
        for line in region.lines:
            if not line.legible or not line.numbers:
                continue
            over = [found for found in lines if _over(found.box, line)]
            inked = any(card is not None and ink_line(card) is not None
                        for card in (cut_out(rgb, found) for found in over))
            read = tuple(r.digits for r in readings if _over(r.box, line))
            for number in line.numbers:
                passed = (0 if not over else 1 if not inked
                          else 3 if number.value in read else 2)
                out.append(Followed(region, number.value, passed, read))
    return out


def _over(box: tuple[int, int, int, int], line: LineTruth) -> bool:
    """Whether a box found by the reader lies mostly over the truth line's box."""
    x0, y0, x1, y1 = box
    tx0, ty0, tx1, ty1 = line.box
    w, h = min(x1, tx1) - max(x0, tx0), min(y1, ty1) - max(y0, ty0)
    if w <= 0 or h <= 0:
        return False
    return w * h >= 0.5 * max(1, (x1 - x0) * (y1 - y0)) or w * h >= 0.3 * (tx1 - tx0) * (ty1 - ty0)


def _bucket(value: float, edges: tuple[float, ...]) -> str:
    low = 0.0
    for edge in edges:
        if value < edge:
            return f"{low:g}-{edge:g}"
        low = edge
    return f"{low:g}+"


def _table(name: str, groups: dict[str, list[Followed]]) -> None:
    print(f"\n{name:28}{'numbers':>8}" + "".join(f"{'lost: ' + s:>18}" for s in STAGES)
          + f"{'read':>8}")
    for key in sorted(groups):
        items = groups[key]
        lost = [sum(1 for f in items if f.passed == i) for i in range(len(STAGES))]
        done = sum(1 for f in items if f.passed == len(STAGES))
        print(f"  {key:26}{len(items):>8}" + "".join(
            f"{n:>11} {100 * n / len(items):4.0f}%" for n in lost)
            + f"{100 * done / len(items):7.0f}%")


if __name__ == "__main__":
    main()
