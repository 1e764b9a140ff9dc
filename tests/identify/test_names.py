"""Names: Arabic normalisation, Latin variants, Arabic against Latin; pairs that must and must
not be taken for the same name. The pairs come from how the languages are written, not from the
synthetic generator's lists."""

from __future__ import annotations

import math

import pytest

from caesar.demo import names as demo_names
from caesar.identify.factors import name_weight
from caesar.identify.names import (
    SAME_NAME,
    compare_names,
    normalise_arabic,
    person_name,
    similarity,
    word,
)

SAME = [
    # Latin transliterations of one Arabic name
    ("Mohammad", "Muhammad"), ("Mohamed", "Mohammed"), ("Hussein", "Husain"),
    ("Yousef", "Yusuf"), ("Khaled", "Chaled"), ("Darwish", "Darwich"), ("Osman", "Othman"),
    ("Munther", "Monzer"), ("Abdullah", "Abd Allah"), ("Abdulrahman", "Abdel Rahman"),
    ("Noureddine", "Nour al-Din"), ("al-Halabi", "el-Halabi"), ("Alhalabi", "Halabi"),
    ("ash-Shami", "Shami"), ("Salama", "Salameh"), ("Qabbani", "Kabbani"), ("7asan", "Hasan"),
    # Arabic spellings of one name
    ("أحمد", "احمد"), ("إبراهيم", "ابراهيم"), ("فاطمة", "فاطمه"), ("مصطفى", "مصطفي"),
    ("عبد الله", "عبدالله"), ("الحلبي", "حلبي"), ("مُحَمَّد", "محمد"), ("محـــمد", "محمد"),
    # Arabic against Latin
    ("Mohammad", "محمد"), ("Hussein", "حسين"), ("Ali", "علي"), ("Omar", "عمر"),
    ("Wael", "وائل"), ("Saeed", "سعيد"), ("Mustafa", "مصطفى"), ("Fatima", "فاطمة"),
    ("Yahya", "يحيى"), ("Taha", "طه"), ("Abdulkader", "عبد القادر"), ("al-Zoubi", "الزعبي"),
    ("Nureddin", "نور الدين"), ("Ghiath", "غياث"), ("Radwan", "رضوان"), ("Layla", "ليلى"),
    ("Brahim", "إبراهيم"), ("Najat", "نجاة"), ("Ezzine", "الزين"), ("Wa'el", "وائل"),
    ("Amine", "أمين"), ("Bojan", "بويان"),  # a vowel and a glide as one long vowel
    ("Kate", "كيت"), ("James", "جيمس"),  # English a before a silent e is ey
    ("John", "جون"), ("Mohsen", "محسن"),  # h after o, silent or said
    ("Butler", "باتلر"),  # English u said a
    ("Laurent", "لوران"), ("Renaud", "رينو"),  # French endings not said
    ("Abolfazl", "ابوالفضل"), ("Aboulkacem", "أبو القاسم"),  # Abu and the article, joined
]

DIFFERENT = [
    ("Mohammad", "Mahmoud"), ("محمد", "محمود"), ("Mohammad", "محمود"), ("Hasan", "Hussein"),
    ("حسن", "حسين"), ("Hasan", "حسين"), ("Ali", "Wael"), ("علي", "وائل"), ("Nasser", "Yasser"),
    ("سامر", "ماهر"), ("Saad", "سعيد"), ("سعد", "سعيد"), ("Khaled", "Khalil"), ("Fadi", "Rami"),
    ("أحمد", "محمد"), ("Imad", "معاذ"), ("هالة", "هدى"), ("Amal", "Amina"),
    ("Muath", "عماد"), ("Muath", "Imad"),  # a first ع is written with a vowel
    ("Nabil", "Nabila"), ("Jamil", "جميلة"), ("Jaafar", "Jaafari"), ("Jafar", "جعفري"),
    ("Rahma", "رامة"),  # h after a is said
    ("الاحمد", "المحمد"),  # the article is no consonant they share
    ("Ramiz", "رامي"), ("Rashid", "راشي"),  # a final z or d is said in Arabic names
    ("Abulhassan", "أبو حسين"), ("Abolfazl", "أبو الفتح"),  # Abu joined: the rest still counts
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_spellings_of_one_name_match(a: str, b: str) -> None:
    assert similarity(word(a), word(b)) >= SAME_NAME


@pytest.mark.parametrize(("a", "b"), [*SAME, ("Yvonne", "ايفون"), ("Parviz", "برويز"),
                                      ("Cleveland", "كليفلاند"), ("Aya", "آية")])
def test_spellings_of_one_name_share_a_key_so_their_reports_are_compared(a: str, b: str
                                                                          ) -> None:
    # Duplicates are sought within blocks of reports sharing a key: a spelling taken for the
    # same name but keyed apart would never be offered.
    x, y = word(a), word(b)
    assert x is not None and y is not None
    assert similarity(x, y) >= SAME_NAME
    assert x.keys & y.keys, (sorted(x.keys), sorted(y.keys))


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_do_not_match(a: str, b: str) -> None:
    assert similarity(word(a), word(b)) < SAME_NAME


def test_arabic_normalisation_follows_the_writing_rules() -> None:
    assert normalise_arabic("أَحْمَد") == "احمد"  # diacritics, hamza on alef
    assert normalise_arabic("إيمان آمنة") == "ايمان امنه"  # alef forms, taa marbuta
    assert normalise_arabic("مصطفى") == "مصطفي"  # alef maqsura
    assert normalise_arabic("محـــمد") == "محمد"  # tatweel
    assert normalise_arabic("ﻣﺤﻤﺪ") == "محمد"  # presentation forms
    assert normalise_arabic("یوسف کمال") == "يوسف كمال"  # Persian keyboard letters


def test_full_names_are_read_in_their_parts_across_scripts() -> None:
    latin = person_name("Mohammad Ahmad Ali al-Halabi", mother="Fatima al-Shami")
    arabic = person_name("محمد احمد علي", family="الحلبي", mother="فاطمه الشامي")
    parts = compare_names(latin, arabic)
    assert set(parts) == {"first", "father", "grandfather", "family", "mother"}
    assert min(parts.values()) >= SAME_NAME
    other = person_name("Mahmoud Ahmad Ali al-Halabi")
    assert compare_names(latin, other)["first"] < SAME_NAME


@pytest.mark.parametrize("name", [*demo_names.MALE_NAMES, *demo_names.FEMALE_NAMES,
                                  *demo_names.FAMILY_NAMES, *demo_names.OTHER_ORIGINS],
                         ids=lambda n: n.latin[0])
def test_every_listed_latin_spelling_is_taken_for_its_arabic_spelling(
        name: demo_names.Name) -> None:
    # The demo's lists, Syria's Kurdish, Armenian and Assyrian names among them (Şiyar,
    # Sarkissian, Gewargis), are the spellings partners write: each must find the others.
    for latin in name.latin:
        x, y = word(latin), word(name.ar)
        assert x is not None and y is not None
        assert similarity(x, y) >= SAME_NAME, (latin, name.ar)
        assert x.keys & y.keys, (latin, name.ar)


def test_matching_weighs_a_case_name_with_the_same_comparison() -> None:
    # A case whose name is known from another source: the name factor of matching reads it
    # as duplicates do, whatever the script or habit.
    report = person_name("Chiyar Boghossian")
    same = name_weight(compare_names(report, person_name("شيار بوغوصيان")))
    other_family = name_weight(compare_names(report, person_name("شيار كيفوركيان")))
    other_person = name_weight(compare_names(report, person_name("خالد الحلبي")))
    assert same == pytest.approx(2 * math.log10(18))
    assert other_person == pytest.approx(-2.0)  # each part at most ten times less likely
    assert other_person < other_family < same
