"""Shared by the sealing tests: keys, a sealed day, and reading a bundle back."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyrage import x25519

from caesar.demo.drive import SmallDrive, make_drive
from caesar.seal import writer
from caesar.seal.reader import find_bundles, open_bundle
from caesar.seal.writer import SealRequest, SealResult, seal
from caesar.sources import FileEntry

SERIAL = "SerialMarkerK7Q2"
LABEL = "DeviceLabelMarkerZ9"


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real ~/.local/state: every test gets its own --since-last state."""
    folder = tmp_path / "seal-state"
    monkeypatch.setenv("CAESAR_SEAL_STATE", str(folder))
    return folder


@dataclass
class Sealed:
    """A synthetic day, sealed: the drive, the result, and the identity that opens it."""

    drive: SmallDrive
    result: SealResult
    out: Path
    identity: x25519.Identity


def public_key_file(folder: Path, identity: x25519.Identity) -> Path:
    """An archive.pub for `identity`, as `caesar init` writes it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "archive.pub"
    path.write_text(f"{identity.to_public()}\n", "ascii")
    return path


def seal_day(tmp_path: Path, *, photos: int = 4, part_size: int = 1 << 20,
             megapixels: float = 0.3) -> Sealed:
    """make_drive -> seal into tmp_path/usb with the library API."""
    identity = x25519.Identity.generate()
    drive = make_drive(tmp_path / "day", photos=photos, serial=SERIAL, megapixels=megapixels)
    out = tmp_path / "usb"
    out.mkdir()
    result = seal(SealRequest(sources=[str(drive.root)], recipient=str(identity.to_public()),
                              out=out, device_label=LABEL, part_size=part_size))
    return Sealed(drive, result, out, identity)


def read_all(folder: Path, identity: str) -> dict[str, bytes]:
    """Every member of the one bundle in `folder`, checked against its manifest hash."""
    [ref] = find_bundles(folder)
    contents = {}
    for member in open_bundle(ref, identity).members():
        data = member.stream.read()
        assert hashlib.sha256(data).hexdigest() == member.sha256
        contents[member.path] = data
    return contents


def change_while_sealing(monkeypatch: pytest.MonkeyPatch, photo: Path) -> None:
    """Make `photo` change between the sealer's hashing read and its sealing read."""
    real_hashed = writer._hashed

    def then_changed(entry: FileEntry) -> object:
        file = real_hashed(entry)
        if entry.location == str(photo):
            with open(photo, "r+b") as f:
                f.write(b"\x00")
            os.utime(photo, ns=(0, os.stat(photo).st_mtime_ns + 10**10))
        return file

    monkeypatch.setattr(writer, "_hashed", then_changed)


def all_bytes(folder: Path) -> Iterator[tuple[str, bytes]]:
    """Each file under `folder` (names included, for marker scans) with its content."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield str(path.relative_to(folder)), path.read_bytes()
