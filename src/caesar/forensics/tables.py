"""What a JPEG's tables say about the encoder that wrote them.

Like `jpeg.py`, it runs on Python's standard library alone: an evidence package carries both
files, byte for byte, beside `reproduce.py`, so that an expert recomputes the findings.

The Independent JPEG Group's library (libjpeg, libjpeg-turbo: Pillow, GIMP, ImageMagick,
OpenCV and most editors) scales the two example tables of T.81 Annex K by a quality from 1 to
100; many cameras write tables of their own. The Annex K Huffman tables are what an encoder
uses unless it optimises them for the image (``optimize=True`` in Pillow, most web tools).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # at run time this module needs the standard library alone: an evidence
    from caesar.forensics.jpeg import JpegStructure  # package ships it to reproduce findings

# T.81 Annex K, tables K.1 and K.2, natural order.
ANNEX_K_LUMINANCE = (
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99)
ANNEX_K_CHROMINANCE = (
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
    *([99] * 32))
# T.81 Annex K.3: the counts of code lengths of the four example Huffman tables.
_ANNEX_K_HUFFMAN_COUNTS = {
    (0, 0): bytes([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]),
    (0, 1): bytes([0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]),
    (1, 0): bytes([0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]),
    (1, 1): bytes([0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77]),
}


def ijg_table(base: tuple[int, ...], quality: int) -> tuple[int, ...]:
    """The table libjpeg writes for `quality` (jcparam.c: jpeg_quality_scaling, baseline)."""
    scale = 5000 // quality if quality < 50 else 200 - quality * 2
    return tuple(min(255, max(1, (v * scale + 50) // 100)) for v in base)


def ijg_quality(structure: JpegStructure) -> int | None:
    """The libjpeg quality whose tables these are exactly, or None (custom tables)."""
    luma = structure.quant.get(0)
    if luma is None:
        return None
    chroma = structure.quant.get(1)
    for quality in range(100, 0, -1):
        if ijg_table(ANNEX_K_LUMINANCE, quality) != luma:
            continue
        if chroma is None or ijg_table(ANNEX_K_CHROMINANCE, quality) == chroma:
            return quality
    return None


def estimated_quality(structure: JpegStructure) -> float | None:
    """The libjpeg quality the luminance table is closest to (custom tables too), 1..100."""
    luma = structure.quant.get(0)
    if luma is None:
        return None
    # Average scale against Annex K, then back through libjpeg's quality curve.
    scale = 100.0 * sum(luma) / sum(ANNEX_K_LUMINANCE)
    quality = 5000.0 / scale if scale > 100 else (200.0 - scale) / 2.0
    return round(max(1.0, min(100.0, quality)), 1)


def standard_huffman(structure: JpegStructure) -> bool | None:
    """True when every Huffman table is Annex K's, False when any is the image's own (an
    optimised encoding), None for a file without Huffman tables (progressive uses its own)."""
    if not structure.huffman:
        return None
    return all(_ANNEX_K_HUFFMAN_COUNTS.get((kind, min(table, 1))) == counts
               for (kind, table), (counts, _symbols) in structure.huffman.items())


def table_signature(structure: JpegStructure) -> str:
    """A short name for the set of quantization tables, the same for the same tables."""
    digest = hashlib.sha256()
    for table_id in sorted(structure.quant):
        digest.update(bytes([table_id]) + bytes(min(v, 255) for v in structure.quant[table_id]))
    return digest.hexdigest()[:16]


def describe_tables(structure: JpegStructure) -> str:
    """The tables in words: libjpeg's at a quality, or the encoder's own."""
    quality = ijg_quality(structure)
    if quality is not None:
        return f"the libjpeg (IJG) standard tables at quality {quality}"
    estimate = estimated_quality(structure)
    return ("custom tables (not libjpeg's), close to libjpeg quality"
            f" {estimate:.0f}" if estimate is not None else "no quantization tables")
