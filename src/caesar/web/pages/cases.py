"""Cases: search, one case with its photos, editing, reading numbers, merge and split, history.

Every change goes through `archive.cases` (the same service as `caesar cases ...`), under the
write lock, and comes back as a redirect to the page it changed (post, redirect, get).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caesar.access.roles import Permission
from caesar.cases.numbers import KINDS, Kind
from caesar.cases.search import CaseQuery, to_western, western_digits
from caesar.cases.views import CaseView
from caesar.cases.vocabulary import FINDINGS, IDENTIFICATIONS, STATUSES
from caesar.errors import UsageError
from caesar.web.diffs import diff
from caesar.web.gate import requires
from caesar.web.i18n import N_, Locale
from caesar.web.params import SHA256, CaseId, PageNumber, Web, Who
from caesar.web.rendering import MenuItem
from caesar.web.shown import check_shown, shown_digest
from caesar.web.words import value_words

router = APIRouter()
menu = [MenuItem(N_("Cases"), "/cases", Permission.cases_read)]

TEXT_FIELDS: Final = ("hospital", "clothing", "notes")
NUMBER_FIELDS: Final = ("age_min", "age_max", "height_cm")
Field = Annotated[str, Form(max_length=4000)]
Sent = Annotated[str | None, Form(max_length=4000)]  # None: the form did not send it
NOTICES: Final = {"saved": N_("Your changes were saved."),
                  "read": N_("Your reading was recorded."),
                  "merged": N_("The cases were merged into this one."),
                  "split": N_("The photos were split off into this new case.")}


@router.get("/cases", response_class=HTMLResponse)
@requires(Permission.cases_read)
def case_list(request: Request, web: Web, page: PageNumber = 1,
              number: Annotated[str, Query(max_length=32)] = "",
              branch: Annotated[str, Query(max_length=32)] = "",
              since: Annotated[str, Query(max_length=32)] = "",
              until: Annotated[str, Query(max_length=32)] = "",
              status: Annotated[str, Query(max_length=16)] = "",
              identification: Annotated[str, Query(max_length=16)] = "") -> Response:
    """Find cases by number, branch and the dates they were photographed."""
    problems: list[str] = []
    query = CaseQuery(number=western_digits(number) or None,
                      branch=western_digits(branch) or None,
                      since=_day(since, problems), until=_day(until, problems),
                      status=status if status in STATUSES else None,
                      identification=identification if identification in IDENTIFICATIONS
                      else None)
    found = web.archive.case_index.search(query, page)
    asked = {"number": number, "branch": branch, "since": since, "until": until,
             "status": status, "identification": identification}
    return web.pages.render(request, "cases.html", title=web.pages.text(request, "Cases"),
                            found=found, asked=asked, problems=problems,
                            branches=web.archive.case_index.branches(), statuses=STATUSES,
                            identifications=IDENTIFICATIONS,
                            query_string=urlencode({k: v for k, v in asked.items() if v}))


@router.get("/cases/{case_id}", response_class=HTMLResponse)
@requires(Permission.cases_read)
def case_page(request: Request, web: Web, who: Who, case_id: CaseId,
              reveal: Annotated[str | None, Query(pattern=SHA256)] = None,
              notice: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    """One case: numbers and where each came from, what the photos show, its photos."""
    case = web.archive.cases.show(case_id)
    disagreements = [d for d in web.archive.cases.disagreements() if d.case == case_id]
    return web.pages.render(
        request, "case.html", title=_title(request, web, case), case=case,
        reveal=reveal.lower() if reveal else None, default_view=who.photo_view,
        kinds=KINDS, disagreements=disagreements, notice=NOTICES.get(notice or ""))


@router.get("/cases/{case_id}/history", response_class=HTMLResponse)
@requires(Permission.cases_read)
def case_history(request: Request, web: Web, case_id: CaseId) -> Response:
    """Every change to a case, newest first, with the diff of each."""
    case = web.archive.cases.show(case_id)
    loc = web.pages.locale(request)
    changes = [(change, diff(_said(loc, change.field, change.before),
                             _said(loc, change.field, change.after)))
               for change in reversed(case.history)]
    return web.pages.render(request, "case_history.html", title=_title(request, web, case),
                            case=case, changes=changes)


@router.get("/cases/{case_id}/edit", response_class=HTMLResponse)
@requires(Permission.cases_edit)
def edit_page(request: Request, web: Web, case_id: CaseId) -> Response:
    """The form that changes a case's fields and the numbers as decided."""
    case = web.archive.cases.show(case_id)
    return web.pages.render(request, "case_edit.html", title=_title(request, web, case),
                            case=case, values=current_values(case), findings=FINDINGS,
                            shown=shown_digest(current_values(case)),
                            statuses=STATUSES, kinds=KINDS,
                            text_fields=TEXT_FIELDS, number_fields=NUMBER_FIELDS)


@router.post("/cases/{case_id}/edit")
@requires(Permission.cases_edit)
def save_edit(web: Web, who: Who, case_id: CaseId, shown: Sent = None, sex: Sent = None,
              age_min: Sent = None, age_max: Sent = None, height_cm: Sent = None,
              hospital: Sent = None, photographed_on: Sent = None, marks: Sent = None,
              clothing: Sent = None, notes: Sent = None, status: Sent = None,
              detainee: Sent = None, branch: Sent = None, forensic: Sent = None,
              findings: Annotated[list[str] | None, Form(max_length=len(FINDINGS) + 1)] = None
              ) -> Response:
    """Save the fields that changed; each is logged with the value it had.

    The case must still be as the form showed it (else nothing is saved); a field the form
    did not send is left as it is. The form always sends `findings` (an empty hidden one
    beside the boxes), so unticking every box is a change, not a missing field."""
    posted = {"sex": sex, "age_min": age_min, "age_max": age_max, "height_cm": height_cm,
              "hospital": hospital, "photographed_on": photographed_on,
              "marks": None if marks is None else ";".join(
                  m.strip() for m in re.split(r"[;\n]", marks) if m.strip()),
              "findings": None if findings is None else ";".join(sorted(f for f in findings
                                                                        if f)),
              "clothing": clothing, "notes": notes, "status": status, "detainee": detainee,
              "branch": branch, "forensic": forensic}
    case = web.archive.cases.show(case_id)
    before = current_values(case)
    check_shown(shown, before, "case")
    changes = [(name, value) for name, value in posted.items()
               if value is not None and _normal(value) != _normal(before[name])]
    if changes:
        with web.changing():
            web.archive.cases.edit(case_id, changes, who.name)
    return RedirectResponse(f"/cases/{case_id}?notice=saved", status_code=303)


@router.post("/cases/{case_id}/readings")
@requires(Permission.readings_add)
def add_reading(web: Web, who: Who, case_id: CaseId, detainee: Field = "", branch: Field = "",
                forensic: Field = "") -> Response:
    """Record the signed-in analyst's own reading of one or more numbers."""
    asked: tuple[tuple[Kind, str], ...] = (("detainee", detainee), ("branch", branch),
                                           ("forensic", forensic))
    given = [(kind, value.strip()) for kind, value in asked if value.strip()]
    if not given:
        raise UsageError("Write at least one of the numbers you read.")
    with web.changing():
        web.archive.cases.read(case_id, given, who.name)
    return RedirectResponse(f"/cases/{case_id}?notice=read", status_code=303)


@router.post("/cases/{case_id}/merge")
@requires(Permission.cases_regroup)
def merge(web: Web, who: Who, case_id: CaseId,
          others: Annotated[str, Form(max_length=200)],
          confirm: Annotated[str, Form(max_length=8)] = "") -> Response:
    """Merge other cases (the same body) into this one."""
    ids = [int(x) for x in re.findall(r"\d+", to_western(others))]
    if not ids:
        raise UsageError("Give the numbers of the cases to merge into this one.")
    if confirm != "yes":
        raise UsageError("Tick the box that says these photos show the same person.")
    with web.changing():
        web.archive.cases.merge([case_id, *ids], who.name)
    return RedirectResponse(f"/cases/{case_id}?notice=merged", status_code=303)


@router.post("/cases/{case_id}/split")
@requires(Permission.cases_regroup)
def split(web: Web, who: Who, case_id: CaseId,
          photos: Annotated[list[str], Form(max_length=500)] = []  # noqa: B006
          ) -> Response:
    """Split the photos ticked (another body) off into a new case."""
    with web.changing():
        new = web.archive.cases.split(case_id, photos, who.name)
    return RedirectResponse(f"/cases/{new.id}?notice=split", status_code=303)


_SAID_AS: Final[dict[str, str]] = {
    "marks": "mark", "findings": "finding", "sex": "sex", "status": "status",
    "photographed_on": "date", **{kind: "figures" for kind in KINDS}}


def _said(loc: Locale, field: str | None, value: Any) -> Any:
    """A field's value as the history says it: marks and findings in words, not codes."""
    return value_words(loc, _SAID_AS.get(field or ""), value)


def current_values(case: CaseView) -> dict[str, str]:
    """A case's editable fields as the form shows them (numbers: the analyst's only)."""
    values = {
        "sex": case.sex or "",
        **{name: "" if getattr(case, name) is None else str(getattr(case, name))
           for name in NUMBER_FIELDS},
        **{name: getattr(case, name) or "" for name in TEXT_FIELDS},
        "photographed_on": case.photographed_on.isoformat() if case.photographed_on else "",
        "marks": ";".join(case.marks), "findings": ";".join(sorted(case.findings)),
        "status": case.status,
    }
    for kind in KINDS:
        decided = case.numbers_source.get(kind) == "analyst"
        values[kind] = (getattr(case.numbers, kind) or "") if decided else ""
    return values


def _normal(value: str) -> str:
    return to_western(value.strip().replace("\r\n", "\n"))


def _day(text: str, problems: list[str]) -> date | None:
    text = to_western(text.strip())
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(text)
        return None


def _title(request: Request, web: Web, case: CaseView) -> str:
    loc = web.pages.locale(request)
    return f"{loc.gettext('Case')} {loc.figures(str(case.id))}"
