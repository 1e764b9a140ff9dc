"""A name's phonetic skeleton, the same for Arabic and Latin letters.

Arabic writes consonants and long vowels, not short ones; Latin writes every vowel it hears,
and has no one standard for the sounds it lacks. So a word becomes a sequence of units:

- **consonants**, each with the sounds it may write, named as Arabic letters (Latin "g" may
  write غ, ج, ك or ق; Arabic ث may be said ث, ت or س), from the spelling tables;
- **vowels**: a run of Latin vowel letters or of Arabic long vowels (ا و ي), with its
  qualities (a, i, u) and whether it is long (Latin doubles it: ee, oo; Arabic writes it);
  و and ي are glides too (a consonant w or y where a Latin spelling writes one);
- **glottals** (ع, hamza, an Arabic word's first alef) that any vowel may fill or none;
- a **final h** that may be a consonant or only the end of a vowel (Salameh, سلامه, Salama),
  and an h after o, e or u before a consonant, which may be silent (John, جون).

Doubled Latin consonants are one (gemination: Hassan, حسن); the last letter of some French
endings may be silent (Renaud, رينو). `caesar.identify.alignment`
compares two skeletons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, TypeAlias

from caesar.identify.spellings import CONSONANTS, VOWELS, LatinLetters, Option, table

Kind: TypeAlias = Literal["C", "V", "W", "H"]


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of a skeleton: a consonant (C), a vowel (V), a glottal (W) or a final h (H)."""

    kind: Kind
    text: str  # the letters as written
    arabic: bool
    sounds: frozenset[str] = frozenset()  # Arabic: what a consonant may be; a vowel's glides
    options: tuple[Option, ...] = ()  # Latin consonant: every sound its letters may write
    quality: frozenset[str] = frozenset()  # of "a", "i", "u"
    long: bool | None = False  # None: either (French "ou")
    glottal: bool = False  # an Arabic vowel run that holds ع or a hamza
    marked: bool = False  # a Latin run that writes a long i or u unmistakably (ee, oo)
    silent: bool = False  # a Latin final consonant French spellings do not say (Renaud)
    entry: LatinLetters | None = field(default=None, compare=False)  # a vowel run's habit


Reading: TypeAlias = tuple[Unit, ...]

_UNITS: dict[Unit, Unit] = {}


def _one(unit: Unit) -> Unit:
    """The one instance of each unit: comparisons are cached by the units compared, and an
    instance that is its own key hashes and compares fast."""
    return _UNITS.setdefault(unit, unit)

_A, _I, _U = frozenset("a"), frozenset("i"), frozenset("u")

# -- Arabic ------------------------------------------------------------------------------------

_ARABIC_GLOTTAL = frozenset("عءأإآ")
_ARABIC_LONG = {"ا": _A, "و": _U, "ي": _I, "ى": _A | _I, "ە": _A | _I}


@lru_cache(maxsize=65536)
def arabic_reading(text: str) -> Reading:
    """The skeleton of one normalised Arabic word."""
    tables = table()
    units: list[Unit] = []
    for i, letter in enumerate(text):
        first, last = i == 0, i == len(text) - 1
        if letter in _ARABIC_GLOTTAL or (letter == "ا" and first):
            units.append(Unit("W", letter, True))
        elif letter in "وي" and first:
            units.append(Unit("C", letter, True, sounds=frozenset(letter)))
        elif letter in _ARABIC_LONG:
            quality = _ARABIC_LONG[letter]
            if letter == "ي" and last:
                quality = _A | _I  # ى typed as ي: مصطفي is Mustafa
            glide = frozenset(letter) if letter in "وي" else frozenset()
            units.append(Unit("V", letter, True, sounds=glide, quality=quality,
                              long=None if letter == "ە" else True))
        elif letter == "ه" and last and not first:
            # Often ة, which Latin spellings write as t where it is said (Najat, نجاة).
            units.append(Unit("H", letter, True, sounds=frozenset("هت"), quality=_A))
        elif letter in CONSONANTS:
            units.append(Unit("C", letter, True,
                              sounds=tables.arabic.get(letter, frozenset(letter))))
    return tuple(_one(u) for u in _merge_arabic(units))


def _merge_arabic(units: list[Unit]) -> Reading:
    """Adjacent vowels and glottals as one vowel (سعيد: the ع and the ي are one i)."""
    out: list[Unit] = []
    for unit in units:
        prev = out[-1] if out else None
        if prev is not None and unit.kind in "VW" and prev.kind in "VW":
            vowels = [u for u in (prev, unit) if u.kind == "V"]
            if not vowels:
                out[-1] = Unit("W", prev.text + unit.text, True)
                continue
            out[-1] = Unit("V", prev.text + unit.text, True,
                           sounds=frozenset().union(*(u.sounds for u in vowels)),
                           quality=frozenset().union(*(u.quality for u in vowels)),
                           long=True, glottal=prev.glottal or unit.glottal or "W" in
                           (prev.kind, unit.kind))
            continue
        out.append(unit)
    return tuple(out)


# -- Latin -------------------------------------------------------------------------------------

_LATIN_VOWELS = frozenset("aeiouyw23" "êîûı")
_LETTER_QUALITY = {"a": _A, "e": _A | _I, "i": _I, "o": _U, "u": _U, "y": _I, "w": _U,
                   "ê": _I, "î": _I, "û": _U, "ı": _I}
_DIPHTHONG_I = frozenset({"ee", "ei", "ey", "ai", "ay", "ii", "iy", "ie"})
_MARKED = ("ee", "ii", "ie", "oo", "uu")


@lru_cache(maxsize=65536)
def latin_reading(text: str) -> Reading:
    """The skeleton of one normalised Latin word (lower case, table letters kept)."""
    tables = table()
    units: list[Unit] = []
    i = 0
    while i < len(text):
        letter = text[i]
        if letter in _LATIN_VOWELS and not (i == 0 and letter in "yw"):
            end = i
            while end < len(text) and text[end] in _LATIN_VOWELS:
                end += 1
            units.append(_latin_vowel(text[i:end]))
            i = end
            continue
        if letter == "h" and i == len(text) - 1 and units and units[-1].kind == "V":
            units.append(Unit("H", "h", False))  # Salameh, Hamzah
            break
        if letter == "h" and units and units[-1].kind == "V" and units[-1].text[-1] in "oeu" \
                and text[i + 1] not in _LATIN_VOWELS and text[i + 1] != "h":
            # After o, e or u and before a consonant, h may be silent (John, جون; Lehmann,
            # ليمان) or said (Mohsen, محسن). Not after a: Rahma and رامة are two names.
            units.append(Unit("H", "h", False))
            i += 1
            continue
        for size in range(min(tables.longest, len(text) - i), 0, -1):
            letters = text[i:i + size]
            options = tables.latin.get(letters)
            if options and not all(o.entry.vowel for o in options):
                place = _place(text, i, i + size)
                consonant = tuple(o for o in options if not o.entry.vowel and (
                    o.entry.at is None or set(o.entry.at) & set(place)))
                if units and units[-1].kind == "C" and units[-1].text[-len(letters):] == letters:
                    units[-1] = Unit("C", units[-1].text + letters, False,
                                     options=units[-1].options)  # a doubled consonant
                else:
                    units.append(Unit("C", letters, False, options=consonant))
                i += size
                break
        else:
            i += 1  # anything else carries no sound
    return tuple(_one(u) for u in _silent_end(text, _silent_e(units)))


# French endings whose last letter is not said, which Arabic does not write (Renaud, رينو;
# Laurent, لوران; Gérard, جيرار; Didier, ديدييه). Only these: a final d or z of an Arabic name
# is said (Rashid and راشي, Ramiz and رامي differ).
_FRENCH_SILENT = re.compile(
    "(?:aud|aut|eau[xs]|ot|ert|ard|art|ois|oit|eux|oux|aux|ier|iez|ent|ond|ont|and|ais)$")


def _silent_end(text: str, units: list[Unit]) -> list[Unit]:
    if units and units[-1].kind == "C" and len(units[-1].text) == 1 and \
            _FRENCH_SILENT.search(text):
        last = units[-1]
        units[-1] = Unit("C", last.text, False, options=last.options, silent=True)
    return units


def _silent_e(units: list[Unit]) -> list[Unit]:
    """English a before one consonant and a final silent e (or es) is said ey, which Arabic
    writes with ي (Kate, كيت; James, جيمس): that a may be an i too."""
    end = len(units) - (1 if units and units[-1].text == "s" else 0)
    if end >= 3 and units[end - 1].text == "e" and units[end - 2].kind == "C" and \
            len(units[end - 2].text) == 1 and units[end - 3].text == "a":
        a = units[end - 3]
        units[end - 3] = Unit("V", a.text, False, quality=_A | _I, long=a.long, entry=a.entry)
    return units


def _place(text: str, start: int, end: int) -> tuple[str, ...]:
    """Where letters stand in a word: at its start, its end, between vowels."""
    place = []
    if start == 0:
        place.append("start")
    if end == len(text):
        place.append("end")
    elif start > 0 and text[start - 1] in _LATIN_VOWELS and text[end] in _LATIN_VOWELS:
        place.append("between vowels")
    return tuple(place)


def _latin_vowel(run: str) -> Unit:
    bare = run.replace("2", "").replace("3", "")
    if not bare:
        return Unit("W", run, False)  # the chat alphabet's hamza (2) or ع (3)
    options = table().latin.get(bare, ())
    entry = options[0].entry if options and options[0].entry.vowel else None
    if entry is not None:
        quality = frozenset(VOWELS[s] for s in entry.sounds)
        lengths = {len(s) == 2 for s in entry.sounds}
        long: bool | None = lengths.pop() if len(lengths) == 1 else None
        return Unit("V", run, False, quality=quality, long=long, entry=entry,
                    marked=any(m in bare for m in _MARKED))
    if set(bare) <= set("ouwû"):
        quality = _U
    elif bare in _DIPHTHONG_I or (len(bare) == 2 and bare[1] in "iy"):
        quality = _I
    elif set(bare) == {"a"}:
        quality = _A
    else:
        quality = frozenset().union(*(_LETTER_QUALITY[c] for c in bare))
    long = len(bare) >= 2 or bare in "êîû"
    if bare in ("ou", "ow"):
        long = None  # French "ou" is a u, short or long
    return Unit("V", run, False, quality=quality, long=long,
                marked=any(m in bare for m in _MARKED))


def consonants(reading: Reading) -> int:
    """How many consonants a skeleton holds."""
    return sum(1 for u in reading if u.kind == "C")


def sounds(reading: Reading, *, final_h: bool = False) -> list[list[tuple[str, ...]]]:
    """Each consonant's possible sounds, as sequences (a Latin x may write كس), the usual one
    first; with `final_h`, a final h too, as ه, ح or nothing (an Arabic one, which may be ة,
    as ت too)."""
    out: list[list[tuple[str, ...]]] = []
    for unit in reading:
        if unit.kind == "H" and final_h:
            out.append([("ه",), ("ح",), ()] + ([("ت",)] if unit.arabic else []))
        if unit.kind != "C":
            continue
        if unit.arabic:
            own: list[tuple[str, ...]] = [(unit.text[0],)]
            out.append(own + [(s,) for s in sorted(unit.sounds - {unit.text[0]})])
        else:
            said = list(dict.fromkeys(o.sounds for o in unit.options))
            out.append([*said, ()] if unit.silent else said)
    return out


# Sounds that spellings write for one another, as one letter each: a name's key, or its
# consonants' outline, is the same in both scripts as often as it can be.
COMMON = str.maketrans("حطصثضظذقپڤچژگ", "هتسسدززكبفشجك")
_MAX_OUTLINES = 8


def likeliest(choices: list[list[str]], limit: int, length: int | None = None) -> list[str]:
    """Strings made of one choice from each list in turn (cut to `length` when given), the
    likeliest first: each string ranks by the sum of its choices' places (the usual one first),
    and only the `limit` likeliest are kept as they grow, so a word whose letters allow many
    readings keeps its usual ones."""
    heads: dict[str, int] = {"": 0}
    for options in choices:
        if length is not None and all(len(h) >= length for h in heads):
            break
        grown: dict[str, int] = {}
        for head, rank in heads.items():
            done = length is not None and len(head) >= length
            for place, sound in enumerate(("",) if done else options):
                made = head + sound if length is None else (head + sound)[:length]
                grown[made] = min(grown.get(made, rank + place), rank + place)
        heads = dict(sorted(grown.items(), key=lambda h: (h[1], h[0]))[:limit])
    return list(heads)


def outlines(reading: Reading) -> frozenset[str]:
    """The consonants of a skeleton as strings of sounds, one for each choice among the
    sounds a consonant may write (the likeliest few), with the sounds spellings write for one
    another merged (ط as ت, ق as ك): for a quick look at how far apart two words are."""
    merged = [list(dict.fromkeys("".join(c).translate(COMMON) for c in choices))
              for choices in sounds(reading)]
    return frozenset(likeliest(merged, _MAX_OUTLINES))
