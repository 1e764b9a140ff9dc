"""`caesar missing`: partners' lists in JSON and CSV, updates by ref, bad rows, one report."""

from __future__ import annotations

import base64
import csv
import json
from pathlib import Path
from typing import Any

from conftest import Caesar

from caesar.core import Archive
from caesar.identify.vocabulary import REPORT_KEYS
from caesar.ledger.events import decode_entry

REPORTS: list[dict[str, Any]] = [
    {"ref": "p-1", "name": "محمد أحمد علي الحلبي", "father": "أحمد", "family_name": "الحلبي",
     "mother": "فاطمة الشامي", "sex": "M", "birth_year": 1985, "arrest_date": "2012-04-15",
     "arrest_place": "داريا", "arresting_branch": "فرع ٢١٥", "detainee_number": "٧١٠٠",
     "marks": ["tattoo:left_forearm", "scar"], "reporter_name": "فاطمة الشامي",
     "reporter_relationship": "mother", "reporter_contact": "+999 512 345 678",
     "consent_contact": True, "consent_share": "archive"},
    {"ref": "p-2", "name": "Khaled Omar al-Masri", "sex": "M", "birth_date": "1990-02-03",
     "height_cm": 175, "arrest_date": "2013-01-20", "arresting_branch": "Palestine Branch",
     "reporter_name": "Omar al-Masri", "reporter_relationship": "father",
     "reporter_contact": "family.1@example.org", "consent_contact": False,
     "consent_share": "partners"},
]


def _csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=REPORT_KEYS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ";".join(v) if isinstance(v, list) else
                             str(v).lower() if isinstance(v, bool) else v
                             for k, v in row.items()})
    return path


def _log_size(caesar: Caesar) -> int:
    size: int = caesar.json("ledger", "show")["size"]
    return size


def test_json_import_prints_ref_and_id_and_reimport_updates(caesar: Caesar,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps(REPORTS, ensure_ascii=False), "utf-8")
    first = caesar.json("missing", "add", "--from", str(path))
    assert [set(r) >= {"ref", "id"} for r in first] == [True, True]
    assert [r["ref"] for r in first] == ["p-1", "p-2"]

    changed = [dict(REPORTS[0], arrest_date="2012-05-01"), REPORTS[1]]
    path.write_text(json.dumps(changed, ensure_ascii=False), "utf-8")
    again = caesar.json("missing", "add", "--from", str(path))
    assert [r["id"] for r in again] == [r["id"] for r in first]
    assert len(caesar.json("missing", "list")) == 2
    shown = caesar.json("missing", "show", str(first[0]["id"]))
    assert shown["arrest_date"] == "2012-05-01"
    assert shown["detainee_number"] == "7100" and shown["branch_number"] == "215"
    assert shown["marks"] == ["tattoo:left_forearm", "scar"]
    assert [c["action"] for c in shown["history"]] == ["filed", "imported"]
    assert shown["history"][1]["before"] == {"arrest_date": "2012-04-15"}
    assert caesar.json("missing", "show", str(first[1]["id"]))["branch_number"] == "235"
    found = caesar.json("missing", "list", "--name", "Mohamed Halabi")
    assert [r["ref"] for r in found] == ["p-1"]
    assert [r["ref"] for r in caesar.json("missing", "list", "--name", "خالد المصري")] == ["p-2"]


def test_csv_import_reads_the_same_columns(caesar: Caesar, tmp_path: Path) -> None:
    imported = caesar.json("missing", "add", "--from", str(_csv(tmp_path / "l.csv", REPORTS)))
    report = caesar.json("missing", "show", str(imported[0]["id"]))
    assert report["name"] == REPORTS[0]["name"] and report["marks"] == REPORTS[0]["marks"]
    assert report["reporters"][0]["consent_contact"] is True
    assert report["reporters"][0]["contact"] is None  # only with --contact


def test_bad_rows_are_named_and_nothing_changes(caesar: Caesar, archive: Archive,
                                                tmp_path: Path) -> None:
    bad = [REPORTS[0], dict(REPORTS[1], sex="X", birth_date="1990-13-01"),
           dict(REPORTS[1], ref="p-3", marks=["tatoo:arm"], colour="blue")]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), "utf-8")
    before = _log_size(caesar)
    run = caesar("missing", "add", "--from", str(path), "--json")
    assert run.exit_code == 2 and run.stdout == ""
    for expected in ("report 2 (ref p-2): sex", "report 2 (ref p-2): birth_date",
                     "report 3 (ref p-3): marks", "report 3 (ref p-3): colour",
                     "nothing was imported"):
        assert expected in run.stderr
    csv_run = caesar("missing", "add", "--from",
                     str(_csv(tmp_path / "bad.csv", [dict(REPORTS[0], birth_year="85")])))
    assert csv_run.exit_code == 2 and "line 2 (ref p-1): birth_year" in csv_run.stderr
    assert _log_size(caesar) == before
    assert caesar.json("missing", "list") == []


def test_one_report_filed_edited_and_every_view_logged(caesar: Caesar) -> None:
    caesar.account("huda", "family_liaison")
    filed = caesar.as_json("huda", "missing", "add", "--set", "name=عمر خالد الحمصي",
                        "--set", "sex=M", "--set", "arrest_date=2012-08-02",
                        "--set", "reporter_name=Umm Omar", "--set", "reporter_contact=+999 5",
                        "--set", "consent_contact=no")
    report_id = str(filed[0]["id"])
    edited = caesar.json("missing", "edit", report_id, "--set", "birth_year=1988",
                         "--set", "marks=gold_tooth:upper_teeth")
    assert edited["birth_year"] == 1988 and edited["marks"] == ["gold_tooth:upper_teeth"]
    refused = caesar("missing", "show", report_id, "--contact")
    assert refused.exit_code == 2 and "consented" in refused.stderr
    caesar.json("missing", "show", report_id)
    types = [e["entry"]["type"] for e in caesar.json("ledger", "entries")]
    assert types.count("report.filed") == 1 and types.count("report.changed") == 1
    assert types.count("report.viewed") >= 2
    bad = caesar("missing", "edit", report_id, "--set", "height_cm=tall")
    assert bad.exit_code == 2 and "height_cm" in bad.stderr


def test_entries_name_nobody(caesar: Caesar, tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps(REPORTS, ensure_ascii=False), "utf-8")
    caesar.json("missing", "add", "--from", str(path))
    caesar.json("missing", "show", "1", "--contact")
    for item in caesar.json("ledger", "entries"):
        entry = decode_entry(base64.b64decode(item["leaf"]))
        text = json.dumps(entry, ensure_ascii=False)
        for secret in ("الحلبي", "Masri", "+999", "example.org", "mother"):
            assert secret not in text
