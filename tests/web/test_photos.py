"""Safe viewing: grayscale and blurred by default, one photo revealed at a time, every view
logged, nothing decrypted ever left on disk."""

from __future__ import annotations

import io
import re

import numpy as np
from PIL import Image

from caesar.access.roles import Role
from caesar.access.viewing import render

from .conftest import NAMES, Site


def _image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def _sharpness(image: Image.Image) -> float:
    """Mean absolute difference between neighbouring pixels: high when edges are crisp."""
    pixels = np.asarray(image.convert("L"), dtype=np.float32)
    return float(np.abs(np.diff(pixels, axis=0)).mean() + np.abs(np.diff(pixels, axis=1)).mean())


def _views(site: Site) -> list[tuple[str | None, str]]:
    return [(e.subject_sha256, e.entry["details"]["rendition"])
            for e in site.archive.ledger.entries() if e.entry["type"] == "photo.viewed"]


def test_a_case_page_shows_its_photos_blurred_behind_a_warning(site: Site) -> None:
    case = site.archive.case_index.all()[0]
    page = site.as_role(Role.analyst).get(f"/cases/{case.id}").text
    assert "died in detention" in page and "until you reveal one" in page
    sources = re.findall(r'<img src="(/photos/[0-9a-f]{64}/image\?view=\w+)"', page)
    assert len(sources) == len(case.photos)
    assert all(s.endswith("view=blurred") for s in sources)
    revealed = site.as_role(Role.analyst).get(f"/cases/{case.id}?reveal={case.photos[1]}").text
    shown = re.findall(r'<img src="/photos/([0-9a-f]{64})/image\?view=(\w+)"', revealed)
    assert [sha for sha, view in shown if view == "original"] == [case.photos[1]]
    assert sum(1 for _, view in shown if view == "blurred") == len(case.photos) - 1


def test_the_image_is_grayscale_and_blurred_until_revealed_and_each_view_is_logged(
        site: Site) -> None:
    case = site.archive.case_index.all()[0]
    sha = next(s for s in case.photos if s not in {v for v, _ in _views(site)})
    client = site.as_role(Role.analyst)
    before = len(_views(site))
    blurred = client.get(f"/photos/{sha}/image")
    revealed = client.get(f"/photos/{sha}/image?view=original")
    assert blurred.headers["cache-control"] == "no-store"
    soft, sharp = _image(blurred.content), _image(revealed.content)
    assert soft.mode == "L" and sharp.mode == "RGB"
    assert _sharpness(soft) < _sharpness(sharp.convert("L")) / 3
    assert max(sharp.size) <= 1600 and not sharp.getexif()
    views = _views(site)[before:]
    assert views == [(sha, "blurred"), (sha, "original")]
    entry = [e for e in site.archive.ledger.entries() if e.entry["type"] == "photo.viewed"][-1]
    assert entry.entry["actor"] == site.archive.ledger.pseudonym(NAMES[Role.analyst])
    assert NAMES[Role.analyst] not in entry.leaf and sha not in str(entry.entry)


def test_a_person_can_choose_another_default(site: Site) -> None:
    client = site.as_role(Role.investigator)
    case = site.archive.case_index.all()[0]
    client.post("/account", data={"photo_view": "grayscale", "csrf_token": site.csrf(client)})
    page = client.get(f"/cases/{case.id}").text
    assert f"/photos/{case.photos[0]}/image?view=grayscale" in page
    client.post("/account", data={"photo_view": "blurred", "csrf_token": site.csrf(client)})


def test_lists_show_no_images(site: Site) -> None:
    client = site.as_role(Role.archivist)
    for path in ("/photos", "/cases", "/", "/transfers"):
        assert "<img" not in client.get(path).text, path


def test_who_may_see_photos(site: Site) -> None:
    case = site.archive.case_index.all()[0]
    liaison = site.as_role(Role.family_liaison)
    assert liaison.get(f"/photos/{case.photos[0]}/image").status_code == 200
    assert liaison.get(f"/photos/{case.photos[0]}").status_code == 403  # no camera details
    viewer = site.as_role(Role.viewer)
    page = viewer.get(f"/cases/{case.id}").text
    assert "<img" not in page.replace('<img src="/static/warning.svg"', "")
    assert "Your role does not show photos." in page
    assert viewer.get(f"/photos/{case.photos[0]}/image").status_code == 403


def test_an_original_that_is_not_an_image_is_not_shown(site: Site) -> None:
    damaged = next(p for p in site.archive.queries.photos() if not
                   p.media_type.startswith("image/") or {"empty", "not_image"} & set(p.flags))
    reply = site.as_role(Role.archivist).get(f"/photos/{damaged.sha256}/image")
    assert reply.status_code == 400
    assert "cannot be shown" in reply.text


def test_browsing_photos_leaves_no_plaintext_image_under_the_archive(site: Site) -> None:
    client = site.as_role(Role.analyst)
    originals = []
    for case in site.archive.case_index.all():
        client.get(f"/cases/{case.id}")
        for sha in case.photos:
            for view in ("blurred", "grayscale", "original"):
                reply = client.get(f"/photos/{sha}/image?view={view}")
                assert reply.status_code == 200
            originals.append(site.archive.vault.read_bytes("original", sha))
    shown = [render(o, "original") for o in originals[:3]]
    for path in site.archive.path.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for signature in (b"JFIF\x00", b"Exif\x00\x00"):  # long enough not to occur by chance
            assert signature not in data, f"{signature!r} in {path}"
        for image in (*originals, *shown):
            assert image[2000:2064] not in data, f"image data in {path}"
