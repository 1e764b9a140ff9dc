"""Photos of the missing person in life, as families give them: added to a report, listed,
shown and exported as clean copies (every copy a custody-log entry), withdrawn when the family
asks.

They are not evidence and never originals: no `photos` row, no `original.*` entry, never in
`photos list`, `cases build`, the originals `verify` counts or an export of originals (`verify`
checks them apart, and replicas carry them: :mod:`caesar.preservation.areas`). Each file is
kept bit for bit (it is what the family gave) as an encrypted ``family_photo`` object of the
archive's object format (named by a keyed hash of its content, padded), in a store of its own
that dates nothing, ``family-photos/``, because the store of originals cannot delete and a
family may take its photo back. The catalogue keeps its SHA-256, media type, size and upright
dimensions, who added it and when, and its caption sealed; nothing of its EXIF or XMP is read
into the catalogue or shown: people get only re-encoded copies (`identify.images.shown_copy`).

Partners never receive them: `IdentifyService.partner_reports` carries no photo, and there is
no consent by which one could leave.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from caesar.catalog.identify import ReportPhoto
from caesar.errors import NotFound, UsageError
from caesar.identify.images import Examined, Refusal, examine, shown_copy
from caesar.identify.stored import KIND
from caesar.identify.views import FamilyPhotoView, PhotoOutcome, PhotosAdded
from caesar.identify.vocabulary import MAX_BYTES, MAX_CAPTION
from caesar.identify.workspace import Workspace, live_report, now
from caesar.ledger.events import Event, Subject
from caesar.vault.fields import FieldCipher


@dataclass(frozen=True)
class Upload:
    """One file given for a report: its name as the person gave it (never stored) and its
    bytes (at most one more than the limit is read), or why it could not be read."""

    name: str
    data: bytes | None
    problem: str | None = None


def read_upload(path: Path) -> Upload:
    """A file named on the command line, read into memory (no more than the limit allows)."""
    try:
        if not path.is_file():
            return Upload(str(path), None, "not a regular file")
        with open(path, "rb") as f:
            return Upload(str(path), f.read(MAX_BYTES + 1))
    except OSError as error:
        return Upload(str(path), None, f"cannot be read: {error.strerror or error}")


def add(w: Workspace, report_id: int, uploads: Sequence[Upload], actor: str,
        caption: str | None) -> PhotosAdded:
    """Check each file and keep those that are whole still images; one outcome per file.

    A refused file leaves nothing behind and never stops the others. The objects are made
    durable before the rows that name them are committed; if the transaction fails, the new
    objects are removed again.
    """
    text = _caption(caption)
    with w.ledger.writing():  # what is held, the new objects and their rows, together
        with w.catalog.reader() as session:
            live_report(session, report_id)
            held = {sha: photo for sha, photo in session.execute(
                select(ReportPhoto.sha256, ReportPhoto.id).where(
                    ReportPhoto.report_id == report_id, ReportPhoto.status == "held"))}
        outcomes: list[tuple[PhotoOutcome, str | None]] = []  # each with its photo's SHA-256
        new: dict[str, tuple[Examined, int]] = {}  # SHA-256 -> what it is, its size
        stored: list[str] = []  # objects this call created (removed again if the rows fail)
        for upload in uploads:
            if upload.data is None:
                outcomes.append((PhotoOutcome(file=upload.name, outcome="unreadable",
                                              problem=upload.problem), None))
                continue
            verdict = examine(upload.data)
            if isinstance(verdict, Refusal):
                outcomes.append((PhotoOutcome(file=upload.name, outcome=verdict.kind,
                                              problem=verdict.problem, words=verdict.words),
                                  None))
                continue
            sha = hashlib.sha256(upload.data).hexdigest()
            known = sha in held or sha in new
            outcomes.append((PhotoOutcome(file=upload.name,
                                          outcome="already_held" if known else "added"), sha))
            if known:
                continue
            new[sha] = (verdict, len(upload.data))
            w.family_photos.ensure()
            if w.family_photos.commit(KIND, w.family_photos.seal_bytes(upload.data)):
                stored.append(sha)
        try:
            held |= _record(w, report_id, new, actor, text)
        except BaseException:
            for made in stored:
                w.family_photos.remove(KIND, made)
            raise
        for outcome, photo in outcomes:
            outcome.photo = held[photo] if photo else None
        return PhotosAdded(report=report_id, files=[outcome for outcome, _ in outcomes])


def _record(w: Workspace, report_id: int, new: dict[str, tuple[Examined, int]], actor: str,
            caption: str | None) -> dict[str, int]:
    if not new:
        return {}
    at = now()
    ids: dict[str, int] = {}
    with w.catalog.session() as session:
        live_report(session, report_id)  # not merged away meanwhile
        for sha, (examined, size) in new.items():
            row = ReportPhoto(report_id=report_id, sha256=sha, media_type=examined.media_type,
                              size=size, width=examined.width, height=examined.height,
                              status="held", added_by=actor, added_at=at)
            session.add(row)
            session.flush()
            row.caption_sealed = w.cipher.seal_optional(caption, _where("caption", row.id))
            ids[sha] = row.id
        w.ledger.append_signed(session, [Event(
            type="report.photo_added", time=at, actor=actor,
            subject=Subject.record("report", report_id),
            details={"photo": photo}) for photo in ids.values()])
    return ids


def listed(w: Workspace, report_id: int, actor: str) -> list[FamilyPhotoView]:
    """The report's photos (held and withdrawn), read as a part of the report: logged as a
    view of it (captions can name people)."""
    with w.ledger.writing(), w.catalog.session() as session:
        live_report(session, report_id)
        found = views(session, w.cipher, report_id)
        w.ledger.append_signed(session, [Event(
            type="report.viewed", time=now(), actor=actor,
            subject=Subject.record("report", report_id))])
    return found


def views(session: Session, cipher: FieldCipher, report_id: int) -> list[FamilyPhotoView]:
    """Every photo of a report, in the order they were added (for the report's view)."""
    rows = session.scalars(select(ReportPhoto).where(ReportPhoto.report_id == report_id)
                           .order_by(ReportPhoto.id))
    return [_view(cipher, row) for row in rows]


def shown(w: Workspace, report_id: int, photo_id: int, actor: str) -> bytes:
    """A clean copy of one held photo (JPEG, no metadata), after its showing is logged.

    The write lock is held around the log entry only (decrypting and re-encoding need no
    lock).
    """
    with w.catalog.reader() as session:
        sha = _held(session, report_id, photo_id).sha256
    copy = shown_copy(w.family_photos.read_bytes(KIND, sha))
    with w.ledger.writing(), w.catalog.session() as session:
        w.ledger.append_signed(session, [_viewed(actor, report_id, photo_id, "shown")])
    return copy


def exported(w: Workspace, report_id: int, actor: str) -> list[tuple[str, bytes]]:
    """Clean copies of every held photo of a report, named ``photo-ID.jpg``, each copy a
    custody-log entry (the caller writes them out)."""
    with w.catalog.reader() as session:
        live_report(session, report_id)
        rows = [(r.id, r.sha256) for r in session.scalars(select(ReportPhoto).where(
            ReportPhoto.report_id == report_id, ReportPhoto.status == "held")
            .order_by(ReportPhoto.id))]
    if not rows:
        raise UsageError(f"Report {report_id} holds no photo of the person.",
                         hint=f"Add one: caesar missing photos add {report_id} FILE")
    copies = [(f"photo-{photo}.jpg", shown_copy(w.family_photos.read_bytes(KIND, sha)))
              for photo, sha in rows]
    with w.ledger.writing(), w.catalog.session() as session:
        w.ledger.append_signed(session, [_viewed(actor, report_id, photo, "exported")
                                         for photo, _ in rows])
    return copies


def withdraw(w: Workspace, report_id: int, photo_id: int, actor: str, reason: str
             ) -> FamilyPhotoView:
    """Withdraw a photo the family asked to take back: it stays on record (who added and
    withdrew it, when, the sealed reason) without its caption, and its encrypted file is
    deleted unless another report still holds the very same photo."""
    if not reason.strip():
        raise UsageError("Say why the photo is withdrawn (--reason), such as the family's"
                         " request.", hint="The reason is kept encrypted. Nothing was changed.")
    at = now()
    with w.ledger.writing():  # the row, and the file it may leave unheld
        with w.catalog.session() as session:
            row = _held(session, report_id, photo_id)
            row.status, row.withdrawn_by, row.withdrawn_at = "withdrawn", actor, at
            row.caption_sealed = None
            row.reason_sealed = w.cipher.seal(reason.strip(), _where("reason", row.id))
            w.ledger.append_signed(session, [Event(
                type="report.photo_withdrawn", time=at, actor=actor,
                subject=Subject.record("report", report_id),
                details={"photo": photo_id})])
            view = _view(w.cipher, row)
        _remove_unheld(w)
    return view


def move(session: Session, source: int, target: int) -> None:
    """A merged report's photos join the report it was merged into (unless it holds the
    very same photo already)."""
    taken = set(session.scalars(select(ReportPhoto.sha256).where(
        ReportPhoto.report_id == target, ReportPhoto.status == "held")))
    for row in session.scalars(select(ReportPhoto).where(ReportPhoto.report_id == source,
                                                          ReportPhoto.status == "held")):
        if row.sha256 not in taken:
            row.report_id = target


def _remove_unheld(w: Workspace) -> None:
    """Delete the object of every withdrawn photo no report holds any more. All of them, not
    only the one just withdrawn: a crash between a withdrawal's commit and its deletion is
    mended by the next withdrawal."""
    with w.catalog.reader() as session:
        still = select(ReportPhoto.sha256).where(ReportPhoto.status == "held")
        gone = set(session.scalars(select(ReportPhoto.sha256).where(
            ReportPhoto.status == "withdrawn", ReportPhoto.sha256.not_in(still))))
    for sha in gone:
        w.family_photos.remove(KIND, sha)


def _held(session: Session, report_id: int, photo_id: int) -> ReportPhoto:
    row = session.get(ReportPhoto, photo_id)
    if row is None or row.report_id != report_id:
        raise NotFound(f"Report {report_id} has no photo {photo_id}.",
                       hint=f"`caesar missing photos list {report_id}` shows its photos.")
    if row.status != "held":
        raise NotFound(f"Photo {photo_id} of report {report_id} was withdrawn at the family's"
                       " request; it can no longer be shown.")
    return row


def _viewed(actor: str, report_id: int, photo_id: int, copy: str) -> Event:
    return Event(type="report.photo_viewed", time=now(), actor=actor,
                 subject=Subject.record("report", report_id),
                 details={"photo": photo_id, "copy": copy})


def _caption(caption: str | None) -> str | None:
    text = (caption or "").strip()
    if len(text) > MAX_CAPTION:
        raise UsageError(f"A caption holds at most {MAX_CAPTION} characters.",
                         hint="Say who is in the photo, when and where; put the rest in the"
                         " report's notes. Nothing was added.")
    return text or None


def _where(column: str, photo_id: int) -> str:
    return f"report_photos.{column}:{photo_id}"


def _view(cipher: FieldCipher, row: ReportPhoto) -> FamilyPhotoView:
    return FamilyPhotoView(
        id=row.id, report=row.report_id, sha256=row.sha256, media_type=row.media_type,
        size=row.size, width=row.width, height=row.height,
        caption=cipher.open_optional(row.caption_sealed, _where("caption", row.id)),
        status=row.status, added_by=row.added_by, added_at=row.added_at,
        withdrawn_by=row.withdrawn_by, withdrawn_at=row.withdrawn_at,
        reason=cipher.open_optional(row.reason_sealed, _where("reason", row.id)))
