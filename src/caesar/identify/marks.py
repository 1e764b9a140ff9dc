"""How a mark a family describes compares with a mark recorded on a body, and in words.

The codes and their words are the cases' (`caesar.cases.marks`). A comparison has two parts:
the **place** (the same place, the other side, elsewhere on the body; or no place given by
the family) and the **detail** (the same design, operation, tooth or finger; the same on the
other side, for a tooth; another one; or not known on one side), and for a tattoo the
**text** it carries (the same words however spelt, close words, other words, or not known on
one side: `caesar.identify.inscriptions`). Families often remember a mark but not its side, or
its side the wrong way round, and sometimes misremember what a tattoo showed or said, so
nothing here excludes: each comparison only weighs (`factors.marks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

# The codes are the cases' (re-exported: identification's callers have always found them
# here).
from caesar.cases.marks import Mark as Mark
from caesar.cases.marks import parse_mark as parse_mark
from caesar.cases.marks import read_mark as read_mark
from caesar.cases.vocabulary import DETAIL_NOUNS, MARK_DETAILS, mirror_location
from caesar.identify import inscriptions
from caesar.identify.inscriptions import TEXTS, Text
from caesar.identify.wording import N_, Listing, Phrase, Value, phrase

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
# P(the texts compare so | same person, both sides know one): a family gives the words right
# (in either script, spelt any usual way) most of the time; some misspell them or an analyst
# misreads a faded tattoo (close), and a few remember other words.
TEXT_SAME: Final[dict[Text, float]] = {"agree": 0.80, "close": 0.12, "disagree": 0.08,
                                       "unknown": 1.0}


@dataclass(frozen=True)
class Relation:
    """How one body mark of the reported kind compares with the reported mark."""

    place: Place
    detail: Detail
    text: Text = "unknown"

    @property
    def index(self) -> int:
        """A small integer for arrays (place-major, then detail, then text)."""
        return (PLACES.index(self.place) * len(DETAILS) + DETAILS.index(self.detail)) \
            * len(TEXTS) + TEXTS.index(self.text)


RELATIONS: Final[tuple[Relation, ...]] = tuple(
    Relation(p, d, t) for p in PLACES for d in DETAILS for t in TEXTS)
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
    return Relation(place, detail, inscriptions.compare(reported.inscription, body.inscription))


def detail_likelihood(reported: Mark, rel: Relation) -> float:
    """P(the body's detail compares so | the case is the person, the body bears the mark at
    that place); 1 when the detail is not known on both sides."""
    sided = reported.detail is not None and mirror_location(reported.detail) != reported.detail
    return (SIDED_DETAIL_SAME if sided else DETAIL_SAME).get(rel.detail, 0.0)


def explain(reported: Mark, body: Mark | None, rel: Relation | None) -> Phrase:
    """The comparison in a caseworker's words; `body` None: no mark of that kind recorded."""
    if body is None or rel is None:
        return phrase("the family describes a {reported}: none is recorded on the body",
                      reported=reported)
    if reported.detail is None and body.detail is None and reported.inscription is None \
            and body.inscription is None:
        # Neither side says what the mark shows: the place is all there is to compare.
        if rel.place == "exact":
            return phrase("the family describes a {reported}: the body has it there",
                          reported=reported)
        if rel.place == "present":
            return phrase("the family describes a {reported}: the body has it",
                          reported=reported)
        if rel.place == "mirrored":
            return phrase("the family describes a {reported}: the body has it on the other"
                          " side", reported=reported)
        return phrase("the family describes a {reported}: the body has a {body}",
                      reported=reported, body=body)
    notes = [_PLACE_NOTES[rel.place]]
    family_says = reported.detail is not None or reported.inscription is not None
    body_shows = body.detail is not None or body.inscription is not None
    if rel.detail == "unknown" and rel.text == "unknown":
        # Nothing of what the mark shows or says compares (both sides' words show what is known).
        notes.append(N_("the family did not say what it shows") if not family_says
                     else N_("what it shows is not recorded on the body") if not body_shows
                     else None)
    elif rel.text == "unknown" and (reported.inscription or body.inscription):
        notes.append(N_("its words are not recorded on the body") if body.inscription is None
                     else N_("the family did not give its words"))
    said = [Phrase(n) for n in notes if n]
    if not said:
        return phrase("the family describes a {reported}; the body shows a {body}",
                      reported=reported, body=body)
    return phrase("the family describes a {reported}; the body shows a {body} ({note})",
                  reported=reported, body=body, note=Listing(tuple(said), "; "))


_PLACE_NOTES: dict[Place, str | None] = {
    "exact": N_("the same place"), "present": None, "mirrored": N_("sides are often confused"),
    "elsewhere": N_("elsewhere on the body")}


def explain_text(reported: Mark, body: Mark | None, rel: Relation | None) -> Phrase | None:
    """What the tattoo's text alone says (None when it is not known on both sides)."""
    if body is None or rel is None or reported.inscription is None or body.inscription is None:
        return None
    return inscriptions.explain(reported.inscription, body.inscription, rel.text)


def explain_detail(reported: Mark, body: Mark | None, rel: Relation | None) -> Phrase | None:
    """What the detail alone says (None when it is not known on both sides)."""
    if body is None or rel is None or rel.detail == "unknown" or reported.detail is None \
            or body.detail is None:
        return None
    noun: Value = DETAIL_NOUNS.get(reported.kind) or Phrase(N_("detail"))
    family, seen = _detail_words(reported), _detail_words(body)
    if rel.detail == "agree":
        return phrase("the same {noun}: {family}", noun=noun, family=family)
    if rel.detail == "mirrored":
        return phrase("the family says {family}, the body shows {seen} (left and right are"
                      " often confused)", family=family, seen=seen)
    return phrase("another {noun}: the family says {family}, the body shows {seen} (families"
                  " sometimes misremember; it weighs against, it does not exclude)",
                  noun=noun, family=family, seen=seen)


def _detail_words(mark: Mark) -> Value:
    # Recorded outside the vocabulary: shown as written.
    text: Value = MARK_DETAILS.get(mark.kind, {}).get(mark.detail or "") \
        or (mark.detail or "").replace("_", " ")
    # A tooth or a finger is one of the person's own: "the left canine", "the index finger".
    return phrase("the {detail}", detail=text) if mark.kind in _OWN else text


_OWN = frozenset({"gold_tooth", "missing_tooth", "missing_finger"})
