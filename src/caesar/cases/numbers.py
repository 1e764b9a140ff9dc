"""Which number is which: from the numbers read in a case's photos to its detainee, branch and
forensic report numbers, with how sure that is.

Numbers were written in no fixed layout: one a line in any order, two on a line, with or without
a label, some on the skin. So a number's place on the card is only one piece of evidence, and it
counts only as much as the collection shows layouts to be regular. The evidence, weighed for
every way of giving the case's candidate values to the three numbers:

- **the branch** is one of few units: a known unit number (:data:`KNOWN_BRANCHES`, those analysts
  confirmed, and any value that recurs across many bodies, as only a branch does);
- **labels** written before a number (رقم، فرع، ط.ش، No., Branch) name it, when read;
- **lengths** of detainee and forensic numbers, learned from the archive's confirmed cases;
- **ranges**: where a value stands among the numbers of its length, against where the
  confirmed detainee and forensic numbers stand (:mod:`caesar.cases.ranges`: forensic report
  numbers, counted up at each hospital, crowd into narrow bands);
- **place** on the card (first, middle, last), weighed by how regular the collection's layouts
  are: learned from where the known branches sit, and from confirmed cases;
- **agreement** over the case's photos: each value weighs by its readings' confidence;
- **counting up**: a value that climbs by a few from the numbers of the cases photographed just
  before or after is the forensic report's, where the collection shows such climbs
  (:mod:`caesar.cases.counting`).

The best assignment wins; a number whose value changes in the runner-up assignment by less than
:data:`AMBIGUOUS_BELOW` is *ambiguous*: left empty, its candidates listed, for a person to decide.
This module only proposes: an analyst's value, stored on the case, always wins, and it binds the
other numbers' assignment: a value an analyst gave one number is no other number's, so settling
the detainee number of a case unsure between two values settles its forensic number too.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import permutations
from typing import Literal

from caesar.cases.ranges import ValueRange

Kind = Literal["detainee", "branch", "forensic"]
KINDS: tuple[Kind, ...] = ("detainee", "branch", "forensic")

KNOWN_BRANCHES: frozenset[str] = frozenset(
    {"215", "216", "227", "235", "248", "251", "291"})
"""Security branch numbers documented on the bodies in published reports (HRW 2015)."""

REVIEW_BELOW = 0.8
"""A reading less confident than this goes to the analysts' review queue."""

AMBIGUOUS_BELOW = 1.0
"""An assignment that wins by less than this (in log-odds) is left to a person."""

_SLOTS = ("first", "middle", "last")
_CANDIDATES = 6  # the strongest values of a case that are weighed
_MISSING = -0.5  # a number the case does not show (it may be on a photo not taken)
_UNUSED = -1.0  # per unit of plausibility of a value left unassigned (it was read, after all)
# Log-odds that a value counted up between neighbouring cases is the forensic number (a
# detainee number falls in two neighbours' windows by chance hardly ever: counting.py).
_COUNTED = 2.0


@dataclass(frozen=True)
class Observed:
    """A number read in one photo: Western digits, where it stood, how sure the reader is."""

    digits: str
    place: str  # card, skin
    row: int
    order: int
    confidence: float
    label: Kind | None = None  # what a label written before it names, when read


@dataclass(frozen=True)
class Candidate:
    """One value read in a case's photos, with everything that says which number it is."""

    digits: str
    support: float  # summed best confidence per photo that read it
    photos: int
    slots: Counter[str]  # first / middle / last among the numbers of a photo
    labels: Counter[str]
    skin: int  # photos where it was on the skin
    against: float = 0.0  # support of readings one digit away (the same number misread?)
    best: float = 0.0  # its clearest reading's confidence
    full_cards: int = 0  # photos where it is one of three numbers on a card

    @property
    def plausible(self) -> float:
        """Log-odds that this is a number written on the body rather than a misreading: read
        clearly (many faint readings of a mark are still faint), again in other photos, and
        one of three numbers on a card."""
        score = 4.0 * (self.best - REVIEW_BELOW) + 0.25 * min(self.photos - 1, 2)
        return max(-2.0, min(2.0, score + (1.0 if self.full_cards else 0.0)))


@dataclass(frozen=True)
class Proposal:
    """The best reading of one number over a case's photos, and how much it can be trusted."""

    kind: Kind
    digits: str | None  # None when the assignment is ambiguous
    support: float  # summed confidence of the photos that read this value
    against: float  # summed confidence of readings of other values for this number
    margin: float  # how much better the best assignment is than one giving another value
    candidates: tuple[tuple[str, float], ...] = ()  # (digits, score), best first, when unsure
    why: str = ""

    @property
    def ambiguous(self) -> bool:
        """Whether the software cannot say which value this number has."""
        return self.digits is None

    @property
    def needs_review(self) -> bool:
        """Whether a person should look: ambiguous, weak, or contradicted by another photo."""
        return self.ambiguous or self.support < REVIEW_BELOW or self.against > 0


@dataclass
class Priors:
    """What the collection and its confirmed cases say about numbers (see :func:`learn`)."""

    branches: Counter[str] = field(default_factory=Counter)
    lengths: dict[Kind, Counter[int]] = field(default_factory=dict)
    slots: dict[Kind, Counter[str]] = field(default_factory=dict)
    written: Counter[int] = field(default_factory=Counter)  # lengths of numbers on full cards
    ranges: dict[Kind, ValueRange] = field(default_factory=dict)  # confirmed values, by kind
    counted: frozenset[str] = frozenset()  # values counted up from case to case (counting.py)

    def usual_length(self, digits: str) -> float:
        """Log-odds that a number of this length is one of the three, from the lengths of
        the numbers on full cards (0 without enough of them)."""
        total = sum(self.written.values())
        if total < 20:
            return 0.0
        share = (self.written[len(digits)] + 0.5) / (total + 4)
        return max(-1.5, min(0.5, math.log(share / 0.2)))

    def branch(self, digits: str) -> float:
        """How strongly a value reads as a branch: known units, by how often they occur."""
        if digits in KNOWN_BRANCHES or self.branches.get(digits, 0) > 0:
            total = sum(self.branches.values()) or 1
            return 3.0 + 0.5 * math.log(0.1 + self.branches.get(digits, 0) / total * 10)
        return -3.0

    def length(self, kind: Kind, digits: str) -> float:
        """Log-odds of this length for `kind` against the other numbers (0 without data)."""
        seen = self.lengths.get(kind)
        if not seen or sum(seen.values()) < 5:
            return 0.0
        others: Counter[int] = Counter()
        for other, counts in self.lengths.items():
            if other != kind:
                others.update(counts)
        mine = (seen[len(digits)] + 0.5) / (sum(seen.values()) + 4)
        theirs = (others[len(digits)] + 0.5) / (sum(others.values()) + 4)
        return max(-2.5, min(2.5, math.log(mine / theirs)))

    def range(self, kind: Kind, digits: str) -> float:
        """Log-odds that a number of `kind` stands where `digits` does among the numbers of
        its length, from the confirmed ones (0 without enough of them)."""
        learned = self.ranges.get(kind)
        return learned.log_odds(digits) if learned else 0.0

    def slot(self, kind: Kind, slot: str) -> float:
        """Log-odds of this place on a card for `kind` (0 where layouts are not regular)."""
        seen = self.slots.get(kind)
        if not seen:
            return 0.0
        share = (seen[slot] + 0.5) / (sum(seen.values()) + 1.5)
        return max(-2.0, min(2.0, math.log(share * 3)))


def learn(cases: Iterable[Sequence[Sequence[Observed]]],
          confirmed: Iterable[Mapping[Kind, str | None]] = (),
          confirmed_photos: Iterable[tuple[Mapping[Kind, str | None],
                                           Sequence[Sequence[Observed]]]] = ()) -> Priors:
    """The collection's priors.

    ``cases`` are the observations of every case's photos; ``confirmed`` the numbers analysts
    set; ``confirmed_photos`` the same with the photos' observations, to learn places.
    A value read in many different cases is a branch (no other number recurs); where the known
    branches sit on cards shows how regular layouts are.
    """
    priors = Priors()
    seen_in: Counter[str] = Counter()
    branch_slots: Counter[str] = Counter()
    count = 0
    for photos in cases:
        count += 1
        values = {o.digits for photo in photos for o in photo if o.confidence >= REVIEW_BELOW}
        seen_in.update(values)
        for photo in photos:
            for observed, slot in _slots(photo):
                priors.written[len(observed.digits)] += 1
                if observed.digits in KNOWN_BRANCHES:
                    branch_slots[slot] += 1
    recurring = max(3, count // 50)
    for digits, n in seen_in.items():
        if (digits in KNOWN_BRANCHES or n >= recurring) and 2 <= len(digits) <= 4:
            priors.branches[digits] = n
    lengths: dict[Kind, Counter[int]] = defaultdict(Counter)
    slots: dict[Kind, Counter[str]] = defaultdict(Counter)
    for numbers in confirmed:
        for kind in KINDS:
            value = numbers.get(kind)
            if value:
                lengths[kind][len(value)] += 1
                if kind == "branch":
                    priors.branches[value] += 1
                else:  # a branch is one of few units: where it stands says nothing more
                    priors.ranges.setdefault(kind, ValueRange()).add(value)
    placed = 0  # confirmed numbers seen in a place on a card (each counts once)
    for numbers, photos in confirmed_photos:
        by_value = {v: k for k in KINDS if (v := numbers.get(k))}
        found: set[str] = set()
        for photo in photos:
            for observed, slot in _slots(photo):
                if observed.digits in by_value:
                    slots[by_value[observed.digits]][slot] += 1
                    found.add(observed.digits)
        placed += len(found)
    priors.lengths = dict(lengths)
    # Twenty numbers, not twenty photos of them: a few cases photographed many times must
    # not replace what the whole collection's branches show.
    if placed >= 20:
        priors.slots = dict(slots)
    elif sum(branch_slots.values()) >= 3:
        # No confirmed cases yet: the conventional card order (detainee, branch, forensic)
        # counts only as much as the known branches surely keep to the middle of the cards
        # (the share's lower confidence bound: four cards of five say little), beyond
        # chance (a third), and as many cards as show it (up to ten). Graded, not a
        # threshold: a reader that finds one more branch where a few cards put it first
        # must not take the place away from every case of the collection at once.
        seen = sum(branch_slots.values())
        regular = max(0.0, (_lower_bound(branch_slots["middle"], seen) - 1 / 3) * 1.5)
        if regular > 0:
            weight = 1 + min(10, seen) * regular  # 1: as likely as the other places
            priors.slots = {"detainee": Counter({"first": weight, "last": 1, "middle": 1}),
                            "branch": Counter({"middle": weight, "first": 1, "last": 1}),
                            "forensic": Counter({"last": weight, "first": 1, "middle": 1})}
    return priors


def _lower_bound(hits: int, total: int, z: float = 1.96) -> float:
    """The lower end of the 95% Wilson score interval of the share `hits` / `total` (the
    formula is three lines; scipy's takes a slow import for it)."""
    share = hits / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    return (centre - spread) / (1 + z * z / total)


def _slots(photo: Sequence[Observed]) -> list[tuple[Observed, str]]:
    """Each number clearly read on a card with its place in the conventional order (detainee,
    branch, forensic): by position on a card of three; on a card of two with a known branch,
    before the branch is first and after it last (the third number is elsewhere)."""
    on_card = sorted((o for o in photo if o.place == "card" and o.confidence >= REVIEW_BELOW),
                     key=lambda o: (o.row, o.order))
    if len(on_card) == 3:
        return list(zip(on_card, _SLOTS, strict=True))
    branches = [i for i, o in enumerate(on_card) if o.digits in KNOWN_BRANCHES]
    if len(on_card) == 2 and len(branches) == 1:
        at = branches[0]
        return [(o, "middle" if i == at else "first" if i < at else "last")
                for i, o in enumerate(on_card)]
    return []


def candidates(photos: Sequence[Sequence[Observed]]) -> list[Candidate]:
    """The values a case's photos show, strongest first. A value read only as part of a
    better-supported one (a digit lost at the edge), or one digit away from it (a digit
    misread), is folded into it: the latter counts against it."""
    support: dict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    slots: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    skin: Counter[str] = Counter()
    clearest: dict[str, float] = defaultdict(float)
    full: Counter[str] = Counter()
    for photo in photos:
        best: dict[str, float] = {}
        for observed in photo:
            best[observed.digits] = max(best.get(observed.digits, 0.0), observed.confidence)
            if observed.label:
                labels[observed.digits][observed.label] += 1
            if observed.place == "skin":
                skin[observed.digits] += 1
        placed = _slots(photo)
        for observed, slot in placed:
            slots[observed.digits][slot] += 1
            full[observed.digits] += len(placed) == 3
        for digits, confidence in best.items():
            support[digits] += confidence
            count[digits] += 1
            clearest[digits] = max(clearest[digits], confidence)
    kept: list[str] = []
    against: dict[str, float] = defaultdict(float)
    for digits in sorted(support, key=lambda d: (-support[d], -len(d), d)):
        home = next((k for k in kept if digits in k or _one_apart(digits, k)), None)
        if home is None:
            kept.append(digits)
        elif digits not in home:
            against[home] += support[digits]
    return [Candidate(d, support[d], count[d], slots[d], labels[d], skin[d], against[d],
                      clearest[d], full[d]) for d in kept[:_CANDIDATES]]


def _one_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _same_number(read: str, value: str) -> bool:
    """Whether `read` may be a reading of `value`: the same, one digit misread, or one digit
    lost at an edge."""
    return (read == value or _one_apart(read, value)
            or (len(value) - len(read) == 1 and read in value))


def propose(photos: Sequence[Sequence[Observed]], priors: Priors | None = None,
            decided: Mapping[Kind, str | None] | None = None) -> dict[Kind, Proposal]:
    """The three numbers of one case from its photos' observations (see the module docstring).

    ``decided`` holds the numbers an analyst set: each is given its own value in every
    assignment weighed (or none, when the photos do not show it), so that no other number
    takes it. A number the photos do not show is absent from the result.
    """
    priors = priors or Priors()
    found = candidates(photos)
    if not found:
        return {}
    # An analyst's value is the value read as it, or as it with a digit misread or lost at an
    # edge; one that matches no value read is simply not on these photos.
    fixed = {KINDS.index(k): next((c.digits for c in found if _same_number(c.digits, v)), None)
             for k, v in (decided or {}).items() if v}
    plausible = {c.digits: c.plausible + priors.usual_length(c.digits) for c in found}
    scores = {(c.digits, k): _score(c, k, priors) + plausible[c.digits]
              for c in found for k in KINDS}
    options = [*found, None]
    ranked: list[tuple[float, tuple[Candidate | None, ...]]] = []
    for chosen in _assignments(options):
        if fixed and not _respects(chosen, fixed):
            continue
        total = sum(scores[(c.digits, k)] if c else _MISSING for c, k in
                    zip(chosen, KINDS, strict=True))
        used = {c.digits for c in chosen if c}
        total += sum(_UNUSED * max(0.0, plausible[c.digits]) for c in found
                     if c.digits not in used)
        ranked.append((total, chosen))
    ranked.sort(key=lambda r: -r[0])
    best_total, best = ranked[0]
    proposals: dict[Kind, Proposal] = {}
    for index, kind in enumerate(KINDS):
        winner = best[index]
        rival = next(((t, a) for t, a in ranked[1:] if a[index] != winner), None)
        margin = best_total - rival[0] if rival else math.inf
        if winner is None and (rival is None or margin >= AMBIGUOUS_BELOW):
            continue
        against = winner.against if winner is not None else 0.0
        if margin >= AMBIGUOUS_BELOW and winner is not None:
            proposals[kind] = Proposal(kind, winner.digits, winner.support, against, margin,
                                       why=_why(winner, kind, priors))
            continue
        ranked_values: dict[str, float] = {}
        for total, chosen in ranked:
            value = chosen[index]
            if value is not None and value.digits not in ranked_values:
                ranked_values[value.digits] = round(total - best_total, 2)
        proposals[kind] = Proposal(
            kind, None, winner.support if winner else 0.0, against, margin,
            tuple(list(ranked_values.items())[:4]),
            why="the numbers read could be this one or another: a person should say which")
    return proposals


def _respects(chosen: tuple[Candidate | None, ...], fixed: Mapping[int, str | None]) -> bool:
    """Whether an assignment gives each decided number its value, and no other number one."""
    taken = {v for v in fixed.values() if v}
    return all((c.digits if c else None) == fixed[i] if i in fixed
               else c is None or c.digits not in taken for i, c in enumerate(chosen))


def _assignments(options: list[Candidate | None]) -> Iterable[tuple[Candidate | None, ...]]:
    """Every way of giving the three numbers distinct values, or none."""
    values = [o for o in options if o is not None]
    for size in range(min(3, len(values)), -1, -1):
        for picked in permutations(values, size):
            for places in permutations(range(3), size):
                chosen: list[Candidate | None] = [None, None, None]
                for value, place in zip(picked, places, strict=True):
                    chosen[place] = value
                yield tuple(chosen)


def _score(candidate: Candidate, kind: Kind, priors: Priors) -> float:
    digits = candidate.digits
    score = 0.0
    is_branch = priors.branch(digits)
    if kind == "branch":
        score += is_branch
    elif is_branch > 0:
        score -= 1.5  # a known unit's number is most likely the unit
    if not 2 <= len(digits) <= 7:
        score -= 3.0
    score += priors.length(kind, digits) + priors.range(kind, digits)
    if digits in priors.counted:
        score += _COUNTED if kind == "forensic" else -_COUNTED / 2
    slots = sum(candidate.slots.values())
    if slots:
        score += sum(n * priors.slot(kind, s) for s, n in candidate.slots.items()) / slots
    named = sum(candidate.labels.values())
    if named:
        score += 4.0 * (2 * candidate.labels.get(kind, 0) - named) / named
    return score


def _why(candidate: Candidate, kind: Kind, priors: Priors) -> str:
    reasons = []
    if candidate.labels.get(kind):
        reasons.append("labelled so")
    if kind == "branch" and priors.branch(candidate.digits) > 0:
        reasons.append("a known unit")
    if candidate.slots and priors.slots:
        slot = candidate.slots.most_common(1)[0][0]
        reasons.append(f"written {slot} on the card")
    if priors.length(kind, candidate.digits) > 0.5:
        reasons.append(f"{len(candidate.digits)} digits, as this archive's {kind} numbers")
    if kind == "forensic" and candidate.digits in priors.counted:
        reasons.append("counted up from the forensic numbers of the cases photographed"
                       " beside it")
    if priors.range(kind, candidate.digits) > 0.5:
        reasons.append(f"in the range of this archive's confirmed {kind} numbers")
    photos = f"read in {candidate.photos} photo{'s' if candidate.photos != 1 else ''}"
    return ", ".join([photos, *reasons])


def strong_values(photo: Iterable[Observed]) -> frozenset[str]:
    """The numbers a photo shows clearly, for telling one body's photos from another's."""
    return frozenset(o.digits for o in photo
                     if o.confidence >= REVIEW_BELOW and 2 <= len(o.digits) <= 7)
