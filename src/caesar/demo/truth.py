"""The ground truth of a synthetic collection: what every file, case and report really is.

``truth.json`` lies beside the drives (never inside one, so that ingesting a drive does not
ingest the answers). Its schema is documented in ``docs/ground-truth.md``; these models are the
schema in code, and :func:`load_truth` reads and validates a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from caesar.cases.marks import Mark
from caesar.demo.vocab import Category, Damage, NumberKind, Role, Script, Sex

Where = Literal["own_line", "shared_line", "skin", "absent"]
Illegible = Literal["no_card", "out_of_frame", "blurred", "skin_far"]
Surface = Literal["card", "slip", "tape", "skin"]
WritingKind = Literal["typeset", "handwriting_font", "hand"]

FORMAT: Literal["caesar-demo-truth/1"] = "caesar-demo-truth/1"
TRUTH_FILE = "truth.json"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CameraTruth(_Model):
    """One photographer's camera (one camera per photographer)."""

    id: str
    photographer: str
    make: str
    model: str
    serial: str
    pace: str | None = None  # the photographer's pace (variety.py), None: the first generator's
    jpeg_quality: int | None = None


class CardTruth(_Model):
    """The white card as it appears in one photo: its numbers (Western digits) and looks."""

    detainee: str | None
    branch: str | None
    forensic: str | None
    lines: tuple[str, ...]  # the text exactly as written, top to bottom, in ``script`` digits
    script: Script
    font: str  # font file name
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of this file


class SkinTruth(_Model):
    """A number written on a shape ("on the skin") instead of on the card, in one photo."""

    kind: NumberKind
    value: str  # Western digits
    text: str  # as written
    script: Script
    box: tuple[int, int, int, int]


class WrittenNumber(_Model):
    """One number as written on a line."""

    kind: NumberKind
    value: str  # Western digits
    text: str  # as written


class WrittenLine(_Model):
    """One line as written: its text in reading order, and as it stands left to right."""

    text: str  # reading order (as Unicode stores it): labels, numbers, separators
    visual: str  # the same tokens from left to right (differs from text for "rtl")
    direction: Literal["ltr", "rtl"]
    labels: tuple[str, ...]  # the label words on the line, in reading order
    numbers: tuple[WrittenNumber, ...]  # in reading order; none on a line with only a label


class LineTruth(WrittenLine):
    """One line of writing in one photo."""

    box: tuple[int, int, int, int]  # its ink, in this file's pixels (may reach outside it)
    legible: bool  # inside the frame, not covered, digits large and sharp enough to read


class RegionTruth(_Model):
    """Something that carries written numbers, as it appears in one photo."""

    material: str  # variety.py's material name, or "white_card"/"skin" for plain cases
    surface: Surface
    layout: str  # the layout's name ("one_number" for a number on the skin beside a card)
    writing: str  # the font's file name or the hand's name
    writing_kind: WritingKind
    script: Script
    lines: tuple[LineTruth, ...]
    box: tuple[int, int, int, int]  # clipped to the frame
    corners: tuple[tuple[int, int], ...]  # its four corners, clockwise from its top left
    visible: float  # share of it inside the frame
    legible: bool  # every line legible
    digit_px: float  # height of its digits in this photo
    blur: float  # Gaussian radius it is blurred by, pixels


class NumberPlaces(_Model):
    """Where each of a body's three numbers is written."""

    detainee: Where
    branch: Where
    forensic: Where


class CaseWriting(_Model):
    """How a body's numbers were written (the same in every photo of the case)."""

    variety: Literal["plain", "seen", "held_out"]
    material: str
    layout: str
    writing: str  # the font's file name or the hand's name
    writing_kind: WritingKind
    labelled: bool
    lines: tuple[WrittenLine, ...]  # on the material, top to bottom
    skin: tuple[WrittenLine, ...]  # on the skin beside the material
    where: NumberPlaces
    illegible: Illegible | None  # why it was made so that no photo shows a number legibly


class FileTruth(_Model):
    """One file on one drive."""

    drive: str
    path: str  # relative to the drive, "/"-separated
    sha256: str
    size: int
    case: int | None
    role: Role
    category: Category | None
    copy_of: str | None = None  # sha256 of the original (published copies and repeats)
    first_seen: str | None = None  # "drive/path" of the first sighting, for repeats
    camera: str | None = None
    taken_at: datetime | None = None
    width: int | None = None
    height: int | None = None
    card: CardTruth | None = None
    skin: tuple[SkinTruth, ...] = ()
    damage: Damage | None = None
    regions: tuple[RegionTruth, ...] = ()  # everything carrying written numbers in this photo
    name: str | None = None  # a document's: the person it names (Latin spelling)

    @property
    def location(self) -> str:
        """``drive/path``: where the file is, relative to the collection's folder."""
        return f"{self.drive}/{self.path}"


class MarkTruth(_Model):
    """A mark on the body from the fixed vocabulary in :mod:`caesar.demo.vocab`."""

    kind: str
    location: str | None
    detail: str | None = None  # what it shows (a tattoo's motif, which tooth, ...), if anything
    inscription: str | None = None  # what a tattoo says (a name, a date, words), as written

    @property
    def code(self) -> str:
        """The mark as one string, as cases and reports write it: ``kind:location:detail``,
        ``kind:location``, ``kind::detail`` or ``kind``; with its text,
        ``kind:location:detail:text``."""
        return Mark(self.kind, self.location, self.detail, self.inscription).code


class NameTruth(_Model):
    """One name in Arabic letters and in its usual Latin spelling."""

    ar: str
    latin: str


class Person(_Model):
    """Who the person in a case really was: what identification should find."""

    first: NameTruth
    father: NameTruth
    grandfather: NameTruth
    family: NameTruth
    mother: NameTruth  # mother's first name
    mother_family: NameTruth
    birth_date: date
    arrest_date: date
    arrest_place: NameTruth
    arresting_branch: str

    @property
    def name_ar(self) -> str:
        """The full name in Arabic: first, father, grandfather, family name."""
        return " ".join(n.ar for n in (self.first, self.father, self.grandfather, self.family))

    @property
    def name_latin(self) -> str:
        """The full name in its usual Latin spelling."""
        return " ".join(n.latin for n in (self.first, self.father, self.grandfather, self.family))


class CaseTruth(_Model):
    """One body: the numbers it carried, what an analyst can see, and who the person was."""

    id: int
    detainee: str
    branch: str
    forensic: str
    script: Script
    skin_number: NumberKind | None  # the number written on the skin instead of the card
    hospital: str
    photographed_on: date
    sex: Sex
    age: int  # true age at death
    age_min: int  # apparent age range, as an analyst would estimate it
    age_max: int
    height_cm: int  # true height
    height_measured: int | None  # what the photos allow to measure, if anything
    marks: tuple[MarkTruth, ...]
    camera: str
    photos: tuple[str, ...]  # sha256 of the case's originals, in the order they were taken
    folder_numbers: bool  # the case's photos sit in a folder named with its numbers
    person: Person


class CaseNumbers(_Model):
    """What a reader should find of one body's numbers: how they were written, and which of
    them a person can read in at least one of the case's originals."""

    case: int
    writing: CaseWriting
    legible_numbers: tuple[NumberKind, ...]  # in the order detainee, branch, forensic
    legible: bool  # any number at all


class ReportNoise(_Model):
    """How a family's report departs from the truth (what bench/identify.py stratifies by)."""

    name_script: Literal["arabic", "latin"]
    branch: Literal["correct", "wrong", "missing", "named"]
    arrest_date_error_days: int | None  # reported minus true; None when not reported
    birth_year_error: int | None
    marks: Literal["none", "some", "all"]
    mark_side_swapped: bool  # a mark's side (or a tooth's) told the wrong way round
    # Of the reported marks whose kind has details, how many carry one; and whether a detail
    # given is not the body's (families misremember).
    mark_details: Literal["none", "some", "all"] = "none"
    mark_detail_wrong: bool = False
    # Of the reported tattoos whose body tattoo carries a text, how many are told with it; and
    # whether a text told is in the other script than the tattoo's, misspelt, or other words.
    mark_inscriptions: Literal["none", "some", "all"] = "none"
    mark_inscription_other_script: bool = False
    mark_inscription_misspelt: bool = False
    mark_inscription_wrong: bool = False
    detainee_number: bool
    height_error_cm: int | None


Strength = Literal["number", "individualising", "shared", "weak"]


class GivenMark(_Model):
    """One mark a report gives, and how many bodies of the collection bear it exactly."""

    code: str  # as the report gives it
    bodies: int  # bodies bearing exactly this mark: kind, place, detail and text alike
    on_true_body: bool | None  # the true case bears it exactly (None: not in the collection)


class EvidenceTruth(_Model):
    """How strongly what a report gives can single a person out among the collection."""

    # number: a detainee number. individualising: a mark given, or the marks given together,
    # borne by the true body and by no other (for a person not in the collection: by at most
    # one body). shared: a distinctive mark with its detail or text that does not (borne by
    # other bodies too, or told otherwise than the body bears it). weak: anything else.
    strength: Strength
    number_bodies: int | None  # bodies carrying the number given (numbers repeat across
    # branches); None when no number is given
    marks: tuple[GivenMark, ...]
    marks_together: int | None  # bodies bearing every mark given exactly; None: no marks


class ReportTruth(_Model):
    """What a missing-person report really refers to."""

    ref: str
    case: int | None  # the true case, or None for a person not in the collection
    duplicate_of: str | None  # ref of another report of the same person
    # A detainee number, or a distinctive mark with its detail or text (`is_individualising`).
    strong_identifier: bool
    evidence: EvidenceTruth
    noise: ReportNoise


class Truth(_Model):
    """The ground truth of one generated collection."""

    format: Literal["caesar-demo-truth/1"] = FORMAT
    seed: int
    spec: dict[str, Any]
    size: tuple[int, int]  # pixel size of the originals
    drives: tuple[str, ...]
    cameras: tuple[CameraTruth, ...]
    files: tuple[FileTruth, ...]
    cases: tuple[CaseTruth, ...]
    reports: tuple[ReportTruth, ...]
    numbers: tuple[CaseNumbers, ...] = ()  # by case id; none from cases_and_reports

    @cached_property
    def _by_location(self) -> dict[str, FileTruth]:
        return {f.location: f for f in self.files}

    @cached_property
    def _by_sha(self) -> dict[str, FileTruth]:
        # The first sighting wins, so a repeat never hides its original.
        out: dict[str, FileTruth] = {}
        for f in self.files:
            out.setdefault(f.sha256, f)
        return out

    def file(self, location: str) -> FileTruth:
        """The file at ``drive/path``."""
        return self._by_location[location]

    def knows(self, sha256: str) -> bool:
        """Whether the collection holds a file with this SHA-256."""
        return sha256 in self._by_sha

    def by_sha256(self, sha256: str) -> FileTruth:
        """The first sighting of the file with this SHA-256."""
        return self._by_sha[sha256]

    @cached_property
    def _cases(self) -> dict[int, CaseTruth]:
        return {c.id: c for c in self.cases}

    def case(self, case_id: int) -> CaseTruth:
        """The case with this id."""
        return self._cases[case_id]

    @cached_property
    def _numbers(self) -> dict[int, CaseNumbers]:
        return {n.case: n for n in self.numbers}

    def numbers_of(self, case_id: int) -> CaseNumbers:
        """How the case's numbers were written and which of them can be read."""
        return self._numbers[case_id]

    def case_files(self, case_id: int) -> list[FileTruth]:
        """Every file of a case: originals, repeats and published copies."""
        return [f for f in self.files if f.case == case_id]

    def originals(self) -> Iterator[FileTruth]:
        """First sightings of intact photos (no repeats, published copies, damaged files,
        videos or documents)."""
        for f in self.files:
            if f.copy_of is None and f.damage is None and f.role not in ("video", "document"):
                yield f

    def dump_json(self) -> str:
        """The truth as stable, human-readable JSON (same collection, same text)."""
        return self.model_dump_json(indent=1) + "\n"


def load_truth(path: Path) -> Truth:
    """Read ``truth.json`` (or the folder that holds it) and validate it."""
    path = Path(path)
    if path.is_dir():
        path = path / TRUTH_FILE
    return Truth.model_validate_json(path.read_bytes())
