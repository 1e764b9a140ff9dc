"""The sealed-bundle format, shared by the writer and the reader (docs/sealed-bundle.md).

A bundle is one age stream (X25519, to the archive's public key) cut into parts named
``<bundle id>.<nnn>``; its plaintext is a POSIX pax tar of a BagIt bag whose root folder is the
bundle id. Everything here is either a name on the drive (random id, part number) or lives
inside the encryption.
"""

from __future__ import annotations

import json
import re
import secrets
import tarfile
from dataclasses import asdict, dataclass
from typing import Any

from caesar.names import json_text

FORMAT = "caesar-sealed-bundle/1"
# FAT32 holds files of at most 4 GiB - 1 byte; 3.9 GiB leaves room and is easy to say.
PART_SIZE = int(3.9 * 1024**3)
MIN_PART_SIZE = 4096
_PART_NAME = re.compile(r"([0-9a-f]{32})\.([0-9]{3,})")

BLOCK = 512
END_OF_ARCHIVE = bytes(2 * BLOCK)
# Tar members of the bag, in the order the writer puts them (the record first, so a reader
# knows it after the first chunk; the manifest last, when every hash is known).
BAGIT_TXT = "bagit.txt"
RECORD = "caesar-seal.json"
DATA = "data/"
PAYLOAD_MANIFEST = "manifest-sha256.txt"
MANIFEST = "caesar-manifest.json"
BAG_INFO = "bag-info.txt"
# Vendor pax keyword (POSIX: VENDOR.keyword) carrying each member's SHA-256 up front, so that
# a reader streaming the bundle knows the expected hash before the content.
PAX_SHA256 = "CAESAR.sha256"
# Upper bounds a reader enforces, so that a crafted bundle cannot make it hold much in memory.
PAX_LIMIT = 64 * 1024
SMALL_MEMBER_LIMIT = 64 * 1024
MANIFEST_LIMIT = 64 * 1024 * 1024


class Malformed(ValueError):
    """A record, manifest or header inside a bundle is not what the writer makes."""


def new_bundle_id() -> str:
    """A random bundle id: 128 bits, lowercase hex. It says nothing about the content."""
    return secrets.token_hex(16)


def part_name(bundle_id: str, number: int) -> str:
    """The file name of part `number` (from 1) of a bundle."""
    return f"{bundle_id}.{number:03d}"


def parse_part_name(name: str) -> tuple[str, int] | None:
    """(bundle id, part number) if `name` is exactly a part name the writer makes, else None."""
    match = _PART_NAME.fullmatch(name)
    if match is None:
        return None
    number = int(match.group(2))
    if number < 1 or part_name(match.group(1), number) != name:
        return None  # only canonical numbering: 001 and 0001 must not both be part 1
    return match.group(1), number


@dataclass(frozen=True)
class SealRecord:
    """Who sealed the bundle, when, with what (as claimed by the sealing machine)."""

    bundle_id: str
    sealed_at: str  # ISO 8601, UTC
    device_label: str | None
    tool_version: str
    part_size: int
    format: str = FORMAT

    def to_json(self) -> bytes:
        """The record as the UTF-8 JSON stored in the bundle."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> SealRecord:
        """Parse a stored record; :class:`Malformed` if this version cannot read it."""
        raw = _object(data)
        if raw.get("format") != FORMAT:
            raise Malformed(f"unknown bundle format {raw.get('format')!r}")
        label = raw.get("device_label")
        record = cls(bundle_id=_text(raw, "bundle_id"), sealed_at=_text(raw, "sealed_at"),
                     device_label=label if isinstance(label, str) else None,
                     tool_version=_text(raw, "tool_version"),
                     part_size=_number(raw, "part_size"))
        if record.part_size < MIN_PART_SIZE:
            raise Malformed("part size too small")
        return record


@dataclass(frozen=True)
class ManifestEntry:
    """One sealed file: its path in the bundle, size, SHA-256 and times (nanoseconds)."""

    path: str
    size: int
    sha256: str
    mtime_ns: int
    ctime_ns: int


@dataclass(frozen=True)
class Manifest:
    """Every file in a bundle, and every entry of the sources that was not sealed, with why."""

    bundle_id: str
    files: tuple[ManifestEntry, ...]
    skipped: tuple[tuple[str, str], ...]

    def to_json(self) -> bytes:
        """The manifest as the UTF-8 JSON stored in the bundle."""
        return json_text({
            "format": FORMAT, "bundle_id": self.bundle_id,
            "files": [asdict(f) for f in self.files],
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
        }, indent=0).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        """Parse a stored manifest; :class:`Malformed` if it is not one."""
        raw = _object(data)
        files, skipped = raw.get("files"), raw.get("skipped")
        if not isinstance(files, list) or not isinstance(skipped, list):
            raise Malformed("manifest lists missing")
        return cls(
            bundle_id=_text(raw, "bundle_id"),
            files=tuple(ManifestEntry(_text(f, "path"), _number(f, "size"), _text(f, "sha256"),
                                      _number(f, "mtime_ns"), _number(f, "ctime_ns"))
                        for f in map(_checked_object, files)),
            skipped=tuple((_text(s, "path"), _text(s, "reason"))
                          for s in map(_checked_object, skipped)))


def _object(data: bytes) -> dict[str, Any]:
    try:
        return _checked_object(json.loads(data.decode("utf-8")))
    except RecursionError:  # json's parser recurses: '[[[[...' deep enough is not JSON we wrote
        raise Malformed("JSON nested too deeply") from None


def _checked_object(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Malformed("expected a JSON object")
    return value


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str):
        raise Malformed(f"{key} missing")
    return value


def _number(raw: dict[str, Any], key: str) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Malformed(f"{key} missing")
    return value


def is_safe_path(path: str) -> bool:
    """A relative path with no empty, `.` or `..` component and no NUL: safe to name a member."""
    return bool(path) and "\0" not in path and not path.startswith("/") and all(
        part not in ("", ".", "..") for part in path.split("/"))


def ns_to_pax(ns: int) -> str:
    """A time in nanoseconds as a pax time value (decimal seconds, exact)."""
    seconds, fraction = divmod(abs(ns), 10**9)
    return f"{'-' if ns < 0 else ''}{seconds}.{fraction:09d}"


def pax_to_ns(text: str) -> int:
    """A pax time value back to nanoseconds; ValueError if malformed."""
    match = re.fullmatch(r"(-?)([0-9]+)(?:\.([0-9]{1,9}))?", text)
    if match is None:
        raise Malformed(f"bad pax time {text!r}")
    ns = int(match.group(2)) * 10**9 + int((match.group(3) or "").ljust(9, "0"))
    return -ns if match.group(1) else ns


def member_header(name: str, size: int, pax: dict[str, str] | None = None,
                  mtime: int = 0) -> bytes:
    """The pax + ustar header of a regular-file member.

    Owner, group and user names are blank and the mode fixed: the sealing machine's account
    names have no business in the archive.
    """
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, max(0, mtime)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.pax_headers = dict(pax or {})
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def padding(size: int) -> bytes:
    """The NUL bytes that round a member of `size` bytes up to whole blocks."""
    return bytes(-size % BLOCK)


def parse_pax(data: bytes) -> dict[str, str]:
    """Records `"<length> <key>=<value>\\n"` of a pax extended header; ValueError if malformed."""
    records: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        space = data.index(b" ", pos)
        length = int(data[pos:space])
        record = data[space + 1:pos + length]
        if length <= space - pos or not record.endswith(b"\n") or b"=" not in record:
            raise Malformed("malformed pax record")
        key, _, value = record[:-1].partition(b"=")
        records[key.decode("utf-8")] = value.decode("utf-8", "surrogateescape")
        pos += length
    return records
