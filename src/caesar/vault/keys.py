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
import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pyrage import x25519

from caesar import faults
from caesar.errors import CaesarError, WrongPassphrase
from caesar.files import write_atomic

KEYS_DIR = "keys"
MASTER_FILE = "master.json"
SECRETS_FILE = "secrets.enc"
_MASTER_AAD = b"caesar-archive master key v1"
_SECRETS_AAD = b"caesar-archive secrets v1"


class KdfCost(StrEnum):
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


def subkey(master: bytes, purpose: str) -> bytes:
    """A 256-bit key for one purpose, derived from the master key (HKDF-SHA256)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"caesar/" + purpose.encode()
    ).derive(master)


@dataclass(frozen=True, kw_only=True, repr=False)
class Keys:
    """The unlocked keys of one archive. Never printed, never logged (no repr)."""

    master: bytes
    age_identity: str
    signing_seed: bytes

    def subkey(self, purpose: str) -> bytes:
        """A 256-bit key for one purpose, derived from the master key."""
        return subkey(self.master, purpose)

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
    """Make a new master key, wrap it under `passphrase`, and store the archive's secrets.

    The caller has refused a weak passphrase (:func:`caesar.vault.passphrase.require_strong`)
    before making anything.
    """
    keys = Keys(
        master=secrets.token_bytes(32),
        age_identity=str(x25519.Identity.generate()),
        signing_seed=secrets.token_bytes(32),
    )
    key_dir = folder / KEYS_DIR
    key_dir.mkdir(mode=0o700)
    write_atomic(key_dir / MASTER_FILE, _wrap(keys.master, passphrase, cost))
    write_atomic(key_dir / SECRETS_FILE, seal(keys.subkey("secrets"), _SECRETS_AAD, json.dumps(
        {"age_identity": keys.age_identity, "signing_seed": _b64(keys.signing_seed)}).encode()))
    return keys


def _wrap(master: bytes, passphrase: str, cost: KdfCost) -> bytes:
    params = _KDF_PARAMS[cost]
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    wrapped = AESGCM(_derive_kek(passphrase, salt, params)).encrypt(nonce, master, _MASTER_AAD)
    record = {"kdf": "argon2id", **params, "salt": _b64(salt), "nonce": _b64(nonce),
              "wrapped_key": _b64(wrapped)}
    return json.dumps(record, indent=2).encode()


def seal(key: bytes, aad: bytes, payload: bytes) -> bytes:
    """``payload`` encrypted and authenticated under ``key`` (AES-256-GCM, random nonce)."""
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(key).encrypt(nonce, payload, aad)


def unseal(key: bytes, aad: bytes, blob: bytes) -> bytes:
    """What :func:`seal` sealed; raises ``InvalidTag`` if it was altered or is another's."""
    if len(blob) < 12 + 16:
        raise InvalidTag
    return AESGCM(key).decrypt(blob[:12], blob[12:], aad)


class DamagedKeys(CaesarError):
    """A file of the archive's keys is missing or damaged."""


def _damaged_keys(path: Path, what: str) -> DamagedKeys:
    return DamagedKeys(
        f"The archive's {what} {path} is {'missing' if not path.exists() else 'damaged'}.",
        hint="Nothing was changed. `caesar repair --from REPLICA` puts the keys back from a"
        " replica (docs/recovery.md).")


def _master_record(folder: Path) -> tuple[dict[str, int], bytes, bytes, bytes]:
    path = folder / KEYS_DIR / MASTER_FILE
    try:
        return _parse_master(path.read_bytes())
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _damaged_keys(path, "key file") from exc


def _parse_master(data: bytes) -> tuple[dict[str, int], bytes, bytes, bytes]:
    record: dict[str, Any] = json.loads(data.decode("ascii"))
    params = {k: int(record[k]) for k in ("time_cost", "memory_kib", "parallelism")}
    return params, _unb64(record["salt"]), _unb64(record["nonce"]), _unb64(record["wrapped_key"])


def kdf_cost(folder: Path) -> KdfCost:
    """How hard the archive's passphrase is made to guess (what a new wrapping keeps)."""
    params = _master_record(folder)[0]
    return KdfCost.test if params == _KDF_PARAMS[KdfCost.test] else KdfCost.normal


def unwrap_master(folder: Path, passphrase: str) -> bytes:
    """The master key, unwrapped with `passphrase`."""
    return _unwrap(_master_record(folder), passphrase)


def unwrap_master_file(data: bytes, passphrase: str) -> bytes | None:
    """The master key from the bytes of a key file (a replica's); None if they are damaged."""
    try:
        record = _parse_master(data)
    except (ValueError, KeyError, TypeError):
        return None
    return _unwrap(record, passphrase)


def _unwrap(record: tuple[dict[str, int], bytes, bytes, bytes], passphrase: str) -> bytes:
    params, salt, nonce, wrapped = record
    try:
        return AESGCM(_derive_kek(passphrase, salt, params)).decrypt(nonce, wrapped, _MASTER_AAD)
    except InvalidTag:
        raise WrongPassphrase(
            "Wrong passphrase: it does not unlock this archive.",
            hint="Check CAESAR_PASSPHRASE or type the passphrase again. Nothing was changed.",
        ) from None


def secrets_open(data: bytes, master: bytes) -> bool:
    """Whether the bytes of a secrets file (a replica's) open with `master`."""
    try:
        unseal(subkey(master, "secrets"), _SECRETS_AAD, data)
    except InvalidTag:
        return False
    return True


def open_keys(folder: Path, master: bytes) -> Keys:
    """The archive's keys, given its master key (unwrapped, or rebuilt from trustees' shares).

    Raises :class:`WrongMasterKey` when `master` is not this archive's.
    """
    path = folder / KEYS_DIR / SECRETS_FILE
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise _damaged_keys(path, "secrets file") from exc
    try:
        payload = json.loads(unseal(subkey(master, "secrets"), _SECRETS_AAD, blob))
        return Keys(master=master, age_identity=payload["age_identity"],
                    signing_seed=_unb64(payload["signing_seed"]))
    except InvalidTag:
        raise WrongMasterKey(
            f"The key given does not open this archive's secrets ({path}).",
            hint="If it came from trustees' shares, check the shares and their passphrase;"
            " otherwise the secrets file was replaced: `caesar repair --from REPLICA`.",
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise _damaged_keys(path, "secrets file") from exc


def unlock_keys(folder: Path, passphrase: str) -> Keys:
    """Unwrap the master key with `passphrase` and open the archive's secrets."""
    return open_keys(folder, unwrap_master(folder, passphrase))


REWRAP_WRITTEN = faults.declare(
    "keys.rewrap_written", "the master key wrapped under a new passphrase is durable under a"
    " temporary name; the old wrapping is still in place")


REWRAPPED = faults.declare(
    "keys.rewrapped", "the wrapping under the new passphrase replaced the old one; the change"
    " is not yet in the custody log")


def rewrap_master(folder: Path, master: bytes, passphrase: str) -> KdfCost:
    """Wrap the master key under a new `passphrase`, replacing the old wrapping atomically.

    A crash leaves the old passphrase or the new one working, never neither. The archive keeps
    its KDF cost, at which a weak passphrase is refused (or only warned about: the returned
    cost says which applied).
    """
    try:
        cost = kdf_cost(folder)
    except CaesarError:
        cost = KdfCost.normal  # the old wrapping is lost: the new one is made at full cost
    from caesar.vault.passphrase import require_strong  # zxcvbn's lists: only when rewrapping

    require_strong(passphrase, enforce=cost is KdfCost.normal)
    key_dir = folder / KEYS_DIR
    key_dir.mkdir(mode=0o700, exist_ok=True)
    write_atomic(key_dir / MASTER_FILE, _wrap(master, passphrase, cost), fault=REWRAP_WRITTEN)
    faults.point(REWRAPPED)
    return cost


class WrongMasterKey(CaesarError):
    """A master key (from trustees' shares) that does not open this archive."""
