"""Putting back the archive's key files from a replica, before anything can be unlocked.

The wrapped master key (`keys/master.json`), the sealed secrets (`keys/secrets.enc`) and the
list of replicas travel in every replica. When one is missing or damaged, the first replica
whose copy checks out (the master key unwraps with the passphrase; the secrets open with that
master key) puts it back. A master key file is found only in a replica named by its folder
(`--from PATH`): the list of registered replicas is itself sealed under the master key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from caesar.errors import CaesarError
from caesar.files import write_atomic
from caesar.preservation.replicas import Replica, Replicas, registry_opens
from caesar.preservation.replicate import FILES
from caesar.vault.keys import (
    DamagedKeys,
    Keys,
    WrongMasterKey,
    open_keys,
    secrets_open,
    unwrap_master,
    unwrap_master_file,
)


def _document(replica: Replica, name: str) -> bytes | None:
    if not replica.reachable():
        return None
    handle = replica.store().open_document(name)
    if handle is None:
        return None
    with handle:
        return handle.read()


def _put_back(folder: Path, name: str, sources: list[Replica],
              good: Callable[[bytes], bool]) -> bool:
    for replica in sources:
        data = _document(replica, name)
        if data is not None and good(data):
            write_atomic(folder / FILES[name], data)
            return True
    return False


def unlock_with_repair(folder: Path, passphrase: str, given: list[Replica]
                       ) -> tuple[Keys, list[str]]:
    """The archive's keys, after putting back from replicas the key files that are missing or
    damaged; also says which were put back."""
    restored: list[str] = []
    try:
        master = unwrap_master(folder, passphrase)
    except DamagedKeys as error:
        if not _put_back(folder, "master-key", given,
                         lambda data: unwrap_master_file(data, passphrase) is not None):
            raise CaesarError(f"{error.message} No replica given has a copy that this"
                              " passphrase unlocks.",
                              hint="Give a replica's folder: `caesar repair --from PATH`.") \
                from None
        restored.append("master-key")
        master = unwrap_master(folder, passphrase)
    try:
        registered, registry_ok = Replicas(folder, master).all(), True
    except CaesarError:
        registered, registry_ok = [], False
    urls = {r.url for r in given}
    sources = [*given, *(r for r in registered if r.url not in urls)]
    try:
        keys = open_keys(folder, master)
    except (DamagedKeys, WrongMasterKey) as error:
        if not _put_back(folder, "secrets", sources, lambda data: secrets_open(data, master)):
            raise CaesarError(f"{error.message} No replica has a copy that opens with this"
                              " archive's master key.",
                              hint="Give a replica's folder: `caesar repair --from PATH`.") \
                from None
        restored.append("secrets")
        keys = open_keys(folder, master)
    lost = not registry_ok or not (folder / FILES["replicas"]).exists()
    if lost and _put_back(folder, "replicas", given, lambda data: registry_opens(data, master)):
        restored.append("replicas")
    return keys, restored
