#!/usr/bin/env python3
"""Check a Caesar Archive custody-log proof with nothing but Python's standard library.

Whoever holds a published checkpoint and the archive's verifier key (vkey) can check, without
trusting the archive or installing anything:

* that a photo was recorded in the log (an inclusion proof, from
  ``caesar ledger proof --sha256 H --json``, opened with the photo itself and the salt)::

      python3 verify_inclusion.py inclusion --vkey VKEY --proof proof.json \\
          [--checkpoint published.txt] [--photo photo.jpg | --sha256 H]

* that the log only grew between an older and a newer checkpoint (a consistency proof, from
  ``caesar ledger consistency --from OLD_SIZE --json``)::

      python3 verify_inclusion.py consistency --vkey VKEY --old old.txt --new new.txt \\
          --proof consistency.json

* everything an evidence package carries: each original's file against its SHA-256, each
  SHA-256 against its custody-log entry (the commitment opened with its salt), each entry in
  the package's signed checkpoint, and the entry that records the export itself::

      python3 verify_inclusion.py package BAG_FOLDER --vkey VKEY

Without ``--checkpoint`` the inclusion proof is checked against the checkpoint it carries
(whose signature is still checked); ``--new`` may likewise be omitted. Exit status 0 means
every check passed, 1 that one failed (the reason is printed), 2 a usage error.

What is checked: the checkpoint is a C2SP signed note signed by the vkey (Ed25519, RFC 8032,
implemented below from the RFC's reference code); the proof leads from the entry to the
checkpoint's root hash by RFC 9162 §2.1.3.2 (inclusion) or §2.1.4.2 (consistency); and the
entry's commitment is SHA-256(salt ‖ SHA-256(photo)).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

# --- Ed25519 verification (RFC 8032 §6, the reference implementation, verify only) ---------

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
Point = tuple[int, int, int, int]


def _add(a: Point, b: Point) -> Point:
    e1 = (a[1] - a[0]) * (b[1] - b[0]) % _P
    e2 = (a[1] + a[0]) * (b[1] + b[0]) % _P
    c = 2 * a[3] * b[3] * _D % _P
    d = 2 * a[2] * b[2] % _P
    e, f, g, h = e2 - e1, d - c, d + c, e2 + e1
    return (e * f, g * h, f * g, e * h)


def _multiply(scalar: int, point: Point) -> Point:
    result: Point = (0, 1, 1, 0)
    while scalar > 0:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _equal(a: Point, b: Point) -> bool:
    return ((a[0] * b[2] - b[0] * a[2]) % _P == 0
            and (a[1] * b[2] - b[1] * a[2]) % _P == 0)


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    return _P - x if (x & 1) != sign else x


def _decompress(data: bytes) -> Point | None:
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0) or 0
_G: Point = (_GX, _GY, 1, _GX * _GY % _P)


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """RFC 8032 Ed25519 signature check."""
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _decompress(public), _decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little")
    return _equal(_multiply(s, _G), _add(r, _multiply(h % _L, a)))


# --- C2SP signed notes and checkpoints ------------------------------------------------------

class Failed(Exception):
    """A check did not pass."""


def _load(path: Path) -> Any:
    """A JSON document from a file; Failed if it is not JSON this script can read."""
    try:
        return json.loads(path.read_text("utf-8"))
    except RecursionError:
        raise Failed(f"{path} nests lists or objects too deeply to be a proof") from None
    except ValueError as error:
        raise Failed(f"{path} is not JSON: {error}") from None


def _field(document: Any, key: str, kind: type, where: str) -> Any:
    """``document[key]``, which must be a `kind` (never a bool for an int); Failed otherwise,
    naming the field, since a proof may come from anyone."""
    if not isinstance(document, dict) or key not in document:
        raise Failed(f"{where} has no {key!r}: it is not what `caesar ledger` writes")
    value = document[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Failed(f"{where}: {key!r} is not {kind.__name__}")
    return value


def _hashes(document: Any, where: str) -> list[bytes]:
    """The ``proof`` list of base64 hashes."""
    items = _field(document, "proof", list, where)
    if not all(isinstance(item, str) for item in items):
        raise Failed(f"{where}: 'proof' must be a list of base64 hashes")
    return [base64.b64decode(item, validate=True) for item in items]


def verify_note(note: str, vkey: str) -> str:
    """The text of a signed note that ``vkey`` (``name+keyid+base64key``) signed."""
    name, key_id, key = vkey.split("+", 2)
    raw = base64.b64decode(key, validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise Failed("the vkey is not an Ed25519 verifier key")
    if hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() != key_id:
        raise Failed("the vkey's key ID does not match its name and key: copied wrongly?")
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise Failed("not a signed note: no blank line before the signatures")
    text = note[:split + 1]
    for line in note[split + 2:-1].split("\n"):
        signer, _, encoded = line.removeprefix("\u2014 ").partition(" ")
        signature = base64.b64decode(encoded)
        if signer == name and signature[:4].hex() == key_id:
            if ed25519_verify(raw[1:], text.encode(), signature[4:]):
                return text
            raise Failed(f"the signature by {name} does not match: the note was altered")
    raise Failed(f"the note carries no signature by {name}")


def open_checkpoint(note: str, vkey: str) -> tuple[str, int, bytes]:
    """(origin, size, root hash) of a signed checkpoint, after checking its signature."""
    origin, size, root, *_ = verify_note(note, vkey).split("\n")
    if origin != vkey.split("+", 1)[0]:
        raise Failed(f"the checkpoint is for log {origin!r}, not the vkey's")
    return origin, int(size), base64.b64decode(root, validate=True)


# --- RFC 9162 §2.1 proof verification --------------------------------------------------------

def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes],
                     root: bytes) -> None:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        raise Failed(f"entry {index} is outside a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise Failed("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or r != root:
        raise Failed("the inclusion proof does not lead to the checkpoint's root hash")


def verify_consistency(m: int, n: int, old_root: bytes, new_root: bytes,
                       proof: list[bytes]) -> None:
    """RFC 9162 §2.1.4.2."""
    if not 0 < m <= n:
        raise Failed(f"no consistency from {m} to {n} entries: the log shrank")
    if m == n:
        if proof or old_root != new_root:
            raise Failed("two different root hashes for the same size")
        return
    path = ([old_root] if m & (m - 1) == 0 else []) + proof
    if not proof:
        raise Failed("the consistency proof is empty")
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Failed("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != old_root or sr != new_root:
        raise Failed("the consistency proof does not lead from the old root to the new one")


# --- the two checks --------------------------------------------------------------------------

def check_inclusion(args: argparse.Namespace) -> list[str]:
    """Checkpoint signature, audit path, and the commitment opened with the photo."""
    where = args.proof
    proof = _load(Path(args.proof))
    note = (Path(args.checkpoint).read_text("utf-8") if args.checkpoint
            else _field(proof, "checkpoint", str, where))
    origin, size, root = open_checkpoint(note, args.vkey)
    said = [f"checkpoint of {origin} with {size} entries: signature valid"]
    if _field(proof, "size", int, where) != size:
        raise Failed(f"the proof is for {proof['size']} entries, the checkpoint has {size}: "
                     f"ask for `caesar ledger proof ... --size {size}`")
    entry = base64.b64decode(_field(proof, "leaf", str, where), validate=True)
    leaf = hashlib.sha256(b"\x00" + entry).digest()
    index = _field(proof, "index", int, where)
    verify_inclusion(index, size, leaf, _hashes(proof, where), root)
    said.append(f"entry {index} is in the log: {entry.decode('utf-8')}")
    digest = (hashlib.sha256(Path(args.photo).read_bytes()).digest() if args.photo
              else bytes.fromhex(args.sha256) if args.sha256 else None)
    if digest is not None:
        if not proof.get("salt"):
            raise Failed("the proof carries no salt to open the entry's commitment")
        if not _opened(entry, _field(proof, "salt", str, where), digest):
            raise Failed("the entry does not commit to this photo")
        said.append(f"the entry commits to the photo with SHA-256 {digest.hex()}")
    return said


def check_consistency(args: argparse.Namespace) -> list[str]:
    """Both checkpoints signed, and the newer one extends the older."""
    where = args.proof
    proof = _load(Path(args.proof))
    _, m, old_root = open_checkpoint(Path(args.old).read_text("utf-8"), args.vkey)
    new_note = (Path(args.new).read_text("utf-8") if args.new
                else _field(proof, "checkpoint", str, where))
    _, n, new_root = open_checkpoint(new_note, args.vkey)
    if (_field(proof, "from", int, where), _field(proof, "to", int, where)) != (m, n):
        raise Failed(f"the proof is from {proof['from']} to {proof['to']} entries, the "
                     f"checkpoints have {m} and {n}")
    verify_consistency(m, n, old_root, new_root, _hashes(proof, where))
    return [(f"checkpoints of {m} and {n} entries: both signed, and the log of {n} entries "
             f"extends the log of {m}: nothing was removed or changed in between")]


def _opened(entry: bytes, salt: str, digest: bytes) -> bool:
    """Whether the entry's commitment is SHA-256(salt ‖ digest)."""
    try:
        subject = json.loads(entry)
    except RecursionError:
        raise Failed("the entry nests too deeply to be a custody-log entry") from None
    return bool(_field(subject, "subject", str, "the entry")
                == hashlib.sha256(bytes.fromhex(salt) + digest).hexdigest())


def check_package(args: argparse.Namespace) -> list[str]:
    """Every original of an evidence package, and its export entry, against its checkpoint."""
    bag = Path(args.bag)
    custody = bag / "custody"
    note = (custody / "checkpoint.txt").read_text("utf-8")
    vkey = args.vkey or (custody / "vkey.txt").read_text("utf-8").strip()
    origin, size, root = open_checkpoint(note, vkey)
    said = [f"checkpoint of {origin} with {size} entries: signature valid"]
    if not args.vkey:
        said.append("(checked with the package's own vkey: compare it with the one the archive"
                    " published)")
    proofs = _load(custody / "proofs.json")
    if not isinstance(proofs, list):
        raise Failed("custody/proofs.json is not a list of proofs")
    for number, item in enumerate(proofs, start=1):
        where = f"proof {number} of custody/proofs.json"
        if _field(item, "checkpoint", str, where) != note:
            raise Failed(f"the proof of {item.get('sha256')} is for another checkpoint")
        file = _field(item, "file", str, where)
        digest = hashlib.sha256((bag / file).read_bytes()).digest()
        if digest.hex() != _field(item, "sha256", str, where):
            raise Failed(f"{file} does not have the SHA-256 {item['sha256']}")
        entry = base64.b64decode(_field(item, "leaf", str, where), validate=True)
        index = _field(item, "index", int, where)
        verify_inclusion(index, size, hashlib.sha256(b"\x00" + entry).digest(),
                         _hashes(item, where), root)
        if not _opened(entry, _field(item, "salt", str, where), digest):
            raise Failed(f"entry {index} does not commit to {file}")
    # An original added to the package (and to its bag manifest) without a proof must not
    # pass as one the archive vouches for.
    held = {f"data/originals/{p.name}" for p in (bag / "data" / "originals").glob("*")}
    unproved = sorted(held - {item["file"] for item in proofs})
    if unproved:
        raise Failed(f"{unproved[0]} is in the package but custody/proofs.json has no proof"
                     f" for it ({len(unproved)} such file(s))")
    said.append(f"{len(proofs)} originals: each file has its SHA-256, each SHA-256 opens the "
                "commitment of its custody-log entry, and each entry is in the checkpoint")
    export, where = _load(custody / "export-entry.json"), "custody/export-entry.json"
    entry = base64.b64decode(_field(export, "leaf", str, where), validate=True)
    index, subject = _field(export, "index", int, where), _field(export, "subject", str, where)
    verify_inclusion(index, size, hashlib.sha256(b"\x00" + entry).digest(),
                     _hashes(export, where), root)
    if not _opened(entry, _field(export, "salt", str, where),
                   hashlib.sha256(subject.encode()).digest()):
        raise Failed(f"entry {index} does not commit to {subject}")
    said.append(f"entry {index} records this export: {entry.decode('utf-8')}")
    return said


def main(argv: list[str] | None = None) -> int:
    """Run one check; print what was established, or why it failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    inclusion = commands.add_parser("inclusion", help="a photo's entry is in the log")
    inclusion.add_argument("--vkey", required=True, help="the archive's published vkey")
    inclusion.add_argument("--proof", required=True, help="`caesar ledger proof --json` output")
    inclusion.add_argument("--checkpoint", help="the published signed checkpoint")
    photo = inclusion.add_mutually_exclusive_group()
    photo.add_argument("--photo", help="the photo file, to open the entry's commitment")
    photo.add_argument("--sha256", help="the photo's SHA-256, instead of the file")
    consistency = commands.add_parser("consistency", help="the log only grew")
    consistency.add_argument("--vkey", required=True, help="the archive's published vkey")
    consistency.add_argument("--old", required=True, help="the older signed checkpoint")
    consistency.add_argument("--new", help="the newer signed checkpoint (default: the proof's)")
    consistency.add_argument("--proof", required=True,
                             help="`caesar ledger consistency --json` output")
    package = commands.add_parser("package", help="everything in an evidence package")
    package.add_argument("bag", help="the evidence package's folder (its bag root)")
    package.add_argument("--vkey", help="the archive's published vkey (default: the package's"
                         " custody/vkey.txt; compare it with the published one)")
    args = parser.parse_args(argv)
    checks = {"inclusion": check_inclusion, "consistency": check_consistency,
              "package": check_package}
    try:
        said = checks[args.command](args)
    except (Failed, ValueError, KeyError, OSError) as error:
        print(f"FAILED: {error}")
        return 1
    for line in said:
        print(f"OK: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
