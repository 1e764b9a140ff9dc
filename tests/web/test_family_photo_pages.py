"""Families' photos of the person in life on the web: uploaded with CSRF and limits, each file's
outcome named, shown as clean copies (logged, never to a role that does not read reports),
beside the case on a match, withdrawn on request; nothing of an upload ever on a disk."""

from __future__ import annotations

import io
import re
from pathlib import Path
from tempfile import SpooledTemporaryFile

import numpy as np
import pytest
from photos import grace_hopper, metadata_groups, phone_jpeg
from PIL import Image

from caesar.access.roles import Role
from caesar.identify.images import REFUSALS
from caesar.web.pages.report_photos import UPLOAD_BODY
from caesar.web.words import LABELS

from .conftest import Site, csrf_of

PLACE = "WebGpsAreaMarkerHome"
OWNER = "WebPhoneOwnerMarker"
IMAGE = re.compile(r'<img src="/reports/(\d+)/photos/(\d+)/image"')


def _entries(site: Site, kind: str) -> int:
    return sum(1 for e in site.archive.ledger.entries() if e.entry["type"] == kind)


def _upload(site: Site, report: int, files: list[tuple[str, bytes]], caption: str = "",
            token: str | None = None) -> tuple[int, str]:
    liaison = site.as_role(Role.family_liaison)
    token = token if token is not None else csrf_of(liaison.get(f"/reports/{report}/photos").text)
    reply = liaison.post(f"/reports/{report}/photos",
                         data={"csrf_token": token, "caption": caption},
                         files=[("photos", (name, data, "image/jpeg")) for name, data in files])
    return reply.status_code, reply.text


def test_a_family_liaison_adds_photos_and_each_file_gets_its_outcome(
        site: Site, tmp_path: Path) -> None:
    report = site.identification().report
    phone = phone_jpeg(tmp_path / "phone.jpg", place=PLACE, owner=OWNER, size=(360, 240))
    status, page = _upload(site, report, [("IMG_2010.jpg", phone),
                                          ("letter.txt", b"a letter, not a photo"),
                                          ("cut.jpg", grace_hopper()[:9000])],
                           caption="سامر في بيت العائلة")
    assert status == 200  # one was kept
    assert "IMG_2010.jpg</span>: added" in page
    assert "letter.txt</span>: refused: not an image" in page
    assert "cut.jpg</span>: refused: the file was cut short" in page
    assert "Nothing of a refused file was kept" in page
    assert PLACE not in page and OWNER not in page
    held = site.archive.identify.report(report, "test").photos
    assert [(p.width, p.height) for p in held][-1] == (240, 360)  # upright
    assert held[-1].caption == "سامر في بيت العائلة"

    report_page = site.as_role(Role.family_liaison).get(f"/reports/{report}").text
    shown = IMAGE.findall(report_page)
    assert [int(p) for _, p in shown] == [p.id for p in held]
    assert "سامر في بيت العائلة" in report_page and "Add or withdraw photos" in report_page

    refused = _upload(site, report, [("notes.txt", b"text")])
    assert refused[0] == 400 and "refused: not an image" in refused[1]
    too_many = _upload(site, report, [(f"p{i}.jpg", grace_hopper()) for i in range(9)])
    assert too_many[0] == 400 and "At most 8 photos can be added at once" in too_many[1]
    large = grace_hopper() + bytes(20_000_001)
    big = _upload(site, report, [("scan.jpg", large), ("portrait.jpg", grace_hopper())])
    assert big[0] == 200 and "scan.jpg</span>: refused: the file is too large" in big[1]
    assert "portrait.jpg</span>: already held by this report" in big[1]


def test_an_upload_needs_the_forms_token_and_a_role_that_files_reports(site: Site) -> None:
    report = site.identification().report
    before = len(site.archive.identify.report(report, "test").photos)
    status, _ = _upload(site, report, [("portrait.jpg", grace_hopper())], token="forged")
    assert status == 403
    reviewer = site.as_role(Role.reviewer)
    reply = reviewer.post(f"/reports/{report}/photos", data={"csrf_token": site.csrf(reviewer)},
                          files=[("photos", ("p.jpg", grace_hopper(), "image/jpeg"))])
    assert reply.status_code == 403
    assert len(site.archive.identify.report(report, "test").photos) == before


def test_photos_are_shown_clean_logged_and_only_to_those_who_read_reports(
        site: Site, tmp_path: Path) -> None:
    seeded = site.identification()
    phone = phone_jpeg(tmp_path / "phone.jpg", place=PLACE, owner=OWNER)
    _upload(site, seeded.report, [("phone.jpg", phone)])
    photo = site.archive.identify.report(seeded.report, "test").photos[-1].id
    path = f"/reports/{seeded.report}/photos/{photo}/image"
    viewed = _entries(site, "report.photo_viewed")
    for role in (Role.family_liaison, Role.reviewer, Role.admin):
        reply = site.as_role(role).get(path)
        assert reply.status_code == 200 and reply.headers["content-type"] == "image/jpeg"
        assert reply.headers["cache-control"] == "no-store"
        assert PLACE.encode() not in reply.content and OWNER.encode() not in reply.content
    assert _entries(site, "report.photo_viewed") == viewed + 3
    copy = tmp_path / "served.jpg"
    copy.write_bytes(reply.content)
    assert metadata_groups(tmp_path / "phone.jpg")[0] >= {"GPS", "XMP-dc"}
    assert metadata_groups(copy) == [set()]
    assert Image.open(copy).size == (300, 400)  # turned upright as its EXIF said
    for role in (Role.viewer, Role.investigator, Role.archivist, Role.analyst):
        refused = site.as_role(role).get(path)
        assert refused.status_code == 403 and refused.content[:3] != b"\xff\xd8\xff"
    assert _entries(site, "report.photo_viewed") == viewed + 3
    report_page = site.as_role(Role.reviewer).get(f"/reports/{seeded.report}").text
    assert IMAGE.search(report_page) and "Add or withdraw photos" not in report_page


def test_the_match_page_shows_the_familys_photos_beside_the_blurred_case(site: Site) -> None:
    seeded = site.identification()
    page = site.as_role(Role.reviewer).get(
        f"/reports/{seeded.report}/matches/{seeded.case}").text
    assert "The photos, side by side" in page
    assert f'/reports/{seeded.report}/photos/{seeded.photo}/image' in page
    case = site.archive.cases.show(seeded.case)
    sources = re.findall(r'<img src="(/photos/[0-9a-f]{64}/image\?view=\w+)"', page)
    assert len(sources) == len(case.photos) and all(s.endswith("view=blurred")
                                                    for s in sources)


def test_a_withdrawn_photo_is_gone_from_the_pages_and_logged(site: Site) -> None:
    seeded = site.identification()
    _upload(site, seeded.report, [("sister.jpg", _jpeg(11))])
    photo = site.archive.identify.report(seeded.report, "test").photos[-1].id
    liaison = site.as_role(Role.family_liaison)
    page = liaison.get(f"/reports/{seeded.report}/photos").text
    action = f"/reports/{seeded.report}/photos/{photo}/withdraw"
    assert f'action="{action}"' in page
    withdrawn = _entries(site, "report.photo_withdrawn")
    empty = liaison.post(action, data={"csrf_token": csrf_of(page), "reason": ""})
    assert empty.status_code == 422
    reply = liaison.post(action, data={"csrf_token": csrf_of(page),
                                       "reason": "the family took it back"})
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/reports/{seeded.report}/photos?notice=withdrawn"
    after = liaison.get(reply.headers["location"]).text
    assert "The photo was withdrawn" in after and "the family took it back" in after
    assert _entries(site, "report.photo_withdrawn") == withdrawn + 1
    assert liaison.get(f"/reports/{seeded.report}/photos/{photo}/image").status_code == 404
    assert f"/photos/{photo}/image" not in liaison.get(f"/reports/{seeded.report}").text


def test_an_upload_stays_in_memory_and_a_body_too_large_is_refused(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    report = site.identification().report
    photo = _jpeg(5, size=(1600, 1200), quality=97)
    assert len(photo) > 2 * 1024 * 1024  # past Starlette's usual 1 MB, it would go to disk

    def to_disk(self: SpooledTemporaryFile[bytes]) -> None:
        raise AssertionError("an uploaded part was about to be written to a disk")

    monkeypatch.setattr(SpooledTemporaryFile, "rollover", to_disk)
    status, page = _upload(site, report, [("large.jpg", photo)])
    assert status == 200 and "large.jpg</span>: added" in page
    liaison = site.as_role(Role.family_liaison)
    token = site.csrf(liaison)
    reply = liaison.post(f"/reports/{report}/photos", content=bytes(UPLOAD_BODY + 1),
                         headers={"content-type": "multipart/form-data; boundary=x",
                                  "x-csrf-token": token})
    assert reply.status_code == 413 and reply.headers["cache-control"] == "no-store"
    form = liaison.post("/account", data={"csrf_token": token, "language": "x" * 2_000_000})
    assert form.status_code == 413  # every other request is small


def test_every_outcome_has_its_words() -> None:
    assert set(LABELS["photo_outcome"]) == {"added", "already_held", *REFUSALS}


def _jpeg(seed: int, size: tuple[int, int] = (320, 240), quality: int = 85) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 255, (size[1], size[0], 3),
                                                  dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "JPEG", quality=quality)
    return buf.getvalue()
