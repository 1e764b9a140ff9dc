"""The examination on a photo's and a case's pages: plain words in Arabic and English, the
strength of each finding, who may read it; opening a page examines nothing."""

from __future__ import annotations

from caesar.access.roles import Role
from caesar.forensics.evalset import doctoring
from caesar.forensics.service import Choice
from caesar.intake.service import IngestRequest

from .conftest import Site


def _plant_a_resaved_copy(site: Site, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A copy of a case photo saved again by an editor, brought by a later transfer, and the
    whole archive examined."""
    archive = site.archive
    case = archive.case_index.all()[0]
    data = archive.vault.read_bytes("original", case.photos[0])
    copy = doctoring.resave(data, doctoring.EditorSave("ijg", 97, subsampling=0))
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "copy.jpg").write_bytes(copy)
    archive.ingest(IngestRequest(sources=[str(tmp_path / "copy")], actor="owner"))
    results = archive.examination.examine(Choice(everything=True), "owner")
    import hashlib
    sha = hashlib.sha256(copy).hexdigest()
    assert {r.sha256: r.strongest for r in results}[sha] == "inconsistent"
    return sha


def test_a_photo_shows_its_findings_in_english_and_arabic(site: Site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    analyst = site.as_role(Role.analyst)
    case = site.archive.case_index.all()[0]
    before = analyst.get(f"/photos/{case.photos[0]}")
    assert "Not examined by the current method yet." in before.text
    sha = _plant_a_resaved_copy(site, tmp_path)
    page = analyst.get(f"/photos/{sha}")
    assert page.status_code == 200
    assert "inconsistent" in page.text
    assert "The compression tables are not this camera&#39;s" in page.text
    details = analyst.get(f"/photos/{sha}/examination")
    assert details.status_code == 200
    assert "none is a verdict that the photo is authentic or fake" in details.text
    assert "authentic." not in details.text.replace("authentic or fake", "")
    assert "libjpeg (IJG) standard tables at quality 97" in details.text  # the evidence
    token = site.csrf(analyst)
    analyst.post("/account", data={"language": "ar", "digits": "arabic", "csrf_token": token})
    try:
        arabic = analyst.get(f"/photos/{sha}/examination")
        assert '<html lang="ar" dir="rtl">' in arabic.text
        assert "جداول الضغط ليست جداول هذه الكاميرا" in arabic.text
        assert "غير متّسق" in arabic.text
        assert "٩٧" in arabic.text  # the values in the reader's digits
        original = analyst.get(f"/photos/{case.photos[0]}")
        assert "متّسق" in original.text
    finally:
        analyst.post("/account", data={"language": "en", "digits": "western",
                                       "csrf_token": site.csrf(analyst)})


def test_a_case_lists_its_photos_findings_strongest_first(site: Site) -> None:
    case = site.archive.case_index.all()[0]
    archivist = site.as_role(Role.archivist)
    entries = len(site.archive.ledger.entries())
    page = archivist.get(f"/cases/{case.id}/examination")
    assert page.status_code == 200
    assert page.text.count("/examination\"") >= len(case.photos)
    assert f"/cases/{case.id}/examination" in archivist.get(f"/cases/{case.id}").text
    # Reading findings examines nothing: no photo.examined entry was added.
    examined = [e for e in site.archive.ledger.entries()[entries:]
                if e.entry["type"] == "photo.examined"]
    assert examined == []


def test_a_viewer_never_reads_findings(site: Site) -> None:
    case = site.archive.case_index.all()[0]
    viewer = site.as_role(Role.viewer)
    assert viewer.get(f"/cases/{case.id}/examination").status_code == 403
    assert viewer.get(f"/photos/{case.photos[0]}/examination").status_code == 403
    assert "/examination" not in viewer.get(f"/cases/{case.id}").text


def test_a_pasted_region_is_shown_on_its_map_in_english_and_arabic(site: Site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A block of another photo of the same camera pasted off the 8-pixel grid, saved finely:
    # its own compression grid marks it, and the page heads the map by that evidence.
    import hashlib
    import random

    archive = site.archive
    case = archive.case_index.all()[0]
    host = archive.vault.read_bytes("original", case.photos[0])
    donor = archive.vault.read_bytes("original", archive.case_index.all()[1].photos[0])
    copy, _ = doctoring.pasted_region(host, donor, doctoring.EditorSave("ijg", 98),
                                      random.Random(4), (200, 240))
    (tmp_path / "pasted").mkdir()
    (tmp_path / "pasted" / "pasted.jpg").write_bytes(copy)
    archive.ingest(IngestRequest(sources=[str(tmp_path / "pasted")], actor="owner"))
    sha = hashlib.sha256(copy).hexdigest()
    archive.examination.examine(Choice(sha256s=(sha,)), "owner")
    analyst = site.as_role(Role.analyst)
    page = analyst.get(f"/photos/{sha}/examination")
    assert "Where the photo carries a compression grid of its own" in page.text, page.text
    assert "■" in page.text  # the marked cells of the map
    token = site.csrf(analyst)
    analyst.post("/account", data={"language": "ar", "csrf_token": token})
    try:
        arabic = analyst.get(f"/photos/{sha}/examination")
        assert "حيث تحمل الصورة شبكة ضغط خاصة بها" in arabic.text
        assert "أُلصقت هناك" in arabic.text
    finally:
        analyst.post("/account", data={"language": "en", "csrf_token": site.csrf(analyst)})
