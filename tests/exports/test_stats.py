"""`caesar export stats`: counts that can be quoted, each reproducible by its query."""

from __future__ import annotations

import csv
import shlex
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from conftest import Caesar
from PIL import Image

from caesar.cases.views import CaseNumbers, CaseView
from caesar.core import Archive
from caesar.demo.generate import generate_collection
from caesar.exports.stats import tables


def _case(case_id: int, *, branch: str | None, sex: str | None, findings: list[str],
          on: date | None) -> CaseView:
    return CaseView(id=case_id, photos=[], copies=[], numbers=CaseNumbers(branch=branch),
                    numbers_source={}, sex=sex, age_min=25, age_max=35, height_cm=None,
                    hospital=None, photographed_on=on, marks=[], findings=findings,
                    clothing=None, notes=None, status="draft", identification="unidentified",
                    roles={})


def test_counts_by_every_facet() -> None:
    cases = [_case(1, branch="215", sex="M", findings=["emaciation", "burns"],
                   on=date(2013, 8, 2)),
             _case(2, branch="215", sex=None, findings=["emaciation"], on=date(2013, 8, 20)),
             _case(3, branch="227", sex="M", findings=[], on=None)]
    found = {t.facet: {r.value: r.cases for r in t.rows} for t in tables(cases)}
    assert found["branch"] == {"215": 2, "227": 1}
    assert found["sex"] == {"M": 2, "unknown": 1}
    assert found["month"] == {"2013-08": 2, "unknown": 1}
    assert found["finding"] == {"emaciation": 2, "burns": 1, "none": 1}
    assert found["age"] == {"30-39": 3}
    assert list(found["finding"])[-1] == "none"  # unknowns last


def test_export_writes_csv_charts_and_a_page_whose_numbers_reproduce(
        archive: Archive, caesar: Caesar, tmp_path: Path) -> None:
    truth = generate_collection(tmp_path / "collection", cases=6, seed=2, drives=1,
                                reports=False)
    caesar.json("ingest", str(tmp_path / "collection" / truth.drives[0]))
    caesar.json("cases", "build")
    listed = caesar.json("cases", "list")
    caesar.json("cases", "edit", str(listed[0]["id"]), "--set", "sex=M", "--set",
                "findings=emaciation;ligature_marks")
    out = tmp_path / "stats"
    run = caesar("export", "stats", "--out", str(out), "--json")
    assert run.exit_code == 0, run.stderr

    for facet in ("branch", "hospital", "month", "sex", "age", "finding"):
        with open(out / f"by_{facet}.csv", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert rows and sum(int(r["cases"]) for r in rows) >= len(listed)
        for row in rows:
            words = shlex.split(row["query"])
            assert words[:3] == ["caesar", "cases", "list"]
            assert len(caesar.json(*words[1:])) == int(row["cases"]), row
        with Image.open(out / "charts" / f"by_{facet}.png") as png:
            assert png.format == "PNG" and png.width > 300
        assert ET.parse(out / "charts" / f"by_{facet}.svg").getroot().tag.endswith("svg")

    page = (out / "summary.html").read_text("utf-8")
    assert "الحالات حسب الفرع الأمني" in page and 'dir="rtl"' in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert "caesar cases list --sex M" in page
    [logged] = [e for e in caesar.json("ledger", "entries")
                if e["entry"]["type"] == "export.stats"]
    assert logged["entry"]["details"]["cases"] == len(listed)


def test_a_folder_that_is_not_empty_is_refused(caesar: Caesar, tmp_path: Path) -> None:
    out = tmp_path / "stats"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    run = caesar("export", "stats", "--out", str(out))
    assert run.exit_code == 2 and "not empty" in run.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
