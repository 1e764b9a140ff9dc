"""The matcher's explanations on the web: in Arabic on Arabic pages (the reader's digits, the
page's dates, the marks' Arabic words), in the matcher's own English on English pages."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from caesar.access.roles import Role
from caesar.access.views import Digits, Language
from caesar.cases.marks import read_mark
from caesar.identify import inscriptions
from caesar.identify.branches import branch_label
from caesar.identify.explanations import explain
from caesar.identify.factors import ReportFacts, Weighed
from caesar.identify.names import person_name
from caesar.identify.reports import parse_assignments
from caesar.identify.table import CaseFacts
from caesar.web.i18n import Locale
from caesar.web.phrases import said

from .conftest import NAMES, Site

MARK = "tattoo:left_forearm:eagle"
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_explanations_follow_the_readers_language_and_digits(site: Site) -> None:
    case = next(c for c in site.archive.case_index.all()
                if c.photographed_on and c.numbers.detainee)
    assert case.photographed_on and case.numbers.detainee
    number = case.numbers.detainee
    arrested = case.photographed_on + timedelta(days=60)
    web = site.app.state.web
    with web.changing():  # an analyst recorded the body as a woman's, with the family's mark
        site.archive.cases.edit(case.id, [("sex", "F"), ("marks", MARK)], NAMES[Role.analyst])
        report = site.archive.identify.add_report(parse_assignments([
            "name=خالد عمر", "sex=M", f"arrest_date={arrested}", f"detainee_number={number}",
            f"marks={MARK}"]), NAMES[Role.family_liaison]).id
    reviewer = site.as_role(Role.reviewer)
    token = site.csrf(reviewer)
    ranked = f"/reports/{report}/matches"
    arabic = Locale("ar", "arabic")
    mark_ar = read_mark(MARK).words("ar")
    reviewer.post("/account", data={"language": "ar", "digits": "arabic", "csrf_token": token})
    try:
        page = reviewer.get(ranked).text
        excluded = page.split(f'id="case-{case.id}"')[1]
        # Both reasons, then the other evidence, each in Arabic.
        assert "البلاغ عن رجل؛ والجثمان لامرأة" in excluded
        assert (f"صُوّر الجثمان في {arabic.date(case.photographed_on)}، قبل ٦٠ يومًا من"
                f" الاعتقال الذي ذكره البلاغ في {arabic.date(arrested)} (وهذا أكثر من ٣٠ يومًا"
                in excluded)
        assert f"رقم المعتقل نفسه: <bdi>{number.translate(_ARABIC_DIGITS)}</bdi>" in excluded
        assert (f"تصف العائلة {mark_ar}؛ ويظهر على الجثمان {mark_ar} (في المكان نفسه)"
                in excluded)
        assert "التطابق في الرسم: نسر" in excluded
        # Nothing of the matcher's English is left, nor labelled as English.
        assert "the same detainee number" not in page and 'lang="en"' not in excluded

        reviewer.post("/account", data={"digits": "western", "csrf_token": token})
        western = reviewer.get(ranked).text
        assert f"رقم المعتقل نفسه: <bdi>{number}</bdi>" in western
        assert "، قبل 60 يومًا من" in western

        with web.changing():  # a reviewer judged the report's sex and date wrong
            site.archive.identify.override(report, case.id, NAMES[Role.reviewer],
                                           reason="the family misremembered")
        lifted = reviewer.get(f"{ranked}/{case.id}").text
        assert "البلاغ عن رجل؛ والجثمان لامرأة (رفع أحد المراجعين هذا الاستبعاد)" in lifted
    finally:
        reviewer.post("/account", data={"language": "en", "digits": "western",
                                        "csrf_token": token})
    english = reviewer.get(f"{ranked}/{case.id}").text
    assert ('<span lang="en" dir="ltr">the report is of a man; the case is a woman (a reviewer'
            ' lifted this exclusion)</span>') in english
    assert f'<span lang="en" dir="ltr">the same detainee number, {number}</span>' in english
    assert (f"photographed on {case.photographed_on}, 60 days before the reported arrest on"
            f" {arrested} (more than the 30 days a reported date may be off)") in english


def _date_words(arrested: str, language: Language = "ar", digits: Digits = "arabic") -> str:
    """The date factor's words in `language` for a body photographed on 2 August 2013."""
    report = ReportFacts(1, arrest_date=date.fromisoformat(arrested))
    words = explain(Weighed("date", np.zeros(1)), report,
                    CaseFacts(1, photographed_on=date(2013, 8, 2)))
    assert words is not None
    return str(said(Locale(language, digits), words))


def test_durations_take_the_arabic_plural_of_their_number() -> None:
    assert "، بعد يومين من الاعتقال" in _date_words("2013-07-31")
    assert "، بعد ٥ أيام من" in _date_words("2013-07-28")
    assert "، بعد ١٣ يومًا من" in _date_words("2013-07-20")
    assert "، بعد شهرين من" in _date_words("2013-06-01")
    assert "، بعد ١١ شهرًا من" in _date_words("2012-09-01")
    assert "، بعد ٣٫٦ سنة من الاعتقال الذي ذكره البلاغ في ١ كانون الثاني ٢٠١٠" \
        in _date_words("2010-01-01")
    assert _date_words("2010-01-01", "en", "western") == (
        "photographed on 2 August 2013, 3.6 years after the reported arrest on 1 January 2010")


def test_branches_and_names_in_arabic_and_what_families_wrote_escaped() -> None:
    arabic = Locale("ar", "arabic")
    assert str(said(arabic, branch_label("235"))) == "الفرع <bdi>٢٣٥</bdi> (فرع فلسطين)"
    report = ReportFacts(1, name=person_name("Samer Ahmad Ali", family="Halabi"))
    case = CaseFacts(1, name=person_name("Samer Khaled", family="Halabi"))
    name = explain(Weighed("name", np.zeros(1)), report, case)
    assert name is not None
    assert str(said(arabic, name)) == ("الاسم المسجّل على الحالة (من مصدر آخر) يتفق في: الاسم"
                                       " الأول، الكنية؛ ويختلف في: اسم الأب")
    text = inscriptions.explain("<b>Rania</b>", "Rania & Samer", "close")
    assert text is not None
    words = said(arabic, text)
    assert "<b>" not in words and "&lt;b&gt;Rania&lt;/b&gt;" in words
    assert "«<bdi>Rania &amp; Samer</bdi>»" in words
