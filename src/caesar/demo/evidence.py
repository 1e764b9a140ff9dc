"""How strongly what a report gives can single a person out among the synthetic collection.

In forensic identification an identifier is strong when it can single a person out among the
population searched. The generator knows its whole population, so for each report it counts
how many bodies bear each mark exactly as the family gives it (every part the family gives:
kind, place, detail, and what a tattoo says, however spelt: `marks.text_key`), and how many
carry the detainee number given. `docs/ground-truth.md` describes the result
(`EvidenceTruth`); `bench/identify.py` groups its figures by it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

from caesar.cases.marks import read_mark
from caesar.demo.marks import text_key
from caesar.demo.truth import CaseTruth, EvidenceTruth, GivenMark, MarkTruth, Strength
from caesar.demo.vocab import western_digits

_ANY = "*"


@dataclass(frozen=True)
class Told:
    """One mark as a family gives it."""

    mark: MarkTruth  # the parts given (None where the family did not say)
    text_key: str | None  # what its text says; None when no text is given or it is misspelt

    def pattern(self) -> tuple[str, str, str, str] | None:
        """The mark as a lookup key (`*` for a part not given); None when no body can bear
        it (a misspelt text names nothing)."""
        if self.mark.inscription is not None and self.text_key is None:
            return None
        return (self.mark.kind, self.mark.location or _ANY, self.mark.detail or _ANY,
                self.text_key or _ANY)


class Population:
    """Every body of a collection, indexed by every part of its marks."""

    def __init__(self, cases: Sequence[CaseTruth]) -> None:
        self._bearers: dict[tuple[str, str, str, str], set[int]] = defaultdict(set)
        for case in cases:
            for mark in case.marks:
                key = text_key(mark.inscription) if mark.inscription else None
                # Each part either as the body bears it or left open, as a family may.
                for where, what, says in product((mark.location, _ANY), (mark.detail, _ANY),
                                                 (key, _ANY)):
                    self._bearers[(mark.kind, where or _ANY, what or _ANY,
                                   says or _ANY)].add(case.id)
        self._numbers = Counter(case.detainee for case in cases)

    def bearers(self, told: Told) -> set[int]:
        """The bodies that bear `told` exactly (every part the family gives)."""
        pattern = told.pattern()
        return self._bearers.get(pattern, set()) if pattern is not None else set()

    def evidence(self, report: dict[str, object], told: Sequence[Told],
                 case: int | None) -> EvidenceTruth:
        """The strength of what `report` gives (its number, the marks `told`) for the
        person, whose true case is `case` (None: not in the collection)."""
        number = report.get("detainee_number")
        number_bodies = (self._numbers.get(western_digits(str(number)), 0)
                         if number is not None else None)
        sets = [self.bearers(t) for t in told]
        given = tuple(GivenMark(code=t.mark.code, bodies=len(b),
                                on_true_body=None if case is None else case in b)
                      for t, b in zip(told, sets, strict=True))
        together = set.intersection(*sets) if sets else None
        return EvidenceTruth(strength=_strength(number is not None, told, sets, together, case),
                             number_bodies=number_bodies, marks=given,
                             marks_together=None if together is None else len(together))


def _strength(number: bool, told: Sequence[Told], sets: Sequence[set[int]],
              together: set[int] | None, case: int | None) -> Strength:
    if number:
        return "number"
    # The person's own body alone; for a person not in the collection, at most one body.
    alone = ({case} if case is not None else None)
    groups = [*sets, *([together] if together is not None and len(sets) > 1 else [])]
    if any((s == alone) if alone is not None else len(s) <= 1 for s in groups):
        return "individualising"
    if any(read_mark(t.mark.code).individualising for t in told):
        return "shared"
    return "weak"
