"""Trustees' shares of the master key: SLIP-39 mnemonics, any K of N rebuild it.

SLIP-39 (Trezor's standard for Shamir's secret sharing, through its reference implementation
`shamir-mnemonic`) gives each trustee a list of 20 or 33 words with a checksum, so a share
copied by hand with one wrong word is caught before anything is tried. Fewer than K shares
reveal nothing about the key. An optional passphrase protects the whole set: any passphrase
gives *some* key, so a wrong one is caught only when that key fails to open the archive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shamir_mnemonic import MnemonicError, combine_mnemonics, generate_mnemonics
from shamir_mnemonic.share import Share

from caesar.errors import CaesarError, UsageError

MAX_SHARES = 16  # SLIP-39's limit for one group
_QUOTED = re.compile(r"(\"[^\"]*\"|'[^']*')")


class ShareError(CaesarError):
    """Trustees' shares that cannot be combined (a typo, too few, from different sets)."""


@dataclass(frozen=True)
class ShareSet:
    """The shares made by one split: any `threshold` of them rebuild the master key."""

    threshold: int
    shares: list[str]


def split(master: bytes, *, shares: int, threshold: int, passphrase: str = "") -> ShareSet:
    """Split the master key into `shares` mnemonics, any `threshold` of which rebuild it."""
    if not 1 <= threshold <= shares <= MAX_SHARES:
        raise UsageError(f"Cannot make {shares} shares with a threshold of {threshold}.",
                         hint=f"Give 1 <= --threshold <= --shares <= {MAX_SHARES}.")
    if threshold == 1 and shares > 1:
        raise UsageError("A threshold of 1 would make each share a full copy of the key.",
                         hint="Give --threshold 2 or more (or --shares 1 for a single backup).")
    try:
        groups = generate_mnemonics(1, [(threshold, shares)], master,
                                    passphrase.encode("utf-8"))
    except MnemonicError as error:
        raise UsageError(f"SLIP-39 refused: {error}") from None
    return ShareSet(threshold=threshold, shares=list(groups[0]))


def needed(first_share: str) -> int:
    """How many shares the set that `first_share` belongs to needs."""
    try:
        return int(Share.from_mnemonic(_normal(first_share)).member_threshold)
    except MnemonicError as error:
        raise ShareError(f"The first share cannot be read: {_said(error)}",
                         hint="Check every word against the trustee's copy.") from None


def combine(given: list[str], *, passphrase: str = "") -> bytes:
    """The master key rebuilt from trustees' shares (checked by the caller against the
    archive: a wrong share passphrase still yields a key, just not this one)."""
    mnemonics = [_normal(m) for m in given if m.strip()]
    if not mnemonics:
        raise ShareError("No shares were given.",
                         hint="Give the trustees' shares on standard input, one a line.")
    try:
        return bytes(combine_mnemonics(mnemonics, passphrase.encode("utf-8")))
    except MnemonicError as error:
        raise ShareError(f"The shares cannot be combined: {_said(error)}",
                         hint="Check every word against the trustees' copies; shares of"
                         " different splits do not mix. Nothing was changed.") from None


def _said(error: MnemonicError) -> str:
    """The library's message without the words of a share it quotes: a share is a secret,
    and error messages end up in terminals' scrollback and support tickets."""
    return _QUOTED.sub("(a share)", str(error)).rstrip(".")


def _normal(mnemonic: str) -> str:
    return " ".join(mnemonic.lower().split())
