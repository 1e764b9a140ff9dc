"""In real Chromium (Debian's, never a downloaded one), on a real server on loopback.

An administrator signs in with a one-time code, browses a case, reveals one blurred photo and
finds the view in the custody log, switches to Arabic and sees the pages right to left.
Screenshots of the main pages in both languages go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from caesar.access.roles import Role

from .conftest import NAMES, Site, password

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


@pytest.fixture(scope="module")
def page(browser: Browser, server: str, site: Site) -> Iterator[Page]:
    """A tab signed in as the administrator, with a one-time code."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    tab = context.new_page()
    tab.csp_violations = []  # type: ignore[attr-defined]
    tab.on("console", lambda m: "Content Security Policy" in m.text
           and tab.csp_violations.append(m.text))  # type: ignore[attr-defined]
    tab.goto("/")
    assert tab.url.startswith(f"{server}/login")
    name = NAMES[Role.admin]
    tab.fill("#name", name)
    tab.fill("#password", password(name))
    tab.fill("#code", site.fresh_code(name, site.secrets[name]))
    tab.click("button.primary")
    tab.wait_for_url(f"{server}/")
    yield tab
    context.close()


def _shoot(page: Page, language: str, path: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").replace("{case}", "case").replace("/", "-") or "dashboard"
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
              "/transfers", "/custody", "/admin/users", "/admin/security", "/account")


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
        _shoot(page, "ar", path)
    page.click("button[name=language][value=en]")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.csp_violations == []  # type: ignore[attr-defined]
