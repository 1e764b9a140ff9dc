"""What a file's first bytes say it is, and the flags a copy can be given without decoding it.

Light on purpose: intake's first stage (securing the files) needs only these, so it never loads
the decoders (Pillow, NumPy, PDQ, FFmpeg) that analysis uses (`inspect.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from caesar.media import OCTET_STREAM, named_as_image

EMPTY = "application/x-empty"  # what `file --mime-type` says of an empty file
# Brands of the HEIF (HEIC, AVIF) files that phones write (ISO/IEC 23008-12 Annex B, AV1 AVIF).
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1",
                          b"msf1", b"avif", b"avis"})
# Signatures of the formats a camera or a phone writes, and how each one ends when whole.
_SIGNATURES: tuple[tuple[bytes, str, bytes | None], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", b"\xff\xd9"),
    (b"\x89PNG\r\n\x1a\n", "image/png", b"IEND\xaeB`\x82"),
    (b"GIF87a", "image/gif", b";"),
    (b"GIF89a", "image/gif", b";"),
    (b"II*\x00", "image/tiff", None),
    (b"MM\x00*", "image/tiff", None),
    (b"BM", "image/bmp", None),
)


@dataclass(frozen=True)
class FlagNote:
    """One thing wrong with a preserved file: a docs/design.md flag kind and words for a person."""

    kind: str
    problem: str


NOT_IMAGE = FlagNote("not_image", "not an image: no known image format recognised")
"""The flag of content that no known type matches."""


def sniff(head: bytes) -> tuple[str, bytes | None] | None:
    """The media type a file's first 16 bytes show, with the bytes its format ends with when
    whole (None where the format has no such end); None if they show no known format."""
    for signature, media_type, trailer in _SIGNATURES:
        if head.startswith(signature):
            return media_type, trailer
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", None
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return ("image/avif" if head[8:11] == b"avi" else "image/heic"), None
    return None


def sniff_media_type(head: bytes) -> str | None:
    """The media type that a file's first 16 bytes show, if they show one."""
    sniffed = sniff(head)
    return sniffed[0] if sniffed else None


def misnamed(path: str, media_type: str) -> FlagNote | None:
    """The flag of a copy named as an image (`IMG_0001.HEIC`) whose content is no image."""
    if media_type in (OCTET_STREAM, EMPTY) or media_type.startswith("image/"):
        return None  # already flagged for its content (or an image, as named)
    if not named_as_image(path):
        return None
    return FlagNote("not_image", f"named as an image, but its content is {media_type}")
