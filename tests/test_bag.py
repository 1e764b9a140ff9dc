"""BagIt transfers: the Library of Congress conformance suite, Arabic names, and a bag that
tries to make the archive read outside it."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import bagit  # type: ignore[import-untyped]
import pytest
from conftest import Caesar
from photos import camera_jpeg

from caesar.intake.bag import is_bag, read_bag

SUITE = Path(__file__).parent / "assets" / "bagit-conformance-suite"


def _bags(*groups: str) -> list[Path]:
    return sorted(p for version in ("v0.97", "v1.0") for group in groups
                  for p in (SUITE / version / group).glob("*") if p.is_dir())


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(SUITE)) for p in paths]


VALID = _bags("valid")
INVALID = _bags("invalid", "linux-only", "windows-only")


@pytest.mark.parametrize("bag", VALID, ids=_ids(VALID))
def test_every_valid_bag_reads_clean(bag: Path) -> None:
    assert is_bag(bag)
    reading = read_bag(bag)
    assert reading.problems == () and reading.checksums_checked
    on_disk = {str(p.relative_to(bag / "data")) for p in (bag / "data").rglob("*")
               if p.is_file()}
    assert {e.path for e in reading.entries} == on_disk
    assert all(e.checksums for e in reading.entries)


@pytest.mark.parametrize("bag", INVALID, ids=_ids(INVALID))
def test_every_invalid_bag_is_reported(bag: Path) -> None:
    """invalid/, linux-only/ and windows-only/ (whose Windows paths are outside the payload on
    any system, and whose fetch.txt entries would have to be downloaded: refused)."""
    assert is_bag(bag)
    reading = read_bag(bag)
    assert reading.problems, "an invalid bag read clean"
    assert all(isinstance(p, str) and p for p in reading.problems)


def test_whitespace_that_bagit_accepts_is_reported() -> None:
    bag = SUITE / "v1.0" / "invalid" / "bagit-with-invalid-whitespace"
    bagit.Bag(str(bag)).validate()  # the library itself finds nothing wrong
    [problem] = read_bag(bag).problems
    assert "bagit.txt" in problem and "RFC 8493" in problem


# v0.97 warning/: valid bags that deserve a warning. Each is reported exactly when something is
# really inconsistent on this (case-sensitive, non-normalising) file system.
WARNINGS = {
    "duplicate-file-with-different-case": True,  # data/HELLO.txt listed, only hello.txt there
    "made-with-md5sum-tools": False,  # md5sum's '*' (binary mode) before the path
    "relative-path": False,  # ./data/... in the manifest
    "same-filename-listed-twice-with-different-normalization": True,
    "same-filename-listed-twice-with-the-same-hash": False,  # allowed before 1.0
    "special-system-files": True,  # data/.DS_Store listed but absent
}


@pytest.mark.parametrize("name, reported", sorted(WARNINGS.items()))
def test_warning_bags(name: str, reported: bool) -> None:
    reading = read_bag(SUITE / "v0.97" / "warning" / name)
    assert bool(reading.problems) is reported, reading.problems


ARABIC_FILES = ("صورة_١.jpg", "مستشفى تشرين/صورة ٥٥.jpg", "ملاحظات%.txt")
INFO = {"Source-Organization": "رابطة الشهود", "Contact-Name": "سامي",
        "External-Identifier": "قيصر-٢٠١٣-٠٨", "Bagging-Date": "2013-08-20"}


def _make_bag(root: Path) -> dict[str, bytes]:
    """A BagIt 1.0 bag with Arabic names, written by hand as a partner's tool would."""
    contents = {}
    for i, name in enumerate(ARABIC_FILES):
        path = root / "data" / name
        if name.endswith(".jpg"):
            contents[name] = camera_jpeg(path, seed=i)
        else:
            path.write_bytes("نص\n".encode())
            contents[name] = path.read_bytes()
    (root / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    for algorithm in ("sha256", "sha512"):
        (root / f"manifest-{algorithm}.txt").write_text("".join(
            f"{hashlib.new(algorithm, data).hexdigest()}  data/{name.replace('%', '%25')}\n"
            for name, data in contents.items()), "utf-8")
    oxum = f"{sum(map(len, contents.values()))}.{len(contents)}"
    (root / "bag-info.txt").write_text("".join(f"{k}: {v}\n" for k, v in INFO.items())
                                       + f"Payload-Oxum: {oxum}\n", "utf-8")
    return contents


def test_a_bag_with_arabic_names(tmp_path: Path) -> None:
    contents = _make_bag(tmp_path / "حقيبة")
    reading = read_bag(tmp_path / "حقيبة")
    assert reading.problems == () and reading.version == "1.0"
    for label, value in INFO.items():
        assert reading.field(label.lower()) == [value]
    assert {e.path: Path(e.location).read_bytes() for e in reading.entries} == contents
    for entry in reading.entries:
        assert entry.checksums["sha256"] == hashlib.sha256(contents[entry.path]).hexdigest()
        assert entry.bag_path == f"data/{entry.path}"


def test_a_damaged_file_is_named(tmp_path: Path) -> None:
    root = tmp_path / "bag"
    _make_bag(root)
    damaged = root / "data" / ARABIC_FILES[1]
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size: Payload-Oxum still matches, checksums do not
    damaged.write_bytes(data)
    reading = read_bag(root)
    assert len(reading.problems) == 2
    assert all(ARABIC_FILES[1] in p for p in reading.problems)
    [entry] = [e for e in reading.entries if e.path == ARABIC_FILES[1]]
    assert sorted(entry.mismatched) == ["sha256", "sha512"]


def test_bagit_1_0_bag_info_whitespace(tmp_path: Path) -> None:
    root = tmp_path / "bag"
    _make_bag(root)
    with open(root / "bag-info.txt", "a", encoding="utf-8") as f:
        f.write("Contact-Phone : 123\n")
    assert any("bag-info.txt line" in p for p in read_bag(root).problems)


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """Every path opened while the test runs (through Python's audit hooks)."""
    paths: list[str] = []
    _RECORDERS.append(paths)
    yield paths
    _RECORDERS.remove(paths)


_RECORDERS: list[list[str]] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _RECORDERS and isinstance(args[0], (str, bytes, os.PathLike)):
        _RECORDERS[-1].append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


def test_nothing_outside_the_bag_is_ever_read(tmp_path: Path, opened: list[str]) -> None:
    root = tmp_path / "bag"
    _make_bag(root)
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the bag\n")
    (tmp_path / "bag2").mkdir()  # a sibling whose name starts with the bag's
    (tmp_path / "bag2" / "secret.txt").write_text("sibling\n")
    (root / "data" / "link.jpg").symlink_to(secret)
    (root / "data" / "folder-link").symlink_to(tmp_path)
    os.mkfifo(root / "data" / "pipe")
    (root / "manifest-md5.txt").write_text(
        f"{hashlib.md5(b'x').hexdigest()}  data/../../secret.txt\n"
        f"{hashlib.md5(b'x').hexdigest()}  data/../../bag2/secret.txt\n"
        f"{hashlib.md5(b'x').hexdigest()}  /etc/passwd\n")
    (root / "fetch.txt").write_text("https://example.org/a - ../secret.txt\n"
                                    "https://example.org/b 10 data/more.jpg\n")
    (root / "tagmanifest-sha256.txt").write_text("0" * 64 + "  ../secret.txt\n")

    opened.clear()  # what the test itself wrote does not count
    reading = read_bag(root)

    outside = [p for p in opened if not Path(os.path.abspath(p)).is_relative_to(root)
               and not p.startswith(sys.prefix) and not p.startswith(sys.base_prefix)]
    assert outside == []
    assert any(Path(p).is_relative_to(root) for p in opened)  # the hook did see the reading
    assert not any(p.endswith("pipe") for p in opened)
    text = "\n".join(reading.problems)
    for expected in ("data/link.jpg is a symbolic link", "data/folder-link is a symbolic link",
                     "data/pipe is not a regular file", "'data/../../secret.txt'",
                     "'data/../../bag2/secret.txt'", "'/etc/passwd'", "fetch.txt names",
                     "'data/more.jpg' to be downloaded", "tagmanifest-sha256.txt names",
                     "not checked further by the BagIt validator"):
        assert expected in text, expected
    assert {p for p, _ in reading.skipped} == {"data/link.jpg", "data/folder-link", "data/pipe"}
    assert {e.path for e in reading.entries} == set(ARABIC_FILES)


def test_is_bag(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    (plain / "data").mkdir(parents=True)
    assert not is_bag(plain)
    (plain / "manifest-md5.txt").write_text("")
    assert is_bag(plain)  # meant as a bag, without bagit.txt: reported, not taken as a folder
    assert "bagit.txt is missing" in read_bag(plain).problems[0]
    bag = tmp_path / "bag"
    _make_bag(bag)
    assert is_bag(bag)
    (tmp_path / "link").symlink_to(bag)
    assert not is_bag(tmp_path / "link")
    assert "not a folder" in read_bag(tmp_path / "link").problems[0]
    assert not is_bag(bag / "bagit.txt")


# Through `caesar ingest`: what a partner's hand-over becomes in the archive.

def test_every_valid_bag_ingests_clean(caesar: Caesar) -> None:
    bags = [str(b) for b in VALID]
    run = caesar("ingest", *bags, "--json")
    assert run.exit_code == 0, run.stderr
    report = run.json()
    assert report["problems"] == [] and report["skipped"] == []
    assert len(report["transfers"]) == len(bags)
    assert report["flagged"] == []  # tag files are the bag's records; text payload is no finding
    assert caesar("ingest", *bags, "--strict").exit_code == 0
    on_disk = {(bag, str(p.relative_to(bag))) for bag in bags for p in Path(bag).rglob("*")
               if p.is_file()}
    sightings = {(t["source"], path) for t in caesar.json("transfers", "list")
                 for path in _paths(caesar, t["id"])}
    assert sightings == on_disk  # tag files and payload, each under its path in the bag


def test_a_bags_tag_files_are_listed_on_its_transfer_and_never_flagged(caesar: Caesar) -> None:
    bags = [str(b) for b in VALID]
    report = caesar.json("ingest", *bags)
    assert not [f for f in report["flagged"] if not f["path"].startswith("data/")]
    for transfer in caesar.json("transfers", "list"):
        bag = Path(transfer["source"])
        tag_files = sorted(str(p.relative_to(bag)) for p in bag.rglob("*")
                           if p.is_file() and p.relative_to(bag).parts[0] != "data")
        assert transfer["tag_files"] == tag_files and "bagit.txt" in tag_files
        assert transfer["counts"]["tag_files"] == len(tag_files)
        assert caesar.json("transfers", "show", str(transfer["id"]))["tag_files"] == tag_files


def _paths(caesar: Caesar, transfer: int) -> set[str]:
    return {s["path"] for p in caesar.json("photos", "list") for s in p["sightings"]
            if s["transfer"] == transfer}


def test_every_invalid_bag_is_preserved_and_reported(caesar: Caesar) -> None:
    bags = [str(b) for b in INVALID]
    run = caesar("ingest", *bags, "--json")
    assert run.exit_code == 1, run.stderr
    report = run.json()
    assert {p["source"] for p in report["problems"]} == set(bags)
    assert {p["kind"] for p in report["problems"]} == {"bag_invalid"}
    regular = sum(1 for bag in bags for p in Path(bag).rglob("*")
                  if p.is_file() and not p.is_symlink())
    assert report["stored"] + report["duplicates"] == regular  # nothing silently dropped
    whitespace = str(SUITE / "v1.0" / "invalid" / "bagit-with-invalid-whitespace")
    assert any(p["source"] == whitespace and "RFC 8493" in p["problem"]
               for p in report["problems"])


def test_a_partners_bag_with_arabic_names(caesar: Caesar, tmp_path: Path) -> None:
    contents = _make_bag(tmp_path / "حقيبة")
    damaged = tmp_path / "حقيبة" / "data" / ARABIC_FILES[1]
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))

    run = caesar("ingest", str(tmp_path / "حقيبة"), "--operator", "رابطة الشهود", "--json")
    assert run.exit_code == 1, run.stderr
    report = run.json()
    assert {p["kind"] for p in report["problems"]} == {"bag_invalid"}
    assert all(ARABIC_FILES[1] in p["problem"] for p in report["problems"])
    [mismatch] = [f for f in report["flagged"] if f["kind"] == "checksum_mismatch"]
    assert mismatch["path"] == f"data/{ARABIC_FILES[1]}"
    assert mismatch["sha256"] == hashlib.sha256(bytes(data)).hexdigest()  # kept as received
    assert report["stored"] == len(contents) + 4  # payload and the four tag files

    [transfer_id] = report["transfers"]
    transfer = caesar.json("transfers", "show", str(transfer_id))
    for label, value in INFO.items():
        assert transfer["info"][label] == value
    assert transfer["state"] == "complete"
    jpeg = next(p for p in caesar.json("photos", "list")
                if {"transfer": transfer_id, "path": f"data/{ARABIC_FILES[0]}"} in p["sightings"])
    assert jpeg["media_type"] == "image/jpeg" and jpeg["width"]


def test_a_bag_never_makes_intake_read_outside_it(caesar: Caesar, tmp_path: Path) -> None:
    root = tmp_path / "bag"
    _make_bag(root)
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the bag\n")
    (root / "data" / "link.jpg").symlink_to(secret)
    (root / "fetch.txt").write_text("https://example.org/a - ../secret.txt\n")
    report = caesar.json("ingest", str(root))
    assert hashlib.sha256(secret.read_bytes()).hexdigest() not in {
        p["sha256"] for p in caesar.json("photos", "list")}
    assert [s["path"] for s in report["skipped"]] == ["data/link.jpg"]
    assert any("fetch.txt" in p["problem"] for p in report["problems"])
