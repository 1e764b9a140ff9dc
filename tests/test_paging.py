"""`--limit` and `--offset` on the list commands: a long list read a page at a time, in the
list's usual order, the whole list by default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Caesar
from photos import camera_jpeg


@pytest.fixture
def five(caesar: Caesar, tmp_path: Path) -> Caesar:
    for i in range(5):
        camera_jpeg(tmp_path / "drive" / f"{i}.jpg", seed=i)
    caesar.json("ingest", str(tmp_path / "drive"))
    reports = tmp_path / "reports.json"
    reports.write_text(json.dumps([{"ref": f"R-{i}", "name": f"Person {i}"} for i in range(4)]))
    caesar.json("missing", "add", "--from", str(reports))
    return caesar


def test_pages_of_originals_are_the_whole_list_in_order(five: Caesar) -> None:
    whole = five.json("photos", "list")
    assert len(whole) == 5
    pages = [five.json("photos", "list", "--limit", "2", "--offset", str(start))
             for start in (0, 2, 4)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [p for chunk in pages for p in chunk] == whole
    assert five.json("photos", "list", "--offset", "5") == []


def test_other_lists_page_alike(five: Caesar) -> None:
    reports = five.json("missing", "list")
    assert five.json("missing", "list", "--limit", "3", "--offset", "1") == reports[1:4]
    assert five.json("transfers", "list", "--limit", "1") == five.json("transfers", "list")
    assert five.json("cases", "list", "--offset", "100") == []
    assert five.json("review", "list", "--limit", "5") == []


@pytest.mark.parametrize("option", [["--limit", "0"], ["--offset", "-1"]])
def test_a_page_that_cannot_be_is_refused(five: Caesar, option: list[str]) -> None:
    run = five("photos", "list", *option)
    assert run.exit_code == 2 and run.stdout == ""
