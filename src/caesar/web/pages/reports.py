"""Families' reports of their missing: find one by name, read it, file one with the family (in
Arabic or English), edit it, and read the history of every change with its diff.

Everything goes through `archive.identify`, the service `caesar missing` calls: the name
search is its normalised Arabic/Latin search, and every list and every report shown is a
custody-log entry it appends (so each is under the write lock, like a change). Reporters'
contacts are shown only on their own page, only for reporters who consented, and that view is
logged too.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caesar.access.roles import Permission
from caesar.identify.reports import SHARE_CHOICES, FieldProblem
from caesar.identify.views import ReportView
from caesar.identify.wording import Phrase
from caesar.web.diffs import Piece, diff
from caesar.web.gate import requires
from caesar.web.i18n import N_, Locale
from caesar.web.pages.report_form import (
    ReportForm,
    Row,
    fields_of,
    form_values,
    mark_rows,
    sent_unchanged,
    shown_values,
    values_of,
)
from caesar.web.params import PageNumber, ReportId, Web, Who
from caesar.web.rendering import MenuItem
from caesar.web.shown import check_shown, shown_digest
from caesar.web.words import label, mark_choices, value_words

router = APIRouter()
menu = [MenuItem(N_("Families' reports"), "/reports", Permission.reports_read)]
PER_PAGE: Final = 100
NOTICES: Final = {"filed": N_("The report was filed. Its view, like every view of a report,"
                              " is recorded in the custody log."),
                  "saved": N_("Your changes were saved; the values before them are kept."),
                  "merged": N_("The other report was merged into this one: its reporters, photos"
                               " and matches are here now, and it stays on record as merged.")}


@router.get("/reports", response_class=HTMLResponse)
@requires(Permission.reports_read)
def report_list(request: Request, web: Web, who: Who, page: PageNumber = 1,
                name: Annotated[str, Query(max_length=200)] = "") -> Response:
    """Every report, or those whose names hold each word of `name` in any spelling."""
    found = web.archive.identify.reports(who.name, name=name.strip() or None)
    pages = max(1, -(-len(found) // PER_PAGE))
    page = min(page, pages)
    return web.pages.render(request, "reports.html",
                            title=web.pages.text(request, "Families' reports"),
                            reports=found[(page - 1) * PER_PAGE:page * PER_PAGE],
                            total=len(found), page=page, pages=pages,
                            name=name, query_string=urlencode({"name": name} if name else {}))


@router.get("/reports/new", response_class=HTMLResponse)
@requires(Permission.reports_write)
def new_report(request: Request, web: Web) -> Response:
    """The form a family liaison fills in with the family."""
    return _form(request, web, report=None, values={"consent_share": "archive"},
                 rows=mark_rows(None), problems=[])


@router.post("/reports/new", response_class=HTMLResponse)
@requires(Permission.reports_write)
def file_report(request: Request, web: Web, who: Who,
                form: Annotated[ReportForm, Form()]) -> Response:
    """File the report; with a problem, the form comes back with each problem by its field."""
    fields, problems = fields_of(form)
    if problems:
        return _form(request, web, report=None, values=form_values(form),
                     rows=mark_rows(form.marks()), problems=problems, status=400)
    report = web.archive.identify.add_report(fields, who.name)
    return RedirectResponse(f"/reports/{report.id}?notice=filed", status_code=303)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
@requires(Permission.reports_read)
def report_page(request: Request, web: Web, who: Who, report_id: ReportId,
                notice: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    """One report: the person, the arrest, the marks, the reporters and their consent, the
    matches decided and the disclosure sessions (the view is logged)."""
    report = web.archive.identify.report(report_id, who.name)
    return _report(request, web, who, report, contacts=False, notice=NOTICES.get(notice or ""))


@router.get("/reports/{report_id}/contacts", response_class=HTMLResponse)
@requires(Permission.contacts_read)
def report_contacts(request: Request, web: Web, who: Who, report_id: ReportId) -> Response:
    """The report with how to reach the reporters who consented to be contacted (logged)."""
    report = web.archive.identify.report(report_id, who.name, contact=True)
    return _report(request, web, who, report, contacts=True, notice=None)


@router.get("/reports/{report_id}/edit", response_class=HTMLResponse)
@requires(Permission.reports_write)
def edit_page(request: Request, web: Web, who: Who, report_id: ReportId) -> Response:
    """The report's form, filled in with what it holds (never a contact)."""
    report = web.archive.identify.report(report_id, who.name)
    return _form(request, web, report=report, values=values_of(report),
                 rows=mark_rows(report.marks), problems=[],
                 shown=shown_digest(shown_values(report)))


@router.post("/reports/{report_id}/edit", response_class=HTMLResponse)
@requires(Permission.reports_write)
def save_edit(request: Request, web: Web, who: Who, report_id: ReportId,
              form: Annotated[ReportForm, Form()]) -> Response:
    """Save what changed; the values before are kept, sealed, with who and when. The report
    must still be as the form showed it, else nothing is saved."""
    report = web.archive.identify.report(report_id, who.name)
    check_shown(form.shown, shown_values(report), "report")
    fields, problems = fields_of(form, shown=sent_unchanged(report))
    if problems:
        return _form(request, web, report=report, values=form_values(form),
                     rows=mark_rows(form.marks()), problems=problems, status=400,
                     shown=form.shown)
    if fields.values:
        web.archive.identify.edit_report(report_id, fields, who.name)
    return RedirectResponse(f"/reports/{report_id}?notice=saved", status_code=303)


@router.get("/reports/{report_id}/history", response_class=HTMLResponse)
@requires(Permission.reports_read)
def report_history(request: Request, web: Web, who: Who, report_id: ReportId) -> Response:
    """Every change to a report, newest first, each field with its diff (the view is logged).

    A reporter's previous contact is never shown here, whatever was changed.
    """
    report = web.archive.identify.report(report_id, who.name)
    loc = web.pages.locale(request)
    changes = [(change, _field_diffs(loc, report, i)) for i, change in
               reversed(list(enumerate(report.history)))]
    return web.pages.render(request, "report_history.html", title=_title(loc, report),
                            report=report, changes=changes)


def _report(request: Request, web: Web, who: Who, report: ReportView, *, contacts: bool,
            notice: str | None) -> Response:
    sessions = [s for s in web.archive.identify.disclosures() if s.report == report.id] \
        if who.may(Permission.disclosures_read) else []
    return web.pages.render(
        request, "report.html", title=_title(web.pages.locale(request), report), report=report,
        contacts=contacts, sessions=sessions, notice=notice,
        may_contact=any(r.consent_contact for r in report.reporters))


def _form(request: Request, web: Web, *, report: ReportView | None, values: dict[str, str],
          rows: list[Row], problems: list[FieldProblem], status: int = 200,
          shown: str | None = None) -> Response:
    loc = web.pages.locale(request)
    title = _title(loc, report) if report else loc.gettext("File a family's report")
    return web.pages.render(
        request, "report_form.html", title=title, status=status, report=report,
        values=values, rows=rows, problems=[_problem(loc, p) for p in problems], shown=shown,
        choices=mark_choices(loc.language), shares=SHARE_CHOICES)


def _problem(loc: Locale, problem: FieldProblem) -> tuple[str, Phrase]:
    """A parser's problem as (the field's words, what is wrong as a phrase the page says in
    its language)."""
    return label(loc.language, "report_field", problem.field), problem.words


def _title(loc: Locale, report: ReportView) -> str:
    return f"{loc.gettext('Report')} {loc.figures(str(report.id))}"


# -- history: each change's before, and its after (the next change's before, or now) --------

_REPORTER: Final = {"reporter_name": "name", "reporter_relationship": "relationship",
                    "consent_contact": "consent_contact", "consent_share": "consent_share",
                    "consent_notify": "consent_notify"}
Diff = tuple[str, list[Piece] | None]  # (field, its pieces, or None when withheld)


def _field_diffs(loc: Locale, report: ReportView, at: int) -> list[Diff]:
    """Each field the change at `at` touched, with before and after as a reader says them."""
    change = report.history[at]
    later = report.history[at + 1:]
    found: list[Diff] = []
    for key in change.fields:
        if key not in change.before:
            found.append((key, None))  # a value the service withholds (a contact)
            continue
        after = next((c.before[key] for c in later if key in c.before),
                     _current(report, key))
        found.append((key, diff(_said(loc, key, change.before[key]), _said(loc, key, after))))
    return found


def _current(report: ReportView, key: str) -> Any:
    if key in _REPORTER:
        first = report.reporters[0] if report.reporters else None
        return getattr(first, _REPORTER[key]) if first else None
    value = getattr(report, key, None)
    return value.isoformat() if isinstance(value, date) else value


_SAID_AS: Final = {"marks": "mark", "sex": "sex", "consent_contact": "notify",
                   "consent_notify": "notify", "consent_share": "share", "birth_date": "date",
                   "arrest_date": "date", "status": "report_status"}


def _said(loc: Locale, key: str, value: Any) -> Any:
    """A stored value as the page says it (marks in words, dates as the language writes
    them, yes and no); lists stay lists so that their items are compared one by one."""
    return value_words(loc, _SAID_AS.get(key), value)
