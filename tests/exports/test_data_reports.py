"""`export data` carries families' reports only with their consent, and identifications only
once two reviewers confirmed them; never a reporter, a contact or a note."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conftest import Caesar
from followthemoney import model
from identify.cases_helper import Body, add_cases

from caesar.core import Archive

SHARED = {"ref": "p-1", "name": "محمد أحمد علي الحلبي", "sex": "M", "birth_year": 1986,
          "arrest_date": "2013-01-20", "arresting_branch": "215", "detainee_number": "7340",
          "reporter_name": "فاطمة الحلبي", "reporter_relationship": "mother",
          "reporter_contact": "marker-contact-0944", "consent_share": "partners",
          "notes": "marker-note-seen-at-the-branch"}
PRIVATE = {"ref": "p-2", "name": "Khaled Omar Saleh", "sex": "M", "birth_year": 1979,
           "arrest_date": "2013-01-05", "reporter_name": "marker-reporter-khaled",
           "consent_share": "archive"}
CANDIDATE = {"ref": "p-3", "name": "Samer Yousef Haddad", "sex": "M", "birth_year": 1990,
             "arrest_date": "2013-01-02", "detainee_number": "5121", "consent_share": "partners"}


def _prepared(archive: Archive, caesar: Caesar, tmp_path: Path) -> tuple[int, int, int, int]:
    shared_case, other_case = add_cases(archive, tmp_path / "drive", [
        Body(detainee="7340", age=(24, 30)), Body(detainee="5121", age=(20, 26))])
    path = tmp_path / "reports.json"
    path.write_text(json.dumps([SHARED, PRIVATE, CANDIDATE], ensure_ascii=False), "utf-8")
    shared, _private, candidate = (r["id"] for r in caesar.json("missing", "add", "--from",
                                                                 str(path)))
    caesar.account("rania", "reviewer")
    caesar.account("omar", "reviewer")
    caesar.as_json("rania", "review", "shortlist", str(shared), str(shared_case))
    caesar.as_json("omar", "review", "confirm", str(shared), str(shared_case))
    caesar.as_json("rania", "review", "shortlist", str(candidate), str(other_case))
    return shared, candidate, shared_case, other_case


def test_only_consented_reports_and_confirmed_matches_leave(archive: Archive, caesar: Caesar,
                                                             tmp_path: Path) -> None:
    shared, candidate, shared_case, _ = _prepared(archive, caesar, tmp_path)
    out = tmp_path / "data"
    run = caesar("export", "data", "--format", "csv", "--out", str(out), "--yes", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["counts"]["reports"] == 2 and run.json()["counts"]["matches"] == 1
    with open(out / "reports.csv", encoding="utf-8") as f:
        reports = {int(r["id"]): r for r in csv.DictReader(f)}
    assert set(reports) == {shared, candidate}  # the private report stays in the archive
    assert reports[shared]["name"] == "محمد أحمد علي الحلبي"
    assert reports[shared]["status"] == "resolved"
    with open(out / "matches.csv", encoding="utf-8") as f:
        matches = list(csv.DictReader(f))
    # The shortlisted candidate is no finding: only the confirmed identification leaves.
    assert [(int(m["report"]), int(m["case"]), m["status"]) for m in matches] == [
        (shared, shared_case, "confirmed")]
    everything = "".join(p.read_text("utf-8") for p in out.iterdir())
    assert "marker-" not in everything and "فاطمة" not in everything
    assert "rania" not in everything and "omar" not in everything  # no staff names
    types = [e["entry"]["type"] for e in caesar.json("ledger", "entries")]
    assert types[-2:] == ["reports.shared", "export.data"]


def test_planning_an_export_hands_nothing_over(archive: Archive, caesar: Caesar,
                                               tmp_path: Path) -> None:
    _prepared(archive, caesar, tmp_path)
    before = len(caesar.json("ledger", "entries"))
    refused = caesar("export", "data", "--format", "json", "--out", str(tmp_path / "d"))
    assert refused.exit_code == 2  # no terminal and no --yes: the plan is shown, not done
    assert "2 families' reports whose every reporter agreed" in refused.stderr
    assert not (tmp_path / "d").exists()
    assert len(caesar.json("ledger", "entries")) == before


def test_ftm_links_a_report_to_its_branch_and_its_confirmed_case(
        archive: Archive, caesar: Caesar, tmp_path: Path) -> None:
    shared, candidate, shared_case, other_case = _prepared(archive, caesar, tmp_path)
    out = tmp_path / "ftm"
    assert caesar("export", "data", "--format", "ftm", "--out", str(out), "--yes").exit_code == 0
    entities = [model.get_proxy(json.loads(line), cleaned=False)
                for line in (out / "entities.ftm.json").read_text("utf-8").splitlines()]
    by_id = {e.id: e for e in entities}
    person = by_id[f"caesar-report-{shared}"]
    assert person.schema.name == "Person" and person.first("idNumber") == "7340"
    links = {(e.first("subject"), e.first("object")): e.first("role")
             for e in entities if e.schema.name == "UnknownLink"}
    assert links[(f"caesar-report-{shared}", f"caesar-case-{shared_case}")].startswith(
        "identified as")
    assert (f"caesar-report-{candidate}", f"caesar-case-{other_case}") not in links
    assert links[("caesar-branch-215", f"caesar-report-{shared}")].startswith("arrested")
    assert all(s in by_id and o in by_id for s, o in links)
