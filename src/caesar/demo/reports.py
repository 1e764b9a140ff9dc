"""The people behind the cases, and the reports their families file.

Each case is a real person in the synthetic world (:func:`make_person`). For a share of cases a
family files a missing-person report in the import format of docs/design.md (``missing add``), with
the noise real reports have: names in Arabic or Latin letters with spelling variants, wrong or
missing branch (~30%), arrest dates off by weeks (almost always still before the photo), birth
years off by years, about half with no marks. Reports of people who are not in the collection
and a few duplicate reports of one person (two relatives, two scripts) are mixed in.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from caesar.cases.marks import read_mark
from caesar.demo import names
from caesar.demo.evidence import Population, Told
from caesar.demo.marks import inscribe, random_marks, told_detail, told_text
from caesar.demo.names import Name
from caesar.demo.truth import CaseTruth, MarkTruth, NameTruth, Person, ReportNoise, ReportTruth
from caesar.demo.vocab import (
    BRANCH_NAMES,
    BRANCH_WEIGHTS,
    BRANCHES,
    details_for,
    mirror_location,
    write_digits,
)

# The import keys of `caesar missing add`, in docs/design.md's order (also the CSV columns).
REPORT_KEYS: tuple[str, ...] = (
    "ref", "name", "father", "grandfather", "family_name", "mother", "sex", "birth_year",
    "birth_date", "height_cm", "arrest_date", "arrest_place", "arresting_branch",
    "detainee_number", "marks", "reporter_name", "reporter_relationship", "reporter_contact",
    "consent_contact", "consent_share",
)

# Reported arrest dates are never later than this after the photo: the identification issue's
# matcher may treat a larger gap as an exclusion without ever excluding a true case.
MAX_ARREST_AFTER_PHOTO = timedelta(days=21)
UPRISING = date(2011, 3, 15)

_BY_ARABIC: dict[str, Name] = {
    n.ar: n for n in (*names.MALE_NAMES, *names.FEMALE_NAMES, *names.FAMILY_NAMES, *names.PLACES)
}


def _name(n: Name) -> NameTruth:
    return NameTruth(ar=n.ar, latin=n.latin[0])


def make_person(rng: random.Random, *, sex: str, age: int, died_on: date,
                branch: str) -> Person:
    """A person of ``sex`` who was ``age`` at ``died_on``, arrested by ``branch`` before that."""
    first = rng.choice(names.MALE_NAMES if sex == "M" else names.FEMALE_NAMES)
    family = rng.choice(names.FAMILY_NAMES)
    # Birthday somewhere in the year before the age was reached, so the age is exact.
    birth = died_on - timedelta(days=int(age * 365.25) + rng.randint(1, 360))
    # Time in detention: weeks to years, most often a few months; arrests came after the
    # uprising began (March 2011) for all but a few.
    detention = int(min(900, max(7, rng.lognormvariate(4.5, 0.8))))
    since_uprising = (died_on - UPRISING).days
    if detention > since_uprising and rng.random() < 0.95:
        detention = max(7, min(detention, since_uprising))
    # A son is rarely named after his father, nor a father after his own father.
    father = rng.choice([n for n in names.MALE_NAMES if n != first])
    grandfather = rng.choice([n for n in names.MALE_NAMES if n != father])
    return Person(
        first=_name(first),
        father=_name(father),
        grandfather=_name(grandfather),
        family=_name(family),
        mother=_name(rng.choice(names.FEMALE_NAMES)),
        mother_family=_name(rng.choice(names.FAMILY_NAMES)),
        birth_date=birth,
        arrest_date=died_on - timedelta(days=detention),
        arrest_place=_name(rng.choice(names.PLACES)),
        arresting_branch=branch,
    )


@dataclass(frozen=True)
class Subject:
    """What a report can be about: a case, or a person who is not in the collection."""

    case: int | None
    person: Person
    sex: str
    died_on: date
    height_cm: int
    marks: tuple[MarkTruth, ...]
    detainee: str
    branch: str


def _spell(n: NameTruth, script: str, rng: random.Random) -> str:
    known = _BY_ARABIC.get(n.ar)
    if known is None:
        return n.ar if script == "arabic" else n.latin
    return names.spelling(known, script, rng)


BranchNoise = Literal["correct", "wrong", "missing", "named"]
MarksNoise = Literal["none", "some", "all"]


def _branch(subject: Subject, script: str,
            rng: random.Random) -> tuple[str | None, BranchNoise]:
    roll = rng.random()
    if roll < 0.15:
        return None, "missing"
    if roll < 0.30:
        wrong = rng.choice([b for b in BRANCHES if b != subject.branch])
        return wrong, "wrong"
    branch = subject.branch
    if branch in BRANCH_NAMES and rng.random() < 0.3:
        ar, en = BRANCH_NAMES[branch]
        return (ar if script == "arabic" else en), "named"
    forms = (["{}", "فرع {}", "الفرع {}"] if script == "arabic"
             else ["{}", "Branch {}", "branch {}", "Br. {}"])
    written = rng.choice(forms).format(branch)
    if script == "arabic" and rng.random() < 0.4:
        written = write_digits(written, "arabic_indic")
    return written, "correct"


def _contact(rng: random.Random) -> str:
    # Reserved or unassigned on purpose: example.org (RFC 2606) and the unassigned code +999.
    if rng.random() < 0.5:
        return f"family.{rng.getrandbits(24):06x}@example.org"
    return f"+999 5{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def _reporter(subject: Subject, script: str, rng: random.Random) -> tuple[str, str]:
    p = subject.person
    old_enough = (subject.died_on - p.birth_date).days > 38 * 365
    relation = rng.choice([r for r in names.RELATIONSHIPS
                           if old_enough or r not in ("son", "daughter")])
    family = _spell(p.family, script, rng)
    if relation == "mother":
        return f"{_spell(p.mother, script, rng)} {_spell(p.mother_family, script, rng)}", relation
    if relation == "father":
        return f"{_spell(p.father, script, rng)} {family}", relation
    pool = names.FEMALE_NAMES if relation in ("sister", "wife", "daughter") else names.MALE_NAMES
    if relation == "wife":
        family = names.spelling(rng.choice(names.FAMILY_NAMES), script, rng)
    return f"{names.spelling(rng.choice(pool), script, rng)} {family}", relation


def make_report(subject: Subject, ref: str, rng: random.Random, details: random.Random,
                texts: random.Random, *, script: str | None = None
                ) -> tuple[dict[str, Any], ReportNoise, tuple[Told, ...]]:
    """One family's report about ``subject``, with noise; a record of that noise; and the
    marks as told (for the ground truth's count of the bodies bearing them).

    What marks show is told from `details`, what tattoos say from `texts` (streams of their
    own: see `caesar.demo.marks`)."""
    p = subject.person
    script = script or ("arabic" if rng.random() < 0.55 else "latin")
    report: dict[str, Any] = {"ref": ref}
    first, father = _spell(p.first, script, rng), _spell(p.father, script, rng)
    grandfather, family = _spell(p.grandfather, script, rng), _spell(p.family, script, rng)
    with_grandfather = rng.random() < 0.6
    report["name"] = " ".join([first, father] + ([grandfather] if with_grandfather else [])
                              + [family])
    if rng.random() < 0.85:
        report["father"] = father
    if with_grandfather and rng.random() < 0.8:
        report["grandfather"] = grandfather
    if rng.random() < 0.95:
        report["family_name"] = family
    if rng.random() < 0.75:
        report["mother"] = f"{_spell(p.mother, script, rng)} {_spell(p.mother_family, script, rng)}"
    report["sex"] = subject.sex

    year_error: int | None = None
    if rng.random() < 0.9:
        roll = rng.random()
        year_error = (0 if roll < 0.55 else rng.choice([-1, 1]) * (
            rng.randint(1, 2) if roll < 0.8 else rng.randint(3, 5) if roll < 0.92
            else rng.randint(6, 10)))
        report["birth_year"] = p.birth_date.year + year_error
        if rng.random() < 0.35:
            day = min(p.birth_date.day, 28)
            report["birth_date"] = date(p.birth_date.year + year_error, p.birth_date.month,
                                        day).isoformat()

    height_error: int | None = None
    if rng.random() < 0.55:
        reported = subject.height_cm + round(rng.gauss(0, 4))
        if rng.random() < 0.5:
            reported = 5 * round(reported / 5)
        height_error = reported - subject.height_cm
        report["height_cm"] = reported

    arrest_error: int | None = None
    if rng.random() < 0.92:
        reported_arrest = p.arrest_date + timedelta(days=max(-45, min(45, round(rng.gauss(0, 15)))))
        if reported_arrest > subject.died_on:
            # Mostly families are right that the arrest came first; a few dates stay after.
            if rng.random() < 0.8:
                reported_arrest = subject.died_on - timedelta(days=rng.randint(1, 10))
            reported_arrest = min(reported_arrest, subject.died_on + MAX_ARREST_AFTER_PHOTO)
        arrest_error = (reported_arrest - p.arrest_date).days
        report["arrest_date"] = reported_arrest.isoformat()
    if rng.random() < 0.85:
        report["arrest_place"] = _spell(p.arrest_place, script, rng)
    branch, branch_noise = _branch(subject, script, rng)
    if branch is not None:
        report["arresting_branch"] = branch

    given_number = rng.random() < 0.1
    if given_number:
        report["detainee_number"] = (write_digits(subject.detainee, "arabic_indic")
                                     if script == "arabic" and rng.random() < 0.3
                                     else subject.detainee)

    marks_noise: MarksNoise = "none"
    swapped = wrong_detail = False
    with_details: list[bool] = []  # per reported mark of a kind that has details: told?
    with_texts: list[bool] = []  # per reported tattoo whose body tattoo has a text: told?
    other_script = misspelt = wrong_text = False
    given: list[Told] = []
    # Families mention marks in about half of all reports (some bodies have none to mention).
    if subject.marks and rng.random() < 0.62:
        chosen = list(subject.marks)
        if len(chosen) > 1 and rng.random() < 0.5:
            chosen = rng.sample(chosen, rng.randint(1, len(chosen) - 1))
        marks_noise = "all" if len(chosen) == len(subject.marks) else "some"
        codes = []
        for mark in chosen:
            location = mark.location
            if location and rng.random() < 0.1 and mirror_location(location) != location:
                location, swapped = mirror_location(location), True
            if rng.random() < 0.15:
                location = None
            told = told_detail(mark, placed=location is not None, rng=details)
            swapped, wrong_detail = swapped or told.swapped, wrong_detail or told.wrong
            if details_for(mark.kind):
                with_details.append(told.detail is not None)
            said = told_text(mark, detail_told=told.detail is not None, script=script,
                             person=p, rng=texts)
            if mark.inscription is not None:
                with_texts.append(said.text is not None)
                other_script, misspelt = other_script or said.other_script, misspelt or said.misspelt
                wrong_text = wrong_text or said.wrong
            as_told = MarkTruth(kind=mark.kind, location=location, detail=told.detail,
                                inscription=said.text)
            given.append(Told(as_told, said.key))
            codes.append(as_told.code)
        report["marks"] = codes

    reporter, relation = _reporter(subject, script, rng)
    report["reporter_name"] = reporter
    report["reporter_relationship"] = relation
    report["reporter_contact"] = _contact(rng)
    report["consent_contact"] = rng.random() < 0.85
    report["consent_share"] = "archive" if rng.random() < 0.6 else "partners"

    noise = ReportNoise(
        name_script="arabic" if script == "arabic" else "latin", branch=branch_noise,
        arrest_date_error_days=arrest_error, birth_year_error=year_error, marks=marks_noise,
        mark_side_swapped=swapped, detainee_number=given_number, height_error_cm=height_error,
        mark_details=_how_many(with_details), mark_detail_wrong=wrong_detail,
        mark_inscriptions=_how_many(with_texts), mark_inscription_other_script=other_script,
        mark_inscription_misspelt=misspelt, mark_inscription_wrong=wrong_text,
    )
    return report, noise, tuple(given)


def _how_many(told: list[bool]) -> Literal["none", "some", "all"]:
    return "all" if told and all(told) else "some" if any(told) else "none"


def _strong(report: dict[str, Any]) -> bool:
    """A detainee number, or a distinctive mark with its detail or its text
    (`is_individualising`)."""
    marks = report.get("marks", [])
    return "detainee_number" in report or any(read_mark(m).individualising for m in marks)


def _outsider(rng: random.Random, details: random.Random, texts: random.Random,
              cases: Sequence[CaseTruth], taken: set[tuple[str, str]]) -> Subject:
    template = rng.choice(cases)
    sex = "M" if rng.random() < 0.97 else "F"
    died_on = template.photographed_on + timedelta(days=rng.randint(-200, 200))
    branch = rng.choices(BRANCHES, weights=list(BRANCH_WEIGHTS.values()))[0]
    detainee = str(rng.randint(100, 9999))
    while (detainee, branch) in taken:  # never the numbers of someone in the collection
        detainee = str(rng.randint(100, 9999))
    age = int(min(75, max(15, rng.gauss(30, 10))))
    person = make_person(rng, sex=sex, age=age, died_on=died_on, branch=branch)
    height = int(min(195, max(150, rng.gauss(172 if sex == "M" else 160, 7))))
    marks = inscribe(random_marks(rng, details, sex=sex), texts, person=person)
    return Subject(None, person, sex, died_on, height, marks, detainee, branch)


def build_reports(rng: random.Random, cases: Sequence[CaseTruth], *, share: float,
                  outsiders: float, duplicates: float, details: random.Random,
                  texts: random.Random) -> tuple[list[dict[str, Any]], list[ReportTruth]]:
    """Families' reports for ``share`` of ``cases``, plus ``outsiders`` reports of people not in
    the collection per report of a case, plus ``duplicates`` (a share of the case reports
    filed again by another relative in the other script); shuffled, with their truth.
    ``details`` draws what marks show and ``texts`` what tattoos say (outsiders' marks, what
    families tell of them); the truth counts the bodies bearing what each report gives."""
    if not cases:
        return [], []
    reported = rng.sample(list(cases), round(len(cases) * share))
    subjects = [Subject(c.id, c.person, c.sex, c.photographed_on, c.height_cm, c.marks,
                        c.detainee, c.branch) for c in reported]
    taken = {(c.detainee, c.branch) for c in cases}
    subjects += [_outsider(rng, details, texts, cases, taken)
                 for _ in range(round(len(reported) * outsiders))]
    rng.shuffle(subjects)
    population = Population(cases)
    rows: list[tuple[dict[str, Any], ReportTruth]] = []
    for subject in subjects:
        ref = f"demo-{len(rows) + 1:05d}"
        report, noise, told = make_report(subject, ref, rng, details, texts)
        rows.append((report, ReportTruth(
            ref=ref, case=subject.case, duplicate_of=None, strong_identifier=_strong(report),
            evidence=population.evidence(report, told, subject.case), noise=noise)))
        if subject.case is not None and rng.random() < duplicates:
            other = "latin" if noise.name_script == "arabic" else "arabic"
            dup_ref = f"demo-{len(rows) + 1:05d}"
            dup, dup_noise, dup_told = make_report(subject, dup_ref, rng, details, texts,
                                                   script=other)
            rows.append((dup, ReportTruth(
                ref=dup_ref, case=subject.case, duplicate_of=ref, strong_identifier=_strong(dup),
                evidence=population.evidence(dup, dup_told, subject.case), noise=dup_noise)))
    return [r for r, _ in rows], [t for _, t in rows]


def reports_json(reports: Sequence[dict[str, Any]]) -> str:
    """Reports as the JSON list `caesar missing add --from` reads (missing keys left out)."""
    return json.dumps(list(reports), ensure_ascii=False, indent=1) + "\n"


def reports_csv(reports: Sequence[dict[str, Any]]) -> str:
    """Reports as CSV with the same columns; lists joined with ``;``, booleans true/false."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_KEYS)
    for report in reports:
        row = []
        for key in REPORT_KEYS:
            value = report.get(key)
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, list):
                value = ";".join(value)
            row.append("" if value is None else str(value))
        writer.writerow(row)
    return out.getvalue()
