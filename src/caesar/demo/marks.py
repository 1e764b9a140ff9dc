"""The marks of the synthetic bodies, and how families remember them.

Kinds and places come from the collection's main random stream (as they always have); the
details (what a tattoo shows, which operation, which tooth, which finger) come from a stream
of their own, and what tattoos say (a name, a date, initials, words) from a third, so that
adding each left every other draw, and so every other fact of a collection of a given seed,
as it was. The frequencies below are this generator's guesses at a population of Syrian
detainees, nothing more: matching never reads them (it weighs a detail or a text by how often
the archive's own cases bear it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from caesar.demo import names
from caesar.demo.names import Name
from caesar.demo.truth import MarkTruth, NameTruth, Person
from caesar.demo.vocab import (
    USUAL_PLACES,
    Script,
    details_for,
    locations_for,
    mirror_location,
    western_digits,
    write_digits,
)
from caesar.identify.names import is_arabic

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


# -- what tattoos say ---------------------------------------------------------------------------
#
# A tattoo of a name, initials, a date or words always carries its text; a heart, a rose and
# now and then another design carry a name or a date beside it ("a heart with Rania").
_TEXT_SHARE: dict[str, float] = {"name": 1.0, "initials": 1.0, "date": 1.0, "verse": 1.0,
                                 "heart": 0.5, "rose": 0.3}
_TEXT_SHARE_OTHER = 0.1
_LATIN_TEXT = 0.3  # tattoos written in Latin letters; the rest in Arabic
# Words tattooed in Syria: devotion, the mother, love, freedom. Common on purpose: a line
# like these is shared by many bodies and singles nobody out.
_WORDS: tuple[str, ...] = (
    "أمي", "الله", "يا رب", "لا غالب إلا الله", "الصبر مفتاح الفرج", "أمي الحبيبة", "الحرية",
    "سوريا", "يا علي", "حب", "Mother", "Love", "Freedom", "Syria", "Forever",
)
# Families' reports: how often the text of a tattoo is told (more when its design is), and
# how it departs from the body's when it is: misspelt, or other words altogether.
_TEXT_SAID = {True: 0.8, False: 0.45}
_TEXT_MISSPELT = 0.12
_TEXT_WRONG = 0.05
_BY_SPELLING: dict[str, Name] = {
    spelling: n for n in (*names.MALE_NAMES, *names.FEMALE_NAMES)
    for spelling in (n.ar, *n.latin)}
# Letters an Arabic reader confuses on a faded tattoo (the same shape, other dots).
_DOTS: tuple[str, ...] = ("بتثني", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق")


def inscribe(marks: tuple[MarkTruth, ...], rng: random.Random, *,
             person: Person) -> tuple[MarkTruth, ...]:
    """`marks` with a text on the tattoos that carry one (drawn from `rng`): a name (the
    mother's, or one from the generator's name lists), initials, a date between the person's
    fifteenth year and the arrest, or words."""
    out = []
    for mark in marks:
        share = _TEXT_SHARE.get(mark.detail or "", _TEXT_SHARE_OTHER)
        if mark.kind == "tattoo" and rng.random() < share:
            mark = mark.model_copy(update={"inscription": _text(rng, mark.detail, person)})
        out.append(mark)
    return tuple(out)


def _text(rng: random.Random, detail: str | None, person: Person) -> str:
    latin = rng.random() < _LATIN_TEXT
    if detail == "initials":
        pair = (_known(person.first), rng.choice(names.FEMALE_NAMES))
        if latin:
            return rng.choice((" & ", ".", " ")).join(n.latin[0][0] for n in pair) + (
                "" if rng.random() < 0.5 else ".")
        return " ".join(n.ar.removeprefix("ال")[0] for n in pair)
    if detail == "verse":
        return rng.choice(_WORDS)
    if detail == "date" or (detail != "name" and rng.random() < 0.25):
        return _date(rng, person, latin)
    roll = rng.random()
    name = (_known(person.mother) if roll < 0.3 else rng.choice(names.FEMALE_NAMES)
            if roll < 0.75 else rng.choice(names.MALE_NAMES))
    return rng.choice(name.latin) if latin else name.ar


def _known(name: NameTruth) -> Name:
    found = _BY_SPELLING.get(name.ar)
    return found if found is not None else Name(name.ar, (name.latin,))


def _date(rng: random.Random, person: Person, latin: bool) -> str:
    start = person.birth_date + timedelta(days=15 * 365)
    days = max(1, (person.arrest_date - start).days)
    day = start + timedelta(days=rng.randrange(days))
    separator = rng.choice("/.-")
    text = (str(day.year) if rng.random() < 0.4
            else f"{day.day}{separator}{day.month}{separator}{day.year}")
    return text if latin or rng.random() < 0.5 else write_digits(text, "arabic_indic")


def text_key(text: str) -> str:
    """What a text says, however it is written: a name of the generator's lists as its Arabic
    form (Rania, Raniya and رانيا alike), digits as Western ones, other words case-folded.
    The ground truth counts the bodies bearing a text by this key, never by the matcher's
    comparison, so the figures judged against it do not depend on the matcher."""
    name = _BY_SPELLING.get(text)
    if name is not None:
        return name.ar
    return " ".join(western_digits(text).casefold().split())


@dataclass(frozen=True)
class ToldText:
    """The text a family gives of one tattoo, and how it departs from the body's."""

    text: str | None
    key: str | None = None  # what it says (`text_key`); None for a misspelt text
    other_script: bool = False
    misspelt: bool = False
    wrong: bool = False


def told_text(mark: MarkTruth, *, detail_told: bool, script: str, person: Person,
              rng: random.Random) -> ToldText:
    """What a family says a tattoo says: most of the time its text, a name written in the
    family's own script (so often in the other script than the tattoo's) and spelt their
    way; now and then misspelt, or other words altogether."""
    if mark.inscription is None or rng.random() >= _TEXT_SAID[detail_told]:
        return ToldText(None)
    if rng.random() < _TEXT_WRONG:
        other = mark.inscription
        while text_key(other) == text_key(mark.inscription):
            other = _text(rng, mark.detail, person)
        return ToldText(other, text_key(other), wrong=True)
    text, other_script = mark.inscription, False
    name = _BY_SPELLING.get(text)
    if name is not None:  # a name: the family writes it in the script of their report
        text = names.spelling(name, script, rng)
        other_script = is_arabic(text) != is_arabic(mark.inscription)
    elif any(c.isdigit() for c in text):  # a date: in the family's digits
        written: Script = ("arabic_indic" if script == "arabic" and rng.random() < 0.3
                           else "western")
        text = write_digits(western_digits(text), written)
    if rng.random() < _TEXT_MISSPELT and (slipped := misspell(text, rng)) != text:
        return ToldText(slipped, other_script=other_script, misspelt=True)
    return ToldText(text, text_key(mark.inscription), other_script=other_script)


def misspell(text: str, rng: random.Random) -> str:
    """`text` with one slip a hand or an eye makes: a letter dropped, two swapped, or (in
    Arabic) one read with other dots; a digit of a date off by one. A text too short for a
    slip comes back as it was."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    if digits and not letters:
        i = rng.choice(digits)
        value = (int(text[i]) + rng.choice((1, -1))) % 10
        written: Script = "western" if text[i].isascii() else "arabic_indic"
        return text[:i] + write_digits(str(value), written) + text[i + 1:]
    roll = rng.random()
    if len(letters) >= 3 and roll < 0.4:
        i = rng.choice(letters[1:])
        return text[:i] + text[i + 1:]
    if len(letters) >= 3 and (roll < 0.7 or not is_arabic(text)):
        i = rng.choice(letters[:-1])
        if i + 1 in letters:
            return text[:i] + text[i + 1] + text[i] + text[i + 2:]
        return text[:i] + text[i + 1:]
    for i in rng.sample(letters, len(letters)):
        group = next((g for g in _DOTS if text[i] in g), None)
        if group is not None:
            return text[:i] + rng.choice([c for c in group if c != text[i]]) + text[i + 1:]
    return text
