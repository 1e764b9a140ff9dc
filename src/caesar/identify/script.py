"""Arabic and Latin letters as hand-typed lists write them, folded to what identifies a name.

- **Arabic**: diacritics (tashkeel), tatweel and Quranic marks carry no identity; the hamza
  forms of alef (أ إ آ ٱ) are written as bare alef in hand-typed lists; taa marbuta (ة) is
  written as haa (ه) and alef maqsura (ى) as yaa (ي); Persian and Urdu keyboards give ک and ی.
  The letters Persian and Kurdish add for sounds Arabic lacks (پ ڤ چ ژ گ) are kept: the
  comparison knows them.
- **Latin**: case, accents and transliteration marks (ʿ ʾ ' `) carry no identity, except for
  the letters the spelling tables name (Turkish and Kurdish ş ç ğ ê î û): those
  write sounds of their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from typing import Final

# Tashkeel (fathatan..sukun, maddah, hamza above/below), superscript alef, Quranic annotation
# signs, and tatweel (ـ): none of them distinguishes one name from another.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8"
                           "\u06ea-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",  # hamza forms of alef
    "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي", "ێ": "ي",  # alef maqsura, Persian/Kurdish yeh
    "ة": "ه", "ۃ": "ه", "ھ": "ه",  # taa marbuta and other heh forms
    "ک": "ك", "ڪ": "ك",  # Persian/Urdu kaf
    "ۆ": "و", "ۊ": "و", "ڵ": "ل", "ڕ": "ر",  # Kurdish (Sorani) vowel and letter forms
    "ؤ": "و", "ئ": "ي", "ء": "",  # hamza on its seats, and alone
})
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06d5]")
TRANSLITERATION_MARKS = "\u02bb\u02bc\u02be\u02bf'`\u2018\u2019\u00b4"
"""The marks Latin spellings write for ع and hamza (ʿ ʾ ' `), inside a word: Wa'el, Sa`id."""
TRANSLITERATION: Final = re.compile(f"[{re.escape(TRANSLITERATION_MARKS)}]")
"""Any one of :data:`TRANSLITERATION_MARKS`."""


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


def normalise_latin(text: str, keep: Collection[str] = ()) -> str:
    """Latin text lower-cased, accents and transliteration marks (ʿ ʾ ' `) removed, except
    the letters in `keep` (lower case, composed), which stay as they are."""
    out = []
    for letter in unicodedata.normalize("NFC", text.casefold()):
        if letter in keep:
            out.append(letter)
            continue
        decomposed = unicodedata.normalize("NFKD", letter)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return " ".join(TRANSLITERATION.sub("", "".join(out)).split())


def normalise(text: str) -> str:
    """A name normalised for its script (Arabic or Latin), for display-free comparison."""
    return normalise_arabic(text) if is_arabic(text) else normalise_latin(text)
