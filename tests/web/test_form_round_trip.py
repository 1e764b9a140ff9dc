"""An edit changes only what the person changed.

Each edit form is read as a browser reads it (every input, the selected options, the ticked
boxes, the text areas) and sent back unchanged: the record is the same before and after, to
the last character of a tattoo's words. A form saved after someone else changed its record
is refused, and nothing is written.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient

from caesar.access.roles import Role
from caesar.identify.reports import parse_assignments

from .conftest import NAMES, Site

TATTOO = "tattoo:left_forearm:name:رانيا"


class _Form(HTMLParser):
    """What a browser sends for the last form on a page that posts to `action`: (name,
    value) in page order."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":  # the page's own form is its last to `action` (the header's first)
            self.inside = a.get("action") == self.action
            if self.inside:
                self.fields = []
        if not self.inside:
            return
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or \
                [self._options[0][0]]
            self.fields.append((self._select, chosen[-1]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops one newline right after <textarea>.
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.fields.append((self._textarea, text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data


def _as_browser_sends(client: TestClient, page: str, action: str) -> dict[str, list[str]]:
    form = _Form(action)
    form.feed(client.get(page).text)
    assert form.fields, f"no form posting to {action} on {page}"
    sent: dict[str, list[str]] = {}
    for name, value in form.fields:
        sent.setdefault(name, []).append(unescape(value))
    return sent


def _report(site: Site, report_id: int) -> dict[str, Any]:
    return site.archive.identify.report(report_id, "test").model_dump(exclude={"history"})


def _file_report(site: Site) -> int:
    values = [
        "name=رانيا محمود الحسن", "father=محمود", "grandfather=علي", "family_name=الحسن",
        "mother=سعاد", "sex=F", "birth_date=1990-03-04", "height_cm=162",
        "arrest_date=2013-01-20", "arrest_place=حمص", "arresting_branch=فرع 215",
        "detainee_number=4521", f"marks={TATTOO};scar:chest;gold_tooth:upper_teeth:left_canine",
        "notes=Wore a blue scarf; her brother saw her in 2013.\nSecond line.",
        "reporter_name=أم رانيا", "reporter_relationship=الأم",
        "reporter_contact=+999 777 000", "consent_contact=true", "consent_share=partners",
        "consent_notify=true"]
    report = site.archive.identify.add_report(parse_assignments(values),
                                              NAMES[Role.family_liaison])
    return report.id


def test_a_report_saved_unchanged_is_unchanged(site: Site) -> None:
    liaison = site.as_role(Role.family_liaison)
    report_id = _file_report(site)
    before = _report(site, report_id)
    assert TATTOO in before["marks"] and len(before["marks"]) == 3
    page, action = f"/reports/{report_id}/edit", f"/reports/{report_id}/edit"
    sent = _as_browser_sends(liaison, page, action)
    assert sent["mark_text"][0] == "رانيا"  # the tattoo's words have their own input
    saved = liaison.post(action, data=sent)
    assert saved.status_code == 303, saved.text[:2000]
    assert _report(site, report_id) == before
    assert len(site.archive.identify.report(report_id, "test").history) == 1  # filed only

    # Changing only the notes changes only the notes: the tattoo keeps its words.
    sent = _as_browser_sends(liaison, page, action)
    sent["notes"] = ["Wore a blue scarf."]
    assert liaison.post(action, data=sent).status_code == 303
    after = _report(site, report_id)
    assert after == {**before, "notes": "Wore a blue scarf."}
    assert site.archive.identify.report(report_id, "test").history[-1].fields == ["notes"]


def test_a_report_form_older_than_its_record_is_refused(site: Site) -> None:
    liaison = site.as_role(Role.family_liaison)
    report_id = _file_report(site)
    page = action = f"/reports/{report_id}/edit"
    stale = _as_browser_sends(liaison, page, action)
    # someone else changes the place meanwhile
    site.archive.identify.edit_report(report_id, parse_assignments(["arrest_place=حماة"]),
                                      NAMES[Role.admin])
    changed = _report(site, report_id)
    stale["notes"] = ["a note"]
    refused = liaison.post(action, data=stale)
    assert refused.status_code == 409 and "changed after this form was shown" in refused.text
    assert _report(site, report_id) == changed  # neither the note nor the old place
    del stale["shown"]
    assert liaison.post(action, data=stale).status_code == 409
    assert _report(site, report_id) == changed


def test_a_case_saved_unchanged_is_unchanged(site: Site) -> None:
    analyst = site.as_role(Role.analyst)
    case = site.archive.case_index.all()[-1]
    site.archive.cases.edit(case.id, [
        ("sex", "M"), ("age_min", "30"), ("age_max", "40"), ("height_cm", "171"),
        ("hospital", "601"), ("marks", f"{TATTOO};scar:chest"),
        ("findings", "burns;emaciation"), ("clothing", "none"),
        ("notes", "first line\nsecond line"), ("status", "reviewed"),
        ("detainee", "5521")], NAMES[Role.analyst])
    before = site.archive.cases.show(case.id).model_dump()
    page, action = f"/cases/{case.id}/edit", f"/cases/{case.id}/edit"
    saved = analyst.post(action, data=_as_browser_sends(analyst, page, action))
    assert saved.status_code == 303
    assert site.archive.cases.show(case.id).model_dump() == before

    # Unticking every finding is a change the form sends (not a field it left out).
    sent = _as_browser_sends(analyst, page, action)
    sent["findings"] = [""]
    assert analyst.post(action, data=sent).status_code == 303
    after = site.archive.cases.show(case.id)
    assert after.findings == [] and after.marks == before["marks"]

    stale = _as_browser_sends(analyst, page, action)
    site.archive.cases.edit(case.id, [("hospital", "Tishreen")], NAMES[Role.admin])
    stale["notes"] = ["changed"]
    assert analyst.post(action, data=stale).status_code == 409
    shown = site.archive.cases.show(case.id)
    assert (shown.hospital, shown.notes) == ("Tishreen", "first line\nsecond line")


def test_account_settings_saved_unchanged_are_unchanged(site: Site) -> None:
    viewer = site.as_role(Role.viewer)
    name = NAMES[Role.viewer]

    def account() -> dict[str, Any]:
        return next(u for u in site.archive.access.accounts.list()
                    if u.name == name).model_dump()

    viewer.post("/account", data={**_as_browser_sends(viewer, "/account", "/account"),
                                  "digits": ["arabic"], "photo_view": ["grayscale"]})
    before = account()
    assert (before["digits"], before["photo_view"]) == ("arabic", "grayscale")
    saved = viewer.post("/account", data=_as_browser_sends(viewer, "/account", "/account"))
    assert saved.status_code == 303
    assert account() == before
