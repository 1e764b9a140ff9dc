"""The glyph classifier: what one glyph cut from a line is, a digit of either script, a
separator between numbers, or something else.

Tesseract reads Western digits well and Arabic-Indic digits not at all (0 of 21 lines with
Debian's `ara` and `fas` data, measured here), and no package ships handwritten Arabic-Indic
digits. So each glyph is classified by a small convolutional network: three layers of 3x3
filters over a 32-pixel picture of the glyph, then two dense layers that also take where the
glyph sits in its line and its proportions. It is trained by :mod:`.training` on printed
digits, stroke-drawn handwriting in both scripts and the real handwritten digits scikit-learn
ships. The trained network is package data (``digits.npz``): plain arrays, loaded with
``allow_pickle=False`` and run by NumPy (:mod:`.network`), so loading it runs no code and
takes milliseconds; an archive's own retrained reader is stored the same way
(:meth:`GlyphModel.to_bytes`).

The classes (:data:`CLASSES`) are the twenty digits first (Western, then Arabic-Indic), then the
separators a line of numbers is split at (:data:`SEPARATORS`), then :data:`OTHER`: letters of
labels, specks, smudges, bits of a card's edge. Where a glyph sits in its line is a feature:
the Arabic-Indic zero is a dot in the middle of the line, a full stop a dot on the baseline.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from caesar.cases.reading.card import Glyph
from caesar.cases.reading.network import BOX, SIDE, trunk, trunk_fits, trunk_width
from caesar.errors import CaesarError

WESTERN = "0123456789"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
DIGITS = WESTERN + ARABIC_INDIC
SLASH, DASH, FULL_STOP, COMMA, ARABIC_COMMA, COLON = "/", "-", ".", ",", "،", ":"
SEPARATORS = SLASH + DASH + FULL_STOP + COMMA + ARABIC_COMMA + COLON
OTHER = "\N{REPLACEMENT CHARACTER}"  # not a digit nor a separator: a letter, a speck, an edge
CLASSES = DIGITS + SEPARATORS + OTHER

FORMAT = "caesar-glyph-classifier"
VERSION = 2  # 1 was a perceptron over HOG features
SHIPPED = "digits.npz"  # the base model, package data beside this module

SHAPE = 5  # shape and place features beside the picture (see :func:`shape_of`)


Kind = Literal["digit", "separator", "other"]
Script = Literal["western", "arabic_indic"]


@dataclass(frozen=True)
class GlyphClass:
    """What the classifier makes of one glyph."""

    char: str  # one of CLASSES: a digit of either script, a separator, or OTHER
    kind: Kind
    value: int | None  # a digit's value (0-9), whichever script; None for anything else
    script: Script | None  # a digit's script; None for separators and OTHER
    confidence: float  # the network's probability of `char`, 0 to 1
    atypical: bool  # unlike anything trained on: a person should look, whatever `confidence`


def as_glyph(mask: np.ndarray) -> Glyph:
    """A bare ink mask (nonzero is ink, any size) as a glyph filling its line's height.

    Where a glyph sits in its line is part of what it is (a dot in the middle is the
    Arabic-Indic zero, on the baseline a full stop), so a reader that has the line should use
    :func:`caesar.cases.reading.card.split_glyphs` on it instead."""
    if mask.ndim != 2 or not mask.any():
        raise CaesarError(f"a glyph crop must be a 2-D mask with some ink; got shape "
                          f"{mask.shape} with {int(np.count_nonzero(mask))} inked pixels",
                          hint="pass the glyph's binary ink mask (nonzero where ink is)")
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    inked = (mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1] != 0).astype(np.uint8)
    return Glyph(inked, 0, 1.0, 0.5)


class GlyphModelError(CaesarError):
    """A stored glyph classifier that cannot be used: damaged, foreign or of another version."""


def picture_of(glyph: Glyph) -> np.ndarray:
    """The glyph as the network sees it: its ink scaled, proportions kept, into a
    :data:`~.network.BOX`-pixel square in the middle of a :data:`~.network.SIDE`-pixel one
    (uint8, ink 255), so that the filters see its outline whole."""
    image = glyph.image.astype(np.uint8) * 255
    h, w = image.shape
    factor = BOX / max(h, w)
    nh, nw = max(1, round(h * factor)), max(1, round(w * factor))
    small = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_AREA)
    out = np.zeros((SIDE, SIDE), np.uint8)
    top, left = (SIDE - nh) // 2, (SIDE - nw) // 2
    out[top:top + nh, left:left + nw] = small
    return out


def shape_of(glyph: Glyph) -> np.ndarray:
    """What the picture loses: the glyph's proportions and its place in the line."""
    h, w = glyph.image.shape
    return np.array([np.log(w / h), glyph.height_ratio, glyph.middle, float(glyph.image.mean()),
                     w / h * glyph.height_ratio],  # the last: width against the line's height
                    np.float32)


def pictures_and_shapes(glyphs: Sequence[Glyph]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`picture_of` and :func:`shape_of` of each glyph, stacked."""
    if not glyphs:
        return np.zeros((0, SIDE, SIDE), np.uint8), np.zeros((0, SHAPE), np.float32)
    return (np.stack([picture_of(g) for g in glyphs]),
            np.stack([shape_of(g) for g in glyphs]))


@dataclass(frozen=True, eq=False)
class GlyphModel:
    """A trained classifier as plain arrays: convolutional layers (the *trunk*, fixed once
    trained) and a multilayer perceptron with ReLU layers (the *head*) over what the trunk
    makes of a glyph's picture and its standardised shape features.

    Beside the classes it knows how far a glyph is from what it was trained on: a network
    names a class confidently even for a shape unlike anything it saw, so a glyph whose
    nearest reference glyph (in the head's last hidden layer) is farther than nearly all
    reference glyphs are from theirs is *atypical*, and its line goes to a person. The
    reference glyphs (a sample of the training set, as pictures and shapes, with their
    classes) also let :func:`caesar.cases.reading.training.retrain` fine-tune the head
    without forgetting.
    """

    kernels: tuple[np.ndarray, ...]  # one (9 x channels in, channels out) matrix per layer
    kernel_biases: tuple[np.ndarray, ...]
    mean: np.ndarray  # standardisation of the shape features
    scale: np.ndarray
    weights: tuple[np.ndarray, ...]  # the head: one matrix per layer, input to output
    biases: tuple[np.ndarray, ...]
    reference_pictures: np.ndarray  # (count, SIDE, SIDE) uint8
    reference_shapes: np.ndarray  # (count, SHAPE), raw
    reference_classes: np.ndarray  # their class indices into CLASSES
    typical_distance: float  # the atypical threshold, in the head's last hidden layer

    def scores(self, found: Sequence[Glyph]) -> tuple[np.ndarray, np.ndarray]:
        """Decision values, one row per glyph and one column per class of :data:`CLASSES`
        (log-probabilities: the larger the likelier), and whether each glyph is atypical."""
        if not found:
            return np.zeros((0, len(CLASSES))), np.zeros(0, dtype=bool)
        return self.scores_of(self.features(*pictures_and_shapes(found)))

    def classify(self, found: Sequence[Glyph | np.ndarray]) -> list[GlyphClass]:
        """The likeliest class of each glyph (a bare mask is taken by :func:`as_glyph`), all
        classes open; a reader that knows a line's script compares :meth:`scores` columns
        of that script's digits instead."""
        glyphs = [g if isinstance(g, Glyph) else as_glyph(g) for g in found]
        scores, atypical = self.scores(glyphs)
        out = []
        for row, odd in zip(scores, atypical, strict=True):
            best = int(row.argmax())
            char = CLASSES[best]
            digit = best < len(DIGITS)
            kind: Kind = "digit" if digit else "separator" if char in SEPARATORS else "other"
            script: Script | None = None if not digit else (
                "western" if best < len(WESTERN) else "arabic_indic")
            out.append(GlyphClass(char, kind, best % 10 if digit else None, script,
                                  float(np.exp(row[best])), bool(odd)))
        return out

    def features(self, pictures: np.ndarray, shapes: np.ndarray) -> np.ndarray:
        """What the head takes: the trunk's output for each picture, and its standardised
        shape features, one row per glyph."""
        standardised = (shapes - self.mean) / self.scale
        return np.hstack([trunk(pictures, self.kernels, self.kernel_biases),
                          standardised]).astype(np.float32)

    def scores_of(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`scores` for rows of :meth:`features`."""
        hidden = self.hidden(features)
        logits = hidden @ self.weights[-1] + self.biases[-1]
        top = logits.max(axis=1, keepdims=True)
        log_prob = logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
        return log_prob.astype(np.float64), self._nearest(hidden) > self.typical_distance

    def hidden(self, features: np.ndarray) -> np.ndarray:
        """The head's last hidden layer's activations."""
        out = features
        for weight, bias in zip(self.weights[:-1], self.biases[:-1], strict=True):
            out = np.maximum(out @ weight + bias, 0.0)
        return out

    @cached_property
    def reference_features(self) -> np.ndarray:
        """:meth:`features` of the reference glyphs (computed once, when first needed)."""
        return self.features(self.reference_pictures, self.reference_shapes)

    @cached_property
    def _reference_hidden(self) -> np.ndarray:
        return self.hidden(self.reference_features)

    def _nearest(self, hidden: np.ndarray) -> np.ndarray:
        """Distance from each row to its nearest reference glyph."""
        return nearest_distances(hidden, self._reference_hidden)

    def to_bytes(self) -> bytes:
        """The model as a compressed NumPy archive of plain arrays (no pickled objects)."""
        arrays: dict[str, np.ndarray] = {
            "format": np.array(FORMAT), "version": np.array(VERSION),
            "classes": np.array(CLASSES), "mean": self.mean, "scale": self.scale,
            "reference_pictures": self.reference_pictures.astype(np.uint8),
            "reference_shapes": self.reference_shapes.astype(np.float32),
            "reference_classes": self.reference_classes.astype(np.int16),
            "typical_distance": np.array(self.typical_distance),
        }
        for i, (kernel, bias) in enumerate(zip(self.kernels, self.kernel_biases, strict=True)):
            arrays[f"kernel{i}"], arrays[f"kernel_bias{i}"] = kernel, bias
        for i, (weight, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            arrays[f"weight{i}"], arrays[f"bias{i}"] = weight, bias
        out = io.BytesIO()
        np.savez_compressed(out, **arrays)  # type: ignore[arg-type]
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> GlyphModel:
        """A model written by :meth:`to_bytes`; :class:`GlyphModelError` for anything else."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as stored:
                arrays = {name: stored[name] for name in stored.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise _unusable(f"it is not a stored classifier ({error})") from error
        if str(arrays.get("format", "")) != FORMAT:
            raise _unusable("it is not a glyph classifier")
        if int(arrays.get("version", -1)) != VERSION:
            raise _unusable(f"it is of format version {arrays.get('version')}, "
                            f"this reader uses {VERSION}")
        if str(arrays.get("classes", "")) != CLASSES:
            raise _unusable("it was trained for other classes than this reader's")
        convs = sum(1 for name in arrays if name.startswith("kernel_bias"))
        layers = sum(1 for name in arrays if name.startswith("weight"))
        try:
            model = cls(tuple(arrays[f"kernel{i}"] for i in range(convs)),
                        tuple(arrays[f"kernel_bias{i}"] for i in range(convs)),
                        arrays["mean"], arrays["scale"],
                        tuple(arrays[f"weight{i}"] for i in range(layers)),
                        tuple(arrays[f"bias{i}"] for i in range(layers)),
                        arrays["reference_pictures"],
                        arrays["reference_shapes"].astype(np.float32),
                        arrays["reference_classes"].astype(np.int64),
                        float(arrays["typical_distance"]))
        except KeyError as error:
            raise _unusable(f"the array {error} is missing") from error
        model._check()
        return model

    def _check(self) -> None:
        """Refuse arrays that do not make this network (a damaged or altered file)."""
        arrays = (self.mean, self.scale, self.reference_shapes, *self.kernels,
                  *self.kernel_biases, *self.weights, *self.biases)
        count = len(self.reference_classes)
        fits = (len(self.weights) == len(self.biases) > 0
                and all(b.ndim == 1 for b in (*self.biases, *self.kernel_biases))
                and self.mean.shape == self.scale.shape == (SHAPE,)
                and self.reference_pictures.shape == (count, SIDE, SIDE)
                and self.reference_pictures.dtype == np.uint8
                and self.reference_shapes.shape == (count, SHAPE)
                and trunk_fits(self.kernels, self.kernel_biases))
        if fits:
            widths = [trunk_width(self.kernels) + SHAPE, *(len(b) for b in self.biases)]
            fits = (widths[-1] == len(CLASSES)
                    and all(w.shape == (a, b) for w, a, b in zip(self.weights, widths,
                                                                  widths[1:], strict=False))
                    and bool((self.scale > 0).all())
                    and bool(np.isin(self.reference_classes, range(len(CLASSES))).all()))
        if not fits or not all(np.isfinite(a).all() for a in arrays):
            raise _unusable("its arrays do not fit together (damaged)")


def nearest_distances(rows: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Distance from each row to its nearest row of `reference`."""
    # |a-b|² = |a|² - 2a·b + |b|²: one matrix product instead of a loop over pairs.
    squared = ((rows ** 2).sum(axis=1)[:, None] - 2 * rows @ reference.T
               + (reference ** 2).sum(axis=1)[None, :])
    distance: np.ndarray = np.sqrt(np.maximum(squared.min(axis=1), 0.0))
    return distance


def _unusable(why: str) -> GlyphModelError:
    return GlyphModelError(f"the stored glyph classifier cannot be used: {why}",
                           hint="retrain the archive's reader with `caesar cases retrain`, or "
                                "reinstall Caesar Archive if the shipped model is damaged")


def load(path: Path) -> GlyphModel:
    """A classifier stored in a file by :meth:`GlyphModel.to_bytes`."""
    return GlyphModel.from_bytes(path.read_bytes())


def shipped() -> GlyphModel:
    """The base classifier shipped with Caesar Archive (see :mod:`.training`)."""
    return GlyphModel.from_bytes(
        resources.files("caesar.cases.reading").joinpath(SHIPPED).read_bytes())


_installed: GlyphModel | None = None


def model() -> GlyphModel:
    """The classifier this process reads with: the one installed, else the shipped one."""
    global _installed
    if _installed is None:
        _installed = shipped()
    return _installed


def install(trained: GlyphModel) -> None:
    """Read with `trained` from now on (a worker process gets its parent's, which may be an
    archive's retrained reader)."""
    global _installed
    _installed = trained
