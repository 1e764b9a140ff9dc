"""Remake the guides' screenshots: a case's page and a report's ranked cases, in English and
Arabic, from the synthetic demo archive (never real imagery).

    .venv/bin/python scripts/guide_screenshots.py [--cases 60] [--out docs/guide]

Builds the demo archive in a temporary folder (the tour of `caesar demo`, with its demo
analyst's records and one finding added to the example case, so that the page shows a
finding in words), serves it on a loopback port, signs the demo family liaison in with Debian's
Chromium and photographs the example report's ranked cases and its true case in each
language: `case-en.png`, `case-ar.png`, `ranked-en.png`, `ranked-ar.png`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright

from caesar.core import Archive
from caesar.demo.tour import DEMO_ANALYST, DEMO_LIAISON, TourResult, prepare_archive, run_tour
from caesar.vault.keys import KdfCost
from caesar.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
# No network beyond loopback: nothing that phones home, no first-run work.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSPHRASE = "synthetic demo archive for the guides' screenshots"


def _quiet(event: str, files: int, size: int) -> None:
    """Progress nobody watches."""


def build(folder: Path, cases: int) -> TourResult:
    """The demo archive in `folder`, with the example case's finding recorded."""
    archive, _ = prepare_archive(folder / "demo", PASSPHRASE, KdfCost.test)
    result = TourResult(archive=folder / "demo", passphrase=None)
    try:
        run_tour(archive, result, cases=cases, seed=0, megapixels=1.0,
                 say=lambda text: print(text, file=sys.stderr),
                 progress=lambda label: nullcontext(_quiet))
        if result.example is None:
            raise SystemExit("the demo ranked no report's true case first: try more --cases")
        archive.cases.edit(result.example[1], [("findings", "emaciation")], DEMO_ANALYST)
    finally:
        archive.close()
    return result


@contextmanager
def served(path: Path) -> Iterator[str]:
    """The archive at `path` served on a free loopback port; its address."""
    archive = Archive.open(path, PASSPHRASE)
    server = uvicorn.Server(uvicorn.Config(create_app(archive), host="127.0.0.1", port=0,
                                           log_level="warning", server_header=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise SystemExit("the web app did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        archive.close()


def photograph(url: str, result: TourResult, out: Path) -> list[Path]:
    """Sign the family liaison in and photograph the pages in each language."""
    assert result.example is not None
    report, case = result.example
    password = next(login.password or "" for login in result.logins
                    if login.user.name == DEMO_LIAISON)
    made = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900},
                                   base_url=url).new_page()
        page.goto("/login")
        page.fill("#name", DEMO_LIAISON)
        page.fill("#password", password)
        page.click("button.primary")
        page.wait_for_url(f"{url}/")
        for language in ("en", "ar"):
            _read_in(page, language)
            for name, path in (("case", f"/cases/{case}"),
                               ("ranked", f"/reports/{report}/matches")):
                page.goto(path)
                page.wait_for_load_state("networkidle")
                made.append(out / f"{name}-{language}.png")
                page.screenshot(path=str(made[-1]), full_page=True)
        browser.close()
    return made


def _read_in(page: Page, language: str) -> None:
    if page.locator("html").get_attribute("lang") != language:
        page.click(f"button[name=language][value={language}]")
        page.wait_for_load_state("networkidle")


def main() -> None:
    """Parse the options, build, serve, photograph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=60, help="cases in the demo collection")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1]
                        / "docs" / "guide", help="where the PNG files go")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caesar-screenshots-") as scratch:
        result = build(Path(scratch), options.cases)
        with served(result.archive) as url:
            for made in photograph(url, result, options.out):
                print(made)


if __name__ == "__main__":
    main()
