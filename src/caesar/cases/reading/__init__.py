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

import numpy as np
from PIL import Image

from caesar.cases.reading import labels, tesseract
from caesar.cases.reading.card import Glyph, InkedLine, cut_out, ink_line
from caesar.cases.reading.glyphs import CLASSES, GlyphModel, install, model
from caesar.cases.reading.regions import TextLine, find_lines
from caesar.cases.reading.segments import cut_line
from caesar.cases.reading.tokens import LONGEST, Script, Token, tokens

_DISAGREE = 0.6  # confidence of a number the two readers read differently
_IMPLAUSIBLE = 0.4  # confidence of a number too short or too long to be one of the three
_MIN_DIGITS, _MAX_DIGITS = 2, LONGEST
_MAX_PIXELS = 40_000_000  # a larger image is read at reduced size
_MAX_LINES = 24  # a photo with more "lines" than this is a texture, read only its likeliest
# A line's ink is taken at Otsu's threshold, then, while its reading is unsure, at a lower one
# (faint or broken strokes made whole) and a higher one (blurred digits parted). Chosen on the
# seen generator: each of the three reads lines the others miss.
_STRICTNESS = (1.0, 0.6, 1.5)
_SURE = 0.8  # a line read this surely is not read again (caesar.cases.numbers.REVIEW_BELOW)


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
    read = _likeliest(rgb, line)
    if read is None:
        return []
    inked, found, line_tokens, second_look = read
    cut, grey, (top, bottom) = inked.card, inked.card.image, inked.band
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
        reading = _confidence(token, grey[top:bottom, max(0, x0 - 2):x1 + 2],
                              second_look=second_look)
        if reading is None:
            continue
        digits, confidence, method = reading
        box = cut.box_of(x0, top, x1, bottom)
        raw = token.raw if digits == token.digits else digits
        readings.append(NumberReading(raw, digits, token.script, confidence, method,
                                      line.material, box, line.row, order + len(readings),
                                      labelled or index in named, named.get(index)))
    return readings


def _likeliest(rgb: np.ndarray, line: TextLine
               ) -> tuple[InkedLine, list[Glyph], list[Token], bool] | None:
    """The line's ink, glyphs and tokens at the threshold whose reading the classifier is
    surest of (see :data:`_STRICTNESS`), and whether that is another threshold than Otsu's;
    None where no threshold leaves glyphs to read."""
    card = cut_out(rgb, line)
    if card is None:
        return None
    best: tuple[float, InkedLine, list[Glyph], list[Token], bool] | None = None
    digits = 0  # in the reading kept so far
    for strictness in _STRICTNESS:
        inked = ink_line(card, strictness=strictness)
        found = cut_line(inked.mask) if inked is not None else []
        if inked is None or not found or len(found) > 40:
            continue
        line_tokens = tokens(found, inked.band[1] - inked.band[0])
        sure = _how_sure(line_tokens)
        read = sum(len(t.digits) for t in line_tokens)
        # Another threshold may part or join strokes, but a reading with fewer digits than
        # the one kept lost some: the classifier is surer of what is left, not of the line.
        if best is None or (sure > best[0] and read >= digits):
            best = (sure, inked, found, line_tokens, strictness != _STRICTNESS[0])
            digits = max(digits, read)
        if sure >= _SURE:
            break
    return None if best is None else best[1:]


def _how_sure(line: list[Token]) -> float:
    """How sure the classifier is of a line's numbers, on average: each as sure as its least
    sure digit, a number too short or too long to be one of the three, or one unlike anything
    the classifier learned, at most :data:`_IMPLAUSIBLE`."""
    numbers = [t for t in line if t.kind == "number"]
    if not numbers:
        return 0.0
    return sum(t.margin if _MIN_DIGITS <= len(t.digits) <= _MAX_DIGITS and not t.atypical
               else min(t.margin, _IMPLAUSIBLE) for t in numbers) / len(numbers)


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


def _confidence(token: Token, grey: np.ndarray, *, second_look: bool = False
                ) -> tuple[str, float, str] | None:
    """The number's digits, how sure the readers are, and which read it; None for noise.
    A number read at another threshold than Otsu's (`second_look`) is the best of several
    tries, which specks can win as well: the classifier's word alone does not make it sure."""
    digits = token.digits
    confidence = float(np.clip(token.margin, 0.0, 1.0)) * 0.5 + 0.45
    if token.atypical or second_look:
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
