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


@pytest.fixture
def reviewers(caesar: Caesar) -> Caesar:
    """Two reviewers (rania, omar) and a viewer (karim), each signing in as themselves."""
    caesar.account("rania", "reviewer")
    caesar.account("omar", "reviewer")
    caesar.account("karim", "viewer")
    return caesar


def test_the_person_who_shortlisted_cannot_confirm(reviewers: Caesar, pair: tuple[str, str]
                                                   ) -> None:
    caesar = reviewers
    report, case = pair
    caesar.as_json("rania", "review", "shortlist", report, case)
    assert _state(caesar, report, case) == ("shortlisted", "candidate", "open")
    size = caesar.json("ledger", "show")["size"]
    same = caesar.as_("rania", "review", "confirm", report, case, "--json")
    assert same.exit_code == 2 and same.stdout == ""
    assert "rania shortlisted this match and cannot also confirm it" in same.stderr
    assert caesar.json("ledger", "show")["size"] == size
    assert _state(caesar, report, case) == ("shortlisted", "candidate", "open")
    # the acting person may also come from CAESAR_USER (global options after the command)
    env_same = caesar("review", "confirm", report, case, "--as-password-stdin", "--as-code",
                      "000000", env={"CAESAR_USER": "rania"}, input="long password of rania\n")
    assert env_same.exit_code == 2

    confirmed = caesar.as_json("omar", "review", "confirm", report, case)
    assert confirmed["status"] == "confirmed" and confirmed["shortlisted_by"] == "rania"
    assert _state(caesar, report, case) == ("confirmed", "identified", "resolved")
    assert [d["actor"] for d in confirmed["decisions"]] == ["rania", "omar"]


def test_invented_names_and_missing_credentials_are_refused(reviewers: Caesar,
                                                            pair: tuple[str, str]) -> None:
    caesar = reviewers
    report, case = pair
    size = caesar.json("ledger", "show")["size"]
    ghost = caesar("--as", "ghost-one", "review", "shortlist", report, case)
    assert ghost.exit_code == 2 and "No account named 'ghost-one'" in ghost.stderr
    no_terminal = caesar("--as", "rania", "review", "shortlist", report, case)
    assert no_terminal.exit_code == 2 and "no terminal" in no_terminal.stderr
    wrong = caesar("--as", "rania", "--as-password-stdin", "--as-code", "123456", "review",
                   "shortlist", report, case, input="not her password\n")
    assert wrong.exit_code == 2 and "not right" in wrong.stderr
    viewer = caesar.as_("karim", "review", "shortlist", report, case)
    assert viewer.exit_code == 2 and "karim's role (viewer) does not allow" in viewer.stderr
    assert caesar.json("ledger", "show")["size"] == size  # nothing decided, nothing logged
    assert caesar.json("review", "list") == []


def test_the_passphrase_holder_is_one_person(reviewers: Caesar, pair: tuple[str, str]) -> None:
    caesar = reviewers
    report, case = pair
    caesar.json("review", "shortlist", report, case)  # the owner, without --as
    alone = caesar("review", "confirm", report, case)
    assert alone.exit_code == 2 and "owner shortlisted this match" in alone.stderr
    assert caesar.as_json("omar", "review", "confirm", report, case)["status"] == "confirmed"


def test_undoing_a_confirmation_takes_two_reviewers(reviewers: Caesar, pair: tuple[str, str]
                                                    ) -> None:
    caesar = reviewers
    report, case = pair
    caesar.as_json("rania", "review", "shortlist", report, case)
    caesar.as_json("omar", "review", "confirm", report, case)
    asked = caesar.as_("omar", "review", "undo", report, case, "--reason", "wrong date",
                       "--json")
    assert asked.exit_code == 0 and "Recorded as a request" in asked.stderr
    assert asked.json()["decisions"][-1]["action"] == "undo_requested"
    assert _state(caesar, report, case) == ("confirmed", "identified", "resolved")
    again = caesar.as_("omar", "review", "undo", report, case, "--reason", "really")
    assert again.exit_code == 2 and "already asked to undo" in again.stderr
    owner_too = caesar.json("review", "undo", report, case, "--reason", "I agree")
    assert owner_too["status"] == "shortlisted"
    assert _state(caesar, report, case) == ("shortlisted", "candidate", "open")


def test_rejecting_a_confirmation_takes_two_reviewers(reviewers: Caesar, pair: tuple[str, str]
                                                      ) -> None:
    caesar = reviewers
    report, case = pair
    caesar.as_json("rania", "review", "shortlist", report, case)
    caesar.as_json("omar", "review", "confirm", report, case)
    asked = caesar.as_json("rania", "review", "reject", report, case, "--reason", "marks differ")
    assert asked["status"] == "confirmed"
    assert _state(caesar, report, case) == ("confirmed", "identified", "resolved")
    rejected = caesar.as_json("omar", "review", "reject", report, case, "--reason", "agreed")
    assert rejected["status"] == "rejected"
    assert _state(caesar, report, case) == ("rejected", "unidentified", "open")
    types = [e["entry"]["type"] for e in caesar.json("ledger", "entries")]
    assert types.count("match.reject_requested") == 1 and types.count("match.rejected") == 1


def test_identification_is_never_edited_by_hand(caesar: Caesar, pair: tuple[str, str]) -> None:
    _, case = pair
    edited = caesar("cases", "edit", case, "--set", "identification=identified")
    assert edited.exit_code == 2 and "follows the review" in edited.stderr
    assert caesar.json("cases", "show", case)["identification"] == "unidentified"


def test_undo_and_reject_are_logged_and_reversible(reviewers: Caesar, pair: tuple[str, str]
                                                   ) -> None:
    caesar = reviewers
    report, case = pair
    caesar.as_json("rania", "review", "shortlist", report, case)
    caesar.as_json("omar", "review", "confirm", report, case)
    caesar.as_json("rania", "review", "undo", report, case, "--reason", "the family says no")
    undone = caesar.as_json("omar", "review", "undo", report, case, "--reason",
                            "the family says the date is wrong")
    assert undone["status"] == "shortlisted"
    assert _state(caesar, report, case) == ("shortlisted", "candidate", "open")
    no_reason = caesar.as_("omar", "review", "reject", report, case)
    assert no_reason.exit_code == 2
    rejected = caesar.as_json("omar", "review", "reject", report, case, "--reason",
                              "the marks differ")
    assert rejected["decisions"][-1]["reason"] == "the marks differ"
    assert _state(caesar, report, case) == ("rejected", "unidentified", "open")
    caesar.as_json("omar", "review", "undo", report, case, "--reason", "too soon")
    assert _state(caesar, report, case)[0] == "shortlisted"
    assert [m["status"] for m in caesar.json("review", "list", "--status", "shortlisted")] \
        == ["shortlisted"]
    types = [e["entry"]["type"] for e in caesar.json("ledger", "entries")]
    for kind in ("match.shortlisted", "match.confirmed", "match.undone", "match.rejected",
                 "match.undo_requested"):
        assert kind in types
    assert types.count("match.undone") == 2
    assert "case.changed" in types  # the identification moved, as an analyst's edit would
