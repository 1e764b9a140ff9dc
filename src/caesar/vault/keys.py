"""The archive's keys.

One random 256-bit master key unlocks everything. It is kept wrapped (AES-256-GCM) under a key
derived from the passphrase with argon2id, a memory-hard KDF, so that guessing passphrases on a
seized archive is slow. Every other key is either derived from the master key with HKDF (one per
purpose, so that no key serves two jobs) or, where it must be random (the age identity that
opens sealed field bundles, the custody log's signing key), kept in `keys/secrets.enc`,
encrypted under a key derived from the master key.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pyrage import x25519

from caesar.errors import CaesarError, WrongPassphrase

KEYS_DIR = "keys"
MASTER_FILE = "master.json"
SECRETS_FILE = "secrets.enc"
_MASTER_AAD = b"caesar-archive master key v1"
_SECRETS_AAD = b"caesar-archive secrets v1"


class KdfCost(str, Enum):
    """How hard the passphrase KDF works. `test` is only for test suites."""

    normal = "normal"
    test = "test"


# argon2id parameters (RFC 9106 "second recommended option" is t=3, m=64 MiB; we go higher in
# memory because an archive is unlocked rarely and guessing must be expensive).
_KDF_PARAMS: dict[KdfCost, dict[str, int]] = {
    KdfCost.normal: {"time_cost": 3, "memory_kib": 256 * 1024, "parallelism": 2},
    KdfCost.test: {"time_cost": 1, "memory_kib": 8 * 1024, "parallelism": 1},
}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive_kek(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=params["time_cost"],
        memory_cost=params["memory_kib"],
        parallelism=params["parallelism"],
        hash_len=32,
        type=Type.ID,
    )


def _hkdf(master: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"caesar/" + purpose.encode()
    ).derive(master)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves either the old file or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True, kw_only=True, repr=False)
class Keys:
    """The unlocked keys of one archive. Never printed, never logged (no repr)."""

    master: bytes
    age_identity: str
    signing_seed: bytes

    def subkey(self, purpose: str) -> bytes:
        """A 256-bit key for one purpose, derived from the master key."""
        return _hkdf(self.master, purpose)

    @property
    def object_names(self) -> bytes:
        """HMAC key that names stored objects, so a name never reveals a photo's SHA-256."""
        return self.subkey("object-names")

    @property
    def object_encryption(self) -> bytes:
        """Root key from which each stored object's own key is derived."""
        return self.subkey("object-encryption")

    @property
    def catalog(self) -> bytes:
        """Raw SQLCipher key of the embedded catalogue."""
        return self.subkey("catalog")

    @property
    def pseudonyms(self) -> bytes:
        """HMAC key that turns people's names into the pseudonyms the custody log carries."""
        return self.subkey("pseudonyms")

    @property
    def age_recipient(self) -> str:
        """The public age recipient (`age1...`) that field bundles are sealed to."""
        return str(x25519.Identity.from_str(self.age_identity).to_public())

    def __repr__(self) -> str:
        return "Keys(<locked away>)"


def create_keys(folder: Path, passphrase: str, cost: KdfCost) -> Keys:
    """Make a new master key, wrap it under `passphrase`, and store the archive's secrets."""
    if not passphrase:
        raise CaesarError("The passphrase is empty.", hint="Choose a long passphrase.")
    keys = Keys(
        master=secrets.token_bytes(32),
        age_identity=str(x25519.Identity.generate()),
        signing_seed=secrets.token_bytes(32),
    )
    params = _KDF_PARAMS[cost]
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    wrapped = AESGCM(_derive_kek(passphrase, salt, params)).encrypt(nonce, keys.master, _MASTER_AAD)
    key_dir = folder / KEYS_DIR
    key_dir.mkdir(mode=0o700)
    record = {
        "kdf": "argon2id",
        **params,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "wrapped_key": _b64(wrapped),
    }
    write_atomic(key_dir / MASTER_FILE, json.dumps(record, indent=2).encode())
    _write_secrets(key_dir, keys)
    return keys


def _write_secrets(key_dir: Path, keys: Keys) -> None:
    payload = json.dumps(
        {"age_identity": keys.age_identity, "signing_seed": _b64(keys.signing_seed)}
    ).encode()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(keys.subkey("secrets")).encrypt(nonce, payload, _SECRETS_AAD)
    write_atomic(key_dir / SECRETS_FILE, nonce + sealed)


def unlock_keys(folder: Path, passphrase: str) -> Keys:
    """Unwrap the master key with `passphrase` and open the archive's secrets."""
    key_dir = folder / KEYS_DIR
    try:
        record: dict[str, Any] = json.loads((key_dir / MASTER_FILE).read_text("ascii"))
        params = {k: int(record[k]) for k in ("time_cost", "memory_kib", "parallelism")}
        salt, nonce = _unb64(record["salt"]), _unb64(record["nonce"])
        wrapped = _unb64(record["wrapped_key"])
    except (OSError, ValueError, KeyError) as exc:
        raise CaesarError(
            f"The archive's key file {key_dir / MASTER_FILE} is missing or damaged.",
            hint="Restore the archive's keys/ folder from a backup or a replica.",
        ) from exc
    try:
        master = AESGCM(_derive_kek(passphrase, salt, params)).decrypt(nonce, wrapped, _MASTER_AAD)
    except InvalidTag:
        raise WrongPassphrase(
            "Wrong passphrase: it does not unlock this archive.",
            hint="Check CAESAR_PASSPHRASE or type the passphrase again. Nothing was changed.",
        ) from None
    blob = (key_dir / SECRETS_FILE).read_bytes()
    try:
        payload = json.loads(
            AESGCM(_hkdf(master, "secrets")).decrypt(blob[:12], blob[12:], _SECRETS_AAD)
        )
    except (InvalidTag, ValueError) as exc:
        raise CaesarError(
            f"The archive's secrets file {key_dir / SECRETS_FILE} is damaged.",
            hint="Restore the archive's keys/ folder from a backup or a replica.",
        ) from exc
    return Keys(
        master=master,
        age_identity=payload["age_identity"],
        signing_seed=_unb64(payload["signing_seed"]),
    )
