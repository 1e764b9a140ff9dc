"""The tables of exports: what left the archive, what may not, and what waits for approval.

- `photo_marks`: what an analyst marked on an original: regions to blur in every public image,
  and whether the photo is restricted (never in an exhibition set).
- `exports`: one row per package written (evidence, exhibition set, data, statistics), with the
  custody-log entry that records it. Who asked for it (``requested_by``, free text such as a
  prosecutor's office and file number) is sealed with :class:`caesar.vault.fields.FieldCipher`.
- `exhibit_items`: each image of an exhibition set, by its random exhibit id. The original it
  shows is sealed too, so the mapping opens only with the archive's keys, on any database.
- `export_requests`: an export asked for through the web, approved (or refused) by a second
  person, produced and held encrypted until it is downloaded or expires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from caesar.catalog.custody import LogIndex
from caesar.catalog.models import Base


class PhotoMark(Base):
    """An analyst's marks on one original: regions to blur, and whether it is restricted."""

    __tablename__ = "photo_marks"
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), primary_key=True)
    restricted: Mapped[bool] = mapped_column(default=False)
    # [[x, y, width, height], ...] in pixels of the photo as displayed (EXIF orientation applied)
    regions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    set_by: Mapped[str]
    set_at: Mapped[datetime]


class ExportRecord(Base):
    """One package that left the archive, and the custody-log entry that says so."""

    __tablename__ = "exports"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # evidence, exhibit, data
    actor: Mapped[str]  # who produced it
    requested_by: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed free text
    entry_idx: Mapped[int | None] = mapped_column(LogIndex)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What was asked for: {"cases": [...], "transfer": N, "photos": [...]} and the options.
    selection: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]


class ExhibitItem(Base):
    """One image of an exhibition set: its random id and (sealed) the original it shows."""

    __tablename__ = "exhibit_items"
    exhibit_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    export_id: Mapped[int] = mapped_column(ForeignKey("exports.id"), index=True)
    file: Mapped[str] = mapped_column(String(64))
    original: Mapped[bytes] = mapped_column(LargeBinary)  # sealed SHA-256 of the original
    case_id: Mapped[int | None]


class ExportRequest(Base):
    """An export asked for by one person, decided by another, held until downloaded."""

    __tablename__ = "export_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # evidence, exhibit, data
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    requester: Mapped[str]
    reason: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed free text
    # requested, approved, refused, produced, expired
    state: Mapped[str] = mapped_column(String(16), default="requested")
    requested_at: Mapped[datetime]
    decided_by: Mapped[str | None]
    decided_at: Mapped[datetime | None]
    export_id: Mapped[int | None] = mapped_column(ForeignKey("exports.id"))
    package: Mapped[str | None] = mapped_column(String(64))  # name in the held-package store
    package_size: Mapped[int | None] = mapped_column(BigInteger)
    produced_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    downloads: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime | None]
