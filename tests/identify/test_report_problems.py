"""The problems of a report's fields as phrases: their English is what it always was (the
command line's, `--json`'s), each is said in Arabic with the reader's digits, and dates
written in Arabic-Indic digits are read like numbers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import Caesar

from caesar.identify.images import Refusal, examine
from caesar.identify.reports import parse_fields
from caesar.web.i18n import Locale
from caesar.web.phrases import said

# Each value, and the problems the parser of commit 946e9cd (the last one that wrote them as
# f-strings) named for it, word for word.
OLD_ENGLISH: list[tuple[dict[str, Any], list[str]]] = [
    ({"name": 5.5}, ["name: must be text"]),
    ({"notes": "n" * 4001}, ["notes: is longer than 4000 characters"]),
    ({"sex": "X"}, ["sex: must be M or F, not 'X'"]),
    ({"birth_year": "1850"}, ["birth_year: must be a year like 1985, not '1850'"]),
    ({"birth_year": True}, ["birth_year: must be a year like 1985, not True"]),
    ({"height_cm": "300"}, ["height_cm: must be a height in centimetres, not '300'"]),
    ({"birth_date": "2012-13-01"},
     ["birth_date: must be a date like 2012-04-15, not '2012-13-01'"]),
    ({"arrest_date": "2099-01-01"}, ["arrest_date: is in the future (2099-01-01)"]),
    ({"birth_date": "1850-01-01"}, ["birth_date: is before 1900 (1850-01-01)"]),
    ({"birth_date": "1980-01-01", "birth_year": "1981"},
     ["birth_date: 1980-01-01 is not in birth_year 1981"]),
    ({"birth_year": "1980", "arrest_date": "1970-01-01"},
     ["arrest_date: 1970-01-01 is before the birth (1980)"]),
    ({"detainee_number": 3.5}, ["detainee_number: must be a number written in digits"]),
    ({"detainee_number": "12a"},
     ["detainee_number: must be a number written in digits, not '12a'"]),
    ({"marks": 5}, ["marks: must be a list of marks (kind, kind:place, kind:place:detail or"
                    " kind::detail, and a tattoo's text last: tattoo:place:detail:text)"]),
    ({"marks": [1]}, ["marks: must be a list of marks, not 1"]),
    ({"marks": "bogus"},
     ["marks: mark 'bogus': unknown kind of mark 'bogus' (known: tattoo, scar, surgical_scar,"
      " burn_scar, birthmark, mole, missing_tooth, gold_tooth, missing_finger)"]),
    ({"marks": "scar:nowhere"},
     ["marks: mark 'scar:nowhere': unknown place on the body 'nowhere' (known: head, face,"
      " neck, chest, abdomen, back, left_shoulder, right_shoulder, left_upper_arm,"
      " right_upper_arm, left_forearm, right_forearm, left_hand, right_hand, left_thigh,"
      " right_thigh, left_lower_leg, right_lower_leg, left_foot, right_foot, upper_teeth,"
      " lower_teeth)"]),
    ({"marks": "mole::x"},
     ["marks: mark 'mole::x': a mole takes no detail (write mole or mole:place)"]),
    ({"marks": "gold_tooth:upper_teeth:a:b"},
     ["marks: mark 'gold_tooth:upper_teeth:a:b': too many parts (write gold_tooth or"
      " gold_tooth:place:detail; only a tattoo takes a text, as tattoo:place:detail:text)"]),
    ({"marks": "tattoo:back:bogus"},
     ["marks: mark 'tattoo:back:bogus': unknown detail 'bogus' for a tattoo (known: name,"
      " initials, date, verse, heart, rose, eagle, dove, lion, snake, scorpion, sword, dagger,"
      " star, crescent, cross, map, anchor, dots, portrait, skull; what it says goes last:"
      " tattoo:place:detail:text)"]),
    ({"marks": "gold_tooth:upper_teeth:bogus"},
     ["marks: mark 'gold_tooth:upper_teeth:bogus': unknown detail 'bogus' for a gold tooth"
      " (known: left_front, right_front, left_canine, right_canine, left_premolar,"
      " right_premolar, left_molar, right_molar)"]),
    ({"marks": "tattoo:back:name:" + "a" * 81},
     [f"marks: mark 'tattoo:back:name:{'a' * 81}': the tattoo's text is longer than 80"
      " characters (record the words that identify it)"]),
    ({"marks": "tattoo:back:name:!!!"},
     ["marks: mark 'tattoo:back:name:!!!': the tattoo's text has no letter or digit"]),
    ({"marks": "tattoo:back:name:a\x01b"},
     ["marks: mark 'tattoo:back:name:a\\x01b': the tattoo's text holds control characters"]),
    ({"consent_contact": "maybe"}, ["consent_contact: must be true or false, not 'maybe'"]),
    ({"consent_share": "all"}, ["consent_share: must be archive or partners, not 'all'"]),
    ({"colour": "blue"},
     ["colour: not a report field (fields: ref, name, father, grandfather, family_name,"
      " mother, sex, birth_year, birth_date, height_cm, arrest_date, arrest_place,"
      " arresting_branch, detainee_number, marks, reporter_name, reporter_relationship,"
      " reporter_contact, consent_contact, consent_share, notes, consent_notify)"]),
]
ARABIC = Locale("ar", "arabic")


@pytest.mark.parametrize(("raw", "english"), OLD_ENGLISH, ids=lambda v: str(v)[:40])
def test_the_english_of_every_problem_is_what_it_always_was(raw: dict[str, Any],
                                                            english: list[str]) -> None:
    _, problems = parse_fields("the form", raw, blank_means_unknown=False)
    assert [str(p) for p in problems] == english


def test_every_problem_has_its_arabic_and_what_was_typed_kept_as_written() -> None:
    for raw, _ in OLD_ENGLISH:
        _, problems = parse_fields("the form", raw, blank_means_unknown=False)
        for problem in problems:
            words = str(said(ARABIC, problem.words))
            assert words != str(problem.words) and "must be" not in words, raw
    (future,) = parse_fields("f", {"arrest_date": "2099-01-01"}, blank_means_unknown=False)[1]
    assert str(said(ARABIC, future.words)) == "التاريخ في المستقبل (١ كانون الثاني ٢٠٩٩)"
    (year,) = parse_fields("f", {"birth_year": "<b>1850</b>"}, blank_means_unknown=False)[1]
    assert str(said(ARABIC, year.words)) == ("يجب أن تكون القيمة سنةً مثل ١٩٨٥، لا"
                                             " «<bdi>&lt;b&gt;1850&lt;/b&gt;</bdi>»")
    (mark,) = parse_fields("f", {"marks": "mole::x"}, blank_means_unknown=False)[1]
    assert str(said(ARABIC, mark.words)) == ("العلامة «<bdi>mole::x</bdi>»: لا يُذكر تفصيل مع"
                                             " شامة (اكتب <bdi>mole</bdi> أو"
                                             " <bdi>mole</bdi>:place)")
    (day,) = parse_fields("f", {"birth_date": "15/4/2012"}, blank_means_unknown=False)[1]
    assert "تاريخًا مكتوبًا هكذا: <bdi>٢٠١٢-٠٤-١٥</bdi>" in said(ARABIC, day.words)


def test_a_refused_photo_is_said_in_arabic_and_pillows_words_kept() -> None:
    empty = examine(b"")
    assert isinstance(empty, Refusal)
    assert empty.problem == "the file is empty (0 bytes)"  # the English of before
    assert str(said(ARABIC, empty.words)) == "الملف فارغ (٠ بايت)"
    letter = examine(b"a letter, not a photo")
    assert isinstance(letter, Refusal)
    assert str(said(ARABIC, letter.words)) == "ليس صورة: لم يُتعرَّف فيه على أي صيغة صور معروفة"


def test_dates_in_arabic_indic_digits_are_imported(caesar: Caesar, tmp_path: Path) -> None:
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"ref": "s-1", "name": "سامر", "birth_date": "١٩٨٥-٠٣-٠٢",
                                   "arrest_date": "٢٠١٢-٠٤-١٥"}], ensure_ascii=False), "utf-8")
    (filed,) = caesar.json("missing", "add", "--from", str(listed))
    shown = caesar.json("missing", "show", str(filed["id"]))
    assert (shown["birth_date"], shown["birth_year"], shown["arrest_date"]) == (
        "1985-03-02", 1985, "2012-04-15")
    cells = tmp_path / "list.csv"  # a partner's CSV, re-importing the same person
    cells.write_text("ref,arrest_date\ns-1,٢٠١٢-٠٥-٠١\n", "utf-8")
    caesar.json("missing", "add", "--from", str(cells))
    assert caesar.json("missing", "show", str(filed["id"]))["arrest_date"] == "2012-05-01"
    assert parse_fields("f", {"arrest_date": "۲۰۱۲-۰۴-۱۵"},  # Persian digits too
                        blank_means_unknown=False)[0].values["arrest_date"] == date(2012, 4, 15)


def test_the_bulk_import_message_names_each_row_in_the_english_of_before(
        caesar: Caesar, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"ref": "p-1", "sex": "X"},
                                {"ref": "p-2", "birth_date": "1990-01-01", "birth_year": 1991,
                                 "height_cm": "300"}]), "utf-8")
    run = caesar("missing", "add", "--from", str(path), "--json")
    assert run.exit_code == 2 and run.stdout == ""
    assert (f"{path} has 3 problem(s); nothing was imported:\n"
            "  report 1 (ref p-1): sex: must be M or F, not 'X'\n"
            "  report 2 (ref p-2): height_cm: must be a height in centimetres, not '300'\n"
            "  report 2 (ref p-2): birth_date: 1990-01-01 is not in birth_year 1991"
            ) in run.stderr
