"""The fixed vocabularies of the synthetic collection.

Later issues (cases, identification) code roles and categories with these same words (marks come
from the cases' vocabulary), so they are written once and documented in ``docs/ground-truth.md``.
"""

from __future__ import annotations

from typing import Final, Literal

# Marks are coded with the cases' own vocabulary, one list for cases, families' reports and
# this generator (re-exported here for the generator's modules).
from caesar.cases.vocabulary import (
    BODY_LOCATIONS as BODY_LOCATIONS,
)
from caesar.cases.vocabulary import (
    DISTINCTIVE_MARKS as DISTINCTIVE_MARKS,
)
from caesar.cases.vocabulary import (
    MARK_DETAILS as MARK_DETAILS,
)
from caesar.cases.vocabulary import (
    MARK_KINDS as MARK_KINDS,
)
from caesar.cases.vocabulary import (
    MARK_LOCATIONS as MARK_LOCATIONS,
)
from caesar.cases.vocabulary import (
    USUAL_PLACES as USUAL_PLACES,
)
from caesar.cases.vocabulary import (
    details_for as details_for,
)
from caesar.cases.vocabulary import (
    is_individualising as is_individualising,
)
from caesar.cases.vocabulary import (
    locations_for as locations_for,
)
from caesar.cases.vocabulary import (
    mirror_location as mirror_location,
)

Role = Literal["card", "face", "body", "detail", "published_copy", "other", "damaged", "video",
               "document"]
ROLES: Final[tuple[Role, ...]] = (
    "card", "face", "body", "detail", "published_copy", "other", "damaged", "video", "document",
)

Category = Literal["detention_death", "other_death", "scene"]
CATEGORIES: Final[tuple[Category, ...]] = ("detention_death", "other_death", "scene")

Script = Literal["western", "arabic_indic"]
SCRIPTS: Final[tuple[Script, ...]] = ("western", "arabic_indic")

NumberKind = Literal["detainee", "branch", "forensic"]
NUMBER_KINDS: Final[tuple[NumberKind, ...]] = ("detainee", "branch", "forensic")

Damage = Literal["empty", "truncated", "not_image"]
DAMAGES: Final[tuple[Damage, ...]] = ("empty", "truncated", "not_image")

Sex = Literal["M", "F"]

HOSPITALS: Final[tuple[str, ...]] = ("Tishreen", "601 Mezzeh")
HOSPITAL_NAMES_AR: Final[dict[str, str]] = {
    "Tishreen": "مشفى تشرين العسكري",
    "601 Mezzeh": "مشفى المزة العسكري ٦٠١",
}

# Branch numbers seen on the bodies, with rough weights so that a few branches dominate, as in
# the published counts. Only numbers: names are not asserted for every branch here.
BRANCH_WEIGHTS: Final[dict[str, int]] = {
    "215": 30, "227": 20, "235": 15, "216": 10, "248": 10, "251": 8, "291": 7,
}
BRANCHES: Final[tuple[str, ...]] = tuple(BRANCH_WEIGHTS)

# How families write a branch they know by name; only well-documented names are used.
BRANCH_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "235": ("فرع فلسطين", "Palestine Branch"),
    "251": ("فرع الخطيب", "al-Khatib Branch"),
    "227": ("فرع المنطقة", "Region Branch"),
}

WESTERN_DIGITS: Final[str] = "0123456789"
ARABIC_INDIC_DIGITS: Final[str] = "٠١٢٣٤٥٦٧٨٩"
_TO_ARABIC = str.maketrans(WESTERN_DIGITS, ARABIC_INDIC_DIGITS)
_TO_WESTERN = str.maketrans(ARABIC_INDIC_DIGITS, WESTERN_DIGITS)


def write_digits(value: str, script: Script) -> str:
    """A Western-digit string as written in the given digit script."""
    return value.translate(_TO_ARABIC) if script == "arabic_indic" else value


def western_digits(text: str) -> str:
    """Any Arabic-Indic digits in ``text`` replaced by Western ones."""
    return text.translate(_TO_WESTERN)
