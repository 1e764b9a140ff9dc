"""User text on a page: an override is isolated where it is laid out as text, and kept
exactly where it is a value (attributes, text areas, options)."""

from __future__ import annotations

from caesar.web.rendering import Pages

TURNED = "Homs \u202e215 branch"
TEMPLATE = (
    '<p title="{{ v }}">{{ v }}, then the page\'s words</p>'
    '<input name="place" value="{{ v }}"><textarea name="notes">{{ v }}</textarea>'
    '<select><option value="{{ v }}">{{ v }}</option></select><!-- {{ v }} -->'
    '{% if v %}<td>{{ v if v else "" }}</td>{% endif %}<span>{{ plain }}</span>')


def test_an_override_is_isolated_in_text_and_exact_in_values() -> None:
    html = Pages([]).env.from_string(TEMPLATE).render(v=TURNED, plain="Homs, 215")
    isolated = f"<bdi>{TURNED}</bdi>"
    assert html.count(isolated) == 2  # in the paragraph and in the cell
    assert f'<p title="{TURNED}"><bdi>' in html
    assert f'value="{TURNED}"' in html and f"<textarea name=\"notes\">{TURNED}</textarea>" in html
    assert f'<option value="{TURNED}">{TURNED}</option>' in html
    assert f"<!-- {TURNED} -->" in html
    assert "<span>Homs, 215</span>" in html  # ordinary text is left as it is


def test_markup_the_app_made_is_left_alone() -> None:
    env = Pages([]).env
    html = env.from_string("{{ v|e }} {{ 7 }} {{ none }}").render(v="<b>\u202e", none=None)
    assert html == "&lt;b&gt;\u202e 7 None"
