"""A batch of objects committed at once (`commit_many`): each whole under its name, a name
already taken keeps its first copy, and a process killed after the batch's sync but before
its renames leaves only pending objects, which the next run sweeps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from caesar import faults
from caesar.vault.store import NEUTRAL_TIME, SYNCED_POINT, LocalStore, Pending

NAMES = [f"{i:02x}" + "0123456789abcdef" * 3 for i in (1, 2, 3)]


def _write(store: LocalStore, data: bytes) -> Pending:
    pending, out = store.create()
    with out:
        out.write(data)
    return pending


def _pending(store: LocalStore) -> list[Path]:
    return list((store.root / ".pending").iterdir())


def test_each_object_of_a_batch_lands_whole_under_its_name(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "objects")
    store.ensure()
    assert store.commit(_write(store, b"first"), NAMES[0])
    batch = [(_write(store, f"object {i}".encode()), name) for i, name in enumerate(NAMES)]
    assert store.commit_many(batch) == [False, True, True]  # the first name was taken
    with store.open(NAMES[0]) as f:
        assert f.read() == b"first"  # never replaced
    for i, name in enumerate(NAMES[1:], start=1):
        with store.open(name) as f:
            assert f.read() == f"object {i}".encode()
        assert os.stat(store.root / name[:2] / name).st_mtime == NEUTRAL_TIME
    # The store dates nothing: not the objects, nor the folders the batch changed.
    for folder in (store.root, store.root / ".pending", *(store.root / n[:2] for n in NAMES)):
        assert os.stat(folder).st_mtime == NEUTRAL_TIME, folder
    assert _pending(store) == []  # the refused copy's pending bytes are gone too
    assert store.commit_many([]) == []


KILLED_BATCH = """
import sys
from pathlib import Path
from caesar.vault.store import LocalStore
store = LocalStore(Path(sys.argv[1]))
batch = []
for name in sys.argv[2:]:
    pending, out = store.create()
    with out:
        out.write(name.encode())
    batch.append((pending, name))
store.commit_many(batch)
"""


def test_a_batch_killed_after_its_sync_leaves_only_pending_objects(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "objects")
    store.ensure()
    env = {**os.environ, faults.ENVIRONMENT: SYNCED_POINT}
    run = subprocess.run([sys.executable, "-c", KILLED_BATCH, str(store.root), *NAMES],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert list(store.names()) == []  # nothing under a real name before the renames
    assert len(_pending(store)) == len(NAMES)
    assert store.clean_pending() == len(NAMES)
    assert _pending(store) == []
