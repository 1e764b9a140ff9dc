"""What an edit form showed, so that saving it changes only what the person changed.

An edit form carries, in a hidden input, a digest of the record's values as the form showed
them. On save the digest is computed again from the record as it is now: if someone else
changed the record meanwhile (another person, another tab, the command line), the save is
refused and nothing is written, so a form never puts back a value its reader did not see.
The forms then apply only the fields whose value differs from what they showed.

The digest is of values the same page shows in clear, so it reveals nothing the page does
not; it is a plain SHA-256 of their canonical JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Final

from caesar.errors import CaesarError

SHOWN_FIELD: Final = "shown"
"""The hidden input of every edit form that holds the digest of what it showed."""


class FormOutdated(CaesarError):
    """An edit form was saved after its record changed, or without saying what it showed."""


def shown_digest(values: Mapping[str, object]) -> str:
    """The digest of a record's `values` as an edit form shows them."""
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_shown(sent: str | None, values: Mapping[str, object], what: str) -> None:
    """Refuse the save of a form that showed other `values` than the record holds now."""
    if not sent:
        raise FormOutdated(f"This form does not say which {what} it showed: nothing was saved.",
                           hint="Open the form again from its page, then save.")
    if not hmac.compare_digest(sent.encode(), shown_digest(values).encode()):
        raise FormOutdated(f"The {what} changed after this form was shown (someone else saved"
                           " it, or another tab did): nothing was saved.",
                           hint="Open the form again to see what it holds now, then make your"
                           " change.")
