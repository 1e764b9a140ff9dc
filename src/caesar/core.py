"""The Archive facade: one object that opens an archive and wires its services.

The command line, the web app, the demo and the tests all build this one object (as Datasette
builds one `Datasette`); commands and routes stay thin.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from caesar.catalog.database import Catalog, make_engine, migrate, sqlite_file
from caesar.catalog.models import Meta
from caesar.errors import ArchiveExists, ArchiveNotFound, CaesarError
from caesar.ledger.events import Event
from caesar.ledger.log import CustodyLog
from caesar.ledger.state import advance, generation, set_generation
from caesar.locking import WriteLock
from caesar.preservation.anchor import Anchor, StateCheck, refusal
from caesar.progress import ProgressCallback
from caesar.settings import FORMAT_VERSION, SETTINGS_FILE, IntakeSettings, Settings, load_settings
from caesar.vault.keys import KdfCost, Keys, create_keys, kdf_cost, rewrap_master, unlock_keys
from caesar.vault.objects import ObjectVault, RemovableVault
from caesar.vault.store import LocalStore, UndatedStore
from caesar.vault.urls import open_store

# Services are imported where they are first used, not here: every command opens an archive,
# and most use one or two services; importing them all (SQLAlchemy models, pydantic views,
# numpy and the readers behind them) cost a command such as `caesar replica list` most of its
# start-up. tests/test_startup.py checks what a light command imports.
if TYPE_CHECKING:
    from caesar.access.service import Access
    from caesar.cases.search import CaseIndex
    from caesar.cases.service import CaseService
    from caesar.catalog.queries import Queries
    from caesar.compute import Compute
    from caesar.exports.requests import ExportRequests
    from caesar.exports.service import ExportService
    from caesar.forensics.service import ExaminationService
    from caesar.identify.documents import DocumentTexts
    from caesar.identify.service import IdentifyService
    from caesar.intake.analysis import Analysis, AnalysisReport
    from caesar.intake.report import IngestReport
    from caesar.intake.service import IngestRequest
    from caesar.ledger.views import LedgerReport, TimestampView
    from caesar.preservation.repair import RepairReport
    from caesar.preservation.replicas import Replica
    from caesar.preservation.replicate import Holdings
    from caesar.preservation.service import Preservation
    from caesar.preservation.verify import VerifyReport
    from caesar.vault.shares import ShareSet

PUBLIC_KEY_FILE = "archive.pub"
_INIT_MARKER = ".init-incomplete"


class Archive:
    """An open, unlocked archive."""

    def __init__(self, path: Path, settings: Settings, keys: Keys) -> None:
        self.path = path
        self.settings = settings
        self.keys = keys
        self.store = open_store(settings.store_url, path)
        self.vault = ObjectVault(self.store, keys)
        self.catalog = Catalog(make_engine(settings.database_url, path, keys.catalog))
        self.write_lock = WriteLock(path)
        self.ledger = CustodyLog(self.catalog, keys, self.write_lock)
        # Every commit that writes is followed by the state it committed, signed.
        self.anchor = Anchor(self.store, keys)
        self.catalog.watch_commits(advance, self.anchor.publish)
        self.state = StateCheck()  # how the catalogue stood against that state when opened

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, passphrase: str, *, owner: str = "owner",
               kdf_cost: KdfCost = KdfCost.normal, database_url: str | None = None,
               store_url: str | None = None, demo: bool = False) -> Archive:
        """Make a new archive in `path`, which must not exist or be empty.

        A weak passphrase is refused at the normal KDF cost, before anything is made.
        """
        from caesar.vault.passphrase import require_strong

        require_strong(passphrase, enforce=kdf_cost is KdfCost.normal)
        defaults = Settings()
        settings = Settings(
            database_url=database_url or defaults.database_url,
            store_url=store_url or defaults.store_url,
            demo=demo,
            intake=IntakeSettings(),
        )
        store = open_store(settings.store_url, path)
        if not isinstance(store, LocalStore):
            store.ensure()  # a server that cannot be reached refuses before anything is made
        begin_folder(path)
        keys = create_keys(path, passphrase, kdf_cost)
        if isinstance(store, LocalStore):
            store.ensure()
        archive = cls(path, settings, keys)
        migrate(archive.catalog.engine)
        with archive.ledger.writing(), archive.catalog.session() as session:
            session.add(Meta(key="owner", value=owner))
            when = datetime.now(UTC)
            archive.ledger.append_signed(session, [
                Event(type="archive.created", time=when, actor=owner,
                      details={"format": FORMAT_VERSION}),
                *(Event(type="key.created", time=when, actor=owner, details={"key": key})
                  for key in ("master", "bundle-sealing", "log-signing")),
            ])
        (path / PUBLIC_KEY_FILE).write_text(keys.age_recipient + "\n", "ascii")
        finish_folder(path, settings)
        return archive

    @staticmethod
    def locate(path: Path) -> Settings:
        """The settings of the archive in `path`; says clearly when there is none."""
        if (path / _INIT_MARKER).exists():
            raise _half_made(path)
        return load_settings(path)

    @classmethod
    def open(cls, path: Path, passphrase: str, *, inspect: bool = False) -> Archive:
        """Unlock the archive in `path` with `passphrase`.

        A catalogue that does not match the archive's signed state (missing, emptied,
        unreadable, rolled back, of another log) is refused with :class:`CatalogueRefused`,
        and nothing is created or changed; with `inspect` (commands that only read or repair)
        the archive opens anyway and :attr:`state` says what is wrong.
        """
        return cls.unlocked(path, cls.locate(path), unlock_keys(path, passphrase),
                            inspect=inspect)

    @classmethod
    def unlocked(cls, path: Path, settings: Settings, keys: Keys, *, inspect: bool = False
                 ) -> Archive:
        """Open the archive in `path` whose keys are already unlocked (see :meth:`open`)."""
        archive = cls(path, settings, keys)
        try:
            archive.state = archive.anchor.check(
                archive.catalog, sqlite_file(settings.database_url, path))
            if archive.state.ok:
                migrate(archive.catalog.engine)
                archive._settle()
            elif not inspect:
                raise refusal(archive.state)
        except BaseException:
            archive.close()
            raise
        return archive

    def _settle(self) -> None:
        """Sign the state of a catalogue one commit ahead of it, or of an archive made before
        states were signed."""
        if self.state.resign and self.state.current is not None:
            self.anchor.write(self.state.current)
        elif self.state.adopt:
            with self.catalog.session() as session:  # the commit signs the first state
                set_generation(session, generation(session) or 0)

    # -- keys, repair and restore ---------------------------------------------------------

    def record(self, event_type: str, actor: str, details: dict[str, int | str | None]
               | None = None, people: dict[str, str] | None = None) -> bool:
        """Log one step and sign a checkpoint (under the write lock); False when the
        catalogue is not sound enough to record anything."""
        if not self.state.ok:
            return False
        with self.ledger.writing(), self.catalog.session() as session:
            self.ledger.append_signed(session, [Event(type=event_type, time=datetime.now(UTC),
                                                      actor=actor, details=details or {},
                                                      people=people or {})])
        return True

    def change_passphrase(self, new: str, *, actor: str) -> KdfCost:
        """Wrap the master key under a new passphrase (atomically) and log it."""
        from caesar.vault.passphrase import require_strong

        require_strong(new, enforce=kdf_cost(self.path) is KdfCost.normal)  # before the lock
        with self.ledger.writing():  # the new wrapping and its entry, with no writer between
            cost = rewrap_master(self.path, self.keys.master, new)
            self.record("key.passphrase_changed", actor)
        return cost

    def split_key(self, *, shares: int, threshold: int, share_passphrase: str = "",
                  actor: str) -> ShareSet:
        """Split the master key among trustees (SLIP-39); logs how, never the shares."""
        from caesar.vault.shares import split

        made = split(self.keys.master, shares=shares, threshold=threshold,
                     passphrase=share_passphrase)
        self.record("key.split", actor, {"shares": shares, "threshold": threshold})
        return made

    def repair(self, sources: list[Replica], *, actor: str, accept_loss: bool = False,
               accept_catalogue: bool = False, progress: ProgressCallback | None = None
               ) -> RepairReport:
        """Put back from `sources` (every registered replica when empty) what is lost or
        damaged: the catalogue, its signed state, originals and thumbnails."""
        from caesar.preservation.repair import Repairer

        chosen = sources or self.preservation.replicas.all()
        repairer = Repairer(self._holdings(), chosen, actor=actor)
        with self.ledger.writing():
            # A sound-looking archive may still be behind a replica (rolled back together
            # with its signed state): the replica's newer state is what it must reach.
            found = self.preservation.rolled_back() if self.state.ok else self.state
            self.state = repairer.run(found, accept_loss=accept_loss,
                                      accept_catalogue=accept_catalogue, progress=progress)
        return repairer.report

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Write out what is kept in memory and release the database connections (also when
        a `with Archive.open(...) as archive:` block ends)."""
        if "access" in self.__dict__:
            self.access.security.flush()
        self.catalog.engine.dispose()

    def writing(self, wait: float | None = None) -> AbstractContextManager[None]:
        """Hold the archive's write lock from outside every service, keeping all writers out
        (what a test does to stand for another command). Services never need it: each
        method that writes takes the lock itself (:meth:`CustodyLog.writing`)."""
        return self.write_lock.hold(wait)

    # -- facts ---------------------------------------------------------------------------

    @property
    def owner(self) -> str:
        """The name given to `init --owner`: who acts when nobody else is named."""
        if not self.state.readable:
            return "owner"  # only while a broken catalogue is inspected or repaired
        with self.catalog.reader() as session:
            meta = session.get(Meta, "owner")
            return meta.value if meta else "owner"

    @property
    def public_key(self) -> str:
        """The age recipient that field bundles are sealed to."""
        return self.keys.age_recipient

    # -- services ------------------------------------------------------------------------
    # Each is built once per open archive, on first use, and then shared (by the web app's
    # threads too): `access` keeps the sign-in limiter and the security log in memory, and
    # `case_index` every case's summary; the others hold nothing between calls but handles
    # on the catalogue, the vault and the custody log. Only `preservation` is built on each
    # use: it carries how the catalogue stood when last checked, which a repair changes (and
    # `ingest` wires an `Intake` per run: it holds nothing). Each method of theirs that writes
    # takes the write lock itself (docs/design.md, "the one owner of writing").

    @cached_property
    def queries(self) -> Queries:
        """Photos and transfers as the command line and the web show them."""
        from caesar.catalog.queries import Queries

        return Queries(self.catalog)

    @cached_property
    def access(self) -> Access:
        """Accounts, sessions, the gate's records and viewing photos (one per archive: it
        keeps the sign-in limiter in memory)."""
        from caesar.access.service import Access

        return Access(catalog=self.catalog, ledger=self.ledger, keys=self.keys,
                      vault=self.vault)

    @cached_property
    def case_index(self) -> CaseIndex:
        """Every case's summary, for searching and counting (rebuilt when cases change)."""
        from caesar.cases.search import CaseIndex

        return CaseIndex(self.catalog, lambda: self.cases.cases())

    @cached_property
    def cases(self) -> CaseService:
        """Cases: build, show, and analysts' decisions."""
        from caesar.cases.service import CaseService

        return CaseService(catalog=self.catalog, ledger=self.ledger, keys=self.keys,
                           archive=self.path, store_url=self.settings.store_url,
                           settings=self.settings.cases)

    @cached_property
    def documents(self) -> DocumentTexts:
        """Documents' text (PDFs: their own text layer, or OCR), read and searched; logged."""
        from caesar.identify.documents import DocumentTexts
        from caesar.vault.fields import FieldCipher

        return DocumentTexts(self.catalog, self.ledger, FieldCipher(self.keys),
                             lambda: datetime.now(UTC))

    @cached_property
    def identify(self) -> IdentifyService:
        """Families' reports, matching, review and disclosure (every function takes the acting
        person's name)."""
        from caesar.identify.service import IdentifyService
        from caesar.identify.stored import FAMILY_PHOTOS_DIR
        from caesar.identify.workspace import Workspace
        from caesar.vault.fields import FieldCipher

        family = RemovableVault(UndatedStore(self.path / FAMILY_PHOTOS_DIR), self.keys)
        return IdentifyService(Workspace(catalog=self.catalog, ledger=self.ledger,
                                         cipher=FieldCipher(self.keys), cases=self.cases,
                                         vault=self.vault, family_photos=family))

    @cached_property
    def exports(self) -> ExportService:
        """Evidence packages, exhibition sets, data and statistics exports, marks on photos."""
        from caesar.exports.service import ExportService

        store = self.store.root if isinstance(self.store, LocalStore) else None
        return ExportService(catalog=self.catalog, ledger=self.ledger, keys=self.keys,
                             vault=self.vault, cases=self.cases, identify=self.identify,
                             examination=self.examination, archive=self.path, store=store)

    @cached_property
    def export_requests(self) -> ExportRequests:
        """Exports asked for through the web: approved by a second person, held encrypted."""
        from caesar.exports.requests import ExportRequests

        return ExportRequests(catalog=self.catalog, ledger=self.ledger, keys=self.keys,
                              exports=self.exports, archive=self.path)

    @cached_property
    def examination(self) -> ExaminationService:
        """The authenticity examination of originals, cameras and transfers (results are
        stored and logged)."""
        from caesar.forensics.service import ExaminationService

        return ExaminationService(catalog=self.catalog, ledger=self.ledger, vault=self.vault)

    def export_stats(self, out: Path, actor: str) -> list[Path]:
        """Write the statistics of cases into `out` (new or empty) and log the export."""
        return self.exports.stats(out, actor)

    def ingest(self, request: IngestRequest, progress: ProgressCallback | None = None
               ) -> IngestReport:
        """Bring every source of `request` into the archive."""
        from caesar.intake.service import Intake

        intake = Intake(catalog=self.catalog, vault=self.vault, keys=self.keys,
                        archive=self.path, store_url=self.settings.store_url,
                        settings=self.settings.intake, ledger=self.ledger,
                        analysis=self._analysis)
        return intake.ingest(request, progress)

    def analyse(self, *, actor: str, compute: Compute | None = None,
                progress: ProgressCallback | None = None) -> AnalysisReport:
        """Analyse every original secured but not analysed yet (`ingest --analyse later`, or
        an ingest cut short), where `compute` says (this machine's processes when None)."""
        from caesar.compute import Compute

        return self._analysis().analyse(
            actor=actor, compute=compute or Compute(workers=self.settings.intake.workers),
            progress=progress)

    def _analysis(self) -> Analysis:
        from caesar.intake.analysis import Analysis

        return Analysis(catalog=self.catalog, ledger=self.ledger, keys=self.keys,
                        archive=self.path, store_url=self.settings.store_url,
                        settings=self.settings.intake)

    @property
    def preservation(self) -> Preservation:
        """Verification, replicas and replication (repairs: :meth:`repair`); built on each use
        with the archive's current :attr:`state`."""
        from caesar.preservation.service import Preservation

        return Preservation(self._holdings(), self.state)

    def _holdings(self) -> Holdings:
        from caesar.preservation.replicate import Holdings

        return Holdings(path=self.path, settings=self.settings, keys=self.keys,
                        catalog=self.catalog, ledger=self.ledger, store=self.store,
                        anchor=self.anchor)

    def verify(self, progress: ProgressCallback | None = None, *, actor: str | None = None,
               checkpoints: Sequence[Path] = (), compute: Compute | None = None
               ) -> VerifyReport:
        """Decrypt and re-hash every original, check thumbnails, the store against the
        catalogue, the custody log and the signed state, and log the run; the objects are
        checked where `compute` says (this machine's processes when None)."""
        return self.preservation.verify(
            progress, actor=actor or self.owner, checkpoints=checkpoints,
            tsa_certificates=self._tsa_certificates(), compute=compute)

    def verify_ledger(self) -> LedgerReport:
        """Check the custody log alone (`ledger verify`), and the catalogue that holds it
        against the archive's signed state; changes nothing."""
        from caesar.ledger.views import LedgerReport

        if not self.state.readable:
            return LedgerReport(ok=False, size=0, first_bad_index=None,
                                problems=[str(self.state.problem)])
        report = self.ledger.verify(self._tsa_certificates())
        if self.state.ok:
            return report
        return report.model_copy(update={"ok": False,
                                         "problems": [str(self.state.problem),
                                                      *report.problems]})

    def timestamp(self, tsa_url: str | None = None) -> TimestampView:
        """Get an RFC 3161 timestamp over the latest checkpoint from the TSA and keep it."""
        from caesar.ledger.errors import TimestampError

        url = tsa_url or self.settings.tsa_url
        if not url:
            raise TimestampError("No Time Stamping Authority is configured for this archive.",
                                 hint="Give one with --tsa URL, or set tsa_url in "
                                 f"{self.path / SETTINGS_FILE}.")
        return self.ledger.timestamp(url, self._tsa_certificates())

    def _tsa_certificates(self) -> bytes | None:
        """The TSA's certificate chain named by the settings, if any."""
        if self.settings.tsa_certificates is None:
            return None
        path = self.path / self.settings.tsa_certificates
        try:
            return path.read_bytes()
        except OSError as error:
            raise CaesarError(f"The TSA certificates {path} cannot be read: {error.strerror}.",
                              hint="Fix tsa_certificates in the settings file.") from None


def begin_folder(path: Path) -> None:
    """Start making an archive in `path` (new or empty): marked half-made until finished."""
    _refuse_occupied(path)
    path.mkdir(parents=True, exist_ok=True)
    (path / _INIT_MARKER).touch()


def finish_folder(path: Path, settings: Settings) -> None:
    """Write the settings, whose presence says the archive is whole, and drop the mark."""
    settings.dump(path)
    (path / _INIT_MARKER).unlink()


def _refuse_occupied(path: Path) -> None:
    if not path.exists():
        return
    if not path.is_dir():
        raise ArchiveExists(f"{path} exists and is not a folder.",
                            hint="Choose another place for the archive.")
    if (path / _INIT_MARKER).exists():
        raise _half_made(path)
    if any(path.iterdir()):
        what = "an archive" if (path / SETTINGS_FILE).exists() else "files"
        raise ArchiveExists(f"{path} already holds {what}; init needs an empty folder.",
                            hint="Choose a new folder, or use the archive that is there.")


def _half_made(path: Path) -> ArchiveNotFound:
    return ArchiveNotFound(
        f"{path} holds a half-made archive left by an interrupted `caesar init`.",
        hint=f"Nothing in it can be used. Remove it (rm -r {shlex.quote(str(path))}) and run"
        " `caesar init` again.",
    )
