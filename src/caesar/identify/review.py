"""Review: people decide, software ranks.

A match moves candidate -> shortlisted (one reviewer) -> confirmed (a second, different
reviewer), or to rejected with a reason; an exclusion can be lifted (override) with a reason;
`undo` reverts the last decision still in force. Undoing or rejecting a *confirmed* match takes
two reviewers too: the first one's undo (or reject) is recorded as a request, and it takes
effect when a second, different reviewer repeats it. The two-reviewer rule is checked here,
where the command line and the web app both come through. After every decision the case's
`identification` and the report's status follow from the matches (`workspace.sync_*`), and the
decision is a custody-log entry; its reason is kept sealed and never enters the log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from caesar.catalog.identify import Match, MatchDecision
from caesar.errors import CaesarError, NotFound, UsageError
from caesar.identify.records import open_json, seal_json
from caesar.identify.views import (
    CandidateView,
    DecisionView,
    FactorView,
    MatchSummary,
    MatchView,
    jsonable_factors,
)
from caesar.identify.vocabulary import REQUESTED, STATUSES
from caesar.identify.workspace import (
    Workspace,
    live_report,
    now,
    sync_identification,
    sync_resolution,
)
from caesar.ledger.events import Event, Subject

ACTIONS: Final = ("shortlist", "confirm", "reject", "undo", "override")
_EVENTS = {"shortlist": "match.shortlisted", "confirm": "match.confirmed",
           "reject": "match.rejected", "undo": "match.undone", "override": "match.overridden",
           "undo_requested": "match.undo_requested",
           "reject_requested": "match.reject_requested"}
# What each action needs the match to be, and makes it.
_MOVES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "shortlist": (("candidate",), "shortlisted"),
    "confirm": (("shortlisted",), "confirmed"),
    "reject": (("candidate", "shortlisted"), "rejected"),
    "override": (("candidate", "rejected"), None),  # the status stays; the exclusion goes
}

Rank = Callable[[int, int], CandidateView]


class SameReviewer(CaesarError):
    """The person who shortlisted a match tried to confirm it."""


def decide(w: Workspace, candidate: Rank, report_id: int, case_id: int, action: str,
           actor: str, reason: str | None) -> MatchView:
    """Apply one decision (see the module doc); nothing changes when it is refused."""
    if action in ("reject", "undo", "override") and not (reason and reason.strip()):
        raise UsageError(f"A reviewer who decides to {action} gives the reason (--reason).",
                         hint="It is kept, sealed, with the decision.")
    seen = candidate(report_id, case_id) if action in ("shortlist", "confirm", "override") \
        else None
    with w.ledger.writing(), w.catalog.session() as session:
        live_report(session, report_id)
        match = _match(session, report_id, case_id)
        if match is None:
            if action not in ("shortlist", "reject", "override"):
                raise UsageError(f"Nothing was decided yet about case {case_id} for report"
                                 f" {report_id}, so there is nothing to {action}.",
                                 hint="A match is first shortlisted (or rejected).")
            match = Match(report_id=report_id, case_id=case_id, status="candidate",
                          override=False, updated_at=now())
            session.add(match)
            session.flush()
        before = match.status
        if action in ("undo", "reject") and match.status == "confirmed":
            if _asked_by_another(session, match, action, actor):
                after = _undo(session, match) if action == "undo" else _unconfirm(match)
            else:
                action = action + REQUESTED  # recorded; takes effect when another repeats it
                after = before
        elif action == "undo":
            after = _undo(session, match)
        else:
            after = _move(session, match, action, actor, seen)
        match.updated_at = now()
        if seen is not None:
            match.score = seen.score
            match.factors_sealed = seal_json(w.cipher, jsonable_factors(seen.factors),
                                             f"matches.factors:{match.id}")
        decision = MatchDecision(match_id=match.id, action=action, before=before, after=after,
                                 actor=actor, at=now())
        session.add(decision)
        session.flush()
        decision.reason_sealed = w.cipher.seal_optional(
            reason.strip() if reason else None, f"match_decisions.reason:{decision.id}")
        session.flush()
        events = sync_identification(session, case_id, actor)
        sync_resolution(session, report_id)
        w.ledger.append_signed(session, [Event(
            type=_EVENTS[action], time=now(), actor=actor,
            subject=Subject.record("match", match.id),
            details={"before": before, "after": after}), *events])
    return view(w, report_id, case_id)


def _move(session: Session, match: Match, action: str, actor: str,
          seen: CandidateView | None) -> str:
    allowed, target = _MOVES[action]
    if match.status not in allowed:
        raise UsageError(f"This match is {match.status}; only a {' or '.join(allowed)} match"
                         f" can be given `{action}`.", hint="Nothing was changed.")
    if action == "override":
        if seen is None or not seen.excluded:
            raise UsageError(f"Case {match.case_id} is not excluded for report"
                             f" {match.report_id}: there is nothing to override.")
        match.override = True
        return match.status
    if action in ("shortlist", "confirm") and seen is not None and seen.excluded:
        reasons = "; ".join(f.why for f in seen.factors if f.exclusion)
        raise UsageError(f"Case {match.case_id} is excluded for report {match.report_id}:"
                         f" {reasons}.", hint="A reviewer who judges the exclusion wrong"
                         " lifts it first: caesar review override REPORT CASE --reason ...")
    if action == "confirm":
        if match.shortlisted_by == actor:
            raise SameReviewer(
                f"{actor} shortlisted this match and cannot also confirm it: a second,"
                " different reviewer confirms.", hint="Ask another reviewer to run this"
                " command as themselves (--as NAME). Nothing was changed.")
        _refuse_second_identification(session, match)
    if action == "shortlist":
        match.shortlisted_by = actor
    assert target is not None
    match.status = target
    return target


def _asked_by_another(session: Session, match: Match, action: str, actor: str) -> bool:
    """Whether another reviewer asked for `action` on this confirmation (since it was made).

    The same person asking again is refused: undoing an identification takes two people,
    exactly as making one does.
    """
    since_confirmed: list[MatchDecision] = []
    for decision in session.scalars(select(MatchDecision).where(
            MatchDecision.match_id == match.id).order_by(MatchDecision.id)):
        since_confirmed = [] if decision.action == "confirm" else [*since_confirmed, decision]
    asked = [d.actor for d in since_confirmed if d.action == action + REQUESTED]
    if not asked:
        return False
    if set(asked) == {actor}:
        raise SameReviewer(
            f"{actor} already asked to {action} this confirmed identification: a second,"
            " different reviewer repeats it for it to take effect.",
            hint="Ask another reviewer to run the same command as themselves (--as NAME)."
            " Nothing was changed.")
    return True


def _unconfirm(match: Match) -> str:
    match.status = "rejected"
    return match.status


def _refuse_second_identification(session: Session, match: Match) -> None:
    other = session.scalars(select(Match).where(
        Match.status == "confirmed", Match.id != match.id,
        (Match.case_id == match.case_id) | (Match.report_id == match.report_id))).first()
    if other is not None:
        raise UsageError(f"Case {other.case_id} is already confirmed for report"
                         f" {other.report_id}.", hint="Undo that confirmation first if it"
                         " was wrong. Nothing was changed.")


def _undo(session: Session, match: Match) -> str:
    """Revert the latest decision still in force; returns the status it leaves."""
    in_force: list[MatchDecision] = []
    for decision in session.scalars(select(MatchDecision).where(
            MatchDecision.match_id == match.id).order_by(MatchDecision.id)):
        if decision.action.endswith(REQUESTED):
            continue  # a request changed nothing
        if decision.action == "undo":
            if in_force:
                in_force.pop()
        else:
            in_force.append(decision)
    if not in_force:
        raise UsageError("There is no decision on this match left to undo.")
    last = in_force[-1]
    if last.action == "override":
        match.override = False
    else:
        match.status = last.before
        if last.action == "shortlist":
            match.shortlisted_by = None
    return match.status


def _match(session: Session, report_id: int, case_id: int) -> Match | None:
    return session.scalars(select(Match).where(Match.report_id == report_id,
                                               Match.case_id == case_id)).first()


def summary(match: Match) -> MatchSummary:
    """A match in a list."""
    return MatchSummary(id=match.id, report=match.report_id, case=match.case_id,
                        status=match.status, override=match.override, score=match.score,
                        shortlisted_by=match.shortlisted_by, updated_at=match.updated_at)


def summaries(w: Workspace, status: str | None) -> list[MatchSummary]:
    """Matches staff decided something about, in one status or all."""
    if status is not None and status not in STATUSES:
        raise UsageError(f"Unknown status {status!r}.", hint=f"Use one of: {', '.join(STATUSES)}.")
    with w.catalog.reader() as session:
        query = select(Match).order_by(Match.id)
        if status is not None:
            query = query.where(Match.status == status)
        return [summary(m) for m in session.scalars(query)]


def view(w: Workspace, report_id: int, case_id: int) -> MatchView:
    """One match with its evidence at the last decision and every decision."""
    with w.catalog.reader() as session:
        match = _match(session, report_id, case_id)
        if match is None:
            raise NotFound(f"Nothing was decided about case {case_id} for report {report_id}.",
                           hint=f"`caesar match --report {report_id}` ranks its cases.")
        decisions = session.scalars(select(MatchDecision).where(
            MatchDecision.match_id == match.id).order_by(MatchDecision.id)).all()
        factors = open_json(w.cipher, match.factors_sealed, f"matches.factors:{match.id}")
        return MatchView(
            **summary(match).model_dump(),
            factors=[FactorView(**f) for f in factors or []],
            decisions=[DecisionView(
                action=d.action, before=d.before, after=d.after, actor=d.actor, at=d.at,
                reason=w.cipher.open_optional(d.reason_sealed,
                                              f"match_decisions.reason:{d.id}"))
                for d in decisions])
