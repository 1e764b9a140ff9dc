"""Verify speed against `sha256sum` of the same plaintext.

    .venv/bin/python bench/verify.py [--photos 1000] [--megapixels 2] [--keep]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CAESAR, make_photos, new_archive, photos_parser, timed, workspace


def main() -> None:
    parser = photos_parser(__doc__)
    args = parser.parse_args()
    with workspace(args.keep) as work:
        photos = make_photos(work / "collection", args.photos, args.megapixels)
        source = work / "collection" / "drive-01"
        total = sum(p.stat().st_size for p in photos)
        archive = new_archive(work / "archive")
        timed([*CAESAR, "--archive", str(archive), "ingest", str(source), "--json"])
        files = [str(p) for p in photos]
        floor = timed(["sha256sum", *files])
        caesar = timed([*CAESAR, "--archive", str(archive), "verify", "--json"])
        mb = total / 1e6
        print(f"{len(photos)} originals, {mb:,.0f} MB")
        print(f"caesar verify  {caesar:7.2f} s  {mb / caesar:8.1f} MB/s")
        print(f"sha256sum      {floor:7.2f} s  {mb / floor:8.1f} MB/s")
        print(f"caesar / sha256sum = {caesar / floor:.2f}x  (target: within 2x)")


if __name__ == "__main__":
    main()
