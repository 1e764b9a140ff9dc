"""Sealing speed and memory against the floor: `tar` piped into age encryption (pyrage).

    .venv/bin/python bench/seal.py [--gigabytes 2] [--megapixels 12] [--runs 2] [--keep]

Makes a synthetic day of camera-like JPEGs with the generator, then times, on the same files:
  seal     `caesar seal DAY --to archive.pub --out USB` (hash, tar, encrypt, split, fsync)
  floor    `tar cf - DAY | python -c 'pyrage.encrypt_io(stdin, out)'`, fsynced
and, on the bundle just made, the archive side's reader:
  open+authenticate   a first pass that decrypts and checks everything, handing nothing out
  stream+sha256       a second pass that streams every member and hashes it
Peak memory is the largest resident set of the process tree. Each figure is the best of --runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pyrage import x25519

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CAESAR, make_photos, workspace

FLOOR = """
import os, sys, pyrage
from pyrage import x25519
with open(sys.argv[2], "wb") as out:
    pyrage.encrypt_io(sys.stdin.buffer, out, [x25519.Recipient.from_str(sys.argv[1])])
    out.flush()
    os.fsync(out.fileno())
"""

READER = """
import hashlib, sys, time
from caesar.seal.reader import find_bundles, open_bundle
identity = open(sys.argv[2]).read().strip()
[ref] = find_bundles(sys.argv[1])
started = time.perf_counter()
bundle = open_bundle(ref, identity)
bundle.authenticate()
authenticated = time.perf_counter()
for member in bundle.members():
    digest = hashlib.sha256()
    while block := member.stream.read(1 << 20):
        digest.update(block)
    assert digest.hexdigest() == member.sha256
print(authenticated - started, time.perf_counter() - authenticated)
"""

MB_PER_12MP_PHOTO = 1.75  # what the generator's 12 MP JPEGs weigh on average


def measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak resident MB of the whole process tree, and stdout of `command`."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env={**os.environ, **(env or {})})
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)  # rusage covers the children it waited for
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{command[:3]} failed with exit {process.returncode}")
    return seconds, usage.ru_maxrss / 1024, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabytes", type=float, default=2.0)
    parser.add_argument("--megapixels", type=float, default=12.0)
    parser.add_argument("--runs", type=int, default=2, help="best of this many runs")
    parser.add_argument("--keep", action="store_true", help="keep the files made")
    args = parser.parse_args()
    with workspace(args.keep) as work:
        started = time.perf_counter()
        count = max(1, round(args.gigabytes * 1000 / MB_PER_12MP_PHOTO * 12 / args.megapixels))
        photos = make_photos(work / "collection", count, args.megapixels)
        day = work / "collection" / "drive-01"
        total = sum(p.stat().st_size for p in photos) / 1e6
        print(f"made {len(photos)} photos of {args.megapixels:g} MP, {total:,.0f} MB, in"
              f" {time.perf_counter() - started:.0f} s")
        identity = x25519.Identity.generate()
        pub, key = work / "archive.pub", work / "identity.txt"
        pub.write_text(f"{identity.to_public()}\n")
        key.write_text(f"{identity}\n")

        seal, floor, reader = [], [], []
        for run in range(args.runs):
            usb = work / f"usb-{run}"
            usb.mkdir()
            seal.append(measured([*CAESAR, "seal", str(day), "--to", str(pub),
                                  "--out", str(usb)])[:2])
            _, reader_peak, output = measured([sys.executable, "-c", READER, str(usb), str(key)])
            auth, read = map(float, output.split())
            reader.append((auth, read, reader_peak))
            shutil.rmtree(usb)
            out = work / f"floor-{run}.age"
            pipeline = (f'tar cf - -C "{day.parent}" "{day.name}"'
                        f' | "{sys.executable}" -c "$FLOOR" "{identity.to_public()}" "{out}"')
            floor.append(measured(["sh", "-c", pipeline], env={"FLOOR": FLOOR})[:2])
            out.unlink()
        best_seal, best_floor = min(seal), min(floor)
        auth, read, _ = min(reader)
        print(f"{'':22}{'seconds':>9}{'MB/s':>9}{'peak MB':>9}")
        for name, (seconds, peak) in (("seal", best_seal), ("floor: tar | pyrage", best_floor)):
            print(f"{name:22}{seconds:9.2f}{total / seconds:9.0f}{peak:9.0f}")
        print(f"seal / floor = {best_seal[0] / best_floor[0]:.2f}x (target: within 1.5x);"
              f" seal peak {max(p for _, p in seal):.0f} MB (target: under 300 MB)")
        print(f"reader: open+authenticate {auth:.2f} s ({total / auth:.0f} MB/s), stream+sha256"
              f" {read:.2f} s ({total / read:.0f} MB/s); authenticating first adds"
              f" {auth / read:.0%} to a single streaming pass; reader peak"
              f" {max(p for _, _, p in reader):.0f} MB")


if __name__ == "__main__":
    main()
