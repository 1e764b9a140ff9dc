"""What a tattoo says, compared: the text a family remembers against the text on a body.

A tattoo's inscription is a name (a mother's, a daughter's, a beloved's), a date, initials or
a few words, in Arabic or Latin letters; the family often writes it in the other script, or
misspells it, and a faded tattoo is misread. So a text is compared as names are
(`caesar.identify.names`, the one normalisation of Arabic and Latin spellings): each word as a
name (رانيا = Rania = Raniya), the numbers in it as numbers (٢٠٠٥ = 2005, 03 = 3), and the two
texts as how many of their words and numbers pair up. Nothing here excludes: a text that
differs only weighs against (`factors.marks`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

from rapidfuzz.distance import Levenshtein

from caesar.identify.names import SAME_NAME, Word, is_arabic, similarity, words
from caesar.identify.wording import Phrase, phrase

Text = Literal["unknown", "agree", "close", "disagree"]
TEXTS: Final[tuple[Text, ...]] = ("unknown", "agree", "close", "disagree")
CLOSE: Final[float] = 0.6
"""Below :data:`SAME_NAME` and at or above this, two texts are close: one is probably a
misspelling or a misreading of the other."""

_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Tokens:
    """A text as it compares: its words (as names) and its numbers (Western digits)."""

    words: tuple[Word, ...]
    numbers: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.words) + len(self.numbers)


@lru_cache(maxsize=65536)
def tokens(text: str) -> Tokens:
    """The words and numbers of a tattoo's text (each run of one script read as names)."""
    # Every decimal digit (Arabic-Indic, Persian, ...) as a Western one.
    folded = "".join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None
                     else c for c in text)
    numbers = tuple(int(n) for n in _NUMBER.findall(folded))
    found: list[Word] = []
    run: list[str] = []
    # `names.words` reads a text in one script: a text mixing scripts is read run by run.
    for part in _NUMBER.sub(" ", folded).split():
        if run and is_arabic(part) != is_arabic(run[-1]):
            found += words(" ".join(run))
            run = []
        run.append(part)
    if run:
        found += words(" ".join(run))
    return Tokens(tuple(found), numbers)


@lru_cache(maxsize=262144)
def text_similarity(a: str, b: str) -> float:
    """How alike two texts are, 0 to 1: their words paired as names, their numbers as
    numbers (one digit off counts half), over the longer text's count of both. A text that
    is all in the other (the family remembers "Rania" of "Rania & Samer", or the year of a
    date) is at least :data:`CLOSE`."""
    ta, tb = tokens(a), tokens(b)
    longest, shortest = max(len(ta), len(tb)), min(len(ta), len(tb))
    if shortest == 0:
        return 0.0
    paired = _paired_words(ta.words, tb.words) + _paired_numbers(ta.numbers, tb.numbers)
    value = paired / longest
    return max(value, CLOSE) if paired / shortest >= SAME_NAME else value


def _paired_words(a: tuple[Word, ...], b: tuple[Word, ...]) -> float:
    # Greedy pairing, best pairs first: a tattoo holds a few words, so this is the optimum
    # in practice and needs no assignment solver.
    pairs = sorted(((similarity(x, y) or 0.0, i, j) for i, x in enumerate(a)
                    for j, y in enumerate(b)), reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    total = 0.0
    for value, i, j in pairs:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            total += value
    return total


def _paired_numbers(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    left = list(b)
    total = 0.0
    for n in a:
        if n in left:
            left.remove(n)
            total += 1.0
    for n in [n for n in a if n not in b]:
        near = next((m for m in left if Levenshtein.distance(str(n), str(m)) == 1), None)
        if near is not None:
            left.remove(near)
            total += 0.5
    return total


def compare(reported: str | None, body: str | None) -> Text:
    """How the family's text compares with the body's: the same words (however spelt or in
    whichever script), close (a misspelling or misreading), other words, or not known on
    one side."""
    if not reported or not body:
        return "unknown"
    value = text_similarity(reported, body)
    return "agree" if value >= SAME_NAME else "close" if value >= CLOSE else "disagree"


def explain(reported: str, body: str, text: Text) -> Phrase | None:
    """What the texts alone say, in a caseworker's words (None when one is not known)."""
    if text == "agree":
        if reported == body:
            return phrase("the same words: \u201c{family}\u201d", family=reported)
        if is_arabic(reported) != is_arabic(body):
            return phrase("the same words, in the other script: the family says"
                          " \u201c{family}\u201d, the body reads \u201c{body}\u201d",
                          family=reported, body=body)
        return phrase("the same words, spelt another way: the family says"
                      " \u201c{family}\u201d, the body reads \u201c{body}\u201d",
                      family=reported, body=body)
    if text == "close":
        return phrase("close words: the family says \u201c{family}\u201d, the body reads"
                      " \u201c{body}\u201d (perhaps misspelt, or misread on a faded tattoo)",
                      family=reported, body=body)
    if text == "disagree":
        return phrase("other words: the family says \u201c{family}\u201d, the body reads"
                      " \u201c{body}\u201d (families sometimes misremember; it weighs against,"
                      " it does not exclude)", family=reported, body=body)
    return None
