"""The glyph classifier, glyph by glyph: held-out material first, then training-like material.

    .venv/bin/python bench/glyphs.py [--draws 8] [--model PATH]

Held out (never trained or tuned on):
  scanned     scikit-learn's load_digits beyond the first SCANNED_FOR_TRAINING (other writers),
              as they are and through the photo spoiling of training
  fonts       HELD_OUT_FONTS (faces setup.sh installs), then every other installed font that
              draws a script's digits and is not in TRAINING_FONTS (listed): digits,
              separators and Latin label letters
  hands       the HELD_OUT_HANDS stroke styles
Training-like: the same kinds of material from TRAINING_FONTS, TRAINING_HANDS and the scanned
digits trained on, drawn afresh (another seed).

For digits, "right" is the digit read among its own script's digits, the separators and
"other" (a line's script is known from its other glyphs); "lost" is a digit read as a
non-digit. For separators and other marks, "right" is the class itself (all classes open) and
"as digit" is a mark read as a digit of either script. "atypical" glyphs go to a person.
Speed: glyphs/s of GlyphModel.scores (features, network, atypical check) on one core.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as a reading worker has

import argparse  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Iterable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

from caesar.cases.reading.card import Glyph  # noqa: E402
from caesar.cases.reading.glyphs import (  # noqa: E402
    ARABIC_INDIC,
    CLASSES,
    DIGITS,
    OTHER,
    SEPARATORS,
    WESTERN,
    GlyphModel,
    load,
    shipped,
)
from caesar.cases.reading.hands import HANDS, Hand  # noqa: E402
from caesar.cases.reading.printed import digit_fonts, draws  # noqa: E402
from caesar.cases.reading.strokes import LETTER_HANDS  # noqa: E402
from caesar.cases.reading.training import (  # noqa: E402
    HELD_OUT_FONTS,
    HELD_OUT_HANDS,
    LATIN_LETTERS,
    SCANNED_FOR_TRAINING,
    TRAINING_FONTS,
    TRAINING_HANDS,
    handwritten,
    printed,
    scanned_digits,
    training_fonts,
)

Sample = tuple[Glyph, str]
SEED = 2027  # not the training seed: fresh draws even of training-like material


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=8,
                        help="draws per font or hand and character")
    parser.add_argument("--model", type=Path, help="a .npz model (default: the shipped one)")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    model = load(args.model) if args.model else shipped()
    rng = np.random.default_rng(SEED)
    unseen = sorted({p for paths in digit_fonts().values() for p in paths
                     if p.name not in TRAINING_FONTS})
    ours = [p for p in unseen if p.name in HELD_OUT_FONTS]
    others = [p for p in unseen if p.name not in HELD_OUT_FONTS]
    for title, paths in (("unseen fonts that setup.sh installs", ours),
                         ("other fonts installed here", others)):
        print(f"{title} ({len(paths)}): {', '.join(p.name for p in paths)}")
    trained = training_fonts()
    scanned_total = len(load_digits().target)
    held_out = [
        (f"scanned {SCANNED_FOR_TRAINING}-{scanned_total - 1}, as they are",
         list(scanned_digits(range(SCANNED_FOR_TRAINING, scanned_total), 1, rng,
                             spoil=False))),
        ("scanned, photo-spoilt", list(scanned_digits(range(SCANNED_FOR_TRAINING,
                                                            scanned_total), 1, rng))),
        ("unseen setup.sh fonts", _material(ours, (), args.draws, rng)),
        ("other installed fonts", _material(others, (), max(1, args.draws // 4), rng)),
        *[(f"hand '{hand}'", _material((), (HANDS[hand],), args.draws, rng))
          for hand in HELD_OUT_HANDS],
    ]
    seen = [
        (f"scanned 0-{SCANNED_FOR_TRAINING - 1} (trained on)",
         list(scanned_digits(range(SCANNED_FOR_TRAINING), 1, rng))),
        ("training fonts", _material(trained, (), max(1, args.draws // 2), rng)),
        ("training hands", _material((), [HANDS[h] for h in TRAINING_HANDS],
                                     max(1, args.draws // 2), rng)),
    ]
    print(f"\n{'':34}{'glyphs':>7}{'right':>8}{'lost':>7}{'as digit':>10}{'atypical':>10}")
    for title, sets in (("HELD OUT", held_out), ("TRAINING-LIKE", seen)):
        print(title)
        for name, samples in sets:
            _report(model, name, samples)
    _confusions(model, [s for _, samples in held_out for s in samples])
    _speed(model, [g for _, samples in held_out for g, _ in samples])


def _material(fonts: Iterable[Path], hands: Sequence[Hand], count: int,
              rng: np.random.Generator) -> list[Sample]:
    """Digits of both scripts, separators and label letters, in these fonts or hands."""
    fonts = list(fonts)
    out: list[Sample] = []
    out += printed(fonts, DIGITS + SEPARATORS, count, rng)
    out += printed(fonts, LATIN_LETTERS, max(1, count // 4), rng)
    out += handwritten(hands, DIGITS + SEPARATORS, count * 3, rng)
    out += handwritten(hands, "".join(LETTER_HANDS), count, rng)
    return out


def _predict(model: GlyphModel, samples: list[Sample]) -> tuple[np.ndarray, np.ndarray,
                                                                  np.ndarray]:
    scores, atypical = model.scores([g for g, _ in samples])
    labels = np.array([CLASSES.index(label) for _, label in samples])
    return scores, atypical, labels


def _report(model: GlyphModel, name: str, samples: list[Sample]) -> None:
    if not samples:
        print(f"  {name:32}{'(none)':>7}")
        return
    scores, atypical, labels = _predict(model, samples)
    anything = scores.argmax(axis=1)
    for part, members in (("western", WESTERN), ("arabic-indic", ARABIC_INDIC),
                          ("separators", SEPARATORS), ("other", OTHER)):
        rows = np.array([CLASSES[k] in members for k in labels])
        if not rows.any():
            continue
        if part in ("western", "arabic-indic"):
            allowed = np.array([c in members or c not in DIGITS for c in CLASSES])
            picks = np.where(allowed, scores[rows], -np.inf).argmax(axis=1)
            right = picks == labels[rows]
            lost = np.array([CLASSES[k] not in DIGITS for k in anything[rows]])
            figures = f"{right.mean():8.1%}{lost.mean():7.1%}{'':>10}"
        else:
            right = anything[rows] == labels[rows]
            as_digit = np.array([CLASSES[k] in DIGITS for k in anything[rows]])
            figures = f"{right.mean():8.1%}{'':>7}{as_digit.mean():10.1%}"
        print(f"  {name + ', ' + part:32}{int(rows.sum()):7d}{figures}"
              f"{atypical[rows].mean():10.1%}")


def _confusions(model: GlyphModel, samples: list[Sample]) -> None:
    scores, _, labels = _predict(model, samples)
    wrong = Counter((CLASSES[t], CLASSES[p]) for t, p in zip(labels, scores.argmax(axis=1),
                                                             strict=True) if t != p)
    shown = ", ".join(f"{t}->{p} {n}" for (t, p), n in wrong.most_common(16))
    print(f"\nheld out, most frequent confusions (true->read, all classes open): {shown}")


def _speed(model: GlyphModel, glyphs: list[Glyph]) -> None:
    batch = (glyphs * (1 + 4000 // max(1, len(glyphs))))[:4000]
    model.scores(batch[:10])  # warm up
    start = time.perf_counter()
    model.scores(batch)
    elapsed = time.perf_counter() - start
    print(f"speed: {len(batch) / elapsed:,.0f} glyphs/s on one core "
          f"(baseline: the SVM trained at start-up, ~{_svm_baseline(glyphs):,.0f} glyphs/s)")


def _svm_baseline(glyphs: list[Glyph]) -> float:
    """A reader of the kind this project had first: an RBF SVM trained on fonts in each
    process, here over the same 32-pixel pictures the network sees."""
    from sklearn.svm import SVC

    from caesar.cases.reading.glyphs import pictures_and_shapes

    def matrix(found: list[Glyph]) -> np.ndarray:
        pictures, shapes = pictures_and_shapes(found)
        return np.hstack([pictures.reshape(len(found), -1) / 255, shapes])

    rng = np.random.default_rng(0)
    sample = list(printed(training_fonts()[:8], DIGITS, 4, rng))
    svm = SVC(C=10.0, gamma="scale").fit(matrix([g for g, _ in sample]),
                                         [label for _, label in sample])
    batch = glyphs[:2000]
    start = time.perf_counter()
    svm.decision_function(matrix(batch))
    return len(batch) / (time.perf_counter() - start)


if __name__ == "__main__":
    draws.cache_clear()
    main()
