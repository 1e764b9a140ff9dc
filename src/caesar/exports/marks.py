"""What analysts mark on a photo before anything of it is shown to the public: regions to blur
(a wound, a tattoo, a card with a name) and whether the photo is restricted altogether."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from caesar.catalog.database import Catalog
from caesar.catalog.exports import PhotoMark
from caesar.catalog.models import Photo
from caesar.errors import NotFound, UsageError
from caesar.exports.views import MarkView
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog

Region = tuple[int, int, int, int]


def parse_region(text: str) -> Region:
    """``x,y,w,h`` in pixels of the photo as displayed (upright)."""
    try:
        x, y, w, h = (int(v) for v in text.split(","))
    except ValueError:
        raise UsageError(f"{text!r} is not a region.",
                         hint="Give x,y,width,height in pixels, such as --region 120,80,300,260"
                         " (from the top left corner of the photo as displayed).") from None
    if x < 0 or y < 0 or w <= 0 or h <= 0:
        raise UsageError(f"The region {text} has a negative corner or an empty size.",
                         hint="x and y are at least 0, width and height more than 0.")
    return x, y, w, h


def mark(catalog: Catalog, ledger: CustodyLog, sha256: str, actor: str, *,
         regions: Sequence[Region] = (), restricted: bool | None = None,
         clear_regions: bool = False) -> MarkView:
    """Add regions to blur and/or set whether the photo is restricted; logged as one entry."""
    sha = sha256.lower()
    with catalog.session() as session:
        if session.get(Photo, sha) is None:
            raise NotFound(f"No original with SHA-256 {sha256} in this archive.",
                           hint="`caesar photos list` shows what the archive holds.")
        row = session.get(PhotoMark, sha)
        now = datetime.now(UTC)
        if row is None:
            row = PhotoMark(sha256=sha, restricted=False, regions=[], set_by=actor, set_at=now)
            session.add(row)
        kept = [] if clear_regions else [tuple(r) for r in row.regions]
        row.regions = [list(r) for r in dict.fromkeys([*kept, *regions])]
        if restricted is not None:
            row.restricted = restricted
        row.set_by, row.set_at = actor, now
        ledger.append_signed(session, [Event(
            type="photo.marked", time=now, actor=actor, subject=Subject.original(sha),
            details={"regions": len(row.regions), "restricted": row.restricted})])
        return _view(row)


def marks(catalog: Catalog, sha256s: Sequence[str]) -> dict[str, MarkView]:
    """The marks of these originals (those that have any)."""
    with catalog.reader() as session:
        rows = session.scalars(select(PhotoMark).where(PhotoMark.sha256.in_(
            [s.lower() for s in sha256s]))).all()
        return {r.sha256: _view(r) for r in rows}


def _view(row: PhotoMark) -> MarkView:
    return MarkView(sha256=row.sha256, restricted=row.restricted,
                    regions=[(r[0], r[1], r[2], r[3]) for r in row.regions],
                    set_by=row.set_by, set_at=row.set_at)
