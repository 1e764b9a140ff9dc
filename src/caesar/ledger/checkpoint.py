"""C2SP tlog checkpoints (https://c2sp.org/tlog-checkpoint): the log's signed tree head.

The text is the origin, the tree size in decimal and the base64 root hash, one per line, then
optional extension lines; it is published as a signed note (:mod:`caesar.ledger.note`) whose key
name is the origin, as the spec recommends.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from caesar.ledger import note
from caesar.ledger.errors import CheckpointError
from caesar.ledger.merkle import HASH_SIZE

_SIZE = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: which log (``origin``), how many entries, and the root hash over them."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name, line in [("origin", self.origin), *(("extension", x) for x in self.extensions)]:
            if not line or "\n" in line:
                raise CheckpointError(f"a checkpoint's {name} must be one non-empty line")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise CheckpointError(f"a checkpoint's size must be a whole number, not {self.size!r}")
        if len(self.root_hash) != HASH_SIZE:
            raise CheckpointError(f"a checkpoint's root hash has {HASH_SIZE} bytes, "
                                  f"not {len(self.root_hash)}")

    def to_text(self) -> str:
        """The checkpoint's note text, ending with a newline."""
        root = base64.b64encode(self.root_hash).decode()
        lines = (self.origin, str(self.size), root, *self.extensions)
        return "".join(f"{line}\n" for line in lines)


def parse(text: str) -> Checkpoint:
    """Read a checkpoint's note text (not yet a signed note: see :func:`open_checkpoint`)."""
    if not text.endswith("\n"):
        raise CheckpointError("malformed checkpoint: it must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not all(lines):
        raise CheckpointError("malformed checkpoint: it needs origin, size and root hash lines, "
                              "and no empty line")
    origin, size, root, *extensions = lines
    if not _SIZE.fullmatch(size):
        raise CheckpointError(f"malformed checkpoint: tree size {size!r} is not a decimal number")
    try:
        root_hash = base64.b64decode(root, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError(f"malformed checkpoint: root hash {root!r} is not base64") from None
    if base64.b64encode(root_hash).decode() != root:
        raise CheckpointError(f"malformed checkpoint: root hash {root!r} is not canonical base64")
    return Checkpoint(origin, int(size), root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, private_key: Ed25519PrivateKey) -> str:
    """The checkpoint as a signed note, signed under the key name ``checkpoint.origin``."""
    return note.sign(checkpoint.to_text(), checkpoint.origin, private_key)


def open_checkpoint(
    note_text: str, vkey: str | Iterable[str], *, origin: str | None = None
) -> Checkpoint:
    """Verify a signed checkpoint with the verifier key(s) ``vkey`` and read it.

    Give ``origin`` to also require that the checkpoint comes from that log: a valid signature
    alone does not say which of the signer's logs the tree head belongs to.
    """
    checkpoint = parse(note.verify(note_text, vkey))
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"the checkpoint is for log {checkpoint.origin!r}, not {origin!r}",
                              hint="Compare it only with checkpoints of the same custody log.")
    return checkpoint
