"""Marks on a body or in a family's description, coded as cases code them: ``kind:location``.

The words are the cases' vocabulary (`caesar.cases.vocabulary`): a kind (tattoo, scar, ...)
and, when known, a place on the body (``left_forearm``). Families often remember a mark but
not its side, or the side the wrong way round, so comparisons know the mirrored place.
"""

from __future__ import annotations

from dataclasses import dataclass

from caesar.cases.vocabulary import BODY_LOCATIONS, MARK_KINDS, mirror_location


@dataclass(frozen=True)
class Mark:
    """One mark: its kind and, if known, where it is."""

    kind: str
    location: str | None

    @property
    def code(self) -> str:
        """``kind:location``, or ``kind`` alone when the place is unknown."""
        return f"{self.kind}:{self.location}" if self.location else self.kind

    @property
    def mirrored(self) -> str | None:
        """The code of the same mark on the other side of the body, if it has sides."""
        if self.location is None or mirror_location(self.location) == self.location:
            return None
        return f"{self.kind}:{mirror_location(self.location)}"

    def words(self) -> str:
        """The mark as a caseworker says it: "tattoo on the left forearm"."""
        kind = self.kind.replace("_", " ")
        return f"{kind} on the {self.location.replace('_', ' ')}" if self.location else kind


def parse_mark(text: str) -> Mark:
    """A mark from ``kind`` or ``kind:location`` in the vocabulary; ValueError says why not."""
    kind, _, location = text.strip().lower().partition(":")
    kind, location = kind.strip().replace(" ", "_"), location.strip().replace(" ", "_")
    if kind not in MARK_KINDS:
        raise ValueError(f"unknown kind of mark {kind!r} (known: {', '.join(MARK_KINDS)})")
    if location and location not in BODY_LOCATIONS:
        raise ValueError(f"unknown place on the body {location!r} (known:"
                         f" {', '.join(BODY_LOCATIONS)})")
    return Mark(kind, location or None)


def read_mark(code: str) -> Mark:
    """A mark recorded on a case, which analysts may have written outside the vocabulary."""
    kind, _, location = code.strip().partition(":")
    return Mark(kind, location or None)
