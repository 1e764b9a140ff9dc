"""Arabic and English: gettext catalogues (Babel), right-to-left, digits and dates.

Messages are English in the code and templates; `locale/ar/LC_MESSAGES/messages.po` holds their
Arabic. The catalogue is read from the `.po` file when the app starts (no compiled `.mo` to
forget to rebuild). Dates follow each language's usual form, Arabic with the month names used
in Syria (Babel's `ar_SY`: «٢ آب ٢٠١٣»); numbers are shown in the person's choice of Western or
Arabic-Indic digits, in either language.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Final

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from caesar.access.views import Digits, Language

LOCALE_DIR: Final = Path(__file__).parent / "locale"
BABEL_LOCALES: Final[dict[str, str]] = {"en": "en_GB", "ar": "ar_SY"}
# A moment in a record: day, month's name, year and a 24-hour time, in each language's order.
_MOMENT: Final[dict[str, str]] = {"en": "d MMM y, HH:mm", "ar": "d MMMM y، HH:mm"}
_TO_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_TO_WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def N_(message: str) -> str:
    """Mark a message for the catalogue; it is translated where it is shown."""
    return message


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of `language` (English: the messages as written)."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == "en" or not po.is_file():
        return gettext.NullTranslations()
    with open(po, "rb") as f:
        catalog = read_po(f, locale=BABEL_LOCALES[language])
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


@dataclass(frozen=True)
class Locale:
    """How one person reads: language (and so direction), digits."""

    language: Language
    digits: Digits

    @property
    def direction(self) -> str:
        """`rtl` for Arabic, `ltr` for English."""
        return "rtl" if self.language == "ar" else "ltr"

    def gettext(self, message: str) -> str:
        """`message` in this language."""
        return translations(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of a message for `n` things (Arabic has six)."""
        return translations(self.language).ngettext(singular, plural, n)

    def figures(self, text: str) -> str:
        """`text` with its digits in this person's choice of digits."""
        return text.translate(_TO_ARABIC if self.digits == "arabic" else _TO_WESTERN)

    def number(self, value: float) -> str:
        """A count or measure, grouped as the language groups thousands."""
        arabic = self.digits == "arabic"
        text = format_decimal(value, locale=BABEL_LOCALES["ar" if arabic else self.language],
                              numbering_system="arab" if arabic else "latn")
        return self.figures(text)

    def date(self, value: date | None) -> str:
        """A day, as the language writes it (`2 August 2013`, `٢ آب ٢٠١٣`)."""
        if value is None:
            return ""
        return self.figures(format_date(value, "long", locale=BABEL_LOCALES[self.language]))

    def month(self, value: str) -> str:
        """A month written `2013-08`, as the language names it (`August 2013`, `آب ٢٠١٣`)."""
        try:
            first = date.fromisoformat(f"{value}-01")
        except ValueError:
            return self.figures(value)
        return self.figures(format_date(first, "MMMM y", locale=BABEL_LOCALES[self.language]))

    def datetime(self, value: datetime | None) -> str:
        """A moment in UTC, as the language writes it."""
        if value is None:
            return ""
        text = format_datetime(value, _MOMENT[self.language], tzinfo=UTC,
                               locale=BABEL_LOCALES[self.language])
        return self.figures(f"{text} UTC")


def best_language(accept: str | None) -> Language:
    """Arabic when the browser prefers it to English, else English."""
    for part in (accept or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("ar"):
            return "ar"
        if tag.startswith("en"):
            return "en"
    return "en"
