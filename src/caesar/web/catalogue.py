"""The gettext catalogue of the web app: every message of its templates and Python, and of
the phrases `caesar.identify` words (`caesar.identify.wording`: the matcher's explanations,
the problems of a report's fields) and `caesar.exports` words (what an export will contain),
and the Arabic of each.

    python -m caesar.web.catalogue      # after changing texts: refresh messages.pot and the .po

extracts every message from the sources and merges them into `locale/ar/LC_MESSAGES/
messages.po` (new messages come in untranslated, gone ones are dropped); translate the empty
ones. The test suite fails while any message lacks its Arabic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from caesar.web.i18n import LOCALE_DIR

SOURCES: Final = Path(__file__).parent
METHODS: Final = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS: Final = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "text": (2,)}
OPTIONS: Final = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n",
                                           "trim_blocks": "true", "lstrip_blocks": "true"}}
ARABIC: Final = LOCALE_DIR / "ar" / "LC_MESSAGES" / "messages.po"
# The matcher's explanations and the problems of a report's fields are written once, as
# phrases in `caesar.identify` (which cannot import the web), what an export will contain as
# phrases in `caesar.exports`, and a mark's problems as `BadMark` sentences in
# `caesar.cases.marks`: their templates are these calls' literal first arguments.
PHRASES: Final = Path(__file__).parent.parent / "identify"
EXPORTS: Final = Path(__file__).parent.parent / "exports"
FORENSICS: Final = Path(__file__).parent.parent / "forensics"  # the examination's findings
MARKS: Final = Path(__file__).parent.parent / "cases"
PHRASE_KEYWORDS: Final = {"N_": None, "phrase": None, "counted": (1, 1), "BadMark": None}


def extract() -> Catalog:
    """Every message the web app shows, from its templates, its Python code and the
    matcher's phrases."""
    catalog = Catalog(project="Caesar Archive", version="", charset="utf-8",
                      msgid_bugs_address="")
    found = [*extract_from_dir(SOURCES, METHODS, OPTIONS, KEYWORDS), *phrase_messages()]
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                    context=context)
    return catalog


def phrase_messages() -> list[tuple[str, int, str | tuple[str, ...], list[str], str | None]]:
    """The templates of the phrases `caesar.identify` and `caesar.exports` word (and of
    `caesar.cases.marks`' problems), as babel extracts them: (file, line, message, comments,
    context)."""
    return [*extract_from_dir(PHRASES, [("**.py", "python")], {}, PHRASE_KEYWORDS),
            *extract_from_dir(EXPORTS, [("plan_words.py", "python")], {}, PHRASE_KEYWORDS),
            *extract_from_dir(FORENSICS, [("*.py", "python")], {}, PHRASE_KEYWORDS),
            *extract_from_dir(MARKS, [("marks.py", "python")], {}, PHRASE_KEYWORDS)]


def update() -> int:
    """Merge the messages into the Arabic catalogue; how many lack their Arabic."""
    template = extract()
    with open(ARABIC, "rb") as f:
        arabic = read_po(f, locale="ar_SY")
    arabic.update(template, no_fuzzy_matching=True)
    arabic.project, arabic.version = "Caesar Archive", ""
    arabic.msgid_bugs_address = arabic.last_translator = arabic.language_team = ""
    with open(ARABIC, "wb") as f:
        # No source locations: the catalogue changes only when a message does.
        write_po(f, arabic, omit_header=False, sort_output=True, width=100, no_location=True,
                 ignore_obsolete=True, include_previous=False)
    return sum(1 for m in arabic if m.id and not (
        all(m.string) if isinstance(m.string, tuple) else m.string))


if __name__ == "__main__":
    print(f"{update()} message(s) still need their Arabic in {ARABIC}")
