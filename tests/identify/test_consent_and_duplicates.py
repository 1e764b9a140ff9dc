"""Consent is respected when reports leave for partners; duplicates (one person, two
relatives, two scripts) are found and merged."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Caesar

from caesar.core import Archive
from caesar.identify.views import PartnerReport

SON_LATIN = {"ref": "a-1", "name": "Mohammad Ahmad Ali al-Halabi", "sex": "M",
             "birth_year": 1986, "arrest_date": "2012-04-10", "arrest_place": "Daraya",
             "reporter_name": "Ahmad al-Halabi", "reporter_relationship": "father",
             "reporter_contact": "+999 1", "consent_share": "partners"}
SON_ARABIC = {"ref": "b-7", "name": "محمد احمد علي الحلبي", "sex": "M", "birth_year": 1985,
              "arrest_date": "2012-04-22", "arrest_place": "داريا",
              "reporter_name": "فاطمة", "reporter_relationship": "mother",
              "reporter_contact": "+999 2", "consent_share": "archive"}
OTHER = {"ref": "a-2", "name": "Mahmoud Khaled Omar", "sex": "M", "birth_year": 1979,
         "arrest_date": "2013-01-05", "consent_share": "archive", "reporter_name": "Khaled"}
ALSO_SHARED = {"ref": "a-3", "name": "Rana Samer", "sex": "F", "consent_share": "partners",
               "reporter_contact": "+999 3"}


def _import(caesar: Caesar, tmp_path: Path, reports: list[dict[str, object]]) -> list[int]:
    path = tmp_path / "reports.json"
    path.write_text(json.dumps(reports, ensure_ascii=False), "utf-8")
    return [r["id"] for r in caesar.json("missing", "add", "--from", str(path))]


def test_only_reports_whose_reporters_all_consented_reach_partners(
        archive: Archive, caesar: Caesar, tmp_path: Path) -> None:
    son, arabic, other, rana = _import(caesar, tmp_path,
                                       [SON_LATIN, SON_ARABIC, OTHER, ALSO_SHARED])
    with archive.writing():
        shared = archive.identify.partner_reports("exporter")
    assert [r.id for r in shared] == [son, rana]
    assert not {f for f in PartnerReport.model_fields if f.startswith("reporter")}
    assert "+999" not in json.dumps([r.model_dump(mode="json") for r in shared])

    caesar.json("missing", "merge", str(son), str(arabic))
    with archive.writing():
        after = archive.identify.partner_reports("exporter")
    assert [r.id for r in after] == [rana]  # the mother chose archive only
    types = [e["entry"]["type"] for e in caesar.json("ledger", "entries")]
    assert types.count("reports.shared") == 2


def test_duplicates_across_scripts_are_found_and_merged(caesar: Caesar, tmp_path: Path
                                                        ) -> None:
    son, arabic, other, _ = _import(caesar, tmp_path,
                                    [SON_LATIN, SON_ARABIC, OTHER, ALSO_SHARED])
    found = caesar.json("missing", "duplicates")
    assert found and all(set(d) >= {"reports", "score", "why"} for d in found)
    assert found[0]["reports"] == [son, arabic]
    assert isinstance(found[0]["score"], float)
    why = " ".join(found[0]["why"])
    assert "the same first name, father's name, grandfather's name, family name" in why
    assert "Arabic letters" in why and "الحلبي" not in why and "Halabi" not in why
    assert all(other not in d["reports"] for d in found)

    merged = caesar.json("missing", "merge", str(son), str(arabic))
    assert {r["relationship"] for r in merged["reporters"]} == {"father", "mother"}
    gone = caesar.json("missing", "show", str(arabic))
    assert gone["status"] == "merged" and gone["merged_into"] == son
    assert caesar.json("missing", "duplicates") == []
    refused = caesar("match", "--report", str(arabic))
    assert refused.exit_code == 2 and f"merged into report {son}" in refused.stderr


def test_a_previous_contact_is_not_in_the_history_unless_contacts_are_shown(
        caesar: Caesar, tmp_path: Path) -> None:
    (report,) = _import(caesar, tmp_path, [{**ALSO_SHARED, "consent_contact": True}])
    caesar.json("missing", "edit", str(report), "--set", "reporter_contact=+999 4")
    shown = caesar.json("missing", "show", str(report))
    (change,) = [c for c in shown["history"] if c["action"] == "edited"]
    assert change["fields"] == ["reporter_contact"] and change["before"] == {}
    assert "+999" not in json.dumps(shown)
    with_contacts = caesar.json("missing", "show", str(report), "--contact")
    (change,) = [c for c in with_contacts["history"] if c["action"] == "edited"]
    assert change["before"] == {"reporter_contact": "+999 3"}  # the reporter consented
