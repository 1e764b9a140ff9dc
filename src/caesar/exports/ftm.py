"""FollowTheMoney entities: the data model Aleph, OpenSanctions and yente read.

Each case becomes a ``Person`` (unidentified until identification says otherwise, with the
detainee number written on the body as an identifier), each security branch a ``PublicBody``
and each military hospital an ``Organization``, joined by ``UnknownLink`` entities whose role
says what the link is. The `followthemoney` library builds and checks them, so a property that
its schema does not know fails here instead of in a partner's import.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from followthemoney import model

from caesar.cases.marks import without_texts
from caesar.exports.data import DataSet

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
        branch = case.numbers.branch
        if branch:
            branch_id = f"{PREFIX}-branch-{branch}"
            if branch not in branches:
                branches.add(branch)
                yield _entity("PublicBody", branch_id,
                              name=[f"Security branch {branch}", f"الفرع الأمني {branch}"],
                              country="sy", jurisdiction="sy").to_dict()
            yield _entity("UnknownLink", f"{person_id}-branch-{branch}", subject=branch_id,
                          object=person_id, date=when,
                          role="held the detainee (branch number written on the body)"
                          ).to_dict()
        if case.hospital:
            hospital_id = f"{PREFIX}-hospital-{_slug(case.hospital)}"
            if case.hospital not in hospitals:
                hospitals.add(case.hospital)
                yield _entity("Organization", hospital_id,
                              name=f"Military hospital {case.hospital}", country="sy"
                              ).to_dict()
            yield _entity("UnknownLink", f"{person_id}-hospital", subject=hospital_id,
                          object=person_id, date=when, role="body photographed at").to_dict()


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
