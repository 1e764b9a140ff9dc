"""Custody log benchmark: append rate and proof time at a million entries (issue 5).

Appends entries to an in-memory tree and to a SQLite table of complete subtree hashes (one
transaction per 10,000 appends, as a command batches its appends), then times inclusion and
consistency proofs at the final size: the median of 1,000 each, against the issue's targets.

    .venv/bin/python bench/ledger.py [--entries 1000000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from caesar.ledger.merkle import (
    MemoryTree,
    SubtreeHash,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    nodes_to_store_on_append,
    root_hash,
)

TARGET_ENTRIES_PER_SECOND = 20_000
TARGET_PROOF_MS = 5.0
BATCH = 10_000
SAMPLES = 1_000


def entry(i: int) -> bytes:
    """An entry shaped like a real one: canonical JSON with a salted commitment."""
    commitment = leaf_hash(i.to_bytes(8, "big")).hex()
    return (b'{"actor":"p-3f9a1c","subject":"%s","time":"2013-08-20T10:%02d:%02dZ",'
            b'"type":"original_stored"}' % (commitment.encode(), i // 60 % 60, i % 60))


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="how many to append")
    n = parser.parse_args().entries
    if n < 2:
        parser.error("--entries must be at least 2")
    rng = random.Random(5)

    tree, seconds = append_memory(n)
    report_rate("memory", n, seconds)
    with tempfile.TemporaryDirectory() as folder:
        db, seconds = append_sqlite(n, Path(folder) / "ledger.sqlite")
        report_rate("sqlite", n, seconds)
        if root_hash(n, sqlite_subtree(db)) != root_hash(n, tree.subtree):
            raise SystemExit("the SQLite and in-memory trees disagree")
        report_proofs("memory", n, tree.subtree, rng)
        report_proofs("sqlite", n, sqlite_subtree(db), rng)
        db.close()


if __name__ == "__main__":
    main()
