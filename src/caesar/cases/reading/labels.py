"""Labels written beside a number (``No. 7340``, ``رقم ٧٣٤٠``, ``Branch 215``, ``فرع ٢١٥``).

A label is read as words, not glyph by glyph: Tesseract reads the line with its English and,
where Debian's ``tesseract-ocr-ara`` is installed, Arabic models, and a word that is one of
:data:`WORDS` (allowing one slipped letter in a long word) is a label. Its letters are then kept
out of the numbers (a ``B`` is not an ``8``), and what it names tells
:mod:`caesar.cases.numbers` which number stands beside it. Only known words count: Tesseract's
English model reads Arabic-Indic digits as letters (``٢٥٦٢`` as ``YOU``), so "any word of
letters" would take numbers for labels.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein
from tesserocr import PSM, RIL, PyTessBaseAPI, iterate_level

from caesar.media import TESSDATA

Named = Literal["detainee", "branch", "forensic"]

# What writers put before (or after) each number, folded as :func:`_fold` folds a word.
WORDS: dict[str, Named] = {
    "no": "detainee", "nr": "detainee", "num": "detainee", "number": "detainee",
    "detainee": "detainee", "prisoner": "detainee", "id": "detainee",
    "رقم": "detainee", "معتقل": "detainee", "موقوف": "detainee", "سجين": "detainee",
    "branch": "branch", "br": "branch", "unit": "branch", "section": "branch",
    "فرع": "branch", "الفرع": "branch", "قسم": "branch",
    "forensic": "forensic", "report": "forensic", "fr": "forensic", "autopsy": "forensic",
    "طش": "forensic", "طبابة": "forensic", "شرعية": "forensic", "تقرير": "forensic",
}


@dataclass(frozen=True)
class Word:
    """A word of letters on the line: where it is (columns of the line's crop), what it says."""

    x0: int
    x1: int
    text: str
    names: Named  # the number it is the label of


def words(grey: np.ndarray) -> list[Word]:
    """The labels on one line of writing (dark on light), left to right."""
    api = _engine()
    if api is None or grey.size == 0:
        return []
    pad = max(4, grey.shape[0] // 3)
    api.SetImage(Image.fromarray(np.pad(grey, pad, mode="edge")))
    api.Recognize()
    found = []
    for word in iterate_level(api.GetIterator(), RIL.WORD):
        try:
            text = word.GetUTF8Text(RIL.WORD) or ""
        except RuntimeError:  # tesserocr's way of saying the word is empty
            continue
        if word.Confidence(RIL.WORD) < 40 or sum(ch.isalpha() for ch in text) < 2:
            continue
        kind = named(text)
        if kind is None:
            continue
        x0, _, x1, _ = word.BoundingBox(RIL.WORD)
        found.append(Word(max(0, x0 - pad), max(0, x1 - pad), text, kind))
    return sorted(found, key=lambda w: w.x0)


def named(text: str) -> Named | None:
    """The number a label names, or None: ``No.`` and ``رقم`` name the detainee number."""
    folded = _fold(text)
    # Tesseract gives some Arabic words in the order their letters stand, right to left.
    for form in (folded, folded[::-1]):
        if form in WORDS:
            return WORDS[form]
    # One slipped letter in a word of five or more is still the word; shorter words must match.
    close = {kind for word, kind in WORDS.items() for form in (folded, folded[::-1])
             if len(word) >= 5 and Levenshtein.distance(form, word) <= 1}
    return close.pop() if len(close) == 1 else None


def _fold(text: str) -> str:
    """Lower case, letters only, Arabic diacritics and the tatweel dropped."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalpha() and unicodedata.category(ch) != "Mn"
                   and ch != "\u0640")


@cache
def _engine() -> PyTessBaseAPI | None:
    """Tesseract with every script's model that is installed (English always is)."""
    langs = [lang for lang in ("eng", "ara") if Path(TESSDATA, f"{lang}.traineddata").is_file()]
    if not langs:
        return None
    return PyTessBaseAPI(path=TESSDATA, lang="+".join(langs), psm=PSM.SINGLE_LINE)
