"""The matcher's explanations on the web: in Arabic on Arabic pages (the reader's digits, the
page's dates, the marks' Arabic words), in the matcher's own English on English pages."""

from __future__ import annotations

from datetime import timedelta

from caesar.access.roles import Role
from caesar.cases.marks import read_mark
from caesar.identify.reports import parse_assignments
from caesar.web.i18n import Locale

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
        assert f"، قبل 60 يومًا من" in western

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
