"""Export requests: how an export leaves through the web, never on one person's word.

    requested --approve (another person)--> approved --produce--> produced --expire--> expired
              \\--refuse (another person)--> refused              (downloaded any number of
                                                                   times until it expires)

The web decides who may request, approve and download (roles); this service enforces what
holds whoever asks: the person who approves or refuses is never the one who asked, only the
person who asked downloads, and nothing is downloaded after it expires. The package is held
encrypted inside the archive (:mod:`caesar.exports.held`) and deleted when it expires. Every
step is an entry in the custody log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from caesar.catalog.database import Catalog
from caesar.catalog.exports import ExportRequest
from caesar.errors import CaesarError, NotFound
from caesar.exports.folder import in_memory
from caesar.exports.held import HeldPackages
from caesar.exports.service import ExportService
from caesar.exports.views import EvidenceOptions, ExhibitOptions, ExportParams, ExportResult, Plan
from caesar.ledger.events import Event, Subject
from caesar.ledger.log import CustodyLog
from caesar.vault.fields import FieldCipher
from caesar.vault.keys import Keys

DEFAULT_LIFETIME = timedelta(days=7)
ORPHAN_AGE = timedelta(days=1)
"""Held objects no request points to are deleted once this old: far longer than making any
package takes, so a production still under way elsewhere is never touched."""


class RequestRefused(CaesarError):
    """A step of an export request that the rules do not allow."""


class RequestView(BaseModel):
    """One export request as the web shows it."""

    model_config = ConfigDict(frozen=True)

    id: int
    kind: str
    params: ExportParams
    requester: str
    reason: str | None
    state: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    export: int | None
    package_size: int | None
    produced_at: datetime | None
    expires_at: datetime | None
    downloads: int


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Making:
    """An export planned for a request, and the service call that writes it."""

    plan: Plan
    write: Callable[[Plan, Path, str], ExportResult]

    def __call__(self, out: Path, actor: str) -> ExportResult:
        return self.write(self.plan, out, actor)


class ExportRequests:
    """Request, approve or refuse, produce, download and expire exports."""

    def __init__(self, *, catalog: Catalog, ledger: CustodyLog, keys: Keys,
                 exports: ExportService, archive: Path) -> None:
        self._catalog = catalog
        self._ledger = ledger
        self._fields = FieldCipher(keys)
        self._exports = exports
        self._held = HeldPackages.of_archive(archive, keys)

    def request(self, params: ExportParams, requester: str, reason: str | None = None
                ) -> RequestView:
        """Ask for an export; nothing is produced until another person approves it."""
        with self._ledger.writing(), self._catalog.session() as session:
            row = ExportRequest(kind=params.kind, params=params.model_dump(mode="json"),
                                requester=requester, state="requested", requested_at=_now(),
                                downloads=0)
            session.add(row)
            session.flush()
            row.reason = self._fields.seal_optional(reason, f"export_requests.reason:{row.id}")
            self._log(session, "export.requested", row, requester, {"kind": params.kind})
            return self._view(row)

    def approve(self, request_id: int, approver: str) -> RequestView:
        """Approve a request: by anyone but the person who asked."""
        return self._decide(request_id, approver, "approved")

    def refuse(self, request_id: int, decider: str) -> RequestView:
        """Refuse a request: by anyone but the person who asked."""
        return self._decide(request_id, decider, "refused")

    def _decide(self, request_id: int, person: str, state: str) -> RequestView:
        with self._ledger.writing(), self._catalog.session() as session:
            row = self._get(session, request_id)
            if row.state != "requested":
                raise RequestRefused(f"Export request {request_id} is {row.state}, not waiting"
                                     " for a decision.")
            if person == row.requester:
                raise RequestRefused(f"{person} asked for export request {request_id} and"
                                     " cannot also decide it.",
                                     hint="A second person decides every export request.")
            row.state, row.decided_by, row.decided_at = state, person, _now()
            self._log(session, f"export.{state}", row, person, {"kind": row.kind})
            return self._view(row)

    def produce(self, request_id: int, actor: str, lifetime: timedelta = DEFAULT_LIFETIME
                ) -> RequestView:
        """Make the package of an approved request and hold it, encrypted, until it expires.

        The package is built by the same code the command line writes with, in a private
        folder on a memory file system (never on a disk), encrypted into the archive's held
        store, then removed.
        """
        with self._catalog.reader() as session:
            row = self._get(session, request_id)
            if row.state != "approved":
                raise RequestRefused(f"Export request {request_id} is {row.state}; only an"
                                     " approved request is produced.")
            params = ExportParams.model_validate(row.params)
            requester = row.requester
        make = self._plan(params, requester)
        with in_memory(make.plan.bytes) as work:
            result = make(work / "package", actor)
            held = self._held.hold(work / "package")
        with self._ledger.writing(), self._catalog.session() as session:
            row = self._get(session, request_id)
            if row.state == "approved":
                row.state, row.export_id, row.package = "produced", result.export, held.name
                row.package_size, row.produced_at = held.size, _now()
                row.expires_at = row.produced_at + lifetime
                self._log(session, "export.produced", row, actor,
                          {"kind": row.kind, "export_entry": result.entry})
                return self._view(row)
            # Another production of the same request finished first (a second click, another
            # worker): theirs is the package; this one is logged as not completed and deleted.
            state = row.state
            self._ledger.append_signed(session, [Event(
                type="export.failed", time=_now(), actor=actor,
                subject=Subject.record("export", result.export))])
        self._held.remove(held.name)
        raise RequestRefused(f"Export request {request_id} was {state} while this package was"
                             " being made; the package made first is the one kept.")

    def plan(self, params: ExportParams, requester: str) -> Plan:
        """What an export asked for with `params` will contain (the `plan_*` of the export
        service), to show the person who asks before they send it and the person who
        approves it; nothing is handed over or logged."""
        return self._plan(params, requester).plan

    def _plan(self, params: ExportParams, requester: str) -> _Making:
        """What the request's export will hold, and how to make it with the same service
        the command line uses."""
        exports = self._exports
        if params.kind == "data":
            assert params.data is not None  # ExportParams checks it
            data = params.data
            return _Making(exports.plan_data(data),
                           lambda plan, out, actor: exports.data(plan, out, actor, data))
        assert params.selection is not None
        if params.kind == "evidence":
            evidence = params.evidence or EvidenceOptions(requested_by=requester)
            return _Making(exports.plan_evidence(params.selection, evidence),
                           lambda plan, out, actor: exports.evidence(plan, out, actor,
                                                                     evidence))
        shown = params.exhibit or ExhibitOptions()
        return _Making(exports.plan_exhibit(params.selection, shown),
                       lambda plan, out, actor: exports.exhibit(plan, out, actor, shown))

    def download(self, request_id: int, person: str) -> Iterator[bytes]:
        """The held package as a tar stream, for the person who asked; logged first."""
        with self._ledger.writing(), self._catalog.session() as session:
            row = self._get(session, request_id)
            if row.state != "produced" or row.package is None:
                raise RequestRefused(f"Export request {request_id} is {row.state}: there is"
                                     " nothing to download.")
            if row.expires_at is not None and row.expires_at <= _now():
                raise RequestRefused(f"Export request {request_id} expired at"
                                     f" {row.expires_at:%Y-%m-%d %H:%M} UTC.",
                                     hint="Ask for the export again.")
            if person != row.requester:
                raise RequestRefused(f"Only {row.requester}, who asked for export request"
                                     f" {request_id}, downloads it.")
            row.downloads += 1
            self._log(session, "export.downloaded", row, person, {"kind": row.kind,
                                                                  "download": row.downloads})
            package, top = row.package, f"caesar-export-{row.id}"
        return self._held.tar(package, top)

    def expire(self, actor: str, now: datetime | None = None, *, wait: float | None = None
               ) -> list[int]:
        """Delete every held package past its time; return the requests that expired.
        `wait`: seconds to wait for another writer (by default the write lock's patience)."""
        moment = now or _now()
        expired = []
        with self._ledger.writing(wait), self._catalog.session() as session:
            rows = session.scalars(select(ExportRequest).where(
                ExportRequest.state == "produced", ExportRequest.expires_at <= moment)).all()
            for row in rows:
                if row.package:
                    self._held.remove(row.package)
                row.state, row.deleted_at, row.package = "expired", moment, None
                self._log(session, "export.expired", row, actor, {"kind": row.kind})
                expired.append(row.id)
            kept = {name for name in session.scalars(select(ExportRequest.package)) if name}
            self._held.clean_pending()
            self._held.sweep(kept, older_than=(moment - ORPHAN_AGE).timestamp())
        return expired

    def get(self, request_id: int) -> RequestView:
        """One request."""
        with self._catalog.reader() as session:
            return self._view(self._get(session, request_id))

    def list(self) -> list[RequestView]:
        """Every request, newest first."""
        with self._catalog.reader() as session:
            return [self._view(r) for r in session.scalars(
                select(ExportRequest).order_by(ExportRequest.id.desc()))]

    def _get(self, session: Session, request_id: int) -> ExportRequest:
        row = session.get(ExportRequest, request_id)
        if row is None:
            raise NotFound(f"No export request {request_id}.")
        return row

    def _log(self, session: Session, kind: str, row: ExportRequest, actor: str,
             details: dict[str, str | int]) -> None:
        self._ledger.append_signed(session, [Event(
            type=kind, time=_now(), actor=actor, details=details,
            subject=Subject.record("export_request", row.id))])

    def _view(self, row: ExportRequest) -> RequestView:
        return RequestView(
            id=row.id, kind=row.kind, params=ExportParams.model_validate(row.params),
            requester=row.requester,
            reason=self._fields.open_optional(row.reason, f"export_requests.reason:{row.id}"),
            state=row.state, requested_at=row.requested_at, decided_by=row.decided_by,
            decided_at=row.decided_at, export=row.export_id, package_size=row.package_size,
            produced_at=row.produced_at, expires_at=row.expires_at, downloads=row.downloads)
