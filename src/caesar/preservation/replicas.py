"""Where the archive's replicas are: a short list kept encrypted beside the keys.

The list lives in `keys/replicas.enc`, sealed under a key derived from the master key, not in
the catalogue (a lost catalogue must not take the way to its copies with it) and not in the
plaintext settings (where a seized laptop would tell where the copies are kept). A replica is
a store (:class:`caesar.vault.store.ObjectStore`): a folder or a mounted drive, or an
S3-compatible bucket (:mod:`caesar.vault.s3`, its endpoint and keys from the environment).
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
from caesar.vault.store import DeletingStore, LocalStore, ObjectStore, UndatedStore
from caesar.vault.urls import open_store

REGISTRY_FILE = "replicas.enc"
_AAD = b"caesar-archive replicas v1"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


@dataclass(frozen=True)
class Replica:
    """A named replica and the URL of its store: ``file:/absolute/path`` (a folder or a
    mounted drive) or ``s3://BUCKET/PREFIX`` (an S3-compatible store, reached with the
    environment's endpoint and keys)."""

    name: str
    url: str

    @property
    def in_bucket(self) -> bool:
        """Whether the replica is kept in an S3-compatible store."""
        return self.url.startswith("s3://")

    @property
    def where(self) -> str:
        """The replica's place as a person reads it (a folder, or the bucket's URL)."""
        return self.url if self.in_bucket else self.url.removeprefix("file:")

    def store(self) -> ObjectStore:
        """The replica's store."""
        return open_store(self.url, Path("/"))

    def area(self, name: str) -> DeletingStore:
        """The replica's copy of one of the archive's areas (:mod:`.areas`), undated as the
        archive keeps its originals."""
        if self.in_bucket:
            from caesar.vault.s3 import DeletingS3Store

            return DeletingS3Store(f"{self.url.rstrip('/')}/{name}")
        return UndatedStore(Path(self.where) / name)

    def reachable(self) -> bool:
        """Whether the replica can be reached now (its drive is mounted, its server answers)."""
        if self.in_bucket:
            from caesar.vault.s3 import S3Store

            return S3Store(self.url).reachable()
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

    def add(self, name: str, place: Path | str) -> Replica:
        """Register a folder (made if need be) or an `s3://` URL as the replica `name`."""
        if not _NAME.fullmatch(name):
            raise UsageError(f"{name!r} cannot name a replica.",
                             hint="Use up to 40 letters, digits, '-', '_' or '.'.")
        existing = self.all()
        if any(r.name == name for r in existing):
            raise UsageError(f"A replica is already called {name!r}.",
                             hint="Choose another name; `caesar replica list` shows them.")
        url = place_url(place)
        if any(r.url == url for r in existing):
            raise UsageError(f"{place} is already a replica of this archive.")
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


def place_url(place: Path | str) -> str:
    """The store URL of a replica's place: an `s3://` URL as it is (checked), else a folder."""
    if isinstance(place, str) and place.startswith("s3://"):
        from caesar.vault.s3 import parse_url

        parse_url(place)
        return place.rstrip("/")
    return f"file:{Path(place).expanduser().absolute()}"


def local_replica(place: Path | str) -> Replica:
    """A replica named by its folder or bucket URL rather than by a registered name."""
    url = place_url(place)
    return Replica(url if url.startswith("s3://") else (Path(place).name or str(place)), url)


def prepare_folder(path: Path, archive: Path) -> LocalStore:
    """Make `path` ready to be a replica: new or empty, never inside the archive."""
    folder = path.expanduser().absolute()
    if folder == archive or archive in folder.parents or folder in archive.parents:
        raise UsageError(f"A replica cannot be inside the archive or hold it ({folder}).",
                         hint="Choose a folder on another drive.")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder.")
    return LocalStore(folder)
