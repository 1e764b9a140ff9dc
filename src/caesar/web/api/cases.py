"""Cases: search, one case, and the analysts' decisions (the `caesar cases` commands)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from caesar.access.roles import Permission
from caesar.cases.numbers import Kind
from caesar.cases.search import CaseQuery, western_digits
from caesar.cases.views import CaseView, Disagreement
from caesar.web.api.answers import ForReader
from caesar.web.gate import requires
from caesar.web.params import MAX_ID, SHA256, CaseId, PageNumber, Web, Who

router = APIRouter(prefix="/api/cases", tags=["cases"], route_class=ForReader)
Short = Annotated[str, StringConstraints(max_length=32)]
Value = Annotated[str, StringConstraints(max_length=4000)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Sha = Annotated[str, StringConstraints(pattern=SHA256)]


class CaseList(BaseModel):
    """One page of the cases found."""

    cases: list[CaseView]
    total: int
    page: int
    pages: int


class Edit(BaseModel):
    """Fields to set, as `caesar cases edit ID --set FIELD=VALUE` takes them."""

    model_config = ConfigDict(populate_by_name=True)
    changes: dict[Short, Value] = Field(alias="set", min_length=1, max_length=32)


class Reading(BaseModel):
    """The numbers you read yourself (any of them)."""

    detainee: Short | None = None
    branch: Short | None = None
    forensic: Short | None = None


class Merge(BaseModel):
    """The other cases to merge into this one."""

    cases: list[Id] = Field(min_length=1, max_length=50)


class Split(BaseModel):
    """The photos (of another body) to split off into a new case."""

    photos: list[Sha] = Field(min_length=1, max_length=500)


@router.get("", response_model=CaseList)
@requires(Permission.cases_read)
def search(web: Web, page: PageNumber = 1,
           number: Annotated[str | None, Query(max_length=32)] = None,
           branch: Annotated[str | None, Query(max_length=32)] = None,
           since: date | None = None, until: date | None = None,
           status: Annotated[str | None, Query(max_length=16)] = None,
           identification: Annotated[str | None, Query(max_length=16)] = None) -> CaseList:
    """Cases whose numbers contain `number`, of `branch`, photographed between two days."""
    found = web.archive.case_index.search(CaseQuery(
        number=western_digits(number or "") or None, branch=western_digits(branch or "") or None,
        since=since, until=until, status=status, identification=identification), page)
    return CaseList(cases=found.cases, total=found.total, page=found.page, pages=found.pages)


@router.get("/{case_id}", response_model=CaseView)
@requires(Permission.cases_read)
def show(web: Web, case_id: CaseId) -> CaseView:
    """One case with its readings, analysts' readings and history."""
    return web.archive.cases.show(case_id)


@router.post("/{case_id}/edit", response_model=CaseView)
@requires(Permission.cases_edit)
def edit(web: Web, who: Who, case_id: CaseId, body: Edit) -> CaseView:
    """Set fields; every change is logged with the value before it."""
    with web.changing():
        return web.archive.cases.edit(case_id, list(body.changes.items()), who.name)


@router.post("/{case_id}/readings", response_model=list[Disagreement])
@requires(Permission.readings_add)
def read(web: Web, who: Who, case_id: CaseId, body: Reading) -> list[Disagreement]:
    """Record your own reading; returns the numbers of this case analysts disagree on."""
    asked: tuple[tuple[Kind, str | None], ...] = (
        ("detainee", body.detainee), ("branch", body.branch), ("forensic", body.forensic))
    given = [(kind, value) for kind, value in asked if value]
    with web.changing():
        return web.archive.cases.read(case_id, given, who.name) if given else []


@router.post("/{case_id}/merge", response_model=CaseView)
@requires(Permission.cases_regroup)
def merge(web: Web, who: Who, case_id: CaseId, body: Merge) -> CaseView:
    """Merge the other cases (the same body) into this one."""
    with web.changing():
        return web.archive.cases.merge([case_id, *body.cases], who.name)


@router.post("/{case_id}/split", response_model=CaseView)
@requires(Permission.cases_regroup)
def split(web: Web, who: Who, case_id: CaseId, body: Split) -> CaseView:
    """Split photos off into a new case; returns the new case."""
    with web.changing():
        return web.archive.cases.split(case_id, body.photos, who.name)
