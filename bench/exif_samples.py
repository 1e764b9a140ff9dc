"""Camera, model and capture time as intake reads them from real camera files, beside exiftool.

    .venv/bin/python bench/exif_samples.py --samples DIR

DIR is a checkout of github:ianare/exif-samples (JPEG, TIFF and HEIC/HEIF files from many
cameras and phones, none made by this project; fetched once, never committed to this
repository). Every file goes through `caesar.intake.inspect.inspect_file`, as intake's analysis
runs it, and `exiftool -json` reads the same files (one process for all). For each format the
bench prints how many make, model and capture-time fields agree with exiftool's, counting a
field both leave empty as agreeing, then each disagreement and each file read with a flag.

Capture time, as intake takes it: EXIF DateTimeOriginal, else XMP's (with its own zone), else
the TIFF DateTime (exiftool's ModifyDate), with OffsetTimeOriginal when present; exiftool's
DateTimeOriginal is EXIF's, else XMP's, likewise. Files of the samples' `invalid` folder are
damaged on purpose: they are counted on their own line, not in the agreement.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import caesar.media  # noqa: F401  (HEIC and raw files for Pillow)
from caesar.intake.inspect import Inspection, inspect_file

FIELDS = ("make", "model", "captured_at")


def _exiftool(files: list[Path]) -> dict[str, dict[str, Any]]:
    out = subprocess.run(["exiftool", "-json", "-Make", "-Model", "-DateTimeOriginal",
                          "-ModifyDate", "-OffsetTimeOriginal", *map(str, files)],
                         capture_output=True, text=True, check=False).stdout
    return {tags["SourceFile"]: tags for tags in json.loads(out or "[]")}


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _theirs(tags: dict[str, Any]) -> dict[str, str | None]:
    taken = _text(tags.get("DateTimeOriginal")) or _text(tags.get("ModifyDate"))
    captured = None
    if taken and len(taken) >= 19:
        captured = taken[:10].replace(":", "-") + "T" + taken[11:19]
        zone = re.sub(r"^\.\d+", "", taken[19:])  # XMP's own zone, after any fraction
        zone = "+00:00" if zone == "Z" else zone
        captured += zone or _text(tags.get("OffsetTimeOriginal")) or ""
    return {"make": _text(tags.get("Make")), "model": _text(tags.get("Model")),
            "captured_at": captured}


def _ours(found: Inspection) -> dict[str, str | None]:
    return {"make": found.camera_make, "model": found.camera_model,
            "captured_at": found.captured_at}


def _format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return {"jpeg": "jpg", "heif": "heic", "tif": "tiff"}.get(suffix, suffix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=Path, default=None,
                        help="a checkout of github:ianare/exif-samples")
    args = parser.parse_args()
    folder: Path | None = args.samples
    if folder is None or not folder.is_dir():
        print("skipped: give --samples DIR, a checkout of github:ianare/exif-samples"
              " (never committed to this repository)")
        return
    files = sorted(p for p in folder.rglob("*") if p.is_file() and _format(p) in
                   ("jpg", "tiff", "heic", "png", "webp", "avif", "dng"))
    seen = _exiftool(files)
    agree: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    damaged = 0
    differ: list[str] = []
    flagged: list[str] = []
    for path in files:
        data = path.read_bytes()
        found = inspect_file(io.BytesIO(data), len(data), thumbnail_px=320)
        name = str(path.relative_to(folder))
        if found.flags:
            flagged.append(f"{name}: " + "; ".join(f"{f.kind}: {f.problem}"
                                                   for f in found.flags)[:200])
        if "invalid" in path.parts:
            damaged += 1
            continue
        ours, theirs = _ours(found), _theirs(seen.get(str(path), {}))
        counts = agree[_format(path)]
        for field in FIELDS:
            counts[1] += 1
            if ours[field] == theirs[field]:
                counts[0] += 1
            else:
                differ.append(f"{name}: {field} ours {ours[field]!r}, exiftool"
                              f" {theirs[field]!r}")
    print(f"{'format':<6} {'files':>5} {'fields agreeing with exiftool':>31}")
    total = [0, 0]
    for kind, (same, all_) in sorted(agree.items()):
        total[0] += same
        total[1] += all_
        print(f"{kind:<6} {all_ // len(FIELDS):>5} {same:>12} of {all_:<4} {same / all_:>8.1%}")
    print(f"{'all':<6} {total[1] // len(FIELDS):>5} {total[0]:>12} of {total[1]:<4}"
          f" {total[0] / max(1, total[1]):>8.1%}   (target: 98%)")
    print(f"\n{damaged} files of the samples' `invalid` folder (damaged on purpose) not counted")
    print(f"\ndisagreements ({len(differ)}):")
    for line in differ:
        print(f"  {line}")
    print(f"\nread with a flag ({len(flagged)}):")
    for line in flagged:
        print(f"  {line}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
