"""Cases on the web: search, edit with history, readings, merge and split (same service as
`caesar cases`)."""

from __future__ import annotations

import re

from caesar.access.roles import Role
from caesar.cases.views import CaseView

from .conftest import NAMES, Site, csrf_of, shown_of


def _found(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<td><a href="/cases/(\d+)">', html)]


def _cases(site: Site) -> list[CaseView]:
    return site.archive.case_index.all()


def test_search_by_number_branch_and_date(site: Site) -> None:
    client = site.as_role(Role.viewer)
    cases = _cases(site)
    target = next(c for c in cases if c.numbers.detainee)
    assert _found(client.get(f"/cases?number={target.numbers.detainee}").text) == [target.id]
    arabic = target.numbers.detainee.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert _found(client.get(f"/cases?number={arabic}").text) == [target.id]
    branch = target.numbers.branch
    assert branch and target.id in _found(client.get(f"/cases?branch={branch}").text)
    assert all(c.numbers.branch == branch for c in cases
               if c.id in _found(client.get(f"/cases?branch={branch}").text))
    day = target.photographed_on
    assert day is not None
    same_day = _found(client.get(f"/cases?since={day}&until={day}").text)
    assert target.id in same_day
    assert same_day == [c.id for c in cases if c.photographed_on == day]
    assert _found(client.get(f"/cases?since={day.replace(year=day.year + 1)}").text) == []
    bad = client.get("/cases?since=02/08/2013")
    assert bad.status_code == 200 and "These dates are not valid" in bad.text
    api = client.get(f"/api/cases?number={target.numbers.detainee}").json()
    assert [c["id"] for c in api["cases"]] == [target.id] and api["total"] == 1


def test_an_edit_is_kept_with_its_history_and_a_diff(site: Site) -> None:
    analyst = site.as_role(Role.analyst)
    case = _cases(site)[0]
    form = analyst.get(f"/cases/{case.id}/edit").text
    token = csrf_of(form)
    first = analyst.post(f"/cases/{case.id}/edit", data={
        "csrf_token": token, "shown": shown_of(form), "sex": "M", "age_min": "25", "age_max": "35",
        "notes": "found near the north wall", "findings": ["emaciation", "burns"],
        "detainee": "٧١٠٠"})
    assert first.status_code == 303 and first.headers["location"].endswith("notice=saved")
    again = analyst.get(f"/cases/{case.id}/edit").text
    second = analyst.post(f"/cases/{case.id}/edit", data={
        "csrf_token": token, "shown": shown_of(again), "sex": "M", "age_min": "25", "age_max": "35",
        "notes": "found near the east wall", "findings": ["emaciation"], "detainee": "7100"})
    assert second.status_code == 303
    shown = site.archive.cases.show(case.id)
    assert (shown.sex, shown.age_min, shown.notes) == ("M", 25, "found near the east wall")
    assert shown.numbers.detainee == "7100" and shown.numbers_source["detainee"] == "analyst"
    assert shown.findings == ["emaciation"]
    fields = [(c.field, c.actor) for c in shown.history]
    assert ("notes", NAMES[Role.analyst]) in fields and fields.count(("notes", "rania")) == 2
    assert ("detainee", "rania") in fields and fields.count(("detainee", "rania")) == 1
    history = analyst.get(f"/cases/{case.id}/history").text
    assert "<del>north</del>" in history and "<ins>east</ins>" in history
    assert "<del>Burns</del>" in history and "edited: Findings" in history  # words, not codes
    entries = [e.entry for e in site.archive.ledger.entries() if e.entry["type"] ==
               "case.changed"]
    assert {"notes", "sex", "findings", "detainee"} <= {e["details"]["field"] for e in entries}
    assert all("wall" not in str(e) for e in entries)  # the log says which field, not what
    assert site.archive.ledger.state().unsigned == 0  # each change on the web is signed


def test_each_analyst_records_their_own_reading(site: Site) -> None:
    case = _cases(site)[1]
    for role, digits in ((Role.analyst, "4711"), (Role.admin, "4717")):
        client = site.as_role(role)
        page = client.get(f"/cases/{case.id}")
        reply = client.post(f"/cases/{case.id}/readings",
                            data={"csrf_token": csrf_of(page.text), "forensic": digits})
        assert reply.status_code == 303
    page = site.as_role(Role.analyst).get(f"/cases/{case.id}").text
    assert "Analysts read some numbers differently" in page
    assert "4711" in page and "4717" in page


def test_merge_and_split_through_the_forms(site: Site) -> None:
    analyst = site.as_role(Role.analyst)
    first, second = _cases(site)[2], _cases(site)[3]
    page = analyst.get(f"/cases/{first.id}")
    token = csrf_of(page.text)
    unsure = analyst.post(f"/cases/{first.id}/merge", data={"csrf_token": token,
                                                            "others": str(second.id)})
    assert unsure.status_code == 400 and "Tick the box" in unsure.text
    merged = analyst.post(f"/cases/{first.id}/merge", data={
        "csrf_token": token, "others": str(second.id), "confirm": "yes"})
    assert merged.status_code == 303
    together = site.archive.cases.show(first.id)
    assert set(together.photos) == set(first.photos) | set(second.photos)
    assert second.id not in [c.id for c in _cases(site)]
    split = analyst.post(f"/cases/{first.id}/split", data={
        "csrf_token": token, "photos": second.photos})
    assert split.status_code == 303
    new_id = int(split.headers["location"].split("/")[2].split("?")[0])
    assert set(site.archive.cases.show(new_id).photos) == set(second.photos)
    assert set(site.archive.cases.show(first.id).photos) == set(first.photos)
    history = analyst.get(f"/cases/{first.id}/history").text
    assert "merged" in history and "split" in history
