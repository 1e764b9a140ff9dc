"""Disclosure sessions: a family liaison tells a family about a confirmed match, one agreed
step at a time (a description in words, then one photo grayscale and blurred, then the face,
then all the photos), recording who was present, each answer and the outcome.

The steps, their order, what each shows and the rule that nothing beyond the step reached is
ever produced are `archive.identify`'s (the service of `caesar disclosure`); the material
page and each of its images ask it for the step's material, and each is logged by it.
"""

from __future__ import annotations

import re
from typing import Annotated, Final

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caesar.access.roles import Permission
from caesar.identify.vocabulary import OUTCOMES, STEPS
from caesar.web.gate import requires
from caesar.web.i18n import N_
from caesar.web.params import MAX_ID, SessionId, Web, Who
from caesar.web.rendering import MenuItem

router = APIRouter()
menu = [MenuItem(N_("Disclosure"), "/disclosures", Permission.disclosures_read)]
Note = Annotated[str, Form(max_length=2000)]
People = Annotated[str, Form(max_length=2000)]
ImageNumber = Annotated[int, Path(ge=1, le=1000, description="Which of the step's images.")]
NOTICES: Final = {"started": N_("The session has begun. Ask the family about the first step:"
                                " a description in words, with no image."),
                  "agreed": N_("The family's answer was recorded."),
                  "ended": N_("The session was ended with its outcome.")}


@router.get("/disclosures", response_class=HTMLResponse)
@requires(Permission.disclosures_read)
def session_list(request: Request, web: Web, who: Who) -> Response:
    """Every disclosure session, with the step each reached and how it ended (logged)."""
    sessions = web.archive.identify.disclosures(who.name)
    return web.pages.render(request, "disclosures.html",
                            title=web.pages.text(request, "Disclosure"), sessions=sessions)


@router.post("/disclosures")
@requires(Permission.disclosures_record)
def start(web: Web, who: Who, report: Annotated[int, Form(ge=1, le=MAX_ID)],
          case: Annotated[int, Form(ge=1, le=MAX_ID)], present: People,
          family_asked: Annotated[str, Form(max_length=8)] = "") -> Response:
    """Begin a session for a confirmed match, with who is present."""
    session = web.archive.identify.start_disclosure(
        report, case, who.name, present=_lines(present), family_asked=family_asked == "yes")
    return RedirectResponse(f"/disclosures/{session.id}?notice=started", status_code=303)


@router.get("/disclosures/{session_id}", response_class=HTMLResponse)
@requires(Permission.disclosures_read)
def session_page(request: Request, web: Web, who: Who, session_id: SessionId,
                 notice: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    """One session: who was present, each step asked and the answer, the next step (the
    view is logged: it names the family members present)."""
    session = web.archive.identify.disclosure(session_id, who.name)
    loc = web.pages.locale(request)
    return web.pages.render(
        request, "disclosure.html",
        title=loc.gettext("Session %(n)s") % {"n": loc.figures(str(session.id))},
        session=session, steps=STEPS, outcomes=OUTCOMES, notice=NOTICES.get(notice or ""))


@router.post("/disclosures/{session_id}/step")
@requires(Permission.disclosures_record)
def record_step(web: Web, who: Who, session_id: SessionId,
                step: Annotated[str, Form(max_length=16)],
                answer: Annotated[str, Form(pattern="^(agreed|declined)$")],
                present: People = "", note: Note = "") -> Response:
    """Record the family's answer about the next step (only the next one can be asked)."""
    web.archive.identify.disclosure_step(session_id, step, answer == "agreed", who.name,
                                         present=_lines(present),
                                         note=note.strip() or None)
    return RedirectResponse(f"/disclosures/{session_id}?notice=agreed", status_code=303)


@router.post("/disclosures/{session_id}/end")
@requires(Permission.disclosures_record)
def end(web: Web, who: Who, session_id: SessionId,
        outcome: Annotated[str, Form(max_length=16)], note: Note = "") -> Response:
    """End the session with its outcome."""
    web.archive.identify.end_disclosure(session_id, outcome, who.name,
                                        note=note.strip() or None)
    return RedirectResponse(f"/disclosures/{session_id}?notice=ended", status_code=303)


@router.get("/disclosures/{session_id}/material", response_class=HTMLResponse)
@requires(Permission.disclosures_show)
def material(request: Request, web: Web, who: Who, session_id: SessionId) -> Response:
    """What the family agreed to see at the step they reached, and nothing beyond it (the
    showing is logged)."""
    shown = web.archive.identify.disclosure_material(session_id, who.name)
    session = web.archive.identify.disclosure(session_id)
    return web.pages.render(
        request, "disclosure_material.html",
        title=web.pages.text(request, "What the family agreed to see"), session=session,
        step=shown.step, paragraphs=[p for p in re.split(r"\n\s*\n", shown.text) if p.strip()],
        images=len(shown.images))


@router.get("/disclosures/{session_id}/material/{number}/image")
@requires(Permission.disclosures_show)
def material_image(web: Web, who: Who, session_id: SessionId, number: ImageNumber
                   ) -> Response:
    """One image of the step reached, re-encoded with no metadata; each is logged."""
    shown = web.archive.identify.disclosure_material(session_id, who.name, image=number)
    (_, data), = shown.images
    return Response(data, media_type="image/jpeg", headers={"content-disposition": "inline"})


def _lines(text: str) -> list[str]:
    """The people named one per line (or separated by commas)."""
    return [p.strip() for p in re.split(r"[\n,،]", text) if p.strip()]
