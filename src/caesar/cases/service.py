"""Cases: the one object the `cases` commands, the web's case pages and other services use.

It joins three parts, each in its own module: building cases from photos
(:mod:`caesar.cases.building`), showing them (:mod:`caesar.cases.viewing`) and recording every
analyst's decision (:mod:`caesar.cases.editing`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from caesar.cases.building import CaseBuilder
from caesar.cases.editing import CaseEditor
from caesar.cases.numbers import Kind
from caesar.cases.viewing import CaseViews
from caesar.cases.views import BuildReport, CaseView, Disagreement, QueueItem
from caesar.catalog.database import Catalog
from caesar.ledger.log import CustodyLog
from caesar.progress import ProgressCallback
from caesar.settings import CaseSettings
from caesar.vault.keys import Keys


class CaseService:
    """Everything the `cases` commands and the case pages do."""

    def __init__(self, *, catalog: Catalog, ledger: CustodyLog, keys: Keys, archive: Path,
                 store_url: str, settings: CaseSettings) -> None:
        self.views = CaseViews(catalog=catalog)
        self.builder = CaseBuilder(catalog=catalog, ledger=ledger, keys=keys, archive=archive,
                                   store_url=store_url, settings=settings)
        self.editor = CaseEditor(catalog=catalog, ledger=ledger, views=self.views)

    def build(self, actor: str, *, reread: bool = False,
              progress: ProgressCallback | None = None) -> BuildReport:
        """Read new photos' numbers, link copies, regroup, reconcile (under the write lock)."""
        return self.builder.build(actor, reread=reread, progress=progress)

    def cases(self) -> list[CaseView]:
        """Every case that holds photos, in order."""
        return self.views.cases()

    def show(self, case_id: int) -> CaseView:
        """One case with its readings, analysts' readings and history."""
        return self.views.show(case_id)

    def queue(self, cases: Collection[int] | None = None) -> list[QueueItem]:
        """Numbers a person should read (of `cases` only, when given)."""
        return self.views.queue(cases)

    def disagreements(self) -> list[Disagreement]:
        """Numbers that two analysts read differently, for a third look."""
        return self.views.disagreements()

    def edit(self, case_id: int, changes: Sequence[tuple[str, str]], actor: str) -> CaseView:
        """Set fields (`--set FIELD=VALUE`); every change is logged with the value before."""
        return self.editor.edit(case_id, changes, actor)

    def merge(self, case_ids: Sequence[int], actor: str) -> CaseView:
        """Move every photo of the other cases into the first."""
        return self.editor.merge(case_ids, actor)

    def split(self, case_id: int, photos: Sequence[str], actor: str) -> CaseView:
        """Move `photos` out of a case into a new one."""
        return self.editor.split(case_id, photos, actor)

    def move(self, sha256: str, to_case: int | None, actor: str) -> CaseView:
        """Put one photo into another case (None: a new case of its own)."""
        return self.editor.move(sha256, to_case, actor)

    def read(self, case_id: int, readings: Sequence[tuple[Kind, str]], actor: str
             ) -> list[Disagreement]:
        """Record `actor`'s own reading of numbers of a case; return disagreements on it."""
        return self.editor.read(case_id, readings, actor)

    def categorise(self, photos: Sequence[str], category: str, actor: str) -> int:
        """Set what photos show (an analyst's decision: suggestions never overwrite it)."""
        return self.editor.categorise(photos, category, actor)
