"""A report form's problems on the web: on an Arabic page each is said in Arabic beside the
field's Arabic label, with the reader's digits and what was typed kept as typed; an English
page reads as it always did; nothing is filed while any remains. A refused photo likewise."""

from __future__ import annotations

from datetime import date

from caesar.access.roles import Role
from caesar.web.i18n import Locale

from .conftest import Site, csrf_of

ARABIC = Locale("ar", "arabic")
FIRST = {"name": "سامر أحمد الحلبي", "birth_year": "1850", "arrest_date": "2099-05-01",
         "height_cm": "300", "consent_share": "archive"}
SECOND = {"name": "سامر أحمد الحلبي", "birth_year": "١٩٨٥", "birth_date": "1984-03-02",
          "consent_share": "archive"}


def _problems(page: str) -> str:
    """The page's list of problems."""
    return page.split('role="alert"')[1].split("</section>")[0]


def test_the_forms_problems_are_said_in_the_pages_language(site: Site) -> None:
    liaison = site.as_role(Role.family_liaison)
    token = site.csrf(liaison)
    filed = len(site.archive.identify.reports("test"))
    liaison.post("/account", data={"language": "ar", "digits": "arabic", "csrf_token": token})
    try:
        token = csrf_of(liaison.get("/reports/new").text)
        first = liaison.post("/reports/new", data={"csrf_token": token, **FIRST})
        second = liaison.post("/reports/new", data={"csrf_token": token, **SECOND})
    finally:
        liaison.post("/account", data={"language": "en", "digits": "western",
                                       "csrf_token": token})
    assert (first.status_code, second.status_code) == (400, 400)
    shown = _problems(first.text)
    assert ("<strong>سنة الولادة</strong>: يجب أن تكون القيمة سنةً مثل ١٩٨٥، لا"
            " «<bdi>1850</bdi>»") in shown  # what was typed, as typed
    assert ("<strong>تاريخ الاعتقال</strong>: التاريخ في المستقبل"
            f" ({ARABIC.date(date(2099, 5, 1))})") in shown
    assert ARABIC.date(date(2099, 5, 1)) == "١ أيار ٢٠٩٩"
    assert ("<strong>الطول (سم)</strong>: يجب أن تكون القيمة طولًا بالسنتيمتر، لا"
            " «<bdi>300</bdi>»") in shown
    assert ("<strong>تاريخ الولادة</strong>: التاريخ ٢ آذار ١٩٨٤ ليس في سنة الولادة ١٩٨٥"
            in _problems(second.text))
    for page in (first.text, second.text):
        assert "must be" not in page and 'lang="en"' not in _problems(page)
        assert 'value="سامر أحمد الحلبي"' in page  # kept to correct
    assert len(site.archive.identify.reports("test")) == filed  # nothing was filed

    english = liaison.post("/reports/new", data={"csrf_token": token, **FIRST})
    assert english.status_code == 400
    shown = _problems(english.text)
    assert ('<strong>Year of birth</strong>: <span lang="en" dir="ltr">must be a year like'
            " 1985, not &#39;1850&#39;</span>") in shown
    assert ('<strong>Date of arrest</strong>: <span lang="en" dir="ltr">is in the future'
            " (2099-05-01)</span>") in shown
    assert ('<strong>Height (cm)</strong>: <span lang="en" dir="ltr">must be a height in'
            " centimetres, not &#39;300&#39;</span>") in shown
    assert len(site.archive.identify.reports("test")) == filed


def test_a_refused_photo_is_said_in_arabic(site: Site) -> None:
    report = site.identification().report
    liaison = site.as_role(Role.family_liaison)
    token = site.csrf(liaison)
    liaison.post("/account", data={"language": "ar", "digits": "arabic", "csrf_token": token})
    try:
        reply = liaison.post(f"/reports/{report}/photos",
                             data={"csrf_token": csrf_of(liaison.get(
                                 f"/reports/{report}/photos").text), "caption": ""},
                             files=[("photos", ("letter.txt", b"a letter", "image/jpeg"))])
    finally:
        liaison.post("/account", data={"language": "en", "digits": "western",
                                       "csrf_token": token})
    assert reply.status_code == 400
    assert "ليس صورة: لم يُتعرَّف فيه على أي صيغة صور معروفة" in reply.text
    assert "no known image format" not in reply.text
