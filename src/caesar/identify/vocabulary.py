"""The fixed words and limits of identification: the keys of a family's report, the statuses
of a match under review, the steps and outcomes of a disclosure, the size of a family's photo.

Apart from the modules that act on them so that the command line can name them in its help
without importing the matching, review and image code behind them.
"""

from __future__ import annotations

from typing import Final

REPORT_KEYS: tuple[str, ...] = (
    "ref", "name", "father", "grandfather", "family_name", "mother", "sex", "birth_year",
    "birth_date", "height_cm", "arrest_date", "arrest_place", "arresting_branch",
    "detainee_number", "marks", "reporter_name", "reporter_relationship", "reporter_contact",
    "consent_contact", "consent_share",
)
"""The import keys of docs/design.md, in its order (also the CSV columns)."""

EXTRA_KEYS: tuple[str, ...] = ("notes", "consent_notify")
KEYS: tuple[str, ...] = REPORT_KEYS + EXTRA_KEYS

STATUSES: Final = ("candidate", "shortlisted", "confirmed", "rejected")
"""What a match under review is."""
REQUESTED: Final = "_requested"
"""The suffix of a decision that waits for a second reviewer (undo or reject a confirmation)."""

STEPS: Final = ("description", "blurred", "face", "photos")
"""What a family is shown in a disclosure, one agreed step at a time."""
OUTCOMES: Final = ("recognised", "not_recognised", "unsure", "stopped")

MAX_BYTES: Final = 20_000_000
"""A photo of at most 20 MB: a phone's photo is 2–8 MB; a larger scan is better as a JPEG."""
MAX_CAPTION: Final = 500  # characters: who is in it, when, where; not a story
