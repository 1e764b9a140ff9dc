"""User text on a page cannot turn the rest of the page around.

A bidirectional override (U+202E) or embedding in a report's field would reverse everything
after it on its line: the words of the page, the next field, a number. :class:`Isolating` is a
Jinja extension that rewrites every ``{{ expression }}`` standing in a page's text (not in a
tag's attributes, nor inside ``textarea``, ``option``, ``title``, ``script`` or ``style``,
whose text is not laid out with its neighbours) into ``{{ (expression)|isolate }}``;
:func:`isolate` puts a plain string that carries a bidirectional formatting character in a
``<bdi>`` element, where the browser closes whatever the string opened. Strings without one,
and markup the app made itself, are left as they are, so the pages' HTML stays the same for
ordinary text. Form values are untouched (a form round-trips its record's exact characters);
the JSON API keeps the exact characters too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from jinja2 import Environment
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

from caesar.names import display_path

# Marks, embeddings, overrides and isolates (UAX #9): what can reach beyond a field.
_BIDI_FORMATTING: Final = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Elements whose content is not laid out as part of the page's text, or not parsed as HTML.
_APART: Final = frozenset({"textarea", "option", "title", "script", "style"})


def printable(value: object) -> object:
    """What a page prints for `value`: a file name's undecodable bytes as ``\\xXX`` (as on a
    terminal), since a page is UTF-8 and cannot carry them; anything else unchanged.

    Every ``{{ expression }}`` of every template ends here (Jinja's ``finalize``)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return display_path(value)
    return value


def isolate(value: object) -> object:
    """`value` in a ``<bdi>`` element when it is a plain string with a bidirectional
    formatting character; anything else unchanged (autoescaping still applies)."""
    if isinstance(value, str) and not isinstance(value, Markup) \
            and _BIDI_FORMATTING.search(value):
        return Markup("<bdi>{}</bdi>").format(value)
    return value


class _Context:
    """Where the template's literal HTML has got to: text, a tag, a comment, or the content
    of an element kept apart (as far as a template's own HTML tells; expressions do not
    open tags)."""

    def __init__(self) -> None:
        self.state = "text"
        self.tag = ""
        self.naming = False
        self.quote = ""
        self.apart = ""

    @property
    def in_text(self) -> bool:
        return self.state == "text"

    def feed(self, data: str) -> None:
        i = 0
        while i < len(data):
            if self.state == "text":
                i = self._from_text(data, i)
            elif self.state == "comment":
                end = data.find("-->", i)
                if end < 0:
                    return
                self.state, i = "text", end + 3
            elif self.state == "apart":
                end = data.lower().find("</" + self.apart, i)
                if end < 0:
                    return
                self.state, self.tag, self.naming, i = "tag", "/", False, end + 2
            else:
                self._in_tag(data[i])
                i += 1

    def _from_text(self, data: str, i: int) -> int:
        start = data.find("<", i)
        if start < 0:
            return len(data)
        if data.startswith("<!--", start):
            self.state = "comment"
            return start + 4
        self.state, self.tag, self.naming, self.quote = "tag", "", True, ""
        return start + 1

    def _in_tag(self, char: str) -> None:
        if self.quote:
            self.quote = "" if char == self.quote else self.quote
        elif char in "\"'":
            self.quote = char
        elif char == ">":
            name = self.tag.lower()
            self.state = "apart" if name in _APART else "text"
            self.apart = name
        elif self.naming and (char.isalnum() or char == "/"):
            self.tag += char
        else:
            self.naming = False


class Isolating(Extension):
    """Passes every expression that stands in a page's text through :func:`isolate`."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["isolate"] = isolate

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        context = _Context()
        for token in stream:
            if token.type == "data":
                context.feed(token.value)
                yield token
            elif token.type == "variable_begin" and context.in_text:
                yield from _isolated(token, stream)
            else:
                yield token


def _isolated(begin: Token, stream: TokenStream) -> Iterator[Token]:
    """``{{ expression }}`` (from `begin` on) as ``{{ (expression)|isolate }}``."""
    line = begin.lineno
    yield begin
    yield Token(line, "lparen", "(")
    for token in stream:
        if token.type == "variable_end":
            yield Token(token.lineno, "rparen", ")")
            yield Token(token.lineno, "pipe", "|")
            yield Token(token.lineno, "name", "isolate")
            yield token
            return
        yield token
