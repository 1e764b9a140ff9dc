"""Families' reports (the `caesar missing` commands): list and search by name, read (each view
logged), file and edit with the import keys of `missing add --set`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from caesar.access.roles import Permission
from caesar.identify.reports import BadReports, ReportFields, parse_fields
from caesar.identify.views import ReportSummary, ReportView
from caesar.web.api.answers import ForReader
from caesar.web.gate import requires
from caesar.web.params import ReportId, Web, Who

router = APIRouter(prefix="/api/reports", tags=["reports"], route_class=ForReader)
Key = Annotated[str, StringConstraints(max_length=32)]
Mark = Annotated[str, StringConstraints(max_length=200)]
Value = Annotated[str | int | bool | Annotated[list[Mark], Field(max_length=50)] | None,
                  Field(union_mode="left_to_right")]


class Fields(BaseModel):
    """Report fields by import key (`missing add --set FIELD=VALUE`): text, numbers, booleans,
    marks as a list of codes; null clears a field when editing."""

    model_config = ConfigDict(populate_by_name=True)
    values: dict[Key, Value] = Field(alias="set", min_length=1, max_length=32)


def _fields(body: Fields, where: str, *, editing: bool) -> ReportFields:
    """The body's values checked by the service's parser (each problem named by field)."""
    fields, problems = parse_fields(where, body.values, blank_means_unknown=not editing)
    if problems:
        raise BadReports("; ".join(map(str, problems)) + ". Nothing was changed.")
    return fields


@router.get("", response_model=list[ReportSummary])
@requires(Permission.reports_read)
def reports(web: Web, who: Who,
            name: Annotated[str | None, Query(max_length=200)] = None) -> list[ReportSummary]:
    """Every report, or those whose names hold each word of `name` in any spelling (logged)."""
    return web.archive.identify.reports(who.name, name=name.strip() if name else None)


@router.post("", response_model=ReportView)
@requires(Permission.reports_write)
def file(web: Web, who: Who, body: Fields) -> ReportView:
    """File one report (a known `ref` updates that report)."""
    fields = _fields(body, "the report", editing=False)
    return web.archive.identify.add_report(fields, who.name)


@router.get("/{report_id}", response_model=ReportView)
@requires(Permission.reports_read)
def report(web: Web, who: Who, report_id: ReportId) -> ReportView:
    """One report with its reporters (no contact), decided matches and history (logged)."""
    return web.archive.identify.report(report_id, who.name)


@router.get("/{report_id}/contacts", response_model=ReportView)
@requires(Permission.contacts_read)
def contacts(web: Web, who: Who, report_id: ReportId) -> ReportView:
    """The report with the contacts of reporters who agreed to be contacted (logged)."""
    return web.archive.identify.report(report_id, who.name, contact=True)


@router.post("/{report_id}/edit", response_model=ReportView)
@requires(Permission.reports_write)
def edit(web: Web, who: Who, report_id: ReportId, body: Fields) -> ReportView:
    """Change fields; the values before are kept, sealed, and the change is logged."""
    fields = _fields(body, f"report {report_id}", editing=True)
    return web.archive.identify.edit_report(report_id, fields, who.name)
