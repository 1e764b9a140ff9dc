"""Grouping photos into cases on facts alone: the rules, one by one."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from caesar.cases.grouping import (
    GroupingSettings,
    PhotoFacts,
    find_copies,
    group_photos,
    learn_pauses,
)

SETTINGS = GroupingSettings()
T0 = datetime(2013, 8, 2, 10, 0, 0)


def _pdq(seed: int, flip: int = 0) -> str:
    rng = random.Random(seed)
    bits = rng.getrandbits(256) ^ sum(1 << i for i in random.Random(-seed).sample(range(256),
                                                                                   flip))
    return f"{bits:064x}"


def _photo(name: str, seconds: float | None, *, camera: str | None = "SN1",
           folder: str = "2013-08-02", values: tuple[str, ...] = (), pdq: str | None = None,
           writing: bool | None = None) -> PhotoFacts:
    return PhotoFacts(sha256=name, camera=camera,
                      taken_at=None if seconds is None else T0 + timedelta(seconds=seconds),
                      folder=folder, pdq=pdq or _pdq(hash(name) % 10**6), pdq_quality=90,
                      card_found=bool(values), values=frozenset(values),
                      writing=bool(values) if writing is None else writing)


def _names(groups: list) -> list[list[str]]:  # type: ignore[type-arg]
    return sorted([p.sha256 for p in g.photos] for g in groups)


def _bodies(rng: random.Random, count: int, within: tuple[float, float],
            between: tuple[float, float], per_body: int = 4) -> tuple[list[PhotoFacts],
                                                                      list[list[str]]]:
    """A photographer's day: `count` bodies, photos `within` seconds apart, bodies `between`."""
    photos, truth, t = [], [], 0.0
    for body in range(count):
        names = []
        for k in range(per_body):
            names.append(f"b{body}p{k}")
            photos.append(_photo(names[-1], t))
            t += rng.uniform(*within)
        truth.append(names)
        t += rng.uniform(*between)
    return photos, truth


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


def test_every_body_is_a_case_whether_or_not_a_number_was_read() -> None:
    photos = [_photo("a1", 0), _photo("a2", 12), _photo("a3", 30),        # no number at all
              _photo("b1", 200, values=("7100", "2562")), _photo("b2", 210)]
    groups = group_photos(photos, SETTINGS)
    assert _names([g for g in groups if g.is_case]) == [["a1", "a2", "a3"], ["b1", "b2"]]


def test_a_photo_leaves_the_cases_only_for_a_stated_reason() -> None:
    photos = [_photo("a1", 0), _photo("a2", 10), _photo("a3", 20),
              _photo("lone", 400),                                # one photo, nothing read
              _photo("stray", None, camera=None),                 # no EXIF, nothing read
              _photo("c1", 900, camera="SN2"), _photo("c2", 905, camera="SN2"),
              _photo("c3", 912, camera="SN2")]
    groups = {tuple(p.sha256 for p in g.photos): g.reason for g in group_photos(photos,
                                                                                  SETTINGS)}
    assert groups == {("a1", "a2", "a3"): None, ("lone",): "short_without_number",
                      ("stray",): "not_in_sequence", ("c1", "c2", "c3"): None}


def test_cameras_and_folders_start_new_groups() -> None:
    photos = [_photo("a1", 0), _photo("a2", 5), _photo("a3", 10),
              _photo("c1", 12, camera="SN2"), _photo("c2", 14, camera="SN2"),
              _photo("c3", 15, camera="SN2"),
              _photo("d1", 16, folder="2013-08-02/7100-215"),
              _photo("d2", 17, folder="2013-08-02/7100-215"),
              _photo("d3", 18, folder="2013-08-02/7100-215")]
    assert _names(group_photos(photos, SETTINGS)) == [
        ["a1", "a2", "a3"], ["c1", "c2", "c3"], ["d1", "d2", "d3"]]


def test_the_pause_between_bodies_is_learned_from_the_camera_not_fixed() -> None:
    rng = random.Random(4)
    # A slow photographer: 35-60 s between photos of one body, 3-10 minutes between bodies.
    slow, slow_truth = _bodies(rng, 12, (35, 60), (180, 600))
    pauses = learn_pauses(slow, SETTINGS)
    assert 60 < pauses.of("SN1") < 180
    assert _names(group_photos(slow, SETTINGS)) == sorted(slow_truth)
    # A fast one: 3-8 s within a body, 25-35 s between bodies (a fixed 40 s would join them).
    fast, fast_truth = _bodies(rng, 12, (3, 8), (25, 35))
    assert _names(group_photos(fast, SETTINGS)) == sorted(fast_truth)


def test_a_camera_without_two_kinds_of_interval_keeps_the_configured_pause() -> None:
    even = [_photo(f"p{k}", k * 30.0) for k in range(20)]
    assert learn_pauses(even, SETTINGS).of("SN1") == SETTINGS.sequence_gap_seconds
    limits = GroupingSettings(max_gap_seconds=900)
    rng = random.Random(1)
    slow, _ = _bodies(rng, 12, (600, 800), (2500, 3500))
    assert learn_pauses(slow, limits).of("SN1") == 900  # bounded by the settings


def test_different_numbers_split_a_sequence_at_the_longest_pause() -> None:
    photos = [_photo("a1", 0, values=("7100", "2562")), _photo("a2", 10), _photo("a3", 20),
              _photo("b1", 55), _photo("b2", 60, values=("7345", "2563")), _photo("b3", 70)]
    groups = group_photos(photos, GroupingSettings(sequence_gap_seconds=60))
    assert _names(groups) == [["a1", "a2", "a3"], ["b1", "b2", "b3"]]


def test_one_misread_digit_or_a_shared_branch_does_not_split_a_case() -> None:
    photos = [_photo("a1", 0, values=("7100", "215", "2562")),
              _photo("a2", 10, values=("7108", "215", "2562")),
              _photo("a3", 12)]
    assert _names(group_photos(photos, SETTINGS)) == [["a1", "a2", "a3"]]


def test_a_long_pause_within_one_body_is_bridged_by_its_numbers() -> None:
    photos = [_photo("a1", 0, values=("7100", "2562")), _photo("a2", 10), _photo("a3", 20),
              _photo("a4", 200, values=("7100", "2562")), _photo("a5", 210)]
    assert _names(group_photos(photos, SETTINGS)) == [["a1", "a2", "a3", "a4", "a5"]]


def test_a_photo_without_exif_joins_the_case_whose_number_it_shows() -> None:
    photos = [_photo("a1", 0, values=("7100", "2562")), _photo("a2", 10), _photo("a3", 20),
              _photo("card", None, camera=None, values=("7100",))]
    assert _names([g for g in group_photos(photos, SETTINGS) if g.is_case]) == [
        ["a1", "a2", "a3", "card"]]


def test_a_photo_of_another_folder_taken_meanwhile_never_cuts_a_body() -> None:
    # A copy that kept its EXIF, filed elsewhere, taken in the middle of a body's photos.
    photos = [_photo("a1", 0, values=("7100", "2562")), _photo("a2", 10), _photo("a3", 20),
              _photo("copy", 25, folder="circulated"), _photo("a4", 30),
              _photo("a5", 40, values=("7100", "2562"))]
    cases = _names([g for g in group_photos(photos, SETTINGS) if g.is_case])
    assert ["a1", "a2", "a3", "a4", "a5"] in cases


def test_a_short_group_showing_a_body_s_number_joins_that_body() -> None:
    photos = [_photo("a1", 0, values=("7100", "2562")), _photo("a2", 10), _photo("a3", 20),
              _photo("later", 2000, values=("7100",)),
              _photo("copy", 3000, folder="circulated", values=("2562",))]
    cases = [sorted(p.sha256 for p in g.photos)
             for g in group_photos(photos, SETTINGS) if g.is_case]
    assert cases == [["a1", "a2", "a3", "copy", "later"]]
