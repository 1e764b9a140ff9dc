"""What a file's content is: its media type, and the still-image formats the archive decodes.

Importing this module teaches Pillow the formats of today's phones and cameras: HEIC/HEIF
through `pillow-heif` (libheif); DNG and other cameras' raw files through LibRaw
(:mod:`caesar.camera_raw`); AVIF, PNG, TIFF, WebP and JPEG Pillow reads itself. Every module that
opens an original or a family's photo imports it (directly or through what it imports), so a
HEIC opens everywhere a JPEG does: intake, thumbnails, reading numbers, exports.

Files that no image decoder opens are typed by libmagic, the database behind `file(1)`
(through `python-magic`): it knows text, PDF, office documents, audio and video, which a list of
signatures written here would only ever partly repeat, and it is kept up to date by Debian.
"""

from __future__ import annotations

import os
from typing import Final

import magic
import pillow_heif
from PIL import Image

from caesar import camera_raw

pillow_heif.register_heif_opener()
camera_raw.register()

OCTET_STREAM: Final = "application/octet-stream"
"""The media type of content that no known type matches."""
SNIFF_BYTES: Final = 1024 * 1024
"""How much of a file libmagic is shown: enough for a ZIP-based office document's directory
of parts and for telling text from binary, and bounded for a file of any size."""

IMAGE_SUFFIXES: Final = frozenset({
    ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".tif", ".tiff", ".bmp", ".webp",
    ".heic", ".heif", ".hif", ".avif",
    # raw files of cameras (DNG, Canon, Nikon, Sony, Olympus, Panasonic, Fujifilm, Pentax)
    ".dng", ".cr2", ".cr3", ".nef", ".arw", ".orf", ".rw2", ".raf", ".pef",
})
"""File name endings that say "this is a still image" (compared in lower case)."""


def media_type_of(data: bytes) -> str:
    """The media type libmagic finds in `data` (a file's first :data:`SNIFF_BYTES` bytes)."""
    # libmagic never raises for what the data holds; it answers "application/octet-stream".
    found = magic.from_buffer(data[:SNIFF_BYTES], mime=True)
    return found if isinstance(found, str) and "/" in found else OCTET_STREAM


def named_as_image(name: str) -> bool:
    """Whether a file's name says it is a still image (`IMG_0001.HEIC`, `scan.jpg`)."""
    return os.path.splitext(name)[1].lower() in IMAGE_SUFFIXES


def decoded_by_pillow(media_type: str) -> bool:
    """Whether an image of `media_type` is one Pillow (with the plugins above) decodes."""
    Image.init()  # Pillow loads its format plugins (and so their media types) lazily
    return media_type.startswith("image/") and (
        media_type in Image.MIME.values() or media_type in _HEIF_TYPES
        or media_type == camera_raw.DNG)


_HEIF_TYPES: Final = frozenset({"image/heic", "image/heif", "image/heic-sequence",
                                "image/heif-sequence"})
