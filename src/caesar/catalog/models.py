"""The catalogue's tables.

The embedded default is an SQLCipher database, so every value here is encrypted at rest.
Hashes are lowercase hex; times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator

from caesar.names import name_from_stored, stored_name

_UTC = UTC


class UTCDateTime(TypeDecorator[datetime]):
    """Datetimes stored as UTC and returned timezone-aware (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the catalogue")
        return value.astimezone(_UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=_UTC)


class FileName(TypeDecorator[str]):
    """A file's path relative to its source, kept exactly: a name's undecodable bytes
    (surrogate escapes in Python) survive the round trip (:mod:`caesar.names`)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else stored_name(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else name_from_stored(value)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON,
                                                     list[Any]: JSON}


class Meta(Base):
    """Small facts about the archive itself (owner, creation time)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str]


class Transfer(Base):
    """One hand-over: a folder or drive given to `ingest`, a sealed bundle, a BagIt bag."""

    __tablename__ = "transfers"
    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # running, complete, interrupted, failed
    kind: Mapped[str] = mapped_column(String(16))  # folder, file, bundle, bag
    source: Mapped[str] = mapped_column(FileName)  # the SOURCE argument as given
    label: Mapped[str | None]
    operator: Mapped[str | None]  # who handed the material over
    actor: Mapped[str]  # who ran the command
    device_label: Mapped[str | None]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    info: Mapped[dict[str, Any]] = mapped_column(default=dict)

    sightings: Mapped[list[Sighting]] = relationship(back_populates="transfer")
    problems: Mapped[list[Problem]] = relationship(order_by="Problem.id")


class Photo(Base):
    """An original: any regular file received, identified by its SHA-256."""

    __tablename__ = "photos"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str]
    width: Mapped[int | None]
    height: Mapped[int | None]
    camera_make: Mapped[str | None]
    camera_model: Mapped[str | None]
    camera_serial: Mapped[str | None]
    captured_at: Mapped[str | None]  # ISO 8601 as the camera recorded it (offset if known)
    exif: Mapped[dict[str, Any]] = mapped_column(default=dict)
    pdq: Mapped[str | None] = mapped_column(String(64))
    pdq_quality: Mapped[int | None]
    has_thumbnail: Mapped[bool] = mapped_column(default=False)
    # The thumbnail's own SHA-256, which names its object (None before it was recorded).
    thumbnail_sha256: Mapped[str | None] = mapped_column(String(64))
    first_transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"))
    stored_at: Mapped[datetime]
    # When EXIF, PDQ, dimensions, flags of the content and the thumbnail were read: None while
    # the original is secured but not analysed yet (`ingest --analyse later`, or a crash).
    analysed_at: Mapped[datetime | None] = mapped_column(index=True)

    sightings: Mapped[list[Sighting]] = relationship(
        back_populates="photo", order_by="Sighting.id"
    )
    flags: Mapped[list[Flag]] = relationship(order_by="Flag.id")


class VideoHash(Base):
    """A video's frame hashes (Meta's vPDQ: PDQ of a frame a second, still scenes collapsed)."""

    __tablename__ = "video_hashes"
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), primary_key=True)
    # [[second, PDQ hex, quality], ...] in order of showing
    frames: Mapped[list[Any]]


class DocumentPage(Base):
    """One page's text of a document (a PDF): its own text layer or what OCR read, sealed
    field by field (`caesar.vault.fields`), since papers name detainees and their families."""

    __tablename__ = "document_pages"
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), primary_key=True)
    page: Mapped[int] = mapped_column(primary_key=True)  # from 1
    source: Mapped[str] = mapped_column(String(8))  # layer, ocr
    confidence: Mapped[int | None]  # OCR's mean word confidence, 0-100
    text_sealed: Mapped[bytes] = mapped_column(LargeBinary)


class Sighting(Base):
    """One arrival of an original: which transfer, at which relative path."""

    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("transfer_id", "path"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"))
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), index=True)
    path: Mapped[str] = mapped_column(FileName)
    outcome: Mapped[str] = mapped_column(String(16))  # stored, duplicate
    # One of a BagIt bag's tag files (outside data/): the bag's own records, never flagged.
    tag_file: Mapped[bool] = mapped_column(default=False, server_default=false())

    transfer: Mapped[Transfer] = relationship(back_populates="sightings")
    photo: Mapped[Photo] = relationship(back_populates="sightings")


class Flag(Base):
    """Something wrong with a preserved original (truncated, not an image, ...)."""

    __tablename__ = "flags"
    __table_args__ = (Index("ix_flags_sha256_kind", "sha256", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"))
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"))
    path: Mapped[str] = mapped_column(FileName)
    kind: Mapped[str] = mapped_column(String(32))
    problem: Mapped[str]


class Skipped(Base):
    """An entry of a source that could not be preserved (symlink, unreadable)."""

    __tablename__ = "skipped"
    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), index=True)
    path: Mapped[str] = mapped_column(FileName)
    reason: Mapped[str]


class Problem(Base):
    """Something wrong with a whole source (an invalid bag, a damaged bundle)."""

    __tablename__ = "problems"
    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    problem: Mapped[str]
