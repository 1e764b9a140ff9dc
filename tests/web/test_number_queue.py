"""The numbers to read on the web: each shown as its region of the photo, settled with one
field, easiest first; the same queue and the same edit as `caesar cases queue` and `edit`."""

from __future__ import annotations

import io

from PIL import Image

from caesar.access.roles import Role

from .conftest import NAMES, Site, csrf_of


def _two_bodies_in_one_case(site: Site) -> int:
    """Merge two cases, as a hasty analyst might: their numbers now disagree (the site is
    shared by this module's tests: an earlier test's merge serves)."""
    merged = [i.case for i in site.archive.cases.queue()
              if i.unsure in ("ambiguous", "contradicted")]
    if merged:
        return merged[0]
    first, second = [c.id for c in site.archive.cases.cases()
                     if all(source == "reading" for source in c.numbers_source.values())][:2]
    site.archive.cases.merge([first, second], NAMES[Role.analyst])
    return first


def _number_views(site: Site) -> list[tuple[str, dict[str, object]]]:
    return [(e.entry["actor"], e.entry["details"]) for e in site.archive.ledger.entries()
            if e.entry["type"] == "photo.viewed"]


def test_each_unsure_number_is_shown_as_its_region_and_the_view_is_logged(site: Site) -> None:
    analyst = site.as_role(Role.analyst)
    merged = _two_bodies_in_one_case(site)
    queue = site.archive.cases.queue()
    shown = [item for item in queue if item.case == merged]
    assert shown and all(item.evidence for item in shown)
    assert {item.unsure for item in shown} <= {"ambiguous", "contradicted"}
    page = analyst.get("/cases/queue")
    assert page.status_code == 200 and f'/cases/queue/{queue[0].case}/{queue[0].kind}' in page.text
    reading = shown[0].evidence[0]
    box = ",".join(str(v) for v in reading.box)
    assert f"/photos/{reading.sha256}/region?box={box}" in page.text or shown[0] not in queue[:25]
    before = len(_number_views(site))
    image = analyst.get(f"/photos/{reading.sha256}/region?box={box}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(image.content)) as crop:
        # The number and a margin around it, never the whole photo.
        assert crop.mode == "L" and crop.width <= 480
        assert crop.width < 2 * (reading.box[2] - reading.box[0]) + 10
    views = _number_views(site)
    assert len(views) == before + 1 and views[-1][1] == {"rendition": "number"}
    assert analyst.get(f"/photos/{reading.sha256}/region?box=0,0,x,1").status_code == 422


def test_enter_accepts_the_proposal_and_a_typed_number_corrects_it(site: Site) -> None:
    analyst = site.as_role(Role.analyst)
    _two_bodies_in_one_case(site)
    if not any(i.proposal and i.proposal.digits for i in site.archive.cases.queue()):
        # Every unsure number of this collection is ambiguous (nothing to accept): two
        # bodies' cases merged disagree on values each read clearly, which are proposed.
        first, second = [c.id for c in site.archive.cases.cases()
                         if all(source == "reading" for source in c.numbers_source.values())][:2]
        site.archive.cases.merge([first, second], NAMES[Role.analyst])
    queue = site.archive.cases.queue()
    proposed = next(i for i in queue if i.proposal and i.proposal.digits)
    token = csrf_of(analyst.get("/cases/queue").text)
    accepted = analyst.post(f"/cases/queue/{proposed.case}/{proposed.kind}", data={
        "csrf_token": token, "value": "", "proposed": proposed.proposal.digits})
    assert accepted.status_code == 303 and accepted.headers["location"].endswith("accepted")
    case = site.archive.cases.show(proposed.case)
    assert getattr(case.numbers, proposed.kind) == proposed.proposal.digits
    assert case.numbers_source[proposed.kind] == "analyst"
    assert all((i.case, i.kind) != (proposed.case, proposed.kind)
               for i in site.archive.cases.queue())
    other = next(i for i in site.archive.cases.queue())
    corrected = analyst.post(f"/cases/queue/{other.case}/{other.kind}", data={
        "csrf_token": token, "value": "٧١٠٤", "proposed": ""})
    assert corrected.status_code == 303
    assert getattr(site.archive.cases.show(other.case).numbers, other.kind) == "7104"
    assert site.archive.cases.show(other.case).history[-1].actor == NAMES[Role.analyst]


def test_the_queue_puts_cases_with_fewest_numbers_left_first(site: Site) -> None:
    _two_bodies_in_one_case(site)
    queue = site.archive.cases.queue()
    assert queue
    left = {i.case: sum(1 for j in queue if j.case == i.case) for i in queue}
    order = [left[i.case] for i in queue]
    assert order == sorted(order)


def test_only_people_who_may_set_numbers_see_the_queue(site: Site) -> None:
    _two_bodies_in_one_case(site)
    viewer = site.as_role(Role.viewer)
    assert viewer.get("/cases/queue").status_code == 403
    item = site.archive.cases.queue()[0]
    assert viewer.post(f"/cases/queue/{item.case}/{item.kind}",
                       data={"value": "1234"}).status_code in (403, 400)
