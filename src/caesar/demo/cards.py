"""White cards and numbers written "on the skin": fonts, digits, drawing.

Each body in the real collection carried three handwritten numbers (detainee, security branch,
forensic report), on a white card in frame or on the skin. Here they are typeset in fonts from
Debian's font packages, in Western or Arabic-Indic digits, then rotated and blurred like a card
photographed in a hurry. Font files are found on disk, never downloaded; their glyph coverage is
checked, because many fonts lack Arabic-Indic digits and several Arabic fonts lack Western ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from caesar.demo.fonts import FONT_ROOTS, FontsMissing, digits_of, find_fonts, font_at, ink_height
from caesar.demo.vocab import Script

__all__ = ["ARABIC_INDIC_FONTS", "FONT_PACKAGES", "FONT_ROOTS", "WESTERN_FONTS", "CardStyle",
           "FontsMissing", "available_fonts", "choose_style", "draw_card", "draw_skin_text"]

# Fonts the generator uses, by file name, with the Debian package that ships each. Decorative
# and outline faces are left out on purpose: the cards should be hard to read only in the ways
# real cards are (tilt, blur, handwriting-like variety), not because the face is ornamental.
WESTERN_FONTS: dict[str, str] = {
    "DejaVuSans.ttf": "fonts-dejavu-core",
    "DejaVuSans-Bold.ttf": "fonts-dejavu-core",
    "DejaVuSerif.ttf": "fonts-dejavu-core",
    "DejaVuSansMono.ttf": "fonts-dejavu-core",
    "DejaVuSansCondensed.ttf": "fonts-dejavu-extra",
    "DejaVuSerifCondensed-Italic.ttf": "fonts-dejavu-extra",
    "FreeSans.ttf": "fonts-freefont-ttf",
    "FreeSerifItalic.ttf": "fonts-freefont-ttf",
    "FreeMonoBold.ttf": "fonts-freefont-ttf",
    "LiberationSans-Regular.ttf": "fonts-liberation",
    "LiberationSerif-Bold.ttf": "fonts-liberation",
    "LiberationSansNarrow-Italic.ttf": "fonts-liberation",
    "Amiri-Regular.ttf": "fonts-hosny-amiri",
    "Scheherazade-Regular.ttf": "fonts-sil-scheherazade",
}
ARABIC_INDIC_FONTS: dict[str, str] = {
    "DejaVuSans.ttf": "fonts-dejavu-core",
    "DejaVuSans-Bold.ttf": "fonts-dejavu-core",
    "DejaVuSansMono.ttf": "fonts-dejavu-core",
    "DejaVuSansCondensed.ttf": "fonts-dejavu-extra",
    "Amiri-Regular.ttf": "fonts-hosny-amiri",
    "Amiri-Bold.ttf": "fonts-hosny-amiri",
    "Amiri-Slanted.ttf": "fonts-hosny-amiri",
    "KacstBook.ttf": "fonts-kacst",
    "KacstOffice.ttf": "fonts-kacst",
    "KacstNaskh.ttf": "fonts-kacst",
    "KacstPen.ttf": "fonts-kacst",
    "KacstLetter.ttf": "fonts-kacst",
    "FreeSerif.ttf": "fonts-freefont-ttf",
    "FreeSerifBold.ttf": "fonts-freefont-ttf",
    "Scheherazade-Regular.ttf": "fonts-sil-scheherazade",
    "Scheherazade-Bold.ttf": "fonts-sil-scheherazade",
}
FONT_PACKAGES: tuple[str, ...] = tuple(
    sorted(set(WESTERN_FONTS.values()) | set(ARABIC_INDIC_FONTS.values()))
)


def available_fonts(script: Script, roots: tuple[Path, ...] = FONT_ROOTS) -> tuple[Path, ...]:
    """The installed font files that can write ``script`` digits, in a fixed order.

    Raises :class:`FontsMissing`, naming the Debian packages to install, when there is none.
    """
    wanted = ARABIC_INDIC_FONTS if script == "arabic_indic" else WESTERN_FONTS
    return find_fonts(tuple(wanted.items()), digits_of(script),
                      f"{script.replace('_', '-')} digits for the demo cards", roots)


@dataclass(frozen=True)
class CardStyle:
    """How one case's card looks: the same physical card in every photo of the case."""

    font: Path
    script: Script
    paper: tuple[int, int, int]
    ink: tuple[int, int, int]
    aspect: float  # width / height
    jitter: tuple[float, float, float]  # per-line horizontal offset, a fraction of the width


def choose_style(rng: random.Random, script: Script) -> CardStyle:
    """A random card style for ``script`` digits."""
    fonts = available_fonts(script)
    base = rng.randint(226, 243)  # at most render.HIGH: see render._in_range
    paper = (base, base - rng.randint(0, 6), base - rng.randint(0, 14))
    ink = rng.choice([(20, 20, 24), (18, 30, 90), (30, 30, 60), (60, 20, 20)])
    jitter = (rng.uniform(-0.06, 0.06), rng.uniform(-0.06, 0.06), rng.uniform(-0.06, 0.06))
    return CardStyle(fonts[rng.randrange(len(fonts))], script, paper, ink,
                     rng.uniform(1.25, 1.7), jitter)


def _fit_font(style: CardStyle, lines: list[str], width: float,
              digit_height: float) -> ImageFont.FreeTypeFont:
    """The font size whose digits are ``digit_height`` pixels high, shrunk to fit ``width``."""
    path = str(style.font)
    size = max(6, int(digit_height / ink_height(path, style.script)))
    while True:
        font = font_at(path, size)
        widest = max(font.getbbox(line)[2] - font.getbbox(line)[0] for line in lines)
        if widest <= width or size <= 6:
            return font
        size = max(6, int(size * width / widest) - 1)


def _paste(photo: Image.Image, layer: Image.Image, center: tuple[float, float]
           ) -> tuple[int, int, int, int]:
    x0 = round(center[0] - layer.width / 2)
    y0 = round(center[1] - layer.height / 2)
    photo.paste(layer, (x0, y0), layer)
    return (max(0, x0), max(0, y0), min(photo.width, x0 + layer.width),
            min(photo.height, y0 + layer.height))


def draw_card(photo: Image.Image, center: tuple[float, float], height: float, angle: float,
              lines: list[str], style: CardStyle, blur: float) -> tuple[int, int, int, int]:
    """Draw a white card carrying ``lines`` onto ``photo``; returns its box (x0, y0, x1, y1).

    ``height`` is the card's height in photo pixels, ``angle`` its counter-clockwise tilt in
    degrees, ``blur`` the Gaussian radius in pixels.
    """
    w, h = max(8, round(height * style.aspect)), max(6, round(height))
    card = Image.new("RGBA", (w, h), (*style.paper, 255))
    draw = ImageDraw.Draw(card)
    # A faint edge so the card separates from a light background, as paper does.
    edge = tuple(max(0, c - 28) for c in style.paper)
    draw.rectangle((0, 0, w - 1, h - 1), outline=(*edge, 255), width=max(1, h // 90))
    line_height = h / (len(lines) + 0.7)
    font = _fit_font(style, lines, w * 0.82, line_height * 0.55)
    for i, line in enumerate(lines):
        x = w / 2 + style.jitter[i % 3] * w
        y = line_height * (i + 0.85)
        draw.text((x, y), line, font=font, fill=(*style.ink, 255), anchor="mm")
    # Transparent corners keep the paper's colour so blurring never darkens the edge.
    layer = card.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True,
                        fillcolor=(*style.paper, 0))
    if blur > 0.05:
        layer = layer.filter(ImageFilter.GaussianBlur(blur))
    return _paste(photo, layer, center)


def draw_skin_text(photo: Image.Image, center: tuple[float, float], height: float, angle: float,
                   text: str, style: CardStyle, blur: float) -> tuple[int, int, int, int]:
    """Write ``text`` directly on a shape of ``photo`` (a number "on the skin"); returns its box."""
    path = str(style.font)
    font = font_at(path, max(6, int(height / ink_height(path, style.script))))
    left, top, right, bottom = (int(v) for v in font.getbbox(text))
    pad = max(2, int(height * 0.2))
    ink = tuple(max(12, c - 6) for c in style.ink)  # at least render.LOW
    layer = Image.new("RGBA", (right - left + 2 * pad, bottom - top + 2 * pad), (*ink, 0))
    ImageDraw.Draw(layer).text((pad - left, pad - top), text, font=font, fill=(*ink, 225))
    layer = layer.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True,
                         fillcolor=(*ink, 0))
    if blur > 0.05:
        layer = layer.filter(ImageFilter.GaussianBlur(blur))
    return _paste(photo, layer, center)
