"""Families' reports: the import format of `missing add`, their truth, and their noise."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from caesar.cases.marks import parse_mark, read_mark
from caesar.demo import names
from caesar.demo.generate import cases_and_reports, generate_collection
from caesar.demo.reports import MAX_ARREST_AFTER_PHOTO, REPORT_KEYS, reports_csv
from caesar.demo.truth import Truth
from caesar.demo.vocab import (
    BRANCHES,
    DISTINCTIVE_MARKS,
    MARK_KINDS,
    USUAL_PLACES,
    details_for,
    mirror_location,
    western_digits,
)


@pytest.fixture(scope="module")
def many() -> tuple[Truth, list[dict[str, Any]]]:
    # Planning only, no pixels: thousands of cases in a second.
    return cases_and_reports(cases=3000, seed=11)


def test_reports_use_the_import_keys(many: tuple[Truth, list[dict[str, Any]]]) -> None:
    truth, reports = many
    assert len(reports) == len(truth.reports) > 1000
    assert [r["ref"] for r in reports] == [t.ref for t in truth.reports]
    assert len({r["ref"] for r in reports}) == len(reports)
    for report in reports:
        assert set(report) <= set(REPORT_KEYS)
        assert report["sex"] in ("M", "F") and isinstance(report["consent_contact"], bool)
        assert report["consent_share"] in ("archive", "partners")
        assert isinstance(report.get("marks", []), list)
        for mark in report.get("marks", []):
            assert str(mark).split(":")[0] in MARK_KINDS
            assert parse_mark(str(mark)).code == mark  # canonical codes of the vocabulary
        for key in ("arrest_date", "birth_date"):
            if key in report:
                date.fromisoformat(str(report[key]))
        contact = str(report["reporter_contact"])
        assert contact.endswith("@example.org") or contact.startswith("+999 ")


def test_reports_point_at_their_true_case(many: tuple[Truth, list[dict[str, Any]]]) -> None:
    truth, reports = many
    rows = {str(r["ref"]): r for r in reports}
    cases = {c.id: c for c in truth.cases}
    inside = [t for t in truth.reports if t.case is not None]
    # About 30% of cases reported, and as many reports of people not in the collection.
    assert 0.25 < len({t.case for t in inside}) / len(cases) < 0.35
    outside = len(truth.reports) - len(inside)
    assert 0.8 < outside / len({t.case for t in inside}) < 1.2
    for t in inside:
        report, case = rows[t.ref], cases[t.case or 0]
        assert report["sex"] == case.sex
        if "arrest_date" in report:
            arrest = date.fromisoformat(str(report["arrest_date"]))
            assert arrest <= case.photographed_on + MAX_ARREST_AFTER_PHOTO
        if "detainee_number" in report:
            assert western_digits(str(report["detainee_number"])) == case.detainee
        if "birth_year" in report:
            assert report["birth_year"] == case.person.birth_date.year + (
                t.noise.birth_year_error or 0)
    for t in truth.reports:
        if t.duplicate_of is not None:
            first = next(r for r in truth.reports if r.ref == t.duplicate_of)
            assert first.case == t.case and first.noise.name_script != t.noise.name_script


def test_noise_is_realistic(many: tuple[Truth, list[dict[str, Any]]]) -> None:
    truth, reports = many
    inside = [t for t in truth.reports if t.case is not None]
    branch = Counter(t.noise.branch for t in inside)
    assert 0.22 < (branch["wrong"] + branch["missing"]) / len(inside) < 0.38
    assert 0.4 < sum(t.noise.marks == "none" for t in truth.reports) / len(truth.reports) < 0.6
    scripts = Counter(t.noise.name_script for t in truth.reports)
    assert 0.4 < scripts["arabic"] / len(truth.reports) < 0.7
    errors = [t.noise.arrest_date_error_days for t in inside
              if t.noise.arrest_date_error_days is not None]
    assert max(abs(e) for e in errors) > 14 and sum(e == 0 for e in errors) < len(errors) / 4
    years = [abs(t.noise.birth_year_error) for t in inside if t.noise.birth_year_error is not None]
    assert max(years) >= 6 and sum(y == 0 for y in years) > len(years) / 3
    strong = [t for t in inside if t.strong_identifier]
    assert 0.1 < len(strong) / len(inside) < 0.5
    rows = {str(r["ref"]): r for r in reports}
    for t in truth.reports:
        row = rows[t.ref]
        # Strong: a number, or a distinctive mark with its detail (a tattoo's motif, ...).
        assert t.strong_identifier == ("detainee_number" in row or any(
            read_mark(str(m)).individualising for m in row.get("marks", [])))
    branches = {str(r.get("arresting_branch")) for r in reports}
    assert "فرع فلسطين" in branches or "Palestine Branch" in branches
    assert any(b in branches for b in BRANCHES)


def test_names_are_written_in_both_scripts_with_variants(
        many: tuple[Truth, list[dict[str, Any]]]) -> None:
    truth, reports = many
    latin = {str(r["name"]).split()[0] for r, t in zip(reports, truth.reports)
             if t.noise.name_script == "latin"}
    assert {"Mohammad", "Muhammad", "Mohamed"} <= latin
    arabic = {str(r["name"]).split()[0] for r, t in zip(reports, truth.reports)
              if t.noise.name_script == "arabic"}
    assert {"أحمد", "احمد"} <= arabic
    rng = random.Random(0)
    fatima = next(n for n in names.FEMALE_NAMES if n.ar == "فاطمة")
    assert {"فاطمة", "فاطمه"} == {names.arabic_spelling(fatima, rng) for _ in range(200)}
    khatib = next(n for n in names.FAMILY_NAMES if n.ar == "الخطيب")
    spellings = {names.latin_spelling(khatib, rng) for _ in range(300)}
    assert {"al-Khatib", "el-Khatib", "Khatib"} <= spellings
    assert any("Ch" in s or "ch" in s for s in spellings)


def test_reports_files_beside_the_drives(tmp_path: Path) -> None:
    out = tmp_path / "c"
    truth = generate_collection(out, cases=10, seed=2, megapixels=0.1, report_share=0.5)
    rows = json.loads((out / "reports.json").read_text("utf-8"))
    assert [r["ref"] for r in rows] == [t.ref for t in truth.reports] and rows
    table = list(csv.DictReader(io.StringIO((out / "reports.csv").read_text("utf-8"))))
    assert list(table[0]) == list(REPORT_KEYS) and len(table) == len(rows)
    for row, report in zip(table, rows):
        assert row["marks"] == ";".join(report.get("marks", []))
        assert row["consent_contact"] == str(report["consent_contact"]).lower()
    # The plan-only view gives the same cases and reports as the full collection.
    planned, planned_rows = cases_and_reports(cases=10, seed=2, megapixels=0.1, report_share=0.5)
    assert planned_rows == rows and planned.reports == truth.reports
    assert [c.model_copy(update={"photos": ()}) for c in truth.cases] == list(planned.cases)


def test_csv_joins_lists_and_leaves_missing_cells_empty() -> None:
    text = reports_csv([{"ref": "r1", "marks": ["tattoo:left_forearm", "scar"],
                         "consent_contact": False}])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["marks"] == "tattoo:left_forearm;scar" and row["consent_contact"] == "false"
    assert row["name"] == "" and row["birth_year"] == ""


def test_arrest_comes_before_the_photo_for_most(
        many: tuple[Truth, list[dict[str, Any]]]) -> None:
    truth, reports = many
    cases = {c.id: c for c in truth.cases}
    after = total = 0
    for report, t in zip(reports, truth.reports):
        if t.case is not None and "arrest_date" in report:
            total += 1
            arrest = date.fromisoformat(str(report["arrest_date"]))
            after += arrest > cases[t.case].photographed_on
    assert after / total < 0.05
    assert all(c.person.arrest_date + timedelta(days=7) <= c.photographed_on
               for c in truth.cases)


def test_marks_carry_details_and_families_mostly_tell_them(
        many: tuple[Truth, list[dict[str, Any]]]) -> None:
    truth, reports = many
    body_marks = [(c, m) for c in truth.cases for m in c.marks]
    for case, mark in body_marks:
        allowed = details_for(mark.kind)
        assert (mark.detail in allowed) if allowed else mark.detail is None
        if mark.kind == "surgical_scar":
            assert mark.location in USUAL_PLACES[str(mark.detail)]
            assert mark.detail != "caesarean" or case.sex == "F"
    motifs = Counter(m.detail for _, m in body_marks if m.kind == "tattoo")
    assert len(motifs) >= 18 and max(motifs.values()) < 0.2 * sum(motifs.values())

    cases = {c.id: c for c in truth.cases}
    told = untold = wrong = 0
    for report, t in zip(reports, truth.reports):
        if t.case is None:
            continue
        details = {d for m in cases[t.case].marks if m.detail
                   for d in (m.detail, mirror_location(m.detail))}
        for code in report.get("marks", []):
            mark = read_mark(str(code))
            if details_for(mark.kind):
                told += mark.detail is not None
                untold += mark.detail is None
                if mark.detail is not None and mark.detail not in details:
                    wrong += 1
                    assert t.noise.mark_detail_wrong
    # Most of the time, not always; now and then a detail that is not the body's.
    assert 0.6 < told / (told + untold) < 0.8
    assert 0 < wrong < 0.1 * told
    assert any(t.noise.mark_detail_wrong for t in truth.reports)
    distinctive_untold = [t for r, t in zip(reports, truth.reports) if "detainee_number" not in r
                          and any(read_mark(str(m)).kind in DISTINCTIVE_MARKS
                                  and read_mark(str(m)).detail is None
                                  for m in r.get("marks", []))
                          and not any(read_mark(str(m)).individualising
                                      for m in r.get("marks", []))]
    assert distinctive_untold and not any(t.strong_identifier for t in distinctive_untold)
