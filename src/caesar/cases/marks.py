"""Marks as codes: ``kind``, ``kind:location``, ``kind:location:detail`` or ``kind::detail``.

One form for a body's marks (`cases edit --set marks=...`), a family's (`missing add`) and the
web forms, in the words of `caesar.cases.vocabulary`. :func:`parse_mark` checks a code against
the vocabulary and writes it back in its one canonical form; :func:`read_mark` reads what is
already stored without judging it (codes written before the vocabulary grew stay readable).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from caesar.cases.vocabulary import (BODY_LOCATIONS, DETAIL_PHRASES, MARK_DETAILS,
                                     MARK_KIND_WORDS, MARK_KINDS, PLACE_WORDS, details_for,
                                     is_individualising, mirror_location)

Language = Literal["en", "ar"]
FORM = "kind, kind:place, kind:place:detail or kind::detail"


@dataclass(frozen=True)
class Mark:
    """One mark: its kind, where it is (if known) and what it shows (if known)."""

    kind: str
    location: str | None = None
    detail: str | None = None

    @property
    def code(self) -> str:
        """The canonical code: ``kind``, ``kind:location``, ``kind:location:detail`` or
        ``kind::detail`` (a detail whose place is unknown)."""
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
        return Mark(self.kind, location, detail)

    @property
    def individualising(self) -> bool:
        """A distinctive kind with its detail (`vocabulary.is_individualising`)."""
        return is_individualising(self.kind, self.detail)

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
        if place and self.location:
            where = PLACE_WORDS.get(self.location)
            name = getattr(where, language) if where else self.location.replace("_", " ")
            text += f" on the {name}" if language == "en" else f" على {name}"
        return text


def parse_mark(text: str) -> Mark:
    """A mark from its code in the vocabulary; ValueError names the mark and what is allowed.

    ``kind:detail`` is read as ``kind::detail`` when the second part is one of the kind's
    details (details and places never share a word)."""
    written = text.strip()
    parts = [p.strip().lower().replace(" ", "_") for p in written.split(":")]
    if len(parts) > 3:
        raise ValueError(f"mark {written!r}: too many parts (write {FORM})")
    kind, location, detail = (parts + ["", ""])[:3]
    if kind not in MARK_KINDS:
        raise ValueError(f"mark {written!r}: unknown kind of mark {kind!r} (known:"
                         f" {', '.join(MARK_KINDS)})")
    allowed = details_for(kind)
    if len(parts) == 2 and location in allowed:
        location, detail = "", location
    if location and location not in BODY_LOCATIONS:
        raise ValueError(f"mark {written!r}: unknown place on the body {location!r} (known:"
                         f" {', '.join(BODY_LOCATIONS)})")
    if detail and not allowed:
        raise ValueError(f"mark {written!r}: a {MARK_KIND_WORDS[kind].en} takes no detail"
                         f" (write {kind} or {kind}:place)")
    if detail and detail not in allowed:
        raise ValueError(f"mark {written!r}: unknown detail {detail!r} for a"
                         f" {MARK_KIND_WORDS[kind].en} (known: {', '.join(allowed)})")
    return Mark(kind, location or None, detail or None)


def parse_marks(items: Iterable[str]) -> list[str]:
    """Canonical codes of these marks, in order, each once (blank items skipped)."""
    return list(dict.fromkeys(parse_mark(item).code for item in items if item.strip()))


def read_mark(code: str) -> Mark:
    """A mark as stored, which may predate the vocabulary: read without checking it."""
    kind, _, rest = code.strip().partition(":")
    location, _, detail = rest.partition(":")
    return Mark(kind, location or None, detail or None)
