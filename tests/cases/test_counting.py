"""Forensic numbers counted up from case to case: the evidence, and what happens without it
(docs/cases.md names these tests)."""

from __future__ import annotations

import random

from caesar.cases.counting import counted_values
from caesar.cases.numbers import Observed, Priors, propose

Case = list[list[Observed]]


def _case(*values: str) -> Case:
    """One photo of a strip of skin with the case's numbers on it, read clearly, no label: the
    place and the photo say nothing of which number is which."""
    return [[Observed(v, "skin", 0, i, 0.95) for i, v in enumerate(values)]]


def _collection(rng: random.Random, *, counted: bool, cases: int = 40) -> list[Case]:
    forensic = 2100
    out = []
    for _ in range(cases):
        forensic += rng.randint(1, 4) if counted else rng.randint(-3000, 3000)
        forensic = forensic if 1000 <= forensic <= 9999 else rng.randint(1000, 9999)
        out.append(_case(str(rng.randint(1000, 9999)), "215", str(forensic)))
    return out


def test_a_number_counted_up_from_case_to_case_is_the_forensic_number() -> None:
    rng = random.Random(3)
    collection = _collection(rng, counted=True)
    counted = counted_values(collection, {"215"})
    forensic = {photos[0][2].digits for photos in collection}
    detainee = {photos[0][0].digits for photos in collection}
    assert forensic <= counted
    assert len(counted & detainee) <= 1  # one may fall in a window by chance
    case = collection[20]
    unsure = propose(case, Priors())
    assert unsure["forensic"].digits is None  # two four-digit numbers: a person decides
    sure = propose(case, Priors(counted=counted))
    assert sure["forensic"].digits == case[0][2].digits
    assert sure["detainee"].digits == case[0][0].digits
    assert "counted up" in sure["forensic"].why


def test_numbers_not_counted_up_give_no_such_evidence() -> None:
    # The assumption broken: a collection whose forensic numbers do not climb, or whose
    # photos are out of their order, shows no more climbs between neighbours than chance.
    rng = random.Random(4)
    assert counted_values(_collection(rng, counted=False), {"215"}) == frozenset()
    shuffled = _collection(rng, counted=True)
    rng.shuffle(shuffled)
    assert counted_values(shuffled, {"215"}) == frozenset()


def test_a_small_collection_is_too_small_to_tell() -> None:
    assert counted_values(_collection(random.Random(5), counted=True, cases=10),
                          {"215"}) == frozenset()
