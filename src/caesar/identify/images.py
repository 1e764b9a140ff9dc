"""What a family's photo file is, and the copy of it that people are shown.

A family brings a photo of the person in life (a portrait, a wedding photo, the tattoo on an
arm). It is not evidence: the archive is not its only copy, and a photo nobody can look at
helps nobody compare it with a case. So, unlike an original (which is kept whatever it
holds), a file that is not a whole, decodable still image is **refused**, with one named
outcome, and nothing of it is kept (personal data with no use is not held): the family or
the partner can give it again as a photo. Every check reads the file in memory only.

Only common still-image formats are decoded, those of cameras and of today's phones (HEIC and
AVIF included; Pillow's other decoders, some of which call out to other programs, are never
tried on a file from outside). What is shown or exported
is always a new JPEG made from the pixels alone, turned upright, at most :data:`SHOWN_PX`
pixels: no EXIF, XMP, IPTC, ICC profile, JFIF header or comment survives, so the GPS position
of the family's home and the phone's owner that a file can carry never leave.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from caesar.access.viewing import render, strip_jpeg
from caesar.identify.vocabulary import MAX_BYTES
from caesar.identify.wording import Number, Phrase, phrase
from caesar.intake.signatures import sniff_media_type
from caesar.media import media_type_of

SHOWN_PX: Final = 1600
"""The long side of the copies shown and exported: enough to compare a face or a tattoo."""
FORMATS: Final = ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP", "HEIF", "AVIF")
"""The still-image formats accepted (Pillow's names; HEIF through pillow-heif, see
`caesar.media`)."""
REFUSALS: Final = ("empty", "too_large", "not_image", "unsupported", "truncated", "corrupt",
                   "decompression_bomb", "unreadable")
"""Every outcome of a file that is refused (nothing of it is kept)."""


@dataclass(frozen=True)
class Examined:
    """A file that is a whole still image: its media type and size as it is seen."""

    media_type: str
    width: int
    height: int


@dataclass(frozen=True)
class Refusal:
    """Why a file is refused: one of :data:`REFUSALS`, and words for the person (a phrase
    each language words itself; what Pillow said is kept as it wrote it)."""

    kind: str
    words: Phrase

    @property
    def problem(self) -> str:
        """The words in English (the command line's, and ``--json``'s)."""
        return str(self.words)


def examine(data: bytes) -> Examined | Refusal:
    """Decode `data` fully (never a decompression bomb) and say what it is."""
    if not data:
        return Refusal("empty", phrase("the file is empty ({size} bytes)", size=0))
    if len(data) > MAX_BYTES:
        return Refusal("too_large", phrase(
            "the file is larger than {size} MB; give a smaller copy (a JPEG of the photo)",
            size=MAX_BYTES // 1_000_000))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # odd EXIF: the pixels are what counts
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                limit = Image.MAX_IMAGE_PIXELS
                if limit is not None and width * height > limit:
                    return _bomb(width, height)
                image.load()  # every pixel, so a damaged file is found now, not when shown
                kind = image.format or ""
                upright = ImageOps.exif_transpose(image)
                width, height = upright.size
    except Image.DecompressionBombError as exc:
        return Refusal("decompression_bomb", phrase("{error}; never decoded", error=str(exc)))
    except UnidentifiedImageError:
        sniffed = sniff_media_type(data[:16])
        if sniffed in _MEDIA_TYPES:
            return Refusal("corrupt", phrase("{media_type} that cannot be read",
                                             media_type=sniffed))
        found = media_type_of(data)
        if found.startswith("image/"):  # an image, in a format no phone or camera gives
            return Refusal("unsupported", phrase(
                "{media_type}, which is not read here; give the photo as a JPEG",
                media_type=found))
        return Refusal("not_image", phrase("not an image: no known image format recognised"))
    # Pillow's decoders raise many exception types on damaged input (OSError, SyntaxError,
    # ValueError, struct.error, ...); each means the same here: the file is not whole.
    except Exception as exc:
        if "truncated" in str(exc).lower() or isinstance(exc, EOFError):
            return Refusal("truncated", phrase(
                "the image data ends early (the file was cut short: ask for it again)"))
        return Refusal("corrupt", phrase("the image data cannot be decoded ({error})",
                                         error=str(exc or type(exc))))
    if kind == "HEIF":  # Pillow calls every HEIF "image/heif"; the brand tells a HEIC
        return Examined(sniff_media_type(data[:16]) or "image/heif", width, height)
    return Examined(Image.MIME.get(kind, "application/octet-stream"), width, height)


def shown_copy(data: bytes) -> bytes:
    """The photo as people see it: a new JPEG of its pixels, upright, with no segment but
    those that decode them (not even the encoder's JFIF header)."""
    return strip_jpeg(render(data, "original", SHOWN_PX, formats=FORMATS))


_MEDIA_TYPES: Final = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif",
                                 "image/tiff", "image/bmp", "image/heic", "image/avif"})


def _bomb(width: int, height: int) -> Refusal:
    return Refusal("decompression_bomb", phrase(
        "{width}×{height} pixels is over the safe limit of {limit}; never decoded",
        width=width, height=height, limit=Number(Image.MAX_IMAGE_PIXELS or 0, ",.0f")))
