"""The words of a name, each a :class:`Word` with its skeleton(s).

The spelling tables say which words join another: ``عبد``/Abd/Abdul/Abdel + the next word,
Abu/Abou, bin/ben/ibn, and ``الدين``/din/eddine or Allah/ullah after a word, are one name
(``عبد الله`` = ``عبدالله`` = Abdullah = Abd Allah; ``نور الدين`` = Nureddin); the article
(al-, el-, ash-, Al, joined Al...) is dropped or tried both ways; a short form (Mhd, Mohd) is
read as the name it stands for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from caesar.identify.script import (
    TRANSLITERATION_MARKS,
    is_arabic,
    normalise_arabic,
    normalise_latin,
)
from caesar.identify.skeleton import (
    COMMON,
    Reading,
    arabic_reading,
    latin_reading,
    likeliest,
    outlines,
    sounds,
)
from caesar.identify.spellings import ShortForm, table

_MAX_KEYS = 32
_KEY_SOUNDS = 3


@dataclass(frozen=True, slots=True)
class Word:
    """One name (a compound counts as one), in its script, with the skeletons to compare."""

    text: str  # normalised, compounds joined
    arabic: bool
    written: str = ""  # as the report writes it (for explanations)
    short: ShortForm | None = None  # the short form it was written as (Mhd)

    @property
    def readings(self) -> tuple[Reading, ...]:
        """Every skeleton of the word worth comparing (with and without an article)."""
        return _readings(self.text, self.arabic)

    @property
    def keys(self) -> frozenset[str]:
        """Short keys every close spelling of this word shares with it: each sound its first
        three consonants may write (blocking: finding reports to compare, never all pairs)."""
        return _keys(self.text, self.arabic)

    @property
    def outlines(self) -> frozenset[str]:
        """Its consonants as strings of sounds, in every reading (`skeleton.outlines`)."""
        return _outlines(self.text, self.arabic)

    @property
    def key(self) -> str:
        """One key for counting how common the name is (its consonants' usual sounds)."""
        return _key(self.text, self.arabic)


def words(text: str) -> list[Word]:
    """The names in `text` (a full name, or one part of it), compounds joined."""
    return list(_words(text.strip()))


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[Word, ...]:
    if not text:
        return ()
    return tuple(_arabic_words(text) if is_arabic(text) else _latin_words(text))


def word(text: str) -> Word | None:
    """`text` as one name (several words are joined, as a compound would be)."""
    found = words(text)
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    return Word("".join(w.text for w in found), found[0].arabic,
                " ".join(w.written for w in found))


_ARABIC_NOT_LETTER = re.compile("[^\u0621-\u064a\u0671-\u06d5]")


def _arabic_words(text: str) -> list[Word]:
    tables = table()
    article = tables.arabic_article
    out: list[Word] = []
    holder = False
    for raw in text.split():
        token = _arabic_token(raw)
        if not token:
            continue
        if holder:  # عبد / ابو + the next word, its article dropped: عبد الرحمن -> عبدرحمن
            last = out[-1]
            out[-1] = Word(last.text + _strip(token, article), True, f"{last.written} {raw}")
            holder = False
            continue
        if token in tables.arabic_seconds and out:  # نور الدين -> نوردين
            last = out[-1]
            out[-1] = Word(last.text + _strip(token, article), True, f"{last.written} {raw}")
            continue
        if token in tables.arabic_holders:
            out.append(Word(token, True, raw))
            holder = True
            continue
        for prefix in tables.arabic_holders:  # عبدالرحمن written as one word
            if token.startswith(prefix) and len(token) >= len(prefix) + 2:
                token = prefix + _strip(token[len(prefix):], article)
                break
        for second in tables.arabic_seconds:  # نورالدين written as one word
            if token.endswith(second) and len(token) > len(second) + 1:
                token = token[:-len(second)] + _strip(second, article)
                break
        out.append(Word(token, True, raw))
    return out


@lru_cache(maxsize=65536)
def _arabic_token(raw: str) -> str:
    """One written Arabic word folded, without what is not a letter (each spelling once: a
    list's full names are all different, their words mostly not)."""
    return _ARABIC_NOT_LETTER.sub("", normalise_arabic(raw))


def _strip(token: str, article: str) -> str:
    return token[len(article):] if token.startswith(article) and len(token) > 3 else token


# Words are split at anything but letters, digits and the marks for ع and hamza (Wa'el is one
# word, not Wa and the article el).
_LATIN_SPLIT = re.compile(f"[^\\w{re.escape(TRANSLITERATION_MARKS)}]+|_")
_SERVANT = re.compile(r"^(abd)(?:oul|ul|el|al|il|ol|ur|er|es|us|ar|as|u|e|a|i|o)?"
                      r"(?=[a-z0-9]{2})")
# Abu and the article joined to the name after them, as Persian and North African spellings
# write it: Abolfazl, Aboulkacem, Abulhassan (ابو الفضل, ابو القاسم, ابو الحسن).
_FATHER_OF = re.compile(r"^ab(?:ou|u|o)l(?=[a-z]{3})")
_RELIGION = re.compile(r"^([a-z0-9]{2,}?)(?:ad|ed|ud|id|al|el|ul|a|e|u)?(din|deen|dine)$")


def _latin_words(text: str) -> list[Word]:
    tables = table()
    out: list[Word] = []
    holder = False
    for raw in _LATIN_SPLIT.split(text):
        token = _latin_token(raw)
        if not token:
            continue
        if token in tables.articles:  # al-Halabi, ash-Shami, Nour al-Din: the article goes
            continue
        if holder:
            last = out[-1]
            out[-1] = Word(last.text + _strip_latin(token), False, f"{last.written} {raw}")
            holder = False
            continue
        if token in tables.seconds and out:
            last = out[-1]
            out[-1] = Word(last.text + tables.seconds[token].latin[0], False,
                           f"{last.written} {raw}")
            continue
        if token in tables.holders:
            out.append(Word(tables.holders[token].latin[0], False, raw))
            holder = True
            continue
        short = tables.short.get(token)
        if short is not None:
            out.append(Word(normalise_latin(short.full), False, raw, short))
            continue
        servant = _SERVANT.match(token)
        if servant:  # Abdulrahman, Abdelkader, Abderrahmane -> abd + the rest
            token = "abd" + token[servant.end():]
        father_of = _FATHER_OF.match(token)
        if father_of:  # Abolfazl -> abu + fazl, as ابوالفضل is ابو + فضل
            token = "abu" + token[father_of.end():]
        religion = _RELIGION.match(token)
        if religion and not token.startswith("abd"):  # Nureddin, Noureddine -> nur + din
            token = religion.group(1) + "din"
        out.append(Word(token, False, raw))
    return out


@lru_cache(maxsize=65536)
def _latin_token(raw: str) -> str:
    """One written Latin word folded (each spelling once, as :func:`_arabic_token`)."""
    return normalise_latin(raw, table().kept).replace(" ", "")


def _strip_latin(token: str) -> str:
    for article in ("al", "el", "ul"):
        if token.startswith(article) and len(token) > len(article) + 2:
            return token[len(article):]
    return token


# The article joined to a name and said as its first letter, as North African French
# spellings write it: e (or a) and the letter doubled.
_ASSIMILATED = re.compile(r"^[ae]([tdszrnl])\1")


@lru_cache(maxsize=65536)
def _readings(text: str, arabic: bool) -> tuple[Reading, ...]:
    spellings = [text]
    if arabic and text.startswith("ال") and len(text) > 3:
        spellings.insert(0, text[2:])
    if not arabic and text.startswith(("al", "el")) and len(text) >= 5:
        spellings.insert(0, text[2:])  # Alhalabi; kept as written too (Alaa, Elias)
    if not arabic and _ASSIMILATED.match(text) and len(text) >= 5:
        spellings.insert(0, text[2:])  # Ezzine, Essid, Ennaifer: al-Zain, al-Sid, al-Naifer
    read = arabic_reading if arabic else latin_reading
    return tuple(dict.fromkeys(read(s) for s in spellings))


@lru_cache(maxsize=65536)
def _keys(text: str, arabic: bool) -> frozenset[str]:
    keys: set[str] = set()
    readings = list(_readings(text, arabic))
    # A first w or y may be a vowel in the other spelling (Ouassim, وسيم; Iyad, إياد).
    readings += [r[1:] for r in readings if r and r[0].kind == "C" and r[0].text in "ويwy"]
    for reading in readings:
        keys.update(likeliest(_key_choices(reading), _MAX_KEYS, _KEY_SOUNDS))
    return frozenset(keys)


def _key_choices(reading: Reading) -> list[list[str]]:
    """Each consonant's sounds for keys, the usual first, with the sounds spellings write for
    one another merged (`skeleton.COMMON`: ط as ت, ق as ك); a Latin consonant that may write
    و or ي may also be without it, as Arabic may write it as a long vowel (Parviz, برويز)."""
    out = []
    latin = bool(reading) and not reading[0].arabic
    for choices in sounds(reading, final_h=True):  # Salah, صلاح
        merged = ["".join(c).translate(COMMON) for c in choices]
        if latin:  # Parviz, برويز; Agnelli, أنييلي
            merged += ["".join(s for s in c if s not in "وي").translate(COMMON)
                       for c in choices]
        out.append(list(dict.fromkeys(merged)))
    return out


@lru_cache(maxsize=65536)
def _outlines(text: str, arabic: bool) -> frozenset[str]:
    return frozenset().union(*(outlines(r) for r in _readings(text, arabic)))


@lru_cache(maxsize=65536)
def _key(text: str, arabic: bool) -> str:
    reading = _readings(text, arabic)[0]
    return "".join(choices[0][0] for choices in sounds(reading)).translate(COMMON)
