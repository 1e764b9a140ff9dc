"""Reading the catalogue: photos and transfers as the `--json` shapes of docs/design.md."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from caesar.catalog.database import Catalog
from caesar.catalog.models import Flag, Photo, Sighting, Skipped, Transfer
from caesar.errors import NotAnalysedYet, NotFound


class Camera(BaseModel):
    make: str | None
    model: str | None
    serial: str | None


class SightingView(BaseModel):
    transfer: int
    path: str


class PhotoView(BaseModel):
    """`PHOTO` of docs/design.md."""

    sha256: str
    size: int
    media_type: str
    width: int | None
    height: int | None
    camera: Camera
    captured_at: str | None
    pdq: str | None
    pdq_quality: int | None
    flags: list[str]
    problems: list[str]
    sightings: list[SightingView]
    exif: dict[str, Any] | None = None
    # False while the original is secured but not analysed yet: its dimensions, camera, PDQ,
    # content flags and thumbnail are still unknown (`caesar analyse`).
    analysed: bool = True
    duration: float | None = None  # a video's length in seconds, as its container declares
    has_thumbnail: bool = False  # a thumbnail (a video's keyframe strip) was made in analysis
    # A document (PDF): its pages, where its text came from (layer, ocr, layer+ocr, none)
    # and how many pages with no text layer were left unread beyond the OCR limit.
    pages: int | None = None
    text_source: str | None = None
    pages_not_read: int | None = None


class TransferView(BaseModel):
    """`TRANSFER` of docs/design.md."""

    id: int
    state: str
    kind: str
    source_label: str | None
    source: str
    operator: str | None
    actor: str
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, Any]
    info: dict[str, Any]
    problems: list[ProblemView] = []
    tag_files: list[str] = []  # a bag's own tag files (preserved, never flagged), by path


class ProblemView(BaseModel):
    """Something wrong with a whole hand-over (an invalid bag, a damaged bundle)."""

    kind: str
    problem: str


class Counts(BaseModel):
    """How much the archive holds."""

    originals: int
    bytes: int
    flagged: int  # originals with at least one flag
    transfers: int
    not_analysed: int = 0  # originals secured but not analysed yet (counted in `originals`)


class PhotoPage(BaseModel):
    """One page of originals, in order of arrival."""

    photos: list[PhotoView]
    total: int
    page: int
    pages: int


class TransferFile(BaseModel):
    """A file of a transfer that was flagged (preserved, something wrong) or skipped."""

    path: str
    outcome: str  # flagged, skipped
    kind: str | None  # the flag's kind
    why: str
    sha256: str | None


def _photo_view(photo: Photo, *, with_exif: bool) -> PhotoView:
    document = (photo.exif or {}).get("Document", {})
    kinds = list(dict.fromkeys(f.kind for f in photo.flags))
    problems = list(dict.fromkeys(f"{f.kind}: {f.problem}" for f in photo.flags))
    return PhotoView(
        sha256=photo.sha256, size=photo.size, media_type=photo.media_type,
        width=photo.width, height=photo.height,
        camera=Camera(make=photo.camera_make, model=photo.camera_model,
                      serial=photo.camera_serial),
        captured_at=photo.captured_at, pdq=photo.pdq, pdq_quality=photo.pdq_quality,
        flags=kinds, problems=problems,
        sightings=[SightingView(transfer=s.transfer_id, path=s.path) for s in photo.sightings],
        exif=photo.exif if with_exif else None, analysed=photo.analysed_at is not None,
        duration=(photo.exif or {}).get("Video", {}).get("duration"),
        has_thumbnail=photo.has_thumbnail, pages=document.get("pages"),
        text_source=document.get("text"), pages_not_read=document.get("not_read"),
    )


def _transfer_view(t: Transfer, tag_files: list[str]) -> TransferView:
    return TransferView(
        id=t.id, state=t.state, kind=t.kind, source_label=t.label, source=t.source,
        operator=t.operator, actor=t.actor, started_at=t.started_at,
        finished_at=t.finished_at, counts=t.counts, info=t.info,
        problems=[ProblemView(kind=p.kind, problem=p.problem) for p in t.problems],
        tag_files=tag_files,
    )


def _tag_files(session: Session, transfer_id: int | None = None) -> dict[int, list[str]]:
    """The tag files of one transfer (or of all), by transfer, sorted by path."""
    query = select(Sighting.transfer_id, Sighting.path).where(Sighting.tag_file)
    if transfer_id is not None:
        query = query.where(Sighting.transfer_id == transfer_id)
    found: dict[int, list[str]] = {}
    for transfer, path in session.execute(query.order_by(Sighting.path)):
        found.setdefault(transfer, []).append(path)
    return found


def not_analysed(session: Session) -> int:
    """How many originals are secured but not analysed yet."""
    return session.scalar(select(func.count()).where(Photo.analysed_at.is_(None))) or 0


def refuse_not_analysed(session: Session, sha256s: Sequence[str], work: str) -> None:
    """Refuse `work` on originals of which some are not analysed yet, naming them."""
    waiting = sorted(session.scalars(select(Photo.sha256).where(
        Photo.sha256.in_(sha256s), Photo.analysed_at.is_(None))))
    if waiting:
        shown = ", ".join(waiting[:5]) + (f" and {len(waiting) - 5} more"
                                          if len(waiting) > 5 else "")
        raise NotAnalysedYet(
            f"{len(waiting)} of the originals for {work} are not analysed yet: {shown}.",
            hint="Run `caesar analyse`, then try again. Nothing was changed.")


_PHOTOS = select(Photo).options(selectinload(Photo.sightings), selectinload(Photo.flags))


class Queries:
    """Read-only views of the catalogue."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def photos(self, offset: int = 0, limit: int | None = None, *,
               media_type: str | None = None) -> list[PhotoView]:
        """Every original (or `limit` of them from `offset`), in order of arrival; only those
        of `media_type` when it is given."""
        query = _PHOTOS if media_type is None else _PHOTOS.where(Photo.media_type == media_type)
        with self._catalog.reader() as session:
            rows = session.scalars(
                query.order_by(Photo.stored_at, Photo.sha256).offset(offset).limit(limit)
            ).all()
            return [_photo_view(p, with_exif=False) for p in rows]

    def photo_page(self, page: int, per_page: int = 100) -> PhotoPage:
        """Page `page` (from 1; past the last, the last) of the originals."""
        total = self.counts().originals
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        return PhotoPage(photos=self.photos((page - 1) * per_page, per_page), total=total,
                         page=page, pages=pages)

    def counts(self) -> Counts:
        """How many originals (and bytes), flagged originals and transfers."""
        with self._catalog.reader() as session:
            originals, size = session.execute(
                select(func.count(), func.coalesce(func.sum(Photo.size), 0))).one()
            flagged = session.scalar(select(func.count(Flag.sha256.distinct())))
            transfers = session.scalar(select(func.count()).select_from(Transfer))
            waiting = not_analysed(session)
        return Counts(originals=originals, bytes=size, flagged=flagged or 0,
                      transfers=transfers or 0, not_analysed=waiting)

    def transfer_files(self, transfer_id: int) -> list[TransferFile]:
        """The files of a transfer that were flagged or skipped, by path."""
        with self._catalog.reader() as session:
            flagged = session.execute(select(Flag.path, Flag.kind, Flag.problem, Flag.sha256)
                                      .where(Flag.transfer_id == transfer_id)).all()
            skipped = session.execute(select(Skipped.path, Skipped.reason)
                                      .where(Skipped.transfer_id == transfer_id)).all()
        files = [TransferFile(path=p, outcome="flagged", kind=k, why=why, sha256=sha)
                 for p, k, why, sha in flagged]
        files += [TransferFile(path=p, outcome="skipped", kind=None, why=why, sha256=None)
                  for p, why in skipped]
        return sorted(files, key=lambda f: (f.path, f.kind or ""))

    def photo(self, sha256: str) -> PhotoView:
        """One original with its EXIF/XMP."""
        with self._catalog.reader() as session:
            photo = session.scalars(
                _PHOTOS.where(Photo.sha256 == sha256.lower())
            ).one_or_none()
            if photo is None:
                raise NotFound(f"No original with SHA-256 {sha256} in this archive.",
                               hint="`caesar photos list` shows what the archive holds.")
            return _photo_view(photo, with_exif=True)

    def photos_of(self, sha256s: Sequence[str]) -> list[PhotoView]:
        """These originals with their EXIF/XMP, in the order given (few queries for many)."""
        found: dict[str, PhotoView] = {}
        wanted = list(dict.fromkeys(s.lower() for s in sha256s))
        with self._catalog.reader() as session:
            for start in range(0, len(wanted), 500):
                rows = session.scalars(_PHOTOS.where(
                    Photo.sha256.in_(wanted[start:start + 500]))).all()
                found.update((p.sha256, _photo_view(p, with_exif=True)) for p in rows)
        return [found[s] for s in wanted if s in found]

    def transfers(self) -> list[TransferView]:
        """Every transfer, oldest first."""
        with self._catalog.reader() as session:
            tags = _tag_files(session)
            return [_transfer_view(t, tags.get(t.id, [])) for t in session.scalars(
                select(Transfer).options(selectinload(Transfer.problems)).order_by(Transfer.id))]

    def transfer(self, transfer_id: int) -> TransferView:
        """One transfer."""
        with self._catalog.reader() as session:
            t = session.get(Transfer, transfer_id)
            if t is None:
                raise NotFound(f"No transfer {transfer_id} in this archive.",
                               hint="`caesar transfers list` shows them all.")
            return _transfer_view(t, _tag_files(session, t.id).get(t.id, []))
