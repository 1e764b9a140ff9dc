"""FollowTheMoney entities: the data model Aleph, OpenSanctions and yente read.

Each case becomes a ``Person`` (unidentified until identification says otherwise, with the
detainee number written on the body as an identifier), each security branch a ``PublicBody``
and each military hospital an ``Organization``, joined by ``UnknownLink`` entities whose role
says what the link is. Each report the family agreed to share becomes a ``Person`` too, linked
to the branch they said arrested them and, once two reviewers confirmed it, to its case. The
`followthemoney` library builds and checks them, so a property that its schema does not know
fails here instead of in a partner's import.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from followthemoney import model

from caesar.cases.marks import without_texts
from caesar.exports.dataset import DataSet

PREFIX = "caesar"
_GENDER = {"M": "male", "F": "female"}


def _entity(schema: str, entity_id: str, **properties: Any) -> Any:
    entity = model.make_entity(schema)
    entity.id = entity_id
    for prop, values in properties.items():
        for value in values if isinstance(values, list) else [values]:
            if value is not None:
                entity.add(prop, value, quiet=False)
    return entity


def entities(data: DataSet) -> Iterator[dict[str, Any]]:
    """Every entity of the export, as FollowTheMoney's JSON dictionaries."""
    branches: set[str] = set()
    hospitals: set[str] = set()
    for case in data.cases:
        person_id = f"{PREFIX}-case-{case.id}"
        when = case.photographed_on.isoformat() if case.photographed_on else None
        yield _entity(
            "Person", person_id,
            name=[f"Unidentified person, Caesar case {case.id}",
                  f"شخص مجهول الهوية، حالة قيصر {case.id}"],
            gender=_GENDER.get(case.sex or ""), height=case.height_cm,
            idNumber=case.numbers.detainee, status=case.identification,
            appearance=without_texts(case.marks), country="sy",
            summary="Died in detention in Syria; photographed at a military hospital"
            + (f" on {when}" if when else "") + ". Detainee number as written on the body.",
        ).to_dict()
        yield from _branch_link(branches, person_id, case.numbers.branch, when,
                                "held the detainee (branch number written on the body)")
        if case.hospital:
            hospital_id = f"{PREFIX}-hospital-{_slug(case.hospital)}"
            if case.hospital not in hospitals:
                hospitals.add(case.hospital)
                yield _entity("Organization", hospital_id,
                              name=f"Military hospital {case.hospital}", country="sy"
                              ).to_dict()
            yield _entity("UnknownLink", f"{person_id}-hospital", subject=hospital_id,
                          object=person_id, date=when, role="body photographed at").to_dict()
    yield from _report_entities(data, branches)


def _report_entities(data: DataSet, branches: set[str]) -> Iterator[dict[str, Any]]:
    """A Person for each shared report (the missing person as the family describes them), the
    branch they said arrested them, and the case two reviewers confirmed they are."""
    for report in data.reports:
        person_id = f"{PREFIX}-report-{report.id}"
        name = " ".join(p for p in (report.name, report.father, report.grandfather,
                                    report.family_name) if p) or None
        arrested = report.arrest_date.isoformat() if report.arrest_date else None
        yield _entity(
            "Person", person_id, name=name or f"Missing person, report {report.id}",
            firstName=report.name if report.father else None, fatherName=report.father,
            lastName=report.family_name, motherName=report.mother,
            gender=_GENDER.get(report.sex or ""),
            birthDate=report.birth_date.isoformat() if report.birth_date else
            (str(report.birth_year) if report.birth_year else None),
            height=report.height_cm, idNumber=report.detainee_number, country="sy",
            status="missing" if report.status == "open" else report.status,
            summary="Reported missing by the family after arrest"
            + (f" on {arrested}" if arrested else "")
            + (f" in {report.arrest_place}" if report.arrest_place else "") + ".",
        ).to_dict()
        yield from _branch_link(branches, person_id, report.branch_number, arrested,
                                "arrested the person (as the family reported)")
    for match in data.matches:
        yield _entity("UnknownLink", f"{PREFIX}-match-{match.id}",
                      subject=f"{PREFIX}-report-{match.report}",
                      object=f"{PREFIX}-case-{match.case}",
                      date=match.updated_at.date().isoformat(),
                      role="identified as (confirmed by two reviewers)").to_dict()


def _branch_link(branches: set[str], person_id: str, branch: str | None, when: str | None,
                 role: str) -> Iterator[dict[str, Any]]:
    """The security branch (the first time it is named) and its link to the person."""
    if not branch:
        return
    branch_id = f"{PREFIX}-branch-{branch}"
    if branch not in branches:
        branches.add(branch)
        yield _entity("PublicBody", branch_id,
                      name=[f"Security branch {branch}", f"الفرع الأمني {branch}"],
                      country="sy", jurisdiction="sy").to_dict()
    yield _entity("UnknownLink", f"{person_id}-branch-{branch}", subject=branch_id,
                  object=person_id, date=when, role=role).to_dict()


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
