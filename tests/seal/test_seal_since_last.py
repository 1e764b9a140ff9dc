"""`caesar seal --since-last`: only new files, and a state that keeps the fewest traces."""

from __future__ import annotations

import hashlib
import stat
from datetime import datetime
from pathlib import Path

from conftest import Caesar
from pyrage import x25519
from seal_helpers import isolated_state, public_key_file, read_all

from caesar.demo.drive import make_drive
from caesar.seal.state import KEY_FILE, MIN_SLOTS, TAG_LEN, TAGS_FILE, SealState

__all__ = ["isolated_state"]


def _seal(tmp_path: Path, source: Path, out: Path, *extra: str) -> dict[str, object]:
    out.mkdir()
    pub = public_key_file(tmp_path / "keys", _IDENTITY)
    run = Caesar(None)("seal", str(source), "--to", str(pub), "--out", str(out),
                       "--since-last", "--json", *extra)
    assert run.exit_code == 0, run.stderr
    report: dict[str, object] = run.json()
    return report


_IDENTITY = x25519.Identity.generate()


def test_seals_only_what_is_new(tmp_path: Path, isolated_state: Path) -> None:
    folder = tmp_path / "camera"
    first = make_drive(folder, photos=3, serial="SinceLastSerial")
    report = _seal(tmp_path, folder, tmp_path / "usb1")
    assert report["files"] == len(first.files) and report["already_sealed"] == 0

    # the next day: the same folder, with the next day's photos added
    second = make_drive(folder, photos=2, seed=5, start=datetime(2013, 8, 3, 9, 0),
                        damaged=False)
    report = _seal(tmp_path, folder, tmp_path / "usb2")
    assert report["already_sealed"] == len(first.files)
    contents = read_all(tmp_path / "usb2", str(_IDENTITY))
    assert set(contents) == {f"camera/{p}" for p in second.sha256}

    # nothing new: no bundle at all
    report = _seal(tmp_path, folder, tmp_path / "usb3")
    assert report["bundle"] is None and report["files"] == 0
    assert list((tmp_path / "usb3").iterdir()) == []

    # without --since-last, everything again
    (tmp_path / "usb4").mkdir()
    run = Caesar(None)("seal", str(folder), "--to", str(tmp_path / "keys" / "archive.pub"),
                       "--out", str(tmp_path / "usb4"), "--json")
    assert run.json()["files"] == len(first.files) + len(second.files)


def test_the_state_holds_no_name_or_hash_and_is_padded(tmp_path: Path,
                                                       isolated_state: Path) -> None:
    folder = tmp_path / "camera"
    drive = make_drive(folder, photos=4, serial="StateSerialMarker")
    _seal(tmp_path, folder, tmp_path / "usb")
    key, tags = (isolated_state / KEY_FILE), (isolated_state / TAGS_FILE)
    assert sorted(p.name for p in isolated_state.iterdir()) == sorted([KEY_FILE, TAGS_FILE])
    for path in (key, tags):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    blob = tags.read_bytes()
    assert len(blob) == MIN_SLOTS * TAG_LEN  # 4 files or 4000 look the same
    for path in drive.files:
        data = path.read_bytes()
        for marker in (path.name, hashlib.sha256(data).hexdigest()):
            assert marker.encode() not in blob
        assert hashlib.sha256(data).digest()[:TAG_LEN] not in blob
    assert b"StateSerialMarker" not in blob and b"2013" not in blob
    entries = [blob[i:i + TAG_LEN] for i in range(0, len(blob), TAG_LEN)]
    assert entries == sorted(entries)  # the order says nothing about when

    # with the key, the tags of the sealed files are there (that is what a seizure reveals)
    state = SealState(isolated_state)
    state.load()
    assert all(state.sealed_before(sha) for sha in drive.sha256.values())


def test_a_file_deleted_after_sealing_leaves_no_trace(tmp_path: Path,
                                                      isolated_state: Path) -> None:
    folder = tmp_path / "camera"
    drive = make_drive(folder, photos=3)
    _seal(tmp_path, folder, tmp_path / "usb1")
    gone = drive.photos[0]
    gone_sha = drive.sha256[f"{gone.parent.name}/{gone.name}"]
    gone.unlink()
    _seal(tmp_path, folder, tmp_path / "usb2")
    state = SealState(isolated_state)
    state.load()
    assert not state.sealed_before(gone_sha)
    assert state.sealed_before(drive.sha256[f"{gone.parent.name}/{drive.photos[1].name}"])


def test_forget_wipes_the_state(tmp_path: Path, isolated_state: Path) -> None:
    folder = tmp_path / "camera"
    make_drive(folder, photos=1)
    _seal(tmp_path, folder, tmp_path / "usb1")
    assert isolated_state.exists()
    run = Caesar(None)("seal", "--forget")
    assert run.exit_code == 0 and "Wiped" in run.stderr
    assert not isolated_state.exists()
    report = _seal(tmp_path, folder, tmp_path / "usb2")
    assert report["already_sealed"] == 0 and report["files"] == 4
