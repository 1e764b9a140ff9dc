"""Who acts on the command line: an account that proved who it is, or the archive's owner.

`--as NAME` (else `$CAESAR_USER`) names an existing account, and the command then signs it in
as the web app does: its password (`--as-password-stdin` reads the first line of standard
input, else a terminal asks) and its one-time code where it has one (`--as-code CODE`, else a
terminal asks). With no terminal to ask on, the command exits 2 and changes nothing. Failed
attempts are throttled like the web's (the command line is one client), and a code already
used is said as such. Without `--as` the owner (the passphrase holder) acts, as one person.

Every command says what it needs of a person in :data:`COMMANDS` (as every web route does, with
the same permissions): an account whose role lacks it is refused, and the refusal is counted in
the custody log like a refused page.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import typer

from caesar.access.errors import PersonRequired
from caesar.access.roles import Permission, allows
from caesar.errors import CaesarError, UsageError

if TYPE_CHECKING:
    from caesar.access.views import UserView
    from caesar.core import Archive

NOBODY: Final = "nobody"
"""Commands that never act as anyone (they make an archive, seal in the field, serve)."""

P = Permission
COMMANDS: Final[dict[str, Permission | str]] = {
    "init": NOBODY, "seal": NOBODY, "serve": NOBODY, "demo generate": NOBODY,
    "ingest": P.transfers_ingest, "verify": P.originals_verify, "match": P.matches_read,
    "analyse": P.transfers_ingest,  # intake's second stage: who may ingest may finish it
    "examine": P.originals_verify,
    # Keeping the archive alive: the passphrase is the authority for its keys; replicas,
    # repair and restore handle only encrypted objects, as verify does.
    "keys recover": NOBODY, "restore": NOBODY,
    "keys passphrase": P.users_manage, "keys split": P.users_manage,
    "replica add": P.originals_verify, "replica list": P.originals_verify,
    "replica set-path": P.originals_verify, "replicate": P.originals_verify,
    "repair": P.originals_verify,
    "photos list": P.photos_read, "photos show": P.photos_read, "photos mark": P.photos_mark,
    "documents list": P.photos_read, "documents text": P.documents_read,
    "documents search": P.documents_read,
    "transfers list": P.transfers_read, "transfers show": P.transfers_read,
    "cases build": P.cases_build, "cases list": P.cases_read, "cases show": P.cases_read,
    "cases edit": P.cases_edit, "cases merge": P.cases_regroup, "cases split": P.cases_regroup,
    "cases move": P.cases_regroup, "cases read": P.readings_add,
    "cases disagreements": P.cases_read, "cases review": P.cases_edit, "cases queue": P.cases_read,
    "cases categorise": P.cases_edit, "cases name": P.cases_edit,
    "missing add": P.reports_write, "missing edit": P.reports_write,
    "missing list": P.reports_read, "missing show": P.reports_read,
    "missing duplicates": P.reports_read, "missing merge": P.reports_write,
    "missing photos add": P.reports_write, "missing photos list": P.reports_read,
    "missing photos export": P.reports_read, "missing photos withdraw": P.reports_write,
    "review list": P.matches_read, "review show": P.matches_read,
    "review shortlist": P.matches_decide, "review confirm": P.matches_decide,
    "review reject": P.matches_decide, "review undo": P.matches_decide,
    "review override": P.matches_decide,
    "disclosure start": P.disclosures_record, "disclosure step": P.disclosures_record,
    "disclosure end": P.disclosures_record, "disclosure material": P.disclosures_show,
    "disclosure list": P.disclosures_read, "disclosure show": P.disclosures_read,
    "export evidence": P.exports_make, "export exhibit": P.exports_make,
    "export data": P.exports_make, "export stats": P.stats_read,
    "export resolve": P.custody_subjects,
    "ledger show": P.custody_read, "ledger entries": P.custody_read,
    "ledger proof": P.custody_read, "ledger consistency": P.custody_read,
    "ledger verify": P.custody_read, "ledger export-checkpoint": P.custody_read,
    "ledger timestamp": P.custody_stamp,
    "users add": P.users_manage, "users reset": P.users_manage, "users list": P.users_read,
    "users disable": P.users_manage, "users enable": P.users_manage,
    "users throttles": P.security_read, "users unthrottle": P.users_manage,
}
"""Each command (as typed after `caesar`) and what an account acting through it needs."""


class Refused(CaesarError):
    """An account acting through a command its role does not allow."""


@dataclass(frozen=True)
class Credentials:
    """The global options that say who acts: `--as`, `--as-password-stdin`, `--as-code`."""

    name: str | None
    password_stdin: bool = False
    code: str | None = None

    @property
    def acting_as(self) -> str | None:
        """`--as`, else `$CAESAR_USER`, else None (the owner)."""
        return self.name or os.environ.get("CAESAR_USER") or None


def person(archive: Archive, given: Credentials, command: str) -> UserView | None:
    """The account acting through `command`, signed in and allowed; None for the owner.

    Raises (exit 2, nothing changed) for an unknown or disabled account, wrong or missing
    credentials, a throttled account, a code already used, or a role that lacks what
    `command` needs.
    """
    name = given.acting_as
    if name is None:
        if given.password_stdin or given.code:
            raise UsageError("--as-password-stdin and --as-code go with --as NAME.",
                             hint="Without --as the archive's owner acts, with no account.")
        return None
    need = COMMANDS.get(command)
    if need == NOBODY:
        return None
    if need is None:
        raise Refused(f"`caesar {command}` does not act as an account.",
                      hint="Run it as the archive's owner (without --as or $CAESAR_USER).")
    from caesar.access.service import COMMAND_LINE  # accounts: only when one acts

    account = archive.access.accounts.get(name)
    if account.disabled:
        raise Refused(f"The account {account.name} is disabled.",
                      hint="An administrator enables it again with `caesar users enable`.")
    password = _password(account.name, given.password_stdin)
    code = given.code
    if account.second_factor and not code:
        code = _ask("one-time code", account.name, "--as-code CODE")
    signed_in = archive.access.authenticate(account.name, password, code, COMMAND_LINE)
    assert isinstance(need, Permission)
    if not allows(signed_in.role, need):
        _record_refusal(archive, signed_in, need, command)
        raise Refused(f"{signed_in.name}'s role ({signed_in.role.value}) does not allow"
                      f" `caesar {command}` ({need.value}).",
                      hint="This refusal was recorded. Ask an administrator if your work needs"
                      " it. Nothing was changed.")
    return signed_in


def _password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("--as-password-stdin was given but standard input is empty.",
                             hint="Example: printf '%s\\n' \"$PASSWORD\" | caesar --as NAME"
                             " --as-password-stdin ...")
        return line
    return _ask("password", name, "--as-password-stdin")


def _ask(what: str, name: str, option: str) -> str:
    if not sys.stdin.isatty():
        raise PersonRequired(
            f"Acting as {name} needs the account's {what}, and there is no terminal to ask"
            " for it.", hint=f"Give it with {option}. Nothing was changed.")
    answer: str = typer.prompt(f"{what.capitalize()} of {name}", hide_input=True, err=True)
    return answer


def _record_refusal(archive: Archive, who: UserView, need: Permission, command: str) -> None:
    """Count the refusal; write the entries of minutes that are over if the archive is free
    (a command busy writing means the next refusal, or the web app, writes them)."""
    route = "cli." + command.replace(" ", ".").replace("-", "_")
    if archive.access.denials.record(who.id, need, route[:40]):
        archive.access.denials.settle()
