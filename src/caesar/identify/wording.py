"""What the matcher says, as phrases that each language words itself.

A :class:`Phrase` is an English sentence with named ``{placeholders}`` and the values that fill
them: plain values (a count, a measure with its format, a day), text kept as it was written
(a tattoo's words), what someone typed (a value a report's field refused), numbers that are
codes (a detainee number), and values each language has
its own words for (a mark, a term of the cases' vocabulary, a nested phrase, a list of them).
``str(phrase)`` is the English the command line prints and ``--json`` carries; the web
translates the template through its gettext catalogue and writes each value in the reader's
language, digits and date format (`caesar.web.phrases`).

The templates are messages of the web's catalogue: `caesar.web.catalogue` extracts the
literal first argument of :func:`phrase` and :func:`counted` (and :func:`N_`) from this
package, so each sentence is written once, here, and translated once, there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from string import Formatter
from typing import Literal, TypeAlias

from caesar.cases.marks import Mark
from caesar.cases.vocabulary import Words


def N_(message: str) -> str:
    """Mark a template for the catalogue where it is declared (a table of sentences)."""
    return message


@dataclass(frozen=True)
class Number:
    """A measure written with its format: ``Number(31.6, ".0f")`` is 32."""

    value: float
    spec: str

    def __str__(self) -> str:
        return format(self.value, self.spec)


@dataclass(frozen=True)
class Code:
    """A number as given, never translated (a detainee or branch number): only its digits
    follow the reader's choice."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Typed:
    """A value as someone typed or sent it (a report's field, a mark's code), never
    translated: English quotes it as it always did (``'1850'``); other languages show it as
    written, between their own quotation marks (in the template)."""

    value: object

    def __str__(self) -> str:
        return repr(self.value)


@dataclass(frozen=True)
class Listing:
    """Several values said one after the other ("first name, father's name")."""

    items: tuple[Value, ...]
    separator: Literal[", ", "; "] = ", "


Value: TypeAlias = "int | Number | Code | Typed | str | date | Mark | Words | Phrase | Listing"
"""What fills a placeholder; a plain `str` is text as written (shown as it is, in any
language)."""


@dataclass(frozen=True)
class Phrase:
    """An English sentence with ``{placeholders}``, and what fills them.

    `count` names the placeholder whose number picks the sentence's plural form in languages
    that have them (Arabic has six); English keeps the template as written.
    """

    template: str
    values: Mapping[str, Value] = field(default_factory=dict)
    count: str | None = None

    def __str__(self) -> str:
        return self.template.format_map({k: english(v) for k, v in self.values.items()})


def phrase(template: str, /, **values: Value) -> Phrase:
    """A phrase; `template` is a literal English sentence (the catalogue extracts it)."""
    return Phrase(template, values)


def counted(template: str, count: str, /, **values: Value) -> Phrase:
    """A phrase whose plural form follows the number in `count` ("{n} days")."""
    return Phrase(template, values, count)


def placeholders(template: str) -> frozenset[str]:
    """The ``{names}`` of a template (or of its translation)."""
    return frozenset(name for _, name, _, _ in Formatter().parse(template) if name)


def english(value: Value) -> str:
    """A value as the English sentence says it."""
    if isinstance(value, Mark):
        return value.words("en")
    if isinstance(value, Words):
        return value.en
    if isinstance(value, Listing):
        return value.separator.join(english(v) for v in value.items)
    return str(value)  # a phrase, a number, a code, a day (ISO), what was typed, text


def plural_count(value: Value) -> int:
    """The whole number a counted phrase's form follows."""
    if isinstance(value, Number):
        return round(value.value)
    return value if isinstance(value, int) else 0


def days(count: int) -> Phrase:
    """A number of days, counted in words."""
    return counted("{n} days", "n", n=count)


def duration(count: int) -> Phrase:
    """A time of `count` days in the unit a person would use: days, months or years."""
    if count < 60:
        return days(count)
    if count < 730:
        return counted("{n} months", "n", n=Number(count / 30.44, ".0f"))
    # Tenths of a year: a fraction, which Arabic counts in the singular (no plural form).
    return phrase("{n} years", n=Number(count / 365.25, ".1f"))
