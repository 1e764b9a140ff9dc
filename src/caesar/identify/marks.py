"""How a mark a family describes compares with a mark recorded on a body, and in words.

The codes and their words are the cases' (`caesar.cases.marks`). A comparison has two parts:
the **place** (the same place, the other side, elsewhere on the body; or no place given by
the family) and the **detail** (the same design, operation, tooth or finger; the same on the
other side, for a tooth; another one; or not known on one side). Families often remember a
mark but not its side, or its side the wrong way round, and sometimes misremember what a
tattoo showed, so nothing here excludes: each comparison only weighs (`factors.marks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from caesar.cases.marks import Mark
from caesar.cases.vocabulary import DETAIL_NOUNS, MARK_KIND_WORDS, mirror_location

Place = Literal["present", "exact", "mirrored", "elsewhere"]
Detail = Literal["unknown", "agree", "mirrored", "disagree"]
PLACES: Final[tuple[Place, ...]] = ("present", "exact", "mirrored", "elsewhere")
DETAILS: Final[tuple[Detail, ...]] = ("unknown", "agree", "mirrored", "disagree")

# P(the body shows the family's mark so | it is the person), for a family that gave a place:
# there, on the other side (left and right mixed up), elsewhere, or not recorded at all (the
# analyst could not see it, or the family is wrong). Without a place: recorded or not.
PLACE_SAME: Final[dict[Place, float]] = {
    "exact": 0.70, "mirrored": 0.08, "elsewhere": 0.07, "present": 0.85}
ABSENT_SAME: Final[float] = 0.15
# P(the detail on the body compares so | same person, both sides know it): families misremember
# a design or an operation's name, and a faded tattoo is misread, 15 times in 100; a tooth's
# side is mixed up as often as a mark's.
DETAIL_SAME: Final[dict[Detail, float]] = {"agree": 0.85, "disagree": 0.15, "unknown": 1.0}
SIDED_DETAIL_SAME: Final[dict[Detail, float]] = {
    "agree": 0.77, "mirrored": 0.08, "disagree": 0.15, "unknown": 1.0}


@dataclass(frozen=True)
class Relation:
    """How one body mark of the reported kind compares with the reported mark."""

    place: Place
    detail: Detail

    @property
    def index(self) -> int:
        """A small integer for arrays (place-major)."""
        return PLACES.index(self.place) * len(DETAILS) + DETAILS.index(self.detail)


RELATIONS: Final[tuple[Relation, ...]] = tuple(Relation(p, d) for p in PLACES for d in DETAILS)
"""Every relation, in the order of `Relation.index`."""


def relation(reported: Mark, body: Mark) -> Relation:
    """How `body` (a mark of the same kind) compares with the `reported` one."""
    place: Place
    if reported.location is None:
        place = "present"
    elif body.location == reported.location:
        place = "exact"
    elif body.location is not None and body.location == mirror_location(reported.location) \
            != reported.location:
        place = "mirrored"
    else:
        place = "elsewhere"  # another place, or a body mark recorded without one
    detail: Detail
    if reported.detail is None or body.detail is None:
        detail = "unknown"
    elif body.detail == reported.detail:
        detail = "agree"
    elif body.detail == mirror_location(reported.detail):
        detail = "mirrored"
    else:
        detail = "disagree"
    return Relation(place, detail)


def likelihood(reported: Mark, rel: Relation) -> float:
    """P(a body mark compares so | the case is the person)."""
    sided = reported.detail is not None and mirror_location(reported.detail) != reported.detail
    details = SIDED_DETAIL_SAME if sided else DETAIL_SAME
    return PLACE_SAME[rel.place] * details.get(rel.detail, 0.0)


def explain(reported: Mark, body: Mark | None, rel: Relation | None) -> str:
    """The comparison in a caseworker's words; `body` None: no mark of that kind recorded."""
    said = f"the family describes a {reported.words()}"
    if body is None or rel is None:
        return f"{said}: none is recorded on the body"
    if reported.detail is None and body.detail is None:
        # Neither side says what the mark shows: the place is all there is to compare.
        if rel.place in ("exact", "present"):
            return f"{said}: the body has it{' there' if rel.place == 'exact' else ''}"
        if rel.place == "mirrored":
            return f"{said}: the body has it on the other side"
        return f"{said}: the body has a {body.words()}"
    noun = DETAIL_NOUNS.get(reported.kind)
    what = noun.en if noun else "detail"
    notes = {
        ("exact", "agree"): f"the same {what}, in the same place",
        ("exact", "mirrored"): "left and right are often confused",
        ("exact", "disagree"): f"another {what} in the same place: families sometimes"
                               " misremember",
        ("mirrored", "agree"): "sides are often confused",
        ("mirrored", "mirrored"): "sides are often confused",
        ("mirrored", "disagree"): f"the other side, and another {what}",
        ("elsewhere", "agree"): f"the same {what}, elsewhere on the body",
        ("elsewhere", "mirrored"): "elsewhere on the body",
        ("elsewhere", "disagree"): f"another {what}, elsewhere on the body",
        ("present", "agree"): f"the same {what}",
        ("present", "mirrored"): "left and right are often confused",
        ("present", "disagree"): f"another {what}: families sometimes misremember",
    }
    if rel.detail == "unknown":
        kind = MARK_KIND_WORDS[reported.kind].en if reported.kind in MARK_KIND_WORDS \
            else reported.kind
        unknown = (f"what the {kind} shows is not recorded on the body" if body.detail is None
                   else "the family did not say what it shows")
        where = {"exact": "", "present": "", "mirrored": "; the other side",
                 "elsewhere": "; elsewhere on the body"}[rel.place]
        note = unknown + where
    else:
        note = notes[(rel.place, rel.detail)]
    return f"{said}; the body shows a {body.words()} ({note})"
