"""Where the archive's replicas are: a short list kept encrypted beside the keys.

The list lives in `keys/replicas.enc`, sealed under a key derived from the master key, not in
the catalogue (a lost catalogue must not take the way to its copies with it) and not in the
plaintext settings (where a seized laptop would tell where the copies are kept). A replica is
a store (:class:`caesar.vault.store.ObjectStore`): a folder or a mounted drive now, an S3
bucket when the scale-out stores arrive.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag

from caesar.errors import CaesarError, NotFound, UsageError
from caesar.files import write_atomic
from caesar.vault.keys import KEYS_DIR, seal, subkey, unseal
from caesar.vault.store import LocalStore, ObjectStore, open_store

REGISTRY_FILE = "replicas.enc"
_AAD = b"caesar-archive replicas v1"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


@dataclass(frozen=True)
class Replica:
    """A named replica and the URL of its store (``file:/absolute/path``)."""

    name: str
    url: str

    @property
    def where(self) -> str:
        """The replica's place as a person reads it (a folder)."""
        return self.url.removeprefix("file:")

    def store(self) -> ObjectStore:
        """The replica's store."""
        return open_store(self.url, Path("/"))

    def reachable(self) -> bool:
        """Whether the replica can be reached now (its drive is mounted)."""
        return Path(self.where).is_dir()


class Replicas:
    """The archive's list of replicas."""

    def __init__(self, archive: Path, master: bytes) -> None:
        self._file = archive / KEYS_DIR / REGISTRY_FILE
        self._key = subkey(master, "replicas")  # readable with the master key alone

    def all(self) -> list[Replica]:
        """Every registered replica, in the order they were added."""
        try:
            blob = self._file.read_bytes()
        except FileNotFoundError:
            return []
        try:
            return [Replica(**entry) for entry in json.loads(unseal(self._key, _AAD, blob))]
        except (InvalidTag, ValueError, TypeError) as exc:
            raise CaesarError(f"The list of replicas {self._file} is damaged.",
                              hint="Give the replica's folder itself: `caesar repair --from"
                              " PATH`, or `caesar replica add` them again.") from exc

    def get(self, name: str) -> Replica:
        """The replica called `name`."""
        for replica in self.all():
            if replica.name == name:
                return replica
        known = ", ".join(r.name for r in self.all()) or "none yet"
        raise NotFound(f"No replica is called {name!r} (registered: {known}).",
                       hint="`caesar replica list` shows them; `caesar replica add NAME PATH`"
                       " adds one.")

    def add(self, name: str, path: Path) -> Replica:
        """Register a folder (made if need be) as the replica `name`."""
        if not _NAME.fullmatch(name):
            raise UsageError(f"{name!r} cannot name a replica.",
                             hint="Use up to 40 letters, digits, '-', '_' or '.'.")
        existing = self.all()
        if any(r.name == name for r in existing):
            raise UsageError(f"A replica is already called {name!r}.",
                             hint="Choose another name; `caesar replica list` shows them.")
        url = f"file:{path.expanduser().absolute()}"
        if any(r.url == url for r in existing):
            raise UsageError(f"{path} is already a replica of this archive.")
        replica = Replica(name, url)
        self._save([*existing, replica])
        return replica

    def move(self, name: str, path: Path) -> Replica:
        """Say that the replica `name` is now reached at `path` (its drive mounted elsewhere)."""
        moved = Replica(self.get(name).name, f"file:{path.expanduser().absolute()}")
        self._save([moved if r.name == name else r for r in self.all()])
        return moved

    def _save(self, replicas: list[Replica]) -> None:
        payload = json.dumps([asdict(r) for r in replicas]).encode()
        write_atomic(self._file, seal(self._key, _AAD, payload))


def registry_opens(data: bytes, master: bytes) -> bool:
    """Whether the bytes of a list of replicas (a replica's copy) open with `master`."""
    try:
        unseal(subkey(master, "replicas"), _AAD, data)
    except InvalidTag:
        return False
    return True


def local_replica(path: Path) -> Replica:
    """A replica named by its folder rather than by a registered name."""
    return Replica(path.name or str(path), f"file:{path.expanduser().absolute()}")


def prepare_folder(path: Path, archive: Path) -> LocalStore:
    """Make `path` ready to be a replica: new or empty, never inside the archive."""
    folder = path.expanduser().absolute()
    if folder == archive or archive in folder.parents or folder in archive.parents:
        raise UsageError(f"A replica cannot be inside the archive or hold it ({folder}).",
                         hint="Choose a folder on another drive.")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder.")
    return LocalStore(folder)
