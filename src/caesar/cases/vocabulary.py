"""The fixed words of case records: categories, photo roles, statuses and coded findings.

Findings follow the forensic categories that reports on these photos used (HRW, "If the Dead
Could Speak", 2015; the Minnesota Protocol's list of signs of torture and ill-treatment). They are
codes so that statistics count like with like; the notes field holds anything else.
"""

from __future__ import annotations

from typing import Final

READER_VERSION: Final[str] = "numbers-1"
"""Recorded with each photo's analysis; raise it when the number readers change what they find,
and `cases build` reads every photo again."""

CATEGORIES: Final[tuple[str, ...]] = (
    "detention_death", "other_death", "scene", "card_only", "unclear")
"""What a photo shows. The software suggests `detention_death` for photos grouped into a case
and `unclear` for the rest; analysts decide."""

PHOTO_ROLES: Final[tuple[str, ...]] = ("card", "face", "body", "detail")
STATUSES: Final[tuple[str, ...]] = ("draft", "reviewed")
IDENTIFICATIONS: Final[tuple[str, ...]] = ("unidentified", "candidate", "identified")

FINDINGS: Final[dict[str, str]] = {
    "emaciation": "severe weight loss, visible ribs and bones (starvation)",
    "ligature_marks": "marks of binding or strangulation (neck, wrists, ankles)",
    "blunt_trauma": "bruising, lacerations or deformity from blows",
    "burns": "thermal, chemical or electrical burns",
    "gunshot": "entry or exit wounds of firearms",
    "eye_injuries": "injuries to or removal of the eyes",
    "sharp_force": "cuts and stab wounds",
    "skin_disease": "untreated infections, scabies, ulcers",
    "suspension_marks": "signs of suspension by the wrists or arms",
    "fractures": "visible fractures or dislocations",
    "genital_injuries": "injuries to the genitals",
    "teeth_removed": "teeth or nails forcibly removed",
}
"""Coded findings: code -> what it covers."""

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
