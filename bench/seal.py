"""Sealing and ingesting a sealed day, against their floors, side by side.

    .venv/bin/python bench/seal.py [--gigabytes 2] [--megapixels 12] [--runs 2] [--keep]

Makes a synthetic day of camera-like JPEGs with the generator, then times, on the same files:
  seal           `caesar seal DAY --to archive.pub --out USB` (hash, tar, encrypt, split, fsync)
  seal floor     `tar cf - DAY | python -c 'pyrage.encrypt_io(stdin, out)'`, fsynced
  ingest         `caesar ingest USB` into a fresh archive (authenticate, then decrypt, analyse
                 and store every file)
  ingest floor   decrypting the bundle with pyrage into a plain folder (`tar x`), plus
                 `caesar ingest` of that folder into another fresh archive
and, on the bundle, the archive side's reader alone:
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
import tempfile
import time
from pathlib import Path

from pyrage import x25519

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CAESAR, PASSPHRASE, make_photos, new_archive, workspace

FLOOR = """
import os, sys, pyrage
from pyrage import x25519
with open(sys.argv[2], "wb") as out:
    pyrage.encrypt_io(sys.stdin.buffer, out, [x25519.Recipient.from_str(sys.argv[1])])
    out.flush()
    os.fsync(out.fileno())
"""

DECRYPT = """
import sys, pyrage
from pyrage import x25519
from caesar.seal.reader import find_bundles
[ref] = find_bundles(sys.argv[2])
identity = x25519.Identity.from_str(open(sys.argv[1]).read().strip())
with open("/dev/stdout", "wb") as out:
    pyrage.decrypt_io(PartsReader(ref.parts), out, [identity])
"""

PARTS_READER = """
import io
class PartsReader(io.RawIOBase):
    def __init__(self, paths):
        self.files = [open(p, "rb") for p in paths]
    def readable(self):
        return True
    def readinto(self, buffer):
        while self.files:
            n = self.files[0].readinto(buffer)
            if n:
                return n
            self.files.pop(0).close()
        return 0
"""

IDENTITY = """
import sys
from pathlib import Path
from caesar.core import Archive
print(Archive.open(Path(sys.argv[1]), sys.argv[2]).keys.age_identity)
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
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors,
                                   env={**os.environ, **(env or {})})
        assert process.stdout is not None
        output = process.stdout.read().decode()
        _, status, usage = os.wait4(process.pid, 0)  # rusage covers the children it waited for
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status):
            errors.seek(0)
            raise SystemExit(f"{command[:3]} failed with exit"
                             f" {os.waitstatus_to_exitcode(status)}:\n"
                             f"{errors.read().decode(errors='replace')[-2000:]}")
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
        archive = new_archive(work / "archive")
        pub, key = work / "archive.pub", work / "identity.txt"
        shutil.copy(archive / "archive.pub", pub)
        identity = measured([sys.executable, "-c", IDENTITY, str(archive), PASSPHRASE])[2]
        key.write_text(identity)
        recipient = x25519.Identity.from_str(identity.strip()).to_public()

        seal, floor, reader, ingest, ingest_floor = [], [], [], [], []
        for run in range(args.runs):
            usb = work / f"usb-{run}"
            usb.mkdir()
            seal.append(measured([*CAESAR, "seal", str(day), "--to", str(pub),
                                  "--out", str(usb)])[:2])
            _, reader_peak, output = measured([sys.executable, "-c", READER, str(usb), str(key)])
            auth, read = map(float, output.split())
            reader.append((auth, read, reader_peak))
            ingest.append(_ingest(archive, usb, run))
            ingest_floor.append(_ingest_floor(archive, usb, key, run))
            shutil.rmtree(usb)
            out = work / f"floor-{run}.age"
            pipeline = (f'tar cf - -C "{day.parent}" "{day.name}"'
                        f' | "{sys.executable}" -c "$FLOOR" "{recipient}" "{out}"')
            floor.append(measured(["sh", "-c", pipeline], env={"FLOOR": FLOOR})[:2])
            out.unlink()
        auth, read, _ = min(reader)
        print(f"{'':24}{'seconds':>9}{'MB/s':>9}{'peak MB':>9}")
        for name, runs in (("seal", seal), ("seal floor: tar | age", floor),
                           ("ingest the bundle", ingest),
                           ("ingest floor", ingest_floor)):
            seconds, _ = min(runs)
            peak = max(p for _, p in runs)
            print(f"{name:24}{seconds:9.2f}{total / seconds:9.0f}{peak:9.0f}")
        print(f"seal / floor = {min(seal)[0] / min(floor)[0]:.2f}x; ingest / floor ="
              f" {min(ingest)[0] / min(ingest_floor)[0]:.2f}x (targets: within 1.5x, peak"
              " under 300 MB)")
        print(f"reader alone: open+authenticate {auth:.2f} s ({total / auth:.0f} MB/s),"
              f" stream+sha256 {read:.2f} s ({total / read:.0f} MB/s); reader peak"
              f" {max(p for _, _, p in reader):.0f} MB")


def _fresh(empty: Path, name: str) -> Path:
    """A copy of the empty archive: same keys, so it can open the bundle."""
    return Path(shutil.copytree(empty, empty.parent / name))


def _ingest(empty: Path, usb: Path, run: int) -> tuple[float, float]:
    archive = _fresh(empty, f"ingest-{run}")
    result = measured([*CAESAR, "--archive", str(archive), "ingest", str(usb)],
                      env={"CAESAR_PASSPHRASE": PASSPHRASE})[:2]
    shutil.rmtree(archive)
    return result


def _ingest_floor(empty: Path, usb: Path, key: Path, run: int) -> tuple[float, float]:
    """Decrypt the bundle into a plain folder, then ingest that folder: seconds summed."""
    plain = empty.parent / f"plain-{run}"
    plain.mkdir()
    pipeline = (f'"{sys.executable}" -c "$PARTS$DECRYPT" "{key}" "{usb}"'
                f' | tar x -C "{plain}" --warning=no-unknown-keyword')
    decrypt = measured(["sh", "-c", pipeline], env={"PARTS": PARTS_READER, "DECRYPT": DECRYPT})
    [bag] = list(plain.iterdir())
    archive = _fresh(empty, f"floor-archive-{run}")
    ingest = measured([*CAESAR, "--archive", str(archive), "ingest", str(bag / "data")],
                      env={"CAESAR_PASSPHRASE": PASSPHRASE})
    shutil.rmtree(archive)
    shutil.rmtree(plain)
    return decrypt[0] + ingest[0], max(decrypt[1], ingest[1])

if __name__ == "__main__":
    main()
