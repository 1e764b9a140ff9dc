"""The EXIF and XMP facts an examination weighs, read from a JPEG's own segments.

Pillow parses the TIFF structure inside APP1 (hostile EXIF included: any failure is recorded,
never raised); the layout (which tags, in which order) is kept because each camera model
writes its own, and a program that rewrites metadata writes its own instead.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime

from PIL import ExifTags, Image

from caesar.forensics.jpeg import JpegStructure

# Programs that edit photos and write their name into Software or XMP (lower case).
EDITORS = ("photoshop", "gimp", "lightroom", "paint.net", "pixelmator", "affinity", "snapseed",
           "picasa", "acdsee", "capture one", "darktable", "imagemagick", "graphicsmagick",
           "pillow", "piexif", "exiftool", "paint shop", "photoscape", "fotor", "canva",
           "windows photo", "photos app", "irfanview", "xnview", "faststone", "preview")
_XMP_EDIT_TRACES = ("xmpMM:History", "stEvt:action", "photoshop:DocumentAncestors",
                    "xmpMM:DerivedFrom", "crs:ProcessVersion")
_XMP_TOOL = re.compile(r"(?:xmp:CreatorTool|stEvt:softwareAgent)\s*(?:=\s*\"|>)([^\"<]+)")
_FILE_NUMBER = re.compile(r"(\d{3,6})(?=\D*$)")


@dataclass
class MetadataFacts:
    """What the EXIF and XMP of one file say (None: the tag is absent)."""

    present: bool = False
    make: str | None = None
    model: str | None = None
    serial: str | None = None
    software: str | None = None
    original: datetime | None = None  # DateTimeOriginal
    digitized: datetime | None = None  # DateTimeDigitized (exiftool: CreateDate)
    modified: datetime | None = None  # DateTime (exiftool: ModifyDate)
    exif_width: int | None = None  # PixelXDimension
    exif_height: int | None = None
    makernote: bool = False
    layout: str = ""  # the tags of IFD0 and the Exif IFD, in file order
    thumbnail: bytes | None = None  # IFD1's JPEG thumbnail
    xmp_tools: list[str] = field(default_factory=list)
    xmp_traces: list[str] = field(default_factory=list)
    problem: str | None = None


def file_number(path: str) -> int | None:
    """The frame counter in a camera's file name (``DSC_0412.JPG`` -> 412), if any."""
    name = path.rsplit("/", 1)[-1]
    match = _FILE_NUMBER.search(name.rsplit(".", 1)[0])
    return int(match.group(1)) if match else None


def read_metadata(structure: JpegStructure) -> MetadataFacts:
    """The EXIF and XMP facts of a JPEG (never raises: a broken EXIF is a ``problem``)."""
    facts = MetadataFacts()
    exif = structure.app("Exif")
    if exif is not None:
        facts.present = True
        try:
            _read_exif(exif.payload[6:], facts)
        except Exception as exc:
            facts.problem = f"the EXIF cannot be read ({type(exc).__name__}: {exc})"[:300]
    xmp = structure.app("XMP")
    if xmp is not None:
        facts.present = True
        text = xmp.payload.decode("utf-8", "replace")
        facts.xmp_traces = [t for t in _XMP_EDIT_TRACES if t in text]
        facts.xmp_tools = sorted({m.strip() for m in _XMP_TOOL.findall(text)})
    return facts


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    value = value.rstrip("\x00").strip()
    return value or None


def _when(value: object) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _read_exif(tiff: bytes, facts: MetadataFacts) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exif = Image.Exif()
        exif.load(b"Exif\x00\x00" + tiff)
        ifd0 = {k: v for k, v in exif.items()}
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        ifd1 = exif.get_ifd(ExifTags.IFD.IFD1)
    facts.make = _text(ifd0.get(ExifTags.Base.Make))
    facts.model = _text(ifd0.get(ExifTags.Base.Model))
    facts.software = _text(ifd0.get(ExifTags.Base.Software))
    facts.modified = _when(ifd0.get(ExifTags.Base.DateTime))
    facts.serial = _text(sub.get(ExifTags.Base.BodySerialNumber))
    facts.original = _when(sub.get(ExifTags.Base.DateTimeOriginal))
    facts.digitized = _when(sub.get(ExifTags.Base.DateTimeDigitized))
    width, height = sub.get(ExifTags.Base.ExifImageWidth), sub.get(ExifTags.Base.ExifImageHeight)
    facts.exif_width = width if isinstance(width, int) else None
    facts.exif_height = height if isinstance(height, int) else None
    facts.makernote = ExifTags.Base.MakerNote in sub
    # TIFF keeps tags in ascending order: the layout is which tags a writer puts in each IFD.
    facts.layout = (",".join(f"{t:04x}" for t in sorted(ifd0)) + "|"
                    + ",".join(f"{t:04x}" for t in sorted(sub)))
    start, length = ifd1.get(0x0201), ifd1.get(0x0202)
    if isinstance(start, int) and isinstance(length, int) and 0 < length <= len(tiff) - start:
        facts.thumbnail = tiff[start:start + length]
