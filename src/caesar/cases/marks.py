"""Marks as codes: ``kind``, ``kind:location``, ``kind:location:detail`` or ``kind::detail``,
and for a tattoo what it says: ``tattoo:location:detail:text``.

One form for a body's marks (`cases edit --set marks=...`), a family's (`missing add`) and the
web forms, in the words of `caesar.cases.vocabulary`. :func:`parse_mark` checks a code against
the vocabulary and writes it back in its one canonical form; :func:`read_mark` reads what is
already stored without judging it (codes written before the vocabulary grew stay readable).

A tattoo's **inscription** (a name, a date, initials, words, in Arabic or Latin letters) is the
fourth part, everything after the third ``:``, kept as written (letters, case, spaces). Lists
of marks are joined with ``;`` (CSV cells, ``--set marks=...``), so inside the text ``;`` is
written ``%3B`` and ``%`` itself ``%25``: a canonical code never holds a bare ``;``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Final, Literal

from caesar.cases.vocabulary import (
    BODY_LOCATIONS,
    DETAIL_PHRASES,
    MARK_DETAILS,
    MARK_KIND_WORDS,
    MARK_KINDS,
    PLACE_WORDS,
    Words,
    details_for,
    is_individualising,
    mirror_location,
)

Language = Literal["en", "ar"]
FORM = ("kind, kind:place, kind:place:detail or kind::detail, and a tattoo's text last:"
        " tattoo:place:detail:text")
INSCRIPTION_MAX: Final[int] = 80
"""Characters of a tattoo's text kept (a name, a date, a line of verse)."""
INSCRIBED: Final[frozenset[str]] = frozenset({"tattoo"})
"""The kinds of mark whose text is recorded."""


@dataclass(frozen=True)
class Mark:
    """One mark: its kind, where it is (if known), what it shows (if known) and, for a
    tattoo, what it says (if known)."""

    kind: str
    location: str | None = None
    detail: str | None = None
    inscription: str | None = None  # what a tattoo says, as written ("Rania", "رانيا", "1990")

    @property
    def code(self) -> str:
        """The canonical code: ``kind``, ``kind:location``, ``kind:location:detail`` or
        ``kind::detail`` (a detail whose place is unknown); with an inscription, always four
        parts (``tattoo:left_forearm:name:Rania``, ``tattoo:::Rania``)."""
        if self.inscription:
            return (f"{self.kind}:{self.location or ''}:{self.detail or ''}:"
                    f"{escape_inscription(self.inscription)}")
        if self.detail:
            return f"{self.kind}:{self.location or ''}:{self.detail}"
        return f"{self.kind}:{self.location}" if self.location else self.kind

    @property
    def mirrored(self) -> Mark | None:
        """The same mark on the other side of the body (a sided place or a sided detail, such
        as a tooth's), or None when it has no sides."""
        location = mirror_location(self.location) if self.location else None
        detail = mirror_location(self.detail) if self.detail else None
        if location == self.location and detail == self.detail:
            return None
        return Mark(self.kind, location, detail, self.inscription)

    @property
    def individualising(self) -> bool:
        """A distinctive kind with its detail or its text (`vocabulary.is_individualising`)."""
        return is_individualising(self.kind, self.detail, self.inscription)

    def words(self, language: Language = "en", *, place: bool = True) -> str:
        """The mark as a caseworker says it: "tattoo of an eagle on the left forearm",
        "وشم نسر على الساعد الأيسر" (without its place when `place` is false)."""
        kind = MARK_KIND_WORDS.get(self.kind)
        text = getattr(kind, language) if kind else self.kind.replace("_", " ")
        detail = MARK_DETAILS.get(self.kind, {}).get(self.detail or "")
        if detail is not None:
            text = getattr(DETAIL_PHRASES[self.kind], language).format(
                detail=getattr(detail, language))
        elif self.detail:  # recorded outside the vocabulary: shown as written
            text = f"{text} ({self.detail.replace('_', ' ')})"
        if self.inscription:
            text += (f" reading \u201c{self.inscription}\u201d" if language == "en"
                     else f" «{self.inscription}»")
        if place and self.location:
            where = PLACE_WORDS.get(self.location)
            name = getattr(where, language) if where else self.location.replace("_", " ")
            text += f" on the {name}" if language == "en" else f" على {name}"
        return text


class BadMark(ValueError):
    """A mark the vocabulary does not hold, said as an English sentence with
    ``{placeholders}`` and what fills them: `typed`, what the person wrote (quoted as
    ``'...'``), and `values`, the vocabulary's (codes, a limit, a kind's words). Who shows it
    may word it in another language (`caesar.identify.reports` makes it a phrase); the
    templates are messages of the web's catalogue, which extracts this call's first
    argument."""

    def __init__(self, template: str, /, typed: Mapping[str, str],
                 **values: str | int | Words) -> None:
        self.template, self.typed, self.values = template, dict(typed), values
        english = {k: v.en if isinstance(v, Words) else v for k, v in values.items()}
        super().__init__(template.format(**{k: repr(v) for k, v in typed.items()}, **english))


def parse_mark(text: str) -> Mark:
    """A mark from its code in the vocabulary; ValueError names the mark and what is allowed.

    ``kind:detail`` is read as ``kind::detail`` when the second part is one of the kind's
    details (details and places never share a word). A fourth part is a tattoo's text, kept
    as written (`clean_inscription`)."""
    written = text.strip()
    split = written.split(":", 3)
    parts = [p.strip().lower().replace(" ", "_") for p in split[:3]]
    kind, location, detail = ([*parts, "", ""])[:3]
    if kind not in MARK_KINDS:
        raise BadMark("mark {mark}: unknown kind of mark {kind} (known: {known})",
                      {"mark": written, "kind": kind}, known=", ".join(MARK_KINDS))
    inscription = None
    if len(split) == 4:
        if kind not in INSCRIBED:
            shape = f"{kind}:place:detail" if details_for(kind) else f"{kind}:place"
            raise BadMark("mark {mark}: too many parts (write {kind} or {shape}; only a"
                          " tattoo takes a text, as tattoo:place:detail:text)",
                          {"mark": written}, kind=kind, shape=shape)
        inscription = clean_inscription(split[3], written)
    allowed = details_for(kind)
    if len(parts) == 2 and location in allowed:
        location, detail = "", location
    if location and location not in BODY_LOCATIONS:
        raise BadMark("mark {mark}: unknown place on the body {place} (known: {known})",
                      {"mark": written, "place": location}, known=", ".join(BODY_LOCATIONS))
    if detail and not allowed:
        raise BadMark("mark {mark}: a {words} takes no detail (write {kind} or {kind}:place)",
                      {"mark": written}, words=MARK_KIND_WORDS[kind], kind=kind)
    if detail and detail not in allowed:
        typed, known = {"mark": written, "detail": detail}, ", ".join(allowed)
        if kind in INSCRIBED:
            raise BadMark("mark {mark}: unknown detail {detail} for a {words} (known: {known};"
                          " what it says goes last: tattoo:place:detail:text)",
                          typed, words=MARK_KIND_WORDS[kind], known=known)
        raise BadMark("mark {mark}: unknown detail {detail} for a {words} (known: {known})",
                      typed, words=MARK_KIND_WORDS[kind], known=known)
    return Mark(kind, location or None, detail or None, inscription)


def parse_marks(items: Iterable[str]) -> list[str]:
    """Canonical codes of these marks, in order, each once (blank items skipped)."""
    return list(dict.fromkeys(parse_mark(item).code for item in items if item.strip()))


def without_texts(codes: Iterable[str]) -> list[str]:
    """These codes, in order, with what tattoos say left out: for what leaves the archive
    (data exports) and what is stored unsealed, since a tattoo's text can name the person or
    their family."""
    return [replace(read_mark(code), inscription=None).code for code in codes]


def read_mark(code: str) -> Mark:
    """A mark as stored, which may predate the vocabulary: read without checking it."""
    kind, location, detail, text = ([*code.strip().split(":", 3), "", "", ""])[:4]
    return Mark(kind, location or None, detail or None, _unescape(text) or None)

# Quotation marks people put around a text they type; the text itself is what is inside.
_QUOTES = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb\u2039\u203a"
_ESCAPED = re.compile("%(25|3[Bb])")


def escape_inscription(text: str) -> str:
    """A tattoo's text as the code's last part: ``%`` and ``;`` escaped (lists split on ``;``).

    Hand-written rather than `urllib.parse.quote`, which would escape every Arabic letter."""
    return text.replace("%", "%25").replace(";", "%3B")


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: "%" if m.group(1) == "25" else ";", text)


def clean_inscription(text: str, written: str | None = None) -> str | None:
    """A tattoo's text as typed, ready to keep: unescaped, NFC, spaces collapsed, quotation
    marks around it dropped; None when blank. ValueError (naming `written`, the whole mark)
    for a text too long, without a letter or digit, or with control characters."""
    cleaned = " ".join(unicodedata.normalize("NFC", _unescape(text)).split()).strip(_QUOTES)
    cleaned = cleaned.strip()
    if not cleaned:
        return None
    typed = {"mark": written or text}
    if any(unicodedata.category(c) == "Cc" for c in cleaned):
        raise BadMark("mark {mark}: the tattoo's text holds control characters", typed)
    if len(cleaned) > INSCRIPTION_MAX:
        raise BadMark("mark {mark}: the tattoo's text is longer than {limit} characters"
                      " (record the words that identify it)", typed, limit=INSCRIPTION_MAX)
    if not any(c.isalnum() for c in cleaned):
        raise BadMark("mark {mark}: the tattoo's text has no letter or digit", typed)
    return cleaned
