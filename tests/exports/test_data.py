"""`caesar export data`: cases and statistics for partners, as CSV, JSON and FollowTheMoney."""

from __future__ import annotations

import csv
import json

from export_helpers import Collection, collection  # noqa: F401 - the fixture
from followthemoney import model


def test_csv_and_json_hold_every_case_and_no_photo(collection: Collection) -> None:
    caesar = collection.caesar
    cases = caesar.json("cases", "list")
    caesar.json("cases", "edit", str(cases[0]["id"]), "--set", "sex=F",
                "--set", "marks=tattoo:left_forearm:name:Rania;scar:face")
    for fmt in ("csv", "json"):
        out = collection.work / f"data-{fmt}"
        result = collection.export("data", "--format", fmt, "--out", str(out))
        assert result["counts"]["cases"] == len(cases) and result["counts"]["statistics"] > 0
        if fmt == "csv":
            with open(out / "cases.csv", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
            first = next(r for r in rows if r["id"] == str(cases[0]["id"]))
            # What a tattoo says can name the person or their family: it stays inside.
            assert first["sex"] == "F" and first["marks"] == "tattoo:left_forearm:name;scar:face"
        else:
            rows = json.loads((out / "cases.json").read_text())
            first = next(r for r in rows if r["id"] == cases[0]["id"])
            assert first["marks"] == ["tattoo:left_forearm:name", "scar:face"]
        assert len(rows) == len(cases)
        assert {r["photos"] for r in rows} == {str(len(c["photos"])) if fmt == "csv"
                                              else len(c["photos"]) for c in cases}
        text = "".join(p.read_text() for p in out.iterdir())
        assert not any(sha in text for c in cases for sha in c["photos"])  # no photo hashes
        assert "Rania" not in text
        assert (out / f"statistics.{fmt}").exists()
    entry = [e for e in caesar.json("ledger", "entries") if e["entry"]["type"] == "export.data"]
    assert [e["entry"]["details"]["format"] for e in entry] == ["csv", "json"]


def test_ftm_entities_are_valid_and_linked(collection: Collection) -> None:
    cases = collection.caesar.json("cases", "list")
    collection.caesar.json("cases", "edit", str(cases[0]["id"]),
                           "--set", "marks=tattoo:chest:heart:رانيا")
    out = collection.work / "data-ftm"
    collection.export("data", "--format", "ftm", "--out", str(out))
    text = (out / "entities.ftm.json").read_text("utf-8")
    assert "tattoo:chest:heart" in text and "رانيا" not in text
    lines = text.splitlines()
    entities = [model.get_proxy(json.loads(line), cleaned=False) for line in lines]
    by_id = {e.id: e for e in entities}
    people = [e for e in entities if e.schema.name == "Person"]
    assert len(people) == len(cases)
    branches = {c["numbers"]["branch"] for c in cases if c["numbers"]["branch"]}
    assert {e.first("name") for e in entities if e.schema.name == "PublicBody"} == {
        f"Security branch {b}" for b in branches}
    links = [e for e in entities if e.schema.name == "UnknownLink"]
    assert links and all(link.first("subject") in by_id and link.first("object") in by_id
                         for link in links)
    detainees = {c["numbers"]["detainee"] for c in cases} - {None}
    assert {p.first("idNumber") for p in people} >= detainees
