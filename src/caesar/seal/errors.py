"""Errors of the field side (sealing) and of opening sealed bundles in the archive.

Sealing errors are usage or fatal errors (exit 2, nothing written). A bundle that cannot be
opened is something the archive must keep and report (docs/design.md: exit 1), so those errors carry
``exit_code = 1``, name the bundle, and say which paths (if any) were already handed out before
the damage showed.
"""

from __future__ import annotations

from collections.abc import Sequence

from caesar.errors import CaesarError


class SealError(CaesarError):
    """`caesar seal` cannot go on: a bad argument, a full drive, an unreadable source."""


class NotARecipient(SealError):
    """The `--to` file is not an age X25519 public key."""


class BundleError(CaesarError):
    """A sealed bundle cannot be opened or is not whole.

    ``bundle`` is the bundle's label (its id and folder). ``delivered`` lists the members whose
    bytes were already handed to the caller when the damage was found: none of them may be
    treated as authentic, because nothing in a bundle is confirmed until its end is.
    """

    exit_code = 1

    def __init__(self, bundle: str, message: str, *, hint: str | None = None,
                 delivered: Sequence[str] = ()) -> None:
        super().__init__(f"Sealed bundle {bundle}: {message}", hint=hint)
        self.bundle = bundle
        self.delivered = tuple(delivered)


class BundleDamaged(BundleError):
    """Sealed to another key, altered, cut short, or not a bundle this tool writes."""


class BundlePartMissing(BundleError):
    """One or more parts of a split bundle are not there."""
