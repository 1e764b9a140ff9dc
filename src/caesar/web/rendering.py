"""Pages: Jinja2 templates rendered on the server, in the reader's language.

Templates use `_("...")` for every word a person reads (extracted into the gettext
catalogue), `loc` for numbers and dates, and `said(phrase)` for the matcher's explanations
(`caesar.web.phrases`). User text that carries a bidirectional override is isolated
(`caesar.web.isolation`), so it cannot reach beyond its field. Each page gets the menu of
the areas the reader's role may open, the CSRF token for its forms, and the language switch.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from caesar.access.roles import Permission
from caesar.access.views import LANGUAGES, Identity, pick
from caesar.identify.wording import Phrase
from caesar.web.findings import said_finding, strength_words
from caesar.web.i18n import Locale, best_language
from caesar.web.isolation import Isolating, printable
from caesar.web.phrases import said
from caesar.web.words import label, mark_words

LANGUAGE_COOKIE: Final = "caesar_language"  # before signing in; afterwards the account's
_ENGLISH = Locale("en", "western")  # frozen: safe to share as the default
_current: ContextVar[Locale] = ContextVar("caesar_locale", default=_ENGLISH)


@dataclass(frozen=True)
class MenuItem:
    """An area of the app in the menu, shown to roles that may open it."""

    label: str  # marked with N_ where it is declared, translated when shown
    path: str
    permission: Permission


def _gettext(message: str) -> str:
    return _current.get().gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _current.get().ngettext(singular, plural, n)


def _label(table: str, code: str | None) -> str:
    return label(_current.get().language, table, code)


def _mark(code: str) -> str:
    return mark_words(_current.get().language, code)


def _said(words: Phrase) -> Markup:
    return said(_current.get(), words)


def _finding(finding: Any) -> Markup:
    return said_finding(_current.get(), finding)


def _strength(strength: str) -> str:
    return strength_words(_current.get(), strength)


class Pages:
    """Renders the app's templates."""

    def __init__(self, menu: Sequence[MenuItem]) -> None:
        self.menu = tuple(menu)
        self.env = Environment(loader=PackageLoader("caesar.web", "templates"),
                               autoescape=select_autoescape(default=True),
                               undefined=StrictUndefined, extensions=["jinja2.ext.i18n", Isolating],
                               trim_blocks=True, lstrip_blocks=True, finalize=printable)
        self.env.install_gettext_callables(  # type: ignore[attr-defined]
            _gettext, _ngettext, newstyle=True)
        self.env.globals["label"] = _label
        self.env.globals["mark"] = _mark
        self.env.globals["said"] = _said
        self.env.globals["finding"] = _finding  # an examination's finding, in plain words
        self.env.globals["strength"] = _strength

    def locale(self, request: Request) -> Locale:
        """The reader's language and digits: their account's, else what the browser asks."""
        who: Identity | None = getattr(request.state, "identity", None)
        if who is not None:
            return Locale(who.language, who.digits)
        asked = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
        language = pick(asked, LANGUAGES) if asked is not None and asked in LANGUAGES \
            else best_language(request.headers.get("accept-language"))
        return Locale(language, "arabic" if language == "ar" else "western")

    def render(self, request: Request, template: str, *, title: str, status: int = 200,
               **context: Any) -> HTMLResponse:
        """The page `template` with `context`, in the reader's language."""
        loc = self.locale(request)
        who: Identity | None = getattr(request.state, "identity", None)
        token = _current.set(loc)
        try:
            html = self.env.get_template(template).render(
                request=request, loc=loc, who=who, title=title,
                csrf=who.csrf_token if who else context.pop("csrf", ""),
                menu=[m for m in self.menu if who is not None and who.may(m.permission)],
                may=(lambda p: who is not None and who.may(p)), P=Permission,
                path=request.url.path, **context)
        finally:
            _current.reset(token)
        return HTMLResponse(html, status_code=status)

    def text(self, request: Request, message: str) -> str:
        """`message` (marked with N_) in the reader's language, for text made in Python."""
        return self.locale(request).gettext(message)
