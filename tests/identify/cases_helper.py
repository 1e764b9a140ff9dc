"""Cases for identification tests, made without OCR: real photos are ingested, then each
case is recorded as an analyst would have it (the cases' own tests cover `cases build`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from conftest import Caesar
from photos import camera_jpeg
from sqlalchemy import select

from caesar.catalog.cases import Case, CasePhoto
from caesar.catalog.models import Sighting
from caesar.core import Archive
from caesar.intake.service import IngestRequest


@dataclass(frozen=True)
class Body:
    """One case as an analyst recorded it."""

    sex: str | None = "M"
    age: tuple[int, int] | None = (25, 35)
    on: date | None = date(2013, 3, 1)
    branch: str | None = "215"
    detainee: str | None = None
    height: int | None = None
    marks: tuple[str, ...] = ()
    photos: int = 2
    roles: tuple[str, ...] = field(default=("face", "body"))


def add_cases(archive: Archive, folder: Path, bodies: list[Body]) -> list[int]:
    """Ingest photos for `bodies` and record each as a case; returns the case ids in order."""
    paths: list[list[str]] = []
    for i, body in enumerate(bodies):
        paths.append([])
        for j in range(body.photos):
            name = f"case{i:02d}/photo{j}.jpg"
            camera_jpeg(folder / name, seed=100 * i + j, size=(320, 240))
            paths[-1].append(name)
    archive.ingest(IngestRequest(sources=[str(folder)], actor="owner", operator="tester"))
    ids = []
    at = datetime.now(UTC)
    with archive.catalog.session() as session:
        sha_of = {s.path: s.sha256 for s in session.scalars(select(Sighting))}
        for body, names in zip(bodies, paths, strict=True):
            case = Case(status="reviewed", identification="unidentified", sex=body.sex,
                        age_min=body.age[0] if body.age else None,
                        age_max=body.age[1] if body.age else None,
                        photographed_on=body.on, branch=body.branch, detainee=body.detainee,
                        height_cm=body.height, marks=list(body.marks), findings=[],
                        created_at=at, updated_at=at)
            session.add(case)
            session.flush()
            for position, name in enumerate(names):
                role = body.roles[position] if position < len(body.roles) else "body"
                session.add(CasePhoto(sha256=sha_of[name], case_id=case.id, role=role,
                                      position=position, pinned=True))
            ids.append(case.id)
    return ids


def one_case(archive: Archive, folder: Path) -> str:
    """A single case of one face photo; its id as the command line takes it."""
    return str(add_cases(archive, folder / "photos", [Body(photos=1, roles=("face",))])[0])


def report_with_marks(folder: Path, marks: list[str], name: str = "r.json") -> Path:
    """A report file (`missing add --from`) of one man whose family describes `marks`."""
    path = folder / name
    path.write_text(json.dumps([{"ref": "m-1", "name": "سامر أحمد الحلبي", "sex": "M",
                                 "marks": marks}], ensure_ascii=False), "utf-8")
    return path


def ranked_for_mark(caesar: Caesar, folder: Path, mark: str) -> dict[int, dict[str, Any]]:
    """File a report of one man whose family describes `mark` (its own file in `folder`) and
    rank the cases for it: each candidate of `match --json`, by case id."""
    path = folder / f"mark-{len(list(folder.glob('mark-*.json')))}.json"
    path.write_text(json.dumps([{"ref": mark, "sex": "M", "marks": [mark]}],
                               ensure_ascii=False), "utf-8")
    report = caesar.json("missing", "add", "--from", str(path))[0]["id"]
    candidates = caesar.json("match", "--report", str(report))["candidates"]
    return {c["case"]: c for c in candidates}


def factor_named(candidate: dict[str, Any], name: str) -> dict[str, Any]:
    """The candidate's factor `name` (`mark`, `mark_detail`, ...)."""
    return next(f for f in candidate["factors"] if f["factor"] == name)
