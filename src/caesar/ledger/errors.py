"""Errors of the custody log, all under :class:`caesar.errors.CaesarError`."""

from __future__ import annotations

from caesar.errors import CaesarError


class LedgerError(CaesarError):
    """Root of the custody log's errors."""


class ProofError(LedgerError):
    """A Merkle inclusion or consistency proof is malformed, out of range or does not verify."""


class NoteError(LedgerError):
    """A signed note or verifier key is malformed, or no trusted key's signature verifies."""


class CheckpointError(LedgerError):
    """A checkpoint's text breaks the C2SP tlog-checkpoint format or names the wrong origin."""


class TimestampError(LedgerError):
    """No RFC 3161 timestamp could be obtained, or a timestamp token does not verify."""
