"""Where in its span each number of a case falls in this archive, learned from confirmed cases.

Detainee numbers were handed out across a wide span; forensic report numbers were counted up
at each hospital, so that the forensic numbers of one collection crowd into a few narrow bands.
Once analysts have confirmed some numbers, where a value stands among the numbers of its length
says which of the two it more likely is: a four-digit value near the confirmed forensic numbers
is more likely the forensic report's, one far from them the detainee's.

A value's place is its position within the numbers of its length (0 for 1000, just under 1 for
9999), so that the length, which :class:`caesar.cases.numbers.Priors` weighs on its own, is not
counted twice. The density over that position is a Gaussian kernel estimate with Silverman's
bandwidth, mixed with a uniform spread worth :data:`PRIOR_WEIGHT` confirmed values (a few
confirmed numbers say little), and kept as counts in :data:`BINS` bins: what the catalogue
stores is how many confirmed numbers fell in each hundredth of the span, not the numbers.
Written by hand because it is twenty lines over a hundred bins; scipy's `gaussian_kde` would
take a slow import into every view of a case for it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

BINS = 100
PRIOR_WEIGHT = 2.0
"""A uniform spread counts as this many confirmed values (chosen on the seen generator)."""

MIN_VALUES = 3
"""Fewer confirmed values of a length than this say nothing about where that length's fall."""

LIMIT = 2.5  # log-odds: one piece of evidence never decides alone against all the others


def place(digits: str) -> tuple[int, int] | None:
    """The length of a number and the bin of its position among the numbers of that length
    (None for what is not a number of 1 to 12 Western digits)."""
    if not (digits.isascii() and digits.isdigit()) or not 1 <= len(digits) <= 12:
        return None
    length = len(digits)
    low = 10 ** (length - 1) if length > 1 else 0
    position = (int(digits) - low) / (10 ** length - low)
    return length, min(BINS - 1, max(0, int(position * BINS)))


@dataclass
class ValueRange:
    """The confirmed values of one kind of number, by length, as bin counts."""

    bins: dict[int, Counter[int]] = field(default_factory=dict)

    def add(self, digits: str) -> None:
        """Count one confirmed value."""
        where = place(digits)
        if where is not None:
            self.bins.setdefault(where[0], Counter())[where[1]] += 1

    def log_odds(self, digits: str) -> float:
        """Log-odds that a value of this kind stands where `digits` does, against a value spread
        evenly over its length's span (0 without enough confirmed values of that length)."""
        where = place(digits)
        if where is None:
            return 0.0
        table = self._tables.get(where[0])
        return table[where[1]] if table else 0.0

    @cached_property
    def _tables(self) -> dict[int, list[float]]:
        return {length: _log_density(counts) for length, counts in self.bins.items()
                if sum(counts.values()) >= MIN_VALUES}

    def as_json(self) -> dict[str, dict[str, int]]:
        """Counts by length and bin, with string keys (JSON objects have no others)."""
        return {str(length): {str(b): n for b, n in sorted(counts.items())}
                for length, counts in sorted(self.bins.items())}

    @classmethod
    def from_json(cls, data: dict[str, dict[str, int]]) -> ValueRange:
        """The counts :meth:`as_json` wrote."""
        return cls({int(length): Counter({int(b): int(n) for b, n in counts.items()})
                    for length, counts in data.items()})


def _log_density(counts: Counter[int]) -> list[float]:
    """Per bin, the log of the smoothed density against the uniform one (which is 1)."""
    total = sum(counts.values())
    centres = [((b + 0.5) / BINS, n) for b, n in counts.items()]
    mean = sum(x * n for x, n in centres) / total
    spread = math.sqrt(sum(n * (x - mean) ** 2 for x, n in centres) / total)
    iqr = _quantile(centres, 0.75) - _quantile(centres, 0.25)
    scale = min(spread, iqr / 1.34) or spread
    # Silverman's rule of thumb; never narrower than two bins, where the counts are kept.
    width = max(2 / BINS, 0.9 * scale * total ** -0.2)
    out = []
    for b in range(BINS):
        x = (b + 0.5) / BINS
        kernel = sum(n * math.exp(-0.5 * ((x - c) / width) ** 2) for c, n in centres)
        density = kernel / (total * width * math.sqrt(2 * math.pi))
        mixed = (total * density + PRIOR_WEIGHT) / (total + PRIOR_WEIGHT)
        out.append(max(-LIMIT, min(LIMIT, math.log(mixed))))
    return out


def _quantile(weighted: list[tuple[float, int]], q: float) -> float:
    """The `q` quantile of values with integer weights."""
    ordered = sorted(weighted)
    target = q * sum(n for _, n in ordered)
    seen = 0
    for x, n in ordered:
        seen += n
        if seen >= target:
            return x
    return ordered[-1][0]
