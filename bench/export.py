"""Export speed: the evidence package against `cp` of the same plaintext, the exhibition set
against stripping metadata with exiftool (which neither re-encodes nor blurs).

    .venv/bin/python bench/export.py [--photos 1000] [--megapixels 2] [--keep]

Targets (issue 9): evidence within 2x of `cp`; exhibition >= 20 images/s on 2 cores. The
machine's cores are shared, so figures vary with its load by +-20%.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CAESAR, make_photos, new_archive, timed, workspace  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--megapixels", type=float, default=2.0)
    parser.add_argument("--keep", action="store_true", help="keep the files made")
    args = parser.parse_args()
    with workspace(args.keep) as work:
        photos = make_photos(work / "collection", args.photos, args.megapixels)
        source = work / "collection" / "drive-01"
        total = sum(p.stat().st_size for p in photos)
        mb = total / 1e6
        archive = new_archive(work / "archive")
        caesar = [*CAESAR, "--archive", str(archive)]
        timed([*caesar, "ingest", str(source), "--json"])
        print(f"{len(photos)} originals of {args.megapixels:g} MP, {mb:,.0f} MB")

        evidence = timed([*caesar, "export", "evidence", "--transfer", "1", "--out",
                          str(work / "evidence"), "--yes", "--json"])
        copy = timed(["cp", "-r", str(source), str(work / "copy")])
        synced = copy + timed(["sync", "-f", str(work / "copy")])
        print(f"export evidence  {evidence:7.2f} s  {mb / evidence:8.1f} MB/s")
        print(f"cp -r            {copy:7.2f} s  {mb / copy:8.1f} MB/s")
        print(f"cp -r + sync     {synced:7.2f} s  {mb / synced:8.1f} MB/s")
        print(f"evidence / cp = {evidence / copy:.2f}x, / (cp + sync) = {evidence / synced:.2f}x"
              "  (target: within 2x of cp)")
        shutil.rmtree(work / "evidence")

        exhibit = timed([*caesar, "export", "exhibit", "--transfer", "1", "--out",
                         str(work / "exhibit"), "--yes", "--json"])
        images = len(list((work / "exhibit").glob("*.jpg")))
        stripped = timed(["exiftool", "-q", "-all=", "-overwrite_original", "-r",
                          str(work / "copy")])
        print(f"export exhibit   {exhibit:7.2f} s  {images / exhibit:8.1f} images/s"
              f"  ({images} images: faces detected and blurred, captions, re-encoded)")
        print(f"exiftool -all=   {stripped:7.2f} s  {len(photos) / stripped:8.1f} images/s"
              "  (metadata stripped only)")
        print(f"exhibit: {images / exhibit:.1f} images/s  (target: >= 20 on 2 cores)")


if __name__ == "__main__":
    main()
