"""Replication beside `cp -r` + `sync` and `rsync -a` of the same archive folder; an incremental
replication after 10 new originals; `verify --replica` beside `verify`.

    .venv/bin/python bench/replicate.py [--photos 1000] [--megapixels 2] [--rounds 2] [--keep]

Every copy starts from the same warm page cache and is made durable (`caesar replicate` makes
each object durable before the replica's catalogue and signed state, so the fair floor is a copy
followed by `sync`); `rsync -a` is printed both alone (as the issue names it) and with `sync`.
Each command is run in its own process, its start-up included, as a person runs it; the
start-up alone (a command that opens the archive and does nothing more: `replica list`) and
the replication inside one process (the archive already open) are printed beside it, so that
what the copy costs and what starting Python costs can be told apart; so are `caesar --help`
(Python and the command line's imports, no archive) and what unlocking costs at the normal
KDF cost (the bench's archive is made at the test cost, as unlocking is not what the copy
is measured for; every real archive pays it on each command). Commands start from
compiled bytecode, as an installed `caesar` does (`PYTHONDONTWRITEBYTECODE` is dropped for
them). The machine's cores and disk are shared, so figures vary with its load (printed, and
every ratio is taken within one round, side by side).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    CAESAR,
    PASSPHRASE,
    env,
    make_photos,
    new_archive,
    photos_parser,
    timed,
    workspace,
)

from caesar.core import Archive
from caesar.vault.keys import KdfCost, create_keys, unlock_keys


def _sync() -> None:
    subprocess.run(["sync"], check=True)


def _env() -> dict[str, str]:
    return {k: v for k, v in env().items() if k != "PYTHONDONTWRITEBYTECODE"}


def _durable(command: list[str]) -> float:
    """Seconds for `command` and then `sync` (nothing dirty is left from before)."""
    _sync()
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=_env())
    _sync()
    return time.perf_counter() - started


def _in_process(archive: Path, replica: Path, name: str) -> float:
    """Seconds for a first replication into `replica` inside this process, the archive already
    open (then `sync`, as for the copies)."""
    opened = Archive.open(archive, PASSPHRASE)
    try:
        opened.preservation.add_replica(name, replica, actor="bench")
        _sync()
        started = time.perf_counter()
        opened.preservation.replicate([name], actor="bench")
        _sync()
        return time.perf_counter() - started
    finally:
        opened.close()


def _unlocking(folder: Path) -> float:
    """Seconds to unlock keys made at the normal KDF cost (argon2id, deliberately slow)."""
    folder.mkdir()
    create_keys(folder, PASSPHRASE, KdfCost.normal)
    started = time.perf_counter()
    unlock_keys(folder, PASSPHRASE)
    return time.perf_counter() - started


def main() -> None:
    parser = photos_parser(__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="each measurement, best of N")
    args = parser.parse_args()
    with workspace(args.keep) as work:
        photos = make_photos(work / "collection", args.photos, args.megapixels)
        archive = new_archive(work / "archive")
        caesar = [*CAESAR, "--archive", str(archive)]
        timed([*caesar, "ingest", str(work / "collection" / "drive-01"), "--json"])
        size = sum(p.stat().st_size for p in archive.rglob("*") if p.is_file()) / 1e6
        first, cp, rsync, rsync_sync, start, inside, bare = [], [], [], [], [], [], []
        _durable([*caesar, "replica", "list"])  # compiles the bytecode once, not counted
        for round_ in range(args.rounds):
            replica = work / f"replica-{round_}"
            timed([*caesar, "replica", "add", f"r{round_}", str(replica)])
            first.append(_durable([*caesar, "replicate", f"r{round_}", "--json"]))
            start.append(_durable([*caesar, "replica", "list", "--json"]))
            bare.append(_durable([*CAESAR, "--help"]))
            inside.append(_in_process(archive, work / f"inside-{round_}", f"i{round_}"))
            cp.append(_durable(["cp", "-r", str(archive), str(work / f"cp-{round_}")]))
            _sync()
            started = time.perf_counter()
            subprocess.run(["rsync", "-a", f"{archive}/", str(work / f"rsync-{round_}")],
                           check=True)
            rsync.append(time.perf_counter() - started)
            _sync()
            rsync_sync.append(time.perf_counter() - started)
            for copy in (work / f"cp-{round_}", work / f"rsync-{round_}"):
                shutil.rmtree(copy)
        more = work / "more"
        more.mkdir()
        extra = make_photos(work / "extra", 10, args.megapixels)
        for path in extra:
            shutil.copy(path, more / path.name)
        added = subprocess.run([*caesar, "ingest", str(more), "--json"], env=env(), check=True,
                               capture_output=True, text=True)
        assert json.loads(added.stdout)["stored"] == 10, "the 10 photos must be new originals"
        incremental = [_durable([*caesar, "replicate", "r0", "--json"])]
        incremental.append(_durable([*caesar, "replicate", "r0", "--json"]))  # nothing new
        check_replica = timed([*caesar, "verify", "--replica", "r0", "--json"])
        check_archive = timed([*caesar, "verify", "--json"])
        unlocking = min(_unlocking(work / f"keys-{i}") for i in range(args.rounds))
        best = min(first)
        floor = min(min(cp), min(rsync))
        rounds = [f"{f / min(c, r):.2f}x" for f, c, r in zip(first, cp, rsync, strict=True)]
        print(f"{len(photos)} originals of {args.megapixels:g} MP; archive folder {size:,.0f} MB"
              f"; load average {os.getloadavg()[0]:.1f}")
        print(f"caesar replicate (first)  {best:7.2f} s  {size / best:7.1f} MB/s"
              f"  (runs: {', '.join(f'{t:.2f}' for t in first)})")
        print(f"cp -r + sync              {min(cp):7.2f} s  {size / min(cp):7.1f} MB/s")
        print(f"rsync -a                  {min(rsync):7.2f} s  {size / min(rsync):7.1f} MB/s")
        print(f"rsync -a + sync           {min(rsync_sync):7.2f} s")
        print(f"caesar / faster of cp and rsync = {best / floor:.2f}x  (target: within 1.5x;"
              f" each round side by side: {', '.join(rounds)})")
        print(f"  of which start-up           {min(start):7.2f} s  (`replica list`: imports,"
              " unlocking, opening the catalogue)")
        print(f"    of which Python and imports {min(bare):5.2f} s  (`caesar --help`: opens no"
              " archive)")
        print(f"    unlocking at the normal KDF cost {unlocking:5.2f} s  (argon2id, 256 MiB, 3"
              " passes: the bench's archive is made at the test cost, which takes ~0.01 s)")
        print(f"  replication in one process  {min(inside):7.2f} s  (the archive open; runs:"
              f" {', '.join(f'{t:.2f}' for t in inside)}) = {min(inside) / floor:.2f}x the"
              " faster copy")
        print(f"caesar replicate after 10 new originals  {incremental[0]:5.2f} s"
              f"  (target: under 2 s); with nothing new {incremental[1]:5.2f} s")
        print(f"caesar verify --replica   {check_replica:7.2f} s")
        print(f"caesar verify             {check_archive:7.2f} s"
              f"  (replica / archive = {check_replica / check_archive:.2f}x)")


if __name__ == "__main__":
    main()
