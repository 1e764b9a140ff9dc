"""Telling a family, one agreed step at a time.

Families' associations that identified victims from these photos learned that an image shown
too soon hurts and misleads. A session is run by a family liaison for a confirmed match, with
the family, and goes through four steps, each only after the family agreed to it:

1. ``description``: what the records say, in words (Arabic and English), no image;
2. ``blurred``: one photo in grayscale, blurred so that no detail can be seen;
3. ``face``: the photo of the face;
4. ``photos``: every photo of the case.

The software never produces more than the step the family reached, records who was present
and each answer, and never contacts a family itself. Photos leave the archive re-encoded, with
no metadata (EXIF could name the photographer's camera).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from PIL import Image, ImageFilter, ImageOps
from sqlalchemy import select
from sqlalchemy.orm import Session

from caesar.cases.marks import read_mark
from caesar.cases.views import CaseView
from caesar.catalog.identify import DisclosureSession, DisclosureStep, Match
from caesar.errors import NotFound, UsageError
from caesar.identify.records import load_reports
from caesar.identify.views import DisclosureView, Material, StepView
from caesar.identify.vocabulary import OUTCOMES, STEPS
from caesar.identify.workspace import Workspace, get_row, live_report, now
from caesar.ledger.events import Event, Subject

_SHOWN_PX = 1600  # the long side of images shown to a family


def start(w: Workspace, report_id: int, case_id: int, actor: str, present: Sequence[str],
          family_asked: bool) -> DisclosureView:
    """Open a session for a confirmed match of this report and case."""
    people = _people(present)
    with w.ledger.writing(), w.catalog.session() as session:
        live_report(session, report_id)
        match = session.scalars(select(Match).where(Match.report_id == report_id,
                                                    Match.case_id == case_id)).first()
        if match is None or match.status != "confirmed":
            raise UsageError(
                f"Case {case_id} is not a confirmed match for report {report_id}: a family is"
                " told nothing before two reviewers have checked.",
                hint="A reviewer shortlists it and a second reviewer confirms it first.")
        (record,) = load_reports(session, w.cipher, ids=[report_id])
        if record.consent_notify is False and not family_asked:
            raise UsageError("The family asked not to be told of a possible match.",
                             hint="Only if they come and ask, record that with"
                             " --family-asked.")
        if session.scalars(select(DisclosureSession.id).where(
                DisclosureSession.match_id == match.id,
                DisclosureSession.status == "open")).first() is not None:
            raise UsageError("A disclosure session for this match is already open.",
                             hint="End it first (caesar disclosure end).")
        row = DisclosureSession(report_id=report_id, match_id=match.id, liaison=actor,
                                status="open", reached=0, started_at=now())
        session.add(row)
        session.flush()
        row.present_sealed = w.cipher.seal(json.dumps(people, ensure_ascii=False),
                                           f"disclosure_sessions.present:{row.id}")
        w.ledger.append_signed(session, [Event(
            type="disclosure.started", time=now(), actor=actor,
            subject=Subject.record("disclosure", row.id),
            details={"present": len(people), "family_asked": family_asked})])
        session_id = row.id
    return session_view(w, session_id)


def step(w: Workspace, session_id: int, name: str, consent: bool, actor: str,
         present: Sequence[str], note: str | None) -> DisclosureView:
    """Record the family's answer about the next step (only the next step can be asked)."""
    if name not in STEPS:
        raise UsageError(f"Unknown step {name!r}.", hint=f"The steps, in order:"
                         f" {' -> '.join(STEPS)}.")
    number = STEPS.index(name) + 1
    with w.ledger.writing(), w.catalog.session() as session:
        row = _open_session(session, session_id)
        if number != row.reached + 1:
            expected = STEPS[row.reached] if row.reached < len(STEPS) else None
            raise UsageError(
                f"The family is at step {row.reached} ({_step_name(row.reached)}); the next"
                f" step is {expected or 'none: every step was shown'}, not {name}.",
                hint="Steps go one at a time, in order. Nothing was changed.")
        record = DisclosureStep(session_id=row.id, step=number, consent=consent, actor=actor,
                                at=now())
        session.add(record)
        session.flush()
        record.present_sealed = w.cipher.seal_optional(
            json.dumps(_people(present), ensure_ascii=False) if present else None,
            f"disclosure_steps.present:{record.id}")
        record.note_sealed = w.cipher.seal_optional(note, f"disclosure_steps.note:{record.id}")
        if consent:
            row.reached = number
        w.ledger.append_signed(session, [Event(
            type="disclosure.step", time=now(), actor=actor,
            subject=Subject.record("disclosure", row.id),
            details={"step": name, "consent": consent})])
    return session_view(w, session_id)


def material(w: Workspace, session_id: int, actor: str, image: int | None = None
             ) -> Material:
    """The material of the step the family reached; its production is logged.

    With `image` (from 1), only that one of the step's images is made (a page shows each
    image on its own request); an image beyond the step's is refused.
    """
    with w.ledger.writing(), w.catalog.session() as session:
        row = _open_session(session, session_id)
        if row.reached == 0:
            raise UsageError("The family has not agreed to any step yet.",
                             hint="Record their answer first: caesar disclosure step"
                             f" {session_id} description --consent")
        match = session.get(Match, row.match_id)
        assert match is not None
        reached, case_id = row.reached, match.case_id
    case = w.cases.show(case_id)
    text = describe(case)
    images: list[tuple[str, bytes]] = []
    if reached >= 2:
        chosen = _face_photo(case)
        if chosen is None:
            raise UsageError(f"Case {case_id} has no photo to show.")
        shown = [chosen] if reached < 4 else case.photos
        if image is not None and not 1 <= image <= len(shown):
            raise NotFound(f"The step the family reached ({STEPS[reached - 1]}) has"
                           f" {len(shown)} image(s), not an image {image}.")
        for number, sha in enumerate(shown, start=1):
            if image is not None and number != image:
                continue
            data = w.vault.read_bytes("original", sha)
            if reached == 2:
                images.append(("blurred.jpg", _blurred(data)))
            elif reached == 3:
                images.append(("face.jpg", _clean(data)))
            else:
                images.append((f"photo-{number:02d}.jpg", _clean(data)))
    elif image is not None:
        raise NotFound("The step the family reached (description) has no image.")
    with w.ledger.writing(), w.catalog.session() as session:
        w.ledger.append_signed(session, [Event(
            type="disclosure.shown", time=now(), actor=actor,
            subject=Subject.record("disclosure", session_id),
            details={"step": STEPS[reached - 1], "images": len(images)})])
    return Material(session=session_id, step=STEPS[reached - 1], text=text,
                    images=tuple(images))


def end(w: Workspace, session_id: int, outcome: str, actor: str,
        note: str | None) -> DisclosureView:
    """Close a session with its outcome."""
    if outcome not in OUTCOMES:
        raise UsageError(f"Unknown outcome {outcome!r}.", hint=f"Use one of:"
                         f" {', '.join(OUTCOMES)}.")
    with w.ledger.writing(), w.catalog.session() as session:
        row = _open_session(session, session_id)
        row.status, row.outcome, row.ended_at = "ended", outcome, now()
        row.note_sealed = w.cipher.seal_optional(note, f"disclosure_sessions.note:{row.id}")
        w.ledger.append_signed(session, [Event(
            type="disclosure.ended", time=now(), actor=actor,
            subject=Subject.record("disclosure", row.id),
            details={"outcome": outcome, "reached": row.reached})])
    return session_view(w, session_id)


def sessions(w: Workspace) -> list[DisclosureView]:
    """Every session, in order."""
    with w.catalog.reader() as session:
        ids = list(session.scalars(select(DisclosureSession.id).order_by(DisclosureSession.id)))
    return [session_view(w, i) for i in ids]


def session_view(w: Workspace, session_id: int) -> DisclosureView:
    """One session with its steps."""
    with w.catalog.reader() as session:
        row = _get(session, session_id)
        match = session.get(Match, row.match_id)
        assert match is not None
        steps = session.scalars(select(DisclosureStep).where(
            DisclosureStep.session_id == row.id).order_by(DisclosureStep.id)).all()
        open_ = w.cipher.open_optional
        return DisclosureView(
            id=row.id, report=row.report_id, case=match.case_id, match=match.id,
            liaison=row.liaison, status=row.status,
            reached=STEPS[row.reached - 1] if row.reached else None,
            next_step=STEPS[row.reached] if row.reached < len(STEPS) and row.status == "open"
            else None, outcome=row.outcome,
            present=json.loads(open_(row.present_sealed,
                                     f"disclosure_sessions.present:{row.id}") or "[]"),
            note=open_(row.note_sealed, f"disclosure_sessions.note:{row.id}"),
            steps=[StepView(step=STEPS[s.step - 1], consent=s.consent, actor=s.actor, at=s.at,
                            present=json.loads(open_(s.present_sealed,
                                                     f"disclosure_steps.present:{s.id}")
                                               or "[]"),
                            note=open_(s.note_sealed, f"disclosure_steps.note:{s.id}"))
                   for s in steps],
            started_at=row.started_at, ended_at=row.ended_at)


def _get(session: Session, session_id: int) -> DisclosureSession:
    return get_row(session, DisclosureSession, session_id, "disclosure session",
                   "disclosure list")


def _open_session(session: Session, session_id: int) -> DisclosureSession:
    row = _get(session, session_id)
    if row.status != "open":
        raise UsageError(f"Disclosure session {session_id} has ended ({row.outcome}).",
                         hint="Start a new session if the family wishes to go on.")
    return row


def _people(present: Sequence[str]) -> list[str]:
    people = [p.strip() for p in present if p.strip()]
    if not people:
        raise UsageError("Say who is present (--present NAME, once for each person).")
    return people


def _step_name(number: int) -> str:
    return STEPS[number - 1] if number else "nothing shown yet"


def _face_photo(case: CaseView) -> str | None:
    """The photo of the face if an analyst marked one, else the first that is not a card."""
    for role in ("face", "body", "detail"):
        for sha in case.photos:
            if case.roles.get(sha) == role:
                return sha
    return case.photos[0] if case.photos else None


def _decoded(data: bytes) -> Image.Image:
    image: Image.Image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    image.thumbnail((_SHOWN_PX, _SHOWN_PX))
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)  # no exif= or icc_profile=: nothing but pixels
    return out.getvalue()


def _blurred(data: bytes) -> bytes:
    """Grayscale, blurred past recognition: shapes and tones, no detail."""
    image = _decoded(data).convert("L")
    radius = max(12.0, max(image.size) / 25)
    return _jpeg(image.filter(ImageFilter.GaussianBlur(radius)).convert("RGB"))


def _clean(data: bytes) -> bytes:
    """The photo re-encoded with no metadata at all."""
    return _jpeg(_decoded(data))


# -- the description ----------------------------------------------------------------------------

def describe(case: CaseView) -> str:
    """What the records say of the body, in words, in Arabic then English; no image."""
    en: list[str] = []
    ar: list[str] = []
    who = {"M": ("A man", "رجل"), "F": ("A woman", "امرأة")}.get(case.sex or "",
                                                                  ("A person", "شخص"))
    age_en = age_ar = ""
    if case.age_min is not None and case.age_max is not None:
        age_en = f", who looked {case.age_min} to {case.age_max} years old"
        age_ar = f" يبدو أن عمره بين {case.age_min} و{case.age_max} سنة"
    en.append(f"{who[0]}{age_en}.")
    ar.append(f"{who[1]}{age_ar}.")
    if case.photographed_on:
        where_en = f" at {case.hospital} military hospital" if case.hospital else ""
        where_ar = f" في مشفى {case.hospital} العسكري" if case.hospital else ""
        en.append(f"Photographed on {case.photographed_on.isoformat()}{where_en}.")
        ar.append(f"صُوّر بتاريخ {case.photographed_on.isoformat()}{where_ar}.")
    if case.height_cm:
        en.append(f"About {case.height_cm} cm tall.")
        ar.append(f"طوله نحو {case.height_cm} سم.")
    marks = [read_mark(m) for m in case.marks]
    if marks:
        en.append("Marks on the body: " + "; ".join(m.words() for m in marks) + ".")
        ar.append("علامات على الجسد: " + "؛ ".join(m.words("ar") for m in marks) + ".")
    numbers = case.numbers
    if numbers.detainee or numbers.branch:
        en.append("Numbers written with the body: " + ", ".join(
            f"{label} {value}" for label, value in (("detainee", numbers.detainee),
                                                    ("branch", numbers.branch)) if value) + ".")
        ar.append("أرقام مكتوبة مع الجثمان: " + "، ".join(
            f"{label} {value}" for label, value in (("رقم المعتقل", numbers.detainee),
                                                    ("الفرع", numbers.branch)) if value) + ".")
    return "\n".join(ar) + "\n\n" + "\n".join(en) + "\n"
