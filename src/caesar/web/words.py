"""The fixed words pages show for codes (roles, statuses, findings...), in each language.

Kept as tables translated once per language, because pages show them in every row: looked up,
not translated again each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Final

from caesar.cases.marks import read_mark
from caesar.cases.vocabulary import (
    BODY_LOCATIONS,
    MARK_DETAILS,
    MARK_KIND_WORDS,
    MARK_KINDS,
    PLACE_WORDS,
)
from caesar.web.i18n import N_, Locale, translations

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
    "unsure": {"not_read": N_("Not read in any photo."),
               "ambiguous": N_("Read, but which of the numbers it is cannot be told."),
               "contradicted": N_("Another photo reads it differently."),
               "faint": N_("Read faintly.")},
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
    "text_source": {"layer": N_("Its own text layer"), "ocr": N_("Read by OCR (a scan)"),
                    "layer+ocr": N_("Its own text layer, and OCR of pages scanned"),
                    "none": N_("No text found")},
    "action": {"edit": N_("edited"), "merge": N_("merged"), "split": N_("split"),
               "move": N_("photo moved")},
    "gate": {"failed_sign_in": N_("Failed sign-ins"),
             "no_session": N_("Requests without signing in"),
             "rate_limited": N_("Sign-ins refused for too many failures")},
    "word": {"unknown": N_("Not known")},
    "report_status": {"open": N_("Open"), "resolved": N_("Resolved: identified"),
                      "merged": N_("Merged into another report")},
    "match_status": {"candidate": N_("Candidate"), "shortlisted": N_("Shortlisted"),
                     "confirmed": N_("Confirmed"), "rejected": N_("Rejected")},
    "decision": {"shortlist": N_("shortlisted"), "confirm": N_("confirmed"),
                 "reject": N_("rejected"), "undo": N_("undid the last decision"),
                 "override": N_("lifted the exclusion"),
                 "undo_requested": N_("asked to undo the confirmation (a second reviewer"
                                      " must too)"),
                 "reject_requested": N_("asked to reject the confirmed case (a second"
                                        " reviewer must too)")},
    "factor": {"sex": N_("Sex"), "age": N_("Age"), "date": N_("Dates"),
               "branch": N_("Branch"), "detainee_number": N_("Detainee number"),
               "height": N_("Height"), "mark": N_("Mark"), "mark_detail": N_("Mark's detail"),
               "name": N_("Name"), "exclusion": N_("Exclusion")},
    "step": {"description": N_("A description in words"),
             "blurred": N_("One photo, grayscale and blurred"), "face": N_("The face"),
             "photos": N_("All the photos")},
    "outcome": {"recognised": N_("The family recognised the person"),
                "not_recognised": N_("The family did not recognise the person"),
                "unsure": N_("The family is not sure"),
                "stopped": N_("The family chose to stop")},
    "session": {"open": N_("Under way"), "ended": N_("Ended")},
    "request_state": {"requested": N_("Waiting for approval"), "approved": N_("Approved"),
                      "refused": N_("Refused"), "produced": N_("Ready to download"),
                      "expired": N_("Expired (deleted)")},
    "export_kind": {"evidence": N_("Evidence package (for a court)"),
                    "exhibit": N_("Exhibition set (for the public)"),
                    "data": N_("Data export (for partners)")},
    "left_out": {"restricted": N_("marked restricted"),
                 "not_an_image": N_("not an image that can be shown")},
    "share": {"archive": N_("Only within the archive"),
              "partners": N_("May be shared with partner organisations")},
    "notify": {"": N_("Not asked"), "yes": N_("Yes"), "no": N_("No")},
    "report_field": {
        "name": N_("Full name"), "father": N_("Father's name"),
        "grandfather": N_("Grandfather's name"), "family_name": N_("Family name"),
        "mother": N_("Mother's name"), "sex": N_("Sex"), "birth_year": N_("Year of birth"),
        "birth_date": N_("Date of birth"), "height_cm": N_("Height (cm)"),
        "arrest_date": N_("Date of arrest"), "arrest_place": N_("Place of arrest"),
        "arresting_branch": N_("Arresting branch"), "detainee_number": N_("Detainee number"),
        "marks": N_("Marks"), "notes": N_("Notes"), "status": N_("Status"),
        "reporter_name": N_("Reporter's name"),
        "reporter_relationship": N_("Reporter's relationship to the person"),
        "reporter_contact": N_("How to reach the reporter"),
        "consent_contact": N_("Agreed to be contacted"),
        "consent_share": N_("Who may see the report"),
        "consent_notify": N_("Wants to be told of a possible match"), "ref": N_("Reference")},
    "photo_outcome": {"added": N_("added"), "already_held": N_("already held by this report"),
                      "empty": N_("refused: the file is empty"),
                      "too_large": N_("refused: the file is too large"),
                      "not_image": N_("refused: not an image"),
                      "unsupported": N_("refused: an image format not read here"),
                      "truncated": N_("refused: the file was cut short"),
                      "corrupt": N_("refused: the image is damaged"),
                      "decompression_bomb": N_("refused: far too many pixels"),
                      "unreadable": N_("refused: the file could not be read")},
    "report_action": {"filed": N_("filed"), "imported": N_("imported from a list"),
                      "edited": N_("edited"), "merged": N_("merged")},
    "case_field": {
        "sex": N_("Sex"), "age_min": N_("Apparent age, from"),
        "age_max": N_("Apparent age, to"), "height_cm": N_("Height (cm)"),
        "hospital": N_("Hospital"), "photographed_on": N_("Photographed on"),
        "marks": N_("Marks"), "findings": N_("Findings"), "clothing": N_("Clothing"),
        "notes": N_("Notes"), "status": N_("Status"), "detainee": N_("Detainee number"),
        "branch": N_("Branch number"), "forensic": N_("Forensic report number"),
        "photos": N_("Photos"), "merged_from": N_("Merged from case")},
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


def value_words(loc: Locale, how: str | None, value: Any) -> Any:
    """A stored value as a page says it: `how` is "mark", "date", "figures" or a table of
    :data:`LABELS` (booleans are looked up as "yes" and "no"); None leaves text as it is.
    Lists stay lists, so that a diff compares their items one by one; nothing is None."""
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return [value_words(loc, how, item) for item in value]
    if how == "mark":
        return mark_words(loc.language, str(value))
    if how == "date":
        try:
            return loc.date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if how in LABELS:
        code = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        return label(loc.language, how, code)
    if how == "figures" or isinstance(value, int):
        return loc.figures(str(value))
    return value


# -- marks: their words are the cases' vocabulary's, in both languages (not the catalogue's) --

def mark_words(language: str, code: str) -> str:
    """A mark's code as a caseworker says it in `language` ("tattoo of an eagle on the left
    forearm", "وشم نسر على الساعد الأيسر")."""
    return read_mark(code).words("ar" if language == "ar" else "en")


@dataclass(frozen=True)
class MarkChoices:
    """What a marks form offers: kinds, places and each kind's details, in one language."""

    kinds: tuple[tuple[str, str], ...]
    places: tuple[tuple[str, str], ...]
    details: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]  # kind, words, details

    def offers(self, kind: str, place: str, detail: str) -> tuple[bool, bool, bool]:
        """Whether the choices offer a mark row's kind, place and detail (for that kind)."""
        details = next((d for k, _, d in self.details if k == kind), ())
        return (kind in {k for k, _ in self.kinds}, place in {p for p, _ in self.places},
                detail in {d for d, _ in details})


@cache
def mark_choices(language: str) -> MarkChoices:
    """The marks vocabulary as a form's choices, in `language`."""
    lang = "ar" if language == "ar" else "en"
    return MarkChoices(
        kinds=tuple((k, getattr(MARK_KIND_WORDS[k], lang)) for k in MARK_KINDS),
        places=tuple((p, getattr(PLACE_WORDS[p], lang)) for p in BODY_LOCATIONS),
        details=tuple((kind, getattr(MARK_KIND_WORDS[kind], lang),
                       tuple((code, getattr(words, lang)) for code, words in details.items()))
                      for kind, details in MARK_DETAILS.items()))
