"""The matcher's phrases (`caesar.identify.wording`) in the reader's language.

A phrase's English template is a message of the catalogue: it is translated with the reader's
catalogue (its plural form by the number it counts), then each value is written in the
reader's language: numbers and codes in their choice of digits, days as the language writes
dates, marks and vocabulary terms in the cases' own words for that language, nested phrases
likewise. The translated template is the catalogue's (trusted); every value is escaped, and
text kept as written (a tattoo's words, what someone typed) is isolated for right-to-left pages.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from markupsafe import Markup, escape

from caesar.cases.marks import Mark
from caesar.cases.vocabulary import Words
from caesar.identify.wording import Code, Listing, Number, Phrase, Typed, Value, plural_count
from caesar.web.i18n import Locale

_SEPARATORS: Final[dict[str, dict[str, str]]] = {"ar": {", ": "، ", "; ": "؛ "}}
_ARABIC_SIGNS: Final = str.maketrans({".": "\u066b", ",": "\u066c"})


def said(loc: Locale, value: Value) -> Markup:
    """`value` (a phrase, or what fills one) as `loc` reads it, escaped for HTML."""
    if isinstance(value, Phrase):
        if value.count is not None:
            template = loc.ngettext(value.template, value.template,
                                    plural_count(value.values[value.count]))
        else:
            template = loc.gettext(value.template)
        # Markup.format escapes every argument that is not Markup already.
        return escape(template).format(**{k: said(loc, v) for k, v in value.values.items()})
    if isinstance(value, Listing):
        separator = _SEPARATORS.get(loc.language, {}).get(value.separator, value.separator)
        return Markup(escape(separator)).join(said(loc, v) for v in value.items)
    if isinstance(value, Mark):
        return escape(value.words("ar" if loc.language == "ar" else "en"))
    if isinstance(value, Words):
        return escape(value.ar if loc.language == "ar" else value.en)
    if isinstance(value, date):
        return escape(loc.date(value))
    if isinstance(value, Code):
        return Markup("<bdi>{}</bdi>").format(loc.figures(value.text))
    if isinstance(value, Typed):  # as it was typed, digits too: never translated
        return Markup("<bdi>{}</bdi>").format(str(value.value))
    if isinstance(value, Number) and loc.digits == "arabic":
        # Arabic-Indic digits take the Arabic decimal and thousands signs, as `loc.number`
        # writes them: ٣٫٦, not ٣.٦.
        return escape(loc.figures(str(value)).translate(_ARABIC_SIGNS))
    if isinstance(value, int | Number):
        return escape(loc.figures(str(value)))
    return Markup("<bdi>{}</bdi>").format(value)  # text as written: never translated
