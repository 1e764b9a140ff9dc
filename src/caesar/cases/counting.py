"""Forensic report numbers counted up across the collection: evidence of which number is which.

Each hospital numbered its forensic reports in turn, body after body, and the bodies were
photographed in that order; so among the cases photographed one after another, one of each
case's numbers climbs by a few from case to case, while detainee numbers, handed out at
arrest, do not. A value that continues such a climb from the cases photographed just before
or after it is most likely the forensic number.

The climb is learned, not assumed: it counts only when the collection shows it far more often
between neighbouring cases than between cases photographed half the collection apart, where it
can only be chance. A collection whose numbers were not counted up (or whose photos are not in their
order) shows no such excess, and this evidence is left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

from caesar.cases.numbers import REVIEW_BELOW, Observed

NEIGHBOURS = 3
"""Cases photographed before and after a case (with a number read) that a climb may span."""

STEP = 10
"""The most a forensic number climbs per case between neighbours: a few bodies of another
hospital, or not photographed, may come between."""

MIN_LINKS = 2
"""Neighbours a case's value must climb with (from or to) to be taken as counted up."""

MIN_CLIMBS, EXCESS = 5, 3.0
"""A collection counts its numbers up when at least this many neighbouring cases climb, and
this many times as many as cases far apart do."""


def counted_values(cases: Sequence[Sequence[Sequence[Observed]]],
                   branches: Collection[str]) -> frozenset[str]:
    """The values that continue a climb from neighbouring cases, when the collection shows
    its numbers counted up (see the module docstring); `cases` in the order they were
    photographed, each as its photos' observations; `branches` the units' numbers, which
    recur and never climb.

    Each case gives at most one value: the one that climbs with the most neighbours, with
    at least :data:`MIN_LINKS` of them and more than any other value of the case. A detainee
    number falls in one neighbour's window now and then by chance; in two, and more often
    than the case's forensic number, hardly ever.
    """
    values = [v for v in (_clear(photos, branches) for photos in cases) if v]
    half = len(values) // 2
    if half <= 2 * NEIGHBOURS:
        return frozenset()  # too few cases with a number read to tell a climb from chance
    links: list[Counter[str]] = [Counter() for _ in values]
    near = far = 0
    for i, mine in enumerate(values):
        for distance in range(1, NEIGHBOURS + 1):
            if i + distance < len(values):
                pairs = _climbs(mine, values[i + distance], distance)
                for a, b in pairs:
                    links[i][a] += 1
                    links[i + distance][b] += 1
                near += bool(pairs)
                # The same test half the collection away, where only chance climbs.
                far += bool(_climbs(mine, values[(i + half + distance) % len(values)],
                                    distance))
    if near < MIN_CLIMBS or near < EXCESS * max(far, 1):
        return frozenset()
    counted = set()
    for found in links:
        ranked = found.most_common(2)
        if ranked and ranked[0][1] >= MIN_LINKS and (len(ranked) == 1
                                                     or ranked[0][1] > ranked[1][1]):
            counted.add(ranked[0][0])
    return frozenset(counted)


def _clear(photos: Sequence[Sequence[Observed]], branches: Collection[str]) -> set[str]:
    """A case's clearly read values that may be a forensic number."""
    return {o.digits for photo in photos for o in photo
            if o.confidence >= REVIEW_BELOW and 3 <= len(o.digits) <= 7
            and o.digits not in branches}


def _climbs(earlier: set[str], later: set[str], distance: int) -> list[tuple[str, str]]:
    """The pairs of values of two cases `distance` apart (in order) where the later one's
    climbs from the earlier one's by at most :data:`STEP` a case."""
    return [(a, b) for a in earlier for b in later if len(a) == len(b)
            and 0 < int(b) - int(a) <= STEP * distance]
