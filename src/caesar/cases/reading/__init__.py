"""Reading the numbers a body carried, wherever and however they were written.

    reading = read_photo(image)          # a decoded PIL image
    reading.card_found, reading.numbers  # NumberReading: raw, digits, script, confidence ...

Three steps, each its own module: find every line of writing in the photo, on a card of any
shape, paper, tape or the skin (:mod:`.regions`); straighten each line (:mod:`.card`) and cut
it into glyphs, touching digits where they read best (:mod:`.segments`); classify the glyphs
and cut the line into numbers at separators, labels and spaces (:mod:`.tokens`, with the
classifier of :mod:`.glyphs`). For Western digits Tesseract (:mod:`.tesseract`) reads each
number too: where the two agree the reading is confident; where
they differ it stays below :data:`caesar.cases.numbers.REVIEW_BELOW`, so that a person looks.
Which number is which is decided later, over all the photos of a case
(:mod:`caesar.cases.numbers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image

from caesar.cases.reading import labels, tesseract
from caesar.cases.reading.card import Glyph, Place, straighten, text_lines
from caesar.cases.reading.glyphs import CLASSES, GlyphModel, install, model
from caesar.cases.reading.regions import TextLine, find_lines
from caesar.cases.reading.segments import cut_line
from caesar.cases.reading.tokens import LONGEST, Script, Token, tokens

_DISAGREE = 0.6  # confidence of a number the two readers read differently
_IMPLAUSIBLE = 0.4  # confidence of a number too short or too long to be one of the three
_MIN_DIGITS, _MAX_DIGITS = 2, LONGEST
_MAX_PIXELS = 40_000_000  # a larger image is read at reduced size
_MIN_CONTRAST = 18  # grey levels between ink and its ground, at the least
_MAX_LINES = 24  # a photo with more "lines" than this is a texture, read only its likeliest


@dataclass(frozen=True)
class NumberReading:
    """One number read in a photo, with where it stood among the others."""

    raw: str  # as written (Arabic-Indic digits kept)
    digits: str  # in Western digits
    script: Script
    confidence: float  # 0..1; below 0.8 a person should check
    method: str
    where: Literal["card", "skin"]
    box: tuple[int, int, int, int]  # the number's own box in the photo (x0, y0, x1, y1)
    row: int = 0  # the line of writing it is on, top to bottom
    order: int = 0  # its place among the numbers of that line, left to right
    labelled: bool = False  # something that is not a number (a label) stands before it
    label: labels.Named | None = None  # what the label beside it names, when one was read


@dataclass(frozen=True)
class PhotoReading:
    """What a photo shows of numbers: whether any writing is on a card, and the numbers."""

    card_found: bool
    numbers: tuple[NumberReading, ...] = ()


def prepare() -> GlyphModel:
    """The glyph classifier, loaded now: hand it to worker processes with :func:`install`."""
    return model()


def read_photo(image: Image.Image) -> PhotoReading:
    """Find every line of writing in `image` and read the numbers on it. Never raises for
    what the image holds."""
    if image.width < 32 or image.height < 32:
        return PhotoReading(False)
    if image.width * image.height > _MAX_PIXELS:
        factor = 6000 / max(image.size)
        image = image.resize((round(image.width * factor), round(image.height * factor)))
    rgb = np.asarray(image.convert("RGB"))
    lines = find_lines(rgb)
    if len(lines) > _MAX_LINES:
        lines = sorted(lines, key=lambda found: -found.parts)[:_MAX_LINES]
    numbers: list[NumberReading] = []
    for line in sorted(lines, key=lambda found: (found.row, found.centre[0])):
        numbers += _read_line(rgb, line, order=sum(1 for n in numbers if n.row == line.row))
    return PhotoReading(any(n.where == "card" for n in numbers), tuple(numbers))


def _read_line(rgb: np.ndarray, line: TextLine, *, order: int) -> list[NumberReading]:
    pad_across, pad_along = line.height * 0.45, line.height * 1.0
    place = Place(line.centre, (line.length + 2 * pad_along, line.height + 2 * pad_across),
                  line.angle)
    cut = straighten(rgb, place)
    if cut is None:
        return []
    grey = cut.image
    mask = _ink(grey, cut.image.shape[0] / (line.height + 2 * pad_across) * line.height)
    band = _band(mask)
    if band is None:
        return []
    top, bottom = band
    found = cut_line(mask[top:bottom])
    if not found or len(found) > 40:
        return []
    line_tokens = tokens(found, bottom - top)
    word_of: dict[int, labels.Word] = {}
    if _may_hold_words(line_tokens):
        margin = (bottom - top) // 3
        words = labels.words(grey[max(0, top - margin):bottom + margin])
        word_of = {i: w for i, g in enumerate(found) for w in words
                   if w.x0 <= g.x + g.image.shape[1] / 2 <= w.x1}
        if word_of:
            line_tokens = tokens(found, bottom - top, letters=word_of)
    named = _labels(line_tokens, word_of)
    readings: list[NumberReading] = []
    labelled = False
    for index, token in enumerate(line_tokens):
        if token.kind != "number":
            labelled = labelled or any(i in word_of for i in token.glyphs)
            continue
        glyphs = [found[i] for i in token.glyphs]
        x0 = glyphs[0].x
        x1 = glyphs[-1].x + glyphs[-1].image.shape[1]
        reading = _confidence(token, grey[top:bottom, max(0, x0 - 2):x1 + 2])
        if reading is None:
            continue
        digits, confidence, method = reading
        box = cut.box_of(x0, top, x1, bottom)
        raw = token.raw if digits == token.digits else digits
        readings.append(NumberReading(raw, digits, token.script, confidence, method,
                                      line.material, box, line.row, order + len(readings),
                                      labelled or index in named, named.get(index)))
    return readings


def _may_hold_words(line: list[Token]) -> bool:
    """Whether a line may carry a label: it is more than one clean number. Reading words is
    slow (Tesseract's Arabic model), and most lines are one number alone."""
    numbers = [t for t in line if t.kind == "number"]
    return (len(line) > 1 or any(t.atypical for t in numbers)
            or any(not _MIN_DIGITS <= len(t.digits) <= _MAX_DIGITS for t in numbers))


def _labels(line: list[Token], word_of: dict[int, labels.Word]) -> dict[int, labels.Named]:
    """Which number token each label names: the number after it in its own script's reading
    order (to the right of a Latin label, to the left of an Arabic one), else the number on
    its other side when that number has no label of its own."""
    named: dict[int, labels.Named] = {}
    claims: list[tuple[int, int, labels.Named]] = []  # (label token, number token, kind)
    for index, token in enumerate(line):
        word = next((word_of[i] for i in token.glyphs if i in word_of), None)
        if token.kind == "number" or word is None:
            continue
        arabic = any("\u0600" <= ch <= "\u06ff" for ch in word.text)
        ahead, behind = (index - 1, index + 1) if arabic else (index + 1, index - 1)
        claims.append((index, ahead, word.names))
        claims.append((index, behind, word.names))
    for _, number, kind in claims:  # reading order's side first, for every label
        if 0 <= number < len(line) and line[number].kind == "number" and number not in named:
            named[number] = kind
    return named


def _ink(grey: np.ndarray, height: float) -> np.ndarray:
    """Ink as a 0/1 mask: strokes darker than the ground right around them, whatever the
    ground (paper, tape or skin, evenly lit or not)."""
    size = max(9, int(height * 0.8)) | 1
    hat = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT,
                           cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    threshold, mask = cv2.threshold(hat, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if threshold < _MIN_CONTRAST:
        return np.zeros_like(mask)  # nothing clearly darker than its ground
    # The crop is padded all round: ink reaching its border is what lies beyond the line
    # (a card's edge, a neighbouring line), and would make the line look taller than it is.
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    h, w = mask.shape
    x, y, bw, bh = (stats[:, i] for i in range(4))
    edge = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    edge[0] = False
    return np.where(edge[labels], 0, mask).astype(np.uint8)


def _band(mask: np.ndarray) -> tuple[int, int] | None:
    """The row range of the line the crop was made for: the band of ink nearest its middle
    (a neighbouring line may reach into the crop)."""
    bands = text_lines(mask)
    if not bands:
        return None
    middle = mask.shape[0] / 2
    return min(bands, key=lambda b: abs((b[0] + b[1]) / 2 - middle))


def _confidence(token: Token, grey: np.ndarray) -> tuple[str, float, str] | None:
    """The number's digits, how sure the readers are, and which read it; None for noise."""
    digits = token.digits
    confidence = float(np.clip(token.margin, 0.0, 1.0)) * 0.5 + 0.45
    if token.atypical:
        confidence = min(confidence, _DISAGREE)
    method = "glyph"
    if token.script == "western" and grey.size:
        text, sure = tesseract.read_line(grey)
        if text == digits:
            confidence, method = max(confidence, 0.5 + sure / 2), "glyph+tesseract"
        elif text and sure >= 0.85 and len(text) >= len(digits):
            # Tesseract segments touching or broken digits better than connected strokes do.
            digits, confidence, method = text, _DISAGREE, "tesseract"
        else:
            confidence = min(confidence, _DISAGREE)
    if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS:
        if len(digits) < _MIN_DIGITS and token.atypical:
            return None  # a lone odd mark is not a number
        confidence = min(confidence, _IMPLAUSIBLE)
    return digits, round(confidence, 3), method


__all__ = ["CLASSES", "Glyph", "GlyphModel", "NumberReading", "PhotoReading", "install",
           "prepare", "read_photo"]
