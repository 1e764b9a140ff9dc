"""`caesar match`: ranked cases with explained factors; excluded cases never ranked."""

from __future__ import annotations

import gc
import json
from datetime import date
from pathlib import Path

import pytest
from cases_helper import Body, add_cases
from conftest import Caesar

from caesar.core import Archive

BODIES = [
    Body(detainee="7100", marks=("tattoo:left_forearm", "scar:chest"), height=176),  # the one
    Body(on=date(2012, 1, 10), detainee="7100"),  # same number, photographed before arrest
    Body(sex="F", detainee="7100"),  # same number, a woman
    Body(age=(40, 50), on=date(2013, 2, 1), branch="227", detainee="3313"),
    Body(age=(20, 30), on=date(2013, 4, 1), marks=("tattoo:right_forearm",)),
    Body(age=None, on=None, branch=None),  # nothing known but that it is a man
]
REPORT = {"ref": "r-1", "name": "سامر أحمد الحلبي", "sex": "M", "birth_year": 1985,
          "arrest_date": "2012-11-01", "arresting_branch": "Branch 215",
          "detainee_number": "7100", "marks": ["tattoo:left_forearm"], "height_cm": 175}


@pytest.fixture
def matched(archive: Archive, caesar: Caesar, tmp_path: Path) -> tuple[Caesar, list[int]]:
    cases = add_cases(archive, tmp_path / "photos", BODIES)
    caesar.account("rania", "reviewer")
    path = tmp_path / "r.json"
    path.write_text(json.dumps([REPORT, dict(REPORT, ref="r-2", sex="F")],
                               ensure_ascii=False), "utf-8")
    caesar.json("missing", "add", "--from", str(path))
    return caesar, cases


def test_match_json_ranks_then_lists_exclusions(matched: tuple[Caesar, list[int]]) -> None:
    caesar, cases = matched
    result = caesar.json("match", "--report", "1")
    assert set(result) >= {"report", "candidates"} and result["report"] == 1
    candidates = result["candidates"]
    for c in candidates:
        assert set(c) >= {"case", "score", "factors", "excluded"}
        for f in c["factors"]:
            assert set(f) >= {"factor", "weight", "why"} and isinstance(f["weight"], float)
            assert isinstance(f["why"], str) and f["why"]
    ranked = [c for c in candidates if not c["excluded"]]
    excluded = [c for c in candidates if c["excluded"]]
    assert candidates == ranked + excluded  # excluded ones only after every ranked one
    assert [c["score"] for c in ranked] == sorted((c["score"] for c in ranked), reverse=True)
    assert ranked[0]["case"] == cases[0]
    assert {c["case"] for c in excluded} == {cases[1], cases[2]}
    assert all(c["score"] is None for c in excluded)
    assert {c["case"] for c in ranked}.isdisjoint({cases[1], cases[2]})
    why = " ".join(f["why"] for c in excluded for f in c["factors"] if f["factor"] == "exclusion")
    assert "before the reported arrest" in why and "the case is a woman" in why
    best = {f["factor"]: f for f in ranked[0]["factors"]}
    assert best["detainee_number"]["weight"] > 1 and "the same detainee number" in \
        best["detainee_number"]["why"]
    assert "the body has it there" in best["mark"]["why"]

    every = caesar.json("match", "--all")
    assert [r["report"] for r in every] == [1, 2]
    assert gc.isenabled()  # paused for the batch only (the command runs in this process)
    woman = every[1]["candidates"]
    assert [c["case"] for c in woman if not c["excluded"]] == [cases[2]]


def test_an_excluded_case_is_ranked_only_after_a_recorded_override(
        matched: tuple[Caesar, list[int]]) -> None:
    caesar, cases = matched
    early = str(cases[1])
    refused = caesar.as_("rania", "review", "shortlist", "1", early)
    assert refused.exit_code == 2 and "excluded" in refused.stderr
    no_reason = caesar.as_("rania", "review", "override", "1", early)
    assert no_reason.exit_code == 2
    caesar.as_json("rania", "review", "override", "1", early, "--reason",
                "the family now says the arrest was in 2011")
    after = {c["case"]: c for c in caesar.json("match", "--report", "1")["candidates"]}
    lifted = after[cases[1]]
    assert lifted["excluded"] is False and lifted["override"] is True
    assert isinstance(lifted["score"], float)
    assert any(f["exclusion"] and "lifted" in f["why"] for f in lifted["factors"])
    caesar.as_json("rania", "review", "shortlist", "1", early)
