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
