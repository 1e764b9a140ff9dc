"""What a tattoo says (a name, a date, initials, words): the codes through `cases edit` and
`missing add`, refusals, and what the text does to a ranking: another script still agrees, a
misspelling agrees less, other words weigh against but never exclude."""

from __future__ import annotations

from pathlib import Path

import pytest
from cases_helper import Body, add_cases, factor_named, one_case, ranked_for_mark, report_with_marks
from conftest import Caesar

from caesar.cases.marks import parse_mark, read_mark
from caesar.core import Archive

# Typed as people would (spaces, capitals, quotation marks, Arabic-Indic digits, a ';' in
# the words written %3B), and as stored: the text kept as written, the rest canonical.
TYPED = ["Tattoo:Left Forearm:Name: Rania ", "tattoo:chest::«رانيا»", "tattoo:::١٢/٣/٢٠٠٥",
         "tattoo:back:verse:love%3B forever", "tattoo:right_hand:initials:R.A."]
CANONICAL = ["tattoo:left_forearm:name:Rania", "tattoo:chest::رانيا", "tattoo:::١٢/٣/٢٠٠٥",
             "tattoo:back:verse:love%3B forever", "tattoo:right_hand:initials:R.A."]




def test_texts_round_trip_through_cases_and_reports(archive: Archive, caesar: Caesar,
                                                    tmp_path: Path) -> None:
    case = one_case(archive, tmp_path)
    edited = caesar.json("cases", "edit", case, "--set", "marks=" + ";".join(TYPED))
    assert edited["marks"] == CANONICAL
    assert caesar.json("cases", "edit", case, "--set",
                       "marks=" + ";".join(CANONICAL))["marks"] == CANONICAL
    assert read_mark(CANONICAL[3]).inscription == "love; forever"
    assert [read_mark(c).inscription for c in CANONICAL[:2]] == ["Rania", "رانيا"]

    # A JSON list holds each mark whole: a bare ';' in the words is kept, and escaped.
    typed = [*TYPED[:3], "tattoo:back:verse:love; forever", TYPED[4]]
    report = str(caesar.json("missing", "add", "--from",
                             str(report_with_marks(tmp_path, typed)))[0]["id"])
    assert caesar.json("missing", "show", report)["marks"] == CANONICAL
    csv_path = tmp_path / "r.csv"  # a CSV cell joins them with ';'
    csv_path.write_text("ref,sex,marks\nt-1,M," + ";".join(CANONICAL) + "\n", "utf-8")
    caesar.json("missing", "add", "--from", str(csv_path))
    assert caesar.json("missing", "show", report)["marks"] == CANONICAL
    edited_report = caesar.json("missing", "edit", report, "--set",
                                "marks=tattoo:left_forearm:name:Rania")
    assert edited_report["marks"] == ["tattoo:left_forearm:name:Rania"]
    assert [parse_mark(code).code for code in CANONICAL] == CANONICAL
    # Codes without a text are as they always were.
    assert parse_mark("tattoo:left_forearm:eagle:").code == "tattoo:left_forearm:eagle"


@pytest.mark.parametrize(("mark", "says"), [
    ("scar:chest::Rania", ["too many parts", "only a tattoo takes a text"]),
    ("tattoo:chest:name:" + "x" * 81, ["longer than 80 characters"]),
    ("tattoo:chest:name:- ! -", ["has no letter or digit"]),
])
def test_a_bad_text_is_refused_naming_the_mark(archive: Archive, caesar: Caesar,
                                               tmp_path: Path, mark: str,
                                               says: list[str]) -> None:
    case = one_case(archive, tmp_path)
    refused = caesar("cases", "edit", case, "--set", f"marks=tattoo:chest;{mark}")
    assert refused.exit_code == 2
    for words in [mark[:20], *says]:
        assert words in refused.stderr
    assert caesar.json("cases", "show", case)["marks"] == []
    run = caesar("missing", "add", "--from", str(report_with_marks(tmp_path, ["scar", mark])))
    assert run.exit_code == 2 and "ref m-1" in run.stderr and says[0] in run.stderr
    assert caesar.json("missing", "list") == []


BODIES = [
    Body(marks=("tattoo:left_forearm:name:رانيا",)),  # the daughter's name, in Arabic
    Body(marks=("tattoo:left_forearm:name",)),  # a name there, its words not recorded
    Body(marks=("tattoo:left_forearm:name:هدى",)),  # another name there
    Body(marks=("tattoo:left_forearm:name:سلمى",)),
    Body(marks=("mole:back",)),
    Body(marks=("scar:chest",)),
]


@pytest.fixture
def cases(archive: Archive, tmp_path: Path) -> list[int]:
    return add_cases(archive, tmp_path / "photos",
                     [Body(marks=b.marks, photos=1, roles=("face",)) for b in BODIES])


def test_a_text_in_the_other_script_still_matches(caesar: Caesar, cases: list[int],
                                                  tmp_path: Path) -> None:
    rania, plain, huda, *_ = cases
    ranked = ranked_for_mark(caesar, tmp_path, "tattoo:left_forearm:name:Rania")
    assert max(ranked, key=lambda c: ranked[c]["score"]) == rania
    same = factor_named(ranked[rania], "mark_inscription")
    assert same["weight"] > 0.5
    assert same["why"] == ("the same words, in the other script: the family says \u201cRania"
                           "\u201d, the body reads \u201cرانيا\u201d")
    assert factor_named(ranked[rania], "mark")["why"] == (
            "the family describes a tattoo of a name reading \u201cRania\u201d on the left"
            " forearm; the body shows a tattoo of a name reading \u201cرانيا\u201d on the left"
            " forearm (the same place)")
    assert ranked[rania]["score"] > ranked[plain]["score"] > ranked[huda]["score"]
    assert "its words are not recorded on the body" in factor_named(ranked[plain], "mark")["why"]
    assert not any(f["factor"] == "mark_inscription" for f in ranked[plain]["factors"])


def test_a_misspelt_text_matches_less_strongly(caesar: Caesar, cases: list[int],
                                               tmp_path: Path) -> None:
    rania, plain, *_ = cases
    right = ranked_for_mark(caesar, tmp_path, "tattoo:left_forearm:name:Rania")
    misspelt = ranked_for_mark(caesar, tmp_path, "tattoo:left_forearm:name:Raina")
    close = factor_named(misspelt[rania], "mark_inscription")
    assert 0 < close["weight"] < factor_named(right[rania], "mark_inscription")["weight"]
    assert "close words: the family says \u201cRaina\u201d" in close["why"]
    assert "misspelt" in close["why"]
    assert max(misspelt, key=lambda c: misspelt[c]["score"]) == rania
    assert misspelt[rania]["score"] < right[rania]["score"]
    assert misspelt[rania]["score"] > misspelt[plain]["score"]


def test_other_words_lower_a_case_but_never_exclude_it(caesar: Caesar, cases: list[int],
                                                       tmp_path: Path) -> None:
    rania, plain, huda, *_ = cases
    with_text = ranked_for_mark(caesar, tmp_path, "tattoo:left_forearm:name:Huda")
    without = ranked_for_mark(caesar, tmp_path, "tattoo:left_forearm:name")
    # Without the words, the three name tattoos on the left forearm weigh alike.
    assert without[rania]["score"] == without[plain]["score"] == without[huda]["score"]
    # With them, Huda's body leads; Rania's weighs less than a tattoo whose words are not
    # recorded, and is still ranked, with no exclusion.
    assert max(with_text, key=lambda c: with_text[c]["score"]) == huda
    assert with_text[rania]["excluded"] is False and with_text[rania]["score"] is not None
    assert with_text[rania]["score"] < with_text[plain]["score"] < with_text[huda]["score"]
    against = factor_named(with_text[rania], "mark_inscription")
    assert against["weight"] < 0
    assert ("other words: the family says \u201cHuda\u201d, the body reads \u201cرانيا\u201d"
            in against["why"])
    assert "it does not exclude" in against["why"]
    assert not any(f.get("exclusion") for f in with_text[rania]["factors"])
