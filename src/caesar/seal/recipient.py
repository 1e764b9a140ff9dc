"""Reading the archive's public key (`--to`): an age X25519 recipient, and nothing else."""

from __future__ import annotations

from pathlib import Path

from pyrage import RecipientError, x25519

from caesar.seal.errors import NotARecipient

_MAX_KEY_FILE = 64 * 1024  # a recipients file is a few lines; anything bigger is something else
_HINT = ("Give the archive's public key: the file archive.pub at the archive's root, one line"
         " starting with age1.")


def read_recipient(path: Path) -> str:
    """The one `age1...` recipient in the file at `path` (blank lines and `#` comments allowed).

    Raises :class:`NotARecipient` for anything else, and says so loudly for a secret key, which
    must never travel to the field.
    """
    try:
        with open(path, "rb") as f:
            raw = f.read(_MAX_KEY_FILE + 1)
    except OSError as exc:
        raise NotARecipient(f"Cannot read the --to file {path}: {exc.strerror}.",
                            hint=_HINT) from exc
    if len(raw) > _MAX_KEY_FILE:
        raise NotARecipient(f"The --to file {path} is far too big to be a public key.", hint=_HINT)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise NotARecipient(f"The --to file {path} is not text, so not an age public key.",
                            hint=_HINT) from None
    lines = [line.strip() for line in text.splitlines()]
    keys = [line for line in lines if line and not line.startswith("#")]
    if any(line.upper().startswith("AGE-SECRET-KEY-") for line in keys):
        raise NotARecipient(
            f"The --to file {path} holds a SECRET key. Sealing needs only the public key.",
            hint="Never carry the archive's secret key to the field; delete this copy. "
            + _HINT)
    if len(keys) != 1:
        raise NotARecipient(
            f"The --to file {path} holds {len(keys)} keys; it must hold exactly one age"
            " public key.", hint=_HINT)
    try:
        x25519.Recipient.from_str(keys[0])
    except RecipientError:
        raise NotARecipient(f"The --to file {path} does not hold an age X25519 public key"
                            " (age1...).", hint=_HINT) from None
    return keys[0]
