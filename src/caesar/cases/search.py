"""Finding cases by number, branch and date: a summary of every case, kept in memory.

A case's numbers as shown are the analyst's or, while none is set, the best reading over its
photos, which is worked out from every reading (`CaseService.cases`): too slow to do for each
search of a large archive. The index keeps the summaries and builds them again only when the
catalogue says cases changed: a few counts that every change to cases moves (an entry about a
case in the custody log, photos analysed, placed or linked as copies). Checking them costs a
few small queries, done at most every `recheck` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from caesar.cases.views import CaseView
from caesar.catalog.cases import CasePhoto, PhotoAnalysis, PhotoCopy
from caesar.catalog.custody import CustodyCommitment
from caesar.catalog.database import Catalog


@dataclass(frozen=True)
class CaseQuery:
    """What to look for; every part given must match."""

    number: str | None = None  # digits found in the detainee, branch or forensic number
    branch: str | None = None  # the branch number, exactly
    since: date | None = None  # photographed on or after
    until: date | None = None  # photographed on or before
    status: str | None = None
    identification: str | None = None

    def matches(self, case: CaseView) -> bool:
        """Whether `case` is one of those asked for."""
        n = case.numbers
        if self.number and not any(self.number in (v or "")
                                   for v in (n.detainee, n.branch, n.forensic)):
            return False
        if self.branch and n.branch != self.branch:
            return False
        day = case.photographed_on
        if self.since and (day is None or day < self.since):
            return False
        if self.until and (day is None or day > self.until):
            return False
        if self.status and case.status != self.status:
            return False
        return not (self.identification and case.identification != self.identification)


@dataclass(frozen=True)
class CasePage:
    """One page of the cases found."""

    cases: list[CaseView]
    total: int
    page: int
    pages: int


def to_western(text: str) -> str:
    """`text` with Arabic-Indic (and Persian) digits made Western; the rest kept."""
    return "".join(str(int(c)) if c.isdecimal() else c for c in text)


def western_digits(text: str) -> str:
    """Only the digits of `text`, as Western digits (how numbers are searched)."""
    return "".join(c for c in to_western(text) if c.isdigit())


class CaseIndex:
    """Summaries of every case, rebuilt when cases change."""

    def __init__(self, catalog: Catalog, load: Callable[[], list[CaseView]], *,
                 recheck: float = 1.0) -> None:
        self._catalog = catalog
        self._load = load
        self._recheck = recheck
        self._lock = threading.Lock()
        self._cases: list[CaseView] = []
        self._case_of: dict[str, int] = {}
        self._version: Any = None
        self._checked = float("-inf")

    def all(self) -> list[CaseView]:
        """Every case that holds photos, in order of id."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= self._recheck:
                version = self._current_version()
                if version != self._version:
                    self._cases = self._load()
                    self._case_of = {sha: c.id for c in self._cases for sha in c.photos}
                    self._version = version
                self._checked = now
            return self._cases

    def invalidate(self) -> None:
        """Look again at the next call (after a change made in this process)."""
        with self._lock:
            self._checked = float("-inf")

    def search(self, query: CaseQuery, page: int = 1, per_page: int = 50) -> CasePage:
        """The cases that match `query`, one page of them."""
        found = [c for c in self.all() if query.matches(c)]
        pages = max(1, -(-len(found) // per_page))
        page = min(max(1, page), pages)
        return CasePage(cases=found[(page - 1) * per_page:page * per_page], total=len(found),
                        page=page, pages=pages)

    def case_of(self, sha256: str) -> int | None:
        """The case an original belongs to, if any."""
        self.all()
        return self._case_of.get(sha256)

    def branches(self) -> Sequence[str]:
        """Every branch number the cases carry, in numeric order (for a search form)."""
        return sorted({c.numbers.branch for c in self.all() if c.numbers.branch},
                      key=lambda b: (len(b), b))

    def _current_version(self) -> tuple[Any, ...]:
        with self._catalog.reader() as session:
            row = session.execute(select(
                select(func.max(CustodyCommitment.entry_idx))
                .where(CustodyCommitment.subject_kind == "case").scalar_subquery(),
                select(func.count()).select_from(PhotoAnalysis).scalar_subquery(),
                select(func.max(PhotoAnalysis.analysed_at)).scalar_subquery(),
                select(func.count()).select_from(CasePhoto).scalar_subquery(),
                select(func.count()).select_from(PhotoCopy).scalar_subquery(),
            )).one()
        return tuple(row)
