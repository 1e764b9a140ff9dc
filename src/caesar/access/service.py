"""`Access`: everything about who may come in, what they did at the gate and what they saw.

One `Access` lives as long as its `Archive` (the facade keeps it), because the security log's
counts are kept in memory between requests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from caesar.access.accounts import MAX_PASSWORD, Accounts, normal_name
from caesar.access.denials import Denials
from caesar.access.errors import SignInFailed, TooManyAttempts
from caesar.access.security import FAILED_SIGN_IN, RATE_LIMITED, SecurityLog
from caesar.access.sessions import Sessions
from caesar.access.throttle import Throttle, account_key, client_key
from caesar.access.viewing import PhotoViewer
from caesar.access.views import UserView
from caesar.catalog.database import Catalog
from caesar.ledger.log import CustodyLog
from caesar.vault.fields import FieldCipher
from caesar.vault.keys import Keys
from caesar.vault.objects import ObjectVault

COMMAND_LINE = "command line"
"""The client of sign-ins made by `caesar --as NAME` (one machine: one client)."""


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


class Access:
    """Accounts, sessions, the gate's records, refusals, and viewing photos."""

    def __init__(self, *, catalog: Catalog, ledger: CustodyLog, keys: Keys,
                 vault: ObjectVault, clock: Callable[[], datetime] | None = None) -> None:
        # Looked up at each call (not bound once), so that a test can move time on.
        now = clock or (lambda: utc_now())
        self._ledger = ledger
        self.accounts = Accounts(catalog, ledger, FieldCipher(keys), now)
        self.sessions = Sessions(catalog, now)
        self.security = SecurityLog(catalog, keys.subkey("security-clients"), now)
        self.throttle = Throttle(catalog, now)
        self.denials = Denials(catalog, ledger, now)
        self.viewer = PhotoViewer(catalog, vault, ledger, now)

    def authenticate(self, name: str, password: str, code: str | None, address: str | None
                     ) -> UserView:
        """The account whose name, password and one-time code these are.

        Raises :class:`TooManyAttempts` while the account or the client must wait,
        :class:`CodeAlreadyUsed` for a right code used before (not a failure), and
        :class:`SignInFailed` (saying nothing about which part was wrong) otherwise.
        """
        keys = [account_key(normal_name(name)), client_key(self.security.client(address))]
        wait = self.throttle.retry_after(keys)
        if wait:
            self.security.record(RATE_LIMITED, address)
            raise TooManyAttempts(wait)
        user_id, known = (None, None) if len(password) > MAX_PASSWORD else \
            self.accounts.check(name, password, code)
        if user_id is None:
            self.throttle.failed(keys)
            self.security.record(FAILED_SIGN_IN, address, known)
            raise SignInFailed()
        self.throttle.succeeded(keys[0])
        return self.accounts.get(name)

    def sign_in(self, name: str, password: str, code: str | None, address: str | None
                ) -> str:
        """Check a person's name, password and one-time code (see :meth:`authenticate`);
        return a new session's token."""
        return self.sessions.start(self.authenticate(name, password, code, address).id)

    def clear_throttle(self, kind: str, name: str, *, actor: str) -> bool:
        """Forget the failed sign-ins of an account or a client, so it may try at once; an
        account's clearing is a custody-log entry."""
        key = normal_name(name) if kind == "account" else name
        with self._ledger.writing():  # the clearing and its entry, together
            cleared = self.throttle.clear(kind, key)
            if cleared and kind == "account":
                self.accounts.log_unthrottled(key, actor=actor)
        return cleared
