"""`caesar verify`: every original decrypted and re-hashed; damage and loss named."""

from __future__ import annotations

from pathlib import Path

from conftest import PASSPHRASE, Caesar
from photos import camera_jpeg

from caesar.core import Archive


def _ingest(caesar: Caesar, tmp_path: Path, n: int = 5) -> list[str]:
    for i in range(n):
        camera_jpeg(tmp_path / "src" / f"{i}.jpg", seed=i)
    caesar.json("ingest", str(tmp_path / "src"))
    return [p["sha256"] for p in caesar.json("photos", "list")]


def _object_of(caesar: Caesar, sha: str) -> Path:
    archive = Archive.open(caesar.archive, PASSPHRASE)
    name = archive.vault.name("original", sha)
    archive.close()
    return caesar.archive / "objects" / name[:2] / name


def test_verify_clean_archive(caesar: Caesar, tmp_path: Path) -> None:
    shas = _ingest(caesar, tmp_path)
    run = caesar("verify", "--json")
    assert run.exit_code == 0
    assert run.json() == {"checked": 5, "ok": 5, "damaged": [], "missing": [],
                          "ledger_ok": True, "state": {"ok": True, "problem": None},
                          "unreferenced": [], "thumbnails_damaged": [], "checkpoints": [],
                          "family_photos": {"checked": 0, "damaged": [], "missing": []},
                          "held_packages": {"checked": 0, "damaged": [], "missing": []}}
    assert len(shas) == 5


def test_one_flipped_byte_is_named(caesar: Caesar, tmp_path: Path) -> None:
    shas = _ingest(caesar, tmp_path)
    victim = _object_of(caesar, shas[2])
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    run = caesar("verify", "--json")
    assert run.exit_code == 1
    report = run.json()
    assert report["damaged"] == [shas[2]] and report["missing"] == []
    assert report["checked"] == 5 and report["ok"] == 4
    human = caesar("verify")
    assert shas[2] in human.stderr and human.exit_code == 1


def test_missing_and_cut_short_objects(caesar: Caesar, tmp_path: Path) -> None:
    shas = _ingest(caesar, tmp_path)
    _object_of(caesar, shas[0]).unlink()
    cut = _object_of(caesar, shas[1])
    cut.write_bytes(cut.read_bytes()[:-100])
    report = caesar("verify", "--json").json()
    assert report["missing"] == [shas[0]]
    assert report["damaged"] == [shas[1]]


def test_an_object_without_a_row_is_named_but_needs_no_attention(caesar: Caesar,
                                                                  tmp_path: Path) -> None:
    shas = _ingest(caesar, tmp_path, n=2)
    stray = _object_of(caesar, shas[0])
    copy = stray.parent / ("f" * len(stray.name))  # as a crash before its row leaves one
    copy.write_bytes(stray.read_bytes())
    run = caesar("verify", "--json")
    assert run.exit_code == 0 and run.json()["unreferenced"] == [copy.name]
    assert "1 stored objects have no catalogue row" in caesar("verify").stderr


def test_verify_of_an_empty_archive(caesar: Caesar) -> None:
    run = caesar("verify", "--json")
    assert run.exit_code == 0 and run.json()["checked"] == 0
