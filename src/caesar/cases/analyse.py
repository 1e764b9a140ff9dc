"""Looking at one original for `cases build`: is there a card, and which numbers does it carry.

Runs in worker processes: each decrypts an original from the vault, decodes it and hands it to
the number readers. Plaintext never leaves the worker; what comes back is only the readings.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import cv2
from PIL import Image, UnidentifiedImageError

from caesar.cases.reading import GlyphModel, install, look, read_photo
from caesar.cases.vocabulary import READER_VERSION
from caesar.errors import CorruptObject
from caesar.vault.keys import Keys
from caesar.vault.objects import ObjectVault
from caesar.vault.store import open_store

# Readers need a card's digits a few dozen pixels high; beyond ~3 MP decoding only costs time.
_DECODE_PX = (2048, 1536)
_LOOK_PX = (640, 480)  # enough to see a card covering 1% of the photo


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
    """Open the vault once per worker process and take the parent's trained classifier."""
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
        # Most photos show no card: a small decode (JPEG scales while decoding) tells, and
        # only a photo with a card is decoded again at a size its digits can be read at.
        small = _decoded(data, _LOOK_PX)
        place = look(small)
        if place is None:
            return Analysis(sha256)
        rgb = _decoded(data, _DECODE_PX)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError) as exc:
        return Analysis(sha256, problem=f"not readable as an image: {exc}")
    reading = read_photo(rgb, place.scaled(rgb.width / small.width))
    return Analysis(sha256, card_found=reading.card_found, numbers=tuple(
        FoundNumber(i, n.raw, n.digits, n.script, n.method, n.confidence, n.where, n.box)
        for i, n in enumerate(reading.numbers)))


def _decoded(data: bytes, size: tuple[int, int]) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # odd EXIF: the pixels are what matter here
        image = Image.open(io.BytesIO(data))
        image.draft("RGB", size)
        return image.convert("RGB")
