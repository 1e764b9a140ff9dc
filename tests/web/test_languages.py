"""Arabic and English on every page: the catalogue is complete, Arabic is right to left,
digits are the reader's choice, dates are written as each language writes them."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from caesar.access.roles import Role
from caesar.web.catalogue import ARABIC, extract
from caesar.web.gate import routes
from caesar.web.i18n import Locale

from .conftest import Site

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_message_has_its_arabic() -> None:
    with open(ARABIC, "rb") as f:
        arabic = {m.id: m.string for m in read_po(f) if m.id}
    wanted = {m.id for m in extract() if m.id}
    missing = [m for m in wanted if not arabic.get(m) or (
        isinstance(arabic[m], tuple) and not all(arabic[m]))]
    assert missing == [], "run `python -m caesar.web.catalogue` and translate these"
    assert set(arabic) == wanted, "the catalogue holds messages no page uses"
    for message, translation in arabic.items():
        ids = message if isinstance(message, tuple) else (message,)
        strings = translation if isinstance(translation, tuple) else (translation,)
        allowed = {name for text in ids for name in _PLACEHOLDER.findall(text)}
        for text in strings:
            assert set(_PLACEHOLDER.findall(text)) <= allowed, (message, text)


def _pages(site: Site) -> list[str]:
    case = site.archive.case_index.all()[0]
    seeded = site.identification()
    values = {"case_id": str(case.id), "transfer_id": "1", "sha256": case.photos[0],
              "index": "1", "report_id": str(seeded.report), "session_id": str(seeded.session),
              "request_id": str(seeded.request),
              "photo_id": str(seeded.photo)}
    return [re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
            for method, path, _ in routes(site.app)
            if method == "GET" and not path.startswith(("/api/", "/static/"))
            and not path.endswith(("/image", "/region", "/download", "/video"))
            and path != "/login"]


def test_every_page_in_arabic_is_right_to_left(site: Site) -> None:
    admin = site.as_role(Role.admin)
    token = site.csrf(admin)
    admin.post("/account", data={"language": "ar", "digits": "arabic", "csrf_token": token})
    try:
        pages = _pages(site)
        assert len(pages) >= 28
        for path in pages:
            reply = admin.get(path)
            assert reply.status_code == 200, path
            assert '<html lang="ar" dir="rtl">' in reply.text, path
            assert "أرشيف قيصر" in reply.text, path
            assert "Sign out" not in reply.text, path
        dashboard = admin.get("/").text
        originals = site.archive.queries.counts().originals
        assert f"<strong>{Locale('ar', 'arabic').number(originals)}</strong>" in dashboard
        assert re.search(r"<strong>[٠-٩]+</strong>", dashboard)
    finally:
        admin.post("/account", data={"language": "en", "digits": "western",
                                     "csrf_token": token})
    english = admin.get("/").text
    assert '<html lang="en" dir="ltr">' in english and "Sign out" in english


def test_digits_are_the_readers_choice_in_either_language(site: Site) -> None:
    client = site.as_role(Role.viewer)
    token = site.csrf(client)
    case = next(c for c in site.archive.case_index.all() if c.numbers.detainee)
    number = case.numbers.detainee
    assert number is not None
    arabic_digits = number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    client.post("/account", data={"digits": "arabic", "csrf_token": token})
    assert arabic_digits in client.get(f"/cases/{case.id}").text
    client.post("/account", data={"digits": "western", "language": "ar", "csrf_token": token})
    page = client.get(f"/cases/{case.id}").text
    assert number in page and arabic_digits not in page and 'dir="rtl"' in page
    client.post("/account", data={"language": "en", "csrf_token": token})


@pytest.mark.parametrize(("language", "digits", "expected"), [
    ("en", "western", "2 August 2013"), ("ar", "arabic", "٢ آب ٢٠١٣"),
    ("ar", "western", "2 آب 2013"), ("en", "arabic", "٢ August ٢٠١٣")])
def test_dates_are_written_as_each_language_writes_them(language: str, digits: str,
                                                        expected: str) -> None:
    from datetime import date

    locale = Locale(language, digits)  # type: ignore[arg-type]
    assert locale.date(date(2013, 8, 2)) == expected


def test_the_sign_in_page_follows_the_browser_or_the_choice(site: Site) -> None:
    client = site.client()
    assert 'lang="ar" dir="rtl"' in client.get(
        "/login", headers={"accept-language": "ar-SY,ar;q=0.9,en;q=0.5"}).text
    assert 'lang="en" dir="ltr"' in client.get(
        "/login", headers={"accept-language": "en-GB"}).text
    chosen = client.get("/login?lang=ar", headers={"accept-language": "en-GB"})
    assert 'dir="rtl"' in chosen.text and "تسجيل الدخول" in chosen.text
    assert 'dir="rtl"' in client.get("/login", headers={"accept-language": "en"}).text


def test_a_refusal_is_headed_in_the_readers_language(site: Site) -> None:
    """The service explains a refusal in English; an Arabic page heads it with what the
    refusal means in Arabic and marks the service's words as English (left to right)."""
    client = site.as_role(Role.viewer)
    token = site.csrf(client)
    english = client.get("/cases/999999")
    assert english.status_code == 404
    assert "<h1>No case 999999 in this archive.</h1>" in english.text
    assert "caesar cases list" not in english.text  # the command line's hint, not the web's
    client.post("/account", data={"language": "ar", "csrf_token": token})
    try:
        arabic = client.get("/cases/999999")
    finally:
        client.post("/account", data={"language": "en", "csrf_token": token})
    assert arabic.status_code == 404 and 'dir="rtl"' in arabic.text
    assert "<h1>لا يوجد سجلّ كهذا.</h1>" in arabic.text
    assert '<p><span lang="en" dir="ltr">No case 999999 in this archive.</span></p>' in arabic.text
