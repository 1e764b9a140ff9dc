"""Review: one reviewer shortlists, a second, different one confirms; undo; every decision
logged; the case's identification and the report's status follow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cases_helper import Body, add_cases
from conftest import Caesar

from caesar.core import Archive


@pytest.fixture
def pair(archive: Archive, caesar: Caesar, tmp_path: Path) -> tuple[str, str]:
    (case, _) = add_cases(archive, tmp_path / "photos", [Body(detainee="4521"), Body()])
    path = tmp_path / "r.json"
    path.write_text(json.dumps([{"ref": "a", "name": "Samer Ali", "sex": "M",
                                 "arrest_date": "2012-10-01", "detainee_number": "4521"}]))
    (report,) = caesar.json("missing", "add", "--from", str(path))
    return str(report["id"]), str(case)


def _state(caesar: Caesar, report: str, case: str) -> tuple[str, str, str]:
    match = caesar.json("review", "show", report, case)["status"]
    return (match, caesar.json("cases", "show", case)["identification"],
            caesar.json("missing", "show", report)["status"])


def test_the_person_who_shortlisted_cannot_confirm(caesar: Caesar, pair: tuple[str, str]
                                                   ) -> None:
    report, case = pair
    caesar.json("--as", "rania", "review", "shortlist", report, case)
    assert _state(caesar, report, case) == ("shortlisted", "candidate", "open")
    size = caesar.json("ledger", "show")["size"]
    same = caesar("--as", "rania", "review", "confirm", report, case, "--json")
    assert same.exit_code == 2 and same.stdout == ""
    assert "rania shortlisted this match and cannot also confirm it" in same.stderr
    assert caesar.json("ledger", "show")["size"] == size
    assert _state(caesar, report, case) == ("shortlisted", "candidate", "open")
    # the acting person may also come from CAESAR_USER
    env_same = caesar("review", "confirm", report, case, env={"CAESAR_USER": "rania"})
    assert env_same.exit_code == 2

    confirmed = caesar.json("--as", "omar", "review", "confirm", report, case)
    assert confirmed["status"] == "confirmed" and confirmed["shortlisted_by"] == "rania"
    assert _state(caesar, report, case) == ("confirmed", "identified", "resolved")
    assert [d["actor"] for d in confirmed["decisions"]] == ["rania", "omar"]


def test_undo_and_reject_are_logged_and_reversible(caesar: Caesar, pair: tuple[str, str]
                                                   ) -> None:
    report, case = pair
    caesar.json("--as", "rania", "review", "shortlist", report, case)
    caesar.json("--as", "omar", "review", "confirm", report, case)
    undone = caesar.json("--as", "omar", "review", "undo", report, case, "--reason",
                         "the family says the date is wrong")
    assert undone["status"] == "shortlisted"
    assert _state(caesar, report, case) == ("shortlisted", "candidate", "open")
    no_reason = caesar("--as", "omar", "review", "reject", report, case)
    assert no_reason.exit_code == 2
    rejected = caesar.json("--as", "omar", "review", "reject", report, case, "--reason",
                           "the marks differ")
    assert rejected["decisions"][-1]["reason"] == "the marks differ"
    assert _state(caesar, report, case) == ("rejected", "unidentified", "open")
    caesar.json("--as", "omar", "review", "undo", report, case, "--reason", "too soon")
    assert _state(caesar, report, case)[0] == "shortlisted"
    assert [m["status"] for m in caesar.json("review", "list", "--status", "shortlisted")] \
        == ["shortlisted"]
    types = [e["entry"]["type"] for e in caesar.json("ledger", "entries")]
    for kind in ("match.shortlisted", "match.confirmed", "match.undone", "match.rejected"):
        assert kind in types
    assert types.count("match.undone") == 2
    assert "case.changed" in types  # the identification moved, as an analyst's edit would
