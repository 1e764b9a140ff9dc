"""The matcher's explanations as phrases: the English is what it always was, and every
template has its Arabic with the same placeholders."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from babel.messages.pofile import read_po

from caesar.identify.factors import ReportFacts
from caesar.identify.marks import Mark, parse_mark
from caesar.identify.matching import rank
from caesar.identify.names import person_name
from caesar.identify.table import CaseFacts, build_table
from caesar.identify.views import FactorView
from caesar.identify.wording import Listing, Phrase, Value, placeholders
from caesar.web.catalogue import ARABIC, phrase_messages

PHOTO = date(2013, 8, 2)


def explanations(report: ReportFacts, case: CaseFacts, *,
                 lifted: bool = False) -> list[FactorView]:
    """The factors matching gives the one case (listed even when excluded)."""
    (candidate,) = rank(report, build_table([case]), decided=[case.id],
                        overrides=[case.id] if lifted else [])
    return candidate.factors


def _marks(*codes: str) -> tuple[Mark, ...]:
    return tuple(parse_mark(c) for c in codes)


SCENARIOS: dict[str, tuple[ReportFacts, CaseFacts]] = {
    "sex, age": (ReportFacts(1, sex="M", birth_year=1980),
                 CaseFacts(1, sex="M", age_min=30, age_max=40, photographed_on=PHOTO)),
    "age apart, by date": (ReportFacts(1, birth_date=date(1980, 3, 4)),
                           CaseFacts(1, age_min=18, age_max=25, photographed_on=PHOTO)),
    "days after": (ReportFacts(1, arrest_date=date(2013, 7, 20)),
                   CaseFacts(1, photographed_on=PHOTO)),
    "months after": (ReportFacts(1, arrest_date=date(2013, 6, 1)),
                     CaseFacts(1, photographed_on=PHOTO)),
    "years after": (ReportFacts(1, arrest_date=date(2010, 1, 1)),
                    CaseFacts(1, photographed_on=PHOTO)),
    "before": (ReportFacts(1, arrest_date=date(2013, 8, 20)),
               CaseFacts(1, photographed_on=PHOTO)),
    "branch same": (ReportFacts(1, branch="235"), CaseFacts(1, branch="235")),
    "branch differs": (ReportFacts(1, branch="215"), CaseFacts(1, branch="216")),
    "branch unnamed": (ReportFacts(1, branch="999"), CaseFacts(1, branch="216")),
    "detainee same, height": (ReportFacts(1, detainee="1234", height_cm=175),
                              CaseFacts(1, detainee="1234", height_cm=172)),
    "detainee one digit": (ReportFacts(1, detainee="1235"), CaseFacts(1, detainee="1234")),
    "detainee differs": (ReportFacts(1, detainee="9876"), CaseFacts(1, detainee="1234")),
    "marks agree": (ReportFacts(1, marks=_marks("tattoo:left_forearm:eagle", "mole")),
                    CaseFacts(1, marks=("tattoo:left_forearm:eagle", "scar:back"))),
    "marks mirrored": (ReportFacts(1, marks=_marks("gold_tooth:upper_teeth:left_canine",
                                                    "scar:left_forearm")),
                       CaseFacts(1, marks=("gold_tooth:upper_teeth:right_canine",
                                           "scar:right_forearm"))),
    "mark another design": (ReportFacts(1, marks=_marks("tattoo:chest:eagle")),
                            CaseFacts(1, marks=("tattoo:back:rose",))),
    "inscription other script": (
        ReportFacts(1, marks=_marks("tattoo:left_forearm:name:Rania")),
        CaseFacts(1, marks=("tattoo:left_forearm:name:رانيا",))),
    "inscription not on the body": (
        ReportFacts(1, marks=_marks("tattoo:left_forearm:name:Rania")),
        CaseFacts(1, marks=("tattoo:left_forearm:name",))),
    "inscription close": (
        ReportFacts(1, marks=_marks("tattoo::name:Rania")),
        CaseFacts(1, marks=("tattoo:right_hand:name:Ranim",))),
    "inscription other words": (
        ReportFacts(1, marks=_marks("tattoo:left_forearm:name:Rania")),
        CaseFacts(1, marks=("tattoo:left_forearm:name:Huda",))),
    "inscription the same": (
        ReportFacts(1, marks=_marks("tattoo:left_forearm::Rania")),
        CaseFacts(1, marks=("tattoo:left_forearm::Rania",))),
    "mark there": (ReportFacts(1, marks=_marks("scar:back")), CaseFacts(1, marks=("scar:back",))),
    "name agrees and differs": (
        ReportFacts(1, name=person_name("Samer Ahmad Ali", family="Halabi")),
        CaseFacts(1, name=person_name("Samer Khaled", family="Halabi"))),
    "name differs": (ReportFacts(1, name=person_name("Samer Ahmad")),
                     CaseFacts(1, name=person_name("Omar Khaled"))),
    "name close": (ReportFacts(1, name=person_name("Mohammad")),
                   CaseFacts(1, name=person_name("Mahmoud"))),
    "excluded": (ReportFacts(1, sex="F", arrest_date=date(2013, 10, 1)),
                 CaseFacts(1, sex="M", photographed_on=PHOTO)),
}



# The English each scenario was explained in before explanations became phrases (printed by
# the matcher of commit 02deba9, the last one that wrote them as f-strings).
OLD_ENGLISH: dict[str, list[tuple[str, str]]] = {
    'sex, age': [
        ('sex', 'both men'),
        ('age', 'born 1980: about 33 when photographed; the case looks 30-40'),
    ],
    'age apart, by date': [
        ('age',
         'born 1980-03-04: about 33 when photographed; the case looks 18-25, 8 years apart'),
    ],
    'days after': [
        ('date', 'photographed on 2013-08-02, 13 days after the reported arrest on 2013-07-20'),
    ],
    'months after': [
        ('date', 'photographed on 2013-08-02, 2 months after the reported arrest on 2013-06-01'),
    ],
    'years after': [
        ('date', 'photographed on 2013-08-02, 3.6 years after the reported arrest on 2010-01-01'),
    ],
    'before': [
        ('date',
         'photographed on 2013-08-02, 18 days before the reported arrest on 2013-08-20:'
         ' reported dates are often off by weeks'),
    ],
    'branch same': [
        ('branch', 'the body carries branch 235 (Palestine Branch), the branch the family named'),
    ],
    'branch differs': [
        ('branch',
         'the family named branch 215 (Raid Brigade); the body carries 216 (a body may carry'
         ' the branch where the person died, not the one that arrested them)'),
    ],
    'branch unnamed': [
        ('branch',
         'the family named branch 999; the body carries 216 (a body may carry the branch where'
         ' the person died, not the one that arrested them)'),
    ],
    'detainee same, height': [
        ('detainee_number', 'the same detainee number, 1234'),
        ('height', 'reported 175 cm tall; the body measures 172 cm'),
    ],
    'detainee one digit': [
        ('detainee_number', "the family's detainee number 1235 is one digit from the body's 1234"),
    ],
    'detainee differs': [
        ('detainee_number', "a different detainee number: the family's 9876, the body's 1234"),
    ],
    'marks agree': [
        ('mark',
         'the family describes a tattoo of an eagle on the left forearm; the body shows a'
         ' tattoo of an eagle on the left forearm (the same place)'),
        ('mark_detail', 'the same design: an eagle'),
        ('mark', 'the family describes a mole: none is recorded on the body'),
    ],
    'marks mirrored': [
        ('mark',
         'the family describes a gold tooth (left canine) on the upper teeth; the body shows a'
         ' gold tooth (right canine) on the upper teeth (the same place)'),
        ('mark_detail',
         'the family says the left canine, the body shows the right canine (left and right are'
         ' often confused)'),
        ('mark',
         'the family describes a scar on the left forearm: the body has it on the other side'),
    ],
    'mark another design': [
        ('mark',
         'the family describes a tattoo of an eagle on the chest; the body shows a tattoo of a'
         ' rose on the back (elsewhere on the body)'),
        ('mark_detail',
         'another design: the family says an eagle, the body shows a rose (families sometimes'
         ' misremember; it weighs against, it does not exclude)'),
    ],
    'inscription other script': [
        ('mark',
         'the family describes a tattoo of a name reading “Rania” on the left forearm; the body'
         ' shows a tattoo of a name reading “رانيا” on the left forearm (the same place)'),
        ('mark_detail', 'the same design: a name'),
        ('mark_inscription',
         'the same words, in the other script: the family says “Rania”, the body reads “رانيا”'),
    ],
    'inscription not on the body': [
        ('mark',
         'the family describes a tattoo of a name reading “Rania” on the left forearm; the body'
         ' shows a tattoo of a name on the left forearm (the same place; its words are not'
         ' recorded on the body)'),
        ('mark_detail', 'the same design: a name'),
    ],
    'inscription close': [
        ('mark',
         'the family describes a tattoo of a name reading “Rania”; the body shows a tattoo of a'
         ' name reading “Ranim” on the right hand'),
        ('mark_detail', 'the same design: a name'),
        ('mark_inscription',
         'close words: the family says “Rania”, the body reads “Ranim” (perhaps misspelt, or'
         ' misread on a faded tattoo)'),
    ],
    'inscription other words': [
        ('mark',
         'the family describes a tattoo of a name reading “Rania” on the left forearm; the body'
         ' shows a tattoo of a name reading “Huda” on the left forearm (the same place)'),
        ('mark_detail', 'the same design: a name'),
        ('mark_inscription',
         'other words: the family says “Rania”, the body reads “Huda” (families sometimes'
         ' misremember; it weighs against, it does not exclude)'),
    ],
    'inscription the same': [
        ('mark',
         'the family describes a tattoo reading “Rania” on the left forearm; the body shows a'
         ' tattoo reading “Rania” on the left forearm (the same place)'),
        ('mark_inscription', 'the same words: “Rania”'),
    ],
    'mark there': [
        ('mark', 'the family describes a scar on the back: the body has it there'),
    ],
    'name agrees and differs': [
        ('name',
         'the name recorded on the case (from another source) agrees on the first name, family'
         " name; differs on the father's name"),
    ],
    'name differs': [
        ('name',
         'the name recorded on the case (from another source) differs on the first name, family'
         ' name'),
    ],
    'name close': [
        ('name',
         "the name recorded on the case (from another source) is only close to the report's"),
    ],
    'excluded': [
        ('exclusion', 'the report is of a woman; the case is a man'),
        ('exclusion',
         'photographed on 2013-08-02, 60 days before the reported arrest on 2013-10-01 (more'
         ' than the 30 days a reported date may be off)'),
    ],
}
LIFTED: list[tuple[str, str]] = [
    ('exclusion',
     'the report is of a woman; the case is a man (a reviewer lifted this exclusion)'),
    ('exclusion',
     'photographed on 2013-08-02, 60 days before the reported arrest on 2013-10-01 (more than'
     ' the 30 days a reported date may be off) (a reviewer lifted this exclusion)'),
]


def _templates(value: Value) -> list[str]:
    """The template of a phrase and of every phrase nested in it."""
    if isinstance(value, Listing):
        return [t for v in value.items for t in _templates(v)]
    if isinstance(value, Phrase):
        return [value.template, *(t for v in value.values.values() for t in _templates(v))]
    return []


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_english_is_what_it_always_was(scenario: str) -> None:
    report, case = SCENARIOS[scenario]
    factors = explanations(report, case)
    assert [(f.factor, f.why) for f in factors] == OLD_ENGLISH[scenario]
    assert all(f.words is not None and str(f.words) == f.why for f in factors)


def test_a_lifted_exclusion_says_so_in_english() -> None:
    factors = explanations(*SCENARIOS["excluded"], lifted=True)
    assert [(f.factor, f.why) for f in factors] == LIFTED
    assert all(f.exclusion and str(f.words) == f.why for f in factors)


def test_the_phrase_never_reaches_json() -> None:
    (factor, *_) = explanations(*SCENARIOS["excluded"])
    assert factor.words is not None
    assert factor.model_dump() == {"factor": "exclusion", "weight": 0.0, "why": factor.why,
                                   "exclusion": True}


def _wrong_placeholders(template: str, translation: str | tuple[str, ...],
                        count: bool) -> list[str]:
    """The forms of a translation whose placeholders are not the template's. Arabic names the
    number in the noun itself in the zero, one and two forms of a counted phrase ("يومان",
    two days), so those forms may leave the counted placeholder out; nothing else may be
    missing, and nothing may be added."""
    wanted = placeholders(template)
    forms = translation if isinstance(translation, tuple) else (translation,)
    wrong = []
    for index, form in enumerate(forms):
        found = placeholders(form)
        if found != wanted and not (count and index <= 2 and found < wanted
                                    and len(wanted - found) == 1):
            wrong.append(form)
    return wrong


def _arabic() -> dict[Any, Any]:
    with open(ARABIC, "rb") as f:
        return {(m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in read_po(f)
                if m.id}


def test_every_template_has_its_arabic_with_the_same_placeholders() -> None:
    written = {m[2] for m in phrase_messages()}
    assert len(written) > 50
    arabic = _arabic()
    for message in written:
        template = message[0] if isinstance(message, tuple) else message
        translation = arabic.get(template)
        assert translation and all(translation), template
        assert _wrong_placeholders(template, translation, isinstance(message, tuple)) == [], \
            template
    # Every template the scenarios used is one the catalogue extracts (none is computed).
    factors = [f for report, case in SCENARIOS.values() for f in explanations(report, case)]
    factors += explanations(*SCENARIOS["excluded"], lifted=True)
    used = {t for f in factors if f.words is not None for t in _templates(f.words)}
    assert used <= {m[0] if isinstance(m, tuple) else m for m in written}
    assert len(used) > 40


def test_a_translation_missing_or_adding_a_placeholder_is_caught() -> None:
    template = "the family's detainee number {family} is one digit from the body's {body}"
    assert _wrong_placeholders(template, "رقم العائلة {family} ورقم الجثمان {body}",
                               False) == []
    assert _wrong_placeholders(template, "رقم العائلة {family}", False) != []
    assert _wrong_placeholders(template, "{family} {body} {number}", False) != []
    days = ("{n} يوم", "يوم واحد", "يومين", "{n} أيام", "{n} يومًا", "{n} يوم")
    assert _wrong_placeholders("{n} days", days, True) == []
    assert _wrong_placeholders("{n} days", (*days[:3], "أيام", *days[4:]), True) != []


def test_a_case_name_in_the_other_script_says_why_its_spelling_agrees() -> None:
    report = ReportFacts(1, name=person_name("Firpo Chiyar", family="Belhadj"))
    case = CaseFacts(1, name=person_name("فيربو شيار بلحاج"))
    (name,) = [f for f in explanations(report, case) if f.factor == "name"]
    assert name.why.startswith("the name recorded on the case (from another source) agrees on"
                               " the first name, father's name, family name; ")
    assert "Firpo ↔ فيربو: p written as ب" in name.why
    assert "Belhadj ↔ بلحاج: dj for ج (French spelling)" in name.why
    # Each template it used has its Arabic.
    arabic = _arabic()
    assert name.words is not None
    assert all(arabic.get(t) for t in _templates(name.words))
