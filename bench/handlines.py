"""Hand-written numbers, line by line: is a misread number the classifier's doing or the cut's?

    .venv/bin/python bench/handlines.py [--numbers 60] [--model PATH] [--held-out]

Writes numbers of 4 to 6 digits (and a pair joined by a slash) with the demo generator's
hands (`caesar.demo.hands`, the seen variety's hands by default: a reader may be diagnosed and
tuned on them; `--held-out` adds the held-out hands, for measuring only), on paper, spoilt a
little as a photo would (blur, noise, JPEG), at digit heights from 18 to 44 pixels. Then, for
each hand and script:

  exact       the line read by the reader's own path (ink mask, `cut_line`, `tokens`) gives
              exactly the number(s) written
  cut right   the line was cut into exactly as many glyphs as it has characters
  exact       (the second) of the lines cut right, the share read exactly
  glyph       given a right cut, the share of digits the classifier reads right (within the
              line's script)
  lost        given a right cut, the share of digits read as a mark or "other" (all classes
              open): a number broken in two
  alone       each character written alone by the same writer and read by the classifier
              (no cutting at all): the classifier's own accuracy on that hand
  joined      lines where a character's ink touches a neighbour's or overlaps its columns
              (slant), as written: the cut has to part them
  fewer       lines cut into fewer glyphs than characters (the rest of the wrong cuts are
              into more)

and the most frequent confusions (true -> read) of digits written alone.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import random  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from caesar.cases.reading.card import ink_mask, split_glyphs, stroke_groups  # noqa: E402
from caesar.cases.reading.glyphs import (  # noqa: E402
    ARABIC_INDIC,
    CLASSES,
    DIGITS,
    WESTERN,
    install,
    load,
    model,
)
from caesar.cases.reading.segments import cut_line  # noqa: E402
from caesar.cases.reading.tokens import tokens  # noqa: E402
from caesar.demo.hands import Hand, Writer, write  # noqa: E402
from caesar.demo.variety import HELD_OUT, SEEN  # noqa: E402

SEED = 4242


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--numbers", type=int, default=60, help="lines per hand and script")
    parser.add_argument("--model", type=Path, help="a .npz model (default: the shipped one)")
    parser.add_argument("--held-out", action="store_true",
                        help="measure the held-out hands too (never tune on them)")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    if args.model:
        install(load(args.model))
    hands = [("seen", h) for h in SEEN.hands]
    if args.held_out:
        hands += [("held out", h) for h in HELD_OUT.hands]
    print(f"{'hand':28}{'script':>8}{'exact':>8}{'cut right':>11}{'exact':>8}{'glyph':>8}"
          f"{'lost':>7}{'alone':>8}"
          f"{'joined':>8}{'fewer':>8}")
    for variety, hand in hands:
        for script, digits in (("western", WESTERN), ("arabic", ARABIC_INDIC)):
            _measure(f"{variety}: {hand.name}", hand, script, digits, args.numbers)


def _paper(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ink (255 full) on paper as a grey photo would show it."""
    paper, colour = rng.uniform(200, 245), rng.uniform(10, 80)
    drawn = cv2.GaussianBlur(paper - ink.astype(float) / 255 * (paper - colour), (0, 0),
                             rng.uniform(0.4, 1.0))
    grey = np.clip(drawn + rng.normal(0, rng.uniform(2, 8), drawn.shape), 0,
                   255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", grey, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(60, 92))])
    decoded = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if ok else None
    return grey if decoded is None else np.asarray(decoded)


def _line(text: str, writer: Writer, height: float, seed: int,
          rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """The 0/1 ink mask of `text` written once, cut to the band of its digits (from their
    top to the baseline, as the writer placed them), and the band's height in pixels."""
    drawn = write(text, writer, height, random.Random(seed))
    border = 6
    grey = _paper(np.asarray(drawn.mask), rng)
    grey = cv2.copyMakeBorder(grey, border, border, border, border, cv2.BORDER_REPLICATE)
    mask = ink_mask(grey)
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return mask[:0], 0.0
    # The reader's line is its ink's band: the digits' rows, or more where ink reaches out.
    top = min(int(rows[0]), round(border + drawn.baseline - height))
    bottom = max(int(rows[-1]) + 1, round(border + drawn.baseline))
    return mask[top:bottom], float(bottom - top)


def _joined(text: str, writer: Writer, height: float, seed: int) -> bool:
    """Whether some characters of `text` share a stroke group with a neighbour (touching
    ink, or columns overlapping under a slant), as written, before any spoiling."""
    drawn = np.asarray(write(text, writer, height, random.Random(seed)).mask) > 96
    rows = np.flatnonzero(drawn.any(axis=1))
    if rows.size == 0:
        return False
    return len(stroke_groups(drawn[rows[0]:rows[-1] + 1].astype(np.uint8))) < len(text)


def _measure(name: str, hand: Hand, script: str, digits: str, count: int) -> None:
    py = random.Random(f"{SEED}:{hand.name}:{script}")
    rng = np.random.default_rng(py.getrandbits(32))
    exact = cut_right = joined = fewer = 0
    glyph_right = glyph_total = lost = exact_cut = 0
    alone_right = alone_total = 0
    confusions: Counter[tuple[str, str]] = Counter()
    for _ in range(count):
        writer = Writer.of(hand, py)
        height = py.uniform(18, 44)
        numbers = ["".join(py.choice(digits) for _ in range(py.randint(4, 6)))]
        if py.random() < 0.3:
            numbers.append("".join(py.choice(digits) for _ in range(py.randint(2, 3))))
        text = "/".join(numbers)
        seed = py.getrandbits(32)
        line, line_height = _line(text, writer, height, seed, rng)
        joined += _joined(text, writer, height, seed)
        if line_height:
            found = cut_line(line)
            read = [t.raw for t in tokens(found, line_height) if t.kind == "number"]
            exact += read == numbers
            fewer += len(found) < len(text)
            if len(found) == len(text):
                cut_right += 1
                exact_cut += read == numbers
                scores, _ = model().scores(found)
                for glyph_scores, char in zip(scores, text, strict=True):
                    if char in DIGITS:
                        own = [CLASSES.index(c) for c in digits]
                        glyph_total += 1
                        glyph_right += CLASSES[own[int(np.argmax(glyph_scores[own]))]] == char
                        lost += CLASSES[int(np.argmax(glyph_scores))] not in DIGITS
        for char in sorted(set(numbers[0])):  # sorted: the same draws in every run
            alone, alone_height = _line(char, writer, height, py.getrandbits(32), rng)
            if not alone_height:
                continue
            found = split_glyphs(alone)
            if len(found) != 1:
                alone_total += 1
                confusions[(char, f"{len(found)} pieces")] += 1
                continue
            scores, _ = model().scores(found)
            allowed = np.array([c in digits or c not in DIGITS for c in CLASSES])
            best = CLASSES[int(np.where(allowed, scores[0], -np.inf).argmax())]
            alone_total += 1
            alone_right += best == char
            if best != char:
                confusions[(char, best)] += 1
    print(f"{name:28}{script:>8}{exact / count:8.0%}{cut_right / count:11.0%}"
          f"{exact_cut / max(1, cut_right):8.0%}"
          f"{glyph_right / max(1, glyph_total):8.1%}{lost / max(1, glyph_total):7.1%}"
          f"{alone_right / max(1, alone_total):8.1%}"
          f"{joined / count:8.0%}{fewer / count:8.0%}")
    shown = ", ".join(f"{t}->{r} {n}" for (t, r), n in confusions.most_common(8))
    print(f"{'':28}confusions alone: {shown or '-'}")


if __name__ == "__main__":
    main()
