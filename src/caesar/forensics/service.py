"""The examination service: gathers facts from the vault, examines, stores and logs.

Facts are gathered once per original (decrypting it); fingerprints are learned from every
original's facts; the findings of the chosen originals are stored in the encrypted catalogue
with the method's version, and each examination is a custody-log entry. A photo from outside
(`compare`) is read in memory, compared, and never stored.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from caesar.catalog.database import Catalog
from caesar.catalog.examination import ExaminationFacts, ExaminationRecord
from caesar.catalog.models import Photo, Sighting, Transfer
from caesar.catalog.queries import refuse_not_analysed
from caesar.errors import NotFound, UsageError
from caesar.forensics.compare import (
    PAIR_DISTANCE,
    SAME_PICTURE,
    Difference,
    describe,
    hamming,
)
from caesar.forensics.examine import Subject, examine_all
from caesar.forensics.facts import FACTS_VERSION, OriginalFacts, gather
from caesar.forensics.findings import (
    METHOD_VERSION,
    N_,
    Examination,
    Finding,
    Strength,
    finding,
    strongest,
)
from caesar.forensics.metadata import file_number
from caesar.forensics.profile import CameraProfile, Shot, build_profiles, clock_drift, gaps
from caesar.forensics.profile import out_of_order as find_out_of_order
from caesar.ledger.events import Event
from caesar.ledger.events import Subject as LogSubject
from caesar.ledger.log import CustodyLog
from caesar.progress import ProgressCallback
from caesar.vault.objects import ObjectVault


@dataclass(frozen=True)
class Choice:
    """Which originals to examine: some, a transfer's, a camera's, or all."""

    sha256s: tuple[str, ...] = ()
    transfer: int | None = None
    camera: str | None = None
    everything: bool = False


class CameraReport(BaseModel):
    """A camera's fingerprint, its numbering and its clock (`examine --cameras`)."""

    camera: str
    photos: int
    tables: dict[str, int]
    tables_words: dict[str, str]
    sizes: dict[str, int]
    models: dict[str, int]
    software: dict[str, int]
    makernote: int
    thumbnail: int
    numbers: list[int | None]  # lowest and highest frame numbers
    gaps: list[dict[str, int]]
    out_of_order: list[str]  # SHA-256 of photos dated outside their neighbours' times
    departing: list[str]  # photos whose tables are not the camera's
    clock_ahead_hours: float | None
    transfers: dict[str, list[int | None]]  # transfer -> [lowest, highest] frame number


class Nearest(BaseModel):
    """An original near a photo from outside, and how the outside photo differs from it."""

    sha256: str
    difference: Difference


class Comparison(BaseModel):
    """What `examine --compare FILE` answers (nothing of the file is kept)."""

    sha256: str  # of the outside file
    pdq: str | None
    nearest: list[Nearest]


_CANDIDATES = 8  # originals nearest by PDQ compared picture to picture with an outside one


def _now() -> datetime:
    return datetime.now(UTC)


class ExaminationService:
    """Examine originals (hold the archive's write lock for :meth:`examine`)."""

    def __init__(self, *, catalog: Catalog, ledger: CustodyLog, vault: ObjectVault) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._vault = vault

    def _read(self, sha256: str) -> bytes:
        return self._vault.read_bytes("original", sha256)

    # -- examining -----------------------------------------------------------------------

    def examine(self, choice: Choice, actor: str, progress: ProgressCallback | None = None
                ) -> list[Examination]:
        """Examine the chosen originals against the whole collection; store and log it."""
        with self._ledger.writing():  # the facts gathered, the findings and their entries
            with self._catalog.reader() as session:
                # Near-identical pairs are found by the PDQ hash that analysis reads.
                refuse_not_analysed(session, self._chosen(session, choice), "an examination")
            self._gather(progress)
            with self._catalog.reader() as session:
                chosen = self._chosen(session, choice)
                subjects, profiles = self._collection(session)
            wanted = [subjects[s] for s in chosen if s in subjects]
            results = examine_all(wanted, profiles, self._read)
            by_sha = {r.sha256: r for r in results}
            self._add_pairs(by_sha)
            at = _now()
            with self._catalog.session() as session:
                for result in by_sha.values():
                    result.examined_at = at.isoformat(timespec="seconds")
                    session.merge(ExaminationRecord(
                        sha256=result.sha256, method_version=METHOD_VERSION,
                        strongest=result.strongest, result=result.model_dump(mode="json"),
                        examined_by=actor, examined_at=at))
                self._ledger.append_signed(session, [Event(
                    type="photo.examined", time=at, actor=actor,
                    subject=LogSubject.original(r.sha256),
                    details={"method": METHOD_VERSION, "strongest": r.strongest})
                    for r in by_sha.values()])
            return [by_sha[s] for s in chosen if s in by_sha]

    def stored(self, sha256s: Sequence[str]) -> dict[str, Examination]:
        """The stored findings of these originals made by the current method."""
        with self._catalog.reader() as session:
            rows = session.scalars(select(ExaminationRecord).where(
                ExaminationRecord.sha256.in_(list(sha256s)),
                ExaminationRecord.method_version == METHOD_VERSION)).all()
            return {r.sha256: Examination.model_validate(r.result) for r in rows}

    def documents(self, sha256s: Sequence[str], actor: str) -> dict[str, dict[str, Any]]:
        """Per original, its findings and the facts they rest on (an evidence package's
        ``examination/SHA256.json``); originals not yet examined by the current method are
        examined first."""
        missing = [s for s in sha256s if s not in self.stored(sha256s)]
        if missing:
            self.examine(Choice(sha256s=tuple(missing)), actor)
        found = self.stored(sha256s)
        with self._catalog.reader() as session:
            facts = {row.sha256: row.facts for row in session.scalars(
                select(ExaminationFacts).where(ExaminationFacts.sha256.in_(list(sha256s))))}
        return {sha: {"examination": found[sha].model_dump(mode="json"),
                      "facts": facts.get(sha)} for sha in sha256s if sha in found}

    def _chosen(self, session: Session, choice: Choice) -> list[str]:
        if choice.everything:
            return list(session.scalars(select(Photo.sha256).order_by(Photo.stored_at,
                                                                      Photo.sha256)))
        if choice.transfer is not None:
            if session.get(Transfer, choice.transfer) is None:
                raise NotFound(f"No transfer {choice.transfer} in this archive.",
                               hint="`caesar transfers list` shows them.")
            return list(session.scalars(select(Sighting.sha256).distinct().where(
                Sighting.transfer_id == choice.transfer).order_by(Sighting.sha256)))
        if choice.camera is not None:
            return self._camera_photos(session, choice.camera)
        found = []
        for sha in choice.sha256s:
            row = session.get(Photo, sha.lower())
            if row is None:
                raise NotFound(f"No original with SHA-256 {sha} in this archive.",
                               hint="`caesar photos list` shows what the archive holds.")
            found.append(row.sha256)
        if not found:
            raise UsageError("Say what to examine: SHA256..., --transfer ID, --camera SERIAL"
                             " or --all.", hint="Example: caesar examine --all")
        return found

    def _camera_photos(self, session: Session, camera: str) -> list[str]:
        keys = {camera, f"serial:{camera}", f"model:{camera}"}
        found = [row.sha256 for row in session.scalars(select(ExaminationFacts))
                 if OriginalFacts.model_validate(row.facts).camera_key in keys]
        if not found:
            raise NotFound(f"No original names the camera {camera!r}.",
                           hint="Give a body serial, or a make and model as `examine"
                           " --cameras` lists them.")
        return sorted(found)

    def _gather(self, progress: ProgressCallback | None) -> None:
        """Gather the facts of every original that has none of the current version."""
        with self._catalog.reader() as session:
            todo = list(session.scalars(select(Photo.sha256).where(Photo.sha256.not_in(
                select(ExaminationFacts.sha256).where(
                    ExaminationFacts.version == FACTS_VERSION))).order_by(Photo.sha256)))
        if progress and todo:
            progress("start", len(todo), 0)
        for batch in _chunks(todo, 256):
            gathered = []
            for sha in batch:
                try:
                    data = self._read(sha)
                except Exception as exc:
                    gathered.append((sha, OriginalFacts(problem=f"cannot be read: {exc}")))
                    continue
                gathered.append((sha, gather(data)))
                if progress:
                    progress("advance", 1, len(data))
            with self._catalog.session() as session:
                for sha, facts in gathered:
                    session.merge(ExaminationFacts(sha256=sha, version=FACTS_VERSION,
                                                   facts=facts.model_dump(mode="json")))

    def _collection(self, session: Session) -> tuple[dict[str, Subject],
                                                     dict[str, CameraProfile]]:
        """Every original as a subject, and every camera's profile."""
        first: dict[str, tuple[str, int | None]] = {}
        for sha, where, arrived in session.execute(
                select(Sighting.sha256, Sighting.path, Sighting.transfer_id)
                .order_by(Sighting.id)):
            first.setdefault(sha, (where, arrived))
        received = {i: t for i, t in session.execute(select(Transfer.id, Transfer.started_at))}
        media = {s: m for s, m in session.execute(select(Photo.sha256, Photo.media_type))}
        subjects = {}
        for row in session.scalars(select(ExaminationFacts)):
            facts = OriginalFacts.model_validate(row.facts)
            path, transfer = first.get(row.sha256, ("", None))
            taken = datetime.fromisoformat(facts.original) if facts.original else None
            shot = Shot(row.sha256, file_number(path), taken, path, transfer,
                        received.get(transfer) if transfer is not None else None)
            subjects[row.sha256] = Subject(row.sha256, media.get(row.sha256, ""), facts, shot)
        profiles = build_profiles([(s.facts, s.shot) for s in subjects.values()])
        return subjects, profiles

    # -- near-identical pairs ------------------------------------------------------------

    def _add_pairs(self, results: dict[str, Examination]) -> None:
        """A finding for each near-identical original of an examined one (how they differ)."""
        with self._catalog.reader() as session:
            rows = session.execute(select(Photo.sha256, Photo.pdq, Photo.width, Photo.height)
                                   .where(Photo.pdq.is_not(None))).all()
        if len(rows) < 2:
            return
        shas = [r[0] for r in rows]
        bits = np.frombuffer(b"".join(bytes.fromhex(r[1] or "") for r in rows), np.uint8)
        bits = bits.reshape(len(rows), 32)
        pixels = {r[0]: (r[2] or 0) * (r[3] or 0) for r in rows}
        index = {s: i for i, s in enumerate(shas)}
        for sha, result in results.items():
            if sha not in index:
                continue
            distances = np.unpackbits(bits ^ bits[index[sha]], axis=1).sum(axis=1)
            near = [j for j in np.argsort(distances)[:6]
                    if shas[j] != sha and distances[j] <= PAIR_DISTANCE]
            departs = result.strongest == "inconsistent"
            for j in near[:3]:
                result.findings.append(self._pair(sha, shas[j], int(distances[j]), pixels,
                                                  departs))
            result.strongest = strongest(result.findings) if result.findings else \
                result.strongest

    def _pair(self, sha: str, other: str, distance: int, pixels: dict[str, int],
              departs: bool) -> Finding:
        ours, theirs = self._read(sha), self._read(other)
        # Describe the smaller as a variant of the larger (a copy is rarely bigger); of two
        # the same size, the one whose own findings depart from its camera.
        mine, its = pixels.get(sha, 0), pixels.get(other, 0)
        if mine > its or (mine == its and not departs):
            difference = describe(ours, theirs, distance)
            strength: Strength = "consistent"
            template = N_("Original {other} is a near-identical variant of this photo (PDQ"
                          " {distance} bits apart): {how}. It shows the same moment, not"
                          " another body.")
        else:
            difference = describe(theirs, ours, distance)
            strength = "unusual"
            template = N_("This photo is a near-identical variant of original {other} (PDQ"
                          " {distance} bits apart): {how}. It shows the same moment, not"
                          " another body.")
        return finding("pairs.variant", strength, template, "; ".join(difference.words),
                       details={"other": other, **difference.model_dump(mode="json")},
                       other=other[:16], distance=distance,
                       how=", ".join(difference.how) or "identical pixels")

    # -- cameras -------------------------------------------------------------------------

    def cameras(self) -> list[CameraReport]:
        """Every camera's fingerprint, numbering and clock (after gathering facts)."""
        self._gather(None)
        with self._catalog.reader() as session:
            subjects, profiles = self._collection(session)
        reports = []
        for key, p in sorted(profiles.items()):
            if key.startswith("model:") and p.serials == p.photos:
                continue  # only bodies that are listed one by one
            numbers = [s.number for s in p.shots if s.number is not None]
            main = p.main_tables()
            per_transfer: dict[str, list[int | None]] = {}
            for s in p.shots:
                span = per_transfer.setdefault(str(s.transfer), [None, None])
                if s.number is not None:
                    span[0] = s.number if span[0] is None else min(span[0], s.number)
                    span[1] = s.number if span[1] is None else max(span[1], s.number)
            reports.append(CameraReport(
                camera=key, photos=p.photos, tables=dict(p.tables),
                tables_words=p.tables_words, sizes=dict(p.sizes), models=dict(p.models),
                software=dict(p.software), makernote=p.makernote, thumbnail=p.thumbnail,
                numbers=[min(numbers), max(numbers)] if numbers else [None, None],
                gaps=[{"after": g.after, "before": g.before, "missing": g.missing}
                      for g in gaps(p)],
                out_of_order=[o.shot.sha256 for o in find_out_of_order(p)],
                departing=sorted(s for s, subject in subjects.items()
                                 if subject.facts.camera_key == key and p.learned
                                 and subject.facts.tables != main
                                 and not p.usual(p.tables, subject.facts.tables or "")),
                clock_ahead_hours=clock_drift(p), transfers=per_transfer))
        return reports

    # -- a photo from outside --------------------------------------------------------------

    def compare(self, data: bytes, actor: str, limit: int = 3, name: str = "The photo"
                ) -> Comparison:
        """The originals nearest a photo from outside and how it differs from each; the
        photo itself is never stored, and the comparison is logged. A file that cannot be
        decoded as a picture is refused (`UsageError`, naming it) before anything is logged."""
        import hashlib

        from caesar.intake.inspect import inspect_file

        inspection = inspect_file(io.BytesIO(data), len(data), thumbnail_px=64)
        if inspection.pdq is None:
            why = "; ".join(f.problem for f in inspection.flags) or \
                f"{inspection.media_type} is not a picture"
            raise UsageError(f"{name} cannot be compared: {why}.",
                             hint="Give the photo itself (JPEG, PNG, TIFF or WebP), whole.")
        nearest: list[Nearest] = []
        with self._catalog.reader() as session:
            rows = session.execute(select(Photo.sha256, Photo.pdq)
                                   .where(Photo.pdq.is_not(None))).all()
        ranked = sorted((hamming(inspection.pdq, pdq or "0"), sha) for sha, pdq in rows)
        # PDQ does not survive a crop of a tenth: the nearest few by PDQ are compared
        # picture to picture, and kept when the pictures correlate.
        for distance, sha in ranked[:_CANDIDATES]:
            difference = describe(self._read(sha), data, distance)
            if distance <= PAIR_DISTANCE or (difference.similarity or 0) >= SAME_PICTURE:
                nearest.append(Nearest(sha256=sha, difference=difference))
        nearest = sorted(nearest, key=lambda n: -(n.difference.similarity or 0))[:limit]
        with self._ledger.writing(), self._catalog.session() as session:
            self._ledger.append_signed(session, [Event(type="photo.compared", time=_now(),
                                                       actor=actor,
                                                       details={"nearest": len(nearest)})])
        return Comparison(sha256=hashlib.sha256(data).hexdigest(), pdq=inspection.pdq,
                          nearest=nearest)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
