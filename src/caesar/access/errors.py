"""Errors of signing in and of being refused."""

from __future__ import annotations

from caesar.errors import CaesarError, UsageError


class SignInFailed(CaesarError):
    """The name, password or one-time code is wrong (which one is never said)."""

    def __init__(self) -> None:
        super().__init__("The name, password or one-time code is not right.",
                         hint="Check them and try again. After several failures, signing in"
                         " pauses for a few minutes.")


class TooManyAttempts(CaesarError):
    """Too many failed sign-ins from this account or this place: wait before trying again."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__("Too many failed sign-ins.",
                         hint=f"Wait {minutes} minute(s), then try again.")
        self.retry_after = retry_after


class CodeAlreadyUsed(CaesarError):
    """The right one-time code, already used once: the person must wait for the next one."""

    def __init__(self) -> None:
        super().__init__("That one-time code was already used: wait for the next one.",
                         hint="Your authenticator app shows a new code every 30 seconds. This"
                         " does not count as a failed sign-in.")


class PersonRequired(CaesarError):
    """A command acting as an account cannot get its password (or code): no terminal."""


class AccountError(UsageError):
    """An account cannot be made or changed as asked (a taken name, a weak password)."""
