"""The fixed words pages show for codes (roles, statuses, findings...), in each language.

Kept as tables translated once per language, because pages show them in every row: looked up,
not translated again each time.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from caesar.web.i18n import N_, translations

LABELS: Final[dict[str, dict[str, str]]] = {
    "role": {"admin": N_("Administrator"), "archivist": N_("Archivist"),
             "analyst": N_("Analyst"), "reviewer": N_("Reviewer"),
             "investigator": N_("Investigator"), "family_liaison": N_("Family liaison"),
             "viewer": N_("Viewer")},
    "status": {"draft": N_("Draft"), "reviewed": N_("Reviewed")},
    "identification": {"unidentified": N_("Not identified"),
                       "candidate": N_("Possible identification"),
                       "identified": N_("Identified")},
    "sex": {"M": N_("Male"), "F": N_("Female"), "": N_("Not known"),
            "unknown": N_("Not known")},
    "kind": {"detainee": N_("Detainee number"), "branch": N_("Branch number"),
             "forensic": N_("Forensic report number")},
    "state": {"complete": N_("Complete"), "interrupted": N_("Interrupted"),
              "failed": N_("Failed"), "running": N_("Running")},
    "finding": {"emaciation": N_("Emaciation"), "ligature_marks": N_("Ligature marks"),
                "blunt_trauma": N_("Blunt trauma"), "burns": N_("Burns"),
                "gunshot": N_("Gunshot wounds"), "eye_injuries": N_("Eye injuries"),
                "sharp_force": N_("Sharp-force wounds"),
                "skin_disease": N_("Untreated skin disease"),
                "suspension_marks": N_("Suspension marks"), "fractures": N_("Fractures"),
                "genital_injuries": N_("Genital injuries"),
                "teeth_removed": N_("Teeth or nails removed"), "none": N_("None recorded"),
                "unknown": N_("Not known")},
    "view": {"blurred": N_("Grayscale and blurred"), "grayscale": N_("Grayscale, not blurred"),
             "original": N_("As taken")},
    "action": {"edit": N_("edited"), "merge": N_("merged"), "split": N_("split"),
               "move": N_("photo moved")},
    "gate": {"failed_sign_in": N_("Failed sign-ins"),
             "no_session": N_("Requests without signing in"),
             "rate_limited": N_("Sign-ins refused for too many failures")},
    "word": {"unknown": N_("Not known")},
}


@cache
def labels(language: str) -> dict[str, dict[str, str]]:
    """Every table of :data:`LABELS` in `language`."""
    translate = translations(language).gettext
    return {table: {code: translate(word) for code, word in words.items()}
            for table, words in LABELS.items()}


def label(language: str, table: str, code: str | None) -> str:
    """The word for `code` in `table`; an unknown code is shown as it is."""
    text = code or ""
    return labels(language)[table].get(text, text)
