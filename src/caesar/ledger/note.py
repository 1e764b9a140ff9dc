"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys.

A note is a text ending in a newline, a blank line, then one line per signature::

    — <key name> base64(4-byte key ID ‖ Ed25519 signature of the text)

Verifier keys travel as ``name+hex(key ID)+base64(0x01 ‖ public key)``, the ``vkey`` form of Go's
``golang.org/x/mod/sumdb/note``, so outsiders can check our notes with that package too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import string
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from caesar.ledger.errors import NoteError

_ED25519 = b"\x01"
_SIG_PREFIX = "\u2014 "  # em dash, space
# The spec asks verifiers to accept at least 16; Go's reference stops at 100.
_MAX_SIGNATURES = 100
_CHECK_VKEY = "Check that the verifier key (vkey) was copied whole, with its name and both '+'."


@dataclass(frozen=True, kw_only=True)
class _Verifier:
    name: str
    key_id: bytes
    public_key: Ed25519PublicKey


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    """The 4-byte key ID: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(name.encode() + b"\n" + _ED25519 + raw).digest()[:4]


def generate_vkey(name: str, private_key: Ed25519PrivateKey) -> str:
    """The verifier key (``name+keyid+base64key``) for notes that ``private_key`` signs."""
    _check_name(name)
    public_key = private_key.public_key()
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    encoded = base64.b64encode(_ED25519 + raw).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


def sign(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """Sign ``text`` (which must end with a newline) as ``name``; return the signed note."""
    _check_name(name)
    if not text.endswith("\n"):
        raise NoteError("a note's text must end with a newline")
    _check_characters(text)
    signature = key_id(name, private_key.public_key()) + private_key.sign(text.encode())
    return f"{text}\n{_SIG_PREFIX}{name} {base64.b64encode(signature).decode()}\n"


def verify(note_text: str, verifier_keys: str | Iterable[str]) -> str:
    """Check a signed note against trusted verifier keys and return its text.

    Signatures by keys not in ``verifier_keys`` are ignored, as the spec requires (they may be
    witnesses' cosignatures); the note is rejected unless at least one trusted key signed it, and
    whenever a trusted key's signature fails.
    """
    known = _parse_verifier_keys(verifier_keys)
    _check_characters(note_text)
    split = note_text.rfind("\n\n")
    if split < 0:
        raise NoteError("malformed note: no blank line before the signatures")
    text, signature_block = note_text[: split + 1], note_text[split + 2 :]
    if not signature_block.endswith("\n"):
        raise NoteError("malformed note: it must end with a signature line and a newline")
    lines = signature_block[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise NoteError(f"malformed note: more than {_MAX_SIGNATURES} signatures")
    message = text.encode()
    verified = False
    for line in lines:
        name, signature = _parse_signature_line(line)
        verifier = known.get((name, signature[:4]))
        if verifier is None:
            continue
        try:
            verifier.public_key.verify(signature[4:], message)
        except InvalidSignature:
            raise NoteError(f"the signature by {name} does not match the note",
                            hint="The note was altered after it was signed.") from None
        verified = True
    if not verified:
        raise NoteError("the note is not signed by any trusted key",
                        hint="Check that you hold the current verifier key (vkey) of its signer.")
    return text


def _parse_signature_line(line: str) -> tuple[str, bytes]:
    if not line.startswith(_SIG_PREFIX):
        raise NoteError(f"malformed note: signature line {line!r} must start with an em dash")
    name, _, encoded = line[len(_SIG_PREFIX) :].partition(" ")
    _check_name(name)
    signature = _decode_base64(encoded)
    if signature is None:
        raise NoteError(f"malformed note: the signature by {name} is not base64")
    if len(signature) < 5:
        raise NoteError(f"malformed note: the signature by {name} is too short")
    return name, signature


def _parse_verifier_keys(verifier_keys: str | Iterable[str]) -> dict[tuple[str, bytes], _Verifier]:
    # A lone string is one key, not an iterable of one-character keys.
    vkeys = [verifier_keys] if isinstance(verifier_keys, str) else list(verifier_keys)
    known: dict[tuple[str, bytes], _Verifier] = {}
    for vkey in vkeys:
        verifier = _parse_vkey(vkey)
        known[verifier.name, verifier.key_id] = verifier
    return known


def _parse_vkey(vkey: str) -> _Verifier:
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise NoteError(f"malformed verifier key {vkey!r}", hint=_CHECK_VKEY)
    name, hex_id, encoded = parts
    _check_name(name)
    key = _decode_base64(encoded)
    if len(hex_id) != 8 or not all(c in string.hexdigits for c in hex_id) or key is None:
        raise NoteError(f"malformed verifier key {vkey!r}", hint=_CHECK_VKEY)
    wanted_id = bytes.fromhex(hex_id)
    if len(key) != 33 or key[:1] != _ED25519:
        raise NoteError(f"verifier key {name!r} is not an Ed25519 key", hint=_CHECK_VKEY)
    public_key = Ed25519PublicKey.from_public_bytes(key[1:])
    if key_id(name, public_key) != wanted_id:
        raise NoteError(f"verifier key {name!r}: its key ID does not match its name and key",
                        hint=_CHECK_VKEY)
    return _Verifier(name=name, key_id=wanted_id, public_key=public_key)


def _check_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise NoteError(f"invalid key name {name!r}: it must be non-empty, without spaces or '+'")


def _check_characters(text: str) -> None:
    if any(c < " " and c != "\n" for c in text):
        raise NoteError("malformed note: it holds a control character other than newline")
    try:
        text.encode()
    except UnicodeEncodeError:
        raise NoteError("malformed note: it is not valid UTF-8") from None


def _decode_base64(encoded: str) -> bytes | None:
    """Standard base64, or None; only the canonical form, so no two encodings verify alike."""
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return decoded if base64.b64encode(decoded).decode() == encoded else None
