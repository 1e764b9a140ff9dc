"""What a file is: media type, dimensions, EXIF/XMP, PDQ hash, thumbnail, and what is wrong.

Decoding happens at reduced scale (JPEG DCT scaling through Pillow's `draft`, down to 1/8): PDQ
works on a 64×64 reduction anyway, so a preview of at least 128 px per side loses nothing that
matters. Measured on the synthetic collection at 2 MP: re-encoded published copies stay within
18 bits of their originals (the threshold is 31), distinct cases stay over 90 bits apart, and
decoding costs a third less than at 1/4 scale (bench/ingest.py).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import numpy as np
import pdqhash
from PIL import ExifTags, Image, UnidentifiedImageError

from caesar import camera_raw
from caesar.intake.credentials import credentials_of
from caesar.intake.document import DocumentLimits, PageText, read_document, reads_as_document
from caesar.intake.signatures import EMPTY, NOT_IMAGE, FlagNote, sniff
from caesar.intake.video import read_video, reads_as_video
from caesar.intake.vpdq import FrameHash
from caesar.media import (
    OCTET_STREAM,
    SNIFF_BYTES,
    decoded_by_pillow,
    media_type_of,
)

PREVIEW_PX = 128
_MAX_EXIF_VALUE = 4096
# XMP dates (ISO 8601): seconds are kept, fractions dropped, and the zone if there is one.
_XMP_TIME = re.compile(r"(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?"
                       r"(?P<zone>Z|[+-]\d\d:\d\d)?")
# EXIF 2.3 §4.6.5: an 8-byte character code leads UserComment-style values.
_CHARSET_PREFIXES = ((b"ASCII\x00\x00\x00", "ascii"), (b"UNICODE\x00", "utf-16-be"))


@dataclass
class Inspection:
    """Everything intake learns from one file's content."""

    media_type: str = OCTET_STREAM
    width: int | None = None
    height: int | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    camera_serial: str | None = None
    captured_at: str | None = None
    exif: dict[str, Any] = field(default_factory=dict)
    pdq: str | None = None
    pdq_quality: int | None = None
    thumbnail: bytes | None = None
    flags: list[FlagNote] = field(default_factory=list)
    frames: list[FrameHash] | None = None  # a video's frame hashes (vPDQ)
    texts: list[PageText] | None = None  # a document's text, page by page


def _ends_early(f: BinaryIO, size: int, head: bytes, trailer: bytes | None) -> bool:
    if head[:4] == b"RIFF":  # WebP declares its length in the header
        return int.from_bytes(head[4:8], "little") + 8 > size
    if head[4:8] == b"ftyp":
        return _box_ends_early(f, size)
    if trailer is None:
        return False
    f.seek(max(0, size - 64))
    return trailer not in f.read()


def _box_ends_early(f: BinaryIO, size: int) -> bool:
    """Whether an ISO base media file (HEIC, AVIF) has a top-level box that runs past its end.

    Each box declares its length (ISO/IEC 14496-12 §4.2): 32 bits, or 64 after a 1, or 0 for
    "to the end of the file".
    """
    at = 0
    while at + 8 <= size:
        f.seek(at)
        header = f.read(16)
        length = int.from_bytes(header[:4], "big")
        if length == 1:
            if len(header) < 16:
                return True
            length = int.from_bytes(header[8:16], "big")
        elif length == 0:
            return False
        if length < 8:
            return False  # not a box at all: damage, but not a short file
        at += length
    return at > size


def inspect_file(f: BinaryIO, size: int, *, thumbnail_px: int, decode: bool = True,
                 documents: DocumentLimits | None = None) -> Inspection:
    """Inspect an open file of `size` bytes. Never raises for what the content holds.

    `decode` says an image (or a video's frames, a document's pages) may be decoded, and
    its content credentials (C2PA) read; `documents` says how far a document is read (the
    defaults when None).
    """
    result = _inspect(f, size, thumbnail_px=thumbnail_px, decode=decode,
                      documents=documents or DocumentLimits())
    if decode and size:
        _credentials_into(f, result)
    return result


def _credentials_into(f: BinaryIO, result: Inspection) -> None:
    found = credentials_of(f, result.media_type)
    if found is None:
        return
    result.exif["C2PA"] = found
    if found["state"] == "unreadable":
        result.flags.append(FlagNote(
            "c2pa_invalid",
            f"its content credentials (C2PA) cannot be read ({found['problems'][0]})"))
    elif found["state"] == "invalid":
        result.flags.append(FlagNote(
            "c2pa_invalid", "its content credentials (C2PA) fail validation: "
            + "; ".join(found["problems"] or ["the manifest says it is invalid"])))


def _inspect(f: BinaryIO, size: int, *, thumbnail_px: int, decode: bool,
             documents: DocumentLimits) -> Inspection:
    result = Inspection()
    if size == 0:
        result.media_type = EMPTY
        result.flags.append(FlagNote("empty", "the file is empty (0 bytes)"))
        return result
    f.seek(0)
    head = f.read(16)
    sniffed = sniff(head)
    if sniffed:
        result.media_type = sniffed[0]
    truncated = sniffed is not None and _ends_early(f, size, head, sniffed[1])
    f.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns on odd EXIF; we keep what it reads
            image = Image.open(f)
            result.media_type = Image.MIME.get(image.format or "", result.media_type)
            if image.format == camera_raw.FORMAT:  # DNG; libmagic names makers' raw types
                f.seek(0)
                result.media_type = (image.get_format_mimetype()
                                     or media_type_of(f.read(SNIFF_BYTES)))
            if image.format == "HEIF":  # libmagic tells HEIC (HEVC) from other HEIF brands
                f.seek(0)
                result.media_type = media_type_of(f.read(SNIFF_BYTES))
            result.width, result.height = image.size
            _read_metadata(image, result)
            limit = Image.MAX_IMAGE_PIXELS
            if limit is not None and image.width * image.height > limit:
                result.flags.append(_bomb(image.width, image.height))
                return result
            if not decode:
                return result
            image.draft("RGB", (PREVIEW_PX, PREVIEW_PX))
            preview = _reduced(image.convert("RGB"), image.size)
    except Image.DecompressionBombError as exc:
        result.flags.append(FlagNote("decompression_bomb", f"{exc}; never decoded"))
        return result
    except UnidentifiedImageError:
        if sniffed is None:
            f.seek(0)
            result.media_type = media_type_of(f.read(SNIFF_BYTES))
            if reads_as_video(result.media_type):
                _video_into(f, size, result, thumbnail_px=thumbnail_px, decode=decode)
            elif reads_as_document(result.media_type):
                _document_into(f, result, thumbnail_px=thumbnail_px, decode=decode,
                               limits=documents)
            result.flags += _not_an_image(result.media_type)
        else:
            result.flags.append(_damage(sniffed[0], truncated, "its header cannot be read"))
        return result
    # Pillow's decoders raise many exception types on hostile input (OSError, SyntaxError,
    # ValueError, struct.error, ...); each one means the same thing here: the data is damaged.
    except Exception as exc:
        truncated = truncated or "truncated" in str(exc).lower() or isinstance(exc, EOFError)
        result.flags.append(_damage(result.media_type, truncated, str(exc) or type(exc).__name__))
        return result
    bits, quality = pdqhash.compute(np.asarray(preview))
    result.pdq = np.packbits(bits.astype(np.uint8)).tobytes().hex()
    result.pdq_quality = int(quality)
    preview.thumbnail((thumbnail_px, thumbnail_px))
    out = io.BytesIO()
    preview.save(out, "JPEG", quality=80)
    result.thumbnail = out.getvalue()
    return result


def _video_into(f: BinaryIO, size: int, result: Inspection, *, thumbnail_px: int,
                decode: bool) -> None:
    cut_short = f.seek(4) == 4 and f.read(4) == b"ftyp" and _box_ends_early(f, size)
    video = read_video(f, thumbnail_px=thumbnail_px, decode=decode, cut_short=cut_short)
    result.exif = video.metadata
    result.width, result.height = video.width, video.height
    result.camera_make, result.camera_model = video.make, video.model
    result.captured_at = video.captured_at
    result.thumbnail, result.frames = video.strip, video.frames
    if video.kind is not None and video.problem is not None:
        result.flags.append(FlagNote(video.kind, video.problem))


def _document_into(f: BinaryIO, result: Inspection, *, thumbnail_px: int, decode: bool,
                   limits: DocumentLimits) -> None:
    f.seek(0)
    document = read_document(f.read(), thumbnail_px=thumbnail_px, decode=decode,
                             limits=limits)
    result.exif, result.thumbnail = document.metadata, document.thumbnail
    result.texts = document.texts
    if document.kind is not None and document.problem is not None:
        result.flags.append(FlagNote(document.kind, document.problem))


def _not_an_image(media_type: str) -> list[FlagNote]:
    """Flags for content no image decoder opened, typed `media_type` by libmagic.

    Text, PDF, office documents, audio and video are what they are, not findings; content of
    no known type is. (A copy named as an image that holds something else is flagged by
    :func:`misnamed`, since the name belongs to the copy, not to the content.)
    """
    if media_type == OCTET_STREAM:
        return [NOT_IMAGE]
    if decoded_by_pillow(media_type):
        return [_damage(media_type, False, "its header cannot be read")]
    return []


def _reduced(preview: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The decoded image at about the scale JPEG's `draft` gives (1/2 to 1/8, sides of at least
    PREVIEW_PX), for formats decoded whole (HEIC, AVIF, PNG, WebP...).

    Averaging blocks of pixels is what DCT scaling does, so a HEIC and a JPEG of one picture
    get near PDQ hashes; and hashing 12 MP instead of 0.2 costs seconds a photo.
    """
    if preview.size != size:
        return preview  # JPEG: already decoded at a reduced scale
    factor = min(8, min(size) // PREVIEW_PX)
    return preview.reduce(factor) if factor > 1 else preview


def _bomb(width: int, height: int) -> FlagNote:
    return FlagNote(
        "decompression_bomb",
        f"{width}×{height} pixels is over the safe limit of {Image.MAX_IMAGE_PIXELS or 0:,};"
        " never decoded",
    )


def _damage(media_type: str, truncated: bool, detail: str) -> FlagNote:
    if truncated:
        return FlagNote("truncated", f"{media_type} data ends early ({detail})")
    return FlagNote("corrupt", f"{media_type} data cannot be decoded ({detail})")


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        if len(value) > _MAX_EXIF_VALUE:
            return {"bytes": len(value)}
        for prefix, codec in _CHARSET_PREFIXES:  # EXIF UserComment and friends
            if value.startswith(prefix):
                return value[len(prefix):].decode(codec, "replace").rstrip("\x00").strip()
        text = value.rstrip(b"\x00")
        if text.isascii() and text.decode("ascii").isprintable():
            return text.decode("ascii")
        return value.hex()
    if isinstance(value, str):  # EXIF 2.3 §4.6.2: an ASCII value ends at its first NUL
        return value.split("\x00", 1)[0].strip()
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (int, bool)) or value is None:
        return value
    try:
        return float(value)  # IFDRational and friends
    except (TypeError, ValueError, ZeroDivisionError):
        return str(value)


def _ifd_json(ifd: Any, names: dict[int, str]) -> dict[str, Any]:
    return {names.get(tag, f"0x{tag:04x}"): _jsonable(v) for tag, v in ifd.items()}


def _read_metadata(image: Image.Image, result: Inspection) -> None:
    # Damaged or hostile EXIF is common and Pillow's parser raises many exception types on it;
    # the image itself may be fine, so the metadata is given up, not the file.
    try:
        _exif_into(image, result)
    except Exception as exc:
        result.exif = {"unreadable": f"{type(exc).__name__}: {exc}"[:500]}


def _exif_into(image: Image.Image, result: Inspection) -> None:
    exif = image.getexif()
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
    data: dict[str, Any] = _ifd_json(
        {k: v for k, v in exif.items() if k not in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo)},
        ExifTags.TAGS,
    )
    if exif_ifd:
        data["Exif"] = _ifd_json(exif_ifd, ExifTags.TAGS)
    if gps_ifd:
        data["GPS"] = _ifd_json(gps_ifd, ExifTags.GPSTAGS)
    xmp = image.info.get("xmp")
    if isinstance(xmp, (bytes, str)):
        data["XMP"] = xmp.decode("utf-8", "replace") if isinstance(xmp, bytes) else xmp
    result.exif = data

    def text(value: Any) -> str | None:
        value = _jsonable(value)
        return value if isinstance(value, str) and value else None

    result.camera_make = text(exif.get(ExifTags.Base.Make))
    result.camera_model = text(exif.get(ExifTags.Base.Model))
    result.camera_serial = text(exif_ifd.get(ExifTags.Base.BodySerialNumber))
    taken = text(exif_ifd.get(ExifTags.Base.DateTimeOriginal))
    # An editor may keep the capture time only in XMP (exif:DateTimeOriginal, ISO 8601 with
    # its zone); the TIFF DateTime is when the file was last changed, the last resort.
    xmp_taken = None if taken else _xmp_taken(image)
    taken = taken or text(exif.get(ExifTags.Base.DateTime))
    if xmp_taken:
        result.captured_at = xmp_taken
    elif taken and len(taken) >= 19:
        iso = taken[:10].replace(":", "-") + "T" + taken[11:19]
        offset = text(exif_ifd.get(ExifTags.Base.OffsetTimeOriginal))
        result.captured_at = iso + (offset or "")


def _xmp_taken(image: Image.Image) -> str | None:
    """The capture time an image's XMP gives (exif:DateTimeOriginal), as EXIF's is kept:
    seconds, with the zone as an offset when it has one."""
    if "xmp" not in image.info:
        return None
    try:  # Pillow parses XMP with defusedxml: it is outside input
        found = _find(image.getxmp(), "DateTimeOriginal")
    except Exception:  # damaged or hostile XMP: no time from it, and the EXIF is still kept
        return None
    match = _XMP_TIME.fullmatch(found.strip()) if isinstance(found, str) else None
    if match is None:
        return None
    zone = match["zone"] or ""
    return match["time"] + ("+00:00" if zone == "Z" else zone)


def _find(tree: Any, key: str) -> Any:
    """The first value under `key` anywhere in Pillow's nested XMP dictionaries."""
    if isinstance(tree, dict):
        if key in tree:
            return tree[key]
        tree = list(tree.values())
    if isinstance(tree, list):
        for item in tree:
            if (found := _find(item, key)) is not None:
                return found
    return None
