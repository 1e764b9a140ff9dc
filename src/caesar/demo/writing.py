"""Writing one line of numbers, labels and separators into ink: in a font, or by hand.

A :class:`Style` is how one case's numbers were written: a typeset face, a handwriting-like
face, or a hand drawn stroke by stroke (:mod:`caesar.demo.hands`). Labels are words, not
digits: a hand writes them in a handwriting-like face of the label's script, shaped and laid
out right to left when they are Arabic (Pillow's Raqm layout).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import Image, ImageChops, ImageDraw, ImageFont, features

from caesar.demo.fonts import FontsMissing, covers, font_at, ink_height
from caesar.demo.hands import InkMask, Writer, write
from caesar.demo.layouts import Line, Token, is_arabic
from caesar.demo.vocab import Script

WritingKind = Literal["typeset", "handwriting_font", "hand"]
LabelScript = Literal["arabic", "latin"]


@dataclass(frozen=True)
class Style:
    """How one case's numbers were written."""

    kind: WritingKind
    name: str  # the font's file name, or the hand's name
    script: Script
    font: Path | None  # for typeset and handwriting-like faces
    writer: Writer | None  # for a hand
    label_fonts: dict[LabelScript, Path]  # faces for labels the digits' face cannot write


def label_script(text: str) -> LabelScript:
    """The script a label is written in."""
    return "arabic" if is_arabic(text) else "latin"


def write_line(line: Line, style: Style, height: float, seed: str) -> InkMask:
    """``line`` written in ``style`` with digits ``height`` px high, left to right as it stands.

    ``seed`` fixes a hand's every tremor, so that the same line looks the same in every photo.
    """
    rng = random.Random(seed)
    pieces: list[InkMask] = []
    run: list[Token] = []

    def flush() -> None:
        if run:
            pieces.append(_numbers(run, style, height, rng))
            run.clear()

    for token in line.visual_tokens:
        if token.kind == "label":
            flush()
            pieces.append(_label(token.text, style, height))
        else:
            run.append(token)
    flush()
    return _join(pieces, gap=height * 0.22)


def _numbers(tokens: list[Token], style: Style, height: float, rng: random.Random) -> InkMask:
    text = "".join(t.text for t in tokens)
    if style.writer is not None:
        return write(text, style.writer, height, rng)
    assert style.font is not None
    path = str(style.font)
    size = max(6, round(height / ink_height(path, style.script)))
    if not covers(style.font, text):
        # A face without the separator (the Arabic comma, say): the label face writes it.
        return _joined_chars(text, style, height, size)
    return _typeset(font_at(path, size), text, None)


def _joined_chars(text: str, style: Style, height: float, size: int) -> InkMask:
    assert style.font is not None
    pieces = []
    for ch in text:
        if ch.isdigit() or covers(style.font, ch):
            pieces.append(_typeset(font_at(str(style.font), size), ch, None))
        else:
            pieces.append(_label(ch, style, height))
    return _join(pieces, gap=height * 0.05)


def _label(text: str, style: Style, height: float) -> InkMask:
    script = label_script(text)
    path = style.font if style.font is not None and covers(style.font, text) else \
        style.label_fonts[script]
    font = _shaping_font(str(path), 100)
    direction = "rtl" if script == "arabic" else "ltr"
    _l, top, _r, bottom = font.getbbox(text, direction=direction)
    # Labels stand a little lower than the digits beside them, as written words do.
    size = max(6, round(100 * height * 0.85 / max(1, bottom - top)))
    return _typeset(_shaping_font(str(path), size), text, direction)


@lru_cache(maxsize=256)
def _shaping_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    if not features.check("raqm"):
        raise FontsMissing("Pillow cannot shape Arabic labels without libraqm and fribidi",
                           hint="install the Debian package libfribidi0")
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)


def _typeset(font: ImageFont.FreeTypeFont, text: str, direction: str | None) -> InkMask:
    left, top, right, bottom = (int(v) for v in font.getbbox(text, direction=direction,
                                                              anchor="ls"))
    pad = 2
    image = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(image).text((pad - left, pad - top), text, font=font, fill=255,
                               direction=direction, anchor="ls")
    return InkMask(image, pad - top)


def _join(pieces: list[InkMask], gap: float) -> InkMask:
    """Pieces side by side on one baseline."""
    above = max(p.baseline for p in pieces)
    below = max(p.mask.height - p.baseline for p in pieces)
    width = sum(p.mask.width for p in pieces) + round(gap * (len(pieces) - 1))
    out = Image.new("L", (max(1, width), max(1, round(above + below))), 0)
    x = 0
    for p in pieces:
        y = round(above - p.baseline)
        region = out.crop((x, y, x + p.mask.width, y + p.mask.height))
        out.paste(ImageChops.lighter(region, p.mask), (x, y))
        x += p.mask.width + round(gap)
    return InkMask(out, above)

