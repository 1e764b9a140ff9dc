"""A camera's fingerprint, learned from the collection itself, and its numbering in time.

A camera writes every photo the same way: the same quantization tables at one setting, the
same image sizes, the same EXIF layout, a MakerNote and a thumbnail or not, the same
application segments. What most of its photos share is its fingerprint; a photo that departs
from it was written by something else. Its frame counter and its clock run together, so
numbers sorted by time show gaps (photos not handed over), reorderings (a date changed) and
the clock's drift against the transfers that brought the photos.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from caesar.forensics.facts import OriginalFacts

MIN_PHOTOS = 3  # below this a camera has no fingerprint to speak of
USUAL = 0.15  # a trait shared by at least this share of a camera's photos is its own


@dataclass(frozen=True)
class Shot:
    """One photo of a camera in its sequence."""

    sha256: str
    number: int | None  # the frame counter from the file name
    taken: datetime | None
    path: str
    transfer: int | None
    received: datetime | None  # when its first transfer arrived


@dataclass
class CameraProfile:
    """What a camera's photos share, and their sequence."""

    key: str
    photos: int = 0
    tables: Counter[str] = field(default_factory=Counter)
    tables_words: dict[str, str] = field(default_factory=dict)
    luma: dict[str, list[int]] = field(default_factory=dict)
    sizes: Counter[str] = field(default_factory=Counter)
    layouts: Counter[str] = field(default_factory=Counter)
    apps: Counter[str] = field(default_factory=Counter)
    models: Counter[str] = field(default_factory=Counter)
    software: Counter[str] = field(default_factory=Counter)
    huffman: Counter[str] = field(default_factory=Counter)
    makernote: int = 0
    thumbnail: int = 0
    serials: int = 0  # photos that name their body's serial
    shots: list[Shot] = field(default_factory=list)

    @property
    def learned(self) -> bool:
        """Enough photos to say what is usual for this camera."""
        return self.photos >= MIN_PHOTOS

    def usual(self, counter: Counter[str], value: str) -> bool:
        """Is `value` one of this camera's own (shared by enough of its photos)?"""
        others = counter[value] - 1  # the photo itself counts once in the profile
        return others >= max(1.0, USUAL * (self.photos - 1))

    def share(self, count: int) -> float:
        """The share of this camera's photos that `count` is."""
        return count / self.photos if self.photos else 0.0

    def main_tables(self) -> str | None:
        """The tables most of its photos carry."""
        return self.tables.most_common(1)[0][0] if self.tables else None


def size_of(facts: OriginalFacts) -> str:
    """The pixel size as a fingerprint trait, orientation-free."""
    return "x".join(str(v) for v in sorted((facts.width, facts.height), reverse=True))


def build_profiles(items: list[tuple[OriginalFacts, Shot]]) -> dict[str, CameraProfile]:
    """Every camera's profile from the facts of all its photos."""
    profiles: dict[str, CameraProfile] = {}
    for facts, shot in items:
        key = facts.camera_key
        if key is None or not facts.jpeg:
            continue
        keys = [key]
        if facts.serial:  # a photo that names only the model is weighed against all its bodies
            keys.append(f"model:{' '.join(filter(None, (facts.make, facts.model)))}")
        for each in keys:
            _add(profiles.setdefault(each, CameraProfile(each)), facts, shot)
    return profiles


def _add(p: CameraProfile, facts: OriginalFacts, shot: Shot) -> None:
    p.photos += 1
    if facts.tables:
        p.tables[facts.tables] += 1
        p.tables_words[facts.tables] = facts.tables_words or ""
        p.luma[facts.tables] = facts.luma
    p.sizes[size_of(facts)] += 1
    p.layouts[facts.layout] += 1
    p.apps[",".join(facts.apps)] += 1
    p.models[" ".join(filter(None, (facts.make, facts.model)))] += 1
    p.software[facts.software or ""] += 1
    p.huffman[str(facts.standard_huffman)] += 1
    p.makernote += facts.makernote
    p.thumbnail += facts.thumbnail
    p.serials += bool(facts.serial)
    p.shots.append(shot)


@dataclass(frozen=True)
class OutOfOrder:
    """A photo whose time does not fit between its neighbours in the numbering."""

    shot: Shot
    before: Shot
    after: Shot


def _numbered(shots: list[Shot]) -> list[Shot]:
    return sorted((s for s in shots if s.number is not None and s.taken is not None),
                  key=lambda s: (s.number or 0, s.taken or datetime.min))


def out_of_order(profile: CameraProfile, slack_seconds: float = 120.0) -> list[OutOfOrder]:
    """Photos whose capture time lies outside the times of the nearest lower and higher
    numbers, where those two agree with each other (a changed date, not a reset clock)."""
    shots = _numbered(profile.shots)
    found = []
    for i, shot in enumerate(shots):
        before = next((s for s in reversed(shots[:i]) if s.number != shot.number), None)
        after = next((s for s in shots[i + 1:] if s.number != shot.number), None)
        if before is None or after is None:
            continue
        assert before.taken and after.taken and shot.taken  # _numbered keeps only these
        if (after.taken - before.taken).total_seconds() < -slack_seconds:
            continue  # the neighbours disagree: a counter reset or another changed photo
        early = (before.taken - shot.taken).total_seconds() > slack_seconds
        late = (shot.taken - after.taken).total_seconds() > slack_seconds
        if early or late:
            found.append(OutOfOrder(shot, before, after))
    return found


@dataclass(frozen=True)
class Gap:
    """Numbers missing between two photos the archive holds."""

    after: int
    before: int
    missing: int


def gaps(profile: CameraProfile) -> list[Gap]:
    """Runs of frame numbers that no photo of this camera in the archive carries."""
    numbers = sorted({s.number for s in profile.shots if s.number is not None})
    return [Gap(a, b, b - a - 1) for a, b in itertools.pairwise(numbers)
            if b - a > 1]


def clock_drift(profile: CameraProfile) -> float | None:
    """How many hours the camera's clock ran ahead of the hand-overs at most: the largest
    amount by which a photo's capture time passes the moment its transfer was received
    (None when nothing can be compared; 0 or less is no sign of drift)."""
    ahead = [(s.taken - s.received.replace(tzinfo=None)).total_seconds() / 3600
             for s in profile.shots if s.taken is not None and s.received is not None]
    return round(max(ahead), 2) if ahead else None
