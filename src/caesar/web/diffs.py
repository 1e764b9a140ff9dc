"""What one change to a record did, shown as a diff: items added and removed, text changed.

Presentation only: the history itself (every change with the value before and after) is kept
by the service that made it; this turns a before/after pair into the parts a page marks up.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any, Literal

Part = Literal["same", "added", "removed"]


@dataclass(frozen=True)
class Piece:
    """A run of text or one item, kept, added or removed."""

    kind: Part
    text: str


def diff(before: Any, after: Any) -> list[Piece]:
    """The pieces that turn `before` into `after`.

    Lists (marks, findings, photos) by item; text by word (a corrected note shows the words
    that changed); anything else as the value before, then the value after.
    """
    if isinstance(before, list) or isinstance(after, list):
        old, new = _items(before), _items(after)
        return ([Piece("removed", v) for v in old if v not in new]
                + [Piece("added", v) for v in new if v not in old]
                + [Piece("same", v) for v in new if v in old])
    if isinstance(before, str) and isinstance(after, str) and (" " in before or " " in after):
        return _words(before, after)
    pieces = []
    if before is not None:
        pieces.append(Piece("removed", _text(before)))
    if after is not None:
        pieces.append(Piece("added", _text(after)))
    return pieces


def _items(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [_text(v) for v in value]
    return [_text(value)]


def _words(before: str, after: str) -> list[Piece]:
    old, new = before.split(" "), after.split(" ")
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new,
                                                      autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", " ".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", " ".join(new[j1:j2])))
    return pieces


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
