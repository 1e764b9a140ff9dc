"""Looking at one original for `cases build`: which numbers does it carry, and where.

Runs in worker processes: each decrypts an original from the vault, decodes it and hands it to
the number reader. Plaintext never leaves the worker; what comes back is only the readings.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import cv2
from PIL import Image, UnidentifiedImageError

import caesar.media  # noqa: F401  (Pillow learns HEIC here too, in worker processes)
from caesar.cases.reading import GlyphModel, install, read_photo
from caesar.cases.vocabulary import READER_VERSION
from caesar.errors import CorruptObject
from caesar.vault.keys import Keys
from caesar.vault.objects import ObjectVault
from caesar.vault.urls import open_store

# Writing must be a few dozen pixels high to be read; beyond ~3 MP decoding only costs time
# (JPEG decodes straight to a fraction of its size).
_DECODE_PX = (2048, 1536)


@dataclass(frozen=True)
class FoundNumber:
    """One number a reader found, as the catalogue keeps it."""

    position: int
    raw: str
    digits: str
    script: str
    method: str
    confidence: float
    place: str
    box: tuple[int, int, int, int]
    row: int = 0
    line_order: int = 0
    labelled: bool = False
    label: str | None = None  # the number a label beside it names


@dataclass(frozen=True)
class Analysis:
    """What one original showed; `problem` says why it could not be looked at."""

    sha256: str
    reader: str = READER_VERSION
    card_found: bool = False
    numbers: tuple[FoundNumber, ...] = field(default_factory=tuple)
    problem: str | None = None


_vault: ObjectVault | None = None


def init_worker(keys: Keys, store_url: str, archive: Path, glyphs: GlyphModel) -> None:
    """Open the vault once per worker process and take the parent's classifier."""
    global _vault
    _vault = ObjectVault(open_store(store_url, archive), keys)
    cv2.setNumThreads(1)  # one process per core already
    install(glyphs)


def analyse(sha256: str) -> Analysis:
    """Decrypt, decode and read one original (in a worker made by :func:`init_worker`)."""
    if _vault is None:
        raise RuntimeError("analysis worker used before it was initialised")
    try:
        data = _vault.read_bytes("original", sha256)
    except (CorruptObject, FileNotFoundError) as exc:
        return Analysis(sha256, problem=f"the original cannot be read: {exc}")
    try:
        rgb, scale = _decoded(data, _DECODE_PX)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError) as exc:
        return Analysis(sha256, problem=f"not readable as an image: {exc}")
    reading = read_photo(rgb)
    return Analysis(sha256, card_found=reading.card_found, numbers=tuple(
        FoundNumber(i, n.raw, n.digits, n.script, n.method, n.confidence, n.where,
                    _in_original(n.box, scale), n.row, n.order, n.labelled, n.label)
        for i, n in enumerate(reading.numbers)))


def _decoded(data: bytes, size: tuple[int, int]) -> tuple[Image.Image, float]:
    """The image decoded at about `size` (JPEG's reduced-scale decoding), and how many of the
    original's pixels one of its pixels stands for."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # odd EXIF: the pixels are what matter here
        image = Image.open(io.BytesIO(data))
        width = image.width
        image.draft("RGB", size)
        rgb = image.convert("RGB")
        return rgb, width / max(1, rgb.width)


def _in_original(box: tuple[int, int, int, int], scale: float) -> tuple[int, int, int, int]:
    """A box in the original's own pixels, as a viewer crops it (the original's frame, before
    any EXIF orientation)."""
    x0, y0, x1, y1 = box
    return (int(x0 * scale), int(y0 * scale), round(x1 * scale), round(y1 * scale))
