"""A file's name, exactly as the disk holds it, in each of the forms it takes on the way out.

A POSIX name is bytes, and not every name is valid UTF-8 (a drive written on an old Windows
machine, a camera's Latin-1 folder). Python holds such a name with each undecodable byte as a
lone surrogate (U+DC80..U+DCFF, the ``surrogateescape`` error handler), and the archive keeps
it that way from the walk to the catalogue and back, so that two files whose names differ only
in such a byte stay two files, and the name can be turned back into its exact bytes
(``os.fsencode``). Lone surrogates cannot be written as UTF-8, so each way out has its form:

- JSON (:func:`json_text`): the surrogate as the escape ``\\udcXX``, which a JSON reader turns
  back into the same string (DESIGN's "Counting entries").
- The catalogue (:func:`stored_name`, :func:`name_from_stored`): text any database takes, with
  the byte as ``\\xXX`` and a backslash of the name doubled, so that no two names share a form.
- A screen or a message (:func:`display_path`): the byte as ``\\xXX``, for a person to read.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

# Every lone surrogate, not only the escapes of bytes: json.dumps lets any of them through.
_SURROGATES: Final = {c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)}
_BYTE_ESCAPES: Final = {c: f"\\x{c - 0xDC00:02x}" for c in range(0xDC80, 0xDD00)}
SHOWN_SURROGATES: Final = {**_SURROGATES, **_BYTE_ESCAPES}
"""How a person is shown every lone surrogate: a byte as ``\\xXX``, any other as ``\\uXXXX``."""
_STORED_ESCAPE: Final = re.compile(r"\\(\\|x[89a-f][0-9a-f])")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def display_path(raw: str) -> str:
    """A name or relative path as text for a person: undecodable bytes as ``\\xXX``."""
    return raw.translate(SHOWN_SURROGATES) if _SURROGATE.search(raw) else raw


def json_text(value: Any, **options: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, **options)``, with lone surrogates escaped.

    Arabic and every other character stay as they are; only what UTF-8 cannot carry is
    written as a ``\\uXXXX`` escape, which is valid JSON for the same string. Inside JSON
    text a raw surrogate can only stand in a string, so replacing it there is exact.
    """
    return json.dumps(value, ensure_ascii=False, **options).translate(_SURROGATES)


def stored_name(name: str) -> str:
    """The catalogue's form of `name`: undecodable bytes as ``\\xXX``, backslashes doubled."""
    return name.replace("\\", "\\\\").translate(_BYTE_ESCAPES)


def name_from_stored(stored: str) -> str:
    """The name :func:`stored_name` made `stored` from."""
    return _STORED_ESCAPE.sub(
        lambda m: "\\" if m[1] == "\\" else chr(0xDC00 + int(m[1][1:], 16)), stored)
