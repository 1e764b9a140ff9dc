"""Grouping originals into cases (one per body) and linking re-encoded copies to originals.

Pure functions over facts already in the catalogue, so that a rebuild of tens of thousands of
photos takes seconds and is easy to test. The cues, in the order they are applied:

1. **Copies.** A photo without a capture time of its own (published copies lose their EXIF)
   whose PDQ hash is within ``copy_distance`` bits of an original's, both of quality at least
   ``copy_quality`` (the thresholds Meta's HMA recommends: 31 and 50), is a copy of the nearest
   such original, never a case of its own. Two camera originals are never copies of each other,
   however alike: they are two exposures.
2. **Sequences.** A photographer takes a body's photos seconds apart with one camera, then moves
   on: photos are ordered by camera and capture time, and a new group starts at a gap longer
   than ``sequence_gap_seconds``, a change of camera, or a change of folder (collections are
   organised by day, photographer and sometimes by case).
3. **Numbers.** Where a group holds cards carrying different numbers (two of the three numbers
   differ, so that one misread digit never splits a case), it is split at the longest pause
   between the last photo of one card and the first of the next.

A group is a case when any of its photos shows a card or a number; the others (scenes, other
deaths, unclear) stay out of cases, for analysts to categorise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from caesar.cases.numbers import Numbers


@dataclass(frozen=True)
class GroupingSettings:
    """The thresholds of grouping (the archive's `[cases]` settings)."""

    copy_distance: int = 31
    copy_quality: int = 50
    sequence_gap_seconds: float = 40.0


@dataclass(frozen=True)
class PhotoFacts:
    """What grouping knows of one original."""

    sha256: str
    camera: str | None  # body serial, else make and model
    taken_at: datetime | None
    folder: str | None  # the folder of its first sighting, relative to its source
    pdq: str | None
    pdq_quality: int | None
    card_found: bool = False
    numbers: Numbers = field(default_factory=Numbers)


@dataclass(frozen=True)
class Copy:
    """A re-encoded copy and the original it shows."""

    sha256: str
    original: str
    distance: int


@dataclass
class Group:
    """Photos that show one subject, in order of capture."""

    photos: list[PhotoFacts]

    @property
    def is_case(self) -> bool:
        """Whether this group shows a body with numbers (a card, or a number on the skin)."""
        return any(p.card_found or p.numbers for p in self.photos)


def find_copies(photos: Sequence[PhotoFacts], settings: GroupingSettings) -> list[Copy]:
    """Each photo without a capture time that is a near-duplicate of a camera original."""
    def usable(p: PhotoFacts) -> bool:
        return p.pdq is not None and (p.pdq_quality or 0) >= settings.copy_quality

    originals = [p for p in photos if p.taken_at is not None and usable(p)]
    candidates = [p for p in photos if p.taken_at is None and usable(p)]
    if not originals or not candidates:
        return []
    pool = _bits(originals)
    copies = []
    for candidate in candidates:
        distances = np.bitwise_count(pool ^ _bits([candidate])).sum(axis=1)
        best = int(np.argmin(distances))
        if distances[best] <= settings.copy_distance:
            copies.append(Copy(candidate.sha256, originals[best].sha256, int(distances[best])))
    return copies


def _bits(photos: Sequence[PhotoFacts]) -> np.ndarray:
    """PDQ hashes as rows of four 64-bit words, for XOR and popcount in bulk."""
    raw = b"".join(bytes.fromhex(p.pdq or "") for p in photos)
    return np.frombuffer(raw, dtype=np.uint64).reshape(len(photos), 4)


def group_photos(photos: Sequence[PhotoFacts], settings: GroupingSettings) -> list[Group]:
    """Sequences split by pauses, cameras, folders and numbers (see the module docstring).

    ``photos`` are the originals to group: copies and photos an analyst placed are left out by
    the caller. Photos without a camera or capture time each form a group of their own.
    """
    timed = sorted((p for p in photos if p.taken_at is not None and p.camera is not None),
                   key=lambda p: (p.camera or "", p.taken_at or datetime.min, p.sha256))
    groups: list[Group] = []
    current: list[PhotoFacts] = []
    for photo in timed:
        if current and _breaks(current[-1], photo, settings):
            groups += _split_by_numbers(current)
            current = []
        current.append(photo)
    if current:
        groups += _split_by_numbers(current)
    groups += [Group([p]) for p in photos if p.taken_at is None or p.camera is None]
    return groups


def _breaks(before: PhotoFacts, after: PhotoFacts, settings: GroupingSettings) -> bool:
    assert before.taken_at is not None and after.taken_at is not None
    gap = (after.taken_at - before.taken_at).total_seconds()
    return (before.camera != after.camera or gap > settings.sequence_gap_seconds
            or before.folder != after.folder)


def _split_by_numbers(photos: list[PhotoFacts]) -> list[Group]:
    groups: list[Group] = []
    start = 0
    seen = Numbers()
    last_keyed: int | None = None
    for i, photo in enumerate(photos):
        if not photo.numbers:
            continue
        if last_keyed is not None and seen.conflicts(photo.numbers):
            cut = max(range(last_keyed + 1, i + 1), key=lambda k: _pause(photos, k))
            groups.append(Group(photos[start:cut]))
            start, seen = cut, Numbers()
        seen = seen.merged(photo.numbers)
        last_keyed = i
    groups.append(Group(photos[start:]))
    return groups


def _pause(photos: list[PhotoFacts], k: int) -> float:
    before, after = photos[k - 1].taken_at, photos[k].taken_at
    assert before is not None and after is not None
    return (after - before).total_seconds()
