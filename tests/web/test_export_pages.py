"""Export requests on the web: the investigator sees what a package will contain before
asking, an administrator (a second person) sees the same and approves, only the investigator
downloads; restricted photos never reach an exhibition set."""

from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

import bagit

from caesar.access.roles import Role

from .conftest import NAMES, Site, csrf_of


def _types(site: Site, subject: str) -> list[str]:
    return [e.entry["type"] for e in site.archive.ledger.entries() if e.subject == subject]


def test_an_evidence_package_asked_for_approved_and_downloaded(site: Site,
                                                             tmp_path: Path) -> None:
    case = site.archive.case_index.all()[0]
    lina = site.as_role(Role.investigator)
    form = lina.get(f"/exports/new?case={case.id}").text
    assert f'value="{case.id}"' in form
    token = csrf_of(form)
    asked = {"csrf_token": token, "kind": "evidence", "cases": str(case.id),
             "requested_by": "Koblenz court, 1 StE 9/19", "reason": "for the trial"}
    preview = lina.post("/exports", data={**asked, "send": "no"})
    assert preview.status_code == 200
    assert "What it will contain" in preview.text and "Send the request" in preview.text
    assert f"<strong>{len(case.photos)}</strong>originals" in preview.text
    assert not site.archive.export_requests.list()  # only shown, nothing asked yet
    unknown = lina.post("/exports", data={**asked, "cases": "99999", "send": "no"})
    assert unknown.status_code == 400 and "No case 99999" in unknown.text

    sent = lina.post("/exports", data={**asked, "send": "yes"})
    assert sent.status_code == 303
    page = sent.headers["location"].split("?")[0]
    request_id = int(page.rsplit("/", 1)[1])
    assert "Waiting for approval" in lina.get(page).text
    assert "Approve and make the package" not in lina.get(page).text
    assert lina.post(f"{page}/decide", data={"csrf_token": token,
                                              "decision": "approve"}).status_code == 403

    admin = site.as_role(Role.admin)
    shown = admin.get(page).text
    assert "for the trial" in shown and f"<strong>{len(case.photos)}</strong>originals" in shown
    approved = admin.post(f"{page}/decide", data={"csrf_token": site.csrf(admin),
                                                   "decision": "approve"})
    assert approved.status_code == 303
    assert "Ready to download" in lina.get(page).text
    assert admin.get(f"{page}/download").status_code == 409  # only the person who asked

    download = lina.get(f"{page}/download")
    assert download.status_code == 200 and download.headers["content-type"] == "application/x-tar"
    with tarfile.open(fileobj=io.BytesIO(download.content)) as tar:
        tar.extractall(tmp_path, filter="data")
    bag = bagit.Bag(str(tmp_path / f"caesar-export-{request_id}"))
    bag.validate()
    assert "Koblenz court" in (Path(bag.path) / "bag-info.txt").read_text()
    assert _types(site, f"export_request:{request_id}") == [
        "export.requested", "export.approved", "export.produced", "export.downloaded"]
    listed = lina.get("/exports").text
    assert f'href="/exports/{request_id}"' in listed and "Ready to download" in listed


def test_restricted_photos_never_reach_an_exhibition_set(site: Site) -> None:
    case = next(c for c in site.archive.case_index.all() if len(c.photos) >= 2)
    closed = case.photos[0]
    site.archive.exports.mark(closed, NAMES[Role.analyst], regions=[], restricted=True,
                              clear_regions=False)
    lina = site.as_role(Role.investigator)
    token = site.csrf(lina)
    asked = {"csrf_token": token, "kind": "exhibit", "cases": str(case.id),
             "caption": ["ar", "en"]}
    preview = lina.post("/exports", data={**asked, "send": "no"}).text
    assert "1 photo left out: marked restricted." in preview
    assert f"<strong>{len(case.photos) - 1}</strong>originals" in preview
    sent = lina.post("/exports", data={**asked, "send": "yes"})
    request_id = int(re.findall(r"/exports/(\d+)", sent.headers["location"])[0])
    admin = site.as_role(Role.admin)
    assert "1 photo left out: marked restricted." in admin.get(f"/exports/{request_id}").text
    refused = admin.post(f"/exports/{request_id}/decide", data={
        "csrf_token": site.csrf(admin), "decision": "refuse"})
    assert refused.status_code == 303 and "Refused" in lina.get(f"/exports/{request_id}").text
    assert lina.get(f"/exports/{request_id}/download").status_code == 409
    assert site.archive.export_requests.get(request_id).export is None  # never made

    api = lina.post("/api/exports", headers={"x-csrf-token": token}, json={
        "params": {"kind": "exhibit", "selection": {"cases": [case.id]}}})
    assert api.status_code == 200
    planned = lina.get(f"/api/exports/{api.json()['id']}").json()["plan"]
    assert closed not in planned["originals"] and planned["left_out"]["restricted"] == 1
    made = admin.post(f"/api/exports/{api.json()['id']}/decide", json={"decision": "approve"},
                      headers={"x-csrf-token": site.csrf(admin)})
    assert made.status_code == 200 and made.json()["state"] == "produced"
    package = lina.get(f"/api/exports/{api.json()['id']}/download")
    with tarfile.open(fileobj=io.BytesIO(package.content)) as tar:
        names = tar.getnames()
        mapping = json.load(tar.extractfile(next(n for n in names if n.endswith("mapping.json"))))
    assert len(mapping) == len(case.photos) - 1
    shown = {site.archive.exports.resolve(item["exhibit_id"], "test").sha256 for item in mapping}
    assert closed not in shown and shown == set(case.photos) - {closed}


def test_what_an_export_will_contain_is_said_in_the_readers_language(site: Site) -> None:
    case = next(c for c in site.archive.case_index.all() if len(c.photos) >= 2)
    count = len(case.photos)
    arabic = str(count).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    lina = site.as_role(Role.investigator)
    token = site.csrf(lina)
    evidence = {"csrf_token": token, "kind": "evidence", "cases": str(case.id),
                "requested_by": "محكمة كوبلنتس 1 StE 9/19", "send": "no"}
    exhibit = {"csrf_token": token, "kind": "exhibit", "cases": str(case.id),
               "caption": ["ar", "en"], "faces_shown": "yes", "grayscale": "yes",
               "watermark": "Court's copy", "send": "no"}
    lina.post("/account", data={"language": "ar", "digits": "arabic", "csrf_token": token})
    try:
        page = lina.post("/exports", data=evidence).text
        assert "ما تقول خدمة التصدير إنه سيحتويه<" in page and "(بالإنجليزية)" not in page
        assert f"<li>{arabic} ملفات أصلية (" in page or f"<li>{arabic} ملفًا أصليًا (" in page
        assert "مفكوكة التشفير بتًّا ببت، كل منها مع بياناته الوصفية" in page
        assert "<li>سجل حالة واحد و" in page  # the one case: Arabic names the number
        assert ("المشغّلون والمحللون والأجهزة بأسمائهم المستعارة في سجل الحفظ (يكشف"
                " <bdi>--reveal-operators</bdi> أسماءهم)") in page
        assert ("يُسجَّل التصدير نفسه في سجل الحفظ، بطلب من «<bdi>محكمة كوبلنتس 1 StE 9/19"
                "</bdi>»") in page  # what was typed, as typed (its digits too)
        assert "decrypted bit for bit" not in page and 'lang="en"' not in page.split(
            'class="plan"')[1]

        page = lina.post("/exports", data=exhibit).text
        assert "تمويه لا رجعة فيه: المناطق التي حدّدها المحللون</li>" in page
        assert re.search("<li>لا تُضمَّن أبدًا الصور المقيّدة: (لم يُستبعد منها شيء|استُبعدت منها"
                         " صورة واحدة) في هذا الاختيار</li>", page)  # the test above marks one
        assert "بكسل" in page and "لا يتجاوز حجمها ٢٠٤٨ بكسل" in page
        assert "(<bdi>caesar export resolve ID</bdi>)" in page
        assert "<li>التعليقات: العربية والإنجليزية</li>" in page
        assert "<li>بالرمادي</li>" in page
        assert "<li>بعلامة مائية: «<bdi>Court&#39;s copy</bdi>»</li>" in page
        assert "blurred beyond recovery" not in page
    finally:
        lina.post("/account", data={"language": "en", "digits": "western",
                                    "csrf_token": token})
    page = lina.post("/exports", data=evidence).text
    assert "What the export service says it will contain<" in page
    assert (f'<span lang="en" dir="ltr">{count} originals (') in page
    assert ("<li><span lang=\"en\" dir=\"ltr\">the export itself is recorded in the custody log,"
            " requested by &#39;محكمة كوبلنتس 1 StE 9/19&#39;</span></li>") in page
    page = lina.post("/exports", data=exhibit).text
    assert ('<span lang="en" dir="ltr">blurred beyond recovery: regions analysts marked</span>'
            in page)
    assert '<span lang="en" dir="ltr">watermarked &#34;Court&#39;s copy&#34;</span>' in page
