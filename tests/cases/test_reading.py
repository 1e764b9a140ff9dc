"""Reading the numbers on cards with the real engines (tesseract, the glyph classifier)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from caesar.cases.reading import read_photo
from caesar.demo.cards import CardStyle, available_fonts, draw_card
from caesar.demo.vocab import write_digits

LINES = ("7340", "215", "2562")


def _background(seed: int, size: tuple[int, int] = (1152, 864)) -> Image.Image:
    """A mottled, coloured scene, as the synthetic collection's photos are."""
    rng = np.random.default_rng(seed)
    cells = rng.integers(20, 200, (6, 8, 3), dtype=np.uint8)
    image = Image.fromarray(cells, "RGB").resize(size, Image.Resampling.BICUBIC)
    noise = rng.normal(0, 8, (size[1], size[0], 3))
    return Image.fromarray(np.clip(np.asarray(image) + noise, 0, 255).astype(np.uint8))


def _card_photo(script: str, font_index: int, *, angle: float, blur: float,
                height: float = 240, seed: int = 0) -> Image.Image:
    fonts = available_fonts(script)  # type: ignore[arg-type]
    style = CardStyle(fonts[font_index % len(fonts)], script, (236, 233, 228),  # type: ignore[arg-type]
                      (20, 20, 24), 1.5, (0.02, -0.03, 0.01))
    photo = _background(seed)
    lines = [write_digits(line, script) for line in LINES]  # type: ignore[arg-type]
    draw_card(photo, (560, 430), height, angle, lines, style, blur)
    return photo


@pytest.mark.parametrize("script", ["western", "arabic_indic"])
def test_cards_are_read_in_both_digit_scripts(script: str) -> None:
    fonts = available_fonts(script)  # type: ignore[arg-type]
    rng = random.Random(script)
    right = 0
    for index in range(len(fonts)):
        photo = _card_photo(script, index, angle=rng.uniform(-6, 6), blur=rng.uniform(0.3, 1.0),
                            seed=index)
        reading = read_photo(photo)
        assert reading.card_found, fonts[index].name
        card = [n for n in reading.numbers if n.where == "card"]
        right += tuple(n.digits for n in card) == LINES
        assert all(n.script == script for n in card), fonts[index].name
        if tuple(n.digits for n in card) == LINES:
            expected = [write_digits(line, script) for line in LINES]  # type: ignore[arg-type]
            assert [n.raw for n in card] == expected
    # Every installed face that can write these digits; one misread face is tolerated.
    assert right >= len(fonts) - 1, f"{right} of {len(fonts)} faces read exactly"


def test_a_photo_without_a_card_is_passed_over() -> None:
    reading = read_photo(_background(7))
    assert not reading.card_found and reading.numbers == ()


def test_a_tilted_blurred_small_card() -> None:
    photo = _card_photo("western", 0, angle=-9, blur=1.4, height=150, seed=3)
    assert tuple(n.digits for n in read_photo(photo).numbers) == LINES


def test_a_smudged_card_is_read_with_less_confidence() -> None:
    clean = read_photo(_card_photo("arabic_indic", 1, angle=2, blur=0.4, seed=4))
    smudged_photo = _card_photo("arabic_indic", 1, angle=2, blur=0.4, seed=4)
    draw = ImageDraw.Draw(smudged_photo)
    rng = random.Random(4)
    for _ in range(90):  # ink spots across the card
        x, y = rng.uniform(450, 670), rng.uniform(340, 520)
        draw.ellipse((x, y, x + rng.uniform(2, 7), y + rng.uniform(2, 7)), fill=(30, 30, 30))
    smudged = read_photo(smudged_photo)
    assert [n.digits for n in clean.numbers] == list(LINES)
    assert min(n.confidence for n in clean.numbers) >= 0.8
    # Specks look like the Arabic-Indic zero (a dot): whatever is misread must go to a person.
    wrong = [n for n in smudged.numbers if n.digits not in LINES]
    assert wrong and all(n.confidence < 0.8 for n in wrong), smudged.numbers


@pytest.mark.parametrize("image", [
    Image.new("RGB", (8, 8), "white"),                  # tiny
    Image.new("L", (640, 480), 240),                    # grey, all paper: no card shape
    Image.new("RGB", (640, 480), (250, 250, 250)),      # blank white frame
    Image.new("RGBA", (300, 200), (10, 200, 10, 128)),  # with transparency
])
def test_odd_images_give_an_answer_never_an_exception(image: Image.Image) -> None:
    reading = read_photo(image)
    assert reading.numbers == () or reading.card_found
