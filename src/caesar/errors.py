"""One error root for the whole project.

Every error a user can meet is a :class:`CaesarError` whose message says what went wrong and
whose ``hint`` says what to do about it. Only the command line and the web app catch them.
"""

from __future__ import annotations

REPAIR_CATALOGUE = ("Nothing was changed. `caesar verify` says more; `caesar repair` puts the"
                    " catalogue back from a replica (docs/recovery.md).")


class CaesarError(Exception):
    """Root of every error Caesar Archive raises on purpose.

    ``exit_code`` is what the command line exits with (docs/design.md: 2 is a usage error, a wrong
    passphrase or a fatal error, with nothing changed).
    """

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def diagnostics(self) -> str:
        """The full text shown to a person: what happened, then what to do."""
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class UsageError(CaesarError):
    """A command was given arguments it cannot act on."""


class ArchiveNotFound(CaesarError):
    """No archive where one was expected."""


class ArchiveExists(CaesarError):
    """`init` was pointed at a folder that already holds something."""


class ArchiveLocked(CaesarError):
    """Another command is writing to the archive right now."""


class WrongPassphrase(CaesarError):
    """The passphrase does not unlock the archive's master key."""


class PassphraseRequired(CaesarError):
    """No passphrase was given and none can be asked for."""


class CorruptObject(CaesarError):
    """A stored object failed authentication or is cut short: it was damaged or altered."""


class MissingObject(CaesarError):
    """A catalogued object is not in the store."""


class NotFound(CaesarError):
    """A photo, transfer or other record that was asked for does not exist."""


class NotAnalysedYet(CaesarError):
    """Work that needs what analysis reads (EXIF, PDQ, thumbnails) met originals that are
    secured but not analysed yet."""


class SourceError(CaesarError):
    """A SOURCE given to `ingest` cannot be read at all."""
