"""A digit classifier for both scripts, trained on digits rendered from the installed fonts.

Tesseract reads Western digits well and Arabic-Indic digits not at all (0 of 21 lines with
Debian's `ara` and `fas` data, measured here), and no package ships training data for
handwritten Arabic-Indic digits. So each glyph is also classified by a support-vector machine
over HOG features (scikit-learn, OpenCV), trained in a few seconds on the ten Western and ten
Arabic-Indic digits drawn in every installed font that has them, tilted and blurred as cards
are. It is trained once per process and never written to disk (a model file is code to load).

Trained on printed faces, it reads typeset and neat digits; real handwriting will often fall
below the review threshold and go to people, which is what it is for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from caesar.cases.reading.card import Glyph, ink_mask, split_glyphs

WESTERN = "0123456789"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
CLASSES = WESTERN + ARABIC_INDIC
FONT_ROOTS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
_SIDE = 24
_HOG = cv2.HOGDescriptor((_SIDE, _SIDE), (12, 12), (6, 6), (6, 6), 9)


def features(glyph: Glyph) -> np.ndarray:
    """HOG of the glyph scaled into a square (aspect kept), plus its shape ratios."""
    image = glyph.image.astype(np.uint8) * 255
    h, w = image.shape
    side = max(h, w)
    square = np.zeros((side, side), np.uint8)
    square[(side - h) // 2:(side - h) // 2 + h, (side - w) // 2:(side - w) // 2 + w] = image
    small = cv2.resize(square, (_SIDE, _SIDE), interpolation=cv2.INTER_AREA)
    hog = np.asarray(_HOG.compute(small)).ravel()
    return np.concatenate([hog, [w / h, glyph.height_ratio, float(glyph.image.mean())]])


def digit_fonts(roots: tuple[Path, ...] = FONT_ROOTS) -> dict[str, list[Path]]:
    """Installed font files that draw all ten digits of each script, by script."""
    found: dict[str, list[Path]] = {"western": [], "arabic_indic": []}
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.[ot]tf")):
            for script, digits in (("western", WESTERN), ("arabic_indic", ARABIC_INDIC)):
                if _draws(path, digits):
                    found[script].append(path)
    return found


def _draws(path: Path, digits: str) -> bool:
    # A missing glyph is drawn as the font's .notdef box: ten distinct shapes, none of them
    # that box, means the font really has the digits.
    try:
        font = ImageFont.truetype(str(path), 24, layout_engine=ImageFont.Layout.BASIC)
    except OSError:
        return False
    shapes = [bytes(font.getmask(d)) for d in digits]
    return all(shapes) and len(set(shapes)) == 10 and bytes(font.getmask("\ue000")) not in shapes


@dataclass(frozen=True)
class GlyphModel:
    """A trained classifier: twenty classes, Western digits then Arabic-Indic ones.

    Beside the classes it knows how far a glyph is from everything it was trained on: an SVM
    names a class confidently even for a shape unlike any digit (a digit with a speck of dirt
    on it), so a glyph farther from its nearest training example than nearly all training
    examples are from theirs is *atypical*, and its line goes to a person.
    """

    scaler: StandardScaler
    svm: SVC
    neighbours: NearestNeighbors
    typical_distance: float

    def scores(self, found: list[Glyph]) -> tuple[np.ndarray, np.ndarray]:
        """Decision values (one row per glyph, one column per class of :data:`CLASSES`) and
        whether each glyph is atypical."""
        if not found:
            return np.zeros((0, len(CLASSES))), np.zeros(0, dtype=bool)
        matrix = self.scaler.transform(np.stack([features(g) for g in found]))
        distances, _ = self.neighbours.kneighbors(matrix, n_neighbors=1)
        return (np.asarray(self.svm.decision_function(matrix)),
                distances[:, 0] > self.typical_distance)


_trained: GlyphModel | None = None


def model() -> GlyphModel:
    """The classifier: trained on first use in this process (a few seconds), or installed."""
    global _trained
    if _trained is None:
        _trained = train()
    return _trained


def install(trained: GlyphModel) -> None:
    """Use a classifier trained elsewhere (a worker process gets its parent's)."""
    global _trained
    _trained = trained


def train() -> GlyphModel:
    """Train the classifier on every installed font that draws the digits."""
    fonts = digit_fonts()
    samples: list[np.ndarray] = []
    labels: list[int] = []
    rng = np.random.default_rng(0)  # same training set, same model, every time
    for script, digits in (("western", WESTERN), ("arabic_indic", ARABIC_INDIC)):
        for path in fonts[script]:
            reference = _reference_height(path, digits)
            for index, digit in enumerate(digits):
                for size in (22, 40):
                    for turn in (-4.0, 0.0, 4.0):
                        blur = float(rng.uniform(0.0, 1.4))
                        glyph = _rendered(path, digit, size, turn, blur, reference)
                        if glyph is not None:
                            samples.append(features(glyph))
                            labels.append(CLASSES.index(digit) if script == "western"
                                          else 10 + index)
    if len(set(labels)) < len(CLASSES):
        raise RuntimeError("the digit classifier needs fonts with Western and Arabic-Indic "
                           "digits: install fonts-dejavu-core and fonts-hosny-amiri")
    scaler = StandardScaler().fit(np.stack(samples))
    matrix = scaler.transform(np.stack(samples))
    svm = SVC(C=10.0, gamma="scale", decision_function_shape="ovr")
    svm.fit(matrix, np.array(labels))
    neighbours = NearestNeighbors().fit(matrix)
    probe = matrix[rng.choice(len(matrix), size=min(1000, len(matrix)), replace=False)]
    distances, _ = neighbours.kneighbors(probe, n_neighbors=2)  # the first is itself
    return GlyphModel(scaler, svm, neighbours, float(np.quantile(distances[:, 1], 0.99)))


def _reference_height(path: Path, digits: str) -> float:
    """Ink height of the font's digits per point of size (the line height glyphs sit in)."""
    font = ImageFont.truetype(str(path), 100, layout_engine=ImageFont.Layout.BASIC)
    _, top, _, bottom = font.getbbox(digits)
    return max(1, bottom - top) / 100


def _rendered(path: Path, digit: str, ink_height: int, turn: float, blur: float,
              reference: float) -> Glyph | None:
    """One digit drawn as a card would carry it, cut out the way reading cuts glyphs."""
    font = ImageFont.truetype(str(path), max(6, round(ink_height / reference)),
                              layout_engine=ImageFont.Layout.BASIC)
    canvas = Image.new("L", (ink_height * 3, ink_height * 3), 235)
    ImageDraw.Draw(canvas).text((ink_height * 1.5, ink_height * 1.5), digit, font=font,
                                fill=30, anchor="mm")
    canvas = canvas.rotate(turn, resample=Image.Resampling.BILINEAR, fillcolor=235)
    if blur > 0.1:
        canvas = canvas.filter(ImageFilter.GaussianBlur(blur))
    mask = ink_mask(np.asarray(canvas))
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    # The line a glyph sits in is as tall as the font's digits, whatever this digit's height.
    line_height = max(rows[-1] - rows[0] + 1, round(ink_height * 1.0))
    centre = (rows[0] + rows[-1]) // 2
    top = max(0, centre - line_height // 2)
    found = split_glyphs(mask[top:top + line_height])
    if len(found) != 1:
        return None
    return found[0]
