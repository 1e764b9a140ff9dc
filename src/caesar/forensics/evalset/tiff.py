"""A small EXIF writer: the TIFF structure inside APP1, laid out as a given camera lays it out.

Written by hand because the evaluation set needs control that the libraries lack: Pillow
writes no IFD1 (the thumbnail), piexif's output makes exiv2 warn, and each camera model has
its own set of tags, its MakerNote and its thumbnail, which is what the examination learns.
Little-endian ("II"), as most cameras write it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

Value = str | int | tuple[int, int] | bytes

_ASCII, _SHORT, _LONG, _RATIONAL, _UNDEFINED = 2, 3, 4, 5, 7
_SHORT_TAGS = frozenset({0x0103, 0x0112, 0x0128, 0x0213, 0x8827, 0x9207, 0x9209, 0xA001, 0xA402,
                         0xA403, 0xA406})


@dataclass(frozen=True)
class Entry:
    """One tag and its value (str: ASCII, int: SHORT/LONG, pair: RATIONAL, bytes: UNDEFINED)."""

    tag: int
    value: Value


def _encode(entry: Entry) -> tuple[int, int, bytes]:
    value = entry.value
    if isinstance(value, str):
        data = value.encode("latin-1") + b"\x00"
        return _ASCII, len(data), data
    if isinstance(value, bytes):
        return _UNDEFINED, len(value), value
    if isinstance(value, tuple):
        return _RATIONAL, 1, struct.pack("<II", *value)
    if entry.tag in _SHORT_TAGS:
        return _SHORT, 1, struct.pack("<H", value)
    return _LONG, 1, struct.pack("<I", value)


def _ifd(entries: list[Entry], start: int, next_ifd: int) -> bytes:
    """One IFD placed at `start`: its entries (sorted by tag, as TIFF asks), then its data."""
    entries = sorted(entries, key=lambda e: e.tag)
    head = struct.pack("<H", len(entries))
    data_at = start + 2 + 12 * len(entries) + 4
    body = b""
    extra = b""
    for entry in entries:
        kind, count, data = _encode(entry)
        if len(data) <= 4:
            body += struct.pack("<HHI", entry.tag, kind, count) + data.ljust(4, b"\x00")
        else:
            body += struct.pack("<HHII", entry.tag, kind, count, data_at + len(extra))
            extra += data + (b"\x00" if len(data) % 2 else b"")
    return head + body + struct.pack("<I", next_ifd) + extra


def _size(entries: list[Entry]) -> int:
    return len(_ifd(entries, 0, 0))


def exif_segment(ifd0: list[Entry], exif: list[Entry], thumbnail: bytes | None = None) -> bytes:
    """The APP1 payload (``Exif\\0\\0`` and the TIFF structure), ready for Pillow's ``exif=``."""
    # Pointers are LONGs whose values depend on the sizes before them; placeholders first.
    ifd0 = [*ifd0, Entry(0x8769, 0)]
    ifd0_at = 8
    exif_at = ifd0_at + _size(ifd0)
    ifd0 = [e if e.tag != 0x8769 else Entry(0x8769, exif_at) for e in ifd0]
    ifd1_at = exif_at + _size(exif)
    ifd1: list[Entry] = []
    if thumbnail is not None:
        ifd1 = [Entry(0x0103, 6), Entry(0x0201, 0), Entry(0x0202, len(thumbnail))]
        thumb_at = ifd1_at + _size(ifd1)
        ifd1 = [Entry(0x0103, 6), Entry(0x0201, thumb_at), Entry(0x0202, len(thumbnail))]
    tiff = b"II*\x00" + struct.pack("<I", ifd0_at)
    tiff += _ifd(ifd0, ifd0_at, ifd1_at if thumbnail is not None else 0)
    tiff += _ifd(exif, exif_at, 0)
    if thumbnail is not None:
        tiff += _ifd(ifd1, ifd1_at, 0) + thumbnail
    return b"Exif\x00\x00" + tiff
