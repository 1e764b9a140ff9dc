"""Shared by the benchmarks: camera-like photos, a fresh archive, timing and tidy-up."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image

PASSPHRASE = "benchmark passphrase"
ROOT = Path(__file__).resolve().parent.parent
CAESAR = [sys.executable, "-m", "caesar"]


_NOISE: dict[tuple[int, int], np.ndarray] = {}


def _sensor_noise(width: int, height: int) -> np.ndarray:
    # One noise field per process, shifted per photo: generating fresh Gaussian noise for
    # every pixel of every photo would dominate the benchmark's set-up time.
    if (width, height) not in _NOISE:
        rng = np.random.default_rng(0)
        _NOISE[(width, height)] = rng.normal(0, 6, (height, width, 3)).astype(np.int16)
    return _NOISE[(width, height)]


def _photo(args: tuple[Path, int, float]) -> int:
    path, seed, megapixels = args
    rng = np.random.default_rng(seed)
    width = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    height = int(width * 3 / 4)
    # Smooth scene plus per-pixel sensor noise: JPEG sizes then resemble a camera's
    # (about 0.3-0.5 bytes per pixel at quality 92), unlike a flat synthetic image.
    small = rng.integers(30, 220, (6, 8, 3)).astype(np.uint8)
    scene = np.asarray(Image.fromarray(small).resize((width, height), Image.BICUBIC),
                       dtype=np.int16)
    shift = (int(rng.integers(height)), int(rng.integers(width)))
    noisy = scene + np.roll(_sensor_noise(width, height), shift, axis=(0, 1))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Nikon", "D300"
    exif.get_ifd(0x8769)[0xA431] = f"BENCH{seed % 7:04d}"
    exif.get_ifd(0x8769)[0x9003] = f"2013:08:{1 + seed % 28:02d} 10:{seed % 60:02d}:00"
    buf = io.BytesIO()
    Image.fromarray(noisy.clip(0, 255).astype(np.uint8)).save(buf, "JPEG", quality=92,
                                                              exif=exif)
    path.write_bytes(buf.getvalue())
    return len(buf.getvalue())


def make_photos(folder: Path, count: int, megapixels: float) -> int:
    """Write `count` camera-like JPEGs into day folders; returns their total size."""
    jobs = []
    for i in range(count):
        day = folder / f"2013-08-{1 + i // 250:02d}"
        day.mkdir(parents=True, exist_ok=True)
        jobs.append((day / f"DSC_{i:05d}.JPG", i, megapixels))
    with ProcessPoolExecutor() as pool:
        return sum(pool.map(_photo, jobs, chunksize=16))


def new_archive(folder: Path) -> Path:
    """A fresh archive (test-strength KDF: unlocking is not what is measured)."""
    subprocess.run([*CAESAR, "--archive", str(folder), "init", "--kdf-cost", "test"],
                   env=env(), check=True, capture_output=True)
    return folder


def env() -> dict[str, str]:
    return {**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE}


def timed(command: list[str], **kwargs: object) -> float:
    """Seconds that `command` takes (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env(), **kwargs)
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
