"""`verify`: decrypt and re-hash every original, check thumbnails, compare store and catalogue
both ways, and report what is damaged, missing or unaccounted for.

The same object check serves the archive and its replicas (`verify --replica`): it reads the
objects of any store through its URL, in one worker process per core.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select

from caesar.catalog.database import Catalog
from caesar.catalog.models import Photo
from caesar.compute import Compute
from caesar.progress import ProgressCallback
from caesar.vault.keys import Keys
from caesar.vault.objects import Kind, ObjectVault, Status, check_sealed
from caesar.vault.urls import open_store


class StateView(BaseModel):
    """`"state"` in `verify --json`: does the catalogue match the archive's signed state?"""

    ok: bool = True
    problem: str | None = None


class CheckpointFinding(BaseModel):
    """One checkpoint published earlier (`verify --checkpoint FILE`), checked against the log."""

    file: str
    size: int | None
    ok: bool
    problem: str | None


class AreaFindings(BaseModel):
    """`"family_photos"` and `"held_packages"` in `verify --json`: how many the catalogue
    lists, and the ids (report photo ids, export request ids) of those damaged or missing."""

    checked: int = 0
    damaged: list[int] = []
    missing: list[int] = []

    @property
    def broken(self) -> bool:
        """Something listed is damaged or missing."""
        return bool(self.damaged or self.missing)


class VerifyReport(BaseModel):
    """The `verify --json` document of docs/design.md."""

    checked: int = 0
    ok: int = 0
    damaged: list[str] = []
    missing: list[str] = []
    ledger_ok: bool | None = None
    state: StateView = StateView()
    unreferenced: list[str] = []
    thumbnails_damaged: list[str] = []
    checkpoints: list[CheckpointFinding] = []
    family_photos: AreaFindings = AreaFindings()
    held_packages: AreaFindings = AreaFindings()

    @property
    def needs_attention(self) -> bool:
        """Exit 1: damage, loss, a custody log or catalogue that does not check out.

        Objects without a row (`unreferenced`) do not count: a crash can leave them, and the
        next ingest of the same files adopts them.
        """
        return bool(self.damaged or self.missing or self.ledger_ok is False
                    or not self.state.ok or self.thumbnails_damaged
                    or any(not c.ok for c in self.checkpoints)
                    or self.family_photos.broken or self.held_packages.broken)


@dataclass(frozen=True)
class Catalogued:
    """An original as the catalogue lists it."""

    sha256: str
    size: int
    thumbnail: str | None  # the SHA-256 of its thumbnail, which names the thumbnail's object


def catalogued(catalog: Catalog) -> list[Catalogued]:
    """Every original the catalogue lists, in SHA-256 order."""
    with catalog.reader() as session:
        rows = session.execute(select(Photo.sha256, Photo.size, Photo.thumbnail_sha256)
                               .order_by(Photo.sha256)).all()
    return [Catalogued(sha, size, thumb) for sha, size, thumb in rows]


@dataclass
class ObjectFindings:
    """What a store holds against what a catalogue lists."""

    checked: int = 0
    ok: int = 0
    damaged: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    thumbnails_damaged: list[str] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)

    def into(self, report: VerifyReport) -> None:
        """Copy the findings into a `verify` report."""
        report.checked, report.ok = self.checked, self.ok
        report.damaged, report.missing = self.damaged, self.missing
        report.thumbnails_damaged = self.thumbnails_damaged
        report.unreferenced = self.unreferenced


_BATCH = 8  # objects a task checks: few hand-overs, yet an even spread over the workers


def check_batch(store_url: str, archive: Path, key: bytes,
                batch: list[tuple[Kind, str, str, str]]) -> list[tuple[Kind, str, Status]]:
    """Check a run of objects (kind, stored name, content SHA-256, original's SHA-256) in the
    store at `store_url` with the object key alone; runs in a local process or on a Dask
    worker. Returns (kind, original's SHA-256, status) for each."""
    store = open_store(store_url, archive)
    return [(kind, original, check_sealed(store, key, name, content))
            for kind, name, content, original in batch]


def check_objects(keys: Keys, store_url: str, archive: Path, originals: list[Catalogued], *,
                  compute: Compute, progress: ProgressCallback | None = None
                  ) -> ObjectFindings:
    """Decrypt and check every listed original and thumbnail in the store at `store_url`
    (where `compute` says: local processes or a Dask cluster), and name the objects it holds
    that nothing lists."""
    vault = ObjectVault(open_store(store_url, archive), keys)
    listed: dict[str, tuple[Kind, str, str]] = {}
    for original in originals:
        listed[vault.name("original", original.sha256)] = (
            "original", original.sha256, original.sha256)
        if original.thumbnail:
            listed[vault.name("thumbnail", original.thumbnail)] = (
                "thumbnail", original.thumbnail, original.sha256)
    held = vault.store.sizes()
    findings = ObjectFindings(unreferenced=sorted(set(held) - set(listed)))
    sizes = {o.sha256: o.size for o in originals}
    if progress:
        progress("start", len(originals), 0)
    present = [(kind, name, content, original)
               for name, (kind, content, original) in listed.items() if name in held]
    absent = [(kind, original, "missing") for name, (kind, _, original) in listed.items()
              if name not in held]
    # A worker elsewhere reads the store itself: a folder is named by its absolute path.
    where = archive.absolute()
    tasks = [(store_url, where, vault.object_key, present[i:i + _BATCH])
             for i in range(0, len(present), _BATCH)]
    outcomes: Iterable[tuple[Kind, str, str]] = chain(
        absent, (outcome for batch in compute.map(check_batch, tasks) for outcome in batch))
    for kind, sha, status in outcomes:
        if kind == "thumbnail":
            if status != "ok":
                findings.thumbnails_damaged.append(sha)
            continue
        findings.checked += 1
        findings.ok += status == "ok"
        if status == "missing":
            findings.missing.append(sha)
        elif status == "damaged":
            findings.damaged.append(sha)
        if progress:
            progress("advance", 1, sizes[sha])
    for found in (findings.damaged, findings.missing, findings.thumbnails_damaged):
        found.sort()
    return findings
