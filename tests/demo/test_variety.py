"""The seen and held-out varieties: disjoint lists, varied handwriting, held-out collections."""

from __future__ import annotations

import hashlib
import itertools
import random
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import Caesar
from PIL import Image

from caesar.demo.generate import (
    CollectionSpec,
    cases_and_reports,
    generate_collection,
    plan_from_spec,
)
from caesar.demo.glyphs import UPRIGHT, VARIANT
from caesar.demo.hands import Writer, write
from caesar.demo.truth import Truth, load_truth
from caesar.demo.variety import HELD_OUT, SEEN, Variety
from caesar.demo.vocab import ARABIC_INDIC_DIGITS, WESTERN_DIGITS


def _fonts(variety: Variety) -> set[str]:
    return {name for table in (variety.typeset_fonts, variety.handwriting_fonts)
            for fonts in table.values() for name in fonts} | {
        name for fonts in variety.label_fonts.values() for name in fonts}


def _word(label: str) -> str:
    # "No." and "no", "ط.ش" and "ط ش" are one label to a reader.
    return re.sub(r"[\W_]+", "", label).casefold()


def _ranges_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def test_no_list_of_the_held_out_variety_is_in_the_seen_one() -> None:
    assert {m.name for m in SEEN.materials}.isdisjoint(m.name for m in HELD_OUT.materials)
    assert not any(_ranges_overlap(s.aspects, h.aspects)
                   for s in SEEN.materials for h in HELD_OUT.materials)
    assert {lay.name for lay in SEEN.layouts}.isdisjoint(lay.name for lay in HELD_OUT.layouts)
    assert {lay.lines for lay in SEEN.layouts}.isdisjoint(lay.lines for lay in HELD_OUT.layouts)
    marks = {ch for sep in SEEN.separators for ch in sep if not ch.isspace()}
    assert marks.isdisjoint(ch for sep in HELD_OUT.separators for ch in sep)
    seen_words = {_word(w) for words in SEEN.labels.values() for w in words}
    assert seen_words.isdisjoint(_word(w) for words in HELD_OUT.labels.values() for w in words)
    for script in ("arabic", "latin"):
        assert set(SEEN.placements[script]).isdisjoint(HELD_OUT.placements[script])
    assert _fonts(SEEN).isdisjoint(_fonts(HELD_OUT))
    assert {h.name for h in SEEN.hands}.isdisjoint(h.name for h in HELD_OUT.hands)
    assert {h.glyphs for h in SEEN.hands}.isdisjoint(h.glyphs for h in HELD_OUT.hands)
    assert {p.name for p in SEEN.paces}.isdisjoint(p.name for p in HELD_OUT.paces)


def test_held_out_glyphs_are_other_forms_of_every_digit() -> None:
    for digit in WESTERN_DIGITS + ARABIC_INDIC_DIGITS:
        assert UPRIGHT[digit].strokes != VARIANT[digit].strokes, digit


@pytest.mark.parametrize("variety", [SEEN, HELD_OUT], ids=["seen", "held_out"])
def test_paces_keep_bodies_apart_yet_no_fixed_pause_does(variety: Variety) -> None:
    # A day scales a pace by 0.85 to 1.2: one photographer's pauses between bodies are always
    # longer than their intervals within one, but another's may be shorter.
    for pace in variety.paces:
        assert pace.within[1] * 1.2 < pace.between[0] * 0.85, pace.name
    assert min(p.between[0] for p in variety.paces) < max(p.within[1] for p in variety.paces)


def _ink(text: str, seed: int) -> np.ndarray:
    hand = SEEN.hands[0]
    rng = random.Random(seed)
    return np.asarray(write(text, Writer(hand, 5.0, 0.07), 40, rng).mask)


def test_one_hand_never_writes_a_digit_twice_the_same() -> None:
    for digit in "4٤":
        first, second = _ink(digit, 1), _ink(digit, 2)
        assert first.shape != second.shape or np.abs(
            first.astype(int) - second.astype(int)).mean() > 2
        # Yet the same stream writes it the same, so every photo of a card agrees.
        assert np.array_equal(first, _ink(digit, 1))
    # Hands differ from each other: same text, same stream, other pixels.
    inks = [np.asarray(write("7100", Writer.of(h, random.Random(0)), 40,
                             random.Random(0)).mask) for h in SEEN.hands + HELD_OUT.hands]
    assert len({ink.tobytes() for ink in inks}) == len(inks)


@pytest.fixture(scope="module")
def held_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("held-out") / "collection"
    return out, generate_collection(out, cases=16, seed=9, megapixels=0.3, drives=1,
                                    held_out=True, reports=False)


def test_held_out_collection_uses_only_the_held_out_lists(
        held_out: tuple[Path, Truth]) -> None:
    _out, truth = held_out
    assert truth.spec["held_out"] is True and len(truth.numbers) == len(truth.cases)
    hands = {h.name for h in HELD_OUT.hands}
    allowed = _fonts(HELD_OUT) | hands
    for numbers in truth.numbers:
        writing = numbers.writing
        assert writing.variety == "held_out"
        assert writing.material in {m.name for m in HELD_OUT.materials}
        assert writing.layout in {lay.name for lay in HELD_OUT.layouts}
        assert writing.writing in allowed
    regions = [r for f in truth.files for r in f.regions]
    assert regions and {r.writing for r in regions} <= allowed
    assert {c.pace for c in truth.cameras} <= {p.name for p in HELD_OUT.paces}
    # Some of each kind of writing, at this size already.
    assert {n.writing.writing_kind for n in truth.numbers} == {"typeset", "handwriting_font",
                                                               "hand"}


def test_held_out_truth_says_what_is_written_where(held_out: tuple[Path, Truth]) -> None:
    out, truth = held_out
    assert load_truth(out) == truth
    for case in truth.cases:
        numbers = truth.numbers_of(case.id)
        values = {"detainee": case.detainee, "branch": case.branch, "forensic": case.forensic}
        written = [n for line in numbers.writing.lines + numbers.writing.skin
                   for n in line.numbers]
        assert all(n.value == values[n.kind] for n in written)
        where = numbers.writing.where.model_dump()
        assert {n.kind for n in written} == {k for k, w in where.items() if w != "absent"}
        legible = set()
        for sha in case.photos:
            for region in truth.by_sha256(sha).regions:
                for line in region.lines:
                    if line.legible:
                        x0, y0, x1, y1 = line.box
                        assert 0 <= x0 < x1 <= truth.size[0] and 0 <= y0 < y1 <= truth.size[1]
                        legible |= {n.kind for n in line.numbers}
        assert set(numbers.legible_numbers) == legible
        assert numbers.legible == bool(legible)


def test_legible_lines_show_ink_on_their_carrier(held_out: tuple[Path, Truth]) -> None:
    out, truth = held_out
    checked = 0
    for f in truth.originals():
        for region in f.regions:
            for line in region.lines:
                if not line.legible or region.blur > 1.5:
                    continue
                with Image.open(out / f.location) as image:
                    crop = np.asarray(image.convert("L").crop(line.box), np.float64)
                # Writing makes strong contrast inside its box; the carrier alone would not.
                assert np.percentile(crop, 95) - np.percentile(crop, 5) > 40, f.location
                checked += 1
    assert checked > 10


def test_held_out_generation_is_the_same_from_the_same_seed(tmp_path: Path) -> None:
    def files(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    a = generate_collection(tmp_path / "a", cases=4, seed=5, megapixels=0.1, held_out=True,
                            workers=1)
    b = generate_collection(tmp_path / "b", cases=4, seed=5, megapixels=0.1, held_out=True,
                            workers=2)
    assert a == b and files(tmp_path / "a") == files(tmp_path / "b")
    c = generate_collection(tmp_path / "c", cases=4, seed=5, megapixels=0.1, workers=1)
    # The same people and numbers, written and paced otherwise.
    assert [x.detainee for x in a.cases] == [x.detainee for x in c.cases]
    assert [n.writing for n in a.numbers] != [n.writing for n in c.numbers]


def test_bodies_whose_numbers_nobody_can_read_are_planned() -> None:
    truth, _ = cases_and_reports(cases=400, seed=1, held_out=True)
    assert truth.numbers == ()  # no photos, so nothing is known to be legible
    plan = plan_from_spec(CollectionSpec(cases=400, seed=1, held_out=True))
    reasons = Counter(s.case.writing.illegible for s in plan.subjects
                      if s.case is not None and s.case.writing is not None)
    assert set(reasons) - {None} == {"no_card", "out_of_frame", "blurred", "skin_far"}
    assert 0.03 < sum(n for r, n in reasons.items() if r) / 400 < 0.12


def test_photographers_paces_overlap_across_photographers() -> None:
    plan = plan_from_spec(CollectionSpec(cases=300, seed=2, held_out=True, photographers=6))
    within, between = [], []
    for subject, following in itertools.pairwise(plan.subjects):
        times = [p.taken_at for p in subject.photos]
        within += [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
        if following.day == subject.day and following.camera.id == subject.camera.id:
            between.append((following.photos[0].taken_at - times[-1]).total_seconds())
    # Two groups, yet no single pause tells them apart.
    assert max(within) > min(between)
    assert np.median(within) * 5 < np.median(between)


def test_demo_generate_held_out_on_the_command_line(tmp_path: Path) -> None:
    caesar = Caesar(None)
    small = ("--cases", "3", "--megapixels", "0.1", "--drives", "1")
    run = caesar("demo", "generate", str(tmp_path / "unseen"), *small, "--held-out")
    assert run.exit_code == 0, run.stderr
    truth = load_truth(tmp_path / "unseen")
    assert truth.spec["held_out"] is True
    assert {n.writing.variety for n in truth.numbers} == {"held_out"}
    run = caesar("demo", "generate", str(tmp_path / "seen"), *small, "--seed", "3")
    assert run.exit_code == 0, run.stderr
    assert "held_out" not in {n.writing.variety for n in load_truth(tmp_path / "seen").numbers}
    # A folder already holding a collection is refused, and left as it was.
    before = (tmp_path / "unseen" / "truth.json").read_bytes()
    again = caesar("demo", "generate", str(tmp_path / "unseen"), *small, "--held-out")
    assert again.exit_code == 2 and "empty folder" in again.stderr
    assert (tmp_path / "unseen" / "truth.json").read_bytes() == before
