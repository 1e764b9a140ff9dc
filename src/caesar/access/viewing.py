"""Showing a photo to a person: decrypted in memory, made safe to look at, and logged.

Photos of the dead are shown grayscale and blurred unless the person reveals one (or chose
another default); whichever way, the image is decoded from the decrypted original in memory,
re-encoded without any metadata at a display size, and never written to disk. Every image
shown is a custody-log entry naming who saw which original, when, and how (``rendition``),
appended before the image is handed over.

A document (PDF) is shown by its first page: the thumbnail intake rendered, blurred and
grayscale until revealed; revealed, the page is rendered again at display size from the
decrypted PDF, in PDFium's fenced process (:mod:`caesar.intake.document`).

A video is shown the same way through its keyframe strip (the thumbnail intake made: a few
frames side by side), blurred and grayscale until revealed; the video itself is streamed,
decrypted chunk by chunk, only to a person who revealed it, and that is logged too.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from PIL import Image, ImageFilter, ImageOps
from sqlalchemy import select

import caesar.media  # noqa: F401  (Pillow learns HEIC here too, in worker processes)
from caesar.catalog.database import Catalog
from caesar.catalog.models import Flag, Photo
from caesar.errors import CaesarError, NotFound
from caesar.intake.document import DocumentLimits, reads_as_document, render_first_page
from caesar.intake.video import reads_as_video
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog
from caesar.vault.objects import ObjectVault

Rendition = Literal["blurred", "grayscale", "original"]
RENDITIONS: tuple[Rendition, ...] = ("blurred", "grayscale", "original")
MAX_SIDE = 1600  # pixels: enough to read a number on a card, far less than the original
_NEVER_DECODED = frozenset({"decompression_bomb", "not_image", "empty"})
REGION_WIDTH = 480  # pixels: a number and its surroundings, legible, little else
_ORIENTATION = 0x0112  # EXIF's orientation tag: how the camera was held
_TURNS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
          4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
          6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
          8: Image.Transpose.ROTATE_90}


class NotShowable(CaesarError):
    """An original that cannot be shown as an image (not an image, damaged, too large)."""


@dataclass(frozen=True)
class VideoStream:
    """A video original being handed over: its media type, size and decrypted chunks."""

    media_type: str
    size: int
    chunks: Iterator[bytes]


class PhotoViewer:
    """Renders originals for people and logs every view."""

    def __init__(self, catalog: Catalog, vault: ObjectVault, ledger: CustodyLog,
                 clock: Callable[[], datetime]) -> None:
        self._catalog = catalog
        self._vault = vault
        self._ledger = ledger
        self._clock = clock

    def show(self, sha256: str, rendition: Rendition, actor: str) -> bytes:
        """A JPEG of the original in `rendition`, after its view is logged.

        The write lock is held around the log entry only: decoding takes far longer, and
        needs no lock.
        """
        sha, strip = self._showable(sha256)
        shown = {}
        if strip and strip[1] and rendition == "original":  # a document's page, revealed
            source = render_first_page(self._vault.read_bytes("original", sha), MAX_SIDE,
                                       DocumentLimits())
            shown = {"shown": "page"}
        elif strip:
            source = self._vault.read_bytes("thumbnail", strip[0])
            shown = {"shown": "page" if strip[1] else "strip"}
        else:
            source = self._vault.read_bytes("original", sha)
        image = render(source, rendition)
        self._log_view(sha, rendition, actor, **shown)
        return image

    def stream_video(self, sha256: str, actor: str) -> VideoStream:
        """A video original, decrypted as it is sent, after its view is logged."""
        sha = sha256.lower()
        with self._catalog.reader() as session:
            photo = session.get(Photo, sha)
            if photo is None:
                raise NotFound(f"No original with SHA-256 {sha256} in this archive.")
        if not reads_as_video(photo.media_type):
            raise NotShowable("This original is not a video.",
                              hint="Its details say what it is.")
        self._log_view(sha, "original", actor, shown="video")
        return VideoStream(photo.media_type, photo.size, self._vault.read("original", sha))

    def show_region(self, sha256: str, box: tuple[int, int, int, int], actor: str) -> bytes:
        """A JPEG of one region of the original (a number as the reader found it, `box` in
        the original's pixels), grayscale and sharp enough to read, after its view is logged."""
        sha, strip = self._showable(sha256)
        if strip:
            raise NotShowable("Only a photo has regions to show.", hint="Reveal it whole.")
        image = region(self._vault.read_bytes("original", sha), box)
        self._log_view(sha, "number", actor)
        return image

    def _showable(self, sha256: str) -> tuple[str, tuple[str, bool] | None]:
        """The original's SHA-256, once it is known to be an image that may be decoded, and
        for a video or a document the SHA-256 of its thumbnail (the keyframe strip or the
        first page, which is shown instead) and whether it is a document's."""
        sha = sha256.lower()
        with self._catalog.reader() as session:
            photo = session.get(Photo, sha)
            if photo is None:
                raise NotFound(f"No original with SHA-256 {sha256} in this archive.")
            flags = set(session.scalars(select(Flag.kind).where(Flag.sha256 == sha)))
        if reads_as_video(photo.media_type) and photo.thumbnail_sha256:
            return sha, (photo.thumbnail_sha256, False)
        if reads_as_document(photo.media_type) and photo.thumbnail_sha256 and not flags:
            return sha, (photo.thumbnail_sha256, True)
        if not photo.media_type.startswith("image/") or flags & _NEVER_DECODED:
            raise NotShowable("This original cannot be shown as an image.",
                              hint="Its details list what is wrong with it.")
        return sha, None

    def _log_view(self, sha: str, rendition: str, actor: str, **shown: str) -> None:
        with self._ledger.writing(), self._catalog.session() as session:
            self._ledger.append_signed(session, [Event(
                type="photo.viewed", time=self._clock(), actor=actor,
                subject=Subject.original(sha), details={"rendition": rendition, **shown})])


def region(data: bytes, box: tuple[int, int, int, int], width: int = REGION_WIDTH) -> bytes:
    """The part of an image in `box` (the image's stored pixels), with a margin of half its
    height all round, grayscale, as a JPEG `width` pixels wide at most, no metadata."""
    x0, y0, x1, y1 = box
    if not (0 <= x0 < x1 and 0 <= y0 < y1):
        raise NotShowable(f"No region {list(box)} in this original.",
                          hint="The box is x0, y0, x1, y1 in the original's pixels.")
    margin = (y1 - y0) // 2
    try:
        with Image.open(io.BytesIO(data)) as source:
            if x1 > source.width or y1 > source.height:
                raise NotShowable(f"The region {list(box)} lies outside this original.",
                                  hint="Read the photo's numbers again: caesar cases build"
                                       " --reread.")
            orientation = source.getexif().get(_ORIENTATION, 1)
            part = source.convert("L").crop((max(0, x0 - margin), max(0, y0 - margin),
                                              min(source.width, x1 + margin),
                                              min(source.height, y1 + margin)))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise NotShowable("This original cannot be decoded as an image.",
                          hint="It is kept as received; its details list its flags.") from None
    if orientation in _TURNS:
        part = part.transpose(_TURNS[orientation])  # as the whole photo is shown
    if part.width > width:
        part = part.resize((width, max(1, round(part.height * width / part.width))),
                           Image.Resampling.LANCZOS)
    out = io.BytesIO()
    part.save(out, "JPEG", quality=90)
    return out.getvalue()


def render(data: bytes, rendition: Rendition, max_side: int = MAX_SIDE,
           formats: tuple[str, ...] | None = None) -> bytes:
    """`data` (an image file's bytes) as a JPEG of at most `max_side` pixels, no metadata.

    `formats` (Pillow's names) limits the decoders tried, for files from outside.
    """
    try:
        with Image.open(io.BytesIO(data), formats=formats) as source:
            source.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced scale
            image = ImageOps.exif_transpose(source.convert("RGB"))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise NotShowable("This original cannot be decoded as an image.",
                          hint="It is kept as received; its details list its flags.") from None
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if rendition != "original":
        image = image.convert("L")
    if rendition == "blurred":
        # Strong enough that a face, a wound or a number cannot be made out.
        image = image.filter(ImageFilter.GaussianBlur(max(image.size) / 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)  # a new file: no EXIF, XMP or comment survives
    return out.getvalue()


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG without any APPn (EXIF, XMP, IPTC, ICC, JFIF) or comment segment.

    Hand-written because it is a dozen lines over the JPEG marker syntax (ITU T.81 B.1.1),
    and it must hold whatever the encoder wrote: only the segments that decode pixels remain.
    """
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out = bytearray(data[:2])
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise ValueError("a JPEG segment does not start with a marker")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker == 0xDA:  # start of scan: entropy-coded data follows to the end
            out += data[i:]
            return bytes(out)
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            out += data[i:i + 2 + length]
        i += 2 + length
    raise ValueError("a JPEG without image data")
