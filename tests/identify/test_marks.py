"""Marks with their detail (a tattoo's motif, the operation, which tooth, which finger): the
codes through `cases edit` and `missing add`, refusals, and what a detail does to a ranking."""

from __future__ import annotations

from pathlib import Path

import pytest
from cases_helper import Body, add_cases, factor_named, one_case, ranked_for_mark, report_with_marks
from conftest import Caesar

from caesar.cases.marks import parse_mark
from caesar.core import Archive

# Written as people type them (spaces, capitals, the short `kind:detail`), and as stored.
TYPED = ["tattoo:left_forearm:eagle", "Scar:Chest", "gold_tooth:upper_teeth",
         "missing_finger:left hand:index_tip", "tattoo:rose", "surgical_scar::appendectomy",
         "mole"]
CANONICAL = ["tattoo:left_forearm:eagle", "scar:chest", "gold_tooth:upper_teeth",
             "missing_finger:left_hand:index_tip", "tattoo::rose",
             "surgical_scar::appendectomy", "mole"]




def test_codes_with_and_without_detail_round_trip(archive: Archive, caesar: Caesar,
                                                  tmp_path: Path) -> None:
    case = one_case(archive, tmp_path)
    edited = caesar.json("cases", "edit", case, "--set", "marks=" + ";".join(TYPED))
    assert edited["marks"] == CANONICAL
    again = caesar.json("cases", "edit", case, "--set", "marks=" + ";".join(CANONICAL))
    assert again["marks"] == CANONICAL
    assert caesar.json("cases", "show", case)["marks"] == CANONICAL

    imported = caesar.json("missing", "add", "--from", str(report_with_marks(tmp_path, TYPED)))
    report = str(imported[0]["id"])
    assert caesar.json("missing", "show", report)["marks"] == CANONICAL
    csv_path = tmp_path / "r.csv"
    csv_path.write_text("ref,sex,marks\nm-1,M," + ";".join(CANONICAL) + "\n", "utf-8")
    updated = caesar.json("missing", "add", "--from", str(csv_path))
    assert [(r["ref"], r["id"]) for r in updated] == [("m-1", imported[0]["id"])]  # same ref
    assert caesar.json("missing", "show", report)["marks"] == CANONICAL
    assert [parse_mark(code).code for code in CANONICAL] == CANONICAL


@pytest.mark.parametrize(("mark", "says"), [
    ("tattoo:left_forearm:unicorn", ["unknown detail 'unicorn' for a tattoo", "eagle", "rose",
                                     "name"]),
    ("missing_finger:left_hand:sixth", ["unknown detail 'sixth'", "index_tip", "thumb"]),
    ("scar:chest:long", ["a scar takes no detail"]),
])
def test_an_unknown_detail_is_refused_naming_the_mark_and_the_allowed_details(
        archive: Archive, caesar: Caesar, tmp_path: Path, mark: str, says: list[str]) -> None:
    case = one_case(archive, tmp_path)
    refused = caesar("cases", "edit", case, "--set", f"marks=tattoo:chest;{mark}")
    assert refused.exit_code == 2
    for words in [mark, *says]:
        assert words in refused.stderr
    assert caesar.json("cases", "show", case)["marks"] == []

    run = caesar("missing", "add", "--from", str(report_with_marks(tmp_path, ["scar", mark])))
    assert run.exit_code == 2
    for words in ["ref m-1", "marks", mark, *says]:
        assert words in run.stderr
    assert caesar.json("missing", "list") == []


BODIES = [
    Body(marks=("tattoo:left_forearm:eagle",)),  # the same motif, the same place
    Body(marks=("tattoo:left_forearm",)),  # a tattoo there, its motif not recorded
    Body(marks=("tattoo:left_forearm:rose",)),  # another motif there
    Body(marks=("tattoo:right_forearm:eagle",)),  # the same motif, the other side
    Body(marks=("mole:back",)),
    Body(marks=("scar:chest",)),
]


@pytest.fixture
def cases(archive: Archive, tmp_path: Path) -> list[int]:
    return add_cases(archive, tmp_path / "photos",
                     [Body(marks=b.marks, photos=1, roles=("face",)) for b in BODIES])


def test_a_matching_detail_outranks_a_mark_without_it(caesar: Caesar, cases: list[int],
                                                      tmp_path: Path) -> None:
    eagle, plain, _, other_side, mole, _ = cases
    ranked = ranked_for_mark(caesar, tmp_path, "tattoo:left_forearm:eagle")
    order = sorted(ranked, key=lambda c: -ranked[c]["score"])
    assert order[0] == eagle
    assert ranked[eagle]["score"] > ranked[plain]["score"] > ranked[mole]["score"]
    assert ranked[other_side]["score"] > ranked[plain]["score"]  # an eagle, sides mixed up
    same = factor_named(ranked[eagle], "mark_detail")
    assert same["weight"] > 0.5 and same["why"] == "the same design: an eagle"
    assert "the family describes a tattoo of an eagle on the left forearm" in \
        factor_named(ranked[eagle], "mark")["why"]
    assert "not recorded on the body" in factor_named(ranked[plain], "mark")["why"]
    assert not any(f["factor"] == "mark_detail" for f in ranked[plain]["factors"])
    assert ("the body shows a tattoo of an eagle on the right forearm (sides are often"
            " confused)") in factor_named(ranked[other_side], "mark")["why"]
    assert "none is recorded on the body" in factor_named(ranked[mole], "mark")["why"]


def test_a_disagreeing_detail_lowers_a_case_but_never_excludes_it(
        caesar: Caesar, cases: list[int], tmp_path: Path) -> None:
    eagle, plain, rose, *_ = cases
    with_detail = ranked_for_mark(caesar, tmp_path, "tattoo:left_forearm:eagle")
    without = ranked_for_mark(caesar, tmp_path, "tattoo:left_forearm")
    # Without a detail from the family, the three tattoos on the left forearm weigh alike.
    assert without[eagle]["score"] == without[plain]["score"] == without[rose]["score"]
    assert "the family did not say what it shows" in factor_named(without[rose], "mark")["why"]
    # With it, the rose weighs less than a tattoo whose motif is unknown, and is still ranked.
    assert with_detail[rose]["excluded"] is False and with_detail[rose]["score"] is not None
    assert with_detail[rose]["score"] < without[rose]["score"]
    assert with_detail[rose]["score"] < with_detail[plain]["score"]
    against = factor_named(with_detail[rose], "mark_detail")
    assert against["weight"] < 0
    assert "another design: the family says an eagle, the body shows a rose" in against["why"]
    assert not any(f.get("exclusion") for f in with_detail[rose]["factors"])
