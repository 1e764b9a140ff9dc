"""`caesar replicate`: an encrypted copy of the archive in another store, brought up to date.

What a replica holds, all as the archive holds it (nothing is ever decrypted on the way, so a
replica reveals no more than the archive folder does):

- every object (originals and thumbnails), copied once by name, never deleted from it;
- the families' photos and the packages held for a download (:mod:`caesar.preservation.areas`),
  which follow the archive's deletions once the new state is published;
- a consistent snapshot of the encrypted catalogue (SQLite's online backup);
- the wrapped master key, the sealed secrets and the list of replicas;
- the settings and the public key;
- the signed state of that snapshot, written last: it is what makes the new snapshot count.

A crash at any moment leaves the replica's previous snapshot and state in place (with some new
objects beside them, which the next run keeps); running the command again finishes the job.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

from caesar import faults
from caesar.catalog.database import Catalog, catalogue_file, snapshot, sqlite_file
from caesar.errors import CaesarError
from caesar.ledger.events import Event
from caesar.ledger.log import CustodyLog
from caesar.ledger.state import AnchorState, capture
from caesar.preservation import areas
from caesar.preservation.anchor import Anchor, StateDamaged
from caesar.preservation.replicas import Replica
from caesar.progress import ProgressCallback
from caesar.settings import SETTINGS_FILE, Settings
from caesar.vault.keys import KEYS_DIR, MASTER_FILE, SECRETS_FILE, Keys
from caesar.vault.store import ObjectStore

CATALOGUE = "catalog"
_COPIERS = 4
_BATCH = 32
PUBLIC_KEY = "archive.pub"
TSA_CERTIFICATES = "tsa-certificates"
# Documents copied as they are from the archive folder, and where they live in it.
FILES: dict[str, str] = {
    "master-key": f"{KEYS_DIR}/{MASTER_FILE}",
    "secrets": f"{KEYS_DIR}/{SECRETS_FILE}",
    "replicas": f"{KEYS_DIR}/replicas.enc",
    "settings": SETTINGS_FILE,
    "public-key": PUBLIC_KEY,
}

OBJECT_COPIED = faults.declare(
    "replicate.object_copied", "one more object was copied into the replica (not yet made"
    " durable); its catalogue snapshot and signed state are still the previous ones")
STATE_WRITTEN = faults.declare(
    "replicate.state_written", "the replica's new signed state is written; the families'"
    " photos withdrawn and packages expired since the last replication are still in it")
SNAPSHOT_WRITTEN = faults.declare(
    "replicate.catalogue_written", "the replica holds every object and the new catalogue"
    " snapshot; its signed state is still the previous one")


class ReplicaError(CaesarError):
    """A replica cannot be used: unreachable, of another archive, or newer than the archive."""


class ReplicateReport(BaseModel):
    """One element of `replicate --json`."""

    replica: str
    copied: int
    bytes: int
    objects: int
    originals: int
    generation: int
    log_size: int


def documents(archive: Path, settings: Settings) -> dict[str, Path]:
    """The archive's files that a replica keeps as documents, by document name: the key
    files, settings and public key, and the time-stamping authority's certificates where the
    settings name a file inside the archive."""
    found = {name: archive / relative for name, relative in FILES.items()}
    if settings.tsa_certificates is not None:
        found[TSA_CERTIFICATES] = archive / settings.tsa_certificates
    return {name: path for name, path in found.items() if path.is_file()
            and path.resolve().is_relative_to(archive.resolve())}


@dataclass(frozen=True, kw_only=True)
class Holdings:
    """What replication, checks and repairs need of an open archive."""

    path: Path
    settings: Settings
    keys: Keys
    catalog: Catalog
    ledger: CustodyLog
    store: ObjectStore
    anchor: Anchor


@contextmanager
def scratch(archive: Path) -> Iterator[Path]:
    """A private folder inside the archive for catalogue snapshots (encrypted as they are),
    removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=".scratch-", dir=archive))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def reach(replica: Replica) -> ObjectStore:
    """The replica's store; says clearly when its drive is not there."""
    if not replica.reachable():
        raise ReplicaError(f"The replica {replica.name!r} at {replica.where} cannot be reached.",
                           hint="Mount its drive (or fix the path), then run the command again.")
    return replica.store()


def replica_state(replica: Replica, keys: Keys) -> AnchorState | None:
    """The signed state a replica holds (None before its first replication)."""
    return Anchor(replica.store(), keys).read()


@dataclass
class _Plan:
    replica: Replica
    store: ObjectStore
    todo: list[str]
    held: int
    full: bool


def replicate(held: Holdings, replicas: list[Replica], *, actor: str, full: bool = False,
              progress: ProgressCallback | None = None
              ) -> tuple[list[ReplicateReport], list[tuple[str, str]]]:
    """Bring `replicas` up to date with one snapshot of the archive (the caller holds the
    write lock); returns what each got, and each replica that failed with why. With `full`,
    objects the replica already holds are compared byte for byte and copied again where
    they differ (a replica that `verify --replica` found damaged).

    One snapshot serves them all, so that every replica holds the same custody log: the
    checkpoint published after replicating is then one that each of them extends.
    """
    if sqlite_file(held.settings.database_url, held.path) is None:
        raise ReplicaError("Only an embedded (SQLite) catalogue can be replicated yet.",
                           hint="PostgreSQL catalogues join with the scale-out backends.")
    with held.catalog.reader() as session:
        current = capture(session)
    ours = held.store.sizes()
    plans: list[_Plan] = []
    failed: list[tuple[str, str]] = []
    for replica in replicas:
        try:
            plans.append(_plan(replica, held, current, ours, full))
        except (CaesarError, OSError) as error:
            failed.append((replica.name, _said(replica, error)))
    if not plans:
        return [], failed
    with held.catalog.session() as session:
        held.ledger.append_signed(session, [Event(
            type="replica.updated", time=datetime.now(UTC), actor=actor,
            details={"objects": len(plan.todo)}, people={"replica": plan.replica.name})
            for plan in plans])
    done: list[ReplicateReport] = []
    with scratch(held.path) as work:
        snap = work / "catalog.db"
        snapshot(held.catalog.engine, snap, held.keys.catalog)
        state = _state_of(snap, held.keys)
        for plan in plans:
            try:
                done.append(_fill(held, plan, snap, state, ours, progress))
            except (CaesarError, OSError) as error:
                failed.append((plan.replica.name, _said(plan.replica, error)))
    return done, failed


def _plan(replica: Replica, held: Holdings, current: AnchorState | None,
          ours: dict[str, int], full: bool) -> _Plan:
    target = reach(replica)
    _refuse_newer(replica, held.keys, current)
    target.ensure()
    target.clean_pending()
    theirs = target.sizes()
    todo = sorted(name for name, size in ours.items() if theirs.get(name) != size
                  or (full and not areas.identical(held.store, target, name)))
    return _Plan(replica, target, todo, len(theirs.keys() | ours.keys()), full)


def _fill(held: Holdings, plan: _Plan, snap: Path, state: AnchorState, ours: dict[str, int],
          progress: ProgressCallback | None) -> ReplicateReport:
    target = plan.store
    copied = _copy_objects(held.store, target, plan.todo, ours, progress)
    others, other_bytes = areas.copy_new(held.path, plan.replica.area, full=plan.full)
    target.sync()  # every object and area object the snapshot names, durable before it
    with open(snap, "rb") as f:
        target.write_document(CATALOGUE, f)
    faults.point(SNAPSHOT_WRITTEN)
    for name, source in documents(held.path, held.settings).items():
        with open(source, "rb") as f:
            target.write_document(name, f)
    Anchor(target, held.keys).write(state, force=True)
    faults.point(STATE_WRITTEN)
    # Only now that no published state names them: what the archive deleted (a withdrawn
    # family photo, an expired package) leaves the replica too.
    areas.prune(held.path, plan.replica.area)
    return ReplicateReport(replica=plan.replica.name, copied=len(plan.todo) + others,
                           bytes=copied + other_bytes, objects=plan.held,
                           originals=state.originals, generation=state.generation,
                           log_size=state.size)


def _said(replica: Replica, error: CaesarError | OSError) -> str:
    if isinstance(error, CaesarError):
        return error.diagnostics()
    return (f"The replica {replica.name!r} could not be written at {replica.where}:"
            f" {error.strerror}. Its previous snapshot is still whole; run `caesar replicate`"
            " again once the drive is fixed.")


def _refuse_newer(replica: Replica, keys: Keys, current: AnchorState | None) -> None:
    try:
        theirs = replica_state(replica, keys)
    except StateDamaged:
        return  # a damaged replica is what replicating puts right
    if theirs is None or current is None:
        return
    if theirs.origin != current.origin:
        raise ReplicaError(f"The replica {replica.name!r} ({replica.where}) holds another"
                           " archive's copy.", hint="Register an empty folder instead.")
    if theirs.generation > current.generation:
        raise ReplicaError(
            f"The replica {replica.name!r} is newer than this archive (generation"
            f" {theirs.generation}, the archive's catalogue {current.generation}): the"
            " archive was rolled back. Nothing was copied, so the replica keeps what the"
            " archive lost.", hint="`caesar repair --from " + replica.name + "` puts it back.")


def _state_of(snap: Path, keys: Keys) -> AnchorState:
    catalog = catalogue_file(snap, keys.catalog)
    try:
        with catalog.reader() as session:
            state = capture(session)
    finally:
        catalog.engine.dispose()
    if state is None:
        raise ReplicaError("The catalogue's snapshot holds no custody log.")
    return state


def _copy_objects(source: ObjectStore, target: ObjectStore, todo: list[str],
                  sizes: dict[str, int], progress: ProgressCallback | None) -> int:
    """Copy the objects `todo` as they are; durable once the caller syncs the target."""
    if progress:
        progress("start", len(todo), 0)

    def copy(batch: list[str]) -> list[str]:
        for name in batch:
            with source.open(name) as f:
                target.put(name, f)
            faults.point(OBJECT_COPIED)
        return batch

    copied = 0
    # A few copiers at once, each with a run of objects: each copy waits mostly on the file
    # system (creating, copying in the kernel, renaming) with Python's lock released, so they
    # overlap; runs rather than single objects keep the hand-overs between threads few.
    batches = [todo[i:i + _BATCH] for i in range(0, len(todo), _BATCH)]
    with ThreadPoolExecutor(_COPIERS, thread_name_prefix="replicate") as pool:
        for batch in pool.map(copy, batches):
            done = sum(sizes[name] for name in batch)
            copied += done
            if progress:
                progress("advance", len(batch), done)
    return copied
