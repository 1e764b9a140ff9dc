"""`caesar keys passphrase|split|recover`: the passphrase, and trustees' shares of the key."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from caesar.cli.context import archive_for, state
from caesar.cli.output import emit_json, err, out
from caesar.errors import PassphraseRequired

app = typer.Typer(help="The archive's keys: change the passphrase, split the master key among"
                  " trustees, and get back in with their shares.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
NEW_PASSPHRASE = "CAESAR_NEW_PASSPHRASE"
GenerateOption = Annotated[bool, typer.Option(
    "--generate", help="Make up the new passphrase (six random words) and print it, instead"
    " of reading it.")]
SharePassphraseOption = Annotated[bool, typer.Option(
    "--share-passphrase-stdin", help="Read the passphrase that protects the set of shares"
    " from the first line of standard input (every trustee must know it to use a share).")]


def new_passphrase(*, generated: bool) -> str:
    """The new passphrase: made up, $CAESAR_NEW_PASSPHRASE, or asked for twice."""
    if generated:
        from caesar.vault.passphrase import generate  # a word list: only when asked

        return generate()
    given = os.environ.get(NEW_PASSPHRASE)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise PassphraseRequired("A new passphrase is needed and there is no terminal to ask.",
                                 hint=f"Set {NEW_PASSPHRASE}, or give --generate.")
    text: str = typer.prompt("New passphrase", hide_input=True, confirmation_prompt=True,
                             err=True)
    return text


def read_shares(*, share_passphrase: bool) -> tuple[list[str], str]:
    """Trustees' shares from standard input, one a line (asked for one by one on a terminal),
    and the share passphrase when asked for."""
    from caesar.vault.shares import ShareError, needed

    if not sys.stdin.isatty():
        lines = sys.stdin.read().splitlines()
        secret = lines.pop(0) if share_passphrase and lines else ""
        return [line for line in lines if line.strip()], secret
    secret = typer.prompt("Passphrase of the shares", hide_input=True, err=True) \
        if share_passphrase else ""
    first: str = typer.prompt("Share 1", hide_input=True, err=True)
    shares = [first]
    try:
        count = needed(first)
    except ShareError:
        return shares, secret  # combining says what is wrong with it
    for index in range(2, count + 1):
        shares.append(typer.prompt(f"Share {index} of {count}", hide_input=True, err=True))
    return shares, secret


@app.command()
def passphrase(ctx: typer.Context, generate_: GenerateOption = False,
               json_: JsonOption = False) -> None:
    """Change the passphrase that unlocks the archive.

    The current passphrase comes from $CAESAR_PASSPHRASE (or a prompt), the new one from
    $CAESAR_NEW_PASSPHRASE, a prompt (twice), or --generate. A weak one (fewer than 14
    characters, or easy to guess) is refused. The master key is wrapped again atomically: a
    crash leaves the old passphrase or the new one working, never neither. The change is
    logged; the passphrases never are. Trustees' shares made before stay valid.

    With --json: {"changed": true, "kdf_cost": "normal"|"test", "passphrase": TEXT|null}
    (the passphrase only when --generate made it).
    """
    with archive_for(ctx) as (archive, actor):
        chosen = new_passphrase(generated=generate_)
        cost = archive.change_passphrase(chosen, actor=actor)
    shown = chosen if generate_ else None
    if json_:
        emit_json({"changed": True, "kdf_cost": cost.value, "passphrase": shown})
        return
    err.print("The passphrase was changed; the old one no longer unlocks the archive.")
    if shown:
        err.print("The new passphrase (write it down now; it is shown only once):")
        out.print(shown)


@app.command()
def split(
    ctx: typer.Context,
    shares: Annotated[int, typer.Option("--shares", min=1, help="How many trustees get a"
                                        " share (at most 16).", show_default=False)],
    threshold: Annotated[int, typer.Option("--threshold", min=1, help="How many of them"
                                           " together rebuild the key.", show_default=False)],
    share_passphrase_stdin: SharePassphraseOption = False,
    json_: JsonOption = False,
) -> None:
    """Split the master key into SLIP-39 shares for trustees, one a line on standard output.

    Any --threshold of the --shares rebuild access with `caesar keys recover` (for instance
    when the passphrase is lost); fewer reveal nothing about the key. Give each line to a
    different trustee, on paper, and keep none on this computer. Each share is a list of 33
    words with a checksum, so a word copied wrong is caught. The split is logged (how many,
    how many needed); the shares never are. Splitting again makes a new, separate set.

    With --json: {"threshold": K, "shares": [TEXT...]}.
    """
    secret = sys.stdin.readline().rstrip("\n") if share_passphrase_stdin else ""
    with archive_for(ctx) as (archive, actor):
        made = archive.split_key(shares=shares, threshold=threshold, share_passphrase=secret,
                                 actor=actor)
    if json_:
        emit_json({"threshold": made.threshold, "shares": made.shares})
        return
    err.print(f"{shares} shares; any {threshold} of them rebuild access. Give each line to a"
              " different trustee, and clear this terminal afterwards.")
    for share in made.shares:
        out.print(share)


@app.command()
def recover(ctx: typer.Context, share_passphrase_stdin: SharePassphraseOption = False,
            generate_: GenerateOption = False, json_: JsonOption = False) -> None:
    """Get back in with trustees' shares, and set a new passphrase.

    The shares are read from standard input, one a line (on a terminal they are asked for one
    by one); the new passphrase from $CAESAR_NEW_PASSPHRASE, a prompt, or --generate. The old
    passphrase stops working. Works also when the catalogue is damaged (then `caesar repair`
    comes next). Logged when the catalogue is sound; the shares never are.

    With --json: {"shares": N, "state": {"ok", "problem"}, "passphrase": TEXT|null} (the
    passphrase only when --generate made it).
    """
    cli = state(ctx)
    given, secret = read_shares(share_passphrase=share_passphrase_stdin)
    from caesar.recovery import recover as recover_with_shares

    chosen = new_passphrase(generated=generate_)
    with recover_with_shares(Path(cli.archive), given, chosen, share_passphrase=secret,
                             actor=cli.acting_as or os.environ.get("CAESAR_USER")) as archive:
        problem = archive.state.problem
    shown = chosen if generate_ else None
    if json_:
        emit_json({"shares": len(given), "state": {"ok": problem is None, "problem": problem},
                   "passphrase": shown})
    else:
        err.print(f"Access rebuilt from {len(given)} shares; the new passphrase unlocks the"
                  " archive.")
        if shown:
            err.print("The new passphrase (write it down now; it is shown only once):")
            out.print(shown)
        if problem:
            err.print(f"The catalogue is not sound: {problem}. Run `caesar repair` next.")
    if problem:
        raise typer.Exit(1)
