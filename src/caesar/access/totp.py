"""The second factor: time-based one-time codes (RFC 6238, as authenticator apps make them).

A code is accepted once: the step it belongs to is remembered, and a code of that step or an
earlier one is refused, so a code seen over someone's shoulder cannot be used again.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Literal

import pyotp

ISSUER = "Caesar Archive"
_WINDOW = 1  # one step (30 s) either side: clocks of phones drift


def new_secret() -> str:
    """A new random secret (160 bits, base32, as authenticator apps take it)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, name: str) -> str:
    """The `otpauth://` address an authenticator app reads (type it or make a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER)


def matching_step(secret: str, code: str, when: datetime, last_step: int | None
                  ) -> int | Literal["used"] | None:
    """The time step `code` belongs to near `when`; "used" if it is right but its step (or a
    later one) was already used; None if it is wrong."""
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(when)
    for step in range(now_step - _WINDOW, now_step + _WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step if last_step is None or step > last_step else "used"
    return None
