"""How two near-identical photos differ: re-encoded, resized, cropped, a region changed.

Used for pairs of originals whose PDQ hashes are close but not equal (so a variant of a photo
is never taken for a second body) and for a photo from outside compared with the original the
archive holds (`caesar examine --compare FILE`). OpenCV finds where a crop lies in the
original (normalised cross-correlation, ``cv2.matchTemplate``); the difference map is the
mean absolute difference of the aligned, lightly blurred grey images per cell.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import cv2
import numpy as np
from PIL import Image
from pydantic import BaseModel, Field

from caesar.forensics.jpeg import JpegStructureError, is_jpeg, read_structure
from caesar.forensics.tables import describe_tables, table_signature

WORK_SIDE = 512  # both photos are compared at this long side
MAP_CELLS = 16  # the difference map has this many cells along the long side
CHANGED = 12.0  # mean grey difference (0..255) of a cell above which it changed
PAIR_DISTANCE = 31  # PDQ bits: near-identical (the threshold cases use for copies)
_WHOLE_FRAME = 0.95  # correlation of a same-shaped photo above which it is not a crop
SAME_PICTURE = 0.8  # correlation above which a crop PDQ cannot see is the same picture


class Difference(BaseModel):
    """How a photo differs from an original."""

    distance: int | None = None  # PDQ bits apart
    similarity: float | None = None  # correlation of the aligned grey images, -1..1
    same_bytes: bool = False
    how: list[str] = Field(default_factory=list)  # re-encoded, resized, cropped, region
    words: list[str] = Field(default_factory=list)  # each in a sentence
    crop: list[int] | None = None  # x, y, width, height of the original it shows
    scale: float | None = None  # its size over the size of what it shows
    changed_cells: list[list[int]] = Field(default_factory=list)  # (row, col), original's grid
    cell: int | None = None  # the map's cell, in pixels of the original
    map: list[list[float]] = Field(default_factory=list)


def hamming(a: str, b: str) -> int:
    """Bits apart of two PDQ hashes (hex)."""
    return int(bin(int(a, 16) ^ int(b, 16)).count("1"))


def _decoded(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        image = Image.open(io.BytesIO(data))
        image.draft("RGB", (WORK_SIDE * 2, WORK_SIDE * 2))
        return image.convert("L")


def _tables(data: bytes) -> tuple[str | None, str]:
    if not is_jpeg(data):
        return None, "not a JPEG"
    try:
        structure = read_structure(data)
    except JpegStructureError:
        return None, "not a JPEG"
    return (table_signature(structure) if structure.quant else None,
            describe_tables(structure))


def describe(original: bytes, other: bytes, distance: int | None = None) -> Difference:
    """How `other` differs from `original` (both whole files)."""
    if original == other:
        return Difference(distance=0, same_bytes=True, words=["the very same bytes"])
    result = Difference(distance=distance)
    a_img, b_img = _decoded(original), _decoded(other)
    a_size, b_size = Image.open(io.BytesIO(original)).size, Image.open(io.BytesIO(other)).size
    (a_tables, a_words), (b_tables, b_words) = _tables(original), _tables(other)
    if a_tables != b_tables:
        result.how.append("re-encoded")
        result.words.append(f"saved again with other compression tables ({b_words}; the"
                            f" original has {a_words})")
    scale = WORK_SIDE / max(a_img.size)
    a = np.asarray(a_img.resize((max(8, round(a_img.width * scale)),
                                 max(8, round(a_img.height * scale))), Image.Resampling.BOX),
                   dtype=np.float32)
    box = _located(a, b_img, a_size, b_size)
    x, y, w, h = box
    if (w, h) != a_size:
        result.how.append("cropped")
        result.words.append(f"cropped: it shows {w}×{h} pixels of the original's"
                            f" {a_size[0]}×{a_size[1]}, from x {x}, y {y}")
        result.crop = [x, y, w, h]
    result.scale = round(b_size[0] / w, 3)
    if abs(result.scale - 1) > 0.01:
        result.how.append("resized")
        result.words.append(f"resized to {b_size[0]}×{b_size[1]} ({result.scale:.0%} of the"
                            " original's scale)")
    _changed(result, a, b_img, box, scale)
    if not result.how:
        result.words.append("the same picture in other bytes (metadata differs)")
        result.how.append("metadata")
    return result


def _located(a: np.ndarray[Any, Any], b_img: Image.Image, a_size: tuple[int, int],
             b_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Where `b` lies in the original, in the original's pixels (x, y, width, height)."""
    whole = (0, 0, a_size[0], a_size[1])
    if abs(b_size[0] / b_size[1] - a_size[0] / a_size[1]) < 0.01:
        template = np.asarray(b_img.resize((a.shape[1], a.shape[0]), Image.Resampling.BOX),
                              dtype=np.float32)
        if float(np.corrcoef(a.ravel(), template.ravel())[0, 1]) >= _WHOLE_FRAME:
            return whole  # the same frame, resized or not
    # Searched at a quarter of the work size (a tenth of the time), every 2% of the width.
    small = cv2.resize(a, (a.shape[1] // 2, a.shape[0] // 2), interpolation=cv2.INTER_AREA)
    work = small.shape[1] / a_size[0]  # original's pixels -> search pixels
    best: tuple[float, tuple[int, int, int, int]] = (-2.0, whole)
    for share in np.linspace(1.0, 0.5, 26):  # the crop's width as a share of the original's
        w = a_size[0] * share
        h = w * b_size[1] / b_size[0]
        if h > a_size[1]:
            continue
        tw, th = max(8, round(w * work)), max(8, round(h * work))
        template = np.asarray(b_img.resize((tw, th), Image.Resampling.BOX), dtype=np.float32)
        scores = cv2.matchTemplate(small, template, cv2.TM_CCOEFF_NORMED)
        _, score, _, at = cv2.minMaxLoc(scores)
        if score > best[0] + 0.002:  # the whole frame first: a crop must do better
            best = (score, (round(at[0] / work), round(at[1] / work), round(w), round(h)))
    return best[1]


def _changed(result: Difference, a: np.ndarray[Any, Any], b_img: Image.Image,
             box: tuple[int, int, int, int], scale: float) -> None:
    x, y, w, h = (round(v * scale) for v in box)
    part = a[y:y + h, x:x + w]
    if part.size == 0:
        return
    b = np.asarray(b_img.resize((part.shape[1], part.shape[0]), Image.Resampling.BOX),
                   dtype=np.float32)
    result.similarity = round(float(np.corrcoef(part.ravel(), b.ravel())[0, 1]), 3)
    diff = np.abs(cv2.GaussianBlur(part, (5, 5), 1.5) - cv2.GaussianBlur(b, (5, 5), 1.5))
    side = max(8, max(diff.shape) // MAP_CELLS)
    rows, cols = diff.shape[0] // side, diff.shape[1] // side
    if not rows or not cols:
        return
    cells = diff[:rows * side, :cols * side].reshape(rows, side, cols, side).mean(axis=(1, 3))
    result.map = [[round(float(v), 1) for v in row] for row in cells]
    result.cell = round(side / scale)
    changed = [[int(r), int(c)] for r, c in zip(*np.nonzero(cells > CHANGED), strict=True)]
    if changed:
        result.changed_cells = changed
        result.how.append("region changed")
        rr = [r for r, _ in changed]
        cc = [c for _, c in changed]
        result.words.append(
            f"a region differs: {len(changed)} cells of {result.cell} pixels, around x"
            f" {box[0] + min(cc) * result.cell}, y {box[1] + min(rr) * result.cell} of the"
            " original")
