"""A photo's page shows its content credentials (C2PA): who signed it, with which app, the
edits it declares, in English and in Arabic; a copy changed after signing says it fails."""

from __future__ import annotations

import hashlib
from pathlib import Path

from c2pa_signing import SIGNER, sign

from caesar.access.roles import Role
from caesar.intake.service import IngestRequest

from .conftest import Site


def _bring(site: Site, data: bytes, folder: Path) -> str:
    folder.mkdir()
    (folder / "signed.jpg").write_bytes(data)
    site.archive.ingest(IngestRequest(sources=[str(folder)], actor="owner"))
    return hashlib.sha256(data).hexdigest()


def test_a_photo_page_shows_its_content_credentials(site: Site, tmp_path: Path) -> None:
    case = site.archive.case_index.all()[0]
    original = site.archive.vault.read_bytes("original", case.photos[0])
    signed = sign(original, "image/jpeg", ("c2pa.created", "c2pa.cropped"))
    sha = _bring(site, signed, tmp_path / "signed")
    analyst = site.as_role(Role.analyst)
    page = analyst.get(f"/photos/{sha}")
    assert page.status_code == 200
    assert "Content credentials (C2PA)" in page.text
    assert "The signature and the file's hashes hold" in page.text
    assert SIGNER in page.text and "c2pa.created, c2pa.cropped" in page.text
    token = site.csrf(analyst)
    analyst.post("/account", data={"language": "ar", "digits": "arabic", "csrf_token": token})
    try:
        arabic = analyst.get(f"/photos/{sha}").text
        assert "بيانات اعتماد المحتوى (C2PA)" in arabic and "التوقيع وبصمات الملف سليمة" in arabic
    finally:
        token = site.csrf(analyst)
        analyst.post("/account", data={"language": "en", "digits": "western",
                                       "csrf_token": token})
    changed = bytearray(signed)
    changed[-300] ^= 0xFF
    altered = _bring(site, bytes(changed), tmp_path / "changed")
    page = analyst.get(f"/photos/{altered}")
    assert "It fails validation" in page.text and "assertion.dataHash.mismatch" in page.text


def test_a_page_without_credentials_has_no_such_section(site: Site) -> None:
    case = site.archive.case_index.all()[0]
    page = site.as_role(Role.analyst).get(f"/photos/{case.photos[0]}")
    assert page.status_code == 200 and "Content credentials" not in page.text
