"""Checking the originals on a Dask cluster beside this machine's processes, side by side.

    .venv/bin/python bench/scale.py [--photos 1131] [--megapixels 2] [--rounds 3] [--keep]

One archive; each round runs `caesar verify` on this machine (a process per core), then with
`--compute` on a Dask cluster on loopback (a scheduler and one, then two, worker processes of
one thread each), and prints the times and the ratio of two workers to one (target: two
workers at least 1.7 times as fast as one). The machine's load average is printed beside each
round: on a machine with two cores that other work shares, two workers cannot be twice one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CAESAR, make_photos, new_archive, photos_parser, timed, workspace


def _cluster(workers: int) -> Any:
    """A local Dask cluster of `workers` single-threaded processes, on loopback."""
    from distributed import LocalCluster

    return LocalCluster(n_workers=workers, threads_per_worker=1,  # type: ignore[no-untyped-call]
                        processes=True, host="127.0.0.1", dashboard_address=None)


def main() -> None:
    parser = photos_parser(__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with workspace(args.keep) as work:
        photos = make_photos(work / "collection", args.photos, args.megapixels)
        archive = new_archive(work / "archive")
        timed([*CAESAR, "--archive", str(archive), "ingest",
               str(work / "collection" / "drive-01"), "--json"])
        mb = sum(p.stat().st_size for p in photos) / 1e6
        print(f"{len(photos)} originals, {mb:,.0f} MB, {os.cpu_count()} cores")
        verify = [*CAESAR, "--archive", str(archive), "verify", "--json"]
        clusters = {n: _cluster(n) for n in (1, 2)}
        try:
            for round_ in range(1, args.rounds + 1):
                load = os.getloadavg()[0]
                local = timed(verify)
                dask = {n: timed([*verify, "--compute", c.scheduler_address])
                        for n, c in clusters.items()}
                print(f"round {round_} (load {load:.1f}): this machine {local:6.2f} s;"
                      f" Dask 1 worker {dask[1]:6.2f} s, 2 {dask[2]:6.2f} s"
                      f" ({dask[1] / dask[2]:.2f}x; target 1.7x)")
        finally:
            for cluster in clusters.values():
                cluster.close()


if __name__ == "__main__":
    main()
