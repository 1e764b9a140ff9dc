"""Scoring the examination on the evaluation set, as the tests and `bench/examine.py` do.

Protocol: the archive holds every camera original; each doctored copy is examined as the one
copy among them (a collection holds a few doctored copies among many originals, never a
camera's worth), and each original with every original of the collection.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from caesar.forensics.evalset.generate import EvalPhoto
from caesar.forensics.examine import Subject, examine_all, examine_one
from caesar.forensics.facts import gather
from caesar.forensics.findings import Examination
from caesar.forensics.metadata import file_number
from caesar.forensics.profile import Shot, build_profiles, out_of_order
from caesar.forensics.recompression import CELL


def subject(photo: EvalPhoto) -> Subject:
    """An evaluation photo as the examination sees an original (named by its SHA-256)."""
    from datetime import datetime

    sha = hashlib.sha256(photo.data).hexdigest()
    facts = gather(photo.data)
    taken = datetime.fromisoformat(facts.original) if facts.original else None
    return Subject(sha, "image/jpeg", facts, Shot(sha, file_number(photo.name), taken,
                                                   photo.name, None, None))


@dataclass
class Outcome:
    """One photo's examination and whether it was found (and, for a region, placed)."""

    photo: EvalPhoto
    examination: Examination
    placed: bool | None = None  # a pasted region: was it found where it is?

    @property
    def inconsistent(self) -> bool:
        """Was the photo called inconsistent?"""
        return self.examination.strongest == "inconsistent"

    @property
    def claims_region(self) -> bool:
        """Does the examination say a region was pasted somewhere in the photo?"""
        return any(f.signal == "recompression.region" for f in self.examination.findings)


@dataclass
class Scores:
    """Found shares per kind and split."""

    outcomes: list[Outcome] = field(default_factory=list)

    def table(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(kind, split) -> (called inconsistent, of how many)."""
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for o in self.outcomes:
            row = counts[(o.photo.kind, o.photo.split)]
            row[0] += o.inconsistent
            row[1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(counts.items())}

    def placed(self, split: str) -> tuple[int, int]:
        """Pasted regions found in their place, of how many."""
        rows = [o for o in self.outcomes if o.placed is not None and o.photo.split == split]
        return sum(bool(o.placed) for o in rows), len(rows)

    def regions_claimed_wrongly(self, split: str) -> tuple[int, int]:
        """Photos with no pasted region (camera originals and every other kind of copy) whose
        examination names a region anyway, of how many: a finding that places a pasted region
        where none is states something false about the photo, so it is counted, not only the
        regions found."""
        rows = [o for o in self.outcomes
                if o.photo.kind != "pasted_region" and o.photo.split == split]
        return sum(o.claims_region for o in rows), len(rows)


def score(photos: Iterable[EvalPhoto]) -> Scores:
    """Examine the evaluation set by the protocol above."""
    photos = list(photos)
    subjects = {p.name: subject(p) for p in photos}
    data = {subjects[p.name].sha256: p.data for p in photos}
    originals = [p for p in photos if p.kind == "original"]
    base = [(subjects[p.name].facts, subjects[p.name].shot) for p in originals]
    scores = Scores()
    for photo, exam in zip(originals, examine_all([subjects[p.name] for p in originals],
                                                  build_profiles(base), data.__getitem__),
                           strict=True):
        scores.outcomes.append(Outcome(photo, exam))
    for photo in (p for p in photos if p.kind != "original"):
        own = subjects[photo.name]
        profiles = build_profiles([*base, (own.facts, own.shot)])
        key = own.facts.camera_key or ""
        profile = profiles.get(key)
        exam = examine_one(own, profile, out_of_order(profile) if profile else [],
                           data.__getitem__)
        placed = _placed(exam, photo.region) if photo.kind == "pasted_region" else None
        scores.outcomes.append(Outcome(photo, exam, placed))
    return scores


def _placed(exam: Examination, region: tuple[int, int, int, int] | None) -> bool:
    """Do the map's cells without the camera's compression lie on the pasted region (each
    within one cell of it)?"""
    if region is None:
        return False
    x, y, w, h = region
    for f in exam.findings:
        if f.signal != "recompression.region":
            continue
        cells = f.details.get("cells", [])
        near = [(r, c) for r, c in cells
                if c * CELL < x + w + CELL and (c + 1) * CELL > x - CELL
                and r * CELL < y + h + CELL and (r + 1) * CELL > y - CELL]
        return bool(cells) and len(near) == len(cells)
    return False
