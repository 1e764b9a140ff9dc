"""What one change costs now that it is signed with its checkpoint (issue 19).

Each service method that writes takes the write lock and signs a checkpoint in the same commit
as its entry (``CustodyLog.append_signed``). This times one change, a transaction that appends
one entry, both ways side by side at growing log sizes: the entry alone (the baseline: how
commands wrote before, leaving the signing to a later command) and the entry with its signed
checkpoint (now). The median of ``--changes`` transactions each, on a real (SQLCipher) archive.

    .venv/bin/python bench/writing.py [--sizes 1000,100000] [--changes 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

from common import PASSPHRASE, workspace
from ledger import stored_events

from caesar.core import Archive
from caesar.vault.keys import KdfCost


def median_ms(archive: Archive, first: int, changes: int, *, signed: bool) -> float:
    """The median milliseconds of one transaction appending one entry (and signing)."""
    times = []
    when = datetime.now(UTC)
    for i in range(first, first + changes):
        events = stored_events(i, 1, when)
        started = time.perf_counter()
        with archive.ledger.writing(), archive.catalog.session() as session:
            if signed:
                archive.ledger.append_signed(session, events)
            else:
                archive.ledger.append(session, events)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000",
                        help="log sizes to measure at, comma-separated")
    parser.add_argument("--changes", type=int, default=200)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with workspace(keep=False) as folder:
        archive = Archive.create(folder / "archive", PASSPHRASE, kdf_cost=KdfCost.test)
        try:
            print(f"{'log size':>10}  {'entry alone (baseline)':>24}  {'entry signed (now)':>20}")
            for size in sizes:
                have = archive.ledger.state().size
                for first in range(have, size, 10_000):  # grow the log in large batches
                    with archive.ledger.writing(), archive.catalog.session() as session:
                        archive.ledger.append_signed(
                            session, stored_events(first, min(10_000, size - first),
                                                   datetime.now(UTC)))
                at = archive.ledger.state().size
                alone = median_ms(archive, at, args.changes, signed=False)
                signed = median_ms(archive, at + args.changes, args.changes, signed=True)
                print(f"{at:>10,}  {alone:>21.2f} ms  {signed:>17.2f} ms")
        finally:
            archive.close()


if __name__ == "__main__":
    main()
