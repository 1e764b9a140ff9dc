"""How the three numbers are arranged on what carries them: lines, labels and separators.

A :class:`Layout` says which numbers share a line and in what order (``[[detainee], [branch],
[forensic]]`` is one number a line; ``[[detainee, branch], [forensic]]`` puts two on the first
line). :func:`compose` turns a layout and the numbers as written into :class:`Line` objects:
tokens in reading order (a label, a number, a separator, ...) with the line's direction. Lines
written by an Arabic writer run right to left: their first token is the rightmost, while each
number's digits still run left to right, as Arabic numbers do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from caesar.demo.vocab import NumberKind

Direction = Literal["ltr", "rtl"]
TokenKind = Literal["number", "label", "separator", "space"]
# Where a label stands: before its number on the line ("No. 7100", "فرع 215"), after it
# ("215 branch"), or on a line of its own above the number.
Placement = Literal["before", "after", "above"]

_ARABIC_LETTERS = re.compile(r"[\u0621-\u064a]")


def is_arabic(text: str) -> bool:
    """Whether ``text`` holds Arabic letters (not only Arabic-Indic digits)."""
    return bool(_ARABIC_LETTERS.search(text))


@dataclass(frozen=True)
class Layout:
    """Which numbers share a line, top to bottom, each line in reading order."""

    name: str
    lines: tuple[tuple[NumberKind, ...], ...]


@dataclass(frozen=True)
class Token:
    """One thing written on a line."""

    kind: TokenKind
    text: str
    number: NumberKind | None = None  # what a number or a label is of


@dataclass(frozen=True)
class Line:
    """One line as written: its tokens in reading order and the direction it runs."""

    tokens: tuple[Token, ...]
    direction: Direction

    @property
    def text(self) -> str:
        """The line in reading order, as Unicode stores text."""
        return "".join(t.text for t in self.tokens)

    @property
    def visual_tokens(self) -> tuple[Token, ...]:
        """The tokens as they stand from left to right."""
        return self.tokens if self.direction == "ltr" else tuple(reversed(self.tokens))

    @property
    def visual(self) -> str:
        """The line as it appears from left to right (labels keep their letters' order)."""
        return "".join(t.text for t in self.visual_tokens)

    @property
    def numbers(self) -> tuple[Token, ...]:
        """The number tokens, in reading order."""
        return tuple(t for t in self.tokens if t.kind == "number")


@dataclass(frozen=True)
class Labels:
    """The labels a writer put beside the numbers, and where."""

    words: dict[NumberKind, str]
    placement: Placement


def compose(layout: Layout, numbers: dict[NumberKind, str], *, separator: str,
            labels: Labels | None, label_only: frozenset[NumberKind] = frozenset(),
            direction: Direction) -> tuple[Line, ...]:
    """The lines of ``layout`` holding ``numbers`` (kind -> text as written).

    A kind of the layout without a number is left out, unless it is in ``label_only``: then
    its label stays, with nothing written after it. Lines left empty are dropped.
    """
    lines: list[Line] = []
    for kinds in layout.lines:
        present = [k for k in kinds if k in numbers or (labels and k in label_only)]
        above = labels is not None and labels.placement == "above" and len(present) == 1
        tokens: list[Token] = []
        for kind in present:
            if tokens:
                tokens.append(_separator(separator))
            if above and labels is not None:
                lines.append(Line((Token("label", labels.words[kind], kind),), direction))
                if kind in numbers:
                    tokens.append(Token("number", numbers[kind], kind))
                continue
            tokens += _labelled(kind, numbers.get(kind), labels)
        if tokens:
            lines.append(Line(tuple(tokens), direction))
    return tuple(lines)


def _separator(text: str) -> Token:
    return Token("space" if text.isspace() else "separator", text)


def _labelled(kind: NumberKind, number: str | None, labels: Labels | None) -> list[Token]:
    out = [Token("number", number, kind)] if number is not None else []
    if labels is None:
        return out
    label = Token("label", labels.words[kind], kind)
    if not out:
        return [label]
    if labels.placement == "after":
        return [*out, Token("space", " "), label]
    return [label, Token("space", " "), *out]


def where(lines: tuple[Line, ...], kind: NumberKind) -> Literal["own_line", "shared_line"] | None:
    """Whether ``kind``'s number stands on a line of its own or shares one; None if absent."""
    for line in lines:
        if any(t.number == kind for t in line.numbers):
            return "own_line" if len(line.numbers) == 1 else "shared_line"
    return None
