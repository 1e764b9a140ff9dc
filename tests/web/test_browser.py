"""In real Chromium (Debian's, never a downloaded one), on a real server on loopback.

An administrator signs in with a one-time code, browses a case, reveals one blurred photo and
finds the view in the custody log, switches to Arabic and sees the pages right to left. Then,
one browser context per person: a family liaison files a report in Arabic and sees the case
ranked first; one reviewer shortlists it (and is refused when they try to confirm it), a
second confirms it; the liaison begins a disclosure session and the family is shown the
description, then the blurred photo (each showing logged); an investigator asks for an
evidence package, the administrator approves it, the investigator downloads it. A video's page
shows its frames blurred, and plays the video once revealed, with no way offered to save it.
Screenshots
of the pages in both languages go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from caesar.access.roles import Role
from caesar.demo.video import moving_frames, write_video
from caesar.identify.reports import parse_assignments
from caesar.intake.service import IngestRequest

from .conftest import NAMES, SECOND_REVIEWER, Site, password

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
# No network beyond loopback here: nothing that phones home, no first-run work.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def server(site: Site) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port; its address."""
    config = uvicorn.Config(site.app, host="127.0.0.1", port=0, log_level="warning",
                            server_header=False)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    port = running.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run ./setup.sh (it installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


SignIn = Callable[[str], Page]


def _signed_in(browser: Browser, server: str, site: Site, name: str
               ) -> tuple[BrowserContext, Page]:
    """A browser context of its own for `name`, signed in (with a one-time code if the
    account has one), watching for any breach of the content security policy."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server,
                                  accept_downloads=True)
    tab = context.new_page()
    tab.csp_violations = []  # type: ignore[attr-defined]
    tab.on("console", lambda m: "Content Security Policy" in m.text
           and tab.csp_violations.append(m.text))  # type: ignore[attr-defined]
    tab.goto("/")
    assert tab.url.startswith(f"{server}/login")
    tab.fill("#name", name)
    tab.fill("#password", password(name))
    if name in site.secrets:
        tab.fill("#code", site.fresh_code(name, site.secrets[name]))
    tab.click("button.primary")
    tab.wait_for_url(f"{server}/")
    return context, tab


@pytest.fixture(scope="module")
def page(browser: Browser, server: str, site: Site) -> Iterator[Page]:
    """A tab signed in as the administrator, with a one-time code."""
    context, tab = _signed_in(browser, server, site, NAMES[Role.admin])
    yield tab
    context.close()


@pytest.fixture
def person(browser: Browser, server: str, site: Site) -> Iterator[SignIn]:
    """Signs people in, each in a browser context of their own (closed afterwards)."""
    opened: list[BrowserContext] = []

    def sign_in(name: str) -> Page:
        context, tab = _signed_in(browser, server, site, name)
        opened.append(context)
        return tab

    yield sign_in
    for context in opened:
        context.close()


def _shoot(page: Page, language: str, path: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"\{(\w+)\}", r"\1", path).strip("/").replace("/", "-") or "dashboard"
    page.screenshot(path=str(SHOTS / f"{language}-{name}.png"), full_page=True)


def test_sign_in_browse_a_case_and_reveal_one_photo(page: Page, site: Site) -> None:
    assert page.locator("header .me").inner_text().startswith(NAMES[Role.admin])
    case = site.archive.case_index.all()[0]
    page.goto("/cases")
    page.click(f'a[href="/cases/{case.id}"]')
    page.wait_for_load_state("networkidle")
    images = page.locator(".photos img")
    assert images.count() == len(case.photos)
    assert all("view=blurred" in (images.nth(i).get_attribute("src") or "")
               for i in range(images.count()))
    assert all(images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
               for i in range(images.count())), "a blurred photo did not load"
    before = _views(site)
    page.locator(".photos figure").nth(0).get_by_role("link", name="Reveal this photo").click()
    page.wait_for_load_state("networkidle")
    revealed = page.locator('.photos img[src*="view=original"]')
    assert revealed.count() == 1
    assert revealed.evaluate("img => img.naturalWidth") > 0
    new = _views(site)[len(before):]
    assert (case.photos[0], "original") in new  # the reveal is in the custody log
    page.goto("/custody")
    assert "photo.viewed" in page.locator("table").first.inner_text()
    assert page.csp_violations == []  # type: ignore[attr-defined]


def _views(site: Site) -> list[tuple[str | None, str]]:
    return [(e.subject_sha256, e.entry["details"]["rendition"])
            for e in site.archive.ledger.entries() if e.entry["type"] == "photo.viewed"]


MAIN_PAGES = ("/", "/cases", "/cases/{case}", "/cases/{case}/history", "/photos",
              "/transfers", "/custody", "/admin/users", "/admin/security", "/account",
              "/reports", "/reports/new", "/reports/duplicates", "/matches", "/disclosures",
              "/exports", "/exports/new")


# Left-to-right figures (a number, a hash) in a cell of a right-to-left page must still sit at
# the cell's right, beside their label, not at its far side: the texts of those that do not.
_FIGURES_AWAY_FROM_THEIR_LABEL = """() => [...document.querySelectorAll("dd.mono, td.mono")]
  .filter(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const text = range.getBoundingClientRect(), box = cell.getBoundingClientRect();
    const padding = parseFloat(getComputedStyle(cell).paddingRight);
    return text.width > 0 && box.right - padding - text.right > 2;
  }).map(cell => cell.textContent)"""


def test_main_pages_in_english_then_arabic_right_to_left(page: Page, site: Site) -> None:
    case = site.archive.case_index.all()[0].id
    for path in MAIN_PAGES:
        page.goto(path.format(case=case))
        assert page.locator("html").get_attribute("dir") == "ltr"
        _shoot(page, "en", path)
    page.goto("/cases")
    page.click("button[name=language][value=ar]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "الحالات"
    # Right to left for real: the menu starts at the right edge of the page.
    brand = page.locator(".brand").bounding_box()
    assert brand is not None and brand["x"] > 640
    for path in MAIN_PAGES:
        page.goto(path.format(case=case))
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.evaluate(_FIGURES_AWAY_FROM_THEIR_LABEL) == [], path
        _shoot(page, "ar", path)
    page.click("button[name=language][value=en]")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.csp_violations == []  # type: ignore[attr-defined]


def test_a_report_in_arabic_to_a_confirmed_match_a_disclosure_and_an_export(
        page: Page, person: SignIn, site: Site, server: str, tmp_path: Path) -> None:
    case = next(c for c in site.archive.case_index.all() if c.numbers.detainee)
    number = (case.numbers.detainee or "").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))

    # A family liaison files the report in Arabic, with the family.
    liaison = person(NAMES[Role.family_liaison])
    liaison.click("button[name=language][value=ar]")
    liaison.goto("/reports/new")
    assert liaison.locator("html").get_attribute("dir") == "rtl"
    liaison.fill("#name", "سامر أحمد علي الحلبي")
    liaison.fill("#mother", "فاطمة")
    liaison.select_option("#sex", "M")
    liaison.fill("#birth_year", "1985")
    liaison.fill("#arrest_date", "2013-05-28")
    liaison.fill("#arresting_branch", "فرع ٢١٥")
    liaison.fill("#detainee_number", number)
    liaison.locator("select[name=mark_kind]").first.select_option("tattoo")
    liaison.locator("select[name=mark_place]").first.select_option("left_forearm")
    liaison.fill("#reporter_name", "أم سامر")
    liaison.fill("#reporter_relationship", "الأم")
    _shoot(liaison, "ar", "/reports/new-filled")
    liaison.click("form.stacked button.primary")
    liaison.wait_for_url(re.compile(r".*/reports/\d+\?notice=filed"))
    report = int(re.findall(r"/reports/(\d+)", liaison.url)[0])
    assert "سامر أحمد علي الحلبي" in liaison.locator("h1").inner_text()
    assert "وشم على الساعد الأيسر" in liaison.locator("main").inner_text()
    liaison.click(f'a[href="/reports/{report}/matches"]')
    first = liaison.locator("table.ranked > tbody > tr").first
    assert first.get_attribute("id") == f"case-{case.id}"  # ranked first
    assert "رقم المعتقل" in first.inner_text()  # the number's factor, named in Arabic

    # Reviewer A shortlists it; confirming it too is refused, clearly.
    match = f"/reports/{report}/matches/{case.id}"
    first_reviewer = person(NAMES[Role.reviewer])
    first_reviewer.goto(match)
    first_reviewer.click("form.decision:has(input[value=shortlist]) button")
    first_reviewer.wait_for_url(re.compile(r".*notice=shortlist"))
    assert "Shortlisted" in first_reviewer.locator("h1").inner_text()
    first_reviewer.click("form.decision:has(input[value=confirm]) button")
    first_reviewer.wait_for_url(re.compile(r".*refused=same-reviewer"))
    refusal = first_reviewer.locator("[role=alert]")
    assert refusal.is_visible()
    assert "cannot confirm your own shortlisting" in refusal.inner_text()
    assert "Shortlisted" in first_reviewer.locator("h1").inner_text()

    # Reviewer B finds it in the queue and confirms it.
    second_reviewer = person(SECOND_REVIEWER)
    second_reviewer.goto("/matches")
    second_reviewer.click(f'a[href="{match}"] >> nth=0')
    second_reviewer.click("form.decision:has(input[value=confirm]) button")
    second_reviewer.wait_for_url(re.compile(r".*notice=confirm"))
    assert "Confirmed" in second_reviewer.locator("h1").inner_text()
    assert site.archive.cases.show(case.id).identification == "identified"

    # The liaison begins a disclosure session; the family agrees to the first two steps.
    liaison.goto(match)
    liaison.fill("#present", "أم سامر\n" + NAMES[Role.family_liaison])
    liaison.click("form[action='/disclosures'] button.primary")
    liaison.wait_for_url(re.compile(r".*/disclosures/\d+\?notice=started"))
    session = int(re.findall(r"/disclosures/(\d+)", liaison.url)[0])
    for step in ("description", "blurred"):
        liaison.check("input[name=answer][value=agreed]")
        liaison.click("form[action$='/step'] button.primary")
        liaison.wait_for_url(re.compile(r".*notice=agreed"))
        if step == "description":
            liaison.click(f'a[href="/disclosures/{session}/material"]')
            assert "صُوّر بتاريخ" in liaison.locator("main").inner_text()
            assert liaison.locator("main img").count() == 0  # words only, no image yet
            liaison.goto(f"/disclosures/{session}")
    shown_before = _shown(site, session)
    liaison.goto(f"/disclosures/{session}/material")
    liaison.wait_for_load_state("networkidle")
    image = liaison.locator(".photos img")
    assert image.count() == 1 and image.evaluate("img => img.naturalWidth") > 0
    # The page and its image: each a showing of the blurred step, in the custody log.
    assert _shown(site, session)[len(shown_before):] == [("blurred", 1), ("blurred", 1)]
    _shoot(liaison, "ar", "/disclosures/{session}/material")

    # An investigator asks for an evidence package; the administrator approves it.
    investigator = person(NAMES[Role.investigator])
    investigator.goto(f"/exports/new?case={case.id}")
    investigator.click("button[name=send][value=no]")
    assert "originals" in investigator.locator("section.plan").inner_text()
    investigator.fill("#reason", "for the investigating judge")
    investigator.click("button[name=send][value=yes]")
    investigator.wait_for_url(re.compile(r".*/exports/\d+\?notice=requested"))
    asked = investigator.url.split("?")[0].removeprefix(server)
    page.goto(asked)
    assert "for the investigating judge" in page.locator("main").inner_text()
    page.click("button[name=decision][value=approve]")
    page.wait_for_url(re.compile(r".*notice=approve"))
    investigator.goto(asked)
    with investigator.expect_download() as download:
        investigator.click(f'a[href="{asked}/download"]')
    saved = tmp_path / "package.tar"
    download.value.save_as(saved)
    with tarfile.open(saved) as tar:
        assert any(n.endswith("/bagit.txt") for n in tar.getnames())
        assert sum("/data/originals/" in n for n in tar.getnames()) >= len(case.photos)

    # The new pages, in English then in Arabic, right to left.
    pages = {"/reports/{report}": f"/reports/{report}",
             "/reports/{report}/history": f"/reports/{report}/history",
             "/reports/{report}/matches": f"/reports/{report}/matches",
             "/reports/{report}/matches/{case}": match,
             "/disclosures/{session}": f"/disclosures/{session}", "/exports/{request}": asked}
    for language in ("en", "ar"):
        for name, path in pages.items():
            page.goto(path)
            assert page.locator("html").get_attribute("dir") == (
                "rtl" if language == "ar" else "ltr")
            _shoot(page, language, name)
        page.click(f"button[name=language][value={'ar' if language == 'en' else 'en'}]")
    for tab in (page, liaison, first_reviewer, second_reviewer, investigator):
        assert tab.csp_violations == []  # type: ignore[attr-defined]


def _shown(site: Site, session: int) -> list[tuple[str, int]]:
    """What the custody log says was shown in a disclosure session: (step, images)."""
    return [(e.entry["details"]["step"], e.entry["details"]["images"])
            for e in site.archive.ledger.entries() if e.entry["type"] == "disclosure.shown"
            and e.subject == f"disclosure:{session}"]


# Elements a person can see now: rendered, and not inside a closed <details>.
_SHOWN = "els => els.filter(e => e.checkVisibility()).length"


@pytest.mark.parametrize(("language", "marks", "finding"), [
    ("en", "birthmark on the right lower leg; scar on the left thigh", "Ligature marks"),
    ("ar", "وحمة على الساق اليمنى، ندبة على الفخذ الأيسر", "آثار ربط أو خنق")])
def test_a_case_in_words_and_its_ranked_cases_compact_in_each_language(
        page: Page, site: Site, language: str, marks: str, finding: str) -> None:
    case, report = site.described()
    page.goto("/cases")
    _read_in(page, language)
    try:
        page.goto(f"/cases/{case}")
        fields = page.locator("dl.fields").inner_text()
        assert marks in fields and finding in fields
        assert "birthmark" not in fields or language == "en"
        assert not re.search(r"\w+:\w+|_", fields), fields  # no code, in either language
        _shoot(page, language, "/cases/{case}-described")

        page.goto(f"/reports/{report}/matches")
        ranked = page.locator("table.ranked").first
        rows = ranked.locator(":scope > tbody > tr")
        assert rows.count() >= 2
        assert rows.first.get_attribute("id") == f"case-{case}"
        # Before a click: a line or three of reasons a case, and no table of evidence.
        assert page.locator("table.factors").evaluate_all(_SHOWN) == 0
        folded = ranked.bounding_box()
        assert folded is not None
        lines = rows.first.locator("ul.reasons > li")
        assert lines.count() == 3
        assert all(rows.nth(i).bounding_box()["height"] < 200  # type: ignore[index]
                   for i in range(rows.count()))
        _shoot(page, language, "/reports/{report}/matches-compact")
        # One click opens the whole explanation of one case, and only that one.
        rows.first.locator("summary").click()
        opened = rows.first.locator("table.factors")
        assert opened.is_visible()
        assert page.locator("table.factors").evaluate_all(_SHOWN) == 1
        assert opened.locator("tbody > tr").count() > lines.count()
        unfolded = ranked.bounding_box()
        assert unfolded is not None and unfolded["height"] > folded["height"] + 100
    finally:
        _read_in(page, "en")
    assert page.csp_violations == []  # type: ignore[attr-defined]


def _read_in(page: Page, language: str) -> None:
    """Switch the signed-in person's language with the header's button, unless it is it."""
    if page.locator("html").get_attribute("lang") != language:
        page.click(f"button[name=language][value={language}]")
        page.wait_for_load_state("networkidle")


# Every text node holding a right-to-left override, with what encloses it: the nearest <bdi>
# (its whole text) and that element's parent's tag.
_OVERRIDES_AND_THEIR_BDI = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.includes("\\u202e")) continue;
    const bdi = node.parentElement.closest("bdi");
    found.push({text: node.data, bdi: bdi ? bdi.textContent : null,
                field: bdi ? bdi.parentElement.tagName : null});
  }
  return found;
}"""


def test_an_override_in_a_report_stays_in_its_field(page: Page, site: Site) -> None:
    place = "Damascus \u202ehcnarb 215"
    name = "\u202eremaS"
    report = site.archive.identify.add_report(
        parse_assignments([f"name={name}", f"arrest_place={place}", "sex=M"]),
        NAMES[Role.family_liaison])
    page.goto(f"/reports/{report.id}")
    found = page.evaluate(_OVERRIDES_AND_THEIR_BDI)
    # The name (in the heading and its field) and the place, each alone in its own <bdi>.
    assert sorted((f["text"], f["bdi"]) for f in found) == sorted(
        [(name, name), (name, name), (place, place)])
    assert {f["field"] for f in found} == {"SPAN"}
    served = page.request.get(f"/api/reports/{report.id}").json()
    assert (served["name"], served["arrest_place"]) == (name, place)


def test_a_video_is_shown_blurred_then_played_when_revealed(
        page: Page, site: Site, tmp_path: Path) -> None:
    clip = write_video(tmp_path / "phone" / "VID_0001.webm", moving_frames(2, 10, 64, 48))
    site.archive.ingest(IngestRequest(sources=[str(clip.parent)], actor="owner",
                                      operator="documenter", label="phone"))
    [sha] = [p.sha256 for p in site.archive.queries.photos(0, None)
             if p.media_type == "video/webm"]
    before = _views(site)
    page.goto(f"/photos/{sha}")
    strip = page.locator(".photo img.strip")
    assert "view=blurred" in (strip.get_attribute("src") or "")
    assert strip.evaluate("img => img.complete && img.naturalWidth > 3 * img.naturalHeight")
    assert page.locator("video").count() == 0  # nothing plays before the reveal
    page.get_by_role("link", name="Reveal this video").click()
    page.wait_for_load_state("networkidle")
    assert "view=original" in (page.locator(".photo img.strip").get_attribute("src") or "")
    player = page.locator(".photo video")
    player.evaluate("v => new Promise(done => v.readyState >= 1 || v.error ? done(null) : ("
                    "v.addEventListener('loadedmetadata', () => done(null)),"
                    " v.addEventListener('error', () => done(null))))")
    assert player.evaluate("v => v.error && v.error.message") is None
    assert player.evaluate("v => [v.videoWidth, v.videoHeight]") == [64, 48]
    assert player.evaluate("v => Math.round(v.duration)") == 2
    assert "nodownload" in (player.get_attribute("controlslist") or "")
    assert page.locator("a[download], a[href$='/video']").count() == 0  # nothing to save
    assert not page.csp_violations  # type: ignore[attr-defined]
    new = _views(site)[len(before):]
    assert (sha, "blurred") in new and (sha, "original") in new  # the strip, then the reveal
    shown = [e.entry["details"].get("shown") for e in site.archive.ledger.entries()
             if e.entry["type"] == "photo.viewed"][-3:]
    # The blurred strip first; after the reveal the browser asks for the sharp strip and the
    # video at once, in either order.
    assert shown[0] == "strip" and sorted(shown[1:]) == ["strip", "video"]
    viewer = site.as_role(Role.viewer)  # a role that sees no photos is refused the video
    assert viewer.get(f"/photos/{sha}/video").status_code == 403
    assert viewer.get(f"/photos/{sha}/image").status_code == 403


def test_a_scanned_paper_is_shown_blurred_then_revealed_and_its_read_text_on_request(
        page: Page, site: Site, tmp_path: Path) -> None:
    from datetime import date

    from caesar.demo.documents import Paper, release_paper, scanned

    paper = Paper(name_ar="حسين علي المصري", name_en="Hussein Ali al-Masri",
                  detainee_number="19372", branch="251", released_on=date(2012, 9, 30))
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(scanned(release_paper(paper)))
    site.archive.ingest(IngestRequest(sources=[str(folder)], actor="owner",
                                      operator="documenter", label="papers"))
    [sha] = [p.sha256 for p in site.archive.queries.photos(0, None, media_type="application/pdf")]
    page.goto(f"/photos/{sha}")
    shown = page.locator(".photo.document img")
    assert "view=blurred" in (shown.get_attribute("src") or "")
    assert shown.evaluate("img => img.complete && img.naturalWidth > 0")
    assert paper.name_en not in page.content()  # the text waits until it is asked for
    page.get_by_role("link", name="Reveal this page").click()
    page.wait_for_load_state("networkidle")
    revealed = page.locator(".photo.document img")
    assert "view=original" in (revealed.get_attribute("src") or "")
    assert revealed.evaluate("img => img.complete && img.naturalWidth > 1000")
    page.get_by_role("link", name="Show the text (recorded in the custody log)").click()
    page.wait_for_load_state("networkidle")
    assert "Hussein Ali al-Masri" in page.locator("pre.document-text").inner_text()
    assert not page.csp_violations  # type: ignore[attr-defined]
    reads = [e.subject_sha256 for e in site.archive.ledger.entries()
             if e.entry["type"] == "document.read"]
    assert reads[-1] == sha
