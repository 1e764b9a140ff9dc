"""Anchoring the catalogue: its signed state kept in the object store, checked on every open.

After each commit that wrote, the state the transaction committed (:mod:`caesar.ledger.state`)
is signed, sealed (AES-256-GCM under a key of its own: the counts it holds are nobody's
business) and written to the store's ``state`` document, unless a newer one is already there.
Opening an archive compares its catalogue with that state: a catalogue that is missing, empty,
unreadable, of another log or behind is refused, and a catalogue exactly one commit ahead and
consistent with the state (a crash between the commit and the signing) is signed again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.exc import DBAPIError

from caesar import faults
from caesar.catalog.database import Catalog, current_revision, describe_database_error
from caesar.errors import REPAIR_CATALOGUE, CaesarError
from caesar.ledger.errors import LedgerError
from caesar.ledger.state import (
    AnchorState,
    capture,
    generation,
    judge,
    open_state,
    root_at,
    sign_state,
)
from caesar.vault.keys import Keys, seal, unseal
from caesar.vault.store import ObjectStore

STATE = "state"
_AAD = b"caesar-archive signed state v1"

STATE_UNSIGNED = faults.declare(
    "anchor.committed", "a catalogue transaction committed; the state it committed is not yet"
    " signed (the next open signs it: the catalogue is one commit ahead)")


class CatalogueRefused(CaesarError):
    """The catalogue does not match the archive's signed state: commands that change the
    archive refuse to run on it."""


class StateDamaged(CaesarError):
    """The signed state cannot be read, opened or checked."""


@dataclass(frozen=True, kw_only=True)
class StateCheck:
    """How the catalogue stands against the signed state, as found when opening."""

    problem: str | None = None
    readable: bool = True  # its rows can be read (verify can list the originals)
    behind: bool = False  # missing, emptied, rolled back or of another log: restore it
    resign: bool = False  # one commit ahead: its state is signed now
    adopt: bool = False  # made before states were signed: its first state is signed now
    signed: AnchorState | None = None
    current: AnchorState | None = None

    @property
    def ok(self) -> bool:
        """Whether commands may change the archive."""
        return self.problem is None


class Anchor:
    """Signs, keeps and checks the archive's state in one store (the archive's or a
    replica's)."""

    def __init__(self, store: ObjectStore, keys: Keys) -> None:
        self.store = store
        self._key = keys.subkey("signed-state")
        self._signer = Ed25519PrivateKey.from_private_bytes(keys.signing_seed)

    # -- the document ----------------------------------------------------------------------

    def sealed(self, state: AnchorState) -> bytes:
        """The state signed and sealed, as the document holds it."""
        return seal(self._key, _AAD, sign_state(state, self._signer).encode("utf-8"))

    def read(self) -> AnchorState | None:
        """The signed state in this store; None if there is none."""
        handle = self.store.open_document(STATE)
        if handle is None:
            return None
        with handle:
            blob = handle.read()
        try:
            return open_state(unseal(self._key, _AAD, blob).decode("utf-8"), self._signer)
        except (InvalidTag, UnicodeDecodeError, LedgerError):
            raise StateDamaged("the archive's signed state (documents/state in its store) is"
                               " damaged, or was not signed by this archive",
                               hint=REPAIR_CATALOGUE) from None

    def write(self, state: AnchorState, *, force: bool = False) -> None:
        """Keep `state` unless the store holds a newer one of the same log (`force`: always,
        for a repair or a restore, which may go back)."""
        with self.store.lock_documents():
            if not force:
                try:
                    kept = self.read()
                except StateDamaged:
                    kept = None  # replaced by what this process just committed
                if (kept is not None and kept.origin == state.origin
                        and kept.generation >= state.generation):
                    return
            self.store.write_document(STATE, io.BytesIO(self.sealed(state)))

    def publish(self, state: AnchorState) -> None:
        """After a commit: sign the state it committed (the catalogue's commit hook)."""
        faults.point(STATE_UNSIGNED)
        self.write(state)

    # -- checking a catalogue --------------------------------------------------------------

    def check(self, catalog: Catalog, catalog_file: Path | None) -> StateCheck:
        """How `catalog` stands against the signed state; changes nothing."""
        if catalog_file is not None and not catalog_file.is_file():
            return self._unusable(f"the catalogue {catalog_file} is missing")
        if catalog_file is not None and catalog_file.stat().st_size == 0:
            return self._unusable(f"the catalogue {catalog_file} is empty")
        try:
            if current_revision(catalog.engine) is None:
                return self._unusable("the catalogue holds no tables: it is empty")
            with catalog.reader() as session:
                current = capture(session)
                anchored = generation(session) is not None
        except DBAPIError as error:
            return self._unusable(describe_database_error(error, catalog_file).message)
        except LedgerError as error:
            # Its rows can still be read: `verify` and `ledger verify` say what was altered.
            return StateCheck(problem=f"the custody log in the catalogue is damaged ({error})")
        try:
            signed = self.read()
        except StateDamaged as error:
            return StateCheck(problem=error.message, current=current)
        if signed is None:
            if anchored or current is None:
                return StateCheck(problem="the archive's signed state (documents/state in its"
                                  " store) is missing", current=current)
            return StateCheck(adopt=True, current=current)
        sizes: dict[int, bytes] = {}

        def root_of(size: int) -> bytes:
            if size not in sizes:
                with catalog.reader() as session:
                    sizes[size] = root_at(session, size)
            return sizes[size]

        verdict = judge(signed, current, root_of)
        return StateCheck(problem=verdict.problem, behind=verdict.behind,
                          resign=verdict.resign, signed=signed, current=current)

    def _unusable(self, problem: str) -> StateCheck:
        try:
            signed = self.read()
        except StateDamaged:
            signed = None
        return StateCheck(problem=problem, readable=False, behind=True, signed=signed)


def refusal(check: StateCheck) -> CatalogueRefused:
    """The error that stops a command from changing an archive whose catalogue is not sound."""
    problem = (check.problem or "").rstrip(".")
    return CatalogueRefused(f"This archive cannot be used as it is: {problem}.",
                            hint=REPAIR_CATALOGUE)
