"""The archive's signed state: what its catalogue held after its latest commit.

The state is the custody log's origin, size and root hash, the catalogue's generation (a
counter that every committing transaction advances) and the number of originals. It is signed
with the log's key as a C2SP checkpoint whose extension lines carry the generation and the
count, so it is also a true tree head of the log. Kept outside the catalogue, it lets an
archive notice a catalogue that was emptied, replaced by an older copy, swapped for another
archive's, or cut short, which no check inside the catalogue alone can see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caesar.catalog.models import Meta, Photo
from caesar.ledger import merkle, storage
from caesar.ledger.checkpoint import Checkpoint, open_checkpoint, parse, sign_checkpoint
from caesar.ledger.errors import CheckpointError, LedgerError
from caesar.ledger.note import generate_vkey

GENERATION_KEY = "generation"
_GENERATION = "generation "
_ORIGINALS = "originals "


@dataclass(frozen=True, kw_only=True)
class AnchorState:
    """One signed state of the archive (see the module's docstring)."""

    origin: str
    size: int
    root: bytes
    generation: int
    originals: int

    def describe(self) -> str:
        """The state in words, for messages."""
        return (f"generation {self.generation}, a custody log of {self.size} entries,"
                f" {self.originals} originals")


def generation(session: Session) -> int | None:
    """The catalogue's generation; None for a catalogue that was never anchored."""
    row = session.get(Meta, GENERATION_KEY)
    return None if row is None else int(row.value)


def set_generation(session: Session, value: int) -> None:
    """Set the catalogue's generation (a repair skips past the generations it lost)."""
    row = session.get(Meta, GENERATION_KEY)
    if row is None:
        session.add(Meta(key=GENERATION_KEY, value=str(value)))
    else:
        row.value = str(value)
    session.flush()


def advance(session: Session) -> AnchorState | None:
    """Advance the generation inside the committing transaction and return the state it
    commits; None while the catalogue holds no custody log yet."""
    set_generation(session, (generation(session) or 0) + 1)
    return capture(session)


def capture(session: Session) -> AnchorState | None:
    """The state of the catalogue as ``session`` sees it; None when it holds no custody log."""
    log_origin = storage.origin(session)
    if log_origin is None:
        return None
    size = storage.log_size(session)
    return AnchorState(origin=log_origin, size=size, root=root_at(session, size),
                       generation=generation(session) or 0,
                       originals=session.scalar(select(func.count()).select_from(Photo)) or 0)


def root_at(session: Session, size: int) -> bytes:
    """The root hash of the log's first ``size`` entries, from the stored subtrees."""
    tree = storage.StoredTree(session)
    tree.load(storage.frontier_keys(size))
    return merkle.root_hash(size, tree)


def sign_state(state: AnchorState, signer: Ed25519PrivateKey) -> str:
    """The state as a signed note (a checkpoint with two extension lines)."""
    return sign_checkpoint(Checkpoint(state.origin, state.size, state.root, (
        f"{_GENERATION}{state.generation}", f"{_ORIGINALS}{state.originals}")), signer)


def open_state(note: str, signer: Ed25519PrivateKey) -> AnchorState:
    """Check a signed state against the archive's own key and read it."""
    try:
        claimed = parse(note[:note.index("\n\n") + 1]) if "\n\n" in note else None
    except CheckpointError:
        claimed = None
    if claimed is None:
        raise LedgerError("the signed state is not a signed checkpoint")
    opened = open_checkpoint(note, generate_vkey(claimed.origin, signer), origin=claimed.origin)
    found = {line.split(" ", 1)[0]: line.split(" ", 1)[-1] for line in opened.extensions}
    try:
        return AnchorState(origin=opened.origin, size=opened.size, root=opened.root_hash,
                           generation=int(found["generation"]),
                           originals=int(found["originals"]))
    except (KeyError, ValueError):
        raise LedgerError("the signed state lacks its generation or count of originals") \
            from None


@dataclass(frozen=True)
class Verdict:
    """How a catalogue stands against the signed state."""

    problem: str | None  # None: the catalogue is where the state says, or one commit on
    resign: bool = False  # one commit ahead and consistent: sign its state now
    behind: bool = False  # rolled back, emptied, cut short or rewritten: put a replica's back
    ahead: bool = False  # consistent, but further ahead than a crash explains


def judge(signed: AnchorState, current: AnchorState | None,
          root_of: Callable[[int], bytes]) -> Verdict:
    """Compare the catalogue's ``current`` state with the ``signed`` one.

    ``root_of(size)`` is the catalogue's root hash over its first ``size`` entries.
    """
    if current is None:
        return Verdict(f"the catalogue holds no custody log, but the archive's signed state"
                       f" is at {signed.describe()}", behind=True)
    if current.origin != signed.origin:
        return Verdict(f"the catalogue holds another custody log ({current.origin}), not this"
                       f" archive's ({signed.origin})", behind=True)
    if (current.generation < signed.generation or current.size < signed.size
            or current.originals < signed.originals):
        return Verdict(f"the catalogue is behind the archive's signed state: it is at"
                       f" {current.describe()}; the state was signed at {signed.describe()}."
                       " It was rolled back to an older copy, or lost its latest changes",
                       behind=True)
    if current.generation == signed.generation:
        if current == signed:
            return Verdict(None)
        return Verdict(f"the catalogue differs from the archive's signed state at the same"
                       f" generation {signed.generation}: it was altered", behind=True)
    if root_of(signed.size) != signed.root:
        return Verdict(f"the catalogue's custody log does not extend the one the archive's"
                       f" signed state vouches for ({signed.size} entries): it was rewritten",
                       behind=True)
    if current.generation == signed.generation + 1:
        return Verdict(None, resign=True)
    return Verdict(f"the catalogue is {current.generation - signed.generation} commits ahead"
                   f" of the archive's signed state ({signed.describe()}): the state was"
                   " put back from an older copy", ahead=True)
