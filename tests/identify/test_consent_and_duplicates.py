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
    son, arabic, _other, rana = _import(caesar, tmp_path,
                                       [SON_LATIN, SON_ARABIC, OTHER, ALSO_SHARED])
    shared = archive.identify.partner_reports("exporter")
    assert [r.id for r in shared] == [son, rana]
    assert not {f for f in PartnerReport.model_fields if f.startswith("reporter")}
    assert "+999" not in json.dumps([r.model_dump(mode="json") for r in shared])

    caesar.json("missing", "merge", str(son), str(arabic))
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


def _person(ref: str, name: str, year: int, arrested: str) -> dict[str, object]:
    return {"ref": ref, "name": name, "sex": "M", "birth_year": year,
            "arrest_date": arrested, "consent_share": "archive"}


def test_persons_reported_in_both_scripts_with_other_habits_are_found(
        caesar: Caesar, tmp_path: Path) -> None:
    # Each person twice, once in each script, as partners with other habits write the name
    # (Kurdish, Armenian, a short form, French dj and ou); with decoys who share the birth
    # year, the arrest date and one of the names.
    ids = _import(caesar, tmp_path, [
        _person("k-1", "Chiyar Sheikho", 1990, "2013-03-02"),
        _person("k-2", "شيار شيخو", 1990, "2013-03-02"),
        _person("k-3", "Chiyar Sarkissian", 1990, "2013-03-02"),
        _person("h-1", "Hovig Boghossian", 1975, "2012-07-15"),
        _person("h-2", "هوفيك بوغوصيان", 1975, "2012-07-15"),
        _person("h-3", "هوفيك كيفوركيان", 1975, "2012-07-15"),
        _person("m-1", "Mhd Khaled Belhadj", 1988, "2014-01-20"),
        _person("m-2", "محمد خالد بلحاج", 1988, "2014-01-20"),
        _person("y-1", "Youssef Darwiche", 1982, "2012-11-03"),
        _person("y-2", "يوسف درويش", 1982, "2012-11-03"),
        _person("y-3", "يونس درويش", 1982, "2012-11-03"),
    ])
    by_ref = dict(zip(["k-1", "k-2", "k-3", "h-1", "h-2", "h-3", "m-1", "m-2", "y-1", "y-2",
                       "y-3"], ids, strict=True))
    found = caesar.json("missing", "duplicates")
    pairs = {tuple(d["reports"]): d["why"] for d in found}
    for one, other in (("k-1", "k-2"), ("h-1", "h-2"), ("m-1", "m-2"), ("y-1", "y-2")):
        assert (by_ref[one], by_ref[other]) in pairs, (one, other, found)
    assert set(pairs) == {(by_ref[a], by_ref[b]) for a, b in
                          (("k-1", "k-2"), ("h-1", "h-2"), ("m-1", "m-2"), ("y-1", "y-2"))}
    # Why, in letters and habits, never the names.
    said = " ".join(" ".join(w) for w in pairs.values())
    assert "dj for ج (French spelling)" in said
    assert "a short form of a name" in said
    assert not {"Belhadj", "بلحاج", "Chiyar", "شيار", "Youssef"} & set(said.split())

    # The same comparison finds them by name, in the other script and another habit.
    def listed(name: str) -> set[int]:
        return {r["id"] for r in caesar.json("missing", "list", "--name", name)}
    assert listed("Hovig Boghossian") == {by_ref["h-1"], by_ref["h-2"]}
    assert listed("شيار") == {by_ref["k-1"], by_ref["k-2"], by_ref["k-3"]}
    assert listed("Mohammad Belhaj") == {by_ref["m-1"], by_ref["m-2"]}
    assert listed("Younes") == {by_ref["y-3"]}
