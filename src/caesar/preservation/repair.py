"""`caesar repair`: put back, from replicas, what the archive lost or what was damaged.

In this order: a catalogue that is missing, empty, unreadable, rolled back or of another log
(the newest replica snapshot that is at least as new as the archive's signed state, each
checked against its replica's signed state first); a signed state that is missing or damaged
(signed again once a replica vouches for the catalogue); then every original and thumbnail
that is damaged or missing (each copy checked, by decrypting and re-hashing it, before it is
put back); then the families' photos and held packages, checked likewise. Nothing is deleted:
a damaged object or catalogue is moved aside, kept.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, SerializerFunctionWrapHandler, model_serializer
from sqlalchemy.exc import DBAPIError

from caesar.catalog.database import catalogue_file, migrate, sqlite_file
from caesar.compute import Compute
from caesar.errors import CaesarError
from caesar.exports.held import HeldPackages
from caesar.files import fsync_dir
from caesar.identify.stored import KIND as FAMILY_PHOTO
from caesar.ledger.events import Event
from caesar.ledger.state import AnchorState, capture, judge, root_at, set_generation
from caesar.preservation import areas
from caesar.preservation.anchor import Anchor, StateCheck, StateDamaged
from caesar.preservation.replicas import Replica
from caesar.preservation.replicate import CATALOGUE, Holdings, scratch
from caesar.preservation.verify import StateView, catalogued, check_objects
from caesar.progress import ProgressCallback
from caesar.vault.objects import Kind, ObjectVault
from caesar.vault.store import RemovableStore

SET_ASIDE = ".set-aside"


class _Identified(BaseModel):
    """A repaired or unrepaired thing: `id` names a family photo (its report photo id) or a
    held package (its export request id), and is left out for originals and thumbnails."""

    id: int | None = None

    @model_serializer(mode="wrap")
    def _shown(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        if data.get("id") is None:
            data.pop("id", None)
        return data


class RepairedObject(_Identified):
    """An object put back: which original it belongs to (none for a family photo or a held
    package, named by `id`), which kind, from which replica."""

    sha256: str | None
    kind: str
    replica: str


class Unrepaired(_Identified):
    """Something still broken after the repair, and why."""

    sha256: str | None
    kind: str
    problem: str


class CatalogueRepair(BaseModel):
    """What was done about the catalogue or the signed state."""

    action: str  # "restored" (a replica's snapshot put back) or "signed" (state signed again)
    replica: str | None
    lost_commits: int = 0


class RepairReport(BaseModel):
    """`repair --json`."""

    catalogue: CatalogueRepair | None = None
    keys: list[str] = []
    repaired: list[RepairedObject] = []
    unrepaired: list[Unrepaired] = []
    state: StateView = StateView()

    @property
    def needs_attention(self) -> bool:
        """Exit 1: something stays broken."""
        return bool(self.unrepaired) or not self.state.ok


@dataclass(frozen=True)
class _Candidate:
    replica: Replica
    snapshot: Path
    state: AnchorState


class Repairer:
    """One repair of one archive from an ordered list of replicas."""

    def __init__(self, held: Holdings, sources: list[Replica], *, actor: str) -> None:
        self._held = held
        self._sources = [r for r in sources if r.reachable()]
        self._unreachable = [r.name for r in sources if not r.reachable()]
        self._actor = actor
        self._refused: list[str] = []
        self.report = RepairReport()

    def run(self, state: StateCheck, *, accept_loss: bool, accept_catalogue: bool,
            progress: ProgressCallback | None = None) -> StateCheck:
        """Repair what can be repaired; returns how the catalogue stands afterwards."""
        with scratch(self._held.path) as work:
            if not state.ok:
                state = self._catalogue(state, work, accept_loss, accept_catalogue)
        self.report.state = StateView(ok=state.ok, problem=state.problem)
        if not state.ok:
            self.report.unrepaired.append(Unrepaired(sha256=None, kind="catalogue",
                                                     problem=str(state.problem)))
            return state
        self._objects(progress)
        self._areas()
        self._log()
        return state

    # -- the catalogue -------------------------------------------------------------------

    def _catalogue(self, state: StateCheck, work: Path, accept_loss: bool,
                   accept_catalogue: bool) -> StateCheck:
        candidates = self._candidates(work)
        newest = max(candidates, key=lambda c: c.state.generation, default=None)
        if not state.behind:
            return self._sign_again(state, newest, accept_catalogue)
        if newest is None:
            return _still(state, "no replica holds a usable snapshot of the catalogue"
                          + self._why_none())
        signed = state.signed
        lost = max(0, signed.generation - newest.state.generation) if signed else 0
        if lost and signed and not accept_loss:
            since = _since(signed, newest.state)
            return _still(state, f"the newest replica ({newest.replica.name!r}) is {lost}"
                          f" commit{'s' if lost > 1 else ''} behind the archive's signed"
                          f" state; putting it back loses their records ({since}). Run"
                          " `caesar repair --accept-loss` to do so anyway")
        self._install(newest.snapshot)
        with self._held.catalog.session() as session:
            # The generations lost are never reused: the next state outranks every one signed.
            set_generation(session, max(newest.state.generation,
                                        signed.generation if signed else 0))
            self._held.ledger.append_signed(session, [Event(
                type="catalogue.restored", time=datetime.now(UTC), actor=self._actor,
                details={"lost_commits": lost}, people={"replica": newest.replica.name})])
        self.report.catalogue = CatalogueRepair(action="restored", replica=newest.replica.name,
                                                lost_commits=lost)
        return StateCheck()

    def _sign_again(self, state: StateCheck, newest: _Candidate | None,
                    accept_catalogue: bool) -> StateCheck:
        """The catalogue is readable but its signed state is missing, damaged or older."""
        current = state.current
        if current is None:
            return _still(state, "the catalogue holds no custody log")
        if newest is not None:
            verdict = judge(newest.state, current, self._root_of)
            if verdict.problem and not verdict.ahead:
                return _still(state, f"the replica {newest.replica.name!r} does not vouch for"
                              f" the catalogue: {verdict.problem}")
        elif not accept_catalogue:
            return _still(state, "no replica can vouch for the catalogue" + self._why_none()
                          + ". If you know the catalogue is the latest, `caesar repair"
                          " --accept-catalogue` signs its state again")
        with self._held.catalog.session() as session:
            self._held.ledger.append_signed(session, [Event(
                type="state.signed", time=datetime.now(UTC), actor=self._actor,
                people={"replica": newest.replica.name} if newest else {})])
            now = capture(session)
        if now is not None:
            self._held.anchor.write(now, force=True)
        self.report.catalogue = CatalogueRepair(
            action="signed", replica=newest.replica.name if newest else None)
        return StateCheck()

    def _root_of(self, size: int) -> bytes:
        with self._held.catalog.reader() as session:
            return root_at(session, size)

    def _candidates(self, work: Path) -> list[_Candidate]:
        found = []
        for index, replica in enumerate(self._sources):
            try:
                theirs = Anchor(replica.store(), self._held.keys).read()
            except StateDamaged:
                self._refused.append(f"{replica.name}: its signed state is damaged")
                continue
            handle = replica.store().open_document(CATALOGUE)
            if theirs is None or handle is None:
                self._refused.append(f"{replica.name}: it was never fully replicated")
                continue
            snapshot = work / f"candidate-{index}.db"
            with handle, open(snapshot, "wb") as out:
                while block := handle.read(1 << 20):
                    out.write(block)
            problem = _snapshot_problem(snapshot, theirs, self._held)
            if problem:
                self._refused.append(f"{replica.name}: {problem}")
                continue
            found.append(_Candidate(replica, snapshot, theirs))
        return found

    def _why_none(self) -> str:
        said = [*self._refused,
                *(f"{name}: cannot be reached" for name in self._unreachable)]
        return f" ({'; '.join(said)})" if said else " (no replica is registered)"

    def _install(self, snapshot: Path) -> None:
        """Put the snapshot in the catalogue's place; the broken files are moved aside."""
        held = self._held
        target = sqlite_file(held.settings.database_url, held.path)
        if target is None:
            raise CaesarError("Only an embedded (SQLite) catalogue can be put back yet.")
        held.catalog.engine.dispose()
        aside = held.path / SET_ASIDE
        token = secrets.token_hex(4)
        for suffix in ("", "-wal", "-shm"):
            broken = target.with_name(target.name + suffix)
            if broken.exists():
                aside.mkdir(exist_ok=True)
                os.replace(broken, aside / f"{target.name}{suffix}.{token}")
        os.replace(snapshot, target)
        fsync_dir(target.parent)
        migrate(held.catalog.engine)

    # -- objects -------------------------------------------------------------------------

    def _objects(self, progress: ProgressCallback | None) -> None:
        held = self._held
        originals = catalogued(held.catalog)
        findings = check_objects(held.keys, held.settings.store_url, held.path, originals,
                                 compute=Compute(workers=held.settings.intake.workers),
                                 progress=progress)
        thumbnails = {o.sha256: o.thumbnail for o in originals}
        for sha in [*findings.damaged, *findings.missing]:
            self._put_back("original", sha, sha)
        for sha in findings.thumbnails_damaged:
            self._put_back("thumbnail", thumbnails[sha] or sha, sha)

    def _put_back(self, kind: Kind, content: str, original: str) -> None:
        held = self._held
        ours = ObjectVault(held.store, held.keys)
        name = ours.name(kind, content)
        for replica in self._sources:
            theirs = ObjectVault(replica.store(), held.keys)
            if theirs.check(kind, content) != "ok":
                continue
            held.store.set_aside(name)
            with replica.store().open(name) as source:
                held.store.put(name, source)
            held.store.sync()
            if ours.check(kind, content) == "ok":
                self.report.repaired.append(RepairedObject(sha256=original, kind=kind,
                                                           replica=replica.name))
                return
        tried = ", ".join(r.name for r in self._sources) or "none could be reached"
        self.report.unrepaired.append(Unrepaired(
            sha256=original, kind=kind,
            problem=f"no replica holds a good copy (replicas tried: {tried})"))

    def _areas(self) -> None:
        """Put back the families' photos and held packages that are damaged or missing."""
        held = self._held
        found = areas.listed(held.catalog)
        photos, packages = areas.check(areas.in_archive(held.path), held.keys, found)
        sources = [(r.name, r.area) for r in self._sources]
        vault = ObjectVault(RemovableStore(held.path / areas.FAMILY_PHOTOS), held.keys)
        shas = dict(found.family_photos)
        for ident in sorted([*photos.damaged, *photos.missing]):
            sha = shas[ident]

            def photo_ok(place: areas.AreaOf, sha: str = sha) -> bool:
                theirs = ObjectVault(place(areas.FAMILY_PHOTOS), held.keys)
                return theirs.check(FAMILY_PHOTO, sha) == "ok"

            self._area_outcome("family_photo", ident, areas.put_back(
                held.path, sources, areas.FAMILY_PHOTOS, [vault.name(FAMILY_PHOTO, sha)],
                photo_ok))
        names = dict(found.held_packages)
        for ident in sorted([*packages.damaged, *packages.missing]):
            package = names[ident]
            came = None
            for source_name, place in sources:
                if HeldPackages(place(areas.HELD), held.keys).check(package) == "ok":
                    came = areas.put_back(
                        held.path, [(source_name, place)], areas.HELD,
                        areas.package_objects(place, held.keys, package), lambda _: True)
                    break
            self._area_outcome("held_package", ident, came)

    def _area_outcome(self, kind: str, ident: int, replica: str | None) -> None:
        if replica is not None:
            self.report.repaired.append(RepairedObject(sha256=None, kind=kind,
                                                       replica=replica, id=ident))
            return
        tried = ", ".join(r.name for r in self._sources) or "none could be reached"
        self.report.unrepaired.append(Unrepaired(
            sha256=None, kind=kind, id=ident,
            problem=f"no replica holds a good copy (replicas tried: {tried})"))

    def _log(self) -> None:
        with self._held.catalog.session() as session:
            self._held.ledger.append_signed(session, [Event(
                type="repair.run", time=datetime.now(UTC), actor=self._actor,
                details={"repaired": len(self.report.repaired),
                         "unrepaired": len(self.report.unrepaired),
                         "catalogue": self.report.catalogue.action
                         if self.report.catalogue else None})])


def _still(state: StateCheck, problem: str) -> StateCheck:
    return StateCheck(problem=f"{state.problem}; {problem}", readable=state.readable,
                      behind=state.behind, signed=state.signed, current=state.current)


def _snapshot_problem(snapshot: Path, theirs: AnchorState, held: Holdings) -> str | None:
    """Why a replica's snapshot cannot serve (None when it matches or extends its state)."""
    catalog = catalogue_file(snapshot, held.keys.catalog)
    try:
        with catalog.reader() as session:
            snap = capture(session)

        def root_of(size: int) -> bytes:
            with catalog.reader() as session:
                return root_at(session, size)

        verdict = judge(theirs, snap, root_of)
    except (DBAPIError, CaesarError):
        return "its catalogue snapshot cannot be read"
    finally:
        catalog.engine.dispose()
    if verdict.problem and not verdict.ahead:
        return f"its catalogue snapshot does not match its signed state ({verdict.problem})"
    return None


def _since(signed: AnchorState, snapshot: AnchorState) -> str:
    """What a person needs to decide on an older snapshot: were originals stored since?"""
    added = signed.originals - snapshot.originals
    if added <= 0:
        entries = signed.size - snapshot.size
        return ("no original was stored since, only the custody log's entries and other"
                f" records of those commits: {entries} log entr{'ies' if entries != 1 else 'y'}")
    return (f"{added} original{'s' if added > 1 else ''} stored since stay in the store, but"
            " not the records of where they came from; re-ingest those drives afterwards")
