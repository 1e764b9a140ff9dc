"""`caesar seal`: the field side. Needs only the archive's public key, never a passphrase."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from caesar.cli.output import emit_json, err, progress_bar
from caesar.seal.errors import SealError

# The writer (age, the bundle format) is imported by the command: every other command starts
# without it (tests/test_startup.py).
if TYPE_CHECKING:
    from caesar.seal.writer import SealResult

_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def seal(
    sources: Annotated[list[str] | None, typer.Argument(
        metavar="SOURCE", help="Folders or files to seal (each keeps its own name inside the"
        " bundle). Symlinks are never followed.", show_default=False)] = None,
    to: Annotated[Path | None, typer.Option(
        "--to", metavar="PUBKEY_FILE", help="The archive's public key: its archive.pub file"
        " (one age1... line).", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", metavar="DIR", help="Where to write the bundle: the mounted drive's folder"
        " (it must exist).", show_default=False)] = None,
    device_label: Annotated[str | None, typer.Option(
        help="A label for the drive or day, sealed inside the bundle (never readable on the"
        " drive).", show_default=False)] = None,
    since_last: Annotated[bool, typer.Option(
        help="Seal only files that earlier --since-last runs on this machine have not sealed"
        " (state: $CAESAR_SEAL_STATE, else ~/.local/state/caesar-seal).")] = False,
    forget_: Annotated[bool, typer.Option(
        "--forget", help="Wipe this machine's --since-last state, then stop.")] = False,
    part_size: Annotated[str, typer.Option(
        help="Largest part file, in bytes or with K, M or G (binary) [default: 3.9G, the most"
        " a FAT32 drive holds in one file].", show_default=False)] = "3.9G",
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Encrypt files for the archive onto removable media, as one sealed bundle.

    Only the archive can open the bundle: the drive shows files with random names and no
    readable name, date or count, and you cannot open it yourself afterwards. Exit 1 if some
    entry could not be sealed (it is listed).
    """
    from caesar.seal.recipient import read_recipient
    from caesar.seal.state import default_state_dir, forget
    from caesar.seal.writer import SealRequest
    from caesar.seal.writer import seal as seal_bundle

    if forget_:
        if sources or to or out:
            raise SealError("--forget takes no SOURCE, --to or --out.")
        folder = default_state_dir()
        wiped = forget(folder)
        err.print(f"Wiped the --since-last state in {folder}." if wiped
                  else f"There was no --since-last state in {folder}.")
        return
    if not sources or to is None or out is None:
        raise SealError("caesar seal needs SOURCE..., --to PUBKEY_FILE and --out DIR.",
                        hint="e.g. caesar seal ~/day --to archive.pub --out /media/usb")
    request = SealRequest(sources=sources, recipient=read_recipient(to), out=out,
                          device_label=device_label, since_last=since_last,
                          part_size=_size(part_size))
    with progress_bar("sealing") as progress:
        result = seal_bundle(request, progress)
    if json_:
        emit_json({"bundle": result.bundle_id, "parts": [p.name for p in result.parts],
                   "files": result.files, "bytes": result.bytes,
                   "already_sealed": result.already_sealed,
                   "skipped": [{"path": p, "reason": r} for p, r in result.skipped],
                   "changed": list(result.changed)})
    _summary(result, out)
    if result.skipped or result.changed:
        raise typer.Exit(1)


def _size(text: str) -> int:
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMG]?)i?B?\s*", text, re.IGNORECASE)
    if match is None:
        raise SealError(f"--part-size {text!r} is not a size.", hint="e.g. 3.9G, 700M, 65536")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def _summary(result: SealResult, out: Path) -> None:
    if result.bundle_id is None:
        err.print("Nothing new to seal: no bundle written.")
    else:
        err.print(f"Sealed {result.files} files ({result.bytes / 1e6:,.1f} MB) into"
                  f" {len(result.parts)} part(s) in {out}: {result.parts[0].name}"
                  + (f" ... {result.parts[-1].name}" if len(result.parts) > 1 else "") + ".")
        err.print("Copy or carry every part; the archive needs all of them.")
    if result.already_sealed:
        err.print(f"{result.already_sealed} files were sealed by earlier runs and left out.")
    for path, reason in result.skipped:
        err.print(f"  not sealed: {path}: {reason}")
    for path in result.changed:
        err.print(f"  changed while being sealed (the archive will flag it; seal it again):"
                  f" {path}")
