"""Reading the numbers a body carried: find the card, straighten it, read each line.

    reading = read_photo(image)          # a decoded PIL image
    reading.card_found, reading.numbers  # NumberReading: raw, digits, script, confidence ...

Two readers are combined. A glyph classifier (:mod:`.glyphs`) reads every line and tells the
digit script; for Western digits Tesseract (:mod:`.tesseract`) reads the line too, and where
the two agree the reading is confident; where they differ the more confident one is kept at a
confidence below :data:`caesar.cases.numbers.REVIEW_BELOW`, so that a person looks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

from caesar.cases.reading import tesseract
from caesar.cases.reading.card import (Glyph, Place, find_card, ink_mask, locate,
                                       split_glyphs, straighten, text_lines)
from caesar.cases.reading.glyphs import (ARABIC_INDIC, CLASSES, DIGITS, WESTERN, GlyphModel,
                                         install, model)

Script = Literal["western", "arabic_indic"]
_DISAGREE = 0.6  # confidence of a line the two readers read differently
_IMPLAUSIBLE = 0.4  # confidence of a number too short or too long to be one on a card
_MIN_DIGITS, _MAX_DIGITS = 2, 6
_MAX_PIXELS = 40_000_000  # a larger image is read at reduced size


@dataclass(frozen=True)
class NumberReading:
    """One number read in a photo."""

    raw: str  # as written (Arabic-Indic digits kept)
    digits: str  # in Western digits
    script: Script
    confidence: float  # 0..1; below 0.8 a person should check
    method: str
    where: Literal["card", "skin"]
    box: tuple[int, int, int, int]  # the card's box in the photo


@dataclass(frozen=True)
class PhotoReading:
    """What a photo shows of numbers: whether it has a card, and the numbers read on it."""

    card_found: bool
    numbers: tuple[NumberReading, ...] = ()


def prepare() -> GlyphModel:
    """The glyph classifier, loaded now: hand it to worker processes with :func:`install`."""
    return model()


def look(image: Image.Image) -> Place | None:
    """Where a photo shows a card, if it does: a quick look that a small copy is enough for.

    Pass the result, scaled to the full image, to :func:`read_photo`.
    """
    if image.width < 32 or image.height < 32:
        return None
    return locate(np.asarray(image.convert("RGB")))


def read_photo(image: Image.Image, place: Place | None = None) -> PhotoReading:
    """Find a card in `image` (or take it at `place`) and read its lines, top to bottom.

    Never raises for what the image holds.
    """
    if image.width < 32 or image.height < 32:
        return PhotoReading(False)
    if image.width * image.height > _MAX_PIXELS:
        factor = 6000 / max(image.size)
        image = image.resize((round(image.width * factor), round(image.height * factor)))
        place = place.scaled(factor) if place is not None else None
    rgb = np.asarray(image.convert("RGB"))
    card = straighten(rgb, place) if place is not None else find_card(rgb)
    if card is None:
        return PhotoReading(False)
    mask = ink_mask(card.image)
    numbers = []
    for top, bottom in text_lines(mask):
        reading = _read_line(card.image[top:bottom], mask[top:bottom], card.box)
        if reading is not None:
            numbers.append(reading)
    return PhotoReading(True, tuple(numbers))


def _read_line(grey: np.ndarray, mask: np.ndarray, box: tuple[int, int, int, int]
               ) -> NumberReading | None:
    found = split_glyphs(mask)
    if not found or len(found) > 12:
        return None
    scores, atypical = model().scores(found)
    best = scores[:, :len(DIGITS)].argmax(axis=1)
    script: Script = "arabic_indic" if (best >= 10).sum() * 2 > len(best) else "western"
    columns = slice(10, 20) if script == "arabic_indic" else slice(0, 10)
    within = scores[:, columns]
    picks = within.argmax(axis=1)
    ordered = np.sort(within, axis=1)
    margins = ordered[:, -1] - ordered[:, -2]
    digits = "".join(WESTERN[i] for i in picks)
    raw = "".join((ARABIC_INDIC if script == "arabic_indic" else WESTERN)[i] for i in picks)
    confidence = float(np.clip(margins.min(), 0.0, 1.0)) * 0.5 + 0.45
    if script == "arabic_indic":
        # The zero is a dot, whose shape no font pins down (DejaVu Bold's is a square, a
        # hand's is round): a dot is judged by its geometry, the other digits by their
        # distance from the training glyphs.
        dots = np.array([pick == 0 and _is_dot(g) for g, pick in zip(found, picks,
                                                                       strict=True)])
        atypical = atypical & ~dots
    if atypical.any():
        confidence = min(confidence, _DISAGREE)
    if script == "arabic_indic":
        # The Arabic-Indic zero is a dot, and so is a speck of dirt: a "zero" away from the
        # middle of the line is dropped, and its line is not trusted.
        stray = [i for i, (g, pick) in enumerate(zip(found, picks, strict=True))
                 if pick == 0 and abs(g.middle - 0.5) > 0.22]
        if stray:
            keep = [i for i in range(len(found)) if i not in stray]
            digits = "".join(digits[i] for i in keep)
            raw = "".join(raw[i] for i in keep)
            confidence = min(confidence, _DISAGREE)
    if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS:
        confidence = min(confidence, _IMPLAUSIBLE)
    method = "glyph-svm"
    if script == "western":
        text, sure = tesseract.read_line(grey)
        if text == digits:
            confidence, method = max(confidence, 0.5 + sure / 2), "glyph-svm+tesseract"
        elif text and sure >= 0.85 and len(text) >= len(found):
            # Tesseract segments touching or broken digits better than connected strokes do.
            digits = raw = text
            confidence, method = _DISAGREE, "tesseract"
        else:
            confidence = min(confidence, _DISAGREE)
        if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS:
            confidence = min(confidence, _IMPLAUSIBLE)
    return NumberReading(raw, digits, script, round(confidence, 3), method, "card", box)


def _is_dot(glyph: Glyph) -> bool:
    """A compact, roundish blob much lower than the line: how the Arabic-Indic zero looks."""
    h, w = glyph.image.shape
    return (0.5 <= w / h <= 2.0 and 0.1 <= glyph.height_ratio <= 0.45
            and float(glyph.image.mean()) >= 0.7)


__all__ = ["CLASSES", "GlyphModel", "NumberReading", "PhotoReading", "Place", "install", "look",
           "prepare", "read_photo"]
