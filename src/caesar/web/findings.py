"""An examination's findings in the reader's language.

A finding's sentence is a template of the catalogue (`caesar.forensics.checks` and friends
write it once, in English) with values: the template is translated, then each value written
with the reader's digits. Values are data (tables, times, numbers), escaped and isolated for
right-to-left pages; the evidence stays as the tools print it, for an expert.
"""

from __future__ import annotations

from typing import Any, Final

from markupsafe import Markup, escape

from caesar.forensics.findings import Finding
from caesar.web.i18n import N_, Locale

STRENGTH_WORDS: Final = {
    "consistent": N_("consistent"), "unusual": N_("unusual"),
    "inconsistent": N_("inconsistent"), "not_examined": N_("not examined")}
"""The strengths as people read them (a finding is never a verdict of authentic)."""


def said_finding(loc: Locale, finding: Finding | dict[str, Any]) -> Markup:
    """The finding's sentence in `loc`'s language, values in its digits."""
    if isinstance(finding, dict):
        finding = Finding.model_validate(finding)
    template = finding.phrase.get("template") or finding.summary
    values = finding.phrase.get("values") or {}
    text = loc.gettext(template)
    try:
        return escape(text).format(**{
            key: Markup("<bdi>{}</bdi>").format(loc.figures(str(value)))
            for key, value in values.items()})
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        return escape(finding.summary)


def strength_words(loc: Locale, strength: str) -> str:
    """A strength in `loc`'s language."""
    return loc.gettext(STRENGTH_WORDS.get(strength, strength))
