"""Names as Syrians write them, in Arabic or Latin letters, compared part by part.

A full name is the person's own name, the father's, often the grandfather's, and the family
name (``محمد أحمد علي الحلبي``, "Mohammad Ahmad Ali al-Halabi"). Families, partners and clerks
write the same name many ways: each part is read into words (`caesar.identify.words`: compounds,
articles, short forms), each word into a phonetic skeleton shared by Arabic and Latin letters
(`caesar.identify.skeleton`, from the spelling tables of `spellings.toml`), and two spellings
compare as their skeletons' alignment (`caesar.identify.comparison`).

Limits, by construction: a Latin spelling with only short vowels cannot tell some Arabic names
apart (Mahmud could be read into محمد), and rare spellings fall back to the consonants'
similarity. Names are one piece of evidence among several, never the only one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from caesar.identify.comparison import CLOSE, SAME_NAME, Likeness, likeness, same_name, similarity
from caesar.identify.script import is_arabic, normalise, normalise_arabic, normalise_latin
from caesar.identify.wording import N_, Listing, Phrase
from caesar.identify.words import Word, word, words

__all__ = ["CLOSE", "PARTS", "PART_WEIGHTS", "SAME_NAME", "PersonName", "Word", "compare_names",
           "is_arabic", "name_blocks", "normalise", "normalise_arabic", "normalise_latin",
           "part_weight", "parts_words", "person_name", "same_name", "similarity",
           "spellings_of", "word", "words"]

# -- full names --------------------------------------------------------------------------------

PARTS = ("first", "father", "grandfather", "family", "mother")


@dataclass(frozen=True, slots=True)
class PersonName:
    """A missing person's name in its parts, as far as a report gives them."""

    first: Word | None = None
    father: Word | None = None
    grandfather: Word | None = None
    family: Word | None = None
    mother: Word | None = None  # the mother's own first name

    def part(self, name: str) -> Word | None:
        """One part by its name (one of :data:`PARTS`)."""
        value: Word | None = getattr(self, name)
        return value

    def known(self) -> list[str]:
        """The parts this name gives."""
        return [p for p in PARTS if self.part(p) is not None]


def person_name(full: str | None, *, father: str | None = None,
                grandfather: str | None = None, family: str | None = None,
                mother: str | None = None) -> PersonName:
    """The parts of a name: the separate fields where given, else read from the full name.

    A Syrian full name is written first name, father's, (grandfather's,) family name; the
    family name may carry an article or be two words (``العبد الله``).
    """
    tokens = words(full or "")
    family_word = word(family) if family else None
    if family_word is not None and tokens:
        # Drop the family name from the end of the full name, however many words it took.
        for cut in range(len(tokens) - 1, 0, -1):
            tail = word(" ".join(w.text for w in tokens[cut:]))
            if tail is not None and same_name(tail, family_word):
                tokens = tokens[:cut]
                break
    elif len(tokens) >= 2:
        family_word, tokens = tokens[-1], tokens[:-1]
    first = tokens[0] if tokens else None
    father_word = word(father) if father else (tokens[1] if len(tokens) >= 2 else None)
    grand_word = word(grandfather) if grandfather else (tokens[2] if len(tokens) >= 3 else None)
    mother_words = words(mother or "")
    return PersonName(first=first, father=father_word, grandfather=grand_word,
                      family=family_word, mother=mother_words[0] if mother_words else None)


def compare_names(a: PersonName, b: PersonName) -> dict[str, float]:
    """The similarity of each part both names give."""
    out = {}
    for part in PARTS:
        value = similarity(a.part(part), b.part(part))
        if value is not None:
            out[part] = round(value, 3)
    return out


# How much likelier a part's similarity is for one person's two reports than for two persons'
# (log10), below the same name: measured on the development list of public name pairs
# (bench/names.py: a person's Latin and Arabic spellings against random pairs of the list),
# rounded towards caution. A close spelling (one vowel or habit off) is evidence for one
# person; one clear consonant of three or four off is as often a spelling the tables miss as
# another name (Nasser and Yasser), so it weighs nothing; beyond that, two names.
PART_WEIGHTS = ((CLOSE, 0.5), (0.6, 0.0), (0.45, -0.8), (0.0, -1.5))
"""Below the same name: (the least similarity, its weight), highest first."""


def part_weight(value: float, agree: float) -> float:
    """The weight of one name part's similarity `value` (0 to 1): `agree` (how much a shared
    name says, which depends on how common it is) when taken for the same name, else what a
    close or a different spelling says (log10 of how much likelier for one person)."""
    if value >= SAME_NAME:
        return agree
    return next(weight for floor, weight in PART_WEIGHTS if value >= floor)


def name_blocks(name: PersonName) -> set[str]:
    """Keys for finding other reports that may name the same person (blocking): the first
    name's keys with the father's or the family name's."""
    first = name.first.keys if name.first else frozenset()
    others = [w.keys for w in (name.father, name.family) if w]
    return {f"{f}|{o}" for f in first for keys in others for o in keys}


def spellings_of(a: PersonName, b: PersonName, *, parts: Iterable[str] = PARTS
                 ) -> dict[str, Likeness]:
    """For each part both names give and take for the same name, with `parts` spelt
    differently: what makes the two spellings alike (only where there is something to say)."""
    out = {}
    for part in parts:
        x, y = a.part(part), b.part(part)
        if x is None or y is None or (x.text == y.text and x.arabic == y.arabic):
            continue
        found = likeness(x, y)
        if found.similarity >= SAME_NAME and found.said:
            out[part] = found
    return out


_PART_WORDS = {"first": N_("first name"), "father": N_("father's name"),
               "grandfather": N_("grandfather's name"), "family": N_("family name"),
               "mother": N_("mother's name")}


def parts_words(parts: Iterable[str]) -> Listing:
    """Name parts in words, for each language: "first name, father's name"."""
    return Listing(tuple(Phrase(_PART_WORDS[p]) for p in parts))
