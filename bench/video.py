"""What ingesting videos costs, beside copying them and beside reading their metadata alone.

A few synthetic 1080p videos (the generator's drawn scenes, panned, H.264 MP4 with a phone's
QuickTime tags, made with PyAV; encoding is not timed) are ingested by `caesar ingest` into a
new archive (hash, encrypt, metadata, a frame a second decoded and hashed, the strip), beside
the floor a person's script would reach (`sha256sum` + `cp`), and beside `ffprobe` and
`exiftool` reading the same files' metadata only (where installed; one process per file for
ffprobe, one for all for exiftool).

    .venv/bin/python bench/video.py [--videos 4] [--seconds 10]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import time

from common import workspace

from caesar.core import Archive
from caesar.demo.video import scene_frames, write_video
from caesar.intake.service import IngestRequest
from caesar.vault.keys import KdfCost

SIZE = (1920, 1080)


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--videos", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the files made")
    args = parser.parse_args()
    with workspace(args.keep) as work:
        drive = work / "drive"
        rng = random.Random(7)
        for i in range(args.videos):
            write_video(drive / f"VID_{i:04d}.mp4", scene_frames(rng, args.seconds, 30, SIZE),
                        fps=30, tags={"com.apple.quicktime.make": "Apple",
                                      "com.apple.quicktime.model": "iPhone 12"})
        files = sorted(drive.iterdir())
        total = sum(p.stat().st_size for p in files)
        print(f"{len(files)} videos of {args.seconds} s, 1080p at 30 frames/s,"
              f" {total / 1e6:.1f} MB", flush=True)
        archive = Archive.create(work / "archive", "bench passphrase long enough",
                                 kdf_cost=KdfCost.test, owner="bench")
        try:
            started = time.perf_counter()
            report = archive.ingest(IngestRequest(sources=[str(drive)], actor="bench"))
            ours = time.perf_counter() - started
        finally:
            archive.close()
        assert report.stored == len(files) and not report.flagged, report
        floor = _timed(["sha256sum", *map(str, files)]) + _timed(
            ["cp", "-r", str(drive), str(work / "copy")])
        rows = [("caesar ingest (all of it)", ours), ("sha256sum + cp -r", floor)]
        if shutil.which("ffprobe"):
            rows.append(("ffprobe, one per file", sum(_timed(
                ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json",
                 str(p)]) for p in files)))
        else:
            rows.append(("ffprobe (not installed)", float("nan")))
        if shutil.which("exiftool"):
            rows.append(("exiftool -json, metadata only", _timed(
                ["exiftool", "-json", *map(str, files)])))
        print(f"{'what':<32} {'s':>7} {'s/video':>8} {'MB/s':>7}")
        for name, seconds in rows:
            print(f"{name:<32} {seconds:>7.2f} {seconds / len(files):>8.2f}"
                  f" {total / 1e6 / seconds:>7.1f}")
        print(f"ingest is {ours / floor:.1f}× the floor: it decodes a frame a second of each"
              " video (FFmpeg, one thread per worker) for the frame hashes and the strip")


if __name__ == "__main__":
    main()
