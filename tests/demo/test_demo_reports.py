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

from caesar.cases.marks import Mark, parse_mark, read_mark
from caesar.demo import names
from caesar.demo.generate import cases_and_reports, generate_collection
from caesar.demo.reports import MAX_ARREST_AFTER_PHOTO, REPORT_KEYS, reports_csv
from caesar.demo.truth import MarkTruth, Truth
from caesar.demo.vocab import (
    BRANCHES,
    DISTINCTIVE_MARKS,
    MARK_KINDS,
    USUAL_PLACES,
    details_for,
    mirror_location,
    western_digits,
)
from caesar.identify.names import is_arabic


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
    latin = {str(r["name"]).split()[0] for r, t in zip(reports, truth.reports, strict=True)
             if t.noise.name_script == "latin"}
    assert {"Mohammad", "Muhammad", "Mohamed"} <= latin
    arabic = {str(r["name"]).split()[0] for r, t in zip(reports, truth.reports, strict=True)
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
    for row, report in zip(table, rows, strict=True):
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
    for report, t in zip(reports, truth.reports, strict=True):
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
    for report, t in zip(reports, truth.reports, strict=True):
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
    distinctive_untold = [t for r, t in zip(reports, truth.reports, strict=True)
                          if "detainee_number" not in r
                          and any(read_mark(str(m)).kind in DISTINCTIVE_MARKS
                                  and read_mark(str(m)).detail is None
                                  for m in r.get("marks", []))
                          and not any(read_mark(str(m)).individualising
                                      for m in r.get("marks", []))]
    assert distinctive_untold and not any(t.strong_identifier for t in distinctive_untold)


def test_tattoos_say_names_dates_and_words_and_families_tell_them(
        many: tuple[Truth, list[dict[str, Any]]]) -> None:
    truth, reports = many
    tattoos = [m for c in truth.cases for m in c.marks if m.kind == "tattoo"]
    texts = [m.inscription for m in tattoos if m.inscription]
    assert 0.25 < len(texts) / len(tattoos) < 0.55
    assert all(m.inscription for m in tattoos if m.detail in ("name", "initials", "date",
                                                               "verse"))
    assert not any(m.inscription for c in truth.cases for m in c.marks if m.kind != "tattoo")
    assert any(is_arabic(t) for t in texts) and any(not is_arabic(t) for t in texts)
    assert any(c in "٠١٢٣٤٥٦٧٨٩" for t in texts for c in t)  # dates in Arabic-Indic digits
    mothers = {c.person.mother.ar for c in truth.cases}
    assert sum(t in mothers for t in texts) > 10  # his mother's name, on his arm
    for mark in tattoos:
        assert parse_mark(mark.code) == read_mark(mark.code)  # canonical, in the vocabulary

    cases = {c.id: c for c in truth.cases}
    inside = [(r, t) for r, t in zip(reports, truth.reports, strict=True) if t.case is not None]
    with_text = [t for _, t in inside if t.noise.mark_inscriptions != "none"]
    body_texts = [t for _, t in inside if any(
        read_mark(str(code)).kind == "tattoo" for code in _marks_of(reports, t.ref))
        and any(m.inscription for m in cases[t.case or 0].marks)]
    assert len(with_text) > 10 and len(with_text) / len(body_texts) > 0.4
    for flag in ("mark_inscription_other_script", "mark_inscription_misspelt",
                 "mark_inscription_wrong"):
        flagged = sum(getattr(t.noise, flag) for t in with_text)
        assert 0 < flagged < len(with_text) / 2, flag
    told = [g for _, t in inside for g in t.evidence.marks if read_mark(g.code).inscription]
    assert 0.45 < sum(bool(g.on_true_body) for g in told) / len(told) < 0.97


def _marks_of(reports: list[dict[str, Any]], ref: str) -> list[str]:
    return next(list(r.get("marks", [])) for r in reports if r["ref"] == ref)


def test_the_truth_counts_the_bodies_bearing_what_a_report_gives(
        many: tuple[Truth, list[dict[str, Any]]]) -> None:
    truth, reports = many
    numbers = Counter(c.detainee for c in truth.cases)

    def bears(body: MarkTruth, given: Mark) -> bool:
        return body.kind == given.kind and all(
            want is None or want == have for want, have in (
                (given.location, body.location), (given.detail, body.detail)))

    rows = {str(r["ref"]): r for r in reports}
    checked = 0
    for t in truth.reports:
        row, ev = rows[t.ref], t.evidence
        if "detainee_number" in row:
            assert ev.strength == "number"
            assert ev.number_bodies == numbers[western_digits(str(row["detainee_number"]))]
        else:
            assert ev.number_bodies is None
        assert [g.code for g in ev.marks] == list(row.get("marks", []))
        sets = []
        for given in ev.marks:
            mark = read_mark(given.code)
            if mark.inscription is not None:
                continue  # a text is counted by what it says, however spelt
            bearing = {c.id for c in truth.cases if any(bears(m, mark) for m in c.marks)}
            assert given.bodies == len(bearing)
            assert given.on_true_body == (None if t.case is None else t.case in bearing)
            sets.append(bearing)
            checked += 1
        if ev.marks and len(sets) == len(ev.marks):
            assert ev.marks_together == len(set.intersection(*sets))
        alone = [g for g in ev.marks if g.bodies == 1 and g.on_true_body]
        if "detainee_number" not in row and t.case is not None:
            single = bool(alone) or (ev.marks_together == 1 and all(
                g.on_true_body for g in ev.marks))
            assert (ev.strength == "individualising") == single
            if ev.strength == "shared":
                assert any(read_mark(g.code).individualising for g in ev.marks)
    assert checked > 1000
    inside = Counter(t.evidence.strength for t in truth.reports if t.case is not None)
    assert set(inside) == {"number", "individualising", "shared", "weak"}
    # What tattoos say makes marks single people out: most individualising texts are alone.
    texts = [g for t in truth.reports if t.case is not None for g in t.evidence.marks
             if read_mark(g.code).inscription and g.on_true_body]
    assert sum(g.bodies == 1 for g in texts) > len(texts) / 3
    again, again_rows = cases_and_reports(cases=3000, seed=11)
    assert again == truth and again_rows == reports  # same seed, same collection
