"""Archive settings: the one plaintext file of an archive besides `archive.pub`.

Settings hold where things are (database URL, store URL, cluster address, TSA URL) and how
intake behaves; never a name, a key or anything about the collection.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caesar.errors import ArchiveNotFound, CaesarError

SETTINGS_FILE = "caesar.toml"
FORMAT_VERSION = 1
DEFAULT_ARCHIVE = "caesar-archive"


class IntakeSettings(BaseModel):
    """How `ingest` works; the defaults suit a laptop."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    workers: int = Field(default=0, ge=0, description="worker processes; 0 means one per core")
    thumbnail_px: int = Field(default=320, ge=64, le=2048)
    analyse_limit_mb: int = Field(
        default=256, ge=1, description="files larger than this are stored but not decoded"
    )
    commit_every: int = Field(default=256, ge=1, description="outcomes recorded per"
                              " transaction (a transaction also ends every 2 seconds)")
    document_text_pages: int = Field(default=500, ge=1, description="pages of a PDF whose"
                                     " text is taken (its own text layer, or OCR)")
    document_ocr_pages: int = Field(default=20, ge=0, description="pages without a text layer"
                                    " (scans) read by OCR in one PDF; the rest are counted"
                                    " as not read")
    document_max_pages: int = Field(default=10_000, ge=1, description="a PDF with more pages"
                                    " is flagged decompression_bomb and never decoded")
    document_memory_mb: int = Field(default=1024, ge=128, description="memory the process"
                                    " reading one PDF may use; beyond it the PDF is flagged"
                                    " decompression_bomb")
    document_cpu_seconds: int = Field(default=300, ge=1, description="processor time reading"
                                      " one PDF may take; beyond it the PDF is flagged")


class CaseSettings(BaseModel):
    """How `cases build` groups photos (see `caesar.cases.grouping`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    copy_distance: int = Field(default=31, ge=0, le=256, description="PDQ bits a re-encoded"
                               " copy may differ from its original by (HMA recommends 31)")
    copy_quality: int = Field(default=50, ge=0, le=100, description="PDQ quality both hashes"
                              " need for a copy to be linked (HMA recommends 50)")
    video_match_percent: float = Field(default=80.0, gt=0, le=100, description="share of each"
                                       " video's frame hashes found in the other for a"
                                       " re-encoded copy of a video to be linked (vPDQ: 80)")
    sequence_gap_seconds: float = Field(default=40.0, gt=0, description="a longer pause"
                                        " between two photos of one camera starts a new body,"
                                        " where the camera's own pause cannot be learned")
    min_gap_seconds: float = Field(default=10.0, gt=0, description="the learned pause between"
                                   " bodies is never shorter")
    max_gap_seconds: float = Field(default=900.0, gt=0, description="... nor longer")
    min_photos: int = Field(default=3, ge=1, description="a sequence with fewer photos and no"
                            " number read is not taken for a body")
    workers: int | None = Field(default=None, ge=1, description="processes reading the"
                                " numbers (default: one per core)")


class Settings(BaseModel):
    """The contents of `caesar.toml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int = FORMAT_VERSION
    database_url: str = "sqlite:///catalog.db"
    store_url: str = "file:objects"
    cluster: str | None = None
    tsa_url: str | None = None
    # PEM: the TSA's certificate, then its issuers up to the root (relative to the archive).
    tsa_certificates: str | None = None
    demo: bool = False  # made by `caesar demo`: holds only synthetic images, may be replaced
    intake: IntakeSettings = IntakeSettings()
    cases: CaseSettings = CaseSettings()

    def dump(self, folder: Path) -> None:
        """Write the settings into `folder` (atomically, so a crash never leaves half a file)."""
        data = self.model_dump(exclude_none=True)
        tmp = folder / (SETTINGS_FILE + ".tmp")
        with open(tmp, "wb") as f:
            tomli_w.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, folder / SETTINGS_FILE)


def load_settings(folder: Path) -> Settings:
    """Read the settings of the archive in `folder`."""
    path = folder / SETTINGS_FILE
    if not path.is_file():
        raise ArchiveNotFound(
            f"No Caesar archive at {folder} (there is no {SETTINGS_FILE}).",
            hint="Give the archive with --archive PATH or CAESAR_ARCHIVE, or create one with"
            " `caesar init`.",
        )
    try:
        settings = Settings.model_validate(tomllib.loads(path.read_text("utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise CaesarError(
            f"The settings file {path} cannot be read: {exc}",
            hint="Fix the file by hand, or take a replica's copy (its"
            " documents/settings; docs/recovery.md).",
        ) from exc
    if settings.format != FORMAT_VERSION:
        raise CaesarError(
            f"The archive at {folder} has format {settings.format}; this version of Caesar"
            f" reads format {FORMAT_VERSION}.",
            hint="Use the version of Caesar Archive that wrote it.",
        )
    return settings


def archive_path(given: str | os.PathLike[str] | None) -> Path:
    """The archive folder: `--archive`, else `CAESAR_ARCHIVE`, else `./caesar-archive`."""
    chosen = given or os.environ.get("CAESAR_ARCHIVE") or DEFAULT_ARCHIVE
    return Path(chosen).expanduser().absolute()
