"""The fixed vocabularies of the synthetic collection.

Later issues (cases, identification) code marks, roles and categories with these same words, so
they are written once here and documented in ``docs/ground-truth.md``.
"""

from __future__ import annotations

from typing import Final, Literal

Role = Literal["card", "face", "body", "detail", "published_copy", "other", "damaged"]
ROLES: Final[tuple[Role, ...]] = (
    "card", "face", "body", "detail", "published_copy", "other", "damaged",
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

# Marks: a kind, usually with a place on the body. Written "kind:location" (or "kind" alone when
# the place is unknown), the form `cases edit --set marks=...` and `missing add` use.
MARK_KINDS: Final[tuple[str, ...]] = (
    "tattoo", "scar", "surgical_scar", "burn_scar", "birthmark", "mole",
    "missing_tooth", "gold_tooth", "missing_finger",
)
# Marks rare or specific enough to single a person out (a "strong identifier" in issue 8).
DISTINCTIVE_MARKS: Final[frozenset[str]] = frozenset(
    {"tattoo", "surgical_scar", "gold_tooth", "missing_finger"}
)
BODY_LOCATIONS: Final[tuple[str, ...]] = (
    "head", "face", "neck", "chest", "abdomen", "back",
    "left_shoulder", "right_shoulder", "left_upper_arm", "right_upper_arm",
    "left_forearm", "right_forearm", "left_hand", "right_hand",
    "left_thigh", "right_thigh", "left_lower_leg", "right_lower_leg",
    "left_foot", "right_foot", "upper_teeth", "lower_teeth",
)
# Where each kind of mark can be; a kind not listed may be anywhere but the teeth.
MARK_LOCATIONS: Final[dict[str, tuple[str, ...]]] = {
    "missing_tooth": ("upper_teeth", "lower_teeth"),
    "gold_tooth": ("upper_teeth", "lower_teeth"),
    "missing_finger": ("left_hand", "right_hand"),
}


def locations_for(kind: str) -> tuple[str, ...]:
    """The body locations a mark of this kind may have."""
    if kind in MARK_LOCATIONS:
        return MARK_LOCATIONS[kind]
    return tuple(loc for loc in BODY_LOCATIONS if not loc.endswith("_teeth"))


def mirror_location(location: str) -> str:
    """The same place on the other side of the body (left <-> right); others unchanged."""
    if location.startswith("left_"):
        return "right_" + location[len("left_"):]
    if location.startswith("right_"):
        return "left_" + location[len("right_"):]
    return location


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
