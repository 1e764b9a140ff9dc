"""One line of writing cut into what it says: numbers, and the labels and marks between them.

A line may carry one number (``7340``), several (``52750/251``, ``٥٢٧٥٠ ، ٢٥١``, ``1377 - 215``)
or a label before a number (``رقم 7340``, ``No. 7340``, ``فرع ٢١٥``, ``Branch 215``). Every glyph
is classified (:mod:`.glyphs`); a number is a run of digits, and a run ends at anything that is
not a digit (a separator, a letter) or at a space wider than the line's own spacing. What stands
before a number on its line is kept as its *label*, for :mod:`caesar.cases.numbers` to weigh.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from caesar.cases.reading.card import Glyph
from caesar.cases.reading.glyphs import ARABIC_INDIC, SEPARATORS, WESTERN, model

Script = Literal["western", "arabic_indic"]
_MIN_NUMBER = 2  # digits in the shortest number a slash stands between
_SPACE = 0.55  # a gap wider than this share of the line's height (and the usual spacing) splits
# (Western, Arabic-Indic) digits of one shape: the ring 0 and ٥, the stroke 1 and ١, 9 and ٩.
_LOOK_ALIKES = ((0, 5), (1, 1), (9, 9))
LONGEST = 7  # digits in the longest number the cards carry
_LONE, _TOO_LONG = -4.0, -10.0  # log priors of a one-digit number and of a longer one
# A glyph whose height departs from its run's usual by more than this share is a mark with
# at least this probability, whatever the classifier says.
_ODD_HEIGHT, _ODD_MARK = 0.2, 0.5


@dataclass(frozen=True)
class Token:
    """A run of glyphs on a line: a number, or the non-digits between numbers."""

    kind: Literal["number", "other"]
    glyphs: tuple[int, ...]  # indices into the line's glyphs
    digits: str = ""  # Western digits, for a number
    raw: str = ""  # as written (Arabic-Indic digits kept)
    script: Script = "western"
    margin: float = 0.0  # the probability of the least sure glyph's digit
    atypical: bool = False  # a glyph unlike anything the classifier was trained on


@dataclass(frozen=True)
class _Glyph:
    index: int
    glyph: Glyph
    scores: np.ndarray | None  # log-probabilities of every class; None: not a digit
    atypical: bool

    @property
    def is_digit(self) -> bool:
        return self.scores is not None


def tokens(found: list[Glyph], line_height: float, letters: Collection[int] = ()
           ) -> list[Token]:
    """The line's tokens, left to right (see the module docstring). `letters` are the glyphs
    of words read as labels (:mod:`.labels`): never digits."""
    if not found:
        return []
    scores, atypical = model().scores(found)
    marks = _separators(found)
    classified = [_Glyph(i, g, None if marks[i] or i in letters else scores[i],
                         bool(atypical[i]))
                  for i, g in enumerate(found)]
    return [_token(part, sure) for run in _runs(found, classified, line_height)
            for part, sure in _split(run)]


def _separators(found: list[Glyph]) -> list[bool]:
    """Which glyphs are marks between numbers rather than digits.

    A slash is told from a digit by its lean alone, which an italic 1 or 7 shares; so a
    leaning stroke counts as a slash only where it stands between two numbers (two or more
    glyphs on either side), the one place a slash is written.
    """
    kinds = [_separator(g) for g in found]
    marks = [k is not None for k in kinds]
    for i, kind in enumerate(kinds):
        if kind != "slash":
            continue
        # Glyphs between this stroke and the nearest mark (or the line's end) on each side.
        before = next((n for n in range(i) if marks[i - 1 - n]), i)
        after = next((n for n in range(len(found) - i - 1) if marks[i + 1 + n]),
                     len(found) - i - 1)
        if min(before, after) < _MIN_NUMBER:
            marks[i] = False
    return marks


def _separator(glyph: Glyph) -> Literal["dash", "stop", "slash"] | None:
    """A mark between numbers, by its shape: a slash, a dash, a full stop or a comma.

    A dot high in the line is the Arabic-Indic zero, not a full stop, and is left to the
    classifier.
    """
    h, w = glyph.image.shape
    if glyph.height_ratio <= 0.35 and w >= 1.6 * h:
        return "dash"
    if glyph.height_ratio <= 0.3 and glyph.middle >= 0.72:
        return "stop"  # or a comma, on the baseline
    if glyph.height_ratio <= 0.5 and h >= 1.3 * w and float(glyph.image.mean()) < 0.6:
        return "stop"  # a small, thin, upright hook: the Arabic comma (never the zero's dot)
    if glyph.height_ratio >= 0.6 and _slant(glyph.image) >= 0.45:
        return "slash"
    return None


def _slant(mask: np.ndarray) -> float:
    """How far the ink moves right per row going up, in glyph widths per glyph height:
    a slash leans by most of its width, a handwritten 1 by far less."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size < 3:
        return 0.0
    centres = np.array([np.flatnonzero(mask[r]).mean() for r in rows])
    slope = np.polyfit(rows.astype(float), centres, 1)[0]  # columns per row, down
    h = rows[-1] - rows[0] + 1
    return float(-slope * h / max(1, mask.shape[1]))


def _runs(found: list[Glyph], classified: list[_Glyph], line_height: float
          ) -> list[list[_Glyph]]:
    """Consecutive digits, cut at non-digits and at wide spaces."""
    # The Arabic-Indic zero is a dot in the middle of a digit's width: measured as its own
    # width it would leave gaps around it as wide as a space between two numbers.
    spans = []
    for g in found:
        width = g.image.shape[1]
        if _is_dot(g):
            width = max(width, round(0.45 * line_height))
        centre = g.x + g.image.shape[1] / 2
        spans.append((centre - width / 2, centre + width / 2))
    gaps = [spans[i + 1][0] - spans[i][1] for i in range(len(spans) - 1)]
    usual = float(np.median(gaps)) if gaps else 0.0
    wide = max(_SPACE * line_height, 2.5 * usual)
    runs: list[list[_Glyph]] = []
    for i, glyph in enumerate(classified):
        if (not runs or glyph.is_digit != runs[-1][-1].is_digit
                or (i > 0 and gaps[i - 1] > wide)):
            runs.append([glyph])
        else:
            runs[-1].append(glyph)
    return runs


def _split(run: list[_Glyph]) -> list[tuple[list[_Glyph], float]]:
    """A run of digit-like glyphs, cut into numbers and the marks between them, each part
    with how sure the cutting is.

    A mark the shape rules did not know (a held-out separator such as ``|``, or an Arabic
    comma in an unfamiliar hand) is read as a digit, and two or three numbers run together
    into one too long to be any. So every glyph may be a digit or a mark, with the
    classifier's probabilities, and a number of 2 to 7 digits is far likelier than a longer
    one or a lone digit. The likeliest cutting wins (dynamic programming over the run, in
    its own script), and it is as sure as its share of all the cuttings' probability: a run
    that reads well as one number stays whole and sure; specks read as digits leave many
    cuttings about as likely, and whatever is read there stays unsure.
    """
    if len(run) < 2 or not run[0].is_digit:
        return [(run, 1.0)]
    probabilities, arabic, zeros = _probabilities(run)
    digit = np.log(np.maximum(_own_script(probabilities, arabic, zeros, marks_ruled_out=False)
                              .max(axis=1), 1e-9))
    # The classifier sees each glyph scaled to one size; the line shows what it cannot: a
    # glyph much taller or shorter than the run's digits is likely a mark (a bar, a tilde).
    heights = np.array([g.glyph.height_ratio for g in run])
    usual = float(np.median(heights))
    odd = np.abs(heights - usual) > _ODD_HEIGHT * usual
    marks = np.maximum(probabilities[:, 20:].sum(axis=1), np.where(odd, _ODD_MARK, 0.0))
    # A dot where the zero is written is the zero: full stops sit on the baseline.
    mark = np.where(zeros, -np.inf, np.log(np.maximum(marks, 1e-9)))
    n = len(run)
    total = np.concatenate([[0.0], np.cumsum(digit)])
    # The best and the summed (log) probability of the first i glyphs' cuttings, ending at
    # the start or a mark, or with a number; a number follows the start or a mark.
    best = {"mark": [0.0] + [-math.inf] * n, "number": [-math.inf] * (n + 1)}
    summed = {"mark": [0.0] + [-math.inf] * n, "number": [-math.inf] * (n + 1)}
    came: dict[tuple[str, int], tuple[str, int]] = {}
    for i in range(1, n + 1):
        for state in ("mark", "number"):
            score = best[state][i - 1] + mark[i - 1]
            if score > best["mark"][i]:
                best["mark"][i] = score
                came[("mark", i)] = (state, i - 1)
        summed["mark"][i] = np.logaddexp(summed["mark"][i - 1], summed["number"][i - 1]) \
            + mark[i - 1]
        numbers = [total[i] - total[j] + _length_prior(i - j) for j in range(i)]
        for j, score in enumerate(numbers):
            if best["mark"][j] + score > best["number"][i]:
                best["number"][i] = best["mark"][j] + score
                came[("number", i)] = ("mark", j)
        summed["number"][i] = float(np.logaddexp.reduce(
            [summed["mark"][j] + score for j, score in enumerate(numbers)]))
    state = "number" if best["number"][n] >= best["mark"][n] else "mark"
    sure = math.exp(best[state][n] - np.logaddexp(summed["mark"][n], summed["number"][n]))
    parts: list[list[_Glyph]] = []
    i = n
    while i > 0:
        before, j = came[(state, i)]
        if state == "mark":
            parts.append([replace(run[j], scores=None)])
        else:
            parts.append(run[j:i])
        state, i = before, j
    return [(part, sure) for part in parts[::-1]]


def _length_prior(digits: int) -> float:
    """Log prior of a number of this many digits: 2 to 7 as likely as one another."""
    if digits == 1:
        return _LONE
    return 0.0 if digits <= LONGEST else _TOO_LONG


def _probabilities(run: list[_Glyph]) -> tuple[np.ndarray, bool, np.ndarray]:
    """The run's class probabilities, whether it is Arabic-Indic (most glyphs' likeliest
    digit is), and which of its glyphs are where that script's zero is written."""
    rows = np.stack([g.scores for g in run if g.scores is not None])
    arabic = int((rows[:, :20].argmax(axis=1) >= 10).sum()) * 2 > len(run)
    zeros = np.array([arabic and _is_zero(g.glyph, len(run)) for g in run])
    return np.exp(rows), arabic, zeros


def _token(run: list[_Glyph], cut: float = 1.0) -> Token:
    """The token of a run of glyphs; `cut`: how sure the cutting of its line into runs is."""
    indices = tuple(g.index for g in run)
    if not run[0].is_digit:
        return Token("other", indices)
    probabilities, arabic, zeros = _probabilities(run)
    script: Script = "arabic_indic" if arabic else "western"
    within = _own_script(probabilities, arabic, zeros)
    picks = within.argmax(axis=1)
    # A glyph's margin is how probable its digit is, so the number is as sure as its least
    # sure glyph.
    margins = within.max(axis=1)
    atypical = [g.atypical for g in run]
    if arabic:
        # The zero is a dot, whose shape no font pins down: a dot is judged by its
        # geometry, the other digits by their distance from the training glyphs.
        atypical = [a and not (p == 0 and _is_dot(g.glyph))
                    for a, p, g in zip(atypical, picks, run, strict=True)]
    digits = "".join(WESTERN[p] for p in picks)
    raw = "".join((ARABIC_INDIC if arabic else WESTERN)[p] for p in picks)
    return Token("number", indices, digits, raw, script, min(float(margins.min()), cut),
                 any(atypical))


def _own_script(probabilities: np.ndarray, arabic: bool, zeros: np.ndarray, *,
                marks_ruled_out: bool = True) -> np.ndarray:
    """Each glyph's probability of each digit of the line's script (ten columns).

    Once the line's script is known, three corrections of what the classifier weighed
    against the digits, each decided by evidence the classifier does not see:

    - the other script's look-alike (:data:`_LOOK_ALIKES`) is evidence for this script's
      digit, not against it;
    - the glyph's shape already said it is no mark between numbers (:func:`_separator`), so
      what the classifier gave the marks is shared out among the rest (unless
      `marks_ruled_out` is false: :func:`_split` weighs the marks itself);
    - the Arabic-Indic zero is a dot, which a speck matches in shape: where a dot sits where
      the zero is written (`zeros`, :func:`_is_zero`), what the classifier left to "not a
      digit" is the speck it cannot rule out, and the place rules it out.

    Everything else (the other script's other digits, letters, specks elsewhere) still counts
    against the digit, so a speck stays unsure.
    """
    western, arabic_indic = probabilities[:, :10], probabilities[:, 10:20]
    marks = probabilities[:, 20:20 + len(SEPARATORS)].sum(axis=1, keepdims=True)
    own = (arabic_indic if arabic else western).copy()
    for w, a in _LOOK_ALIKES:
        if arabic:
            own[:, a] += western[:, w]
        else:
            own[:, w] += arabic_indic[:, a]
    own[zeros, 0] += probabilities[zeros, -1]  # the last class is OTHER
    if not marks_ruled_out:
        return own
    shared: np.ndarray = own / np.maximum(1.0 - marks, 1e-6)
    return shared


def _is_zero(glyph: Glyph, length: int) -> bool:
    """A dot where the Arabic-Indic zero is written: on the middle of the line, in a number
    of at least two glyphs."""
    return length >= 2 and _is_dot(glyph) and 0.3 <= glyph.middle <= 0.7


def _is_dot(glyph: Glyph) -> bool:
    """A compact, roundish blob much lower than the line: how the Arabic-Indic zero looks."""
    h, w = glyph.image.shape
    return (0.5 <= w / h <= 2.0 and 0.1 <= glyph.height_ratio <= 0.45
            and float(glyph.image.mean()) >= 0.7)
