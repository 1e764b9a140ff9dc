"""What the archive holds: transfers, originals (details, never images), statistics."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from caesar.access.roles import Permission
from caesar.catalog.queries import Counts, PhotoPage, PhotoView, TransferFile, TransferView
from caesar.web.api.answers import ForReader
from caesar.web.gate import requires
from caesar.web.params import PageNumber, Sha256, TransferId, Web

router = APIRouter(prefix="/api", tags=["archive"], route_class=ForReader)


class TransferDetail(BaseModel):
    """A transfer and its files that were flagged or skipped."""

    transfer: TransferView
    files: list[TransferFile]


class StatRow(BaseModel):
    """How many cases have one value, and the command that lists them."""

    value: str
    cases: int
    share: float
    query: str


class StatTable(BaseModel):
    """The counts of cases by one facet."""

    facet: str
    title_en: str
    title_ar: str
    rows: list[StatRow]


class Stats(BaseModel):
    """What the archive holds, and cases counted by every facet."""

    counts: Counts
    cases: int
    tables: list[StatTable]


@router.get("/transfers", response_model=list[TransferView])
@requires(Permission.transfers_read)
def transfers(web: Web) -> list[TransferView]:
    """Every transfer, oldest first (`caesar transfers list`)."""
    return web.archive.queries.transfers()


@router.get("/transfers/{transfer_id}", response_model=TransferDetail)
@requires(Permission.transfers_read)
def transfer(web: Web, transfer_id: TransferId) -> TransferDetail:
    """One transfer with its flagged and skipped files."""
    return TransferDetail(transfer=web.archive.queries.transfer(transfer_id),
                          files=web.archive.queries.transfer_files(transfer_id))


@router.get("/photos", response_model=PhotoPage)
@requires(Permission.photos_read)
def photos(web: Web, page: PageNumber = 1) -> PhotoPage:
    """Originals, a hundred a page (`caesar photos list`)."""
    return web.archive.queries.photo_page(page)


@router.get("/photos/{sha256}", response_model=PhotoView)
@requires(Permission.photos_read)
def photo(web: Web, sha256: Sha256) -> PhotoView:
    """One original with its EXIF/XMP (`caesar photos show`)."""
    return web.archive.queries.photo(sha256)


@router.get("/stats", response_model=Stats)
@requires(Permission.stats_read)
def stats(web: Web) -> Stats:
    """Counts of cases by branch, hospital, month, sex, age and finding."""
    from caesar.exports.stats import tables  # matplotlib comes with it: load on first use

    cases = web.archive.case_index.all()
    return Stats(counts=web.archive.queries.counts(), cases=len(cases), tables=[
        StatTable(facet=t.facet, title_en=t.title_en, title_ar=t.title_ar,
                  rows=[StatRow(value=r.value, cases=r.cases, share=r.share, query=r.query)
                        for r in t.rows]) for t in tables(cases)])
