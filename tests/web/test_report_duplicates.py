"""Two relatives reported one person, once in Arabic and once in Latin letters: the web offers
the pair with its reasons (in the reader's language), shows both reports side by side (each a
logged view), and a family liaison merges them; a reviewer, who reads reports, cannot."""

from __future__ import annotations

from caesar.access.roles import Role
from caesar.identify.reports import parse_assignments

from .conftest import NAMES, Site

_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_SAME = ["sex=M", "birth_year=1979", "arrest_date=2012-11-03", "detainee_number=48213"]


def _views(site: Site, report: int) -> int:
    return sum(1 for e in site.archive.ledger.entries()
               if e.entry["type"] == "report.viewed" and e.subject == f"report:{report}")


def test_a_liaison_compares_two_reports_of_one_person_and_merges_them(site: Site) -> None:
    liaison = NAMES[Role.family_liaison]
    with site.app.state.web.changing():
        arabic = site.archive.identify.add_report(parse_assignments(
            ["name=محمد", "father=أحمد", "family_name=الخطيب", *_SAME,
             "reporter_name=أم محمد", "reporter_relationship=الأم"]), liaison).id
        latin = site.archive.identify.add_report(parse_assignments(
            ["name=Mohammad", "father=Ahmad", "family_name=al-Khatib", *_SAME,
             "reporter_name=Omar", "reporter_relationship=brother"]), liaison).id
    client = site.as_role(Role.family_liaison)

    listed = client.get("/reports/duplicates")
    assert listed.status_code == 200
    assert f'<a href="/reports/{arabic}">{arabic}</a> · <a href="/reports/{latin}">{latin}</a>' \
        in listed.text
    assert "the same detainee number" in listed.text and "one report in Arabic letters" \
        in listed.text
    assert "محمد" not in listed.text  # the list names nobody

    before = _views(site, arabic), _views(site, latin)
    token = site.csrf(client)
    client.post("/account", data={"language": "ar", "digits": "arabic", "csrf_token": token})
    try:
        side = client.get(f"/reports/{arabic}/duplicates").text
    finally:
        client.post("/account", data={"language": "en", "digits": "western",
                                      "csrf_token": token})
    assert "رقم المعتقل نفسه" in side and "أحد البلاغين بالحروف العربية والآخر باللاتينية" in side
    assert "اعتُقل كلاهما في اليوم نفسه" in side and "the same" not in side
    assert "Mohammad" in side and "محمد" in side and "أم محمد" in side and "Omar" in side
    assert "48213".translate(_ARABIC_DIGITS) in side
    assert (_views(site, arabic), _views(site, latin)) == (before[0] + 1, before[1] + 1)
    assert f'action="/reports/{arabic}/merge"' in side and f'action="/reports/{latin}/merge"' \
        in side

    reviewer = site.as_role(Role.reviewer)
    assert "/merge" not in reviewer.get(f"/reports/{arabic}/duplicates").text
    refused = reviewer.post(f"/reports/{arabic}/merge",
                            data={"other": str(latin), "csrf_token": site.csrf(reviewer)})
    assert refused.status_code == 403
    assert site.archive.identify.report(latin, liaison).status == "open"

    merged = client.post(f"/reports/{arabic}/merge", data={"other": str(latin),
                                                           "csrf_token": token})
    assert merged.status_code == 303
    assert merged.headers["location"] == f"/reports/{arabic}?notice=merged"
    kept = client.get(merged.headers["location"]).text
    assert "The other report was merged into this one" in kept
    assert "Omar" in kept  # the brother now reports on the kept report
    assert site.archive.identify.report(latin, liaison).merged_into == arabic
    assert client.get(f"/reports/{arabic}/duplicates").text.count('class="pair"') == 0
