"""What intake's inspection costs per still-image format, beside JPEG and beside exiftool.

The synthetic generator's camera JPEGs are written again as HEIC (pillow-heif, x265's fastest
preset), AVIF, PNG, WebP and a camera's raw DNG (the generator's `encode_dng`) with their
EXIF; then each file goes through `caesar.intake.inspect.inspect_file` (media type, EXIF, the
decode, PDQ and a thumbnail) in this process, and `exiftool -json` reads the same files
(metadata only, one process for all: the script a person would write). Encoding is not timed.

    .venv/bin/python bench/formats.py [--photos 6] [--megapixels 12]
"""

from __future__ import annotations

import io
import subprocess
import time
from typing import Any

from common import make_photos, photos_parser, workspace
from PIL import Image

import caesar.media  # noqa: F401  (HEIC for Pillow)
from caesar.demo.render import encode_dng
from caesar.intake.inspect import inspect_file

WRITERS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("JPEG", ".jpg", {}), ("HEIF", ".heic", {"enc_params": {"preset": "ultrafast"}}),
    ("AVIF", ".avif", {}), ("PNG", ".png", {}), ("WEBP", ".webp", {}), ("DNG", ".dng", {}))


def main() -> None:
    parser = photos_parser(__doc__)
    parser.set_defaults(photos=6, megapixels=12.0)
    args = parser.parse_args()
    with workspace(args.keep) as work:
        sources = make_photos(work / "generated", args.photos, args.megapixels)
        print(f"{len(sources)} photos of {args.megapixels:g} MP", flush=True)
        rows = []
        for writer, suffix, options in WRITERS:
            folder = work / writer.lower()
            folder.mkdir()
            for i, source in enumerate(sources):
                with Image.open(source) as image:
                    exif = image.info.get("exif", b"")
                    if writer == "DNG":
                        (folder / f"{i:04d}{suffix}").write_bytes(encode_dng(image, exif=exif))
                    else:
                        image.save(folder / f"{i:04d}{suffix}", writer, quality=90, exif=exif,
                                   **options)
            files = sorted(folder.iterdir())
            started = time.perf_counter()
            for path in files:
                data = path.read_bytes()
                found = inspect_file(io.BytesIO(data), len(data), thumbnail_px=320)
                assert found.pdq and not found.flags, (path, found.flags)
            ours = (time.perf_counter() - started) / len(files)
            started = time.perf_counter()
            subprocess.run(["exiftool", "-json", *map(str, files)], check=True,
                           capture_output=True)
            theirs = (time.perf_counter() - started) / len(files)
            size = sum(p.stat().st_size for p in files) / len(files) / 1e6
            rows.append((writer, size, ours, theirs))
        print(f"{'format':<6} {'MB/file':>8} {'inspect ms/file':>16} {'exiftool ms/file':>17}")
        for writer, size, ours, theirs in rows:
            print(f"{writer:<6} {size:>8.2f} {ours * 1000:>16.0f} {theirs * 1000:>17.0f}")
        print("inspect: media type, EXIF, the whole decode (JPEG: at 1/8 scale; DNG: LibRaw's"
              " half size), PDQ and a thumbnail; exiftool: metadata only")


if __name__ == "__main__":
    main()
