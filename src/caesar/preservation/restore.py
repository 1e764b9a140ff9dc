"""`caesar restore`: lay out a working archive in a new folder from a replica.

The replica's documents become the archive's files (the key files, the settings with the
default places for catalogue and store, the public key, the catalogue's snapshot) and every
object is copied into a new store, as it is. The caller unlocks it (with the passphrase or
trustees' shares), records the restore and verifies every original.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from caesar.errors import CaesarError, UsageError
from caesar.files import write_atomic
from caesar.preservation import areas
from caesar.preservation.anchor import STATE
from caesar.preservation.replicas import Replica
from caesar.preservation.replicate import (
    CATALOGUE,
    FILES,
    PUBLIC_KEY,
    TSA_CERTIFICATES,
    ReplicaError,
)
from caesar.preservation.verify import VerifyReport
from caesar.progress import ProgressCallback
from caesar.settings import Settings
from caesar.vault.keys import KEYS_DIR, WrongMasterKey, secrets_open, unwrap_master_file
from caesar.vault.shares import combine
from caesar.vault.store import LocalStore, ObjectStore

CATALOGUE_FILE = "catalog.db"
OBJECTS = "objects"


class RestoreReport(VerifyReport):
    """`restore --json`: the new archive's `verify` document, with where it came from."""

    archive: str
    replica: str
    copied: int
    recovered_with_shares: bool = False


def document(store: ObjectStore, name: str) -> bytes:
    """A small document of a replica; says clearly when it lacks one."""
    handle = store.open_document(name)
    if handle is None:
        raise ReplicaError(f"The replica lacks its {name!r} document: it is not a replica, or"
                           " its first replication never finished.",
                           hint="Restore from another replica.")
    with handle:
        return handle.read()


def settings_of(store: ObjectStore) -> Settings:
    """The replica's settings, with the catalogue and the store in their default places in
    the new archive."""
    try:
        given = Settings.model_validate(tomllib.loads(document(store, "settings").decode()))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValidationError) as error:
        raise ReplicaError(f"The replica's settings cannot be read: {error}") from None
    defaults = Settings()
    return given.model_copy(update={"database_url": defaults.database_url,
                                    "store_url": defaults.store_url})


def put_certificates(store: ObjectStore, target: Path, settings: Settings) -> None:
    """Put the time-stamping authority's certificates back where the settings name them,
    when the replica holds them and that place is inside the new archive."""
    handle = store.open_document(TSA_CERTIFICATES)
    if handle is None or settings.tsa_certificates is None:
        return
    place = target / settings.tsa_certificates
    if not place.resolve().is_relative_to(target.resolve()):
        handle.close()
        return
    with handle:
        place.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(place, handle.read())


def lay_out(replica: Replica, target: Path, progress: ProgressCallback | None = None) -> int:
    """Copy the replica's files and objects (the families' photos and held packages too)
    into `target` (made by the caller, empty); returns how many objects were copied."""
    source = replica.store()
    keys_dir = target / KEYS_DIR
    keys_dir.mkdir(mode=0o700, exist_ok=True)
    for name, relative in FILES.items():
        if name == "settings":
            continue
        handle = source.open_document(name)
        if handle is not None:
            with handle:
                write_atomic(target / relative, handle.read())
    if not (target / PUBLIC_KEY).exists():
        raise ReplicaError("The replica lacks the archive's public key.")
    handle = source.open_document(CATALOGUE)
    if handle is None:
        raise ReplicaError("The replica holds no catalogue snapshot.",
                           hint="Restore from another replica.")
    with handle, open(target / CATALOGUE_FILE, "wb") as out:
        while block := handle.read(1 << 20):
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    store = LocalStore(target / OBJECTS)
    store.ensure()
    sizes = source.sizes()
    if progress:
        progress("start", len(sizes), 0)
    for name, size in sizes.items():
        with source.open(name) as f:
            store.put(name, f)
        if progress:
            progress("advance", 1, size)
    store.sync()
    others = areas.restore_into(replica.area, target)
    handle = source.open_document(STATE)
    if handle is None:
        raise CaesarError("The replica holds no signed state.")
    with handle:
        store.write_document(STATE, handle)
    return len(sizes) + others


def master_from_replica(store: ObjectStore, passphrase: str) -> bytes:
    """The master key, unwrapped with `passphrase` from the replica's key file."""
    master = unwrap_master_file(document(store, "master-key"), passphrase)
    if master is None:
        raise ReplicaError("The replica's key file is damaged.",
                           hint="Restore from another replica, or with trustees' shares.")
    return master


def check_master(store: ObjectStore, master: bytes) -> None:
    """Refuse a master key (rebuilt from shares) that does not open the replica's secrets."""
    if not secrets_open(document(store, "secrets"), master):
        raise WrongMasterKey("The trustees' shares do not open this archive: they belong to"
                             " another archive, or the shares' passphrase is wrong.",
                             hint="Check the shares' passphrase with the trustees. Nothing"
                             " was made.")


@dataclass(frozen=True, kw_only=True)
class Unlock:
    """How a replica is opened: with the passphrase, or with trustees' shares (then a new
    passphrase is set)."""

    passphrase: str | None = None
    shares: list[str] = field(default_factory=list)
    share_passphrase: str = ""
    new_passphrase: str | None = None

    def master(self, store: ObjectStore) -> bytes:
        """The master key, checked against the replica's key files."""
        if self.shares:
            master = combine(self.shares, passphrase=self.share_passphrase)
            check_master(store, master)
            return master
        if self.passphrase is None:
            raise UsageError("Give the passphrase ($CAESAR_PASSPHRASE) or trustees' shares.")
        return master_from_replica(store, self.passphrase)
