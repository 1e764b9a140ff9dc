"""Shared by the benchmarks: synthetic photos, a fresh archive, timing and tidy-up."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from caesar.demo.generate import generate_collection

PASSPHRASE = "benchmark passphrase"
ROOT = Path(__file__).resolve().parent.parent
CAESAR = [sys.executable, "-m", "caesar"]


def photos_parser(doc: str | None) -> argparse.ArgumentParser:
    """The options of a bench over N camera-like photos: --photos, --megapixels, --keep."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--megapixels", type=float, default=2.0)
    parser.add_argument("--keep", action="store_true", help="keep the files made")
    return parser


def make_photos(folder: Path, count: int, megapixels: float) -> list[Path]:
    """Exactly `count` camera-like JPEGs from the synthetic generator, in day folders.

    One drive, no repeats, published copies or damaged files: every file is a new original,
    so the figures are about throughput. The generator makes whole cases, so the photos past
    `count` are removed from the drive: every bench times exactly the N it says. Returns the
    photos' paths.
    """
    generate_collection(folder, cases=max(1, count // 5), megapixels=megapixels, drives=1,
                        reports=False, repeat_share=0.0, published_share=0.0,
                        damaged_per_drive=0, seed=7)
    photos = sorted((folder / "drive-01").rglob("*.*"))
    while len(photos) < count:  # a few more cases until there are enough
        extra = folder / f"extra-{len(photos)}"
        generate_collection(extra, cases=max(1, (count - len(photos)) // 4),
                            megapixels=megapixels, drives=1, reports=False, repeat_share=0.0,
                            published_share=0.0, damaged_per_drive=0, seed=len(photos))
        for path in sorted((extra / "drive-01").rglob("*.*")):
            target = folder / "drive-01" / "extra" / extra.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
            photos.append(target)
        shutil.rmtree(extra)
    for surplus in photos[count:]:
        surplus.unlink()
    return photos[:count]


def new_archive(folder: Path) -> Path:
    """A fresh archive (test-strength KDF: unlocking is not what is measured)."""
    subprocess.run([*CAESAR, "--archive", str(folder), "init", "--kdf-cost", "test"],
                   env=env(), check=True, capture_output=True)
    return folder


def env() -> dict[str, str]:
    return {**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE}


def timed(command: list[str]) -> float:
    """Seconds that `command` takes (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env())
    return time.perf_counter() - started


@contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    """A scratch folder on the same disk as the checkout, removed afterwards unless `keep`."""
    base = ROOT / "bench" / "out"
    base.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=base))
    try:
        yield folder
    finally:
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder)
