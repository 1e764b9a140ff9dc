"""The marks of the synthetic bodies, and how families remember them.

Kinds and places come from the collection's main random stream (as they always have); the
details (what a tattoo shows, which operation, which tooth, which finger) come from a stream
of their own, so that adding them left every other draw, and so every other fact of a
collection of a given seed, as it was. The frequencies below are this generator's guesses at
a population of Syrian detainees, nothing more: matching never reads them (it weighs a
detail by how often the archive's own cases bear it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from caesar.demo.truth import MarkTruth
from caesar.demo.vocab import USUAL_PLACES, details_for, locations_for, mirror_location

# Relative frequency of each kind of mark on a body.
_MARK_WEIGHTS: dict[str, int] = {
    "scar": 25, "tattoo": 15, "mole": 15, "birthmark": 10, "missing_tooth": 10,
    "burn_scar": 8, "surgical_scar": 8, "missing_finger": 5, "gold_tooth": 4,
}
# What tattoos show: names and hearts most, then roses, eagles, verses, ...
_TATTOOS: dict[str, int] = {
    "name": 14, "heart": 10, "rose": 8, "eagle": 8, "verse": 8, "initials": 7, "sword": 6,
    "date": 5, "lion": 5, "star": 5, "dove": 4, "snake": 4, "scorpion": 4, "dagger": 4,
    "crescent": 3, "map": 3, "dots": 3, "anchor": 2, "cross": 2, "portrait": 2, "skull": 2,
}
# Operations, drawn among those whose scar lies where the mark is (USUAL_PLACES).
_SURGERIES: dict[str, int] = {
    "appendectomy": 20, "hernia_repair": 12, "bone_fixation": 12, "caesarean": 10,
    "gallbladder": 6, "laparotomy": 6, "tendon_repair": 6, "skin_graft": 4, "kidney": 4,
    "sternotomy": 4, "thyroidectomy": 3, "spine": 3, "thoracotomy": 3, "craniotomy": 2,
    "cleft_lip": 2,
}
_WOMEN_ONLY = frozenset({"caesarean"})
# Gold teeth are mostly the ones that show; missing ones mostly at the back.
_TEETH: dict[str, dict[str, int]] = {
    "gold_tooth": {"front": 40, "canine": 30, "premolar": 20, "molar": 10},
    "missing_tooth": {"front": 20, "canine": 10, "premolar": 30, "molar": 40},
}
_FINGERS: dict[str, int] = {"thumb": 15, "index": 30, "middle": 20, "ring": 15, "little": 20}
_FINGERTIP = 0.45  # a missing finger is only its tip

# Families' reports: how often a mark with a detail is described with it (less often when the
# family does not remember where the mark is), how often the detail is another one.
_DETAIL_SAID = {True: 0.75, False: 0.5}
_DETAIL_WRONG = 0.05
_SIDE_SWAPPED = 0.1


def random_marks(rng: random.Random, details: random.Random, *,
                 sex: str) -> tuple[MarkTruth, ...]:
    """The marks of one body: none for ~20%, else one to three from the vocabulary, each of
    a kind that has details with its detail (drawn from `details`)."""
    count = rng.choices([0, 1, 2, 3], weights=[20, 40, 28, 12])[0]
    marks: dict[tuple[str, str], MarkTruth] = {}
    while len(marks) < count:
        kind = rng.choices(list(_MARK_WEIGHTS), weights=list(_MARK_WEIGHTS.values()))[0]
        location = rng.choice(locations_for(kind))
        marks[(kind, location)] = MarkTruth(kind=kind, location=location,
                                            detail=_detail(details, kind, location, sex))
    return tuple(marks.values())


def _detail(rng: random.Random, kind: str, location: str, sex: str) -> str | None:
    if kind == "tattoo":
        return _weighted(rng, _TATTOOS)
    if kind == "surgical_scar":
        fits = {d: w for d, w in _SURGERIES.items() if location in USUAL_PLACES[d]
                and (sex == "F" or d not in _WOMEN_ONLY)}
        return _weighted(rng, fits)
    if kind in _TEETH:
        return f"{rng.choice(('left', 'right'))}_{_weighted(rng, _TEETH[kind])}"
    if kind == "missing_finger":
        finger = _weighted(rng, _FINGERS)
        return f"{finger}_tip" if rng.random() < _FINGERTIP else finger
    return None


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True)
class ToldDetail:
    """The detail a family gives of one mark, and how it departs from the body's."""

    detail: str | None
    wrong: bool = False
    swapped: bool = False


def told_detail(mark: MarkTruth, *, placed: bool, rng: random.Random) -> ToldDetail:
    """What a family says a mark shows: most of the time its detail, more often when they
    remember where it is; now and then another detail, or a tooth's side the wrong way."""
    if mark.detail is None or rng.random() >= _DETAIL_SAID[placed]:
        return ToldDetail(None)
    if rng.random() < _DETAIL_WRONG:
        others = [d for d in details_for(mark.kind) if d != mark.detail]
        return ToldDetail(rng.choice(others), wrong=True)
    if mirror_location(mark.detail) != mark.detail and rng.random() < _SIDE_SWAPPED:
        return ToldDetail(mirror_location(mark.detail), swapped=True)
    return ToldDetail(mark.detail)
