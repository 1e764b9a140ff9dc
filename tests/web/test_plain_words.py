"""Pages speak people's words: a case's marks and findings, and the fields its history names,
in English and Arabic on every page, never the codes the command line and JSON keep; a
report's ranked cases as a compact list, the whole explanation one click away."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from caesar.access.roles import Role
from caesar.web.gate import routes

from .conftest import DESCRIBED_FINDINGS, DESCRIBED_MARKS, Site

CODES = ("birthmark:right_lower_leg", "scar:left_thigh", "right_lower_leg", "left_thigh",
         "ligature_marks", "emaciation")
ENGLISH = ("birthmark on the right lower leg", "scar on the left thigh", "Ligature marks",
           "Emaciation")
ARABIC = ("وحمة على الساق اليمنى", "ندبة على الفخذ الأيسر", "آثار ربط أو خنق", "هزال شديد")


class _Visible(HTMLParser):
    """The text a person reads on a page: not tags, attributes or what a form field holds
    for editing (a textarea keeps the codes an analyst types)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("textarea", "script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("textarea", "script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "".join(parser.parts)


@pytest.fixture(scope="module")
def case_id(site: Site) -> int:
    """A case an analyst gave two marks and two findings, edited twice."""
    return site.described()[0]


@pytest.fixture
def in_arabic(site: Site) -> Iterator[None]:
    """The administrator reads in Arabic for the test, then in English again."""
    admin = site.as_role(Role.admin)
    token = site.csrf(admin)
    admin.post("/account", data={"language": "ar", "digits": "arabic", "csrf_token": token})
    yield
    admin.post("/account", data={"language": "en", "digits": "western", "csrf_token": token})


def test_a_case_page_says_its_marks_and_findings_in_english(site: Site, case_id: int) -> None:
    page = visible(site.as_role(Role.admin).get(f"/cases/{case_id}").text)
    assert all(words in page for words in ENGLISH), page
    assert not [code for code in CODES if code in page]
    api = site.as_role(Role.admin).get(f"/api/cases/{case_id}").json()
    assert api["marks"] == list(DESCRIBED_MARKS)  # codes stay in JSON
    assert sorted(api["findings"]) == sorted(DESCRIBED_FINDINGS)


def test_a_case_page_says_its_marks_and_findings_in_arabic(site: Site, case_id: int,
                                                           in_arabic: None) -> None:
    page = visible(site.as_role(Role.admin).get(f"/cases/{case_id}").text)
    assert all(words in page for words in ARABIC), page
    assert not [code for code in CODES if code in page]
    assert "وحمة على الساق اليمنى، ندبة على الفخذ الأيسر" in page  # joined as Arabic joins


def test_a_cases_history_names_fields_and_values_in_words(site: Site, case_id: int) -> None:
    english = visible(site.as_role(Role.admin).get(f"/cases/{case_id}/history").text)
    assert "edited: Marks" in english and "edited: Findings" in english
    assert "scar on the left thigh" in english and "Ligature marks" in english
    assert not [code for code in CODES if code in english]


def test_no_page_shows_a_mark_or_finding_code_in_either_language(site: Site,
                                                                  case_id: int) -> None:
    admin = site.as_role(Role.admin)
    seeded = site.identification()
    values = {"case_id": str(case_id), "transfer_id": "1",
              "sha256": site.archive.cases.show(case_id).photos[0], "index": "1",
              "report_id": str(seeded.report), "session_id": str(seeded.session),
              "request_id": str(seeded.request), "photo_id": str(seeded.photo)}
    pages = [re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
             for method, path, _ in routes(site.app)
             if method == "GET" and not path.startswith(("/api/", "/static/"))
             and not path.endswith(("/image", "/region", "/download", "/video"))
             and path != "/login"]
    assert f"/cases/{case_id}" in pages and f"/cases/{case_id}/edit" in pages
    token = site.csrf(admin)
    try:
        for language in ("en", "ar"):
            admin.post("/account", data={"language": language, "csrf_token": token})
            for path in pages:
                reply = admin.get(path)
                assert reply.status_code == 200, path
                shown = [code for code in CODES if code in visible(reply.text)]
                assert shown == [], (language, path, shown)
    finally:
        admin.post("/account", data={"language": "en", "csrf_token": token})


def test_ranked_cases_are_a_compact_list_with_the_whole_explanation_behind_a_click(
        site: Site, case_id: int) -> None:
    report = site.described()[1]
    reviewer = site.as_role(Role.reviewer)
    html = reviewer.get(f"/reports/{report}/matches").text
    ranked = reviewer.get(f"/api/reports/{report}/matches").json()["candidates"]
    assert ranked[0]["case"] == case_id and not ranked[0]["excluded"]
    # One row a case: from its <tr id="case-N"> to the next case's (a row holds tables).
    rows = re.findall(r'<tr id="case-(\d+)">(.*?)(?=<tr id="case-|$)', html, re.DOTALL)
    assert [int(case) for case, _ in rows] == [c["case"] for c in ranked]
    for (_, row), candidate in zip(rows, ranked, strict=True):
        factors = candidate["factors"]
        reasons = re.search(r'<ul class="reasons">(.*?)</ul>', row, re.DOTALL)
        assert reasons is not None
        assert reasons.group(1).count("<li") == min(3, len(factors))
        # The whole explanation, every factor, only inside the <details> a click opens.
        opened = re.search(r"<details>.*?</details>", row, re.DOTALL)
        assert opened is not None and row.count('<table class="factors">') == 1
        assert opened.group(0).count('<th scope="row">') == len(factors)
    first, factors = rows[0][1], ranked[0]["factors"]
    assert len(factors) > 3  # the list leaves some evidence to the click
    summary = first[:first.index("<details>")]
    said = [abs(f["weight"]) for f in factors if str(escape(f["why"])) in summary]
    unsaid = [abs(f["weight"]) for f in factors if str(escape(f["why"])) not in summary]
    assert len(said) == 3 and min(said) >= max(unsaid)  # the strongest, in words
