"""What the evidence beside the names weighs for two reports of one person: log10 of how much
likelier each agreement is for one person's two reports than for two persons'.

Kept as steps (a limit, its weight) so that one pair (`caesar.identify.duplicates`) and many
pairs at once (`caesar.identify.candidates`, with numpy) weigh them by the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

Steps = Sequence[tuple[int, float]]

ARRESTED_DAYS: Steps = ((30, 0.8), (90, 0.2), (180, -0.3))
"""Arrest dates this many days apart or fewer: the weight; further apart, :data:`ARRESTED_FAR`."""
ARRESTED_FAR = -0.8

BORN_YEARS: Steps = ((1, 0.5), (3, 0.1), (6, -0.3))
"""Birth years this many years apart or fewer: the weight; further, :data:`BORN_FAR`."""
BORN_FAR = -1.0

SAME_PLACE = 0.5  # the same place of arrest (another place is not counted against)
SAME_NUMBER, OTHER_NUMBER = 2.0, -1.0  # detainee numbers
SAME_BRANCH, OTHER_BRANCH = 0.3, -0.2  # arresting branches (families often name another)


def stepped(value: int, steps: Steps, beyond: float) -> float:
    """The weight of the first step whose limit `value` does not pass, else `beyond`."""
    return next((weight for limit, weight in steps if value <= limit), beyond)
