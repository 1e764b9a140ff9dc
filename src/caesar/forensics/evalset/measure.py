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
from caesar.forensics.examine import MAP_MAX_SIDE, Subject, examine_all, examine_one
from caesar.forensics.facts import OriginalFacts, gather
from caesar.forensics.findings import Examination
from caesar.forensics.metadata import file_number
from caesar.forensics.profile import CameraProfile, Shot, build_profiles, out_of_order
from caesar.forensics.recompression import CELL, lattice_map, luminance


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
    # The cells the aligned map alone (method examine-2) names as a pasted region, when the
    # baseline is asked for: None when it names none.
    baseline_cells: list[tuple[int, int]] | None = None

    @property
    def inconsistent(self) -> bool:
        """Was the photo called inconsistent?"""
        return self.examination.strongest == "inconsistent"

    @property
    def claims_region(self) -> bool:
        """Does the examination say a region was pasted somewhere in the photo?"""
        return bool(self.cells())

    def cells(self, baseline: bool = False) -> list[tuple[int, int]]:
        """The cells named as a pasted region (by the aligned map alone when `baseline`)."""
        if baseline:
            return self.baseline_cells or []
        return next(([(int(c[0]), int(c[1])) for c in f.details.get("cells", [])]
                     for f in self.examination.findings if f.signal == "recompression.region"),
                    [])


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

    def placed(self, split: str, baseline: bool = False) -> tuple[int, int]:
        """Pasted regions found in their place, of how many (by the aligned map alone, the
        method before examine-3, when `baseline`)."""
        rows = [o for o in self.outcomes if o.placed is not None and o.photo.split == split]
        return sum(_near(o.cells(baseline), o.photo.region) for o in rows), len(rows)

    def regions_claimed_wrongly(self, split: str, baseline: bool = False
                                ) -> tuple[int, int]:
        """Photos with no pasted region (camera originals and every other kind of copy) whose
        examination names a region anyway, of how many: a finding that places a pasted region
        where none is states something false about the photo, so it is counted, not only the
        regions found."""
        rows = [o for o in self.outcomes
                if o.photo.kind != "pasted_region" and o.photo.split == split]
        return sum(bool(o.cells(baseline)) for o in rows), len(rows)

    def painted_in_place(self, split: str, baseline: bool = False) -> int:
        """Of the regions claimed wrongly, those named on a copy whose region was painted
        over (thumbnail_left), in the painted place: the finding's "pasted or painted" is
        true of them, though no region was pasted."""
        return sum(o.photo.kind == "thumbnail_left" and _near(o.cells(baseline), o.photo.region)
                   for o in self.outcomes if o.photo.split == split)


def score(photos: Iterable[EvalPhoto], baseline: bool = False) -> Scores:
    """Examine the evaluation set by the protocol above; with `baseline`, also note where the
    aligned map alone (the method before examine-3) names a pasted region, so that both are
    measured in the same run."""
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
        earlier = _aligned_region(photo.data, own.facts, profile) if baseline else None
        outcome = Outcome(photo, exam, None, earlier)
        if photo.kind == "pasted_region":
            outcome.placed = _near(outcome.cells(), photo.region)
        scores.outcomes.append(outcome)
    return scores


def _near(cells: list[tuple[int, int]], region: tuple[int, int, int, int] | None) -> bool:
    """Are there cells, and does each lie on the region (within one cell of it)?"""
    if region is None or not cells:
        return False
    x, y, w, h = region
    return all(c * CELL < x + w + CELL and (c + 1) * CELL > x - CELL
               and r * CELL < y + h + CELL and (r + 1) * CELL > y - CELL for r, c in cells)


def _aligned_region(data: bytes, facts: OriginalFacts, profile: CameraProfile | None
                    ) -> list[tuple[int, int]] | None:
    """The cells examine-2 named: where the camera's lattice is missing while the rest of
    the photo keeps it, for a photo whose tables are not its camera's."""
    if profile is None or not profile.learned:
        return None
    main = profile.main_tables()
    if main is None or facts.tables is None or profile.usual(profile.tables, facts.tables) \
            or len(facts.luma) != 64:
        return None
    mapped = lattice_map(luminance(data, MAP_MAX_SIDE), tuple(profile.luma[main]),
                         tuple(facts.luma))
    if mapped is None or not mapped.has_lattice or not mapped.departing:
        return None
    return mapped.departing
