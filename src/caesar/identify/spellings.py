"""The spelling tables (`spellings.toml`): which sounds each Latin and Arabic letter may write,
the habits of English, French, German and other spellings, endings, short forms (Mhd) and the
words that join another (the article, Abd al-, Abu, bin, al-Din).

Analysts extend the file; this module reads and checks it (every sound from the tables'
alphabet, every entry with an example), so that a mistake names its entry instead of
quietly changing how names compare.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from caesar.errors import CaesarError

Habit: TypeAlias = Literal["English", "French", "German", "Italian", "Spanish", "Dutch",
                           "Turkish", "Kurdish", "Persian", "Armenian", "Egyptian", "Russian",
                           "chat"]

# The sounds the tables may name: Arabic consonants, the letters Persian and Kurdish add
# for sounds Arabic lacks, and vowels (short a i u, long aa ii uu).
CONSONANTS = frozenset("بتثجحخدذرزسشصضطظغفقكلمنهوي" "پڤچژگ")
VOWELS = {"a": "a", "i": "i", "u": "u", "aa": "a", "ii": "i", "uu": "u"}


class BadSpellingTable(CaesarError):
    """The spelling tables cannot be read."""


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    example: tuple[str, str]
    unlike: tuple[str, str] | None = None


class LatinLetters(_Entry):
    """Latin letters and the sounds they may write, with the habit that writes them so."""

    letters: str = Field(min_length=1)
    sounds: tuple[str, ...] = Field(min_length=1)
    habit: Habit | None = None
    written: bool = False  # a sound Arabic writes with another letter: "p written as ب"
    cost: float = Field(default=0.0, ge=0.0, le=0.3)
    at: tuple[Literal["start", "end", "between vowels"], ...] | None = None  # where in a word
    # Only against a spelling in Arabic letters: two Latin spellings keep these letters apart
    # (Turkish h may write خ, yet English Hayat and Khayat are two names).
    against_arabic: bool = False

    @field_validator("letters")
    @classmethod
    def _lower(cls, value: str) -> str:
        if value != value.casefold() or " " in value:
            raise ValueError("letters are written in lower case, without spaces")
        return value

    @field_validator("sounds")
    @classmethod
    def _sounds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for sound in value:
            if not (sound in VOWELS or set(sound.split()) <= CONSONANTS):
                raise ValueError(f"{sound!r} is not a sound of the tables (Arabic letters,"
                                 " پ ڤ چ ژ گ, or a i u aa ii uu)")
        return value

    @property
    def vowel(self) -> bool:
        """Whether these letters write a vowel."""
        return all(s in VOWELS for s in self.sounds)

    @property
    def key(self) -> str:
        return f"latin:{self.letters}:{self.habit or ('written' if self.written else 'usual')}"


class ArabicLetter(_Entry):
    """An Arabic (or Persian, Kurdish) letter and the sounds it may write."""

    letter: str = Field(min_length=1, max_length=1)
    sounds: tuple[str, ...] = Field(min_length=1)

    @field_validator("sounds")
    @classmethod
    def _sounds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not set(value) <= CONSONANTS:
            raise ValueError("an Arabic letter's sounds are consonants of the tables")
        return value

    @property
    def key(self) -> str:
        return f"arabic:{self.letter}"


class Ending(_Entry):
    """An ending that marks a family's origin (Armenian -ian, ـيان)."""

    latin: tuple[str, ...] = Field(min_length=1)
    arabic: tuple[str, ...] = Field(min_length=1)
    habit: Habit

    @property
    def key(self) -> str:
        return f"ending:{self.latin[0]}"


class ShortForm(_Entry):
    """What lists write for a whole name: Mhd for Mohammad."""

    forms: tuple[str, ...] = Field(min_length=1)
    full: str

    @property
    def key(self) -> str:
        return f"short:{self.forms[0]}"


class Compound(_Entry):
    """A word that joins the next (عبد, Abu, bin) or the previous one (الدين, Allah)."""

    arabic: str
    latin: tuple[str, ...] = Field(min_length=1)
    joins: Literal["next", "previous"]

    @property
    def key(self) -> str:
        return f"compound:{self.latin[0]}"


class Articles(BaseModel):
    """The article as Latin spellings write it (al-, el-, ash-, ...) and in Arabic."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    articles: tuple[str, ...]
    arabic_article: str


class _File(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    latin: tuple[LatinLetters, ...]
    arabic: tuple[ArabicLetter, ...]
    ending: tuple[Ending, ...]
    short: tuple[ShortForm, ...]
    words: Articles
    compound: tuple[Compound, ...]


Entry: TypeAlias = LatinLetters | ArabicLetter | Ending | ShortForm | Compound


@dataclass(frozen=True, eq=False)
class Option:
    """One sound (or two, one after the other) that Latin letters may write, and at what
    cost; `entry` says which habit writes it so."""

    sounds: tuple[str, ...]
    cost: float
    entry: LatinLetters

    def same(self, other: Option) -> bool:
        """Whether two options write the same sounds at the same cost by the same entry."""
        return (self.sounds, self.cost, self.entry) == (other.sounds, other.cost, other.entry)


@dataclass(frozen=True)
class Tables:
    """The spelling tables, read and arranged for the comparison."""

    file: _File
    latin: dict[str, tuple[Option, ...]]  # letters -> every sound they may write
    longest: int  # the longest Latin letters listed
    arabic: dict[str, frozenset[str]]  # letter -> sounds, for letters writing more than one
    short: dict[str, ShortForm]  # a short form -> its entry
    articles: frozenset[str]
    arabic_article: str
    holders: dict[str, Compound]  # Latin first halves (abdul, abu, bin) -> the compound
    seconds: dict[str, Compound]  # Latin second halves (eddine, ullah) -> the compound
    arabic_holders: frozenset[str]
    arabic_seconds: frozenset[str]
    kept: frozenset[str]  # accented Latin letters with sounds of their own (ş ç ğ ê î û)

    def entries(self) -> list[Entry]:
        """Every entry of the file, in its order by kind."""
        f = self.file
        return [*f.latin, *f.arabic, *f.ending, *f.short, *f.compound]


def _arrange(file: _File) -> Tables:
    said = {e.letter: e.sounds for e in file.arabic}
    latin: dict[str, list[Option]] = defaultdict(list)
    for entry in file.latin:
        for sound in entry.sounds:
            # Latin th writes ث, which Syrians say ت or س: Othman and Osman are one name.
            for each in said.get(sound, (sound,)):
                option = Option(tuple(each.split()), entry.cost, entry)
                if not any(option.same(o) for o in latin[entry.letters]):
                    latin[entry.letters].append(option)
    short = {form: s for s in file.short for form in s.forms}
    holders = {spelling: c for c in file.compound if c.joins == "next" for spelling in c.latin}
    seconds = {spelling: c for c in file.compound if c.joins == "previous"
               for spelling in c.latin}
    kept = frozenset(c for letters in latin for c in letters if not c.isascii())
    return Tables(
        file=file, latin={k: tuple(v) for k, v in latin.items()},
        longest=max(len(k) for k in latin),
        arabic={e.letter: frozenset(e.sounds) for e in file.arabic},
        short=short, articles=frozenset(file.words.articles),
        arabic_article=file.words.arabic_article, holders=holders, seconds=seconds,
        arabic_holders=frozenset(c.arabic for c in file.compound if c.joins == "next"),
        arabic_seconds=frozenset(c.arabic for c in file.compound if c.joins == "previous"),
        kept=kept)


def read_tables(text: str) -> Tables:
    """Spelling tables from the text of a TOML file like `spellings.toml`."""
    try:
        return _arrange(_File.model_validate(tomllib.loads(text)))
    except tomllib.TOMLDecodeError as error:
        raise BadSpellingTable(f"The spelling tables are not valid TOML: {error}",
                               hint="Fix the line named, as in the file's other entries.") \
            from error
    except ValidationError as error:
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                          for e in error.errors())
        raise BadSpellingTable(f"The spelling tables have a wrong entry: {where}",
                               hint="Each entry is numbered from 0 within its kind ([[latin]],"
                               " [[arabic]], ...): fix it as the file's header says.") \
            from error


@cache
def table() -> Tables:
    """The tables shipped with Caesar Archive (`caesar/identify/spellings.toml`)."""
    text = resources.files("caesar.identify").joinpath("spellings.toml").read_text("utf-8")
    return read_tables(text)
