"""`Access`: everything about who may come in, what they did at the gate and what they saw.

One `Access` lives as long as its `Archive` (the facade keeps it), because the sign-in
limiter and the security log's counts are kept in memory between requests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from caesar.access.accounts import MAX_PASSWORD, Accounts, normal_name
from caesar.access.denials import Denials
from caesar.access.errors import SignInFailed, TooManyAttempts
from caesar.access.security import FAILED_SIGN_IN, RATE_LIMITED, LoginLimiter, SecurityLog
from caesar.access.sessions import Sessions
from caesar.access.viewing import PhotoViewer
from caesar.catalog.database import Catalog
from caesar.ledger.log import CustodyLog
from caesar.vault.fields import FieldCipher
from caesar.vault.keys import Keys
from caesar.vault.objects import ObjectVault


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


class Access:
    """Accounts, sessions, the gate's records, refusals, and viewing photos."""

    def __init__(self, *, catalog: Catalog, ledger: CustodyLog, keys: Keys,
                 vault: ObjectVault, clock: Callable[[], datetime] = utc_now) -> None:
        self.accounts = Accounts(catalog, ledger, FieldCipher(keys), clock)
        self.sessions = Sessions(catalog, clock)
        self.security = SecurityLog(catalog, keys.subkey("security-clients"), clock)
        self.limiter = LoginLimiter(clock)
        self.denials = Denials(catalog, ledger, clock)
        self.viewer = PhotoViewer(catalog, vault, ledger, clock)

    def sign_in(self, name: str, password: str, code: str | None, address: str | None
                ) -> str:
        """Check a person's name, password and one-time code; return a new session's token.

        Raises :class:`TooManyAttempts` while the account or the client is paused, and
        :class:`SignInFailed` (saying nothing about which part was wrong) otherwise.
        """
        keys = [f"account:{normal_name(name)[:64]}", f"client:{self.security.client(address)}"]
        wait = self.limiter.retry_after(keys)
        if wait:
            self.security.record(RATE_LIMITED, address)
            raise TooManyAttempts(wait)
        user_id, known = (None, None) if len(password) > MAX_PASSWORD else \
            self.accounts.check(name, password, code)
        if user_id is None:
            self.limiter.failed(keys)
            self.security.record(FAILED_SIGN_IN, address, known)
            raise SignInFailed()
        self.limiter.succeeded(keys[0])
        return self.sessions.start(user_id)
