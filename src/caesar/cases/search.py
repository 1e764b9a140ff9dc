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
from typing import Any, NamedTuple

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

    def select(self, rows: Sequence[Summary]) -> list[Summary]:
        """The rows asked for, in their order (one pass per condition given: a search of
        thousands of cases takes a fraction of a millisecond)."""
        found = list(rows)
        if self.number:
            found = [r for r in found if self.number in r.numbers]
        if self.branch:
            found = [r for r in found if r.branch == self.branch]
        if self.since:
            since = self.since
            found = [r for r in found if r.day is not None and r.day >= since]
        if self.until:
            until = self.until
            found = [r for r in found if r.day is not None and r.day <= until]
        if self.status:
            found = [r for r in found if r.case.status == self.status]
        if self.identification:
            found = [r for r in found if r.case.identification == self.identification]
        return found


class Summary(NamedTuple):
    """What a search looks at in one case, and the case."""

    numbers: str  # the three numbers joined by "|": digits never match across a separator
    branch: str
    day: date | None
    case: CaseView

    @classmethod
    def of(cls, case: CaseView) -> Summary:
        """The summary of `case`."""
        n = case.numbers
        return cls("|".join(v or "" for v in (n.detainee, n.branch, n.forensic)),
                   n.branch or "", case.photographed_on, case)


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
        self._rows: list[Summary] = []
        self._branches: list[str] = []
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
                    self._rows = [Summary.of(c) for c in self._cases]
                    self._branches = sorted({r.branch for r in self._rows if r.branch},
                                            key=lambda b: (len(b), b))
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
        self.all()
        found = query.select(self._rows)
        pages = max(1, -(-len(found) // per_page))
        page = min(max(1, page), pages)
        return CasePage(cases=[r.case for r in found[(page - 1) * per_page:page * per_page]],
                        total=len(found), page=page, pages=pages)

    def case_of(self, sha256: str) -> int | None:
        """The case an original belongs to, if any."""
        self.all()
        return self._case_of.get(sha256)

    def branches(self) -> Sequence[str]:
        """Every branch number the cases carry, in numeric order (for a search form)."""
        self.all()
        return self._branches

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
