"""Names as Syrians write them, in Arabic or Latin letters, reduced to keys that compare.

A full name is the person's own name, the father's, often the grandfather's, and the family
name (``محمد أحمد علي الحلبي``, "Mohammad Ahmad Ali al-Halabi"). Families, partners and clerks
write the same name many ways, and this module undoes the variation that the writing systems
themselves produce, from their rules rather than from a list of names:

- **Arabic**: diacritics (tashkeel), tatweel and Quranic marks carry no identity; the hamza
  forms of alef (أ إ آ ٱ) are written as bare alef in hand-typed lists; taa marbuta (ة) is
  written as haa (ه) and alef maqsura (ى) as yaa (ي); Persian and Urdu keyboards give ک and ی.
- **Latin**: there is no one standard. English, French and German habits give
  Mohammad/Muhammad/Mohamed, ou/u, kh/ch, sh/ch, th/s/z/d for ث and ذ, q/k/g for ق, doubled
  consonants for shadda, the article as al-, el-, ash-, Al or nothing, and chat alphabet digits
  (7 for ح, 3 for ع).
- **Compounds**: ``عبد الله``/``عبدالله``/Abdullah/Abd Allah, ``نور الدين``/Nureddin are one
  name, whatever the spaces.

Arabic writes consonants and long vowels, not short ones; Latin writes every vowel it hears.
So a name becomes a key: its consonants (each Arabic letter and Latin letter or digraph mapped to
a sound class, with the alternatives a transliteration allows), and between them *vowel slots*:
what is known of the vowels there (Arabic long vowels, Latin vowel letters). Two spellings of a
word compare as the consonants' similarity, lowered for each vowel slot that disagrees
(``محمد`` and ``محمود`` share their consonants; the و is a long u that محمد lacks).

Limits, by construction: a Latin spelling with only short vowels cannot tell some Arabic names
apart (Mahmud could be read into محمد), and rare spellings fall back to the consonants'
similarity. Names are one piece of evidence among several, never the only one.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from caesar.identify.wording import N_, Listing, Phrase

SAME_NAME = 0.85
"""Word similarity at or above which two spellings are taken for the same name."""

# -- Arabic normalisation ------------------------------------------------------------------

# Tashkeel (fathatan..sukun, maddah, hamza above/below), superscript alef, Quranic annotation
# signs, and tatweel (ـ): none of them distinguishes one name from another.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8"
                           "\u06ea-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",  # hamza forms of alef
    "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي",  # alef maqsura and Persian/Urdu yeh
    "ة": "ه", "ۃ": "ه", "ە": "ه", "ھ": "ه",  # taa marbuta and other heh forms
    "ک": "ك", "ڪ": "ك",  # Persian/Urdu kaf
    "ؤ": "و", "ئ": "ي", "ء": "",  # hamza on its seats, and alone
})
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")


def is_arabic(text: str) -> bool:
    """Whether `text` is written (at least partly) in Arabic letters."""
    return _ARABIC_LETTER.search(text) is not None


def normalise_arabic(text: str) -> str:
    """Arabic text as hand-typed lists would all agree on it.

    Presentation forms to letters (NFKC), diacritics and tatweel removed, hamza forms of alef to
    bare alef, alef maqsura to yaa, taa marbuta to haa, Persian/Urdu letters to Arabic, hamza on
    a seat to its seat, spaces collapsed.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)
    return " ".join(text.split())


def normalise_latin(text: str) -> str:
    """Latin text lower-cased, accents and transliteration marks (ʿ ʾ ' `) removed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    kept = re.sub("[\u02bb\u02bc\u02be\u02bf'`\u2018\u2019\u00b4]", "", kept)
    return " ".join(kept.split())


def normalise(text: str) -> str:
    """A name normalised for its script (Arabic or Latin), for display-free comparison."""
    return normalise_arabic(text) if is_arabic(text) else normalise_latin(text)


# -- words: compounds and articles ----------------------------------------------------------

_LATIN_ARTICLES = frozenset(
    "al el il ul ol " "ad ed ud ar er ur as es us ash esh ush at et ut az ez uz an en un "
    "adh ath".split())
_LATIN_SERVANT = re.compile(r"^(abd)(?:oul|ul|el|al|il|ol|u|e|a|i|o)?(?=[a-z0-9]{2})")
_LATIN_RELIGION = re.compile(r"^([a-z0-9]{2,}?)(?:ad|ed|ud|id|al|el|ul|a|e|u)?(din|deen|dine)$")
# "Servant of" and "father of": the first half of a compound name, as the canonical spelling.
_LATIN_HOLDERS = {"abd": "abd", "abdul": "abd", "abdel": "abd", "abdal": "abd", "abdil": "abd",
                  "abdoul": "abd", "abdu": "abd", "abu": "abu", "abou": "abu", "bou": "abu"}
_LATIN_SECONDS = frozenset({"din", "deen", "dine", "allah", "lah", "llah"})
_ARABIC_HOLDERS = frozenset({"عبد", "ابو"})
_ARABIC_SECONDS = frozenset({"الدين", "الله"})


@dataclass(frozen=True)
class Word:
    """One name (a compound counts as one), in its script, with the spellings to compare."""

    text: str  # as normalised
    arabic: bool
    variants: tuple[Key, ...]


@dataclass(frozen=True)
class Slot:
    """What is known about the vowels between two consonants (or before the first)."""

    qualities: frozenset[str]  # of "a", "i", "u"
    long: bool | None  # None: a Latin spelling that may be either ("ou")
    wild: bool  # anything may be there (an Arabic ع or hamza with no vowel letter)

    @property
    def empty(self) -> bool:
        """No vowel written here."""
        return not self.qualities and not self.wild


@dataclass(frozen=True)
class Key:
    """One reading of a word: its consonant classes and the vowel slots around them."""

    consonants: str
    slots: tuple[Slot, ...]  # len(consonants) + 1: before the first, then after each
    arabic: bool


def words(text: str) -> list[Word]:
    """The names in `text` (a full name, or one part of it), compounds joined."""
    text = text.strip()
    if not text:
        return []
    if is_arabic(text):
        return [_word(w, arabic=True) for w in _arabic_words(normalise_arabic(text))]
    return [_word(w, arabic=False) for w in _latin_words(normalise_latin(text))]


def word(text: str) -> Word | None:
    """`text` as one name (several words are joined, as a compound would be)."""
    found = words(text)
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    joined = "".join(w.text for w in found)
    return _word(joined, arabic=found[0].arabic)


def _arabic_words(text: str) -> list[str]:
    out: list[str] = []
    holder = False
    for raw in text.split():
        token = re.sub("[^\u0621-\u064a\u0671-\u06d3]", "", raw)
        if not token:
            continue
        if holder:  # عبد / ابو + the next word, its article dropped: عبد الرحمن -> عبدرحمن
            out[-1] += _strip_arabic_article(token)
            holder = False
            continue
        if token in _ARABIC_SECONDS and out:  # نور الدين -> نوردين
            out[-1] += token[2:]
            continue
        if token in _ARABIC_HOLDERS:
            out.append(token)
            holder = True
            continue
        for prefix in _ARABIC_HOLDERS:  # عبدالرحمن written as one word
            if token.startswith(prefix) and len(token) >= len(prefix) + 2:
                token = prefix + _strip_arabic_article(token[len(prefix):])
                break
        if token.endswith("الدين") and len(token) > 6:
            token = token[:-5] + "دين"
        out.append(token)
    return out


def _strip_arabic_article(token: str) -> str:
    return token[2:] if token.startswith("ال") and len(token) > 3 else token


def _latin_words(text: str) -> list[str]:
    out: list[str] = []
    holder = False
    for token in re.split(r"[^a-z0-9]+", text):
        if not token:
            continue
        if token in _LATIN_ARTICLES:  # al-Halabi, ash-Shami, Nour al-Din: the article goes
            continue
        if holder:
            out[-1] += _strip_latin_article(token)
            holder = False
            continue
        if token in _LATIN_SECONDS and out:
            out[-1] += _strip_latin_article(token)
            continue
        if token in _LATIN_HOLDERS:
            out.append(_LATIN_HOLDERS[token])
            holder = True
            continue
        servant = _LATIN_SERVANT.match(token)
        if servant:  # Abdulrahman, Abdelkader, Abdullah -> abd + the rest
            token = "abd" + token[servant.end():]
        religion = _LATIN_RELIGION.match(token)
        if religion and not token.startswith("abd"):  # Nureddin, Noureddine -> nur + din
            token = religion.group(1) + "din"
        out.append(token)
    return out


def _strip_latin_article(token: str) -> str:
    for article in ("al", "el", "ul"):
        if token.startswith(article) and len(token) > len(article) + 2:
            return token[len(article):]
    return token


# -- keys ------------------------------------------------------------------------------------

_A, _I, _U = frozenset("a"), frozenset("i"), frozenset("u")
_EMPTY = Slot(frozenset(), False, False)
_WILD = Slot(frozenset(), False, True)
_MAX_VARIANTS = 16

# Each consonant and the sound classes a Latin transliteration may give it. ث and ذ are
# pronounced t/s and d/z in Syria and written th/dh by others; ظ is z or dh.
_ARABIC_CONSONANTS: dict[str, tuple[str, ...]] = {
    "ب": ("b",), "ت": ("t",), "ث": ("T", "t", "s"), "ج": ("j",), "ح": ("h",), "خ": ("x",),
    "د": ("d",), "ذ": ("D", "d", "z"), "ر": ("r",), "ز": ("z",), "س": ("s",), "ش": ("S",),
    "ص": ("s",), "ض": ("d",), "ط": ("t",), "ظ": ("z", "D"), "غ": ("G",), "ف": ("f",),
    "ق": ("k",), "ك": ("k",), "ل": ("l",), "م": ("m",), "ن": ("n",), "ه": ("h",),
    "و": ("w",), "ي": ("y",),
}
_ARABIC_VOWELS: dict[str, frozenset[str]] = {"ا": _A, "و": _U, "ي": _I}
_ARABIC_GLOTTAL = frozenset("عءأإآؤئ")

# Latin letters and digraphs, longest first, and their sound classes. "ch" is kh to a German
# and sh to a French writer; "th" stands for ث or ذ, which Syrians say as t/s and d/z; a lone
# "g" is an Egyptian-style ج or a Bedouin-style ق.
_LATIN_CONSONANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sch", ("S",)), ("sh", ("S",)), ("ch", ("x", "S")), ("kh", ("x",)), ("gh", ("G",)),
    ("th", ("T", "D", "s", "z")), ("dh", ("D", "z", "d")), ("dj", ("j",)), ("ph", ("f",)),
    ("ck", ("k",)), ("b", ("b",)), ("p", ("b",)), ("t", ("t",)), ("j", ("j",)),
    ("g", ("j", "k")), ("h", ("h",)), ("d", ("d",)), ("r", ("r",)), ("z", ("z",)),
    ("s", ("s",)), ("f", ("f",)), ("v", ("f",)), ("q", ("k",)), ("k", ("k",)), ("c", ("k",)),
    ("l", ("l",)), ("m", ("m",)), ("n", ("n",)), ("x", ("ks",)),
    # the chat alphabet: 7 ح, 5 خ, 6 ط, 9 ص, 8 ق
    ("7", ("h",)), ("5", ("x",)), ("6", ("t",)), ("9", ("s",)), ("8", ("k",)),
)
_LATIN_VOWEL_LETTERS = frozenset("aeiouyw23")  # 2 and 3 (hamza, ع) sit among the vowels
_LATIN_QUALITY = {"a": _A, "e": frozenset("ai"), "i": _I, "o": _U, "u": _U, "y": _I, "w": _U}
_DIPHTHONG_I = frozenset({"ee", "ei", "ey", "ai", "ay", "ii", "iy", "ie"})


def _word(text: str, *, arabic: bool) -> Word:
    return Word(text, arabic, _variants(text, arabic))


@lru_cache(maxsize=65536)
def _variants(text: str, arabic: bool) -> tuple[Key, ...]:
    """Every reading of a word worth comparing (article or not, each ambiguous letter)."""
    spellings = [text]
    if arabic and text.startswith("ال") and len(text) > 3:
        spellings.insert(0, text[2:])
    if not arabic and text.startswith(("al", "el")) and len(text) >= 5:
        spellings.insert(0, text[2:])  # Alhalabi; kept as written too (Alaa, Elias)
    keys: list[Key] = []
    for spelling in spellings:
        segments = _arabic_segments(spelling) if arabic else _latin_segments(spelling)
        keys += _keys(segments, arabic)
    unique = list(dict.fromkeys(keys))
    return tuple(unique[:_MAX_VARIANTS])


# A segment is ("c", classes), ("v", Slot) or ("h", Slot): a final h/ه that is either a
# consonant or the end of a vowel (taa marbuta written ه; Salameh, Hamzah).
Segment = tuple[str, object]


def _arabic_segments(text: str) -> list[Segment]:
    out: list[Segment] = []
    pending: set[str] = set()
    glottal = False
    for i, letter in enumerate(text):
        first, last = i == 0, i == len(text) - 1
        if letter == "ا" and first:  # a hamza (written or not) carrying an unknown vowel
            glottal = True
            continue
        if letter in _ARABIC_VOWELS and not first:
            pending |= _ARABIC_VOWELS[letter]
            if last and letter == "ي":
                pending |= _A  # ى typed as ي: مصطفي is Mustafa
            continue
        if letter in _ARABIC_GLOTTAL:
            if letter == "آ":
                pending |= _A
            glottal = True
            continue
        if letter == "ة":
            pending |= _A
            continue
        if letter == "ى":
            pending |= _A | _I
            continue
        if letter == "ه" and last and i > 0:
            out.append(_arabic_slot(pending, glottal))
            out.append(("h", Slot(_A, True, False)))
            pending, glottal = set(), False
            continue
        classes = _ARABIC_CONSONANTS.get(letter)
        if classes is None:
            continue
        out.append(_arabic_slot(pending, glottal))
        out.append(("c", classes))
        pending, glottal = set(), False
    out.append(_arabic_slot(pending, glottal))
    return out


def _arabic_slot(qualities: set[str], glottal: bool) -> Segment:
    if qualities:
        return ("v", Slot(frozenset(qualities), True, False))
    return ("v", _WILD if glottal else _EMPTY)


def _latin_segments(text: str) -> list[Segment]:
    out: list[Segment] = []
    run = ""
    i = 0
    while i < len(text):
        letter = text[i]
        if letter in _LATIN_VOWEL_LETTERS and not (i == 0 and letter in "yw"):
            run += letter
            i += 1
            continue
        if letter == "h" and i == len(text) - 1 and run and out:  # Salameh, Hamzah
            out.append(_latin_slot(run))
            out.append(("h", _EMPTY))
            return out + [("v", _EMPTY)]
        if i == 0 and letter in "yw":
            out.append(("v", _EMPTY))
            out.append(("c", (letter,)))
            i += 1
            continue
        for spelling, classes in _LATIN_CONSONANTS:
            if text.startswith(spelling, i):
                out.append(_latin_slot(run))
                out.append(("c", classes))
                run = ""
                i += len(spelling)
                break
        else:
            i += 1  # anything else carries no sound
    out.append(_latin_slot(run))
    return out


def _latin_slot(run: str) -> Segment:
    run = run.replace("2", "").replace("3", "")
    if not run:
        return ("v", _EMPTY)
    if set(run) <= set("ouw"):
        quality = _U
    elif run in _DIPHTHONG_I or (len(run) == 2 and run[1] in "iy"):
        quality = _I
    elif set(run) == {"a"}:
        quality = _A
    else:
        quality = frozenset().union(*(_LATIN_QUALITY[c] for c in run))
    long: bool | None = len(run) >= 2
    if run in ("ou", "ow"):
        long = None  # French "ou" is a u, short or long
    return ("v", Slot(quality, long, False))


def _keys(segments: Sequence[Segment], arabic: bool) -> list[Key]:
    """Expand segments into keys: one per choice of each consonant's class."""
    choices: list[list[tuple[str, Slot | None]]] = []
    slots_before: list[Slot] = []
    current = _EMPTY
    for kind, value in segments:
        if kind == "v":
            assert isinstance(value, Slot)
            current = _merge(current, value)
        elif kind == "c":
            assert isinstance(value, tuple)
            slots_before.append(current)
            choices.append([(c, None) for c in value])
            current = _EMPTY
        else:  # a final h: a consonant, or part of the vowel before it
            assert isinstance(value, Slot)
            slots_before.append(current)
            choices.append([("h", None), ("", value)])
            current = _EMPTY
    keys = []
    for picked in itertools.islice(itertools.product(*choices), _MAX_VARIANTS):
        consonants = ""
        slots: list[Slot] = []
        for (classes, vowel), before in zip(picked, slots_before):
            if not slots:
                slots.append(before)
            else:
                slots[-1] = _merge(slots[-1], before)
            if classes == "":
                slots[-1] = _merge(slots[-1], vowel or _EMPTY)
                continue
            for c in classes:
                if consonants and consonants[-1] == c and slots[-1].empty:
                    continue  # a doubled consonant (shadda): one sound
                consonants += c
                slots.append(_EMPTY)
        if not slots:
            slots.append(_EMPTY)
        slots[-1] = _merge(slots[-1], current)
        keys.append(Key(consonants, tuple(slots), arabic))
    return keys


def _merge(a: Slot, b: Slot) -> Slot:
    if a.empty:
        return b
    if b.empty:
        return a
    long = True if (a.long or b.long) else (None if None in (a.long, b.long) else False)
    return Slot(a.qualities | b.qualities, long, a.wild and b.wild)


# -- comparing -------------------------------------------------------------------------------

_VOWEL_PENALTY = 0.2


def similarity(a: Word | None, b: Word | None) -> float | None:
    """How alike two spellings of a name are, 0 to 1 (None when either is unknown)."""
    if a is None or b is None:
        return None
    return _similarity(a.variants, b.variants)


@lru_cache(maxsize=262144)
def _similarity(a: tuple[Key, ...], b: tuple[Key, ...]) -> float:
    best = 0.0
    for ka in a:
        for kb in b:
            if ka.consonants == kb.consonants:
                cost = sum(_slot_cost(x, y, ka.arabic, kb.arabic, initial=i == 0)
                           for i, (x, y) in enumerate(zip(ka.slots, kb.slots)))
                best = max(best, 1.0 - _VOWEL_PENALTY * cost)
            else:
                best = max(best, 0.9 * Levenshtein.normalized_similarity(ka.consonants,
                                                                         kb.consonants))
            if best >= 1.0:
                return 1.0
    return max(0.0, best)


def _slot_cost(x: Slot, y: Slot, x_arabic: bool, y_arabic: bool, *, initial: bool) -> float:
    """How much two vowel slots disagree, 0 (not at all) to 1."""
    if x_arabic and y_arabic:  # the same script: the letters themselves differ or not
        return 0.0 if (x.qualities, x.wild) == (y.qualities, y.wild) else 1.0
    if x.wild or y.wild or (x.empty and y.empty):
        return 0.0
    if y_arabic:
        x, y = y, x
        x_arabic, y_arabic = True, False
    if x_arabic:  # Arabic against Latin
        if x.empty:  # no long vowel in Arabic: Latin may write a short one, not a long one
            if initial and not y.empty:
                return 1.0  # an Arabic word that starts with a consonant has no vowel before it
            if y.empty or y.long is False:
                return 0.0
            return 0.25 if y.long is None else 1.0
        if y.empty:
            return 0.5
        return 0.0 if x.qualities & y.qualities else 1.0
    # Latin against Latin: short vowels are written freely, long ones less so
    if x.empty or y.empty:
        other = y if x.empty else x
        return 1.0 if other.long else 0.5
    if x.qualities & y.qualities:
        return 0.0 if x.long == y.long or None in (x.long, y.long) else 0.25
    return 0.25 if not x.long and not y.long else (0.5 if None in (x.long, y.long) else 1.0)


def same_name(a: Word | None, b: Word | None) -> bool:
    """Whether two spellings are taken for the same name (similarity >= :data:`SAME_NAME`)."""
    value = similarity(a, b)
    return value is not None and value >= SAME_NAME


def blocking_keys(w: Word) -> set[str]:
    """Short keys that every close spelling of `w` shares with it: its consonants."""
    return {k.consonants for k in w.variants if k.consonants}


# -- full names --------------------------------------------------------------------------------

PARTS = ("first", "father", "grandfather", "family", "mother")


@dataclass(frozen=True)
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


def name_blocks(name: PersonName) -> set[str]:
    """Keys for finding other reports that may name the same person (blocking)."""
    first = blocking_keys(name.first) if name.first else set()
    others: list[set[str]] = [blocking_keys(w) for w in (name.father, name.family) if w]
    return {f"{f}|{o}" for f in first for keys in others for o in keys}


_PART_WORDS = {"first": N_("first name"), "father": N_("father's name"),
               "grandfather": N_("grandfather's name"), "family": N_("family name"),
               "mother": N_("mother's name")}


def parts_words(parts: Iterable[str]) -> Listing:
    """Name parts in words, for each language: "first name, father's name"."""
    return Listing(tuple(Phrase(_PART_WORDS[p]) for p in parts))
