"""Custody log benchmark: append rate and proof time at a million entries (issue 5).

Three modes, against the issue's targets (over 20,000 entries/s, proofs under 5 ms):

* ``memory``: the pure tree in a dict;
* ``sqlite``: a plain SQLite table of complete subtree hashes;
* ``catalogue``: the real thing: ``CustodyLog.append`` into a fresh archive's encrypted
  (SQLCipher) catalogue, each batch in one transaction with its checkpoint as a command
  does, then ``CustodyLog.inclusion`` and ``consistency`` (checkpoint look-up included) and
  a full ``ledger verify``.

Appends go in transactions of 10,000; proofs are timed at the final size, the median of 1,000
each.

    .venv/bin/python bench/ledger.py [--entries 1000000] [--mode memory|sqlite|catalogue|all]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from common import workspace

from caesar.core import Archive
from caesar.ledger.events import Event, Subject
from caesar.ledger.merkle import (
    MemoryTree,
    SubtreeHash,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    nodes_to_store_on_append,
    root_hash,
)
from caesar.vault.keys import KdfCost

TARGET_ENTRIES_PER_SECOND = 20_000
TARGET_PROOF_MS = 5.0
BATCH = 10_000
SAMPLES = 1_000


def entry(i: int) -> bytes:
    """An entry shaped like a real one: canonical JSON with a salted commitment."""
    commitment = leaf_hash(i.to_bytes(8, "big")).hex()
    return (b'{"actor":"3f9a1c0b5e7d2a4f8c6b1e9d0a3f5c7e","details":{},"subject":"%s",'
            b'"time":"2013-08-20T10:%02d:%02dZ","type":"original.stored","v":1}'
            % (commitment.encode(), i // 60 % 60, i % 60))


def append_memory(n: int) -> tuple[MemoryTree, float]:
    """Append ``n`` entries to a :class:`MemoryTree`; return it and the seconds taken."""
    tree = MemoryTree()
    start = time.perf_counter()
    for i in range(n):
        tree.append(entry(i))
    return tree, time.perf_counter() - start


def append_sqlite(n: int, path: Path) -> tuple[sqlite3.Connection, float]:
    """Append ``n`` entries to a SQLite subtree table; return the connection and seconds taken."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE subtree (level INTEGER, idx INTEGER, hash BLOB, "
               "PRIMARY KEY (level, idx)) WITHOUT ROWID")
    lookup = sqlite_subtree(db)
    start = time.perf_counter()
    for first in range(0, n, BATCH):
        db.execute("BEGIN")
        for i in range(first, min(first + BATCH, n)):
            nodes = nodes_to_store_on_append(i, leaf_hash(entry(i)), lookup)
            db.executemany("INSERT INTO subtree VALUES (?, ?, ?)", nodes)
        db.execute("COMMIT")
    return db, time.perf_counter() - start


def sqlite_subtree(db: sqlite3.Connection) -> SubtreeHash:
    """The ``subtree(level, index)`` look-up over the SQLite table."""
    def subtree(level: int, index: int) -> bytes:
        row = db.execute("SELECT hash FROM subtree WHERE level = ? AND idx = ?",
                         (level, index)).fetchone()
        if row is None:
            raise LookupError(f"no subtree at level {level}, index {index}")
        digest: bytes = row[0]
        return digest
    return subtree


def median_ms(run: Callable[[], object]) -> float:
    """The median wall time of ``SAMPLES`` runs of ``run``, in milliseconds."""
    times = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def report_proofs(name: str, n: int, subtree: SubtreeHash, rng: random.Random) -> None:
    """Print the median inclusion and consistency proof times at size ``n``."""
    inclusion = median_ms(lambda: inclusion_proof(rng.randrange(n), n, subtree))
    consistency = median_ms(lambda: consistency_proof(rng.randrange(1, n), n, subtree))
    for kind, ms in (("inclusion", inclusion), ("consistency", consistency)):
        verdict = "ok" if ms < TARGET_PROOF_MS else "MISSED"
        print(f"{name:<10} {kind:<11} proof at {n:,}: median {ms:.3f} ms of {SAMPLES:,} "
              f"(target < {TARGET_PROOF_MS:g} ms: {verdict})")


def report_rate(name: str, n: int, seconds: float) -> None:
    """Print the append rate."""
    rate = n / seconds
    verdict = "ok" if rate > TARGET_ENTRIES_PER_SECOND else "MISSED"
    print(f"{name:<10} append {n:,} entries in {seconds:.1f} s: {rate:,.0f} entries/s "
          f"(target > {TARGET_ENTRIES_PER_SECOND:,}: {verdict})")


def stored_events(first: int, count: int, when: datetime) -> list[Event]:
    """``original.stored`` events for made-up originals, as intake records them."""
    return [Event(type="original.stored", time=when, actor="benchmark operator",
                  subject=Subject.original(hashlib.sha256(i.to_bytes(8, "big")).hexdigest()))
            for i in range(first, first + count)]


def append_catalogue(n: int, archive: Archive) -> float:
    """Append ``n`` entries through ``CustodyLog.append``; return the seconds spent in it.

    The events of each batch are made before the clock starts: building them is the caller's
    work (intake makes one per file as it records it).
    """
    seconds = 0.0
    when = datetime.now(UTC)
    for first in range(0, n, BATCH):
        events = stored_events(first, min(BATCH, n - first), when)
        start = time.perf_counter()
        with archive.ledger.writing(), archive.catalog.session() as session:
            archive.ledger.append_signed(session, events)
        seconds += time.perf_counter() - start
    return seconds


def run_catalogue(n: int, rng: random.Random) -> None:
    """The custody log of a real archive: appends, proofs and a full verify."""
    with workspace(keep=False) as folder:
        archive = Archive.create(folder / "archive", "benchmark passphrase",
                                 kdf_cost=KdfCost.test)
        try:
            report_rate("catalogue", n, append_catalogue(n, archive))
            size = archive.ledger.state().size
            for kind, ms in (
                    ("inclusion", median_ms(lambda: archive.ledger.inclusion(
                        index=rng.randrange(size)))),
                    ("consistency", median_ms(lambda: archive.ledger.consistency(
                        rng.randrange(1, size))))):
                verdict = "ok" if ms < TARGET_PROOF_MS else "MISSED"
                print(f"{'catalogue':<10} {kind:<11} proof at {size:,}: median {ms:.3f} ms of "
                      f"{SAMPLES:,} (target < {TARGET_PROOF_MS:g} ms: {verdict})")
            start = time.perf_counter()
            report = archive.verify_ledger()
            print(f"{'catalogue':<10} ledger verify of {size:,} entries: "
                  f"{time.perf_counter() - start:.1f} s, ok={report.ok}")
        finally:
            archive.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="how many to append")
    parser.add_argument("--mode", choices=["memory", "sqlite", "catalogue", "all"],
                        default="all", help="which store to measure")
    args = parser.parse_args()
    n = args.entries
    if n < 2:
        parser.error("--entries must be at least 2")
    rng = random.Random(5)

    if args.mode in ("memory", "sqlite", "all"):
        tree, seconds = append_memory(n)
        report_rate("memory", n, seconds)
        report_proofs("memory", n, tree.subtree, rng)
    if args.mode in ("sqlite", "all"):
        with tempfile.TemporaryDirectory() as folder:
            db, seconds = append_sqlite(n, Path(folder) / "ledger.sqlite")
            report_rate("sqlite", n, seconds)
            if root_hash(n, sqlite_subtree(db)) != root_hash(n, tree.subtree):
                raise SystemExit("the SQLite and in-memory trees disagree")
            report_proofs("sqlite", n, sqlite_subtree(db), rng)
            db.close()
    if args.mode in ("catalogue", "all"):
        run_catalogue(n, rng)


if __name__ == "__main__":
    main()
