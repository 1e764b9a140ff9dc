"""Getting back in: trustees' shares instead of a lost passphrase, key files put back before
a repair, and a new archive made from a replica.

Each builds the one :class:`caesar.core.Archive` facade; they live beside it rather than in it
because they begin before there is an archive to open (its keys are what is missing).
"""

from __future__ import annotations

from pathlib import Path

from caesar.core import Archive, begin_folder, finish_folder
from caesar.errors import ArchiveNotFound
from caesar.preservation import areas
from caesar.preservation.anchor import StateCheck
from caesar.preservation.keyfiles import unlock_with_repair
from caesar.preservation.replicas import Replica, local_replica
from caesar.preservation.restore import (
    RestoreReport,
    Unlock,
    lay_out,
    put_certificates,
    settings_of,
)
from caesar.progress import ProgressCallback
from caesar.vault.keys import WrongMasterKey, open_keys, rewrap_master
from caesar.vault.shares import combine


def recover(path: Path, shares: list[str], new_passphrase: str, *, share_passphrase: str = "",
            actor: str | None = None) -> Archive:
    """Rebuild access from trustees' shares and set a new passphrase (the old one stops
    working); the archive opens for inspection, its :attr:`~Archive.state` says whether the
    catalogue is sound. Logged when it is; the shares never are."""
    settings = Archive.locate(path)
    master = combine(shares, passphrase=share_passphrase)
    try:
        keys = open_keys(path, master)
    except WrongMasterKey:
        raise WrongMasterKey("The trustees' shares do not open this archive: they belong to"
                             " another archive, or the shares' passphrase is wrong.",
                             hint="Check the shares' passphrase with the trustees. Nothing"
                             " was changed.") from None
    rewrap_master(path, master, new_passphrase)
    archive = Archive.unlocked(path, settings, keys, inspect=True)
    archive.record("key.recovered", actor or archive.owner, {"shares": len(shares)})
    return archive


def open_for_repair(path: Path, passphrase: str, sources: list[Replica]
                    ) -> tuple[Archive, list[str]]:
    """Unlock the archive for `caesar repair`, first putting back missing or damaged key files
    from `sources` (or the registered replicas); also says which were put back."""
    settings = Archive.locate(path)
    keys, restored = unlock_with_repair(path, passphrase, sources)
    return Archive.unlocked(path, settings, keys, inspect=True), restored


def restore(source: Path | str, target: Path, unlock: Unlock, *, actor: str | None = None,
            progress: ProgressCallback | None = None) -> tuple[Archive, RestoreReport]:
    """Make a working archive in `target` (new or empty) from the replica in `source`,
    unlocked with the passphrase or trustees' shares; record the restore and verify it."""
    replica = local_replica(source)
    if not replica.reachable():
        raise ArchiveNotFound(f"There is no replica at {source}.",
                              hint="Mount its drive, or check the path.")
    master = unlock.master(replica.store())  # before anything is copied
    begin_folder(target)
    copied = lay_out(replica, target, progress)
    settings = settings_of(replica.store())
    put_certificates(replica.store(), target, settings)
    keys = open_keys(target, master)
    if unlock.new_passphrase is not None:
        rewrap_master(target, master, unlock.new_passphrase)
    finish_folder(target, settings)
    archive = Archive.unlocked(target, settings, keys, inspect=True)
    current = archive.state.current
    if current is not None and (archive.state.resign or (archive.state.problem
                                and not archive.state.behind)):
        # The snapshot outran its replica's state (the replication was interrupted after the
        # snapshot was written): the snapshot, which only this archive's key can make, counts.
        archive.anchor.write(current, force=True)
        archive.state = StateCheck(current=current)
    if archive.state.readable:
        areas.drop_unlisted(target, keys, areas.listed(archive.catalog))
    actor = actor or archive.owner
    archive.record("archive.restored", actor,
                   {"originals": current.originals if current else None})
    if unlock.shares:
        archive.record("key.recovered", actor, {"shares": len(unlock.shares)})
    checked = archive.verify(progress, actor=actor)
    report = RestoreReport(archive=str(target), replica=str(source), copied=copied,
                           recovered_with_shares=bool(unlock.shares), **checked.model_dump())
    return archive, report
