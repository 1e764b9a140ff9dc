"""Planning a collection before any pixel is drawn: who, when, by which camera, where.

Everything random about the collection's structure is decided here, in one process, from the
seed: the days, the cases and their attributes, the photographers' cameras, the timeline of
every photo seconds apart, file names from each camera's frame counter, drives and folder
layouts, repeats on later drives and published copies. Rendering then only fills in pixels,
so the collection is the same whatever the number of worker processes.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from caesar.demo.marks import inscribe, random_marks
from caesar.demo.numbering import Convention, NumberWriting, choose_writing, day_convention
from caesar.demo.render import CAMERA_MODELS, CameraModel
from caesar.demo.reports import make_person
from caesar.demo.truth import CameraTruth, MarkTruth, Person
from caesar.demo.variety import HELD_OUT, SEEN, Pace, Variety
from caesar.demo.vocab import (
    BRANCH_WEIGHTS,
    BRANCHES,
    HOSPITALS,
    Category,
    NumberKind,
    Role,
    Script,
    Sex,
)


@dataclass(frozen=True)
class Camera:
    """One photographer and the one camera body they use."""

    id: str
    photographer: str
    model: CameraModel
    serial: str
    pace: Pace | None = None  # None: the first generator's pace (4-40 s, then 30 s-10 min)
    quality: int | None = None  # JPEG quality, when not the model's own

    def truth(self) -> CameraTruth:
        """This camera as it appears in the ground truth."""
        return CameraTruth(id=self.id, photographer=self.photographer, make=self.model.make,
                           model=self.model.model, serial=self.serial,
                           pace=self.pace.name if self.pace else None,
                           jpeg_quality=self.quality or self.model.quality)


@dataclass
class PhotoPlan:
    """One original photo: its role, its time, and every place its bytes will be written."""

    role: Role
    taken_at: datetime  # local time in Syria
    show_card: bool = False
    target: str = ""  # "skin": a close-up of the number written on the skin
    drive: str = ""
    path: str = ""
    repeats: list[tuple[str, str]] = field(default_factory=list)  # (drive, path) copies
    published: tuple[str, str] | None = None  # (drive, path) of a re-encoded copy


@dataclass
class CasePlan:
    """One body's attributes, everything but the photos' hashes."""

    id: int
    detainee: str
    branch: str
    forensic: str
    script: Script
    skin_number: NumberKind | None
    hospital: str
    photographed_on: date
    sex: Sex
    age: int
    age_min: int
    age_max: int
    height_cm: int
    height_measured: int | None
    marks: tuple[MarkTruth, ...]
    person: Person
    folder_format: str | None = None  # the case's folder is named with its numbers
    writing: NumberWriting | None = None  # None: the first generator's white card


@dataclass
class SubjectPlan:
    """Something photographed in one sequence: a case, or a non-case subject."""

    key: str
    category: Category
    camera: Camera
    day: date
    photos: list[PhotoPlan]
    case: CasePlan | None = None


@dataclass
class Plan:
    """The whole collection's structure."""

    cameras: list[Camera]
    drives: list[str]
    subjects: list[SubjectPlan]
    folders: dict[str, list[str]]  # per drive, the folders that hold photos


# Photos per case: usually 3-6, sometimes many more (the real range is 3 to over 20).
_COUNTS = [3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 17, 20, 24]
_COUNT_WEIGHTS = [25, 38, 20, 9, 2.5, 1.5, 1, 0.8, 0.7, 0.5, 0.4, 0.35, 0.25]
_SERIAL_DIGITS = (7, 12, 7, 8, 8)
_FOLDER_NUMBERS = ("{d}-{b}", "{b}-{d}", "{d} {b} {f}", "{f}")


def plan_collection(*, cases: int, seed: int, drives: int, photographers: int,
                    cases_per_day: float, start: date, end: date, non_case_share: float,
                    repeat_share: float, published_share: float, arabic_share: float,
                    skin_share: float, held_out: bool = False,
                    varied_share: float = 0.0) -> Plan:
    """Decide the structure of a collection of ``cases`` cases (see ``CollectionSpec``)."""
    rng = random.Random(f"{seed}:plan")
    details = random.Random(f"{seed}:marks")  # what marks show: a stream of its own
    texts = random.Random(f"{seed}:inscriptions")  # what tattoos say: another
    # How numbers were written and how photographers paced themselves: streams of their own,
    # so that the people, their numbers and reports are the same whatever the variety.
    written = random.Random(f"{seed}:writing")
    paces = random.Random(f"{seed}:paces")
    variety = HELD_OUT if held_out else SEEN
    share = 1.0 if held_out else varied_share
    cameras = [
        Camera(f"camera-{i + 1}", f"photographer-{i + 1}", CAMERA_MODELS[i % len(CAMERA_MODELS)],
               str(rng.randrange(10 ** (_SERIAL_DIGITS[i % 5] - 1), 10 ** _SERIAL_DIGITS[i % 5])))
        for i in range(photographers)
    ]
    cameras = _paced(paces, cameras, variety, share)
    span = (end - start).days + 1
    n_days = min(span, max(1, math.ceil(cases / cases_per_day)))
    days = [start + timedelta(days=d) for d in sorted(rng.sample(range(span), n_days))]
    per_day = [1 if i < cases else 0 for i in range(n_days)]
    for _ in range(max(0, cases - n_days)):
        per_day[rng.randrange(n_days)] += 1

    subjects_by_day: dict[date, list[SubjectPlan]] = {d: [] for d in days}
    forensic = {h: rng.randint(800, 3000) for h in HOSPITALS}
    taken: set[tuple[str, str]] = set()
    case_id = 0
    for day, count in zip(days, per_day, strict=True):
        hospital = rng.choices(HOSPITALS, weights=[60, 40])[0]
        primary = rng.choice(cameras)
        second = (rng.choice([c for c in cameras if c is not primary])
                  if count >= 4 and len(cameras) > 1 and rng.random() < 0.3 else primary)
        numbers_format = rng.choice(_FOLDER_NUMBERS) if rng.random() < 0.2 else None
        convention = day_convention(written, variety)
        for i in range(count):
            case_id += 1
            forensic[hospital] += rng.randint(1, 4)
            case = _case(rng, details, texts, case_id, day, hospital,
                         str(forensic[hospital]), taken, arabic_share, skin_share)
            case.folder_format = numbers_format
            if written.random() < share:
                case.writing = _writing(written, variety, convention, case)
            camera = second if i >= count // 2 else primary
            subjects_by_day[day].append(SubjectPlan(f"case-{case_id:05d}", "detention_death",
                                                    camera, day, _case_photos(rng, case), case))

    case_photos = sum(len(s.photos) for ss in subjects_by_day.values() for s in ss)
    target = round(case_photos * non_case_share / (1 - non_case_share)) if cases else 0
    made = 0
    while made < target:
        k = min(rng.randint(1, 4), target - made)
        day = rng.choice(days)
        category: Category = rng.choice(["other_death", "scene"])
        others = subjects_by_day[day]
        subject = SubjectPlan(f"other-{made + 1:05d}", category, cameras[0], day,
                              [PhotoPlan("other", datetime.min) for _ in range(k)])
        others.insert(rng.randint(0, len(others)), subject)
        made += k

    _timeline(rng, subjects_by_day)
    _file_names(rng, cameras, subjects_by_day)
    drive_names = [f"drive-{k + 1:02d}" for k in range(drives)]
    folders = _place(rng, days, subjects_by_day, drive_names, repeat_share)
    subjects = [s for d in days for s in subjects_by_day[d]]
    _publish(rng, subjects, drive_names[-1], published_share)
    return Plan(cameras, drive_names, subjects, folders)


def _case(rng: random.Random, details: random.Random, texts: random.Random, case_id: int,
          day: date, hospital: str, forensic: str, taken: set[tuple[str, str]],
          arabic_share: float, skin_share: float) -> CasePlan:
    branch = rng.choices(BRANCHES, weights=list(BRANCH_WEIGHTS.values()))[0]
    detainee = str(rng.randint(100, 9999))
    while (detainee, branch) in taken:
        detainee = str(rng.randint(100, 99999))
    taken.add((detainee, branch))
    sex: Sex = "M" if rng.random() < 0.97 else "F"
    age = int(min(75, max(15, rng.gauss(30, 10))))
    # An analyst's estimate: a ten-year range around a guess that is a few years off.
    guess = age + rng.gauss(0, 4)
    age_min = max(15, 5 * round((guess - 5) / 5))
    height = int(min(195, max(150, rng.gauss(172 if sex == "M" else 160, 7))))
    measured = height + round(rng.gauss(0, 2)) if rng.random() < 0.7 else None
    skin: NumberKind | None = (rng.choice(["detainee", "detainee", "forensic"])
                               if rng.random() < skin_share else None)
    script: Script = "arabic_indic" if rng.random() < arabic_share else "western"
    marks = random_marks(rng, details, sex=sex)  # drawn before the person, as they always were
    person = make_person(rng, sex=sex, age=age, died_on=day, branch=branch)
    return CasePlan(
        id=case_id, detainee=detainee, branch=branch, forensic=forensic, script=script,
        skin_number=skin, hospital=hospital, photographed_on=day, sex=sex, age=age,
        age_min=age_min, age_max=age_min + 10, height_cm=height, height_measured=measured,
        marks=inscribe(marks, texts, person=person), person=person,
    )


def _paced(rng: random.Random, cameras: list[Camera], variety: Variety,
           share: float) -> list[Camera]:
    """The cameras, ``share`` of them paced (and encoding) as the variety's photographers."""
    varied = set(rng.sample(range(len(cameras)), round(len(cameras) * share)))
    return [Camera(c.id, c.photographer, c.model, c.serial, rng.choice(variety.paces),
                   rng.randint(*variety.jpeg_quality)) if i in varied else c
            for i, c in enumerate(cameras)]


def _writing(rng: random.Random, variety: Variety, convention: Convention,
             case: CasePlan) -> NumberWriting:
    return choose_writing(rng, variety, convention, script=case.script,
                          skin_number=case.skin_number,
                          numbers={"detainee": case.detainee, "branch": case.branch,
                                   "forensic": case.forensic})


def _case_photos(rng: random.Random, case: CasePlan) -> list[PhotoPlan]:
    n = rng.choices(_COUNTS, weights=_COUNT_WEIGHTS)[0]
    roles: list[Role] = ["face", "card"]
    extra: list[Role] = ["detail", "body", "card"]
    roles += [rng.choices(extra, weights=[55, 35, 10])[0] for _ in range(n - 3)]
    if case.skin_number and "detail" not in roles:
        roles.append("detail")
    rng.shuffle(roles)
    photos = [PhotoPlan(role, datetime.min) for role in ["body", *roles]]
    for photo in photos:
        photo.show_card = photo.role == "card" or (photo.role == "body" and rng.random() < 0.45)
    if case.skin_number:
        next(p for p in photos if p.role == "detail").target = "skin"
    if case.writing is not None and case.writing.illegible in ("no_card", "out_of_frame",
                                                               "skin_far"):
        # Nobody took a close-up of the numbers: the photos that would have are wide views.
        for photo in photos:
            if photo.role == "card":
                photo.role = "body"
    return photos


def _timeline(rng: random.Random, by_day: dict[date, list[SubjectPlan]]) -> None:
    # Photos of one subject seconds apart, subjects minutes apart, all within the working day.
    for day, subjects in by_day.items():
        t = datetime.combine(day, time(rng.randint(8, 11), rng.randint(0, 59), rng.randint(0, 59)))
        longest = max(60, min(600, 30000 // max(1, len(subjects))))
        factor = rng.uniform(0.85, 1.2)  # a paced photographer is slower or quicker some days
        for i, subject in enumerate(subjects):
            if subject.case is None:
                # Non-case photos come from whoever photographed that day.
                cases = [s for s in subjects if s.case is not None]
                subject.camera = cases[0].camera if cases else subject.camera
            pace = subject.camera.pace
            if pace is None:
                t += timedelta(seconds=rng.randint(30, longest) if i else 0)
                for photo in subject.photos:
                    photo.taken_at = t
                    t += timedelta(seconds=rng.randint(4, 40))
                continue
            # A paced photographer: a pause between bodies, then photos at their own rhythm.
            t += timedelta(seconds=round(rng.uniform(*pace.between) * factor) if i else 0)
            for j, photo in enumerate(subject.photos):
                if j:
                    t += timedelta(seconds=max(1, round(rng.uniform(*pace.within) * factor)))
                photo.taken_at = t


def _file_names(rng: random.Random, cameras: list[Camera],
                by_day: dict[date, list[SubjectPlan]]) -> None:
    # Each camera numbers its frames in order and wraps around after its limit, as cameras do.
    every = [(s.camera.id, p.taken_at, i, p) for i, (s, p) in enumerate(
        (s, p) for d in sorted(by_day) for s in by_day[d] for p in s.photos)]
    for camera in cameras:
        counter = rng.randint(1, 3000)
        for _, _, _, photo in sorted(e for e in every if e[0] == camera.id):
            counter += 1 if rng.random() > 0.03 else rng.randint(2, 4)  # a deleted frame
            if counter > camera.model.counter_limit:
                counter = 1
            photo.path = camera.model.file_pattern.format(counter)


def _place(rng: random.Random, days: list[date], by_day: dict[date, list[SubjectPlan]],
           drives: list[str], repeat_share: float) -> dict[str, list[str]]:
    """Put each day on a drive under that drive's folder layout; repeat days on later drives."""
    layouts = ["day", "ymd"] if rng.random() < 0.5 else ["ymd", "day"]
    used: dict[str, set[str]] = {d: set() for d in drives}
    folders: dict[str, set[str]] = {d: set() for d in drives}
    drive_days: dict[str, list[date]] = {d: [] for d in drives}
    for i, day in enumerate(days):
        drive = drives[i * len(drives) // len(days)]
        drive_days[drive].append(day)
        layout = layouts[drives.index(drive) % 2]
        for s in by_day[day]:
            folder = (f"{day:%Y-%m-%d}" if layout == "day"
                      else f"{day:%Y}/{day:%m}/{day:%d}/{s.camera.photographer}")
            if s.case is not None and s.case.folder_format:
                folder += "/" + s.case.folder_format.format(
                    d=s.case.detainee, b=s.case.branch, f=s.case.forensic)
            for p in s.photos:
                p.drive, p.path = drive, _unique(used[drive], f"{folder}/{p.path}")
                folders[drive].add(folder)
    for k in range(1, len(drives)):
        before = drive_days[drives[k - 1]]
        count = math.ceil(len(before) * repeat_share) if repeat_share > 0 else 0
        for day in before[len(before) - count:]:
            for s in by_day[day]:
                for p in s.photos:
                    p.repeats.append((drives[k], p.path))
                    used[drives[k]].add(p.path)
    return {d: sorted(f) for d, f in folders.items()}


def _unique(used: set[str], path: str) -> str:
    stem, dot, ext = path.rpartition(".")
    candidate, n = path, 0
    while candidate in used:
        n += 1
        candidate = f"{stem}_{n}{dot}{ext}"
    used.add(candidate)
    return candidate


def _publish(rng: random.Random, subjects: list[SubjectPlan], drive: str, share: float) -> None:
    photos = [p for s in subjects if s.case is not None for p in s.photos]
    count = round(len(photos) * share)
    if share > 0 and photos and count == 0:
        count = 1
    names: set[str] = set()
    for photo in rng.sample(photos, count):
        name = f"published/{rng.getrandbits(32):08x}.jpg"
        photo.published = (drive, _unique(names, name))
