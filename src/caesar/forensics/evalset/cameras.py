"""The cameras of the evaluation set: real quantization tables, EXIF layouts and numbering.

The tables were read (with `caesar.forensics.jpeg`) from camera files of the public
exif-samples collection (github:ianare/exif-samples; numbers only, no image is kept): a Nikon
COOLPIX P6000 (``jpg/gps/DSCN0010.jpg``), a Canon PowerShot (``jpg/tests/22-canon_tags.jpg``),
a Nokia 8.3 5G phone (``jpg/mobile/HMD_Nokia_8.3_5G.jpg``, libjpeg's tables at quality 95),
and, held out, a Pentax K10D and a Kodak CX7530 (``jpg/Pentax_K10D.jpg``,
``jpg/Kodak_CX7530.jpg``; the samples' authors may have re-saved those two small files, so
their tables stand for "some encoder's own tables"). Thresholds were set on the first three.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from caesar.forensics.tables import ANNEX_K_CHROMINANCE, ANNEX_K_LUMINANCE, ijg_table

Split = Literal["tuned", "held_out"]

_NIKON_Y = (5, 4, 3, 5, 8, 13, 16, 20, 4, 4, 4, 6, 8, 19, 19, 18, 4, 4, 5, 8, 13, 18, 22, 18,
            4, 5, 7, 9, 16, 28, 26, 20, 6, 7, 12, 18, 22, 35, 33, 25, 8, 11, 18, 20, 26, 33, 36,
            29, 16, 20, 25, 28, 33, 39, 38, 32, 23, 29, 30, 31, 36, 32, 33, 32)
_NIKON_C = (5, 6, 8, 15, 32, 32, 32, 32, 6, 7, 8, 21, 32, 32, 32, 32, 8, 8, 18, *([32] * 5),
            15, 21, *([32] * 38))
_CANON_Y = (1, 1, 1, 2, 3, 6, 8, 10, 1, 1, 2, 3, 4, 8, 9, 8, 2, 2, 2, 3, 6, 8, 10, 8, 2, 2, 3, 4,
            7, 12, 11, 9, 3, 3, 8, 11, 10, 16, 15, 11, 3, 5, 8, 10, 12, 15, 16, 13, 7, 10, 11,
            12, 15, 17, 17, 14, 14, 13, 13, 15, 15, 14, 14, 14)
_CANON_C = (4, 4, 5, 9, 15, 26, 26, 26, 4, 4, 5, 10, 19, 26, 26, 26, 5, 5, 8, 9, 26, 26, 26, 26,
            9, 10, 9, 13, 26, 26, 26, 26, 15, 19, *([26] * 30))
_PENTAX_Y = (13, 9, 8, 13, 20, 34, 43, 51, 10, 10, 12, 16, 22, 49, 50, 46, 12, 11, 13, 20, 34,
             48, 58, 47, 12, 14, 18, 24, 43, 73, 67, 52, 15, 18, 31, 47, 57, 92, 87, 65, 20, 29,
             46, 54, 68, 87, 95, 77, 41, 54, 66, 73, 87, 102, 101, 85, 60, 77, 80, 82, 94, 84,
             87, 83)
_PENTAX_C = (14, 15, 20, 39, 83, 83, 83, 83, 15, 18, 22, 55, 83, 83, 83, 83, 20, 22, 47,
             *([83] * 5), 39, 55, *([83] * 38))
_KODAK_Y = (8, 5, 5, 8, 12, 19, 24, 29, 6, 6, 7, 9, 12, 28, 29, 26, 7, 6, 8, 12, 19, 27, 33, 27,
            7, 8, 11, 14, 24, 42, 38, 30, 9, 11, 18, 27, 33, 52, 49, 37, 12, 17, 26, 31, 39, 50,
            54, 44, 24, 31, 37, 42, 49, 58, 58, 48, 35, 44, 46, 47, 54, 48, 49, 48)
_KODAK_C = (8, 9, 12, 23, 48, 48, 48, 48, 9, 10, 12, 32, 48, 48, 48, 48, 12, 12, 27,
            *([48] * 5), 23, 32, *([48] * 38))


@dataclass(frozen=True)
class EvalCamera:
    """A camera model of the evaluation set and how it writes a file."""

    key: str
    make: str
    model: str
    software: str | None
    luma: tuple[int, ...]
    chroma: tuple[int, ...]
    subsampling: int  # Pillow: 0 = 4:4:4, 1 = 4:2:2, 2 = 4:2:0
    file_pattern: str  # with the frame counter
    makernote: bytes | None  # a maker's private block, as its firmware writes it
    thumbnail: bool
    extra_tags: tuple[int, ...]  # further Exif-IFD tags this model writes (as SHORT 1)
    split: Split

    @property
    def tables(self) -> list[list[int]]:
        """Pillow's ``qtables``."""
        return [list(self.luma), list(self.chroma)]


CAMERAS: tuple[EvalCamera, ...] = (
    EvalCamera("nikon-p6000", "NIKON", "COOLPIX P6000", "Nikon Transfer 1.1 W", _NIKON_Y,
               _NIKON_C, 1, "DSCN{:04d}.JPG", b"Nikon\x00\x02\x10\x00\x00" + bytes(54), True,
               (0x9207, 0xA402), "tuned"),
    EvalCamera("canon-powershot", "Canon", "Canon PowerShot S5 IS", None, _CANON_Y, _CANON_C, 1,
               "IMG_{:04d}.JPG", bytes(range(1, 97)), True, (0xA401, 0xA403), "tuned"),
    EvalCamera("nokia-8-3", "HMD Global", "Nokia 8.3 5G", "Nokia 8.3 5G V3.120",
               ijg_table(ANNEX_K_LUMINANCE, 95), ijg_table(ANNEX_K_CHROMINANCE, 95), 2,
               "IMG_2021{:04d}.jpg", None, False, (0x9207, 0xA406), "tuned"),
    EvalCamera("pentax-k10d", "PENTAX Corporation", "PENTAX K10D", "K10D Ver 1.31", _PENTAX_Y,
               _PENTAX_C, 0, "IMGP{:04d}.JPG", b"AOC\x00MM" + bytes(60), True,
               (0x9207, 0xA401, 0xA402), "held_out"),
    EvalCamera("kodak-cx7530", "EASTMAN KODAK COMPANY", "KODAK CX7530 ZOOM DIGITAL CAMERA",
               None, _KODAK_Y, _KODAK_C, 0, "100_{:04d}.JPG", b"KDK" + bytes(70), True,
               (0xA403,), "held_out"),
)
