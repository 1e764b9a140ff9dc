"""Ingest speed against the floor (sha256sum + cp) and the script a user might write.

    .venv/bin/python bench/ingest.py [--photos 1000] [--megapixels 2] [--keep]

Makes N camera-like JPEGs with the synthetic generator, then times, side by side on the same files:
  caesar   `caesar ingest` into a fresh archive (hash, dedupe, EXIF, PDQ, thumbnail, encrypt)
  floor    `sha256sum` of every file, then `cp -r` to the same disk
  script   `exiftool -json` over the folder, then imagehash's phash of every file
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CAESAR, make_photos, new_archive, photos_parser, timed, workspace

SCRIPT = """
import sys, pathlib, imagehash
from PIL import Image
for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.*')):
    with Image.open(p) as im:
        imagehash.phash(im)
"""


def main() -> None:
    parser = photos_parser(__doc__)
    args = parser.parse_args()
    with workspace(args.keep) as work:
        started = time.perf_counter()
        photos = make_photos(work / "collection", args.photos, args.megapixels)
        source = work / "collection" / "drive-01"
        total = sum(p.stat().st_size for p in photos)
        n = len(photos)
        print(f"made {n} photos of {args.megapixels} MP, {total / 1e6:,.0f} MB,"
              f" in {time.perf_counter() - started:.1f} s")
        files = [str(p) for p in photos]

        archive = new_archive(work / "archive")
        caesar = timed([*CAESAR, "--archive", str(archive), "ingest", str(source), "--json"])
        floor_hash = timed(["sha256sum", *files])
        floor_copy = timed(["cp", "-r", str(source), str(work / "copy")])
        floor = floor_hash + floor_copy
        script = None
        if shutil.which("exiftool"):
            script = timed(["exiftool", "-json", "-r", str(source)]) + timed(
                [sys.executable, "-c", SCRIPT, str(source)])

        print(f"{'':8}{'seconds':>10}{'photos/s':>12}{'MB/s':>10}")
        rows = [("caesar", caesar), ("floor", floor), ("script", script)]
        for name, seconds in rows:
            if seconds:
                print(f"{name:8}{seconds:10.2f}{n / seconds:12.1f}{total / 1e6 / seconds:10.1f}")
        print(f"caesar / floor  = {caesar / floor:.2f}x  (target: within 3x)")
        if script:
            print(f"caesar / script = {caesar / script:.2f}x  (target: below 1x)")
        if args.megapixels == 2:
            print(f"photos/s: {n / caesar:.0f}  (target: at least 100 at 2 MP)")


if __name__ == "__main__":
    main()
