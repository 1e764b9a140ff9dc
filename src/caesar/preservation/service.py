"""Keeping the archive intact: verify it and its replicas, add replicas and bring them up to
date. Repairs and restores have modules of their own (:mod:`caesar.preservation.repair`,
:mod:`caesar.preservation.restore`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from caesar.catalog.database import Catalog, catalogue_file
from caesar.compute import Compute
from caesar.errors import CaesarError
from caesar.ledger.events import Event
from caesar.ledger.log import CustodyLog
from caesar.ledger.state import AnchorState, capture, judge, root_at
from caesar.preservation import areas
from caesar.preservation.anchor import Anchor, StateCheck, StateDamaged
from caesar.preservation.replicas import Replica, Replicas, place_url, prepare_folder
from caesar.preservation.replicate import (
    CATALOGUE,
    Holdings,
    ReplicaError,
    ReplicateReport,
    reach,
    replicate,
    scratch,
)
from caesar.preservation.verify import (
    CheckpointFinding,
    StateView,
    VerifyReport,
    catalogued,
    check_objects,
)
from caesar.progress import ProgressCallback
from caesar.vault.store import LocalStore
from caesar.vault.urls import open_store


class ReplicaReport(VerifyReport):
    """`verify --replica NAME --json`: the `verify` document of the replica, with its name and
    how many commits it is behind the archive."""

    replica: str
    behind: int | None = None


class Preservation:
    """Verification, replicas and replication of one open archive."""

    def __init__(self, held: Holdings, state: StateCheck) -> None:
        self._held = held
        self._state = state

    @property
    def replicas(self) -> Replicas:
        """The archive's list of replicas."""
        return Replicas(self._held.path, self._held.keys.master)

    def _current(self) -> AnchorState | None:
        if not self._state.readable:
            return None
        with self._held.catalog.reader() as session:
            return capture(session)

    def _record(self, event: Event) -> None:
        """Log one step and sign a checkpoint, unless the catalogue is not sound (a check of
        a broken archive records nothing, so it changes nothing)."""
        if not self._state.ok:
            return
        with self._held.catalog.session() as session:
            self._held.ledger.append_signed(session, [event])

    # -- verify ---------------------------------------------------------------------------

    def _local(self) -> Compute:
        return Compute(workers=self._held.settings.intake.workers)

    def verify(self, progress: ProgressCallback | None = None, *, actor: str,
               checkpoints: Sequence[Path] = (), tsa_certificates: bytes | None = None,
               compute: Compute | None = None
               ) -> VerifyReport:
        """Check every original and thumbnail, the store against the catalogue both ways,
        the families' photos and held packages, the custody log, the signed state and any
        checkpoints published earlier; log the run.
        """
        held = self._held
        with self._held.ledger.writing():
            report = VerifyReport(state=StateView(ok=self._state.ok,
                                                  problem=self._state.problem))
            originals = catalogued(held.catalog) if self._state.readable else []
            check_objects(held.keys, held.settings.store_url, held.path, originals,
                          compute=compute or self._local(),
                          progress=progress).into(report)
            if self._state.readable:
                ledger = held.ledger.verify(tsa_certificates)
                report.ledger_ok = None if ledger.empty else ledger.ok
                report.family_photos, report.held_packages = areas.check(
                    areas.in_archive(held.path), held.keys, areas.listed(held.catalog))
            report.checkpoints = [self._published(path) for path in checkpoints]
            if report.state.ok:
                report.state = self._against_replicas()
            if report.ledger_ok is not False and report.state.ok:
                self._record(Event(
                    type="verify.run", time=datetime.now(UTC), actor=actor,
                    details={"checked": report.checked, "ok": report.ok,
                             "damaged": len(report.damaged), "missing": len(report.missing),
                             "ledger_ok": report.ledger_ok,
                             "thumbnails_damaged": len(report.thumbnails_damaged),
                             "unreferenced": len(report.unreferenced)}))
        return report

    def _published(self, path: Path) -> CheckpointFinding:
        try:
            note = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            return CheckpointFinding(file=str(path), size=None, ok=False,
                                     problem=f"the file cannot be read: {error}")
        if not self._state.readable:
            return CheckpointFinding(file=str(path), size=None, ok=False,
                                     problem="the catalogue cannot be read, so the custody log"
                                     " cannot be compared with it")
        size, problem = self._held.ledger.check_published(note)
        return CheckpointFinding(file=str(path), size=size, ok=problem is None,
                                 problem=problem)

    def _against_replicas(self) -> StateView:
        """Whether a replica holds a newer state than the archive (see :meth:`rolled_back`)."""
        check = self.rolled_back()
        return StateView(ok=check.ok, problem=check.problem)

    def rolled_back(self) -> StateCheck:
        """How the archive stands against its replicas: one holding a newer state of the same
        log means the archive was rolled back together with its signed state (which the
        archive alone cannot tell). Replicas that cannot be reached are skipped."""
        current = self._current()
        if current is None:
            return self._state
        newest: tuple[Replica, AnchorState] | None = None
        for replica in self.replicas.all():
            if not replica.reachable():
                continue
            try:
                theirs = Anchor(replica.store(), self._held.keys).read()
            except StateDamaged:
                continue  # `verify --replica` names it
            if (theirs is not None and theirs.origin == current.origin
                    and theirs.generation > current.generation
                    and (newest is None or theirs.generation > newest[1].generation)):
                newest = (replica, theirs)
        if newest is None:
            return self._state
        replica, theirs = newest
        return StateCheck(
            problem=f"the replica {replica.name!r} holds a newer state of this archive"
            f" ({theirs.describe()}) than its catalogue ({current.describe()}): the archive"
            f" was rolled back; `caesar repair --from {replica.name}` puts it back",
            behind=True, signed=theirs, current=current)

    def verify_replica(self, name: str, progress: ProgressCallback | None = None, *,
                       actor: str, compute: Compute | None = None) -> ReplicaReport:
        """Check a replica: its snapshot against its signed state and the archive's log, then
        every original, thumbnail, family photo and held package its snapshot lists; log the
        check."""
        held = self._held
        replica = self.replicas.get(name)
        reach(replica)
        report = ReplicaReport(replica=name)
        with self._held.ledger.writing(), scratch(held.path) as work:
            problem, theirs, snapshot = self._replica_catalogue(replica, work)
            # Without a readable snapshot, the replica is checked for what the archive lists.
            originals = catalogued(held.catalog) if self._state.readable else []
            others = areas.listed(held.catalog) if self._state.readable else areas.Listed()
            if snapshot is not None:
                catalog = catalogue_file(snapshot, held.keys.catalog)
                try:
                    originals, others = catalogued(catalog), areas.listed(catalog)
                    ledger = CustodyLog(catalog, held.keys).verify()
                    report.ledger_ok = None if ledger.empty else ledger.ok
                finally:
                    catalog.engine.dispose()
            check_objects(held.keys, replica.url, held.path, originals,
                          compute=compute or self._local(),
                          progress=progress).into(report)
            report.family_photos, report.held_packages = areas.check(
                replica.area, held.keys, others)
            current = self._current()
            if problem is None and theirs is not None and current is not None:
                problem = self._compare(replica, theirs, current)
                report.behind = max(0, current.generation - theirs.generation)
            report.state = StateView(ok=problem is None, problem=problem)
            self._record(Event(
                type="replica.verified", time=datetime.now(UTC), actor=actor,
                details={"checked": report.checked, "ok": report.ok,
                         "damaged": len(report.damaged), "missing": len(report.missing),
                         "state_ok": report.state.ok}, people={"replica": name}))
        return report

    def _replica_catalogue(self, replica: Replica, work: Path
                           ) -> tuple[str | None, AnchorState | None, Path | None]:
        """The replica's signed state and its catalogue snapshot (copied into `work`), with
        what is wrong with them."""
        store = replica.store()
        problem: str | None = None
        try:
            theirs = Anchor(store, self._held.keys).read()
        except StateDamaged as error:
            theirs, problem = None, error.message.replace("the archive's", "the replica's")
        else:
            problem = None if theirs else ("the replica holds no signed state: its first"
                                           " replication never finished")
        handle = store.open_document(CATALOGUE)
        if handle is None:
            return problem or "the replica holds no catalogue snapshot", theirs, None
        snapshot = work / "replica.db"
        with handle, open(snapshot, "wb") as out:
            while block := handle.read(1 << 20):
                out.write(block)
        catalog = catalogue_file(snapshot, self._held.keys.catalog)
        try:
            with catalog.reader() as session:
                snap = capture(session)
            if theirs is not None and problem is None:
                verdict = judge(theirs, snap, lambda size: _root(catalog, size))
                if verdict.problem or verdict.resign:
                    problem = ("the replica's catalogue snapshot does not match its signed"
                               " state (its last replication was interrupted: run `caesar"
                               " replicate` again)")
        except (DBAPIError, CaesarError):
            problem = "the replica's catalogue snapshot cannot be read (it is damaged)"
            return problem, theirs, None
        finally:
            catalog.engine.dispose()
        return problem, theirs, snapshot

    def _compare(self, replica: Replica, theirs: AnchorState, current: AnchorState
                 ) -> str | None:
        if theirs.origin != current.origin:
            return f"the replica holds another archive's custody log ({theirs.origin})"
        if theirs.generation > current.generation:
            return (f"the replica is newer than the archive ({theirs.describe()}, the archive"
                    f" {current.describe()}): the archive was rolled back; `caesar repair"
                    f" --from {replica.name}` puts it back")
        if theirs.size > current.size:
            return "the replica's custody log is longer than the archive's"
        with self._held.catalog.reader() as session:
            if root_at(session, theirs.size) != theirs.root:
                return ("the replica's custody log differs from the archive's: one of them"
                        " was rewritten")
        return None

    # -- replicas -------------------------------------------------------------------------

    def add_replica(self, name: str, place: Path | str, *, actor: str) -> Replica:
        """Register `place` (a folder or an `s3://` URL: new, empty, or already a replica of
        this archive) as `name`."""
        in_bucket = isinstance(place, str) and place.startswith("s3://")
        path = None if in_bucket else Path(place)
        store = open_store(place_url(place), Path("/")) if path is None else prepare_folder(
            path, self._held.path)
        if path is None:
            store.ensure()  # an unreachable server or refused keys say so here
        try:
            theirs = Anchor(store, self._held.keys).read()
        except StateDamaged:
            raise ReplicaError(f"{place} holds a replica of another archive, or a damaged"
                               " one.", hint="Choose an empty folder or prefix.") from None
        current = self._current()
        if theirs is None and (bool(store.sizes()) if path is None
                               else path.exists() and any(path.iterdir())):
            raise ReplicaError(f"{place} already holds files; a replica needs its own place.",
                               hint="Choose a new or empty folder (or bucket prefix).")
        if theirs is not None and current is not None and theirs.origin != current.origin:
            raise ReplicaError(f"{place} holds a replica of another archive.",
                               hint="Choose a new or empty folder (or bucket prefix).")
        with self._held.ledger.writing():
            if not self._state.ok:
                raise CaesarError("Replicas can be added once the archive is sound again.",
                                  hint="Run `caesar repair` first.")
            if path is not None:
                path.mkdir(parents=True, exist_ok=True)
            replica = self.replicas.add(name, place)
            self._record(Event(type="replica.added", time=datetime.now(UTC), actor=actor,
                               people={"replica": name}))
        return replica

    def move_replica(self, name: str, path: Path, *, actor: str) -> Replica:
        """Say where the replica `name` is reached now; `path` must hold that replica."""
        self.replicas.get(name)
        try:
            theirs = Anchor(LocalStore(path.expanduser().absolute()), self._held.keys).read()
        except StateDamaged:
            theirs = None
        current = self._current()
        if theirs is None or (current is not None and theirs.origin != current.origin):
            raise ReplicaError(f"{path} does not hold a replica of this archive.",
                               hint="Give the folder that `caesar replicate` filled.")
        with self._held.ledger.writing():
            moved = self.replicas.move(name, path)
            self._record(Event(type="replica.moved", time=datetime.now(UTC), actor=actor,
                               people={"replica": name}))
        return moved

    def replicate(self, names: Sequence[str] = (), progress: ProgressCallback | None = None,
                  *, actor: str, full: bool = False
                  ) -> tuple[list[ReplicateReport], list[tuple[str, str]]]:
        """Bring the named replicas (all when none is named) up to date; a replica that
        fails (unreachable, its drive full or failing) does not stop the others, and is
        returned with what went wrong."""
        chosen = [self.replicas.get(n) for n in names] if names else self.replicas.all()
        if not chosen:
            raise ReplicaError("This archive has no replica yet.",
                               hint="Add one: `caesar replica add NAME PATH`.")
        with self._held.ledger.writing():
            if not self._state.ok:
                raise CaesarError(f"The archive is not sound, so it is not copied: "
                                  f"{self._state.problem}.",
                                  hint="Run `caesar repair` first: a replica must never take"
                                  " a broken catalogue over a good one.")
            return replicate(self._held, chosen, actor=actor, full=full, progress=progress)


def _root(catalog: Catalog, size: int) -> bytes:
    with catalog.reader() as session:
        return root_at(session, size)
