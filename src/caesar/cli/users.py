"""`caesar users`: accounts of the web app, made on the machine that holds the archive."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from caesar.access.roles import SECOND_FACTOR_ROLES, Role
from caesar.cli.context import archive_for
from caesar.cli.output import emit_json, err, out
from caesar.errors import UsageError

if TYPE_CHECKING:
    from caesar.access.views import NewCredentials

app = typer.Typer(help="Accounts of the web app: one per person, each with one role.",
                  no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
Name = Annotated[str, typer.Argument(metavar="NAME", help="The account's name (the person"
                                     " signs in with it).")]
PasswordStdin = Annotated[bool, typer.Option(
    "--password-stdin", help="Read the password from the first line of standard input."
    " Without it, a terminal asks for it; with no terminal, one is made up and printed once.")]
_ROLES = ", ".join(r.value for r in Role)
_SECOND = ", ".join(sorted(r.value for r in SECOND_FACTOR_ROLES))


@app.command()
def add(ctx: typer.Context, name: Name,
        role: Annotated[str, typer.Option(help=f"One of: {_ROLES}.", show_default=False)],
        password_stdin: PasswordStdin = False,
        totp: Annotated[bool | None, typer.Option(
            "--totp/--no-totp", help=f"Require a one-time code at sign-in (always for {_SECOND};"
            " optional for the others).", show_default=False)] = None,
        json_: JsonOption = False) -> None:
    """Make an account. The first administrator can only be made here, never on the web.

    Roles needing a second factor get a TOTP secret, printed once with its otpauth:// address:
    add it to an authenticator app (FreeOTP, Aegis, Google Authenticator) before signing in.
    """
    password = _password(password_stdin)
    with archive_for(ctx) as (archive, actor):
        made = archive.access.accounts.add(name, role, actor=actor,
                                           password=password, second_factor=totp)
    _tell(made, json_, what="made")


@app.command()
def reset(ctx: typer.Context, name: Name, password_stdin: PasswordStdin = False,
          json_: JsonOption = False) -> None:
    """Give an account a new password (and a new second factor where it has one).

    Every session of the account ends at once.
    """
    password = _password(password_stdin)
    with archive_for(ctx) as (archive, actor):
        made = archive.access.accounts.reset(name, actor=actor,
                                             password=password)
    _tell(made, json_, what="reset")


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List every account with its role, second factor and state."""
    with archive_for(ctx) as (archive, _):
        users = archive.access.accounts.list()
    if json_:
        emit_json(users)
        return
    table = Table("name", "role", "second factor", "state", "last sign-in")
    for user in users:
        table.add_row(user.name, user.role.value, "yes" if user.second_factor else "no",
                      "disabled" if user.disabled else "active",
                      f"{user.last_sign_in_at:%Y-%m-%d %H:%M}" if user.last_sign_in_at else "-")
    out.print(table)


@app.command()
def disable(ctx: typer.Context, name: Name, json_: JsonOption = False) -> None:
    """Disable an account: its sessions end at once and it cannot sign in."""
    _set_disabled(ctx, name, True, json_)


@app.command()
def enable(ctx: typer.Context, name: Name, json_: JsonOption = False) -> None:
    """Enable a disabled account again."""
    _set_disabled(ctx, name, False, json_)


def _set_disabled(ctx: typer.Context, name: str, disabled: bool, json_: bool) -> None:
    with archive_for(ctx) as (archive, actor):
        user = archive.access.accounts.set_disabled(name, disabled,
                                                    actor=actor)
    if json_:
        emit_json(user)
        return
    err.print(f"Account {user.name} is {'disabled' if user.disabled else 'active'}.")


@app.command()
def throttles(ctx: typer.Context, json_: JsonOption = False) -> None:
    """List the accounts and places (a keyed hash of an address) whose failed sign-ins slow
    them down, and how many seconds each waits before its next attempt is heard."""
    with archive_for(ctx) as (archive, _):
        found = archive.access.throttle.list()
    if json_:
        emit_json(found)
        return
    if not found:
        err.print("No account and no place is slowed down.")
        return
    table = Table("kind", "name", "failed sign-ins", "seconds to wait", "last failure")
    for item in found:
        table.add_row(item.kind, item.name, str(item.failures), str(item.wait),
                      f"{item.last_failure:%Y-%m-%d %H:%M}")
    out.print(table)


@app.command()
def unthrottle(ctx: typer.Context, name: Name,
               place: Annotated[bool, typer.Option(
                   "--place", help="NAME is a place's keyed hash (from `caesar users"
                   " throttles`), not an account.")] = False,
               json_: JsonOption = False) -> None:
    """Let an account (or, with --place, a place) sign in again at once: its failed sign-ins
    are forgotten. Clearing an account is recorded in the custody log."""
    with archive_for(ctx) as (archive, actor):
        cleared = archive.access.clear_throttle("client" if place else "account", name,
                                                actor=actor)
    if json_:
        emit_json({"cleared": cleared})
        return
    err.print(f"{name} may sign in again at once." if cleared
              else f"{name} was not slowed down: nothing to clear.")


def _password(from_stdin: bool) -> str | None:
    """The password given, or None to have one made up (no terminal to ask on)."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("--password-stdin was given but standard input is empty.",
                             hint="Example: printf '%s\\n' \"$PASSWORD\" | caesar users add ...")
        return line
    if sys.stdin.isatty():
        text: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True,
                                 err=True)
        return text
    return None


def _tell(made: NewCredentials, json_: bool, *, what: str) -> None:
    if json_:
        emit_json({**made.user.model_dump(mode="json"), "password": made.password,
                   "totp_secret": made.totp_secret, "totp_uri": made.totp_uri})
        return
    user = made.user
    err.print(f"Account {user.name} ({user.role.value}) {what}.")
    if made.password:
        out.print(f"Password (made up; shown only now): {made.password}")
    if made.totp_secret:
        out.print(f"One-time codes: add this secret to an authenticator app (shown only now):"
                  f"\n  secret: {made.totp_secret}\n  address: {made.totp_uri}")
