"""Ingest speed against the floor (sha256sum + cp + sync) and the script a user might write.

    .venv/bin/python bench/ingest.py [--photos 1131] [--megapixels 2] [--rounds 1]
                                     [--before SRC] [--keep]

Makes N camera-like JPEGs with the synthetic generator (fewer with --photos for a quick run),
then times, side by side on the same files, round by round:
  secured  `caesar ingest` into a fresh archive, until it says the drive may be unplugged
           (every file hashed, encrypted, durable, catalogued and logged; start-up included)
  caesar   the whole of that `caesar ingest`, analysis included (decrypt from the vault, EXIF,
           PDQ, thumbnail, flags)
  before   with --before SRC: `caesar ingest` of the code in SRC (the `src` folder of an
           earlier checkout, e.g. `git worktree add /tmp/before main~1`), side by side
  floor    `sha256sum` of every file, then `cp -r` to the same disk, then `sync`
  script   `exiftool -json` over the folder, then imagehash's phash of every file
The machine's load average is printed beside each round: on a shared machine it moves figures.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CAESAR, env, make_photos, new_archive, photos_parser, timed, workspace

SECURED = "The drive may be unplugged now."

SCRIPT = """
import sys, pathlib, imagehash
from PIL import Image
for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.*')):
    with Image.open(p) as im:
        imagehash.phash(im)
"""


def ingest_timed(archive: Path, source: Path) -> tuple[float, float]:
    """Seconds until `caesar ingest` says the drive may be unplugged, and until it ends."""
    started = time.perf_counter()
    secured = None
    with subprocess.Popen([*CAESAR, "--archive", str(archive), "ingest", str(source), "--json"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=env()) as process:
        assert process.stderr is not None
        for line in process.stderr:
            if SECURED in line and secured is None:
                secured = time.perf_counter() - started
    if process.returncode != 0 or secured is None:
        raise SystemExit(f"caesar ingest failed ({process.returncode})")
    return secured, time.perf_counter() - started


def ingest_before(src: str, archive: Path, source: Path) -> float:
    """Seconds that `caesar ingest` of the code in `src` takes, into its own new archive."""
    code = {**env(), "PYTHONPATH": src}
    subprocess.run([*CAESAR, "--archive", str(archive), "init", "--kdf-cost", "test"],
                   env=code, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([*CAESAR, "--archive", str(archive), "ingest", str(source), "--json"],
                   env=code, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = photos_parser(__doc__)
    parser.set_defaults(photos=1131)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--before", metavar="SRC", help="the src folder of an earlier"
                        " checkout, whose `ingest` is timed side by side")
    args = parser.parse_args()
    with workspace(args.keep) as work:
        started = time.perf_counter()
        photos = make_photos(work / "collection", args.photos, args.megapixels)
        source = work / "collection" / "drive-01"
        total = sum(p.stat().st_size for p in photos)
        n = len(photos)
        print(f"made {n} photos of {args.megapixels} MP, {total / 1e6:,.0f} MB,"
              f" in {time.perf_counter() - started:.1f} s; {os.cpu_count()} cores")
        files = [str(p) for p in photos]
        for round_ in range(1, args.rounds + 1):
            load = os.getloadavg()[0]
            archive = new_archive(work / f"archive-{round_}")
            secured, caesar = ingest_timed(archive, source)
            before = None
            if args.before:
                before = ingest_before(args.before, work / f"before-{round_}", source)
                shutil.rmtree(work / f"before-{round_}")
            copy = work / f"copy-{round_}"
            floor = timed(["sha256sum", *files]) + timed(["cp", "-r", str(source), str(copy)])
            floor += timed(["sync"])
            script = None
            if shutil.which("exiftool"):
                script = timed(["exiftool", "-json", "-r", str(source)]) + timed(
                    [sys.executable, "-c", SCRIPT, str(source)])
            print(f"round {round_} (load average {load:.1f})")
            print(f"  {'':9}{'seconds':>10}{'photos/s':>12}{'MB/s':>10}")
            rows = [("secured", secured), ("caesar", caesar), ("before", before),
                    ("floor", floor), ("script", script)]
            for name, seconds in rows:
                if seconds:
                    print(f"  {name:9}{seconds:10.2f}{n / seconds:12.1f}"
                          f"{total / 1e6 / seconds:10.1f}")
            print(f"  secured / floor = {secured / floor:.2f}x  (target: within 1.5x)")
            print(f"  caesar / floor  = {caesar / floor:.2f}x  (target: within 3x)")
            if before:
                print(f"  caesar / before = {caesar / before:.2f}x;"
                      f" secured / before = {secured / before:.2f}x")
            if script:
                print(f"  caesar / script = {caesar / script:.2f}x  (target: below 1x)")
            if args.megapixels == 2:
                print(f"  photos/s: {n / caesar:.0f}  (target: at least 100 at 2 MP)")
            shutil.rmtree(copy)
            shutil.rmtree(archive)


if __name__ == "__main__":
    main()
