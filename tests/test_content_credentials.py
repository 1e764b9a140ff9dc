"""Content credentials (C2PA) read and validated at intake: who signed a file, with which
app, which edits it declares; a manifest the bytes no longer match, or one that cannot be
parsed, is a flag. Files are signed here by the C2PA reference library (tests/c2pa_signing.py)."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
from pathlib import Path

import pytest
from c2pa_signing import ORGANISATION, SIGNER, sign
from conftest import Caesar
from PIL import Image

from caesar.intake.inspect import Inspection, inspect_file


def _jpeg(seed: int = 0) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((320, 240), 40 + seed).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def _inspect(data: bytes) -> Inspection:
    return inspect_file(io.BytesIO(data), len(data), thumbnail_px=160)


@pytest.fixture(scope="module")
def signed() -> bytes:
    return sign(_jpeg(), "image/jpeg", ("c2pa.created", "c2pa.cropped", "c2pa.color_adjustments"))


def test_a_signed_photo_says_who_signed_it_with_what_and_which_edits(
        caesar: Caesar, signed: bytes, tmp_path: Path) -> None:
    (tmp_path / "phone").mkdir()
    (tmp_path / "phone" / "IMG_0001.jpg").write_bytes(signed)
    report = caesar.json("ingest", str(tmp_path / "phone"), "--strict")
    assert report["flagged"] == []  # a valid manifest is no problem
    [photo] = caesar.json("photos", "list")
    credentials = caesar.json("photos", "show", photo["sha256"])["exif"]["C2PA"]
    assert credentials["state"] == "valid" and credentials["problems"] == []
    assert credentials["signer"] == f"{SIGNER} ({ORGANISATION})"
    assert credentials["generator"] == f"{SIGNER} 2.1"
    assert credentials["actions"] == ["c2pa.created", "c2pa.cropped", "c2pa.color_adjustments"]
    assert credentials["source"] == "digitalCapture"


def test_a_photo_changed_after_signing_is_flagged_and_kept(
        caesar: Caesar, signed: bytes, tmp_path: Path) -> None:
    changed = bytearray(signed)
    changed[-200] ^= 0xFF  # one byte of the image data, after the manifest was signed
    (tmp_path / "IMG_0002.jpg").write_bytes(bytes(changed))
    report = caesar.json("ingest", str(tmp_path / "IMG_0002.jpg"))
    [flag] = report["flagged"]
    assert flag["kind"] == "c2pa_invalid" and "assertion.dataHash.mismatch" in flag["problem"]
    [photo] = caesar.json("photos", "list")
    assert photo["size"] == len(changed)
    shown = caesar.json("photos", "show", photo["sha256"])["exif"]["C2PA"]
    assert shown["state"] == "invalid" and shown["signer"] == f"{SIGNER} ({ORGANISATION})"


def test_a_damaged_manifest_is_flagged_as_unreadable(signed: bytes) -> None:
    at = signed.find(b"c2pa")
    damaged = signed[:at + 200] + bytes(800) + signed[at + 1000:]
    found = _inspect(damaged)
    assert [f.kind for f in found.flags] == ["c2pa_invalid"]
    assert "cannot be read" in found.flags[0].problem
    assert found.exif["C2PA"]["state"] == "unreadable"


def test_a_photo_without_credentials_has_none(signed: bytes) -> None:
    found = _inspect(_jpeg(1))
    assert "C2PA" not in found.exif and not found.flags


def _credentials_state(data: bytes) -> str:
    return str(_inspect(data).exif["C2PA"]["state"])


def test_a_worker_forked_after_its_parent_read_credentials_reads_them_too(
        signed: bytes) -> None:
    """Intake's workers are forked; a library's threads are not copied by fork()."""
    assert _credentials_state(signed) == "valid"
    with multiprocessing.get_context("fork").Pool(1) as pool:
        # Reading takes milliseconds; the bound only turns a hang into a failure.
        assert pool.apply_async(_credentials_state, (signed,)).get(timeout=120) == "valid"


def test_the_examination_weighs_the_credentials(caesar: Caesar, signed: bytes,
                                                tmp_path: Path) -> None:
    changed = bytearray(signed)
    changed[-200] ^= 0xFF
    (tmp_path / "phone").mkdir()
    (tmp_path / "phone" / "IMG_0003.jpg").write_bytes(signed)
    (tmp_path / "phone" / "IMG_0004.jpg").write_bytes(bytes(changed))
    caesar("ingest", str(tmp_path / "phone"))
    examined = {r["sha256"]: r for r in caesar.json("examine", "--all")}
    found = {sha: [f for f in r["findings"] if f["signal"] == "provenance.credentials"]
             for sha, r in examined.items()}
    [held] = found[hashlib.sha256(signed).hexdigest()]
    assert held["strength"] == "consistent"
    assert SIGNER in held["evidence"] and "c2pa.cropped" in held["evidence"]
    [broken] = found[hashlib.sha256(bytes(changed)).hexdigest()]
    assert broken["strength"] == "inconsistent"
    assert "assertion.dataHash.mismatch" in broken["evidence"]
    assert examined[hashlib.sha256(bytes(changed)).hexdigest()]["strongest"] == "inconsistent"
