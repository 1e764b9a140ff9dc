"""Which number is which: from numbers read in photos to a case's detainee, branch and forensic
report numbers.

A card carries the numbers one per line in a fixed order (detainee, security branch, forensic
report); when one of them is written on the skin instead, the card has two lines, and the branch
(a short list of known unit numbers) tells which one is missing. This module only proposes: the
analyst's interpretation, stored on the case, always wins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

Kind = Literal["detainee", "branch", "forensic"]
KINDS: tuple[Kind, ...] = ("detainee", "branch", "forensic")

KNOWN_BRANCHES: frozenset[str] = frozenset(
    {"215", "216", "227", "235", "248", "251", "291"})
"""Security branch numbers documented on the bodies in published reports (HRW 2015)."""

REVIEW_BELOW = 0.8
"""A reading less confident than this goes to the analysts' review queue."""


@dataclass(frozen=True)
class Observed:
    """A number read in one photo: Western digits, where it was, how sure the reader is."""

    digits: str
    place: str  # card, skin
    position: int
    confidence: float


@dataclass(frozen=True)
class Numbers:
    """The three numbers of one body, each None when unknown."""

    detainee: str | None = None
    branch: str | None = None
    forensic: str | None = None

    def __bool__(self) -> bool:
        return any(self.get(k) for k in KINDS)

    def get(self, kind: Kind) -> str | None:
        """One of the three numbers."""
        value: str | None = getattr(self, kind)
        return value

    def conflicts(self, other: Numbers) -> bool:
        """Whether two of the numbers known on both sides differ: another body, not a misread
        digit."""
        return sum(1 for k in KINDS if self.get(k) and other.get(k)
                   and self.get(k) != other.get(k)) >= 2

    def merged(self, other: Numbers) -> Numbers:
        """These numbers, with the gaps filled from `other`."""
        return Numbers(*(self.get(k) or other.get(k) for k in KINDS))


def interpret(readings: Iterable[Observed]) -> Numbers:
    """The numbers one photo shows, by their place on the card (see the module docstring)."""
    ordered = sorted(readings, key=lambda r: r.position)
    card = [r.digits for r in ordered if r.place == "card" and r.digits][:3]
    skin = [r.digits for r in ordered if r.place == "skin" and r.digits]
    numbers = _from_card(card)
    if card:
        for value in skin[:1]:
            numbers = _fill_missing(numbers, value)
    return numbers


def skin_only(readings: Iterable[Observed]) -> list[str]:
    """Numbers on the skin in a photo without a card: which number they are shows only once
    the case's cards are known (see :func:`propose`)."""
    found = list(readings)
    if any(r.place == "card" for r in found):
        return []
    return [r.digits for r in sorted(found, key=lambda r: r.position) if r.digits]


def _fill_missing(numbers: Numbers, value: str) -> Numbers:
    """A number on the skin is the one the card leaves out: the detainee number when the card
    starts with the branch, else the forensic report number."""
    if numbers.detainee is None and numbers.branch is not None:
        return replace(numbers, detainee=value)
    if numbers.forensic is None:
        return replace(numbers, forensic=value)
    return numbers


def _from_card(lines: Sequence[str]) -> Numbers:
    if len(lines) == 3:
        return Numbers(*lines)
    if len(lines) == 2:
        first, second = lines
        if first in KNOWN_BRANCHES and second not in KNOWN_BRANCHES:
            return Numbers(None, first, second)  # the detainee number is on the skin
        if second in KNOWN_BRANCHES:
            return Numbers(first, second, None)  # the forensic number is on the skin
        return Numbers(first, None, second)
    if len(lines) == 1 and lines[0] in KNOWN_BRANCHES:
        return Numbers(branch=lines[0])
    return Numbers()


@dataclass(frozen=True)
class Proposal:
    """The best reading of one number over a case's photos, and how much it can be trusted."""

    kind: Kind
    digits: str
    support: float  # summed confidence of the photos that read this value
    against: float  # summed confidence of the photos that read another value

    @property
    def needs_review(self) -> bool:
        """Whether a person should look: weak, or contradicted by another photo."""
        return self.support < REVIEW_BELOW or self.against > 0


def propose(per_photo: Iterable[tuple[Numbers, float]],
            skin: Iterable[tuple[str, float]] = ()) -> dict[Kind, Proposal]:
    """Vote over the photos of a case; each photo's numbers weigh by its reading confidence.

    ``skin`` holds numbers read on the skin in photos without a card; they go to the number
    that the case's cards leave out.
    """
    votes: dict[Kind, dict[str, float]] = {k: defaultdict(float) for k in KINDS}
    for numbers, confidence in per_photo:
        for kind in KINDS:
            value = numbers.get(kind)
            if value:
                votes[kind][value] += confidence
    proposals = _best(votes)
    skin_votes: dict[str, float] = defaultdict(float)
    for value, confidence in skin:
        skin_votes[value] += confidence
    if skin_votes:
        known = Numbers(*(proposals[k].digits if k in proposals else None for k in KINDS))
        filled = _fill_missing(known, "?")
        for kind in (k for k in KINDS if filled.get(k) == "?"):
            proposals.update(_best({kind: skin_votes}))
    return proposals


def _best(votes: dict[Kind, dict[str, float]]) -> dict[Kind, Proposal]:
    proposals: dict[Kind, Proposal] = {}
    for kind, counts in votes.items():
        if counts:
            best = max(counts, key=lambda v: (counts[v], v))
            proposals[kind] = Proposal(kind, best, counts[best],
                                       sum(c for v, c in counts.items() if v != best))
    return proposals
