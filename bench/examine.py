"""The examination: how fast, and how often right (held-out part first).

    python bench/examine.py [--per-camera 30] [--copies 4] [--samples DIR] [--skip-speed]

1. Accuracy on the evaluation set (`caesar.forensics.evalset`): per kind of doctoring, the
   share called inconsistent, held-out part first (cameras, editors, tools and parameters the
   thresholds were not set on), then the tuned part; pasted regions found in their place
   (the map's 64-pixel cells), and regions named on photos where none was pasted (camera
   originals and the other kinds of copy), each beside the aligned map alone (the method
   examine-2) in the same run; untouched camera originals called inconsistent.
2. Real camera files, when `--samples DIR` names a checkout of github:ianare/exif-samples
   (fetched by whoever runs the bench, never committed): how many the examination calls
   inconsistent, and why, so false alarms on real cameras are visible. Skipped, saying so,
   when the folder is absent.
3. Speed at 2 MP and 12 MP: the structure and metadata checks (facts: markers, tables, EXIF,
   thumbnail) per second on one core and on two, and the recompression analysis on top,
   beside exiftool reading the same files (what an expert would run) as the baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from caesar.forensics.evalset.cameras import CAMERAS
from caesar.forensics.evalset.generate import camera_original, generate
from caesar.forensics.evalset.measure import Scores, score, subject
from caesar.forensics.examine import MAP_MAX_SIDE, examine_all
from caesar.forensics.facts import gather
from caesar.forensics.pasted import pasted_map
from caesar.forensics.profile import build_profiles
from caesar.forensics.recompression import lattice_map, luminance
from caesar.forensics.tables import ANNEX_K_LUMINANCE, ijg_table


def accuracy(per_camera: int, copies: int) -> None:
    started = time.perf_counter()
    photos = generate(per_camera=per_camera, copies_per_kind=copies, size=(1024, 768), seed=1)
    scores = score(photos, baseline=True)
    print(f"\n== Evaluation set: {len(photos)} files, 1024x768, {len(CAMERAS)} cameras"
          f" ({time.perf_counter() - started:.0f} s) ==")
    table = scores.table()
    for split in ("held_out", "tuned"):
        print(f"-- {split.replace('_', '-')} --")
        for (kind, part), (found, total) in table.items():
            if part != split:
                continue
            what = "camera originals called inconsistent" if kind == "original" else \
                f"{kind}: found"
            print(f"  {what:<40} {found:>4} of {total:<4} {found / total:6.1%}")
        _regions(scores, split)
    missed = Counter((o.photo.kind, o.photo.camera, o.photo.tool) for o in scores.outcomes
                     if o.photo.kind != "original" and not o.inconsistent)
    for (kind, camera, tool), n in sorted(missed.items()):
        print(f"  missed: {n} {kind} of {camera} ({tool})")
    unplaced = Counter((o.photo.split, o.photo.camera, o.photo.tool) for o in scores.outcomes
                       if o.placed is False)
    for (split, camera, tool), n in sorted(unplaced.items()):
        print(f"  region not placed ({split}): {n} of {camera} ({tool})")


def _regions(scores: Scores, split: str) -> None:
    """Pasted regions placed and regions named where none was pasted: this method beside the
    aligned map alone (examine-2), measured in the same run."""
    placed, total = scores.placed(split)
    if total:
        before, _ = scores.placed(split, baseline=True)
        print(f"  {'pasted region placed (64-px cells)':<40} {placed:>4} of {total:<4}"
              f" {placed / total:6.1%}   (aligned map alone, examine-2: {before} of {total},"
              f" {before / total:.1%})")
        # Where the editor saved more coarsely than the camera (or with its very tables), no
        # trace of the camera's compression survives to be mapped: a limit of the signal,
        # shown apart from the misses of the map itself.
        mappable = [o for o in scores.outcomes if o.placed is not None
                    and o.photo.split == split and not any(
                        n.startswith(("recompression.region:", "recompression: the second"))
                        for n in o.examination.not_examined)]
        hit = sum(bool(o.placed) for o in mappable)
        print(f"  {'  of those the map could be drawn for':<40} {hit:>4} of {len(mappable):<4}"
              f" {hit / max(1, len(mappable)):6.1%}")
    wrong, without = scores.regions_claimed_wrongly(split)
    before, _ = scores.regions_claimed_wrongly(split, baseline=True)
    print(f"  {'region named where none was pasted':<40} {wrong:>4} of {without:<4}"
          f" {wrong / max(1, without):6.1%}   (aligned map alone, examine-2: {before} of"
          f" {without}, {before / max(1, without):.1%})")
    print(f"  {'  of those, a painted copy, in its place':<40} {scores.painted_in_place(split):>4}"
          f"           (examine-2: {scores.painted_in_place(split, baseline=True)})")


def real_samples(folder: Path | None) -> None:
    print("\n== Real camera files (github:ianare/exif-samples) ==")
    if folder is None or not folder.is_dir():
        print("  skipped: give --samples DIR, a checkout of github:ianare/exif-samples"
              " (never committed to this repository)")
        return
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg")
                   and "invalid" not in p.parts and p.stat().st_size > 0)
    from caesar.forensics.evalset.generate import EvalPhoto

    photos = [EvalPhoto(str(p.relative_to(folder)), "real", "original", "held_out",
                        p.read_bytes()) for p in files]
    subjects = [subject(p) for p in photos]
    data = {s.sha256: p.data for s, p in zip(subjects, photos, strict=True)}
    results = examine_all(subjects, build_profiles([(s.facts, s.shot) for s in subjects]),
                          data.__getitem__)
    called = [(p, r) for p, r in zip(photos, results, strict=True)
              if r.strongest == "inconsistent"]
    counts = Counter(r.strongest for r in results)
    print(f"  {len(results)} files: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    # Most sample files were passed through an editor by the samples' authors and say so in
    # their own metadata: those are no camera originals. The rest are where false alarms hide.
    traced = {"metadata.software", "metadata.dates", "metadata.dimensions", "structure.markers"}
    untraced = [(p, r) for p, r in called if not any(
        f.signal in traced and f.strength == "inconsistent" for f in r.findings)]
    print(f"  {len(called) - len(untraced)} of the {len(called)} inconsistent say so in their"
          " own metadata (an editor named, modified after capture, resized, damaged);"
          f" {len(untraced)} do not (false alarms, or edits that left no other trace):")
    for photo, result in untraced:
        why = "; ".join(f"{f.signal}: {f.summary}" for f in result.findings
                        if f.strength == "inconsistent")
        print(f"    {photo.name}: {why[:300]}")
    print("  signals among the inconsistent: " + ", ".join(
        f"{signal} {n}" for signal, n in Counter(
            f.signal for _, r in called for f in r.findings
            if f.strength == "inconsistent").most_common()))


def _originals(count: int, megapixels: float) -> list[bytes]:
    import random

    width = int((megapixels * 1e6 * 4 / 3) ** 0.5) // 16 * 16
    size = (width, width * 3 // 4)
    rng = random.Random(5)
    camera = CAMERAS[0]
    from datetime import datetime, timedelta

    return [camera_original(camera, "1", datetime(2013, 1, 1) + timedelta(minutes=i), size,
                            rng) for i in range(count)]


def _gather_all(paths: list[str]) -> int:
    for path in paths:
        gather(Path(path).read_bytes())
    return len(paths)


def speed(count: int) -> None:
    print(f"\n== Speed ({os.cpu_count()} cores) ==")
    q1 = CAMERAS[0].luma
    q2 = ijg_table(ANNEX_K_LUMINANCE, 95)
    for megapixels in (2.0, 12.0):
        n = count if megapixels < 5 else max(8, count // 4)
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for i, data in enumerate(_originals(n, megapixels)):
                path = Path(folder, f"DSCN{i:04d}.JPG")
                path.write_bytes(data)
                paths.append(str(path))
            started = time.perf_counter()
            _gather_all(paths)
            one = n / (time.perf_counter() - started)
            started = time.perf_counter()
            with ProcessPoolExecutor(2) as pool:
                sum(pool.map(_gather_all, [paths[0::2], paths[1::2]]))
            two = n / (time.perf_counter() - started)
            timed = [luminance(Path(name).read_bytes(), MAP_MAX_SIDE)
                     for name in paths[: max(4, n // 4)]]
            started = time.perf_counter()
            for y in timed:
                lattice_map(y, q1, q2)
            aligned = time.perf_counter() - started
            for y in timed:
                pasted_map(y, q1, q2)
            recompression = len(timed) / (time.perf_counter() - started)
            aligned_rate = len(timed) / aligned
            baseline = "exiftool not installed"
            if shutil.which("exiftool"):
                started = time.perf_counter()
                subprocess.run(["exiftool", "-j", "-q", *paths], capture_output=True,
                               check=False)
                baseline = f"{n / (time.perf_counter() - started):7.1f} photos/s"
            print(f"  {megapixels:4.0f} MP: structure and metadata {one:7.1f} photos/s on one"
                  f" core, {two:7.1f} on two; recompression map {recompression:6.1f} photos/s"
                  f" (one core; the aligned map alone, examine-2: {aligned_rate:6.1f});"
                  f" baseline exiftool -j {baseline}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-camera", type=int, default=30)
    parser.add_argument("--copies", type=int, default=4, help="copies of each kind per camera")
    parser.add_argument("--samples", type=Path, default=None)
    parser.add_argument("--photos", type=int, default=100, help="photos timed at 2 MP")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    accuracy(args.per_camera, args.copies)
    real_samples(args.samples)
    if not args.skip_speed:
        speed(args.photos)
    digest = hashlib.sha256(sys.version.encode()).hexdigest()[:8]
    print(f"\n(python {sys.version.split()[0]}, run {digest})")


if __name__ == "__main__":
    main()
