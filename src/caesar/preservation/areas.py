"""The archive's stores beside its objects, which replicas carry too: the photos families give
of their missing (``family-photos/``) and the packages held until someone downloads them
(``held/``).

Both hold encrypted objects in the archive's format, each under the same folder name in the
archive and in a replica. Unlike originals they can be deleted in the archive (a family takes
its photo back, a package expires), and a replica follows: what the archive no longer holds
is deleted from the replica once the replica's new signed state no longer names it, never
before, so a replica interrupted at any moment still holds everything its published snapshot
names. A family's withdrawal thus reaches every replica at its next replication.

Checking them against a catalogue: each held family photo is decrypted and re-hashed; each
held package is decrypted whole (every chunk is authenticated).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from caesar.catalog.database import Catalog
from caesar.errors import CaesarError
from caesar.exports.held import HELD_DIR, HeldPackages
from caesar.identify.stored import FAMILY_PHOTOS_DIR, KIND
from caesar.preservation.verify import AreaFindings
from caesar.vault.keys import Keys
from caesar.vault.objects import ObjectVault
from caesar.vault.store import DeletingStore, ObjectStore, RemovableStore, UndatedStore

FAMILY_PHOTOS = FAMILY_PHOTOS_DIR
HELD = HELD_DIR
AREAS = (FAMILY_PHOTOS, HELD)


@dataclass(frozen=True)
class Listed:
    """What a catalogue says the areas hold: family photos (id, SHA-256) and held packages
    (export request id, manifest object name)."""

    family_photos: list[tuple[int, str]] = field(default_factory=list)
    held_packages: list[tuple[int, str]] = field(default_factory=list)


AreaOf = Callable[[str], DeletingStore]
"""Where a place keeps each area: an archive (:func:`in_archive`) or a replica
(:meth:`caesar.preservation.replicas.Replica.area`, a folder or a bucket)."""


def archive_store(archive: Path, area: str) -> RemovableStore:
    """An area of an archive as the archive keeps it: the families' photos undated, held
    packages with the times their expiry is judged by."""
    return UndatedStore(archive / area) if area == FAMILY_PHOTOS else RemovableStore(
        archive / area)


def in_archive(archive: Path) -> AreaOf:
    """The areas of the archive at `archive`."""
    return lambda area: archive_store(archive, area)


def listed(catalog: Catalog) -> Listed:
    """The family photos and held packages that `catalog` lists."""
    # Their tables' models are imported here, by what reads them: building them was a
    # noticeable part of the start-up of `replicate` and `replica list`, which never do.
    from caesar.catalog.exports import ExportRequest
    from caesar.catalog.identify import ReportPhoto

    with catalog.reader() as session:
        photos = session.execute(select(ReportPhoto.id, ReportPhoto.sha256).where(
            ReportPhoto.status == "held").order_by(ReportPhoto.id)).all()
        packages = session.execute(select(ExportRequest.id, ExportRequest.package).where(
            ExportRequest.package.is_not(None)).order_by(ExportRequest.id)).all()
    return Listed([(i, sha) for i, sha in photos], [(i, str(p)) for i, p in packages])


def check(place: AreaOf, keys: Keys, found: Listed) -> tuple[AreaFindings, AreaFindings]:
    """Check the areas of `place` (an archive or a replica) against what a catalogue lists:
    (family photos, held packages)."""
    vault = ObjectVault(place(FAMILY_PHOTOS), keys)
    held = HeldPackages(place(HELD), keys)
    return (_findings(found.family_photos, lambda sha: vault.check(KIND, sha)),
            _findings(found.held_packages, held.check))


def _findings(items: list[tuple[int, str]], status: Callable[[str], str]) -> AreaFindings:
    findings = AreaFindings(checked=len(items))
    for ident, key in items:
        outcome = status(key)
        if outcome == "damaged":
            findings.damaged.append(ident)
        elif outcome == "missing":
            findings.missing.append(ident)
    return findings


def identical(ours: ObjectStore, theirs: ObjectStore, name: str) -> bool:
    """Whether an object is byte for byte the same in both stores (a damaged copy is not)."""
    with ours.open(name) as mine, theirs.open(name) as other:
        while block := mine.read(1 << 20):
            if other.read(len(block)) != block:
                return False
        return not other.read(1)


def copy_new(source: Path, target: AreaOf, *, full: bool = False) -> tuple[int, int]:
    """Copy into `target` every object of each area of `source` that `target` lacks or holds
    with another size (with `full`, or other bytes), as it is; returns (objects, bytes).
    Durable once the caller syncs."""
    copied = size_total = 0
    for area in AREAS:
        ours = RemovableStore(source / area)
        sizes = ours.sizes()
        if not sizes:
            continue
        theirs = target(area)
        theirs.ensure()
        theirs.clean_pending()
        held = theirs.sizes()
        for name, size in sizes.items():
            if held.get(name) != size or (full and not identical(ours, theirs, name)):
                put(ours, theirs, name)
                copied += 1
                size_total += size
        theirs.sync()
    return copied, size_total


def prune(source: Path, target: AreaOf) -> int:
    """Delete from `target`'s areas what `source` no longer holds (after the target's new
    state is published); returns how many."""
    gone = 0
    for area in AREAS:
        theirs = target(area)
        extra = set(theirs.sizes()) - set(RemovableStore(source / area).sizes())
        for name in sorted(extra):
            gone += theirs.remove(name)
    return gone


def package_objects(place: AreaOf, keys: Keys, package: str) -> list[str]:
    """Every object name of the held package `package` of `place`, from its manifest."""
    return HeldPackages(place(HELD), keys).objects(package)


def put(source: ObjectStore, target: ObjectStore, name: str) -> None:
    """Copy one object between area stores as it is."""
    with source.open(name) as f:
        target.put(name, f)


def restore_into(source: AreaOf, target: Path) -> int:
    """Copy every area of a replica (`source`) into a new archive (`target`); returns how
    many objects."""
    count = 0
    for area in AREAS:
        theirs = source(area)
        names = list(theirs.sizes())
        if not names:
            continue
        ours = archive_store(target, area)
        ours.ensure()
        for name in names:
            put(theirs, ours, name)
        ours.sync()
        count += len(names)
    return count


def drop_unlisted(archive: Path, keys: Keys, found: Listed) -> int:
    """Delete from a restored archive's areas what its catalogue does not list: a photo a
    family took back, or a package that expired, that the replica still held because its last
    replication was cut short before it caught up with the deletion. Held packages are left
    alone when a manifest cannot be read (nothing that may be needed is deleted). Returns how
    many objects were deleted."""
    family = archive_store(archive, FAMILY_PHOTOS)
    vault = ObjectVault(family, keys)
    keep = {vault.name(KIND, sha) for _, sha in found.family_photos}
    gone = sum(family.remove(name) for name in set(family.sizes()) - keep)
    held = archive_store(archive, HELD)
    try:
        needed = {name for _, package in found.held_packages
                  for name in package_objects(in_archive(archive), keys, package)}
    except (CaesarError, ValueError):
        return gone
    return gone + sum(held.remove(name) for name in set(held.sizes()) - needed)


def put_back(archive: Path, sources: Iterable[tuple[str, AreaOf]], area: str,
             names: list[str], good: Callable[[AreaOf], bool]) -> str | None:
    """Put back the objects `names` of `area` from the first source (named) whose copy is
    `good`; returns that source's name, or None. What was there is moved aside, kept."""
    ours = archive_store(archive, area)
    for source_name, place in sources:
        if not good(place):
            continue
        theirs = place(area)
        ours.ensure()
        for name in names:
            ours.set_aside(name)
            try:
                put(theirs, ours, name)
            except CaesarError:
                break
        else:
            ours.sync()
            return source_name
    return None
