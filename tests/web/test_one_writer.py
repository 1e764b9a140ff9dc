"""One owner of the write lock: the service method that writes takes it, nobody else.

Each method that changes the archive (or logs a view) is called here the way a command, a web
route or the demo calls it: with no lock held. It must take the archive's write lock itself
(else `CustodyLog.append` refuses with `UnlockedWrite`), sign its entries with its change, and
let go. Another process holding the lock (a command writing) makes a command's call refuse at
once and a web request wait; the tests hold the lock itself, from another process, and never
wait on a timer. The archive is the web tests' (cases, one account per role).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSPHRASE, Caesar
from photos import grace_hopper

from caesar.access.errors import SignInFailed
from caesar.access.roles import Role
from caesar.core import Archive
from caesar.errors import ArchiveLocked
from caesar.forensics.service import Choice
from caesar.identify.photos import Upload
from caesar.identify.reports import parse_assignments
from caesar.intake.service import IngestRequest
from caesar.locking import WriteLock
from caesar.web.state import WRITE_WAIT

from .conftest import NAMES, SECOND_REVIEWER, Site

ANALYST, REVIEWER = NAMES[Role.analyst], NAMES[Role.reviewer]
LIAISON, ADMIN = NAMES[Role.family_liaison], NAMES[Role.admin]

_HOLDER = """
import sys
from pathlib import Path
from caesar.locking import WriteLock
with WriteLock(Path(sys.argv[1])).hold():
    print("held", flush=True)
    sys.stdin.read()
"""


@contextmanager
def held_by_another_process(archive: Path) -> Iterator[None]:
    """The archive's write lock, held by another process (as a command that writes holds
    it) until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(archive)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline() == "held\n"
        yield
    finally:
        holder.stdin.close()  # end of input: it lets go
        assert holder.wait(timeout=60) == 0


def free_for_another_thread(archive: Archive) -> bool:
    """Whether another thread can take the lock at once (the caller let go of it)."""
    taken: list[bool] = []

    def other() -> None:
        try:
            with archive.write_lock.hold(wait=0):
                taken.append(True)
        except ArchiveLocked:
            taken.append(False)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    return taken == [True]


Step = Callable[[Archive, dict[str, Any]], object]


def _report(values: list[str]) -> Any:
    return parse_assignments(values)


STEPS: list[tuple[str, Step]] = [
    # cases
    # the other body is a woman's: a report of a man excludes it (and a reviewer may lift that)
    ("cases.edit", lambda a, s: a.cases.edit(s["other"], [("sex", "F")], ANALYST)),
    ("cases.read", lambda a, s: a.cases.read(s["case"], [("detainee", "4127")], ANALYST)),
    ("cases.categorise", lambda a, s: a.cases.categorise([s["sha"]], "unclear", ANALYST)),
    ("cases.split", lambda a, s: s.update(split=a.cases.split(s["other"], [s["other_sha"]],
                                                              ANALYST).id)),
    ("cases.merge", lambda a, s: a.cases.merge([s["other"], s["split"]], ANALYST)),
    ("cases.move", lambda a, s: a.cases.move(s["other_sha"], s["other"], ANALYST)),
    ("cases.build", lambda a, s: a.cases.build(ANALYST)),
    # families' reports
    ("identify.import_reports", lambda a, s: s.update(imported=a.identify.import_reports(
        [_report(["ref=p-9", "name=Rami Saleh", "sex=M"])], LIAISON)[0].id)),
    ("identify.add_report", lambda a, s: s.update(report=a.identify.add_report(
        _report(["name=Samer Halabi", "sex=M", "marks=tattoo:left_forearm"]), LIAISON).id)),
    ("identify.edit_report", lambda a, s: a.identify.edit_report(
        s["report"], _report(["arrest_place=Homs"]), LIAISON)),
    ("identify.reports", lambda a, s: a.identify.reports(LIAISON)),
    ("identify.report", lambda a, s: a.identify.report(s["report"], LIAISON)),
    ("identify.merge", lambda a, s: a.identify.merge(s["report"], s["imported"], LIAISON)),
    ("identify.partner_reports", lambda a, s: a.identify.partner_reports(LIAISON)),
    ("identify.add_photos", lambda a, s: s.update(photo=a.identify.add_photos(
        s["report"], [Upload("portrait.jpg", grace_hopper())], LIAISON).files[0].photo)),
    ("identify.photos", lambda a, s: a.identify.photos(s["report"], LIAISON)),
    ("identify.photo_image", lambda a, s: a.identify.photo_image(s["report"], s["photo"],
                                                                 LIAISON)),
    ("identify.export_photos", lambda a, s: a.identify.export_photos(s["report"], LIAISON)),
    ("identify.withdraw_photo", lambda a, s: a.identify.withdraw_photo(
        s["report"], s["photo"], LIAISON, reason="the family asked")),
    ("identify.name_case", lambda a, s: a.identify.name_case(s["case"], "Samer Halabi",
                                                             "a list", ANALYST)),
    ("identify.match", lambda a, s: a.identify.match(s["report"], REVIEWER)),
    # review and disclosure
    ("identify.reject", lambda a, s: a.identify.reject(s["report"], s["other"], REVIEWER,
                                                       reason="another body")),
    ("identify.override", lambda a, s: a.identify.override(s["report"], s["other"], REVIEWER,
                                                           reason="look again")),
    ("identify.undo", lambda a, s: a.identify.undo(s["report"], s["other"], REVIEWER,
                                                   reason="by mistake")),
    ("identify.shortlist", lambda a, s: a.identify.shortlist(s["report"], s["case"], REVIEWER)),
    ("identify.confirm", lambda a, s: a.identify.confirm(s["report"], s["case"],
                                                         SECOND_REVIEWER)),
    ("identify.start_disclosure", lambda a, s: s.update(session=a.identify.start_disclosure(
        s["report"], s["case"], LIAISON, present=["the mother"]).id)),
    ("identify.disclosure_step", lambda a, s: a.identify.disclosure_step(
        s["session"], "description", True, LIAISON)),
    ("identify.disclosure_material", lambda a, s: a.identify.disclosure_material(
        s["session"], LIAISON)),
    ("identify.disclosures", lambda a, s: a.identify.disclosures(LIAISON)),
    ("identify.disclosure", lambda a, s: a.identify.disclosure(s["session"], LIAISON)),
    ("identify.end_disclosure", lambda a, s: a.identify.end_disclosure(
        s["session"], "recognised", LIAISON)),
    # accounts and what people see
    ("access.accounts.add", lambda a, s: a.access.accounts.add(s["account"], Role.viewer,
                                                               actor=ADMIN)),
    ("access.accounts.reset", lambda a, s: a.access.accounts.reset(s["account"], actor=ADMIN)),
    ("access.accounts.set_disabled", lambda a, s: a.access.accounts.set_disabled(
        s["account"], True, actor=ADMIN)),
    ("access.clear_throttle", lambda a, s: _clear_after_a_failed_sign_in(a)),
    ("access.viewer.show", lambda a, s: a.access.viewer.show(s["sha"], "blurred", ANALYST)),
    ("access.viewer.show_region", lambda a, s: a.access.viewer.show_region(
        s["sha"], (10, 10, 60, 40), ANALYST)),
    # examination, exports, keys, intake
    ("examination.examine", lambda a, s: a.examination.examine(Choice(sha256s=(s["sha"],)),
                                                               ANALYST)),
    ("examination.compare", lambda a, s: a.examination.compare(grace_hopper(), ANALYST)),
    ("exports.mark", lambda a, s: a.exports.mark(s["sha"], ANALYST, regions=[(0, 0, 20, 20)],
                                                 restricted=None, clear_regions=False)),
    ("archive.split_key", lambda a, s: a.split_key(shares=3, threshold=2, actor="owner")),
    ("archive.ingest", lambda a, s: a.ingest(IngestRequest(sources=[str(s["drive"])],
                                                           actor="owner", label="portrait"))),
]


def _clear_after_a_failed_sign_in(archive: Archive) -> None:
    """A wrong password slows the account down; an administrator lets it through again."""
    with pytest.raises(SignInFailed):
        archive.access.authenticate(ANALYST, "not the password", None, "203.0.113.9")
    assert archive.access.clear_throttle("account", ANALYST, actor=ADMIN)


def test_every_service_method_that_writes_takes_the_lock_itself(site: Site, tmp_path: Path
                                                                 ) -> None:
    archive = site.archive
    first, second = archive.case_index.all()[:2]
    drive = tmp_path / "drive"
    drive.mkdir()
    (drive / "portrait.jpg").write_bytes(grace_hopper())
    seen: dict[str, Any] = {"case": first.id, "sha": first.photos[0], "other": second.id,
                            "other_sha": second.photos[-1], "drive": drive, "account": "dima"}
    for name, step in STEPS:
        assert not archive.write_lock.held, name
        before = archive.ledger.state().size
        step(archive, seen)
        state = archive.ledger.state()
        assert state.size > before, f"{name} logged nothing"
        assert state.unsigned == 0, f"{name} left entries unsigned"
        assert not archive.write_lock.held and free_for_another_thread(archive), \
            f"{name} kept the write lock"
    assert archive.ledger.verify(None).ok


@pytest.mark.parametrize("name", ["cases.edit", "identify.add_report", "identify.reports",
                                  "access.accounts.add", "access.viewer.show",
                                  "examination.compare", "archive.split_key"])
def test_a_command_is_refused_at_once_while_another_process_writes(site: Site, name: str
                                                                   ) -> None:
    step = dict(STEPS)[name]
    case = site.archive.case_index.all()[0]
    seen = {"case": case.id, "other": case.id, "sha": case.photos[0], "account": "huda"}
    # A second Archive object is what a command opens: it refuses rather than waits.
    with Archive.open(site.archive.path, PASSPHRASE) as command:
        assert command.write_lock.patience == 0
        before = command.ledger.state().size
        shown = command.cases.show(case.id)
        with held_by_another_process(command.path), \
                pytest.raises(ArchiveLocked, match="Another command is changing the archive"):
            step(command, seen)
        assert command.ledger.state().size == before  # nothing was written
        assert command.cases.show(case.id) == shown
        assert not command.write_lock.held
        step(command, seen)  # once the other has finished, it goes through
        assert command.ledger.state().size > before


def test_a_command_line_change_is_refused_while_another_process_writes(site: Site) -> None:
    caesar = Caesar(site.archive.path)
    case = site.archive.case_index.all()[0]
    with held_by_another_process(site.archive.path):
        refused = caesar("cases", "edit", str(case.id), "--set", "notes=while busy")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "Another command is changing the archive" in refused.stderr
    assert site.archive.cases.show(case.id).notes != "while busy"
    assert caesar("cases", "edit", str(case.id), "--set", "notes=after").exit_code == 0


def _waiting_for_the_lock() -> bool:
    """Whether some thread is inside `WriteLock.hold`, which (while another process holds
    the lock) means it is waiting for it."""
    code = WriteLock.hold.__wrapped__.__code__  # type: ignore[attr-defined]
    for frame in sys._current_frames().values():
        while frame is not None:
            if frame.f_code is code:
                return True
            frame = frame.f_back  # type: ignore[assignment]
    return False


def test_a_change_on_the_web_waits_for_a_command_that_writes(site: Site) -> None:
    assert site.archive.write_lock.patience == WRITE_WAIT  # the app waits; commands do not
    client = site.as_role(Role.analyst)
    csrf = site.csrf(client)
    case = site.archive.case_index.all()[0]
    answers: list[Any] = []

    def edit() -> None:
        answers.append(client.post(f"/api/cases/{case.id}/edit", headers={"X-CSRF-Token": csrf},
                                   json={"changes": {"notes": "after the command"}}))

    # However slow this machine is, the request must wait for the lock, not give up on a
    # clock: the patience is made long here, and the other process lets go once it waits.
    site.archive.write_lock.patience = 600.0
    try:
        with held_by_another_process(site.archive.path):
            before = site.archive.ledger.state().size
            request = threading.Thread(target=edit)
            request.start()
            while not _waiting_for_the_lock():
                assert request.is_alive(), answers
                threading.Event().wait(0.01)
            assert site.archive.ledger.state().size == before  # nothing while it waits
        request.join()
    finally:
        site.archive.write_lock.patience = WRITE_WAIT
    assert answers[0].status_code == 200, answers[0].text
    assert answers[0].json()["notes"] == "after the command"
    assert site.archive.ledger.state().unsigned == 0
