"""The glyph classifier: the shipped model on material it never saw, storing and retraining it."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from caesar.cases.reading import prepare
from caesar.cases.reading.card import Glyph, split_glyphs
from caesar.cases.reading.glyphs import (
    ARABIC_INDIC,
    CLASSES,
    DIGITS,
    OTHER,
    SEPARATORS,
    WESTERN,
    GlyphModel,
    GlyphModelError,
    model,
    pictures_and_shapes,
    shipped,
)
from caesar.cases.reading.hands import HANDS, Hand
from caesar.cases.reading.neighbours import neighbours
from caesar.cases.reading.printed import installed_fonts
from caesar.cases.reading.training import (
    HELD_OUT_FONTS,
    HELD_OUT_HANDS,
    LATIN_LETTERS,
    SCANNED_FOR_TRAINING,
    TRAINING_FONTS,
    TRAINING_HANDS,
    handwritten,
    printed,
    retrain,
    scanned_digits,
    training_fonts,
)
from caesar.errors import CaesarError

# Faces of packages setup.sh installs that training never uses (training.HELD_OUT_FONTS).
UNSEEN = {"western": "LiberationSans-Regular.ttf", "arabic_indic": "Scheherazade-Regular.ttf"}


def _right(samples: list[tuple[Glyph, str]], digits: str, base: GlyphModel | None = None
           ) -> float:
    """Share of digit glyphs read right among their own script's digits, the separators and
    "other" (how a line reader that knows the line's script reads them)."""
    scores, _ = (base or model()).scores([g for g, _ in samples])
    allowed = np.array([c in digits or c not in DIGITS for c in CLASSES])
    picks = np.where(allowed, scores, -np.inf).argmax(axis=1)
    return float(np.mean([CLASSES[p] == label for p, (_, label) in zip(picks, samples,
                                                                        strict=True)]))


def _font(name: str) -> Path:
    path = installed_fonts().get(name)
    assert path is not None, f"{name} is missing: ./setup.sh installs it"
    return path


def test_held_out_material_is_kept_apart_from_training() -> None:
    assert not set(TRAINING_HANDS) & set(HELD_OUT_HANDS)
    assert set(TRAINING_HANDS) | set(HELD_OUT_HANDS) <= set(HANDS)
    assert not set(HELD_OUT_FONTS) & set(TRAINING_FONTS)
    assert set(UNSEEN.values()) <= set(HELD_OUT_FONTS)
    # Every held-out face setup.sh installs is there to be measured on.
    assert set(HELD_OUT_FONTS) <= set(installed_fonts())
    assert len(DIGITS) == 20 and CLASSES[:20] == WESTERN + ARABIC_INDIC
    assert CLASSES[20:] == SEPARATORS + OTHER


def test_the_generators_held_out_writing_is_never_trained_on() -> None:
    """The held-out collections (`caesar demo generate --held-out`) measure the reader on
    faces and hands it never learnt from."""
    from caesar.demo.variety import HELD_OUT, Variety

    def faces(variety: Variety) -> set[str]:
        tables = (variety.typeset_fonts, variety.handwriting_fonts, variety.label_fonts)
        return {name for table in tables for fonts in table.values() for name in fonts}

    assert not faces(HELD_OUT) & set(TRAINING_FONTS)
    assert not {h.name for h in HELD_OUT.hands} & set(TRAINING_HANDS)


def test_the_shipped_model_reads_handwritten_digits_of_writers_it_never_saw() -> None:
    rng = np.random.default_rng(1)
    # Spread over the held-out part, which holds several writers.
    held_out = range(SCANNED_FOR_TRAINING, SCANNED_FOR_TRAINING + 800, 8)
    samples = list(scanned_digits(held_out, 1, rng, spoil=False))
    assert len(samples) >= 95
    # Measured: 96.7% on all 797 held-out digits (bench/glyphs.py).
    assert _right(samples, WESTERN) >= 0.85


@pytest.mark.parametrize(("hand", "script", "least"), [
    ("backhand", "western", 0.85), ("backhand", "arabic_indic", 0.8),
    ("shaky", "western", 0.9), ("shaky", "arabic_indic", 0.9)])
def test_the_shipped_model_reads_hands_it_never_saw(hand: str, script: str, least: float
                                                    ) -> None:
    digits = WESTERN if script == "western" else ARABIC_INDIC
    samples = list(handwritten([HANDS[hand]], digits, 12, np.random.default_rng(11)))
    assert hand in HELD_OUT_HANDS and len(samples) >= 50  # a shaky pen breaks strokes: fewer
    assert _right(samples, digits) >= least


@pytest.mark.parametrize("script", ["western", "arabic_indic"])
def test_the_shipped_model_reads_digits_of_a_font_it_never_saw(script: str) -> None:
    digits = WESTERN if script == "western" else ARABIC_INDIC
    samples = list(printed([_font(UNSEEN[script])], digits, 6, np.random.default_rng(2)))
    assert len(samples) >= 50
    assert _right(samples, digits) >= 0.9


def test_separators_and_label_letters_are_told_from_digits() -> None:
    rng = np.random.default_rng(3)
    font = _font(UNSEEN["western"])
    separators = list(printed([font], SEPARATORS, 4, rng))
    letters = list(printed([font], LATIN_LETTERS, 2, rng))
    scores, _ = model().scores([g for g, _ in separators + letters])
    read = [CLASSES[k] for k in scores.argmax(axis=1)]
    separators_right = np.mean([r == label for r, (_, label) in zip(read, separators,
                                                                   strict=False)])
    letters_as_digits = np.mean([r in DIGITS for r in read[len(separators):]])
    assert separators_right >= 0.8
    assert letters_as_digits <= 0.1


def test_a_bare_crop_is_classified_as_digit_value_and_script_or_separator() -> None:
    rng = np.random.default_rng(9)
    font = _font(UNSEEN["arabic_indic"])
    samples = list(printed([font], ARABIC_INDIC, 2, rng)) + list(printed([font], "/", 4, rng))
    # Bare masks, padded with empty margins, as a caller without the line would pass them.
    masks = [np.pad(g.image, 3) * 255 for g, _ in samples]
    read = model().classify(masks)
    digits = [(r, label) for r, (_, label) in zip(read, samples, strict=True)
              if label in ARABIC_INDIC]
    right = [r.kind == "digit" and r.script == "arabic_indic"
             and r.value == ARABIC_INDIC.index(label) and r.char == label for r, label in digits]
    assert np.mean(right) >= 0.8
    slashes = read[len(digits):]
    assert all(r.kind == "separator" and r.char == "/" and r.value is None
               and r.script is None for r in slashes)
    assert all(0.0 < r.confidence <= 1.0 for r in read)


def test_a_crop_without_ink_is_refused_naming_what_it_got() -> None:
    with pytest.raises(CaesarError, match=r"shape \(8, 8\) with 0 inked pixels"):
        model().classify([np.zeros((8, 8), np.uint8)])


def _line_with_dot(middle: float) -> list[Glyph]:
    """A line 40 pixels high: a stroke as tall as the line, and a round dot at `middle`."""
    line = np.zeros((40, 60), np.uint8)
    line[:, 10:14] = 1
    ys, xs = np.mgrid[0:40, 0:60]
    line[(ys - middle * 40) ** 2 + (xs - 35) ** 2 <= 16] = 1
    return split_glyphs(line)


def test_a_dot_in_the_middle_is_the_arabic_indic_zero_and_on_the_baseline_a_full_stop() -> None:
    middle, baseline = _line_with_dot(0.5)[1], _line_with_dot(0.88)[1]
    scores, _ = model().scores([middle, baseline])
    assert [CLASSES[k] for k in scores.argmax(axis=1)] == ["٠", "."]


def test_a_shape_unlike_anything_trained_on_is_atypical() -> None:
    rng = np.random.default_rng(4)
    noise = (rng.random((40, 30)) < 0.5).astype(np.uint8)  # salt and pepper, not a stroke
    odd = Glyph(noise, 0, 1.0, 0.5)
    font_digits = list(printed([_font(UNSEEN["western"])], WESTERN, 2, rng))
    _, atypical = model().scores([odd] + [g for g, _ in font_digits])
    assert atypical[0]
    assert atypical[1:].mean() <= 0.1


def test_the_model_is_loaded_not_trained_and_survives_a_round_trip() -> None:
    assert isinstance(prepare(), GlyphModel)
    samples = list(printed([_font(UNSEEN["arabic_indic"])], ARABIC_INDIC, 1,
                           np.random.default_rng(5)))
    glyphs = [g for g, _ in samples]
    again = GlyphModel.from_bytes(shipped().to_bytes())
    before, after = shipped().scores(glyphs), again.scores(glyphs)
    # The reference glyphs are stored at half precision: the same readings, within rounding.
    assert (before[0].argmax(axis=1) == after[0].argmax(axis=1)).all()
    assert np.allclose(before[0], after[0], atol=1e-3)


class _Planted:
    """An object whose unpickling would create a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.path), "w"))


def test_a_damaged_or_foreign_model_is_refused_without_running_its_code(tmp_path: Path) -> None:
    good = shipped().to_bytes()
    out = io.BytesIO()
    np.savez(out, format=np.array("caesar-glyph-classifier"),
             mean=np.array([_Planted(tmp_path / "ran")], dtype=object))
    foreign = io.BytesIO()
    np.savez(foreign, weights=np.zeros(3))
    # A model whose first layer's filters are cut short: the layers no longer fit together.
    with np.load(io.BytesIO(good), allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["kernel0"] = arrays["kernel0"][:5]
    cut = io.BytesIO()
    np.savez(cut, **arrays)
    blobs = (good[: len(good) // 2], b"not a model", out.getvalue(), foreign.getvalue(),
             cut.getvalue())
    for blob in blobs:
        with pytest.raises(GlyphModelError, match="cannot be used") as caught:
            GlyphModel.from_bytes(blob)
        assert caught.value.hint and "retrain" in caught.value.hint
    assert not (tmp_path / "ran").exists()


def test_the_training_material_is_drawn_the_same_from_the_same_seed() -> None:
    """The shipped model can be made again: every source of training_set draws from its seed
    alone (a few of each kind here; the whole set takes minutes)."""
    def draw() -> list[tuple[Glyph, str]]:
        rng = np.random.default_rng(5)
        fonts = [p for p in training_fonts() if p.name in ("DejaVuSans.ttf", "KacstPen.ttf")]
        return [*printed(fonts, DIGITS + SEPARATORS, 1, rng),
                *handwritten([HANDS[TRAINING_HANDS[0]]], DIGITS + SEPARATORS, 1, rng),
                *scanned_digits(range(10), 1, rng),
                *neighbours([HANDS[TRAINING_HANDS[1]]], WESTERN, WESTERN, 1, rng,
                            height=lambda: 30)]

    first, again = draw(), draw()
    assert {label for _, label in first} >= set(DIGITS)
    assert [label for _, label in first] == [label for _, label in again]
    assert all((a.image == b.image).all() for (a, _), (b, _) in zip(first, again, strict=True))


# A clerk's hand unlike any the base model learned from: digits very wide and leaning far back.
CLERK = Hand("clerk", (0.09, 0.13), (-34.0, -26.0), 0.04, 0.004, 0.0, (0.8, 1.0), (1.6, 1.9))


def test_retraining_on_an_archives_confirmed_glyphs_learns_its_hand() -> None:
    confirmed = list(handwritten([CLERK], WESTERN, 6, np.random.default_rng(6)))
    more = list(handwritten([CLERK], WESTERN, 10, np.random.default_rng(7)))
    base = shipped()
    before = _right(more, WESTERN, base)
    # An archive may keep only the crops: half are given as bare ink masks.
    half = len(confirmed) // 2
    learned = retrain(base, [*confirmed[:half], *((g.image, c) for g, c in confirmed[half:])])
    after = _right(more, WESTERN, learned)
    assert after >= before + 0.15, (before, after)
    # The rest is not forgotten: a font it never saw is read as well as before, within a little.
    font = list(printed([_font(UNSEEN["arabic_indic"])], ARABIC_INDIC, 3,
                        np.random.default_rng(8)))
    assert _right(font, ARABIC_INDIC, learned) >= _right(font, ARABIC_INDIC, base) - 0.05
    stored = GlyphModel.from_bytes(learned.to_bytes())
    assert _right(more, WESTERN, stored) == pytest.approx(after, abs=0.02)


def test_the_fitted_network_reads_the_same_as_numpy_runs_it() -> None:
    """The network PyTorch fits is what reading runs without it: folded batch normalisation,
    the layers' layout and the flattening order give the same decision values. (PyTorch is
    the optional `train` extra; without it there is nothing fitted to compare.)"""
    torch = pytest.importorskip("torch")
    from caesar.cases.reading import fitting
    from caesar.cases.reading.network import trunk

    torch.manual_seed(0)
    net = fitting._network(torch, 5, len(CLASSES))
    with torch.no_grad():  # batch normalisation as after training, not its identity start
        for layer in net.trunk:
            if isinstance(layer, torch.nn.BatchNorm2d):
                layer.running_mean.uniform_(-0.5, 0.5)
                layer.running_var.uniform_(0.5, 2.0)
                layer.weight.uniform_(0.5, 1.5)
    net.eval()
    rng = np.random.default_rng(12)
    glyphs = [g for g, _ in printed([_font(UNSEEN["western"])], WESTERN, 1, rng)]
    pictures, shapes = pictures_and_shapes(glyphs)
    with torch.no_grad():
        expected = net(torch.from_numpy(pictures).float().div(255).unsqueeze(1),
                       torch.from_numpy(shapes)).numpy()
    arrays = fitting._arrays(torch, net)
    hidden = np.maximum(np.hstack([trunk(pictures, arrays.kernels, arrays.kernel_biases),
                                   shapes]) @ arrays.weights[0] + arrays.biases[0], 0.0)
    assert np.allclose(hidden @ arrays.weights[1] + arrays.biases[1], expected, atol=1e-4)


def test_a_fitted_network_can_be_fine_tuned_from_where_it_stands() -> None:
    """Fine-tuning (`training --start MODEL`) starts from the model's own network: loaded
    into PyTorch and folded back, it is the same arrays."""
    torch = pytest.importorskip("torch")
    from caesar.cases.reading import fitting

    base = shipped()
    net = fitting._network(torch, len(base.mean), len(CLASSES))
    fitting._load(torch, net, fitting.Fitted(base.kernels, base.kernel_biases, base.weights,
                                             base.biases))
    again = fitting._arrays(torch, net)
    for mine, theirs in zip((*again.kernels, *again.kernel_biases, *again.weights,
                             *again.biases),
                            (*base.kernels, *base.kernel_biases, *base.weights, *base.biases),
                            strict=True):
        assert np.allclose(mine, theirs, atol=1e-6)
    other = fitting._network(torch, len(base.mean) + 1, len(CLASSES))
    with pytest.raises(RuntimeError):  # a network of other shapes does not take it
        fitting._load(torch, other, again)


def test_retraining_refuses_what_the_reader_does_not_read() -> None:
    glyph = _line_with_dot(0.5)[0]
    with pytest.raises(CaesarError, match="not a class"):
        retrain(shipped(), [(glyph, "x")])
