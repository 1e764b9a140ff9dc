"""How one body's numbers were written, chosen from a :class:`~caesar.demo.variety.Variety`.

On a working day the people who wrote the numbers had habits (a layout, labels or none, a
separator), so each day has a convention that most of its cases follow; the rest of a case's
writing (the material, the face or hand, a number written on the skin or never written, a body
whose numbers nobody can read) is its own. Everything here is decided when the collection is
planned, from the plan's own random stream, before any pixel is drawn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from caesar.demo.fonts import digits_of, find_fonts
from caesar.demo.hands import Writer
from caesar.demo.layouts import (
    Direction,
    Labels,
    Layout,
    Line,
    Placement,
    Token,
    compose,
    where,
)
from caesar.demo.materials import Material
from caesar.demo.truth import CaseWriting, NumberPlaces, WrittenLine, WrittenNumber
from caesar.demo.variety import Fonts, Variety
from caesar.demo.vocab import NUMBER_KINDS, NumberKind, Script, western_digits, write_digits
from caesar.demo.writing import LabelScript, Style, WritingKind, label_script

Where = Literal["own_line", "shared_line", "skin", "absent"]
Illegible = Literal["no_card", "out_of_frame", "blurred", "skin_far"]
ILLEGIBLE: tuple[Illegible, ...] = ("no_card", "out_of_frame", "blurred", "skin_far")
_ILLEGIBLE_WEIGHTS = (0.35, 0.25, 0.25, 0.15)
_WRITING_KINDS: tuple[WritingKind, ...] = ("typeset", "handwriting_font", "hand")


@dataclass(frozen=True)
class Convention:
    """How the numbers were usually written on one day."""

    layout: Layout
    labelled: bool
    label_script: LabelScript
    words: dict[NumberKind, str]  # a label of each kind in ``label_script``
    placement: Placement
    separator: str


@dataclass(frozen=True)
class NumberWriting:
    """How one body's numbers were written: the same in every photo of the case."""

    variety: Literal["seen", "held_out"]
    material: Material
    layout: Layout
    style: Style
    lines: tuple[Line, ...]  # on the material (nothing when there is no card)
    skin: tuple[Line, ...]  # a number written on the skin beside a card
    where: dict[NumberKind, Where]
    labelled: bool
    illegible: Illegible | None


def day_convention(rng: random.Random, variety: Variety) -> Convention:
    """A day's habits of writing numbers."""
    script: LabelScript = rng.choice(("arabic", "latin"))
    words = {k: rng.choice([w for w in variety.labels[k] if label_script(w) == script])
             for k in NUMBER_KINDS}
    return Convention(rng.choice(variety.layouts), rng.random() < variety.labelled_share,
                      script, words, rng.choice(variety.placements[script]),
                      rng.choice(variety.separators))


def choose_writing(rng: random.Random, variety: Variety, convention: Convention, *,
                   numbers: dict[NumberKind, str], script: Script,
                   skin_number: NumberKind | None) -> NumberWriting:
    """How one case's ``numbers`` (Western digits) were written, in ``script`` digits."""
    illegible: Illegible | None = (rng.choices(ILLEGIBLE, weights=_ILLEGIBLE_WEIGHTS)[0]
                                   if rng.random() < variety.illegible_share else None)
    material = (variety.skin() if illegible == "skin_far"
                else rng.choices(variety.materials, weights=variety.material_weights)[0])
    if rng.random() < 0.25:
        convention = day_convention(rng, variety)  # this case departs from the day's habits
    layout = convention.layout
    if len(layout.lines) > material.max_lines:
        layout = rng.choice([lay for lay in variety.layouts
                             if len(lay.lines) <= material.max_lines])
    written = {k: write_digits(v, script) for k, v in numbers.items()}
    places: dict[NumberKind, Where] = {}
    on_skin: NumberKind | None = skin_number if material.surface != "skin" else None
    absent: NumberKind | None = None
    if rng.random() < variety.absent_share:
        absent = rng.choices(("forensic", "detainee"), weights=(0.6, 0.4))[0]
        if absent == on_skin:
            on_skin = None
    labels = _labels(rng, variety, convention, script) if convention.labelled else None
    carried = {k: v for k, v in written.items() if k not in (on_skin, absent)}
    label_only = frozenset(k for k in (on_skin, absent) if k is not None and rng.random() < 0.5)
    arabic_words = labels is not None and any(label_script(w) == "arabic"
                                              for w in labels.words.values())
    direction: Direction = "rtl" if script == "arabic_indic" or arabic_words else "ltr"
    lines = compose(layout, carried, separator=convention.separator, labels=labels,
                    label_only=label_only, direction=direction)
    skin = (Line((Token("number", written[on_skin], on_skin),), direction),) if on_skin else ()
    if illegible == "no_card":
        lines, skin = (), ()
    for kind in NUMBER_KINDS:
        if not lines and not skin:
            places[kind] = "absent"
        elif kind == on_skin or (material.surface == "skin" and kind in carried):
            places[kind] = "skin"
        else:
            places[kind] = where(lines, kind) or "absent"
    return NumberWriting(variety.name, material, layout, _style(rng, variety, script), lines,
                         skin, places, labels is not None, illegible)


def _labels(rng: random.Random, variety: Variety, convention: Convention,
            script: Script) -> Labels:
    if script == "arabic_indic" and convention.label_script == "latin":
        # Arabic-Indic digits are written with Arabic words beside them.
        words = {k: rng.choice([w for w in variety.labels[k] if label_script(w) == "arabic"])
                 for k in NUMBER_KINDS}
        return Labels(words, rng.choice(variety.placements["arabic"]))
    return Labels(convention.words, convention.placement)


def _style(rng: random.Random, variety: Variety, script: Script) -> Style:
    kind = rng.choices(_WRITING_KINDS, weights=variety.writing_weights)[0]
    label_fonts: dict[LabelScript, Path] = {
        "arabic": rng.choice(installed_label_fonts(variety, "arabic")),
        "latin": rng.choice(installed_label_fonts(variety, "latin"))}
    if kind == "hand":
        hand = rng.choice(variety.hands)
        return Style("hand", hand.name, script, None, Writer.of(hand, rng), label_fonts)
    fonts = variety.typeset_fonts if kind == "typeset" else variety.handwriting_fonts
    font = rng.choice(installed(fonts[script], digits_of(script),
                                f"{script.replace('_', '-')} digits in the {variety.name} faces"))
    return Style(kind, font.name, script, font, None, label_fonts)


def installed(fonts: Fonts, text: str, what: str) -> tuple[Path, ...]:
    """The installed fonts of ``fonts`` that draw ``text`` (raises FontsMissing if none)."""
    return find_fonts(tuple(fonts.items()), text, what)


def installed_label_fonts(variety: Variety, script: LabelScript) -> tuple[Path, ...]:
    """The installed label faces of ``variety`` for labels in ``script``."""
    words = "".join(w for ws in variety.labels.values() for w in ws if label_script(w) == script)
    return installed(variety.label_fonts[script], words, f"the {variety.name} {script} labels")


def written_line(line: Line) -> WrittenLine:
    """A line as the ground truth records it."""
    return WrittenLine(text=line.text, visual=line.visual, direction=line.direction,
                       labels=tuple(t.text for t in line.tokens if t.kind == "label"),
                       numbers=tuple(WrittenNumber(kind=t.number, value=western_digits(t.text),
                                                   text=t.text)
                                     for t in line.numbers if t.number is not None))


def writing_truth(writing: NumberWriting) -> CaseWriting:
    """How a varied case's numbers were written, as the ground truth records it."""
    return CaseWriting(
        variety=writing.variety, material=writing.material.name,
        layout=writing.layout.name, writing=writing.style.name,
        writing_kind=writing.style.kind, labelled=writing.labelled,
        lines=tuple(written_line(line) for line in writing.lines),
        skin=tuple(written_line(line) for line in writing.skin),
        where=NumberPlaces(**writing.where), illegible=writing.illegible)


def plain_truth(lines: tuple[str, ...], font: str, script: Script,
                skin_number: NumberKind | None, numbers: dict[NumberKind, str]) -> CaseWriting:
    """How a plain case's numbers were written: one a line on a white card, typeset."""
    def single(kind: NumberKind, text: str) -> WrittenLine:
        return WrittenLine(text=text, visual=text, direction="ltr", labels=(),
                           numbers=(WrittenNumber(kind=kind, value=numbers[kind], text=text),))

    kinds = [k for k in NUMBER_KINDS if k != skin_number]
    places: dict[NumberKind, Where] = {k: ("skin" if k == skin_number else "own_line")
                                       for k in NUMBER_KINDS}
    return CaseWriting(
        variety="plain", material="white_card", layout="three_lines", writing=font,
        writing_kind="typeset", labelled=False,
        lines=tuple(single(k, text) for k, text in zip(kinds, lines, strict=True)),
        skin=(single(skin_number, write_digits(numbers[skin_number], script)),)
        if skin_number else (), where=NumberPlaces(**places), illegible=None)
