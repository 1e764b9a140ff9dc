"""Reading a BagIt bag (RFC 8493) handed over by a partner, without ever reading outside it.

:func:`read_bag` walks the bag itself (never following a symlink), parses its tag files, and
validates it with the `bagit` library, adding what that library does not check:

- links and special files anywhere in the bag, and manifest or fetch.txt paths that point
  outside the payload (`..`, absolute, `~`, drive letters): reported, and then the `bagit`
  library is not run at all, because it would follow them (it resolves symlinks, opens FIFOs,
  and its containment test compares path strings by prefix);
- fetch.txt: nothing is ever downloaded; an entry whose file is not already in the bag is a
  problem (a "holey" bag whose holes are all filled is fine);
- every payload file in every payload manifest, compared under Unicode NFC;
- RFC 8493 whitespace (for bags that declare version 1.0 or later): bagit.txt is exactly
  ``BagIt-Version: M.N`` and ``Tag-File-Character-Encoding: ENC``; a bag-info label neither
  starts nor ends with whitespace and its colon is followed by one space or tab.

Each problem is one sentence a person understands. Nothing is raised for a bad bag: the reading
carries its problems, so intake can preserve the bag's files and report every reason.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import bagit  # type: ignore[import-untyped]

from caesar.names import display_path

# bagit logs each problem it raises; we report them ourselves, so keep its log out of stderr.
logging.getLogger("bagit").addHandler(logging.NullHandler())

_MANIFEST = re.compile(r"(tag)?manifest-([a-z0-9]+)\.txt")
_STRICT_BAGIT_TXT = (re.compile(r"BagIt-Version: [0-9]+\.[0-9]+"),
                     re.compile(r"Tag-File-Character-Encoding: \S+"))
_WINDOWS_PATH = re.compile(r"[A-Za-z]:|\\|%[A-Za-z]+%")


@dataclass(frozen=True)
class BagEntry:
    """A payload file: its path under ``data/``, where it is, and what the manifests expect."""

    path: str  # relative to data/, '/'-separated
    location: str  # absolute path of the regular file inside the bag
    checksums: dict[str, str]  # algorithm -> expected lowercase hex, from every payload manifest
    mismatched: tuple[str, ...] = ()  # algorithms whose checksum bagit found wrong

    @property
    def bag_path(self) -> str:
        """The path relative to the bag's root, as manifests write it."""
        return "data/" + self.path


@dataclass(frozen=True)
class BagReading:
    """Everything learnt from a bag: its declared fields, its payload, and its problems."""

    root: Path
    version: str | None
    info: tuple[tuple[str, str], ...]  # bag-info.txt fields in order, repeated labels kept
    entries: tuple[BagEntry, ...]
    tag_files: tuple[str, ...]  # regular files outside data/, relative to the root
    skipped: tuple[tuple[str, str], ...]  # (path, reason): links and special files, never read
    problems: tuple[str, ...]
    checksums_checked: bool  # every file listed in a manifest was hashed and compared

    def field(self, label: str) -> list[str]:
        """The values of a bag-info field (labels compare case-insensitively)."""
        return [v for k, v in self.info if k.casefold() == label.casefold()]


def is_bag(path: Path | str) -> bool:
    """Whether `path` is a folder meant as a bag: bagit.txt, or data/ and a manifest, in it.

    A bag without bagit.txt is still recognised (and then reported invalid), so that a damaged
    bag is never taken for a plain folder. A symlink is never a bag: it is not followed.
    """
    root = Path(path)
    if root.is_symlink() or not root.is_dir():
        return False
    try:
        names = os.listdir(root)
    except OSError:
        return False
    return "bagit.txt" in names or ("data" in names and any(
        _MANIFEST.fullmatch(n) and not n.startswith("tag") for n in names))


@dataclass
class _Scan:
    files: dict[str, str] = field(default_factory=dict)  # relative path -> absolute location
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    undecodable: bool = False  # a tag file is not text in its encoding: bagit would raise


def read_bag(path: Path | str, *, checksums: bool = True) -> BagReading:
    """Read and validate the bag at `path`; see the module docstring.

    With ``checksums=False`` nothing is hashed (structure, Payload-Oxum and completeness are
    still checked): use it when the caller hashes each file as it stores it (one read instead
    of two) and compares with :attr:`BagEntry.checksums` itself.
    """
    root = Path(os.path.abspath(path))
    if root.is_symlink() or not root.is_dir():
        return BagReading(root, None, (), (), (), (), (
            f"{root} is not a folder (a symlink is never followed): not a bag",), False)
    scan = _scan(root)
    problems = scan.problems
    version, encoding = _bag_declaration(root, scan, problems)
    info = _bag_info(root, scan, encoding, version, problems)
    expected, unsafe = _manifests(root, scan, encoding, version, problems)
    unsafe |= _fetch(root, scan, encoding, problems)
    payload = {a: paths for (tag, a), paths in expected.items() if not tag}
    _completeness(scan, payload, problems)
    if scan.skipped or unsafe:
        problems.append("not checked further by the BagIt validator: it would have followed the"
                        " links or paths above")
    elif scan.undecodable:
        problems.append("not checked further by the BagIt validator: it cannot read tag files"
                        " that are not text in their encoding")
    elif "bagit.txt" in scan.files:
        problems += _bagit_problems(root)
    mismatched = _verify(scan, expected, problems) if checksums else {}
    entries = tuple(
        BagEntry(rel[5:], location, _expected_for(rel, payload),
                 tuple(mismatched.get(rel, ())))
        for rel, location in sorted(scan.files.items()) if rel.startswith("data/"))
    tags = tuple(sorted(rel for rel in scan.files if not rel.startswith("data/")))
    return BagReading(root, version, tuple(info), entries, tags, tuple(scan.skipped),
                      tuple(dict.fromkeys(problems)), checksums)


def _scan(root: Path) -> _Scan:
    """Every entry of the bag by lstat: regular files kept, anything else skipped with why."""
    scan = _Scan()

    def unreadable(exc: OSError) -> None:
        scan.problems.append(f"{display_path(str(exc.filename))} cannot be read: {exc.strerror}")

    for folder, dirs, files in os.walk(root, onerror=unreadable):  # never follows symlinks
        for name in sorted(dirs + files):
            location = os.path.join(folder, name)
            rel = os.path.relpath(location, root).replace(os.sep, "/")
            try:
                mode = os.lstat(location).st_mode
            except OSError as exc:
                scan.skipped.append((rel, f"cannot be read: {exc.strerror}"))
                continue
            if stat.S_ISREG(mode):
                scan.files[rel] = location
            elif not stat.S_ISDIR(mode):
                what = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
                scan.skipped.append((rel, f"{what}: never followed or read"))
    scan.problems += [f"{rel} is {reason}" for rel, reason in scan.skipped]
    return scan


def _text(root: Path, scan: _Scan, name: str, encoding: str) -> str | None:
    """A tag file's text, if it is a regular file of the bag (never through a link)."""
    if name not in scan.files:
        return None
    fd = os.open(root / name, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as f:
        raw = f.read()
    try:
        return raw.decode(encoding)
    except UnicodeError as exc:
        scan.problems.append(f"{name} is not {encoding} text ({exc}); read with replacement"
                             " characters")
        scan.undecodable = True
    try:
        return raw.decode(encoding, errors="replace")
    except UnicodeError:  # a codec without replacement, such as idna
        return raw.decode("utf-8", errors="replace")


def _bag_declaration(root: Path, scan: _Scan, problems: list[str]
                     ) -> tuple[str | None, str]:
    text = _text(root, scan, "bagit.txt", "utf-8")
    if text is None:
        problems.append("bagit.txt is missing: this is not a valid bag")
        return None, "utf-8"
    fields = dict(_tags(text.removeprefix("\ufeff")))
    version, encoding = fields.get("BagIt-Version"), fields.get("Tag-File-Character-Encoding")
    try:  # a codec of text (an empty input would pass rot13 or base64 too)
        bytes(4).decode(encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):
        problems.append(f"bagit.txt names an unknown character encoding {encoding!r}")
        encoding = None
    if _rfc8493(version):
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) != 2 or not all(p.fullmatch(line)
                                      for p, line in zip(_STRICT_BAGIT_TXT, lines, strict=True)):
            problems.append("bagit.txt must be exactly the two lines 'BagIt-Version: M.N' and"
                            " 'Tag-File-Character-Encoding: ENCODING', with no whitespace"
                            " before a colon and one space after it (RFC 8493 2.1.1)")
    return version, encoding or "utf-8"


def _rfc8493(version: str | None) -> bool:
    """Whether a bag declares BagIt 1.0 or later, where RFC 8493's stricter rules apply."""
    match = re.fullmatch(r"([0-9]+)\.[0-9]+", version or "")
    return match is not None and int(match.group(1)) >= 1


def _tags(text: str) -> list[tuple[str, str]]:
    """Label/value pairs of a tag file, with folded lines unfolded (lenient, as bagit reads)."""
    tags: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line[0] in " \t" and tags:
            label, value = tags[-1]
            tags[-1] = (label, f"{value} {line.strip()}".strip())
        elif ":" in line:
            label, _, value = line.partition(":")
            tags.append((label.strip(), value.strip()))
    return tags


def _bag_info(root: Path, scan: _Scan, encoding: str, version: str | None,
              problems: list[str]) -> list[tuple[str, str]]:
    text = _text(root, scan, "bag-info.txt", encoding)
    if text is None:
        return []
    if _rfc8493(version):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line[0] in " \t":
                continue  # blank, or the continuation of a long value
            label, colon, value = line.partition(":")
            if colon and (label != label.strip() or value[:1] not in (" ", "\t")):
                problems.append(f"bag-info.txt line {number} ({line.strip()!r}): a label must"
                                " not start or end with whitespace, and its colon is followed"
                                " by one space or tab (RFC 8493 2.2.2)")
    return _tags(text.removeprefix("\ufeff"))


def _decode_path(raw: str, version: str | None) -> str:
    # RFC 8493 2.1.3: CR, LF and (from 1.0 on) % are percent-encoded in manifest paths.
    path = raw.replace("%0D", "\r").replace("%0d", "\r").replace("%0A", "\n").replace("%0a", "\n")
    if _rfc8493(version):
        path = path.replace("%25", "%")
    while path.startswith("./"):
        path = path[2:]
    return path


def _outside(path: str, payload: bool) -> bool:
    """Whether a manifest or fetch path leaves the bag (or, for payload, the data/ folder)."""
    parts = path.split("/")
    return (not path or path.startswith(("/", "~")) or "\0" in path
            or bool(_WINDOWS_PATH.match(path))
            or any(p in ("", ".", "..") for p in parts)
            or (payload and (parts[0] != "data" or len(parts) < 2)))


def _manifests(root: Path, scan: _Scan, encoding: str, version: str | None,
               problems: list[str]) -> tuple[dict[tuple[bool, str], dict[str, str]], bool]:
    """Expected checksums by (tag manifest?, algorithm), per NFC path; True if any path leaves
    the bag."""
    expected: dict[tuple[bool, str], dict[str, str]] = {}
    unsafe = False
    for name in sorted(scan.files):
        match = _MANIFEST.fullmatch(name)
        if match is None:
            continue
        payload, algorithm = not match.group(1), match.group(2)
        if algorithm not in hashlib.algorithms_available:
            problems.append(f"{name}: unknown checksum algorithm {algorithm!r}")
            continue
        listed = expected.setdefault((not payload, algorithm), {})
        raw_names: dict[str, str] = {}
        for line in (_text(root, scan, name, encoding) or "").removeprefix("\ufeff").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.strip().split(None, 1)
            if len(parts) != 2:
                problems.append(f"{name}: the line {line.strip()!r} is not 'checksum path'")
                continue
            checksum, raw = parts
            path = _decode_path(raw.lstrip("*"), version)  # md5sum marks binary mode with *
            if _outside(path, payload):
                unsafe = True
                problems.append(f"{name} names {display_path(path)!r}, which is outside the"
                                f" bag's {'payload' if payload else 'folder'}: never read")
            else:
                key = unicodedata.normalize("NFC", path)
                if key in raw_names and raw_names[key] != path:
                    problems.append(f"{name} lists {display_path(path)!r} twice, under two"
                                    " Unicode normalizations of its name")
                raw_names[key] = path
                listed[key] = checksum.lower()
    if not any(not tag for tag, _ in expected):
        problems.append("the bag has no payload manifest (manifest-<algorithm>.txt)")
    return expected, unsafe


def _fetch(root: Path, scan: _Scan, encoding: str, problems: list[str]) -> bool:
    """Refuse fetch.txt: report each entry the bag does not already hold; True if unsafe."""
    unsafe = False
    for line in (_text(root, scan, "fetch.txt", encoding) or "").splitlines():
        parts = line.strip().split(None, 2)
        if not parts:
            continue
        target = _decode_path(parts[-1], None)
        if len(parts) != 3 or _outside(target, payload=True):
            unsafe = True
            problems.append(f"fetch.txt names {display_path(target)!r}, outside the bag's"
                            " payload: refused, never read")
        elif target not in scan.files:
            problems.append(f"fetch.txt asks for {display_path(target)!r} to be downloaded from"
                            f" {parts[0]}: refused; only what the bag itself holds is taken in")
    return unsafe


def _completeness(scan: _Scan, expected: dict[str, dict[str, str]],
                  problems: list[str]) -> None:
    present = {unicodedata.normalize("NFC", rel): rel for rel in scan.files
               if rel.startswith("data/")}
    listed = set().union(*expected.values()) if expected else set()
    for path in sorted(set(present) - listed):
        problems.append(f"{display_path(present[path])} is in the bag but in no payload"
                        " manifest")
    for path in sorted(listed - set(present)):
        problems.append(f"{display_path(path)} is listed in a manifest but is not in the bag")
    for algorithm, paths in sorted(expected.items()):
        for path in sorted((listed & set(present)) - set(paths)):
            problems.append(f"{display_path(present[path])} is not listed in"
                            f" manifest-{algorithm}.txt (every"
                            " payload file must be in every payload manifest)")


def _expected_for(rel: str, expected: dict[str, dict[str, str]]) -> dict[str, str]:
    key = unicodedata.normalize("NFC", rel)
    return {algorithm: paths[key] for algorithm, paths in sorted(expected.items())
            if key in paths}


def _bagit_problems(root: Path) -> list[str]:
    """What the bagit library finds: parsing, structure, bagit.txt, fetch.txt URLs,
    Payload-Oxum, missing tag files.

    It runs without its checksum stage: it stops at its first failing stage, so a damaged file
    could go unnamed behind an Oxum or completeness failure, and it does not decode RFC 8493's
    %25; :func:`_verify` checks every checksum instead, and :func:`_completeness` the payload.
    """

    def plain(message: object) -> str:  # bagit names the bag by its absolute path
        return str(message).replace(f"{root}{os.sep}", "").replace(f"{root}: ", "")

    try:
        bagit.Bag(str(root)).validate(processes=1, completeness_only=True)
    except bagit.BagValidationError as exc:
        found = [f"{d.path} (a tag file) is listed in a tag manifest but is not in the bag"
                 if isinstance(d, bagit.FileMissing) else plain(d)
                 for d in exc.details if not str(d.path).startswith("data/")]
        return found if exc.details else [plain(exc.message)]
    except bagit.BagError as exc:
        return [plain(exc)]
    # On hostile tag files bagit raises other types too (AttributeError on a repeated
    # BagIt-Version, ...); each one means the bag is malformed.
    except Exception as exc:
        return [f"the BagIt validator cannot read this bag ({type(exc).__name__}: {plain(exc)})"]
    return []


def _verify(scan: _Scan, expected: dict[tuple[bool, str], dict[str, str]],
            problems: list[str]) -> dict[str, list[str]]:
    """Hash each listed file once for all its algorithms; the algorithms that do not match."""
    mismatched: dict[str, list[str]] = {}
    for rel, location in sorted(scan.files.items()):
        key = unicodedata.normalize("NFC", rel)
        wanted = {(tag, a): paths[key] for (tag, a), paths in expected.items() if key in paths}
        if not wanted:
            continue
        hashers = {k: hashlib.new(k[1]) for k in wanted}
        try:
            with os.fdopen(os.open(location, os.O_RDONLY | os.O_NOFOLLOW), "rb") as f:
                while block := f.read(1 << 20):
                    for hasher in hashers.values():
                        hasher.update(block)
        except OSError as exc:
            problems.append(f"{rel} could not be read to check its checksum: {exc.strerror}")
            continue
        for (tag, algorithm), checksum in sorted(wanted.items()):
            found = hashers[(tag, algorithm)].hexdigest()
            if found != checksum:
                mismatched.setdefault(rel, []).append(algorithm)
                problems.append(f"{rel}: its {algorithm} checksum does not match"
                                f" {'tag' if tag else ''}manifest-{algorithm}.txt (expected"
                                f" {checksum}, found {found})")
    return mismatched
