"""Opening sealed bundles in the archive: find them on a drive, authenticate, stream members.

    for ref in find_bundles(drive):
        bundle = open_bundle(ref, keys.age_identity)   # BundleDamaged / BundlePartMissing
        manifest = bundle.authenticate()               # pass 1: everything checked, nothing out
        for member in bundle.members():                # pass 2: stream each file
            ...member.stream.read(n)...

Nothing read from a bundle is confirmed until its end is: age authenticates each 64 KiB chunk as
it goes, but a later chunk can still turn out altered, cut short or missing. A caller that must
not take in anything from a damaged bundle either runs :meth:`Bundle.authenticate` first (one
extra decryption), or keeps what :meth:`Bundle.members` gave provisional until the iterator ends
without raising; the error's ``delivered`` lists what had been handed out.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pyrage import IdentityError, x25519

from caesar.errors import CaesarError
from caesar.seal import format as fmt
from caesar.seal.errors import BundleDamaged, BundleError, BundlePartMissing
from caesar.seal.stream import DecryptedStream, Failure

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

_SHA256 = re.compile(r"[0-9a-f]{64}")
_HINT = "Keep the bundle's files as they are (they are evidence) and ask for a new copy."


@dataclass(frozen=True)
class BundleRef:
    """A bundle found on a drive: its id, folder, and the parts present, in order."""

    bundle_id: str
    folder: Path
    parts: tuple[Path, ...]
    numbers: tuple[int, ...]

    @property
    def label(self) -> str:
        """How messages name the bundle."""
        return f"{self.bundle_id} in {self.folder}"


def find_bundles(path: Path | str) -> list[BundleRef]:
    """The sealed bundles at `path`: a folder (searched recursively) or one part file.

    Parts are recognised by name only (``<32 hex>.<nnn>``), so a bundle whose first part is
    damaged or missing is still found and then reported by :func:`open_bundle`. Symlinks are
    never followed.
    """
    root = Path(path)
    groups: dict[tuple[Path, str], dict[int, Path]] = {}

    def consider(folder: Path, name: str) -> None:
        parsed = fmt.parse_part_name(name)
        if parsed is None:
            return
        try:
            mode = os.lstat(folder / name).st_mode
        except OSError:
            return  # vanished or too long a path: the source's walk names it
        if stat.S_ISREG(mode):
            groups.setdefault((folder, parsed[0]), {})[parsed[1]] = folder / name

    if root.is_symlink() or not root.exists():
        return []
    if root.is_dir():
        for folder, _dirs, files in os.walk(root):  # os.walk does not follow symlinks
            for name in files:
                consider(Path(folder), name)
    elif (parsed := fmt.parse_part_name(root.name)) is not None:
        for name in os.listdir(root.parent):
            if name.startswith(parsed[0]):
                consider(root.parent, name)
    return [BundleRef(bundle_id, folder, tuple(parts[n] for n in sorted(parts)),
                      tuple(sorted(parts)))
            for (folder, bundle_id), parts in sorted(groups.items())]


@dataclass(frozen=True)
class Member:
    """One file of a bundle. Read `stream` before asking the iterator for the next member."""

    path: str  # relative, '/'-separated, starting with the SOURCE's name
    size: int
    sha256: str  # as hashed on the sealing machine (the manifest's value)
    mtime_ns: int
    ctime_ns: int
    stream: BinaryIO

    @property
    def mtime(self) -> datetime:
        """Last modification time on the sealing machine, in UTC."""
        seconds, ns = divmod(self.mtime_ns, 10**9)
        return datetime.fromtimestamp(seconds, UTC).replace(microsecond=ns // 1000)


def open_bundle(ref: BundleRef, age_identity: str) -> Bundle:
    """Check that every part is there and the archive's key opens the bundle; read its record.

    Raises :class:`BundlePartMissing` or :class:`BundleDamaged` (naming the bundle).
    """
    try:
        identity = x25519.Identity.from_str(age_identity)
    except IdentityError:
        raise CaesarError("The archive's age identity is not valid.",
                          hint="`caesar repair --from REPLICA` puts the keys back"
                          " from a replica (docs/recovery.md).") from None
    missing = sorted(set(range(1, max(ref.numbers) + 1)) - set(ref.numbers))
    if missing:
        names = ", ".join(fmt.part_name(ref.bundle_id, n) for n in missing)
        raise BundlePartMissing(ref.label, f"part(s) {names} missing.",
                                hint="Copy every part of the bundle from the drive.")
    reading = _Reading(ref, identity, None, deliver=False)
    try:
        record = reading.record()
    finally:
        reading.close()
    sizes = [_size(p) for p in ref.parts]
    for number, size in zip(ref.numbers[:-1], sizes[:-1], strict=True):
        if size != record.part_size:
            raise BundleDamaged(ref.label, f"part {fmt.part_name(ref.bundle_id, number)} is"
                                f" {size} bytes where {record.part_size} were written: it was"
                                " cut short or altered.", hint=_HINT)
    if sizes[-1] > record.part_size:
        raise BundleDamaged(ref.label, "its last part is longer than a part can be.", hint=_HINT)
    return Bundle(ref, identity, record)


class Bundle:
    """An opened bundle. Each full pass decrypts the parts again; see the module docstring."""

    def __init__(self, ref: BundleRef, identity: x25519.Identity, record: fmt.SealRecord) -> None:
        self.ref = ref
        self.record = record
        self.manifest: fmt.Manifest | None = None  # known after a full pass
        self._identity = identity

    def authenticate(self) -> fmt.Manifest:
        """Decrypt and check the whole bundle, handing nothing out; return its manifest."""
        for _ in self._pass(deliver=False):
            pass
        assert self.manifest is not None
        return self.manifest

    def members(self) -> Iterator[Member]:
        """Each file in turn, streamed; ends only once the whole bundle is authenticated.

        On damage it raises :class:`BundleError` whose ``delivered`` names every member handed
        out before (none of them may be kept as authentic).
        """
        return self._pass(deliver=True)

    def _pass(self, *, deliver: bool) -> Iterator[Member]:
        reading = _Reading(self.ref, self._identity, self.record, deliver=deliver)
        try:
            yield from reading.members()
            self.manifest = reading.manifest
        finally:
            reading.close()


@dataclass(frozen=True)
class _Header:
    name: str
    size: int
    pax: dict[str, str]


class _Short(Exception):
    """The plaintext ended early; why is up to the decrypting thread."""


class _Reading:
    """One decrypting pass over a bundle, parsing the tar stream the writer made."""

    def __init__(self, ref: BundleRef, identity: x25519.Identity,
                 record: fmt.SealRecord | None, *, deliver: bool) -> None:
        self.ref, self.known, self.deliver = ref, record, deliver
        self.stream = DecryptedStream(ref.parts, identity)
        self.top = ref.bundle_id + "/"
        self.delivered: list[str] = []
        self.manifest: fmt.Manifest | None = None

    def close(self) -> None:
        self.stream.close()

    def damaged(self, message: str) -> BundleDamaged:
        return BundleDamaged(self.ref.label, message, hint=_HINT, delivered=self.delivered)

    def broken(self, record: fmt.SealRecord | None) -> BundleError:
        """The error for a stream that ended early: what the decrypting thread saw."""
        failure = self.stream.finish()
        if failure is None:
            return self.damaged("its content ends early: not a bundle this tool writes.")
        return _failure_error(self.ref, failure, record, self.delivered)

    def read_exact(self, size: int) -> bytes:
        data = self.stream.read(size)
        if len(data) < size:
            raise _Short
        return data

    def skip(self, size: int) -> None:
        if self.stream.skip(size) < size:
            raise _Short

    def header(self) -> _Header | None:
        """The next member's header, or None at the end of the archive."""
        block = self.read_exact(fmt.BLOCK)
        if block == bytes(fmt.BLOCK):
            if self.read_exact(fmt.BLOCK) != bytes(fmt.BLOCK):
                raise self.damaged("malformed inside (a lone end block).")
            return None
        info, pax = self._info(block), {}
        if info.type == tarfile.XHDTYPE:
            if info.size > fmt.PAX_LIMIT:
                raise self.damaged("malformed inside (an oversized pax header).")
            try:
                pax = fmt.parse_pax(self.read_exact(info.size))
            except ValueError:
                raise self.damaged("malformed inside (a bad pax header).") from None
            self.skip(-info.size % fmt.BLOCK)
            info = self._info(self.read_exact(fmt.BLOCK))
        if info.type not in (tarfile.REGTYPE, tarfile.AREGTYPE):
            raise self.damaged("it holds something other than regular files.")
        try:
            size = int(pax.get("size", info.size))
        except ValueError:
            size = -1
        if size < 0:  # a pax size may say anything, "-5" included
            raise self.damaged("malformed inside (a bad size).")
        return _Header(pax.get("path", info.name), size, pax)

    def _info(self, block: bytes) -> tarfile.TarInfo:
        try:
            return tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
        except tarfile.HeaderError:
            raise self.damaged("malformed inside (a bad tar header).") from None

    def small(self, header: _Header | None, name: str, limit: int) -> bytes:
        if header is None or header.name != self.top + name or header.size > limit:
            raise self.damaged(f"{name} is missing or out of place.")
        data = self.read_exact(header.size)
        self.skip(-header.size % fmt.BLOCK)
        return data

    def record(self) -> fmt.SealRecord:
        """The sealing record, which follows bagit.txt at the start of the bundle."""
        try:
            self.small(self.header(), fmt.BAGIT_TXT, fmt.SMALL_MEMBER_LIMIT)
            try:
                record = fmt.SealRecord.from_json(
                    self.small(self.header(), fmt.RECORD, fmt.SMALL_MEMBER_LIMIT))
            except ValueError as exc:
                raise self.damaged(f"its sealing record is unreadable ({exc}).") from None
        except _Short:
            raise self.broken(self.known) from None
        if record.bundle_id != self.ref.bundle_id:
            raise self.damaged(f"its parts were renamed: the content is bundle"
                               f" {record.bundle_id}.")
        if self.known is not None and record != self.known:
            raise self.damaged("its sealing record changed since it was opened.")
        return record

    def members(self) -> Iterator[Member]:
        record = self.record()
        seen: list[fmt.ManifestEntry] = []
        try:
            header = self.header()
            while header is not None and header.name.startswith(self.top + fmt.DATA):
                entry = self._entry(header, len(self.top + fmt.DATA), {e.path for e in seen})
                raw = _MemberRaw(self, entry.size, record)
                if self.deliver:
                    self.delivered.append(entry.path)
                    yield Member(entry.path, entry.size, entry.sha256, entry.mtime_ns,
                                 entry.ctime_ns, io.BufferedReader(raw, 1 << 16))
                self.skip(raw.remaining + (-entry.size % fmt.BLOCK))
                seen.append(entry)
                header = self.header()
            manifest = self._tags(header)
            if self.stream.read(1):
                raise self.damaged("malformed inside (data after its end).")
            if self.stream.finish() is not None:
                raise _Short
        except _Short:
            raise self.broken(record) from None
        if manifest.bundle_id != record.bundle_id or manifest.files != tuple(seen):
            raise self.damaged("its manifest does not match its files.")
        self.manifest = manifest

    def _entry(self, header: _Header, cut: int, seen: set[str]) -> fmt.ManifestEntry:
        path = header.name[cut:]
        sha = header.pax.get(fmt.PAX_SHA256, "")
        if not fmt.is_safe_path(path) or path in seen or not _SHA256.fullmatch(sha):
            raise self.damaged("malformed inside (a bad or repeated member).")
        try:
            mtime, ctime = (fmt.pax_to_ns(header.pax[k]) for k in ("mtime", "ctime"))
        except (KeyError, ValueError):
            raise self.damaged("malformed inside (member times missing).") from None
        return fmt.ManifestEntry(path, header.size, sha, mtime, ctime)

    def _tags(self, header: _Header | None) -> fmt.Manifest:
        """The tag files after the payload, up to the end of the archive; the manifest."""
        manifest = None
        while header is not None:
            name = header.name.removeprefix(self.top)
            if name == header.name or "/" in name or (name == fmt.MANIFEST and manifest):
                raise self.damaged("malformed inside (a stray member after the files).")
            if name == fmt.MANIFEST:
                try:
                    manifest = fmt.Manifest.from_json(
                        self.small(header, fmt.MANIFEST, fmt.MANIFEST_LIMIT))
                except ValueError:
                    raise self.damaged("its manifest is unreadable.") from None
            else:
                self.skip(header.size + (-header.size % fmt.BLOCK))
            header = self.header()
        if manifest is None:
            raise self.damaged("its manifest is missing.")
        return manifest


class _MemberRaw(io.RawIOBase):
    """One member's bytes, straight from the decrypted stream; never more than its size."""

    def __init__(self, reading: _Reading, size: int, record: fmt.SealRecord) -> None:
        super().__init__()
        self._reading, self._record = reading, record
        self.remaining = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        want = min(len(view), self.remaining)
        if not want:
            return 0
        data = self._reading.stream.read(want)
        if len(data) < want:  # the stream broke inside this member: say why, right here
            raise self._reading.broken(self._record)
        view[:len(data)] = data
        self.remaining -= len(data)
        return len(data)


def _size(path: Path) -> int:
    """A part's size; -1 if it can no longer be read (it then fails the size checks)."""
    try:
        return path.stat().st_size
    except OSError:
        return -1


def _failure_error(ref: BundleRef, failure: Failure, record: fmt.SealRecord | None,
                   delivered: list[str]) -> BundleError:
    part = fmt.part_name(ref.bundle_id, ref.numbers[min(failure.part, len(ref.numbers)) - 1])
    if failure.header:
        return BundleDamaged(ref.label, "the archive's key does not open it: it was sealed to"
                             " another archive's key, or its header was altered.",
                             hint="Check that it was sealed with this archive's archive.pub. "
                             + _HINT, delivered=delivered)
    if failure.at_end and record is not None and _size(ref.parts[-1]) == record.part_size:
        after = fmt.part_name(ref.bundle_id, ref.numbers[-1] + 1)
        return BundlePartMissing(ref.label, f"it goes on after its last part present: part"
                                 f" {after} (at least) is missing.",
                                 hint="Copy every part of the bundle from the drive.",
                                 delivered=delivered)
    if failure.at_end:
        return BundleDamaged(ref.label, f"it is cut short (or its end altered) in {part}.",
                             hint=_HINT, delivered=delivered)
    return BundleDamaged(ref.label, f"it was altered or damaged in {part}: authentication"
                         " failed.", hint=_HINT, delivered=delivered)
