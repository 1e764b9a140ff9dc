"""From what a person asked for (cases, a transfer, some originals) to the originals it means."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from caesar.catalog.cases import Case, CasePhoto, PhotoCopy
from caesar.catalog.exports import PhotoMark
from caesar.catalog.models import Flag, Photo, Sighting, Transfer
from caesar.errors import NotFound
from caesar.exports.views import Selection

# Flags that mean an original cannot be decoded as an image (an exhibition needs pixels).
UNDECODABLE = frozenset({"empty", "truncated", "corrupt", "not_image", "decompression_bomb",
                         "bundle_damaged"})


@dataclass(frozen=True)
class Chosen:
    """The originals a selection means, in order, with the case each belongs to."""

    originals: tuple[str, ...]
    case_of: dict[str, int]
    cases: tuple[int, ...]
    bytes: int


def resolve(session: Session, selection: Selection, *, copies: bool) -> Chosen:
    """The originals of `selection`; re-encoded copies of a case's photos only if `copies`.

    Unknown cases, transfers or originals are refused by name: an export never silently
    holds less than was asked for.
    """
    if selection.cases:
        shas = _of_cases(session, selection.cases, copies=copies)
    elif selection.transfer is not None:
        if session.get(Transfer, selection.transfer) is None:
            raise NotFound(f"No transfer {selection.transfer} in this archive.",
                           hint="`caesar transfers list` shows them all.")
        shas = list(dict.fromkeys(session.scalars(
            select(Sighting.sha256).where(Sighting.transfer_id == selection.transfer)
            .order_by(Sighting.id))))
    else:
        shas = list(dict.fromkeys(s.lower() for s in selection.photos))
        known = set(session.scalars(select(Photo.sha256).where(Photo.sha256.in_(shas))))
        for sha in shas:
            if sha not in known:
                raise NotFound(f"No original with SHA-256 {sha} in this archive.",
                               hint="`caesar photos list` shows what the archive holds.")
    # A re-encoded copy belongs to its original's case.
    original_of = dict(session.execute(select(PhotoCopy.sha256, PhotoCopy.original)
                                       .where(PhotoCopy.sha256.in_(shas))).all())
    placed = dict(session.execute(select(CasePhoto.sha256, CasePhoto.case_id).where(
        CasePhoto.sha256.in_([*shas, *original_of.values()]))).all())
    case_of = {sha: placed[original_of.get(sha, sha)] for sha in shas
               if original_of.get(sha, sha) in placed}
    sizes = dict(session.execute(select(Photo.sha256, Photo.size)
                                 .where(Photo.sha256.in_(shas))).all())
    cases = tuple(dict.fromkeys(selection.cases or [case_of[s] for s in shas if s in case_of]))
    return Chosen(tuple(shas), case_of, cases, sum(sizes.values()))


def _of_cases(session: Session, case_ids: tuple[int, ...], *, copies: bool) -> list[str]:
    found = set(session.scalars(select(Case.id).where(Case.id.in_(case_ids))))
    rows = session.execute(select(CasePhoto.case_id, CasePhoto.sha256)
                           .where(CasePhoto.case_id.in_(case_ids))
                           .order_by(CasePhoto.case_id, CasePhoto.position)).all()
    holding = {case for case, _ in rows}
    for case_id in case_ids:
        if case_id not in found or case_id not in holding:
            raise NotFound(f"No case {case_id} with photos in this archive.",
                           hint="`caesar cases list` shows the cases.")
    by_case: dict[int, list[str]] = {}
    for case_id, sha in rows:
        by_case.setdefault(case_id, []).append(sha)
    shas = [sha for case_id in dict.fromkeys(case_ids) for sha in by_case[case_id]]
    if copies:
        copy_rows = session.execute(select(PhotoCopy.original, PhotoCopy.sha256)
                                    .where(PhotoCopy.original.in_(shas))
                                    .order_by(PhotoCopy.sha256)).all()
        of: dict[str, list[str]] = {}
        for original, copy in copy_rows:
            of.setdefault(original, []).append(copy)
        shas = [s for sha in shas for s in (sha, *of.get(sha, []))]
    return list(dict.fromkeys(shas))


def restricted(session: Session, shas: tuple[str, ...] | list[str]) -> set[str]:
    """Which of `shas` an analyst marked restricted (never shown to the public)."""
    return set(session.scalars(select(PhotoMark.sha256).where(
        PhotoMark.sha256.in_(shas), PhotoMark.restricted.is_(True))))


def undecodable(session: Session, shas: tuple[str, ...] | list[str]) -> set[str]:
    """Which of `shas` are not images that can be decoded (flagged, or not an image type)."""
    flagged = set(session.scalars(select(Flag.sha256).where(
        Flag.sha256.in_(shas), Flag.kind.in_(UNDECODABLE))))
    not_images = set(session.scalars(select(Photo.sha256).where(
        Photo.sha256.in_(shas), Photo.media_type.not_like("image/%"))))
    return flagged | not_images
