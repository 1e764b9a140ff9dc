"""`verify`: decrypt and re-hash every original, and report what is damaged or missing."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select

from caesar.catalog.database import Catalog
from caesar.catalog.models import Photo
from caesar.ledger.events import Event
from caesar.ledger.log import CustodyLog
from caesar.progress import ProgressCallback
from caesar.settings import Settings
from caesar.vault.keys import Keys
from caesar.vault.objects import ObjectVault
from caesar.vault.store import open_store


class VerifyReport(BaseModel):
    """The `verify --json` document of DESIGN.md."""

    checked: int = 0
    ok: int = 0
    damaged: list[str] = []
    missing: list[str] = []
    ledger_ok: bool | None = None

    @property
    def needs_attention(self) -> bool:
        """Exit 1: damage, loss, or a custody log that does not check out."""
        return bool(self.damaged or self.missing or self.ledger_ok is False)


_vault: ObjectVault | None = None


def _init(keys: Keys, store_url: str, archive: Path) -> None:
    global _vault
    _vault = ObjectVault(open_store(store_url, archive), keys)


def _check(sha256: str) -> tuple[str, str]:
    if _vault is None:
        raise RuntimeError("verify worker used before it was initialised")
    return sha256, _vault.check("original", sha256)


def verify_originals(catalog: Catalog, keys: Keys, archive: Path, settings: Settings,
                     progress: ProgressCallback | None = None, *, ledger: CustodyLog,
                     actor: str, tsa_certificates: bytes | None = None) -> VerifyReport:
    """Check every catalogued original, using every core, then the custody log; log the run.

    The caller holds the archive's write lock: the run is recorded as a `verify.run` entry and
    a new checkpoint. A log that fails its check gets nothing appended and nothing signed, so
    a signature never vouches for a log that was tampered with.
    """
    with catalog.reader() as session:
        photos = session.execute(select(Photo.sha256, Photo.size).order_by(Photo.sha256)).all()
    sizes = dict(photos)
    report = VerifyReport()
    if progress:
        progress("start", len(photos), 0)
    workers = settings.intake.workers or os.cpu_count() or 1
    with ProcessPoolExecutor(workers, initializer=_init,
                             initargs=(keys, settings.store_url, archive)) as pool:
        for sha256, status in pool.map(_check, sizes, chunksize=8):
            report.checked += 1
            if status == "ok":
                report.ok += 1
            elif status == "missing":
                report.missing.append(sha256)
            else:
                report.damaged.append(sha256)
            if progress:
                progress("advance", 1, sizes[sha256])
    ledger_report = ledger.verify(tsa_certificates)
    report.ledger_ok = None if ledger_report.empty else ledger_report.ok
    if report.ledger_ok is not False:
        with catalog.session() as session:
            ledger.append(session, [Event(
                type="verify.run", time=datetime.now(UTC), actor=actor,
                details={"checked": report.checked, "ok": report.ok,
                         "damaged": len(report.damaged), "missing": len(report.missing),
                         "ledger_ok": report.ledger_ok})])
            ledger.checkpoint(session)
    return report
