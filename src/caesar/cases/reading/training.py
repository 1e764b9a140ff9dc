"""Training the glyph classifier: what it learns from, and how it is fitted and retrained.

Everything it learns from is generated here, the same way from the same seed every time, from
the named lists below and nothing else:

- printed characters in :data:`TRAINING_FONTS` (files of the Debian font packages that
  ``setup.sh`` installs; other installed fonts are left for measuring it);
- handwriting drawn from the stroke models of :mod:`.strokes` in the hands of
  :data:`TRAINING_HANDS` (:data:`HELD_OUT_HANDS` are kept for measuring);
- the real handwritten digits scikit-learn ships (``load_digits``: 1,797 Western digits by
  several dozen writers), the first :data:`SCANNED_FOR_TRAINING` of them only;
- label letters (Latin and Arabic), specks, smudges and card edges as "other";
- digits written between two others by the training hands, cut as reading cuts joined
  writing, and joined pairs of them as "other" (:mod:`.neighbours`).

Each drawing goes through :func:`.augment.degrade` and is cut by the reader's own code. The
base model shipped as package data is made by::

    pip install -e '.[train]'   # PyTorch, for training only
    python -m caesar.cases.reading.training --out src/caesar/cases/reading/digits.npz

(drawing the material takes a few minutes on one core, fitting the network about half an
hour on two; see :mod:`.fitting`), or fine-tuned from a model already fitted with
``--start MODEL`` (fewer passes at a smaller scale). The model shipped now was fitted
(commit d7beb6b) before the digits between neighbours were drawn; a fine-tuning with them
is measured in docs/performance.md. :func:`retrain` adds an archive's confirmed glyphs to
it without PyTorch.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from caesar.cases.reading.augment import cut, degrade
from caesar.cases.reading.card import Glyph
from caesar.cases.reading.fitting import EPOCHS, Fitted, fit
from caesar.cases.reading.glyphs import (
    ARABIC_INDIC,
    CLASSES,
    DIGITS,
    OTHER,
    SEPARATORS,
    WESTERN,
    GlyphModel,
    as_glyph,
    load,
    pictures_and_shapes,
)
from caesar.cases.reading.hands import HANDS, Drawing, Hand, write, write_shape
from caesar.cases.reading.junk import junk
from caesar.cases.reading.neighbours import neighbours
from caesar.cases.reading.printed import draws, installed_fonts, scanned, typeset
from caesar.cases.reading.strokes import LETTER_HANDS
from caesar.errors import CaesarError

TRAINING_FONTS: tuple[str, ...] = (
    # fonts-dejavu-core, fonts-dejavu-extra
    "DejaVuMathTeXGyre.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-BoldOblique.ttf",
    "DejaVuSans-ExtraLight.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans.ttf",
    "DejaVuSansCondensed-Bold.ttf", "DejaVuSansCondensed-BoldOblique.ttf",
    "DejaVuSansCondensed-Oblique.ttf", "DejaVuSansCondensed.ttf", "DejaVuSansMono-Bold.ttf",
    "DejaVuSansMono-BoldOblique.ttf", "DejaVuSansMono-Oblique.ttf", "DejaVuSansMono.ttf",
    "DejaVuSerif-Bold.ttf", "DejaVuSerif-BoldItalic.ttf", "DejaVuSerif-Italic.ttf",
    "DejaVuSerif.ttf", "DejaVuSerifCondensed-Bold.ttf", "DejaVuSerifCondensed-BoldItalic.ttf",
    "DejaVuSerifCondensed-Italic.ttf", "DejaVuSerifCondensed.ttf",
    # fonts-hosny-amiri
    "Amiri-Bold.ttf", "Amiri-BoldSlanted.ttf", "Amiri-Regular.ttf", "Amiri-Slanted.ttf",
    "AmiriQuran.ttf", "AmiriQuranColored.ttf",
    # fonts-kacst (Arabic-Indic digits and Arabic letters only; KacstPen and KacstLetter are
    # the nearest to handwriting that Debian's packages installed here offer)
    "KacstArt.ttf", "KacstBook.ttf", "KacstDecorative.ttf", "KacstDigital.ttf",
    "KacstFarsi.ttf", "KacstLetter.ttf", "KacstNaskh.ttf", "KacstOffice.ttf", "KacstPen.ttf",
    "KacstPoster.ttf", "KacstQurn.ttf", "KacstScreen.ttf", "KacstTitle.ttf",
    "KacstTitleL.ttf", "mry_KacstQurn.ttf",
)
# Never used for training or tuning: the faces of fonts-liberation, fonts-freefont-ttf and
# fonts-sil-scheherazade (setup.sh installs them too), the unseen printed faces the reader is
# measured on (other fonts that happen to be installed are measured as well, apart).
HELD_OUT_FONTS: tuple[str, ...] = (
    "FreeMono.ttf", "FreeMonoBold.ttf", "FreeMonoBoldOblique.ttf", "FreeMonoOblique.ttf",
    "FreeSans.ttf", "FreeSansBold.ttf", "FreeSansBoldOblique.ttf", "FreeSansOblique.ttf",
    "FreeSerif.ttf", "FreeSerifBold.ttf", "FreeSerifBoldItalic.ttf", "FreeSerifItalic.ttf",
    "LiberationMono-Bold.ttf", "LiberationMono-BoldItalic.ttf", "LiberationMono-Italic.ttf",
    "LiberationMono-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-BoldItalic.ttf",
    "LiberationSans-Italic.ttf", "LiberationSans-Regular.ttf", "LiberationSansNarrow-Bold.ttf",
    "LiberationSansNarrow-BoldItalic.ttf", "LiberationSansNarrow-Italic.ttf",
    "LiberationSansNarrow-Regular.ttf", "LiberationSerif-Bold.ttf",
    "LiberationSerif-BoldItalic.ttf", "LiberationSerif-Italic.ttf", "LiberationSerif-Regular.ttf",
    "Scheherazade-Bold.ttf", "Scheherazade-Regular.ttf",
)

TRAINING_HANDS: tuple[str, ...] = ("ballpoint", "felt_tip", "marker", "hurried", "careful")
HELD_OUT_HANDS: tuple[str, ...] = ("backhand", "shaky")
# load_digits keeps each writer's digits together, so a cut, not a random draw, keeps most
# held-out writers unseen.
SCANNED_FOR_TRAINING = 1000

# Letters of labels (No., Nr, Branch; رقم، فرع، ط.ش and other words written on cards)
# without those drawn like digits (O, o, l, I, S, Z, b, g, q, G, U, V, Y and alef, heh, waw,
# lam): only the words around them could tell those from digits.
LATIN_LETTERS = "ABCDEFHKMNPRTWXacdefhkmnprtwx"
ARABIC_WORDS = ("رقم", "فرع", "ط", "ش", "مشفى", "تشرين", "جثة", "شعبة", "عسكري", "فرع")

SEED = 16
REFERENCE_PER_CLASS = 100
OTHER_SHIFTS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)  # tried by `calibrated`
TEMPERATURES = (1.0, 0.9, 0.8, 0.7, 0.65, 0.6, 0.5)  # tried by `calibrated`
ATYPICAL_QUANTILE = 0.99
# Draws per source, at scale 1 (about 30,000 glyphs in all); the shipped model is trained at
# SCALE, which gives the network four times as many writings to learn shapes from.
SCALE = 4.0
PRINTED_DIGIT_DRAWS, PRINTED_MARK_DRAWS = 6, 4  # per font and character
HAND_DIGIT_DRAWS, HAND_MARK_DRAWS, HAND_LETTER_DRAWS = 90, 100, 12  # per hand and character
NEIGHBOUR_DRAWS = 60  # per hand and digit: the digit between two others, cut (.neighbours)
JUNK_DRAWS, SCANNED_DRAWS = 1500, 3  # in all; per scanned digit


class TrainingFontsMissing(CaesarError):
    """The fonts the classifier is trained on are not installed."""


def training_fonts() -> list[Path]:
    """The installed files of :data:`TRAINING_FONTS`; both scripts' digits must be there."""
    found = installed_fonts()
    paths = [found[name] for name in TRAINING_FONTS if name in found]
    for digits in (WESTERN, ARABIC_INDIC):
        if not any(draws(p, digits) for p in paths):
            raise TrainingFontsMissing(
                "no training font draws the digits " + digits,
                hint="install fonts-dejavu-core, fonts-dejavu-extra, fonts-hosny-amiri and "
                     "fonts-kacst (./setup.sh does)")
    return paths


def _height(rng: np.random.Generator) -> int:
    """How tall a line's digits are once a card is read: ~14 to 64 pixels, small ones often."""
    return round(float(np.exp(rng.uniform(np.log(14), np.log(64)))))


def glyphs_of(drawing: Drawing, label: str, rng: np.random.Generator, *,
              spoil: bool = True, pieces: bool = False) -> list[tuple[Glyph, str]]:
    """The labelled glyphs reading cuts from `drawing` (spoilt by a photo first, unless told
    not to). It must come out as one glyph, or it is passed over (reading would not see it
    whole either), unless every piece is what `label` says (`pieces`: a word's letters)."""
    found = cut(degrade(drawing, rng) if spoil else drawing, rng)
    if pieces:
        return [(g, label) for g in found]
    return [(found[0], label)] if len(found) == 1 else []


def printed(paths: Sequence[Path], chars: str, draws_each: int, rng: np.random.Generator, *,
            spoil: bool = True) -> Iterator[tuple[Glyph, str]]:
    """Each character of `chars` typeset `draws_each` times in each font that draws it (a
    character that is not one of :data:`CLASSES` is labelled :data:`OTHER`)."""
    for path in paths:
        digits = WESTERN if draws(path, WESTERN) else ARABIC_INDIC
        for char in chars:
            if not draws(path, char):
                continue
            label = char if char in CLASSES else OTHER
            for _ in range(draws_each):
                yield from glyphs_of(typeset(path, char, digits, _height(rng), rng), label,
                                     rng, spoil=spoil)


def handwritten(hands: Sequence[Hand], chars: str, draws_each: int, rng: np.random.Generator,
                *, spoil: bool = True) -> Iterator[tuple[Glyph, str]]:
    """Each character of `chars` written `draws_each` times in each of `hands`."""
    for hand in hands:
        for char in chars:
            for _ in range(draws_each):
                drawing = write(char, hand, _height(rng), rng)
                label = OTHER if char in LETTER_HANDS else char
                yield from glyphs_of(drawing, label, rng, spoil=spoil)


def scanned_digits(indices: range, draws_each: int, rng: np.random.Generator, *,
                   spoil: bool = True) -> Iterator[tuple[Glyph, str]]:
    """scikit-learn's handwritten digits at `indices`, each drawn `draws_each` times."""
    digits = load_digits()
    for index in indices:
        for _ in range(draws_each):
            drawing = scanned(digits.images[index], _height(rng), rng)
            yield from glyphs_of(drawing, WESTERN[digits.target[index]], rng, spoil=spoil)


def training_set(seed: int = SEED, scale: float = 1.0) -> tuple[list[Glyph], np.ndarray]:
    """The glyphs the classifier learns from and their class indices; `scale` < 1 makes a
    smaller set, for trying things out."""
    rng = np.random.default_rng(seed)
    fonts = training_fonts()

    def n(count: int) -> int:
        return max(1, round(count * scale))

    letters = "".join(LETTER_HANDS)
    hands = [HANDS[name] for name in TRAINING_HANDS]
    sources = [
        printed(fonts, DIGITS, n(PRINTED_DIGIT_DRAWS), rng),
        printed(fonts, SEPARATORS, n(PRINTED_MARK_DRAWS), rng),
        printed(fonts, LATIN_LETTERS, max(1, n(PRINTED_MARK_DRAWS) // 3), rng),
        handwritten(hands, DIGITS, n(HAND_DIGIT_DRAWS), rng),
        handwritten(hands, SEPARATORS, n(HAND_MARK_DRAWS), rng),
        handwritten(hands, letters, n(HAND_LETTER_DRAWS), rng),
        *(neighbours(hands, digits, digits + "/-.،", n(NEIGHBOUR_DRAWS), rng,
                     height=lambda: _height(rng)) for digits in (WESTERN, ARABIC_INDIC)),
        scanned_digits(range(min(SCANNED_FOR_TRAINING, n(SCANNED_FOR_TRAINING))),
                       n(SCANNED_DRAWS), rng),
        _arabic_labels(fonts, rng, n(PRINTED_MARK_DRAWS)),
        _junk(n(JUNK_DRAWS), rng),
    ]
    glyphs: list[Glyph] = []
    labels: list[int] = []
    for source in sources:
        for glyph, label in source:
            glyphs.append(glyph)
            labels.append(CLASSES.index(label))
    return glyphs, np.array(labels)


def _arabic_labels(fonts: Sequence[Path], rng: np.random.Generator,
                   draws_each: int) -> Iterator[tuple[Glyph, str]]:
    for path in fonts:
        digits = WESTERN if draws(path, WESTERN) else ARABIC_INDIC
        for word in ARABIC_WORDS:
            if draws(path, "".join(sorted(set(word)))):
                for _ in range(draws_each):
                    yield from glyphs_of(typeset(path, word, digits, _height(rng), rng), OTHER,
                                         rng, pieces=True)


def _junk(count: int, rng: np.random.Generator) -> Iterator[tuple[Glyph, str]]:
    for _ in range(count):
        hand = HANDS[TRAINING_HANDS[int(rng.integers(len(TRAINING_HANDS)))]]
        shape, pen = junk(rng)
        yield from glyphs_of(write_shape(shape, hand, _height(rng), rng, pen), OTHER, rng)


def train(seed: int = SEED, scale: float = 1.0, *, epochs: int = EPOCHS,
          start: GlyphModel | None = None) -> GlyphModel:
    """The classifier, trained from scratch on :func:`training_set`, or fine-tuned from
    `start` (needs PyTorch: see :mod:`.fitting`). Progress goes to standard output, with the
    accuracy on a validation set drawn afresh from the same training material (another
    seed), never held-out material."""
    glyphs, labels = training_set(seed, scale)
    missing = set(range(len(CLASSES))) - set(labels.tolist())
    if missing:
        raise TrainingFontsMissing(
            "nothing to learn the classes " + "".join(CLASSES[i] for i in sorted(missing))
            + " from", hint="install the fonts setup.sh installs, or train at a larger scale")
    check, check_labels = training_set(seed + 1, scale / 4)
    return fitted_model(glyphs, labels, seed=seed, epochs=epochs,
                        validation=(check, check_labels), start=start)


def fitted_model(glyphs: Sequence[Glyph], labels: np.ndarray, *, seed: int = SEED,
                 epochs: int = EPOCHS,
                 validation: tuple[Sequence[Glyph], np.ndarray] | None = None,
                 start: GlyphModel | None = None) -> GlyphModel:
    """The network fitted to labelled `glyphs` (see :func:`.fitting.fit`), or fine-tuned from
    `start`'s, as a model."""
    pictures, shapes = pictures_and_shapes(glyphs)
    if start is None:
        mean = shapes.mean(axis=0).astype(np.float32)
        spread = np.where(shapes.std(axis=0) > 0, shapes.std(axis=0), 1.0).astype(np.float32)
    else:  # the head was fitted to shapes standardised so
        mean, spread = start.mean, start.scale
    checked = None
    if validation is not None:
        check_pictures, check_shapes = pictures_and_shapes(validation[0])
        checked = (check_pictures, (check_shapes - mean) / spread, validation[1])
    net = fit(pictures, (shapes - mean) / spread, labels, _balanced(labels), len(CLASSES),
              seed=seed, epochs=epochs, validation=checked,
              initial=None if start is None else Fitted(start.kernels, start.kernel_biases,
                                                      start.weights, start.biases))
    rng = np.random.default_rng(seed)
    keep = np.concatenate([rng.permutation(np.flatnonzero(labels == k))[:REFERENCE_PER_CLASS]
                           for k in range(len(CLASSES))])
    draft = GlyphModel(net.kernels, net.kernel_biases, mean, spread, net.weights, net.biases,
                       pictures[keep], shapes[keep], labels[keep], np.inf)
    if validation is not None:
        draft = calibrated(draft, *validation)
    return _with_threshold(draft)


def calibrated(draft: GlyphModel, glyphs: Sequence[Glyph], labels: np.ndarray) -> GlyphModel:
    """`draft` with the bias of :data:`OTHER` raised by the step of :data:`OTHER_SHIFTS`
    that reads the most of `glyphs` (validation material, never held-out) right, then its
    decision values sharpened by the temperature of :data:`TEMPERATURES` that fits them.

    The fitted network calls too many letters and marks digits (12% of them in validation,
    against 2% of digits lost the other way): every batch spoils digits into shapes that
    letters have. A letter read as a digit puts a wrong digit into a number, so the prior
    of "other" is corrected once, after fitting, where it is measured."""
    scores, _ = draft.scores(glyphs)
    other = CLASSES.index(OTHER)
    shifted = [scores + np.where(np.arange(len(CLASSES)) == other, shift, 0.0)
               for shift in OTHER_SHIFTS]
    right = [float((s.argmax(axis=1) == labels).mean()) for s in shifted]
    best = OTHER_SHIFTS[int(np.argmax(right))]
    print(f"bias of 'other' raised by {best} (validation {max(right):.1%}, "
          f"{right[0]:.1%} before)", flush=True)
    shift = np.float32(best) * (np.arange(len(CLASSES)) == other).astype(np.float32)
    # Then its temperature: fitted on spoilt glyphs with smoothed labels, the network is
    # less sure than it is right on validation material, and readers downstream take a
    # glyph's probability at its word (0.8 sends a number to a person). The temperature
    # whose probabilities fit the validation glyphs best (least log-loss) is kept.
    logits = draft.hidden(draft.features(*pictures_and_shapes(glyphs))) @ draft.weights[-1]
    logits = logits + draft.biases[-1] + shift

    def log_loss(temperature: float) -> float:
        z = logits / temperature
        z = z - z.max(axis=1, keepdims=True)
        return float(-(z[np.arange(len(labels)), labels]
                       - np.log(np.exp(z).sum(axis=1))).mean())

    temperature = min(TEMPERATURES, key=log_loss)
    print(f"temperature {temperature} (log-loss {log_loss(temperature):.3f}, "
          f"{log_loss(1.0):.3f} at 1)", flush=True)
    weights = (*draft.weights[:-1], draft.weights[-1] / np.float32(temperature))
    biases = (*draft.biases[:-1], (draft.biases[-1] + shift) / np.float32(temperature))
    return replace(draft, weights=weights, biases=biases)


def _balanced(labels: np.ndarray) -> np.ndarray:
    """Sample weights that give each class the same total weight (:data:`OTHER`, the most
    varied, twice as much), whatever the number of glyphs drawn for it."""
    counts = np.bincount(labels, minlength=len(CLASSES)).astype(float)
    share = np.where(np.arange(len(CLASSES)) == CLASSES.index(OTHER), 2.0, 1.0)
    weights = (share / np.maximum(counts, 1))[labels]
    balanced: np.ndarray = weights * len(labels) / weights.sum()
    return balanced


def _with_threshold(draft: GlyphModel) -> GlyphModel:
    """`draft` with its atypical threshold measured on its reference glyphs: the distance
    from a reference glyph to its nearest other that nearly all stay within."""
    hidden = draft.hidden(draft.reference_features)
    squared = ((hidden ** 2).sum(axis=1)[:, None] - 2 * hidden @ hidden.T
               + (hidden ** 2).sum(axis=1)[None, :])
    np.fill_diagonal(squared, np.inf)  # a glyph's nearest other glyph, not itself
    nearest = np.sqrt(np.maximum(squared.min(axis=1), 0.0))
    return replace(draft, typical_distance=float(np.quantile(nearest, ATYPICAL_QUANTILE)))


def retrain(base: GlyphModel, examples: Sequence[tuple[Glyph | np.ndarray, str]], *,
            epochs: int = 12, seed: int = SEED) -> GlyphModel:
    """`base` fine-tuned on an archive's confirmed glyphs (each a glyph, or a bare ink mask
    taken by :func:`.glyphs.as_glyph`, and the character it is: a digit of either script, a
    separator or :data:`OTHER`).

    The convolutional layers stay as trained (refitting them needs PyTorch, which reading
    never does); the head is fitted again with scikit-learn, starting from the base's, on the
    confirmed glyphs weighted up against the base model's reference glyphs, which are trained
    on again beside them so that the rest is not forgotten. The confirmed glyphs join the
    reference glyphs, so that the archive's own hands are no longer atypical. A few seconds.
    """
    unknown = sorted({label for _, label in examples if label not in CLASSES or len(label) != 1})
    if unknown:
        raise CaesarError(f"cannot train the reader on {unknown!r}: not a class it reads",
                          hint="label each glyph with one digit (either script), one of "
                               f"{SEPARATORS!r}, or {OTHER!r} for anything else")
    if not examples:
        return base
    found = [g if isinstance(g, Glyph) else as_glyph(g) for g, _ in examples]
    pictures, shapes = pictures_and_shapes(found)
    new_classes = np.array([CLASSES.index(label) for _, label in examples])
    matrix = np.vstack([base.reference_features, base.features(pictures, shapes)])
    classes = np.concatenate([base.reference_classes, new_classes])
    # The archive's glyphs weigh about a third of the base's, however few they are.
    count = len(base.reference_classes)
    weight = float(np.clip(count / (2 * len(found)), 1.0, 30.0))
    weights = np.concatenate([np.ones(count), np.full(len(found), weight)])
    net = MLPClassifier(hidden_layer_sizes=tuple(w.shape[1] for w in base.weights[:-1]),
                        alpha=1e-4, batch_size=128, learning_rate_init=3e-4,
                        random_state=seed)
    # partial_fit builds the network; the base's weights then replace its random start.
    # (A whole batch, so that scikit-learn does not warn of a batch larger than the data.)
    start = net.batch_size
    net.partial_fit(matrix[:start], classes[:start], classes=np.arange(len(CLASSES)))
    for mine, theirs in zip(net.coefs_ + net.intercepts_, base.weights + base.biases,
                            strict=True):
        mine[...] = theirs
    # One BLAS thread: matrices this small gain nothing from more, and on a busy machine
    # (a server also reading photos) threads that wait for cores made it 7x slower, measured.
    with threadpool_limits(1):
        for _ in range(epochs):
            net.partial_fit(matrix, classes, sample_weight=weights)
    return _with_threshold(replace(
        base, weights=tuple(np.asarray(w, np.float32) for w in net.coefs_),
        biases=tuple(np.asarray(b, np.float32) for b in net.intercepts_),
        reference_pictures=np.concatenate([base.reference_pictures, pictures]),
        reference_shapes=np.concatenate([base.reference_shapes, shapes]),
        reference_classes=classes))


def main(argv: Sequence[str] | None = None) -> None:
    """Train the base classifier and write it where the reader loads it from."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the .npz file to write")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--scale", type=float, default=SCALE,
                        help="size of the training set against the base draws below "
                             "(smaller for trying things out)")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--start", type=Path,
                        help="a model to fine-tune (its network, at a third of the learning "
                             "rate) instead of training from scratch")
    args = parser.parse_args(argv)
    trained = train(args.seed, args.scale, epochs=args.epochs,
                    start=load(args.start) if args.start else None)
    args.out.write_bytes(trained.to_bytes())
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes, "
          f"{len(trained.reference_classes):,} reference glyphs)")


if __name__ == "__main__":
    main()
