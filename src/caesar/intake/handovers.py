"""What a SOURCE turns into: one or more hand-overs, each of which becomes one Transfer.

A SOURCE given to `ingest` may be a folder or drive, a single file, a BagIt bag, a sealed
bundle (or any of its parts), or a folder holding sealed bundles beside other files. Each
sealed bundle is its own hand-over; so is a bag; the remaining files of a folder are one more.

Nothing is dropped on the way. A bag that fails validation is still ingested file by file, with
every reason reported; a sealed bundle that cannot be opened is kept as it is (its part files
become opaque originals flagged ``bundle_damaged``) and nothing inside it is taken in.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from caesar.intake.bag import BagReading, is_bag, read_bag
from caesar.intake.signatures import FlagNote
from caesar.seal.errors import BundleError, BundlePartMissing
from caesar.seal.reader import Bundle, BundleRef, find_bundles, open_bundle
from caesar.sources import Entry, FileEntry, SkippedEntry, walk_source

Kind = Literal["folder", "file", "bag", "bundle"]

COPY_FLAG_KINDS = ("checksum_mismatch", "bundle_damaged")
"""Flags about one copy as it arrived, not about the content: another copy may be sound."""


@dataclass
class Handover:
    """One hand-over found in a SOURCE, ready to become a Transfer."""

    source: str  # the SOURCE argument as given
    kind: Kind
    entries: list[Entry] = field(default_factory=list)  # files on disk, paths relative to source
    bundle: Bundle | None = None  # an authenticated sealed bundle: its members are streamed
    info: dict[str, Any] = field(default_factory=dict)
    device_label: str | None = None
    sealed_at: datetime | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind, sentence)
    damage: FlagNote | None = None  # flags every file: the bundle could not be opened
    expected: dict[str, dict[str, str]] = field(default_factory=dict)  # NFC path -> checksums
    mismatched: dict[str, tuple[str, ...]] = field(default_factory=dict)  # NFC path -> algs

    @property
    def total(self) -> int:
        """How many entries this hand-over will report (for progress)."""
        if self.bundle is not None and self.bundle.manifest is not None:
            return len(self.bundle.manifest.files) + len(self.bundle.manifest.skipped)
        return len(self.entries)

    def is_tag_file(self, path: str) -> bool:
        """Whether `path` is one of a bag's tag files: any file outside its payload folder.

        Tag files are the bag's own records (RFC 8493 §2.2): preserved like every file, listed
        on the transfer, never flagged for what they hold.
        """
        return self.kind == "bag" and not path.startswith("data/")

    def notes_for(self, path: str, sha256: str) -> list[FlagNote]:
        """Flags that belong to this copy of a file, not to its content."""
        if self.damage is not None:
            return [self.damage]
        key = unicodedata.normalize("NFC", path)
        expected = self.expected.get(key, {})
        wrong = set(self.mismatched.get(key, ()))
        if "sha256" in expected and expected["sha256"] != sha256:
            wrong.add("sha256")
        if not wrong:
            return []
        where = "bundle" if self.kind == "bundle" else "bag"
        return [FlagNote("checksum_mismatch",
                         f"its content does not match the {where}'s manifest"
                         f" ({', '.join(sorted(wrong))}); preserved as received")]

    def fail_bundle(self, error: BundleError, parts: BundleRef) -> None:
        """The bundle cannot be trusted: keep its part files as opaque originals instead."""
        self.bundle = None
        kind = "bundle_part_missing" if isinstance(error, BundlePartMissing) else "bundle_damaged"
        self.problems.append((kind, error.message))
        self.damage = FlagNote("bundle_damaged", f"part of a sealed bundle that could not be"
                                                 f" opened: {error.message}")
        self.entries = [FileEntry(_relative(self.source, part), str(part))
                        for part in parts.parts]


def plan(source: str, age_identity: str) -> list[Handover]:
    """The hand-overs in `source`, in a stable order; bundles are authenticated here.

    Authenticating first (a full decryption pass) is what lets intake take in nothing from a
    bundle that turns out damaged at its end.
    """
    if is_bag(source):
        return [_bag(source, read_bag(source))]
    bundles = find_bundles(source)
    handovers = [_bundle(source, ref, age_identity) for ref in bundles]
    parts = {str(p) for ref in bundles for p in ref.parts}
    if os.path.isdir(source) and not os.path.islink(source):
        rest = [e for e in walk_source(source)
                if not (isinstance(e, FileEntry) and e.location in parts)]
        if rest or not bundles:
            handovers.append(Handover(source, "folder", entries=rest))
    elif not bundles:
        handovers.append(Handover(source, "file", entries=list(walk_source(source))))
    return handovers


def _bag(source: str, reading: BagReading) -> Handover:
    info: dict[str, Any] = {}
    for label, value in reading.info:
        previous = info.get(label)
        info[label] = value if previous is None else [
            *(previous if isinstance(previous, list) else [previous]), value]
    if reading.version:
        info["BagIt-Version"] = reading.version
    handover = Handover(source, "bag", entries=list(walk_source(source)), info=info,
                        problems=[("bag_invalid", p) for p in reading.problems])
    for entry in reading.entries:
        key = unicodedata.normalize("NFC", entry.bag_path)
        handover.expected[key] = entry.checksums
        if entry.mismatched:
            handover.mismatched[key] = entry.mismatched
    return handover


def _bundle(source: str, ref: BundleRef, age_identity: str) -> Handover:
    handover = Handover(source, "bundle", info={"bundle_id": ref.bundle_id})
    try:
        bundle = open_bundle(ref, age_identity)
        record = bundle.record
        handover.info.update(sealed_at=record.sealed_at, device_label=record.device_label,
                             tool_version=record.tool_version, format=record.format,
                             parts=len(ref.parts))
        handover.device_label = record.device_label
        handover.sealed_at = datetime.fromisoformat(record.sealed_at.replace("Z", "+00:00"))
        manifest = bundle.authenticate()
        handover.bundle = bundle
        handover.expected = {unicodedata.normalize("NFC", f.path): {"sha256": f.sha256}
                             for f in manifest.files}
    except BundleError as exc:
        handover.fail_bundle(exc, ref)
    return handover


def not_sealed(bundle: Bundle) -> Iterator[SkippedEntry]:
    """Entries the field machine listed as not sealed: reported, so nobody assumes them in."""
    if bundle.manifest is not None:
        for path, reason in bundle.manifest.skipped:
            yield SkippedEntry(path, f"not sealed on the field machine: {reason}")


def _relative(source: str, part: Path) -> str:
    base = source if os.path.isdir(source) else os.path.dirname(source) or "."
    return os.path.relpath(part, base)
