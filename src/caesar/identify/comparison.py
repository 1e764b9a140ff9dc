"""How alike two spellings of a name are, and why, in words each language says.

Two words compare as the best alignment of their skeletons (`caesar.identify.alignment`); at
:data:`SAME_NAME` or more they are taken for the same name. :func:`likeness` also keeps what
made them alike, and :func:`spelt` says it as a phrase of `caesar.identify.wording`:
"Firpo ↔ فيربو: p written as ب", "Choukri ↔ Shukri: ch and sh both write ش (French
spelling)", "Mhd ↔ محمد: Mhd, short for Mohammad". :func:`habits` says the same without the
names, for lists that must name nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from caesar.identify.alignment import Alignment, Note, align, explain
from caesar.identify.script import is_arabic
from caesar.identify.spellings import Ending, ShortForm, table
from caesar.identify.wording import N_, Listing, Phrase, phrase
from caesar.identify.words import Word

SAME_NAME = 0.85
"""Word similarity at or above which two spellings are taken for the same name."""

CLOSE = 0.7
"""Word similarity from which two spellings are close (a misspelling, a misheard name)."""

_MAX_NOTES = 3


def similarity(a: Word | None, b: Word | None) -> float | None:
    """How alike two spellings of a name are, 0 to 1 (None when either is unknown)."""
    if a is None or b is None:
        return None
    return _similarity(a.text, a.arabic, b.text, b.arabic)


def same_name(a: Word | None, b: Word | None) -> bool:
    """Whether two spellings are taken for the same name (similarity >= :data:`SAME_NAME`)."""
    value = similarity(a, b)
    return value is not None and value >= SAME_NAME


# Below this share of consonants in common, in any reading, two words are not aligned: a clear
# difference that the alignment could only confirm.
_FAR = 0.5


@lru_cache(maxsize=262144)
def _similarity(a: str, a_arabic: bool, b: str, b_arabic: bool) -> float:
    x, y = Word(a, a_arabic), Word(b, b_arabic)
    near = _near(x, y)
    if near < _FAR:
        return 0.9 * near  # as clear differences in that share of the consonants would give
    return best_alignment(x, y)[0].similarity


def _near(a: Word, b: Word) -> float:
    """The greatest share of consonants two words have in common, in any of their outlines."""
    xs, ys = a.outlines, b.outlines
    if xs & ys:
        return 1.0
    scorer = Levenshtein.normalized_similarity
    return max(process.extractOne(x, ys, scorer=scorer)[1] for x in xs) if xs and ys else 0.0


def best_alignment(a: Word, b: Word) -> tuple[Alignment, int, int]:
    """The best alignment of any two readings of two words, and which readings.

    Two words that both may carry the article are compared with it on both only where they
    agree (Alberto, ألبرتو): else the article would count as a consonant they share and soften
    a real difference (الاحمد and المحمد are as far apart as احمد and محمد)."""
    both = len(a.readings) > 1 and len(b.readings) > 1
    last = (len(a.readings) - 1, len(b.readings) - 1)
    found = [(aligned, i, j) for i, ra in enumerate(a.readings)
             for j, rb in enumerate(b.readings)
             if not ((aligned := align(ra, rb)).hard and both and (i, j) == last)]
    return max(found, key=lambda f: f[0].similarity)


@dataclass(frozen=True)
class Likeness:
    """Two spellings of a name compared: how alike, and what makes them so."""

    first: Word
    second: Word
    similarity: float
    notes: tuple[Note, ...]
    shorts: tuple[ShortForm, ...]
    endings: tuple[Ending, ...]

    @property
    def said(self) -> bool:
        """Whether anything is worth saying about how the two are spelt."""
        return bool(self.notes or self.shorts or self.endings)


def likeness(a: Word, b: Word) -> Likeness:
    """How alike `a` and `b` are, with the habits, short forms and endings that make them so
    (the notes of the best alignment)."""
    _, i, j = best_alignment(a, b)
    traced = explain(a.readings[i], b.readings[j])
    shorts = tuple(w.short for w in (a, b) if w.short is not None)
    return Likeness(a, b, traced.similarity, traced.notes[:_MAX_NOTES], shorts,
                    _endings(a, b))


def _endings(a: Word, b: Word) -> tuple[Ending, ...]:
    def ends(w: Word, ending: Ending) -> bool:
        return any(w.text.endswith(e) for e in (ending.arabic if w.arabic else ending.latin))
    return tuple(e for e in table().file.ending
                 if ends(a, e) and ends(b, e) and len(a.text) > 3 and len(b.text) > 3)


_HABITS = {"English": N_("English spelling"), "French": N_("French spelling"),
           "German": N_("German spelling"), "Italian": N_("Italian spelling"),
           "Spanish": N_("Spanish spelling"), "Dutch": N_("Dutch spelling"),
           "Turkish": N_("Turkish spelling"), "Kurdish": N_("Kurdish spelling"),
           "Persian": N_("Persian spelling"),
           "Armenian": N_("Armenian spelling"), "Egyptian": N_("Egyptian spelling"),
           "Russian": N_("Russian spelling"), "chat": N_("the chat alphabet")}


def habits(found: Likeness) -> list[Phrase]:
    """What makes two spellings alike, naming letters but no name: "p written as ب",
    "ou for و (French spelling)", "a short form of a name"."""
    out = [_note(n) for n in found.notes]
    out += [phrase("a short form of a name") for _ in found.shorts]
    out += [phrase("the ending {ending} ({habit})", ending=e.latin[0],
                   habit=Phrase(_HABITS[e.habit])) for e in found.endings]
    return out


def spelt(found: Likeness) -> Phrase:
    """The two spellings and what makes them alike: "Firpo ↔ فيربو: p written as ب"."""
    how = [_note(n) for n in found.notes]
    how += [phrase("{short}, short for {full}", short=s.forms[0].capitalize(), full=s.full)
            for s in found.shorts]
    how += [phrase("the ending {ending} ({habit})", ending=e.latin[0],
                   habit=Phrase(_HABITS[e.habit])) for e in found.endings]
    return phrase("{first} ↔ {second}: {how}", first=found.first.written or found.first.text,
                  second=found.second.written or found.second.text,
                  how=Listing(tuple(how), "; "))


def _note(note: Note) -> Phrase:
    habit = note.entry.habit
    if note.across:
        latin, arabic = ((note.first, note.second) if not is_arabic(note.first)
                         else (note.second, note.first))
        if note.entry.written or habit is None:
            return phrase("{latin} written as {arabic}", latin=latin, arabic=arabic)
        return phrase("{latin} for {arabic} ({habit})", latin=latin, arabic=arabic,
                      habit=Phrase(_HABITS[habit]))
    if habit is None:
        return phrase("{one} and {other} both write {sound}", one=note.first,
                      other=note.second, sound=note.sound.replace(" ", ""))
    return phrase("{one} and {other} both write {sound} ({habit})", one=note.first,
                  other=note.second, sound=note.sound.replace(" ", ""),
                  habit=Phrase(_HABITS[habit]))
