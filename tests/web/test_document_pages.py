"""Documents on the web: the first page behind a warning, blurred until revealed; the text
only when asked for, and only for roles that may read documents; a search page in Arabic and
English. Every page shown and every text read is in the custody log."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from caesar.access.roles import Role
from caesar.demo.documents import Paper, release_paper, scanned
from caesar.intake.service import IngestRequest

from .conftest import Site

PAPER = Paper(name_ar="خالد حسن الخطيب", name_en="Khaled Hasan al-Khatib",
              detainee_number="36054", branch="235", released_on=date(2013, 2, 11))


@pytest.fixture(scope="module")
def papers(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A typed paper and its scan, ingested: name -> SHA-256."""
    folder: Path = tmp_path_factory.mktemp("web-papers")
    typed = release_paper(PAPER)
    (folder / "typed.pdf").write_bytes(typed)
    (folder / "scan.pdf").write_bytes(scanned(typed))
    site.archive.ingest(IngestRequest(sources=[str(folder)], actor="owner"))
    by_path = {s.path: p.sha256 for p in site.archive.queries.photos() for s in p.sightings}
    return {"typed": by_path["typed.pdf"], "scan": by_path["scan.pdf"]}


def _entries(site: Site, first: int, kind: str) -> list[tuple[str | None, dict[str, str]]]:
    return [(e.subject_sha256, e.entry["details"]) for e in site.archive.ledger.entries(first)
            if e.entry["type"] == kind]


def test_a_documents_first_page_is_blurred_behind_a_warning_until_revealed(
        site: Site, papers: dict[str, str]) -> None:
    analyst, sha = site.as_role(Role.analyst), papers["typed"]
    first = site.archive.ledger.state().size
    page = analyst.get(f"/photos/{sha}").text
    assert "may name a person who died in detention" in page and "Reveal this page" in page
    [source] = re.findall(r'<img src="(/photos/[0-9a-f]{64}/image\?view=\w+)"', page)
    assert source.endswith("view=blurred")
    assert PAPER.name_en not in page  # the text waits until it is asked for
    blurred = Image.open(io.BytesIO(analyst.get(source).content))
    revealed_page = analyst.get(f"/photos/{sha}?reveal=true").text
    [shown] = re.findall(r'<img src="(/photos/[0-9a-f]{64}/image\?view=\w+)"', revealed_page)
    revealed = Image.open(io.BytesIO(analyst.get(shown).content))
    assert blurred.mode == "L" and revealed.mode == "RGB" and revealed.width > blurred.width
    assert _entries(site, first, "photo.viewed") == [
        (sha, {"rendition": "blurred", "shown": "page"}),
        (sha, {"rendition": "original", "shown": "page"})]


def test_the_text_is_shown_when_asked_and_logged(site: Site, papers: dict[str, str]) -> None:
    analyst = site.as_role(Role.analyst)
    first = site.archive.ledger.state().size
    typed = analyst.get(f"/photos/{papers['typed']}?text=true").text
    assert PAPER.name_en in typed and PAPER.name_ar in typed and "text layer" in typed
    scan = analyst.get(f"/photos/{papers['scan']}?text=true").text
    assert "read by OCR" in scan and PAPER.detainee_number in scan
    assert _entries(site, first, "document.read") == [
        (papers["typed"], {"shown": "text"}), (papers["scan"], {"shown": "text"})]
    assert "Read by OCR (a scan)" in analyst.get(f"/photos/{papers['scan']}").text


def test_analysts_search_documents_in_arabic_and_latin_letters(
        site: Site, papers: dict[str, str]) -> None:
    analyst = site.as_role(Role.analyst)
    latin = analyst.get("/documents", params={"q": "khaled 36054"}).text
    assert "2 passages found." in latin
    assert set(re.findall(r"/photos/([0-9a-f]{64})\?text=true", latin)) == set(papers.values())
    arabic = analyst.get("/documents", params={"q": "الخطيب"}).text
    assert PAPER.name_ar in arabic
    assert "0 passages found." in analyst.get("/documents", params={"q": "Nobody"}).text


@pytest.mark.parametrize("role", [Role.viewer, Role.family_liaison])
def test_roles_that_may_not_read_documents_are_refused_the_text(
        site: Site, papers: dict[str, str], role: Role) -> None:
    client = site.as_role(role)
    assert client.get("/documents", params={"q": "Khaled"}).status_code == 403
    first = site.archive.ledger.state().size
    reply = client.get(f"/photos/{papers['typed']}?text=true")
    assert PAPER.name_en not in reply.text
    assert _entries(site, first, "document.read") == []
