"""Grouping originals into cases (one per body) and linking re-encoded copies to originals.

Pure functions over facts already in the catalogue, so that a rebuild of tens of thousands of
photos takes seconds and is easy to test. The cues, in the order they are applied:

1. **Copies.** A photo without a capture time of its own (published copies lose their EXIF)
   whose PDQ hash is within ``copy_distance`` bits of an original's, both of quality at least
   ``copy_quality`` (the thresholds Meta's HMA recommends: 31 and 50), is a copy of the nearest
   such original, never a case of its own. Two camera originals are never copies of each other,
   however alike: they are two exposures.
2. **Sequences.** A photographer takes a body's photos one after another with one camera, then
   moves on: photos are ordered by camera, folder and capture time (photos of another folder
   taken meanwhile, such as copies that kept their EXIF, never cut a body's sequence), and a
   new group starts at a pause longer than the camera's own *body pause*. The
   pause is learned from the collection: a camera's intervals between photos fall into two
   groups (within a body: seconds; between bodies: minutes), and the pause is set in the gap
   between them, within ``min_gap_seconds`` and ``max_gap_seconds``; where a camera's
   intervals show no such gap, ``sequence_gap_seconds`` is used.
3. **Numbers.** Where one group holds photos whose numbers name two different bodies (each
   shows two numbers that identify a body, and they share none), it is split at the longest
   pause between them; two neighbouring groups of one camera that show the same identifying
   number are one body photographed with a long pause, and are joined; a group too short to
   be a body's sequence (fewer than ``min_photos``) that shows a body's identifying number
   elsewhere joins that body's group, as a photo without EXIF does. A number read in many
   groups (a branch) identifies no body.

Every group is a case: a body is a case whether or not its numbers could be read. A group stays
out of the cases only for a reason it states (:data:`REASONS`): too short to be a body's
sequence with no number read, a photo that cannot be placed in any sequence (no camera or
capture time) and carries no number of a case, or an analyst's category (the caller leaves
those photos out and gives them their reason).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

REASONS: dict[str, str] = {
    "short_without_number": "too few photos for a body's sequence, and no number read",
    "not_in_sequence": "no camera or capture time to place it, and no number of a case",
    "categorised": "an analyst said it shows no detainee's body (a scene, another death)",
}
"""Why a photo is in no case: the codes grouping gives, and what they mean."""


@dataclass(frozen=True)
class GroupingSettings:
    """The thresholds of grouping (the archive's `[cases]` settings)."""

    copy_distance: int = 31
    copy_quality: int = 50
    sequence_gap_seconds: float = 40.0  # when a camera's own pauses cannot be learned
    min_gap_seconds: float = 10.0  # the learned pause is never shorter
    max_gap_seconds: float = 900.0  # ... nor longer
    min_photos: int = 3  # a body is photographed at least this many times


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
    values: frozenset[str] = frozenset()  # numbers read clearly in it
    writing: bool = False  # whether any number was read in it, clearly or not


@dataclass(frozen=True)
class Copy:
    """A re-encoded copy and the original it shows."""

    sha256: str
    original: str
    distance: int


@dataclass
class Group:
    """Photos that show one subject, in order of capture; `reason` says why it is no case."""

    photos: list[PhotoFacts]
    reason: str | None = None

    @property
    def is_case(self) -> bool:
        """Whether this group is a body's case."""
        return self.reason is None


@dataclass
class Pauses:
    """The pause that starts a new body, per camera, as learned (see :func:`learn_pauses`)."""

    by_camera: dict[str, float] = field(default_factory=dict)
    default: float = 40.0

    def of(self, camera: str | None) -> float:
        """The body pause of `camera`, in seconds."""
        return self.by_camera.get(camera or "", self.default)


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


def learn_pauses(photos: Sequence[PhotoFacts], settings: GroupingSettings) -> Pauses:
    """Each camera's body pause: the gap between its two groups of intervals.

    Intervals are compared on a log scale (a pause of minutes is to seconds what seconds are to
    a tenth of one), split where the two groups are best separated (Otsu's criterion), and the
    pause is put in the middle of the empty stretch between them. A camera whose intervals do
    not fall into two clear groups keeps ``sequence_gap_seconds``.
    """
    pauses = Pauses(default=settings.sequence_gap_seconds)
    for camera, intervals in _intervals(photos, settings).items():
        learned = _split(intervals)
        if learned is not None:
            pauses.by_camera[camera] = min(settings.max_gap_seconds,
                                           max(settings.min_gap_seconds, learned))
    return pauses


def _intervals(photos: Sequence[PhotoFacts], settings: GroupingSettings
               ) -> dict[str, list[float]]:
    by_camera: dict[str, list[datetime]] = {}
    for p in photos:
        if p.camera is not None and p.taken_at is not None:
            by_camera.setdefault(p.camera, []).append(p.taken_at)
    out: dict[str, list[float]] = {}
    for camera, times in by_camera.items():
        times.sort()
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
        # Overnight and longer breaks say nothing about a photographer's rhythm.
        out[camera] = [g for g in gaps if 0 < g <= 4 * settings.max_gap_seconds]
    return out


def _split(intervals: list[float]) -> float | None:
    if len(intervals) < 8:
        return None
    logs = np.sort(np.log(np.asarray(intervals)))
    n = len(logs)
    # Otsu's between-class variance for every cut of the sorted logs (two or more each side).
    k = np.arange(2, n - 1)
    below = np.cumsum(logs)[k - 1]
    between = k * (n - k) * (below / k - (logs.sum() - below) / (n - k)) ** 2
    cut = int(k[int(np.argmax(between))])
    low, high = logs[:cut], logs[cut:]
    # Two groups only when far apart (a factor of three) with a clear gap between them.
    if high.mean() - low.mean() < math.log(3) or high[0] - low[-1] < math.log(1.3):
        return None
    return float(math.exp((low[-1] + high[0]) / 2))


def group_photos(photos: Sequence[PhotoFacts], settings: GroupingSettings,
                 pauses: Pauses | None = None) -> list[Group]:
    """Cases and the photos in none, by pauses, cameras, folders and numbers (see the module
    docstring). ``photos`` are the originals to group: copies and photos an analyst placed are
    left out by the caller."""
    pauses = pauses or learn_pauses(photos, settings)
    timed = sorted((p for p in photos if p.taken_at is not None and p.camera is not None),
                   key=lambda p: (p.camera or "", p.folder or "", p.taken_at or datetime.min,
                                  p.sha256))
    runs: list[list[PhotoFacts]] = []
    for photo in timed:
        if runs and not _breaks(runs[-1][-1], photo, pauses):
            runs[-1].append(photo)
        else:
            runs.append([photo])
    common = _recurring(runs)
    split = [part for run in runs for part in _split_by_numbers(run, common)]
    joined = _join_by_numbers(split, common)
    groups = [Group(g) for g in joined if len(g) >= settings.min_photos]
    placed = {v: g for g in groups for p in g.photos for v in p.values - common}
    for short in (g for g in joined if len(g) < settings.min_photos):
        values = {v for p in short for v in p.values} - common
        home = next((placed[v] for v in sorted(values) if v in placed), None)
        if home is not None:
            home.photos.extend(short)
        else:
            groups.append(Group(short))
            placed.update({v: groups[-1] for v in values if v not in placed})
    for photo in (p for p in photos if p.taken_at is None or p.camera is None):
        home = next((placed[v] for v in sorted(photo.values - common) if v in placed), None)
        if home is not None:
            home.photos.append(photo)
        else:
            groups.append(Group([photo], None if photo.writing else "not_in_sequence"))
    for group in groups:
        if group.reason is None and len(group.photos) < settings.min_photos \
                and not any(p.writing for p in group.photos):
            group.reason = "short_without_number"
    return groups


def _breaks(before: PhotoFacts, after: PhotoFacts, pauses: Pauses) -> bool:
    assert before.taken_at is not None and after.taken_at is not None
    gap = (after.taken_at - before.taken_at).total_seconds()
    return (before.camera != after.camera or gap > pauses.of(after.camera)
            or before.folder != after.folder)


def _recurring(runs: Sequence[Sequence[PhotoFacts]]) -> frozenset[str]:
    """Values read in three or more sequences: a branch, not one body's number."""
    counts: Counter[str] = Counter()
    for run in runs:
        counts.update({v for p in run for v in p.values})
    return frozenset(v for v, n in counts.items() if n >= 3)


def _split_by_numbers(photos: list[PhotoFacts], common: frozenset[str]) -> list[list[PhotoFacts]]:
    parts: list[list[PhotoFacts]] = []
    start = 0
    seen: set[str] = set()
    last_keyed: int | None = None
    for i, photo in enumerate(photos):
        own = photo.values - common
        if not own:
            continue
        if last_keyed is not None and len(own) >= 2 and len(seen) >= 2 and not own & seen:
            cut = max(range(last_keyed + 1, i + 1), key=lambda k: _pause(photos, k))
            parts.append(photos[start:cut])
            start, seen = cut, set()
        seen |= own
        last_keyed = i
    parts.append(photos[start:])
    return parts


def _join_by_numbers(parts: list[list[PhotoFacts]], common: frozenset[str]
                     ) -> list[list[PhotoFacts]]:
    joined: list[list[PhotoFacts]] = []
    for part in parts:
        if joined and joined[-1][-1].camera == part[0].camera \
                and joined[-1][-1].folder == part[0].folder and _shared(joined[-1], part, common):
            joined[-1] = joined[-1] + part
        else:
            joined.append(part)
    return joined


def _shared(a: list[PhotoFacts], b: list[PhotoFacts], common: frozenset[str]) -> bool:
    mine = {v for p in a for v in p.values} - common
    theirs = {v for p in b for v in p.values} - common
    return bool(mine & theirs)


def _pause(photos: list[PhotoFacts], k: int) -> float:
    before, after = photos[k - 1].taken_at, photos[k].taken_at
    assert before is not None and after is not None
    return (after - before).total_seconds()
