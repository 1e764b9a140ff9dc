"""The tables of the examination: what each original's bytes say, and what was found.

- `examination_facts`: per original, the facts its bytes show (tables, EXIF layout, dates,
  thumbnail against image) as JSON, so a camera's fingerprint is learned without decrypting
  every photo again. Like every value of the catalogue, encrypted at rest (SQLCipher).
- `examinations`: per original, the latest findings with the method version that made them;
  a result of another version is recomputed (`caesar examine`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from caesar.catalog.models import Base


class ExaminationFacts(Base):
    """What one original's bytes say, gathered once per facts version."""

    __tablename__ = "examination_facts"
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), primary_key=True)
    version: Mapped[str] = mapped_column(String(16))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)


class ExaminationRecord(Base):
    """The latest examination of one original."""

    __tablename__ = "examinations"
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256"), primary_key=True)
    method_version: Mapped[str] = mapped_column(String(16))
    strongest: Mapped[str] = mapped_column(String(16), index=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # the Examination as JSON
    examined_by: Mapped[str]
    examined_at: Mapped[datetime]
