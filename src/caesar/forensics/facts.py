"""What one original's bytes say, gathered once: the facts every later check weighs.

Facts are small (no pixels) and kept in the encrypted catalogue, so a camera's fingerprint is
learned from all its photos without decrypting them again. Gathering them decodes only the
EXIF thumbnail and a 1/8-scale preview of the image (JPEG scales while decoding).
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

import caesar.media  # noqa: F401  (Pillow learns HEIC here too, in worker processes)
from caesar.forensics.jpeg import JpegStructure, JpegStructureError, is_jpeg, read_structure
from caesar.forensics.metadata import MetadataFacts, read_metadata
from caesar.forensics.tables import (
    describe_tables,
    estimated_quality,
    ijg_quality,
    standard_huffman,
    table_signature,
)
from caesar.intake.credentials import credentials_of

FACTS_VERSION = "facts-2"  # facts-2: content credentials (C2PA)
_THUMB_SIDE = 32  # both images reduced to this many pixels across to be compared


class OriginalFacts(BaseModel):
    """The facts of one original (JSON in the catalogue)."""

    model_config = ConfigDict(frozen=True)

    version: str = FACTS_VERSION
    jpeg: bool = False
    problem: str | None = None  # why the structure could not be read
    structure_problems: list[str] = Field(default_factory=list)
    markers: list[str] = Field(default_factory=list)
    apps: list[str] = Field(default_factory=list)
    frame: str | None = None
    width: int = 0
    height: int = 0
    subsampling: str | None = None
    restart_interval: int = 0
    trailing: int = 0
    tables: str | None = None  # the signature of the quantization tables
    tables_words: str | None = None
    ijg_quality: int | None = None
    quality: float | None = None
    luma: list[int] = Field(default_factory=list)
    standard_huffman: bool | None = None
    make: str | None = None
    model: str | None = None
    serial: str | None = None
    software: str | None = None
    original: str | None = None  # EXIF dates, ISO without offset
    digitized: str | None = None
    modified: str | None = None
    exif_width: int | None = None
    exif_height: int | None = None
    makernote: bool = False
    exif_present: bool = False
    exif_problem: str | None = None
    layout: str = ""
    thumbnail: bool = False
    # The largest local difference between the thumbnail and the image, in standard
    # deviations of the image's brightness (a 3×3 neighbourhood of a 32-pixel-wide reduction).
    thumbnail_difference: float | None = None
    thumbnail_aspect: float | None = None  # thumbnail's width/height over the image's
    xmp_tools: list[str] = Field(default_factory=list)
    xmp_traces: list[str] = Field(default_factory=list)
    credentials: dict[str, Any] | None = None  # C2PA, as intake keeps it (credentials.py)

    @property
    def camera_key(self) -> str | None:
        """Body serial, else make and model."""
        if self.serial:
            return f"serial:{self.serial}"
        if self.make or self.model:
            return f"model:{' '.join(filter(None, (self.make, self.model)))}"
        return None

    @property
    def camera_words(self) -> str:
        """The camera as people name it."""
        name = " ".join(filter(None, (self.make, self.model))) or "an unnamed camera"
        return f"{name} (body {self.serial})" if self.serial else name


def gather(data: bytes) -> OriginalFacts:
    """The facts of `data`; never raises for what the content holds."""
    if not is_jpeg(data):
        return OriginalFacts()
    try:
        structure = read_structure(data)
    except JpegStructureError as exc:
        return OriginalFacts(problem=str(exc))
    meta = read_metadata(structure)
    facts: dict[str, Any] = {
        "jpeg": True, "structure_problems": structure.problems, "markers": structure.markers,
        "apps": structure.apps(), "frame": structure.frame, "width": structure.width,
        "height": structure.height, "subsampling": structure.subsampling,
        "restart_interval": structure.restart_interval, "trailing": len(structure.trailing),
        "tables": table_signature(structure) if structure.quant else None,
        "tables_words": describe_tables(structure), "ijg_quality": ijg_quality(structure),
        "quality": estimated_quality(structure), "luma": list(structure.quant.get(0, ())),
        "standard_huffman": standard_huffman(structure),
        **_metadata(meta),
    }
    facts["credentials"] = credentials_of(io.BytesIO(data), "image/jpeg")
    if meta.thumbnail is not None:
        facts["thumbnail"] = True
        facts.update(_thumbnail_against(data, meta.thumbnail, structure))
    return OriginalFacts(**facts)


def _metadata(meta: MetadataFacts) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {"make": meta.make, "model": meta.model, "serial": meta.serial,
            "software": meta.software, "original": iso(meta.original),
            "digitized": iso(meta.digitized), "modified": iso(meta.modified),
            "exif_width": meta.exif_width, "exif_height": meta.exif_height,
            "makernote": meta.makernote, "exif_present": meta.present,
            "exif_problem": meta.problem, "layout": meta.layout,
            "xmp_tools": meta.xmp_tools, "xmp_traces": meta.xmp_traces}


def _small(image: Image.Image, size: tuple[int, int]) -> np.ndarray[Any, np.dtype[np.float64]]:
    grey = image.convert("L").resize(size, Image.Resampling.BOX)
    return np.asarray(grey, dtype=np.float64)


def _thumbnail_against(data: bytes, thumbnail: bytes, structure: JpegStructure
                       ) -> dict[str, Any]:
    """How far the EXIF thumbnail is from the image it is supposed to show."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            thumb = Image.open(io.BytesIO(thumbnail))
            thumb.load()
            image = Image.open(io.BytesIO(data))
            image.draft("RGB", (max(1, structure.width // 8), max(1, structure.height // 8)))
            image.load()
    except Exception:
        return {"thumbnail_difference": None}
    if not thumb.width or not thumb.height or not structure.height or not structure.width:
        return {"thumbnail_difference": None}
    aspect = (thumb.width / thumb.height) / (structure.width / structure.height)
    # Cameras pad a thumbnail of another aspect with black bars: compare the part that shows.
    crop = _content_box(thumb, structure.width / structure.height)
    size = (_THUMB_SIDE, max(4, round(_THUMB_SIDE * structure.height / structure.width)))
    a = _small(thumb.crop(crop), size)
    b = _small(image, size)
    # Compare shapes, not exposure: a camera's thumbnail may be toned slightly differently.
    a = (a - a.mean()) / (a.std() + 1.0)
    b = (b - b.mean()) / (b.std() + 1.0)
    difference = np.abs(a - b)
    # Local, not overall: a small region changed after the thumbnail was made must show.
    pooled = sum(difference[i:difference.shape[0] - 2 + i, j:difference.shape[1] - 2 + j]
                 for i in range(3) for j in range(3)) / 9
    return {"thumbnail_difference": round(float(np.max(pooled)), 3),
            "thumbnail_aspect": round(aspect, 3)}


def _content_box(thumb: Image.Image, aspect: float) -> tuple[int, int, int, int]:
    """The part of a thumbnail that shows the image when the camera letterboxed it."""
    if thumb.width / thumb.height > aspect * 1.02:  # bars left and right
        width = round(thumb.height * aspect)
        left = (thumb.width - width) // 2
        return left, 0, left + width, thumb.height
    if thumb.width / thumb.height < aspect / 1.02:  # bars top and bottom
        height = round(thumb.width / aspect)
        top = (thumb.height - height) // 2
        return 0, top, thumb.width, top + height
    return 0, 0, thumb.width, thumb.height
