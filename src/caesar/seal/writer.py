"""`caesar seal`: a day's files, encrypted to the archive's public key, onto removable media.

One run writes one bundle (docs/sealed-bundle.md). The plaintext, a pax tar of a BagIt bag, is
produced on demand while pyrage encrypts it, so memory stays flat whatever the size of the day.
Each file is read twice: first to hash it, in a helper thread a few files ahead (its SHA-256
leads its tar member, so the archive can check it while streaming), then to seal it, from the
page cache. Hashing in that thread overlaps with pyrage's encryption, which holds the GIL.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyrage
from pyrage import RecipientError, x25519

from caesar import __version__
from caesar.errors import CaesarError
from caesar.progress import ProgressCallback
from caesar.seal import format as fmt
from caesar.seal.errors import NotARecipient, SealError
from caesar.seal.parts import PartWriter
from caesar.seal.state import SealState, default_state_dir
from caesar.sources import FileEntry, SkippedEntry, open_entry, walk_source

_READ = 1 << 20
_AHEAD = 3  # files hashed ahead of the one being encrypted (each held open)
_LABEL_LIMIT = 200


@dataclass(frozen=True)
class SealRequest:
    """What to seal, for whom, and where to put it."""

    sources: Sequence[str]
    recipient: str  # the archive's age X25519 public key, age1...
    out: Path
    device_label: str | None = None
    since_last: bool = False
    state_dir: Path | None = None  # for since_last; None: default_state_dir()
    part_size: int = fmt.PART_SIZE


@dataclass(frozen=True)
class SealResult:
    """What one run wrote. `bundle_id` is None when there was nothing (new) to seal."""

    bundle_id: str | None
    parts: tuple[Path, ...]
    files: int
    bytes: int
    already_sealed: int
    skipped: tuple[tuple[str, str], ...]
    changed: tuple[str, ...]  # files that changed while being sealed: seal them again


@dataclass
class _File:
    """A file hashed and held open, ready to be streamed into the bundle."""

    path: str
    handle: io.FileIO
    size: int
    sha256: str
    mtime_ns: int
    ctime_ns: int


@dataclass
class _Run:
    request: SealRequest
    bundle_id: str
    state: SealState | None
    progress: ProgressCallback | None
    entries: list[FileEntry]
    skipped: list[tuple[str, str]]
    sealed: list[fmt.ManifestEntry] = field(default_factory=list)
    keep_tags: list[bytes] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    already_sealed: int = 0


def seal(request: SealRequest, progress: ProgressCallback | None = None) -> SealResult:
    """Seal the sources into one new bundle in `request.out` (see the module docstring).

    Raises :class:`SealError` (nothing left behind) when the arguments are unusable, the drive
    is full or fails.
    """
    recipient = _check(request)
    entries, skipped = _collect(request)
    state = None
    if request.since_last:
        state = SealState(request.state_dir or default_state_dir())
        state.load()
    else:
        _check_space(request.out, entries)
    run = _Run(request, fmt.new_bundle_id(), state, progress, entries, skipped)
    if progress:
        progress("start", len(entries), 0)
    files = _prepared(run)
    first = next(files, None)
    if first is None:  # nothing new: no bundle at all rather than an empty one on the drive
        if state is not None:
            state.save(run.keep_tags)
        return _result(run, None, ())
    parts = _encrypt(run, _with_first(first, files), recipient)
    if state is not None:
        state.save(run.keep_tags)
    return _result(run, run.bundle_id, parts)


def _result(run: _Run, bundle_id: str | None, parts: tuple[Path, ...]) -> SealResult:
    return SealResult(bundle_id, parts, len(run.sealed), sum(f.size for f in run.sealed),
                      run.already_sealed, tuple(run.skipped), tuple(run.changed))


def _check(request: SealRequest) -> x25519.Recipient:
    if not request.sources:
        raise SealError("Nothing to seal: give at least one SOURCE.")
    label = request.device_label
    if label is not None and (len(label) > _LABEL_LIMIT
                              or any(not c.isprintable() for c in label)):
        raise SealError(f"The device label must be one line of at most {_LABEL_LIMIT}"
                        " printable characters.")
    if request.part_size < fmt.MIN_PART_SIZE:
        raise SealError(f"The part size must be at least {fmt.MIN_PART_SIZE} bytes.")
    out = request.out
    if not out.is_dir():
        raise SealError(f"The output folder {out} does not exist.",
                        hint="Mount the drive and give its folder; caesar seal never creates"
                        " it, so that nothing lands on this machine's own disk by mistake.")
    for source in request.sources:
        src = Path(os.path.abspath(source))
        if Path(os.path.abspath(out)).is_relative_to(src):
            raise SealError(f"The output folder {out} is inside the SOURCE {source}.",
                            hint="Write the bundle outside what is being sealed.")
    try:
        return x25519.Recipient.from_str(request.recipient)
    except RecipientError:
        raise NotARecipient("The recipient is not an age X25519 public key (age1...).") from None


def _collect(request: SealRequest) -> tuple[list[FileEntry], list[tuple[str, str]]]:
    """Every entry of the sources, with each SOURCE's own name as the top of its paths."""
    entries: list[FileEntry] = []
    skipped: list[tuple[str, str]] = []
    names: set[str] = set()
    for source in request.sources:
        name = os.path.basename(os.path.abspath(source))
        if not name:
            raise SealError(f"Cannot seal {source} as a whole: name a folder inside it.")
        if name in names:
            raise SealError(f"Two SOURCEs are named {name!r}: their paths would collide.",
                            hint="Seal them in separate runs, or rename one.")
        names.add(name)
        try:
            folder = stat.S_ISDIR(os.lstat(source).st_mode)
        except OSError:
            folder = False  # walk_source says why it cannot be read
        prefix = name + "/" if folder else ""
        try:
            for entry in walk_source(source):
                if isinstance(entry, SkippedEntry):
                    skipped.append((prefix + entry.path, entry.reason))
                else:
                    entries.append(FileEntry(prefix + entry.path, entry.location))
        except CaesarError as exc:
            raise SealError(exc.message, hint=exc.hint) from exc
    return entries, skipped


def _check_space(out: Path, entries: list[FileEntry]) -> None:
    total = 0
    for entry in entries:
        try:
            total += os.lstat(entry.location).st_size
        except OSError:
            continue  # it will be skipped with its reason
    # tar headers (3 blocks a file), age's 16 bytes per 64 KiB, and the bag's tag files
    needed = total + total // 4096 + 4096 * len(entries) + (1 << 20)
    free = shutil.disk_usage(out).free
    if needed > free:
        raise SealError(f"The drive at {out} has {free / 1e6:,.0f} MB free; the bundle needs"
                        f" about {needed / 1e6:,.0f} MB.",
                        hint="Use a bigger drive, or seal fewer files per run.")


def _open(location: str) -> io.FileIO:
    flags = os.O_RDONLY | os.O_NOFOLLOW
    try:  # O_NOATIME: reading for the archive should not change the file's access time
        fd = open_entry(location, flags | getattr(os, "O_NOATIME", 0))
    except PermissionError:
        fd = open_entry(location, flags)  # O_NOATIME is refused on files we do not own
    return os.fdopen(fd, "rb", buffering=0)


def _hashed(entry: FileEntry) -> _File | str:
    """The file opened, checked and hashed (still open, to be streamed), or why it cannot be.

    Runs in a helper thread: reading and hashing release the GIL, so this overlaps with the
    encryption of the file before (which holds it).
    """
    try:
        handle = _open(entry.location)
    except OSError as exc:
        return f"cannot be opened: {exc.strerror}"
    try:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            handle.close()
            return "no longer a regular file"
        digest, size, buffer = hashlib.sha256(), 0, bytearray(_READ)
        while n := handle.readinto(buffer):
            digest.update(memoryview(buffer)[:n])
            size += n
    except OSError as exc:
        handle.close()
        return f"read error: {exc.strerror}"
    return _File(entry.path, handle, size, digest.hexdigest(), info.st_mtime_ns,
                 info.st_ctime_ns)


def _prepared(run: _Run) -> Generator[_File, None, None]:
    """Each file hashed (a few ahead, in a helper thread); files sealed before left out."""
    entries = iter(run.entries)
    ahead: deque[tuple[FileEntry, Future[_File | str]]] = deque()
    with ThreadPoolExecutor(1, thread_name_prefix="seal-hash") as pool:
        try:
            while True:
                while len(ahead) < _AHEAD and (entry := next(entries, None)) is not None:
                    ahead.append((entry, pool.submit(_hashed, entry)))
                if not ahead:
                    return
                entry, future = ahead.popleft()
                file = future.result()
                if isinstance(file, str):
                    run.skipped.append((entry.path, file))
                    _advance(run, 0)
                elif run.state is not None and run.state.sealed_before(file.sha256):
                    file.handle.close()
                    run.keep_tags.append(run.state.tag(file.sha256))
                    run.already_sealed += 1
                    _advance(run, file.size)
                else:
                    yield file
        finally:  # stopped early: close what was opened ahead
            for _, future in ahead:
                if isinstance(done := future.result(), _File):
                    done.handle.close()


def _advance(run: _Run, nbytes: int) -> None:
    if run.progress:
        run.progress("advance", 1, nbytes)


def _with_first(first: _File, rest: Generator[_File, None, None]
                ) -> Generator[_File, None, None]:
    yield first
    yield from rest


def _plaintext(run: _Run, files: Iterator[_File]) -> Generator[bytes, None, None]:
    """The bundle's tar stream: bag declaration, record, the files, manifests, bag-info."""
    top = run.bundle_id + "/"
    request = run.request
    sealed_at = datetime.now(UTC).replace(microsecond=0)
    record = fmt.SealRecord(run.bundle_id, sealed_at.isoformat().replace("+00:00", "Z"),
                            request.device_label, f"caesar {__version__}", request.part_size)
    when = int(sealed_at.timestamp())
    yield from _small(top + fmt.BAGIT_TXT,
                      b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", when)
    yield from _small(top + fmt.RECORD, record.to_json(), when)
    for file in files:
        with file.handle:
            yield from _file_member(run, top + fmt.DATA, file)
    manifest = fmt.Manifest(run.bundle_id, tuple(run.sealed), tuple(run.skipped))
    yield from _small(top + fmt.PAYLOAD_MANIFEST, "".join(
        f"{f.sha256}  data/{_bagit_path(f.path)}\n" for f in run.sealed)
        # A name that is not UTF-8 is written as its bytes, as the tar member beside it.
        .encode("utf-8", "surrogateescape"), when)
    yield from _small(top + fmt.MANIFEST, manifest.to_json(), when)
    info = [f"Bagging-Date: {sealed_at.date().isoformat()}",
            f"Payload-Oxum: {sum(f.size for f in run.sealed)}.{len(run.sealed)}",
            f"Bag-Software-Agent: caesar {__version__}",
            f"Caesar-Bundle-Id: {run.bundle_id}", f"Caesar-Sealed-At: {record.sealed_at}"]
    if request.device_label:
        info.append(f"Caesar-Device-Label: {request.device_label}")
    yield from _small(top + fmt.BAG_INFO, ("\n".join(info) + "\n").encode("utf-8"), when)
    yield fmt.END_OF_ARCHIVE


def _small(name: str, data: bytes, mtime: int) -> Iterator[bytes]:
    yield fmt.member_header(name, len(data), mtime=mtime) + data + fmt.padding(len(data))


def _bagit_path(path: str) -> str:
    # RFC 8493 2.1.3: in manifests, CR, LF and % in file names are percent-encoded.
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _file_member(run: _Run, prefix: str, file: _File) -> Iterator[bytes]:
    pax = {"mtime": fmt.ns_to_pax(file.mtime_ns), "ctime": fmt.ns_to_pax(file.ctime_ns),
           fmt.PAX_SHA256: file.sha256}
    yield fmt.member_header(prefix + file.path, file.size, pax, file.mtime_ns // 10**9)
    # The header has promised `size` bytes: give exactly that many. A file that shrank is
    # filled with zeros and one that grew is cut; either way its manifest hash (of the first
    # read) will not match what the archive receives, which flags it, and the documenter is told.
    file.handle.seek(0)
    left, changed = file.size, False
    while left:
        try:
            block = file.handle.read(min(_READ, left))
        except OSError:
            block = b""
        if not block:
            changed = True
            block = bytes(min(_READ, left))
        left -= len(block)
        yield block
    try:
        after = os.fstat(file.handle.fileno())
        changed = changed or bool(file.handle.read(1)) or after.st_mtime_ns != file.mtime_ns
    except OSError:
        changed = True
    yield fmt.padding(file.size)
    run.sealed.append(fmt.ManifestEntry(file.path, file.size, file.sha256, file.mtime_ns,
                                        file.ctime_ns))
    if changed:
        run.changed.append(file.path)
    elif run.state is not None:
        run.keep_tags.append(run.state.tag(file.sha256))
    _advance(run, file.size)


class _PlaintextReader(io.RawIOBase):
    """Serves the plaintext generator to pyrage, which pulls it with read(n).

    Any error of the generator (an interruption, a failing source) is kept in :attr:`failure`:
    pyrage would report it only as a generic message.
    """

    def __init__(self, pieces: Iterator[bytes]) -> None:
        super().__init__()
        self._pieces = pieces
        self._view = memoryview(b"")
        self.failure: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            while not self._view:
                self._view = memoryview(next(self._pieces))
        except StopIteration:
            return b""
        except BaseException as exc:
            self.failure = exc
            raise OSError("producing the bundle failed") from exc
        n = len(self._view) if size < 0 else size
        piece, self._view = self._view[:n], self._view[n:]
        return bytes(piece)


def _encrypt(run: _Run, files: Generator[_File, None, None], recipient: x25519.Recipient
             ) -> tuple[Path, ...]:
    writer = PartWriter(run.request.out, run.bundle_id, run.request.part_size)
    plaintext = _plaintext(run, files)
    reader = _PlaintextReader(plaintext)
    try:
        try:
            pyrage.encrypt_io(reader, writer, [recipient])
            return writer.publish()
        except (OSError, pyrage.EncryptError) as exc:
            cause = reader.failure or writer.failure or exc
            if isinstance(cause, OSError):
                raise SealError(f"Writing the bundle to {run.request.out} failed:"
                                f" {cause.strerror or cause}. Nothing was left on the drive.",
                                hint="Check the drive (space, write protection) and run the"
                                " same command again.") from cause
            raise cause from None
    except BaseException:
        writer.discard()
        plaintext.close()  # closes the file being streamed
        files.close()  # and stops hashing ahead
        raise
