"""The form a family liaison fills in with the family: what it sends, turned into the import
keys that `caesar missing add --set` takes, and back into the values it shows.

Presentation only: every value is checked by the identification service's own parser
(`identify.reports.parse_fields`), which names each problem by its field; the form only says
which of its inputs mean which key.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final

from pydantic import BaseModel, Field, StringConstraints

from caesar.cases.marks import INSCRIPTION_MAX, escape_inscription, read_mark
from caesar.identify.reports import FieldProblem, ReportFields, parse_fields
from caesar.identify.views import ReportView

TEXT_KEYS: Final = ("name", "father", "grandfather", "family_name", "mother", "arrest_place",
                    "arresting_branch", "reporter_name", "reporter_relationship", "notes")
OTHER_KEYS: Final = ("sex", "birth_year", "birth_date", "height_cm", "arrest_date",
                     "detainee_number", "consent_share")
MARK_ROWS: Final = 3  # empty rows offered beside the marks a report already has
Text = Annotated[str | None, Field(max_length=4000)]
Short = Annotated[str, Field(max_length=40)]
Rows = Annotated[list[Short], Field(max_length=24)]
Inscriptions = Annotated[list[Annotated[str, Field(max_length=4 * INSCRIPTION_MAX)]],
                         Field(max_length=24)]
Row = tuple[str, str, str, str]  # a mark as the form shows it: kind, place, detail, its text


class ReportForm(BaseModel):
    """What the report form sends: None for an input it did not send, "" for one left empty.

    The full name is required: a report is filed about someone. Each mark is a row of three
    choices (kind, place, detail) from the cases' vocabulary and the text it shows (a
    tattoo's words). `shown` is the digest of the report as an edit form showed it
    (`caesar.web.shown`).
    """

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                           max_length=500)]
    father: Text = None
    grandfather: Text = None
    family_name: Text = None
    mother: Text = None
    sex: Text = None
    birth_year: Text = None
    birth_date: Text = None
    height_cm: Text = None
    arrest_date: Text = None
    arrest_place: Text = None
    arresting_branch: Text = None
    detainee_number: Text = None
    notes: Text = None
    reporter_name: Text = None
    reporter_relationship: Text = None
    reporter_contact: Text = None
    forget_contact: Text = None  # ticked: the reporter's contact is deleted
    consent_contact: Text = None  # a ticked box sends "yes"
    consent_share: Text = None
    consent_notify: Text = None  # "", "yes" or "no"
    mark_kind: Rows = []
    mark_place: Rows = []
    mark_detail: Rows = []
    mark_text: Inscriptions = []
    shown: Annotated[str | None, Field(max_length=64)] = None

    def rows(self) -> list[Row]:
        """The mark rows the form sent, as it shows them."""
        def nth(column: list[str], i: int) -> str:
            return column[i] if i < len(column) else ""
        return [(kind, nth(self.mark_place, i), nth(self.mark_detail, i), nth(self.mark_text, i))
                for i, kind in enumerate(self.mark_kind)]

    def marks(self) -> list[str] | None:
        """The mark codes of the rows with a kind (None when the form sent no rows)."""
        return row_codes(self.rows()) if self.mark_kind else None


def row_codes(rows: list[Row]) -> list[str]:
    """The mark codes of the `rows` that have a kind (`kind:place:detail:text`)."""
    return [":".join([kind, place, detail, escape_inscription(text.strip())]).rstrip(":")
            for kind, place, detail, text in rows if kind.strip()]


def fields_of(form: ReportForm, *, shown: dict[str, Any] | None = None
              ) -> tuple[ReportFields, list[FieldProblem]]:
    """The form's values as import keys, and the parser's problems (each by its field).

    A new report leaves out what was left empty. An edit (`shown`: what the edit form showed,
    `sent_unchanged` of the report) takes only the fields whose value differs from what was
    shown, and clears those emptied; the reporter's contact, which the form never shows, is
    kept when left empty, and only "forget the contact" deletes it.
    """
    editing = shown is not None
    sent = form.model_dump()
    raw: dict[str, Any] = {key: sent[key] for key in (*TEXT_KEYS, *OTHER_KEYS)
                           if sent[key] is not None}
    if editing and raw.get("birth_date", "").strip() and not raw.get("birth_year", "").strip():
        raw.pop("birth_year")  # the year comes from the date
    if form.reporter_contact and form.reporter_contact.strip():
        raw["reporter_contact"] = form.reporter_contact
    elif editing and form.forget_contact:
        raw["reporter_contact"] = None
    if editing or form.consent_contact:
        raw["consent_contact"] = "yes" if form.consent_contact else "no"
    if form.consent_notify in ("yes", "no"):
        raw["consent_notify"] = form.consent_notify
    elif editing and form.consent_notify == "":
        raw["consent_notify"] = None
    marks = form.marks()
    if marks is not None and (editing or marks):
        raw["marks"] = marks
    if shown is not None:
        raw = {key: value for key, value in raw.items() if key not in shown or value != shown[key]}
    return parse_fields("the form", raw, blank_means_unknown=not editing)


def sent_unchanged(report: ReportView) -> dict[str, Any]:
    """What the edit form of `report` sends when nothing is changed in it, key by key."""
    values: dict[str, Any] = values_of(report)
    values["consent_contact"] = "yes" if values["consent_contact"] else "no"
    values["consent_notify"] = values["consent_notify"] or None
    values["marks"] = row_codes(mark_rows(report.marks))
    return values


def shown_values(report: ReportView) -> dict[str, Any]:
    """The report's values as its edit form shows them, exactly as held (the digest's
    input, `caesar.web.shown`)."""
    return {**values_of(report), "marks": report.marks}


def values_of(report: ReportView) -> dict[str, str]:
    """What the edit form shows in each input for `report` (never a contact)."""
    first = report.reporters[0] if report.reporters else None
    values = {key: _text(getattr(report, key)) for key in (*TEXT_KEYS, *OTHER_KEYS)
              if hasattr(report, key)}
    values.update(
        reporter_name=_text(first.name if first else None),
        reporter_relationship=_text(first.relationship if first else None),
        consent_contact="yes" if first and first.consent_contact else "",
        consent_share=first.consent_share if first else "archive",
        consent_notify={True: "yes", False: "no", None: ""}[
            first.consent_notify if first else None])
    return values


def mark_rows(codes: list[str] | None) -> list[Row]:
    """The (kind, place, detail, text) rows the form shows: the marks held, then empty rows."""
    held = [read_mark(code) for code in codes or []]
    return [(m.kind, m.location or "", m.detail or "", m.inscription or "") for m in held] + \
        [("", "", "", "")] * MARK_ROWS


def form_values(form: ReportForm) -> dict[str, str]:
    """What the form sent, to show again beside its problems (never the contact)."""
    sent = form.model_dump()
    return {key: _text(sent.get(key)) for key in (*TEXT_KEYS, *OTHER_KEYS, "consent_contact",
                                                  "consent_notify")}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
