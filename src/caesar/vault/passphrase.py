"""Passphrases: how strong a chosen one is, and a strong one made up on request.

Strength is zxcvbn's estimate (Dropbox's model of how people choose passwords: dictionary
words, names, dates, keyboard walks, repeats) rather than rules about character classes,
which push people to `Passw0rd!`; with a minimum length on top, since the archive's
passphrase guards evidence that cannot be replaced. Generated passphrases are six words drawn
with the operating system's randomness from the EFF's long diceware list (7,776 words, about
77.5 bits for six), as the `diceware` package ships it.
"""

from __future__ import annotations

import secrets
from functools import cache

from diceware.wordlist import WordList, get_wordlist_path
from zxcvbn import zxcvbn

from caesar.errors import CaesarError

MIN_LENGTH = 14
MIN_SCORE = 3  # zxcvbn: 3 is "safely unguessable: moderate protection from offline attacks"
WORDS = 6
# zxcvbn's cost grows with the length; what it sees of a longer passphrase says enough.
_ZXCVBN_LIMIT = 100


class WeakPassphrase(CaesarError):
    """A new passphrase that would be too easy to guess."""


@cache
def _wordlist() -> tuple[str, ...]:
    return tuple(WordList(get_wordlist_path("en_eff")))


def generate() -> str:
    """A new passphrase: six random words of the EFF long list, separated by spaces."""
    words = _wordlist()
    return " ".join(secrets.choice(words) for _ in range(WORDS))


def weakness(passphrase: str) -> str | None:
    """Why `passphrase` is too weak for an archive, or None when it is strong enough."""
    if len(passphrase) < MIN_LENGTH:
        count = len(passphrase)
        return (f"it has {count} character{'' if count == 1 else 's'}; at least {MIN_LENGTH}"
                " are needed")
    result = zxcvbn(passphrase[:_ZXCVBN_LIMIT])
    if int(result["score"]) < MIN_SCORE:
        feedback = result["feedback"]
        said = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
        why = " ".join(s.rstrip(".") + "." for s in said if s)
        return "it is easy to guess" + (f" ({why.rstrip('.')})" if why else "")
    return None


def require_strong(passphrase: str, *, enforce: bool) -> str | None:
    """Refuse a weak `passphrase` when `enforce`; else return why it is weak (to warn) or None.

    Test suites unlock archives at the fast `test` KDF cost and may use short passphrases.
    """
    if not passphrase:
        raise WeakPassphrase("The passphrase is empty.", hint=_suggestion())
    why = weakness(passphrase)
    if why is not None and enforce:
        raise WeakPassphrase(f"This passphrase is too weak: {why}.", hint=_suggestion())
    return why


def _suggestion() -> str:
    return ("Choose a longer one that is not made of common words, names or dates, or let"
            f" `--generate` make one, such as: {generate()}")
