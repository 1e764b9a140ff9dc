"""Grouping and number interpretation on facts alone: the rules, one by one."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from caesar.cases.grouping import GroupingSettings, PhotoFacts, find_copies, group_photos
from caesar.cases.numbers import Numbers, Observed, interpret, propose

SETTINGS = GroupingSettings()
T0 = datetime(2013, 8, 2, 10, 0, 0)


def _pdq(seed: int, flip: int = 0) -> str:
    rng = random.Random(seed)
    bits = rng.getrandbits(256) ^ sum(1 << i for i in random.Random(-seed).sample(range(256),
                                                                                   flip))
    return f"{bits:064x}"


def _photo(name: str, seconds: float | None, *, camera: str | None = "SN1",
           folder: str = "2013-08-02", numbers: Numbers | None = None, pdq: str | None = None,
           card: bool = False) -> PhotoFacts:
    return PhotoFacts(sha256=name, camera=camera,
                      taken_at=None if seconds is None else T0 + timedelta(seconds=seconds),
                      folder=folder, pdq=pdq or _pdq(hash(name) % 10**6), pdq_quality=90,
                      card_found=card or bool(numbers), numbers=numbers or Numbers())


def _names(photos: list[PhotoFacts]) -> list[str]:
    return [p.sha256 for p in photos]


def test_a_reencoded_copy_is_linked_to_its_original_never_two_exposures() -> None:
    original = _photo("original", 0, pdq=_pdq(1))
    copy = _photo("copy", None, camera=None, pdq=_pdq(1, flip=20))
    far = _photo("far", None, camera=None, pdq=_pdq(1, flip=40))
    other = _photo("other", 5, pdq=_pdq(2))
    [link] = find_copies([original, copy, far, other], SETTINGS)
    assert (link.sha256, link.original, link.distance) == ("copy", "original", 20)
    # two exposures by a camera are never copies of each other, however alike
    assert find_copies([original, _photo("second", 5, pdq=_pdq(1, flip=8))], SETTINGS) == []
    low = PhotoFacts(**{**copy.__dict__, "sha256": "low", "pdq_quality": 30})
    assert find_copies([original, low], SETTINGS) == []


def test_pauses_cameras_and_folders_start_new_groups() -> None:
    photos = [_photo("a1", 0, card=True), _photo("a2", 12), _photo("a3", 50),  # 38 s: same
              _photo("b1", 95),                                              # 45 s pause
              _photo("c1", 100, camera="SN2"),                               # other camera
              _photo("d1", 110, folder="2013-08-02/7100-215"),
              _photo("e1", None, camera=None)]                               # no EXIF
    groups = group_photos(photos, SETTINGS)
    assert sorted(_names(g.photos) for g in groups) == [
        ["a1", "a2", "a3"], ["b1"], ["c1"], ["d1"], ["e1"]]
    assert [g.is_case for g in groups if g.photos[0].sha256 == "a1"] == [True]
    assert not any(g.is_case for g in groups if g.photos[0].sha256 == "b1")


def test_different_cards_split_a_sequence_at_the_longest_pause() -> None:
    first, second = Numbers("7100", "215", "2562"), Numbers("7345", "215", "2563")
    photos = [_photo("a1", 0, numbers=first), _photo("a2", 10), _photo("a3", 20),
              _photo("b1", 55), _photo("b2", 60, numbers=second), _photo("b3", 70)]
    groups = group_photos(photos, GroupingSettings(sequence_gap_seconds=60))
    assert [_names(g.photos) for g in groups] == [["a1", "a2", "a3"], ["b1", "b2", "b3"]]


def test_one_misread_digit_does_not_split_a_case() -> None:
    photos = [_photo("a1", 0, numbers=Numbers("7100", "215", "2562")),
              _photo("a2", 10, numbers=Numbers("7108", "215", "2562"))]
    assert [_names(g.photos) for g in group_photos(photos, SETTINGS)] == [["a1", "a2"]]


def _read(*lines: str, skin: str | None = None) -> list[Observed]:
    found = [Observed(text, "card", i, 0.9) for i, text in enumerate(lines)]
    return found + ([Observed(skin, "skin", 9, 0.9)] if skin else [])


def test_numbers_by_their_place_on_the_card() -> None:
    assert interpret(_read("7100", "215", "2562")) == Numbers("7100", "215", "2562")
    # one number on the skin: the branch on the card tells which one
    assert interpret(_read("215", "2562", skin="7100")) == Numbers("7100", "215", "2562")
    assert interpret(_read("7100", "215", skin="2562")) == Numbers("7100", "215", "2562")
    assert interpret(_read("215")) == Numbers(branch="215")
    assert not interpret([])


def test_proposals_weigh_photos_and_flag_contradictions() -> None:
    proposals = propose([(Numbers("7100", "215", "2562"), 0.95),
                         (Numbers("7100", "215", "2582"), 0.9),
                         (Numbers("7100", "215", "2562"), 0.9)])
    assert proposals["detainee"].digits == "7100" and not proposals["detainee"].needs_review
    assert proposals["forensic"].digits == "2562" and proposals["forensic"].needs_review
    weak = propose([(Numbers(branch="216"), 0.5)])
    assert weak["branch"].needs_review and "detainee" not in weak
