"""A case's numbers in one photo: the card as the first generator drew it, or varied writing.

A *plain* case carries today's white card (three lines, typeset, :mod:`caesar.demo.cards`); a
*varied* case carries what :mod:`caesar.demo.numbering` chose (a card, slip, tape or the skin,
any layout, labels, faces or hands), drawn by :mod:`caesar.demo.regions`. Either way every
photo's truth says what was written where and whether a person could read it there.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from typing import Any

from PIL import Image

from caesar.demo.cards import CardStyle, draw_card, draw_skin_text
from caesar.demo.layouts import Line
from caesar.demo.numbering import NumberWriting
from caesar.demo.plan import CasePlan, PhotoPlan
from caesar.demo.regions import MIN_DIGIT_PX, Look, Placed, choose_look, draw_region
from caesar.demo.render import Scene, View, clamp_view, map_point, view_scale
from caesar.demo.variety import VARIETIES
from caesar.demo.vocab import western_digits, write_digits

Record = dict[str, Any]


@dataclass(frozen=True)
class CaseLooks:
    """What carries one varied case's numbers, as physical objects."""

    carrier: Look | None  # the card, slip, tape or patch of skin that most numbers are on
    skin: Look | None  # a number written on the skin beside the carrier
    writing: NumberWriting
    blur: float  # the case's photos' blur, pixels at 1 MP


def choose_looks(rng: random.Random, writing: NumberWriting, seed: str,
                 width: int) -> CaseLooks:
    """The physical carriers of ``writing`` for one case."""
    variety = VARIETIES[writing.variety]
    carrier = None
    if writing.lines:
        height = None
        if writing.illegible == "skin_far":
            # Written small where no photo comes close: too small to read in any wide view.
            height = 4.2 * (len(writing.lines) + 0.7) * 1152 / width
        carrier = choose_look(rng, writing.material, writing.lines, writing.style,
                              tilt=variety.tilt, occluded=rng.random() < variety.occluded_share,
                              shadowed=rng.random() < variety.shadow_share,
                              seed=f"{seed}:carrier", height=height)
    skin = None
    if writing.skin:
        skin = choose_look(rng, variety.skin(), writing.skin, writing.style, tilt=variety.tilt,
                           occluded=False, shadowed=False, seed=f"{seed}:skin",
                           height=rng.uniform(16, 22))
    return CaseLooks(carrier, skin, writing, rng.uniform(*variety.blur))


def carrier_extent(scene: Scene, view: View, size: tuple[int, int], aspect: float,
                   height: float, angle: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """Where a carrier's centre falls in the photo and its half extents once turned."""
    scale = view_scale(view, size)
    h = height * scale
    w = h * aspect
    a = math.radians(angle + view.angle)
    hx = (w * abs(math.cos(a)) + h * abs(math.sin(a))) / 2 + 4
    hy = (w * abs(math.sin(a)) + h * abs(math.cos(a))) / 2 + 4
    return map_point(view, size, scene.card), (hx, hy)


def fits(centre: tuple[float, float], half: tuple[float, float], size: tuple[int, int]) -> bool:
    """Whether a box of ``half`` extents around ``centre`` lies inside the frame."""
    return (centre[0] - half[0] >= 0 and centre[1] - half[1] >= 0
            and centre[0] + half[0] <= size[0] and centre[1] + half[1] <= size[1])


def framed(scene: Scene, view: View, size: tuple[int, int], aspect: float,
           height: float) -> View:
    """A close-up's view, stepped back and centred on the carrier until all of it shows."""
    while not fits(*carrier_extent(scene, view, size, aspect, height, scene.card_angle),
                   size) and view.zoom > 1.0:
        view = clamp_view(View(scene.card[0], scene.card[1], max(1.0, view.zoom * 0.85),
                               view.angle))
    return view


def plain_numbers(image: Image.Image, case: CasePlan, photo: PhotoPlan, scene: Scene,
                  view: View, style: CardStyle, blur: float) -> tuple[Record | None,
                                                                      list[Record],
                                                                      list[Record]]:
    """Draw a plain case's card (when in frame) and skin number; their truth records."""
    size = image.size
    scale = view_scale(view, size)
    card: Record | None = None
    skin: list[Record] = []
    regions: list[Record] = []
    values = {"detainee": case.detainee, "branch": case.branch, "forensic": case.forensic}
    if photo.show_card and fits(*carrier_extent(scene, view, size, style.aspect,
                                                scene.card_height, scene.card_angle), size):
        centre = map_point(view, size, scene.card)
        h = scene.card_height * scale
        lines = [write_digits(v, case.script) for k, v in values.items()
                 if k != case.skin_number]
        box = draw_card(image, centre, h, scene.card_angle + view.angle, lines, style, blur)
        card = {**{k: (None if case.skin_number == k else v) for k, v in values.items()},
                "lines": lines, "script": case.script, "font": style.font.name, "box": box}
        kinds = [k for k in values if k != case.skin_number]
        # As cards.draw_card sizes them: a line's digits are 0.55 of its height, or less.
        digit = h / (len(lines) + 0.7) * 0.55
        regions.append(_plain_region("white_card", "card", "three_lines", style, box, [
            _single_line(k, v, values[k]) for k, v in zip(kinds, lines, strict=True)], digit, blur))
    if case.skin_number:
        centre = map_point(view, size, scene.skin)
        h = 15 * scale
        if fits(centre, (h * 2.5, h * 2.5), size):
            value = values[case.skin_number]
            text = write_digits(value, case.script)
            box = draw_skin_text(image, centre, h, view.angle + 4, text, style, blur)
            skin.append({"kind": case.skin_number, "value": value, "text": text,
                         "script": case.script, "box": box})
            regions.append(_plain_region("skin", "skin", "one_number", style, box, [
                _single_line(case.skin_number, text, value)], h, blur))
    return card, skin, regions


def _single_line(kind: str, text: str, value: str) -> Record:
    return {"text": text, "visual": text, "direction": "ltr", "labels": [],
            "numbers": [{"kind": kind, "value": value, "text": text}]}


def _plain_region(material: str, surface: str, layout: str, style: CardStyle,
                  box: tuple[int, int, int, int], lines: list[Record], digit: float,
                  blur: float) -> Record:
    legible = digit >= MIN_DIGIT_PX
    x0, y0, x1, y1 = box
    return {"material": material, "surface": surface, "layout": layout,
            "writing": style.font.name, "writing_kind": "typeset", "script": style.script,
            "lines": [{**line, "box": box, "legible": legible} for line in lines],
            "box": box, "corners": [(x0, y0), (x1, y0), (x1, y1), (x0, y1)], "visible": 1.0,
            "legible": legible, "digit_px": round(digit, 1), "blur": round(blur, 2)}


def varied_numbers(image: Image.Image, looks: CaseLooks, photo: PhotoPlan, scene: Scene,
                   view: View, rng: random.Random) -> tuple[Record | None, list[Record],
                                                            list[Record]]:
    """Draw a varied case's carriers as this view sees them; their truth records."""
    size = image.size
    scale = view_scale(view, size)
    writing = looks.writing
    blur = looks.blur * size[0] / 1152
    card: Record | None = None
    skin: list[Record] = []
    regions: list[Record] = []
    carrier = looks.carrier
    on_body = carrier is not None and carrier.material.surface == "skin"
    if carrier is not None and (photo.show_card or on_body):
        centre = map_point(view, size, scene.card)
        if writing.illegible == "out_of_frame":
            # The carrier lies at the frame's edge in every photo, cut through its writing.
            centre = (0.0 if centre[0] < size[0] / 2 else float(size[0]), centre[1])
        if carrier.occluder is not None and rng.random() < 0.5:
            carrier = replace(carrier, occluder=None)  # covered in some photos, not all
        heavy = 0.5 if writing.illegible == "blurred" else 0.0
        placed = draw_region(image, carrier, centre, scale, scene.card_angle + view.angle,
                             blur, min_blur_share=heavy)
        if placed is not None:
            region = _region(carrier, writing, placed)
            regions.append(region)
            if carrier.material.surface == "skin":
                skin += _skin_numbers(region)
            else:
                card = _card(region)
    if looks.skin is not None:
        placed = draw_region(image, looks.skin, map_point(view, size, scene.skin), scale,
                             view.angle + 4, blur)
        if placed is not None:
            region = _region(looks.skin, writing, placed)
            regions.append(region)
            skin += _skin_numbers(region)
    return card, skin, regions


def _line(line: Line) -> Record:
    return {"text": line.text, "visual": line.visual, "direction": line.direction,
            "labels": [t.text for t in line.tokens if t.kind == "label"],
            "numbers": [{"kind": t.number, "value": western_digits(t.text), "text": t.text}
                        for t in line.numbers]}


def _region(look: Look, writing: NumberWriting, placed: Placed) -> Record:
    return {"material": look.material.name, "surface": look.material.surface,
            "layout": writing.layout.name if look.lines == writing.lines else "one_number",
            "writing": writing.style.name, "writing_kind": writing.style.kind,
            "script": writing.style.script,
            "lines": [{**_line(p.line), "box": p.box, "legible": p.legible}
                      for p in placed.lines],
            "box": placed.box, "corners": list(placed.corners),
            "visible": round(placed.visible, 3),
            "legible": all(p.legible for p in placed.lines),
            "digit_px": round(placed.digit_px, 1), "blur": round(placed.blur, 2)}


def _card(region: Record) -> Record:
    values: dict[str, str | None] = {"detainee": None, "branch": None, "forensic": None}
    for line in region["lines"]:
        for number in line["numbers"]:
            values[number["kind"]] = number["value"]
    return {**values, "lines": [line["text"] for line in region["lines"]],
            "script": region["script"], "font": region["writing"], "box": region["box"]}


def _skin_numbers(region: Record) -> list[Record]:
    return [{"kind": n["kind"], "value": n["value"], "text": n["text"],
             "script": region["script"], "box": line["box"]}
            for line in region["lines"] for n in line["numbers"]]


def scaled(records: tuple[Record | None, list[Record], list[Record]],
           factor: float) -> tuple[Record | None, list[Record], list[Record]]:
    """The truth records of a photo for a copy of it scaled by ``factor``."""
    card, skin, regions = records

    def box(b: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(round(v * factor) for v in b)

    def region(r: Record) -> Record:
        digit = r["digit_px"] * factor
        return {**r, "box": box(r["box"]), "digit_px": round(digit, 1),
                "corners": [box(c) for c in r["corners"]],
                "lines": [{**line, "box": box(line["box"]),
                           "legible": line["legible"] and digit >= MIN_DIGIT_PX}
                          for line in r["lines"]],
                "legible": r["legible"] and digit >= MIN_DIGIT_PX}

    return ({**card, "box": box(card["box"])} if card else None,
            [{**s, "box": box(s["box"])} for s in skin], [region(r) for r in regions])
