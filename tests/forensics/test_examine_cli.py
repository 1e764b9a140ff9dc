"""`caesar examine`: the contract's JSON, stored encrypted and logged, recomputed when the
method changes, cameras and transfers, an outside photo never stored."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Caesar, archive_bytes
from evalset_helper import small_set, write_set
from PIL import Image

from caesar.catalog.examination import ExaminationRecord
from caesar.core import Archive
from caesar.vault.keys import KdfCost

KEYS = {"sha256", "media_type", "method_version", "strongest", "findings"}
FINDING_KEYS = {"signal", "strength", "evidence"}


def _chosen() -> list:  # type: ignore[type-arg]
    """Two cameras' originals and a few of their doctored copies."""
    keep = ("nikon-p6000", "pentax-k10d")
    kinds = ("original", "resaved", "dates_changed", "metadata_rewritten")
    return [p for p in small_set() if p.camera in keep and p.kind in kinds]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """One archive for the module: ingesting and examining is the slow part."""
    created = Archive.create(tmp_path_factory.mktemp("examined") / "archive", PASSPHRASE,
                             kdf_cost=KdfCost.test)
    yield created
    created.close()


@pytest.fixture(scope="module")
def examined(shared: Archive, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[Caesar, dict[str, str], list]:  # type: ignore[type-arg]
    caesar = Caesar(shared.path)
    tmp_path = tmp_path_factory.mktemp("drive")
    photos = _chosen()
    write_set(photos, tmp_path / "drive")
    (tmp_path / "drive" / "note.txt").write_text("not a photo\n")
    png = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(png, "PNG")
    (tmp_path / "drive" / "scan.png").write_bytes(png.getvalue())
    assert caesar("ingest", str(tmp_path / "drive"), "--json").exit_code == 0
    run = caesar("examine", "--all", "--json")
    assert run.exit_code == 0, run.stderr
    import hashlib
    kinds = {hashlib.sha256(p.data).hexdigest(): p.kind for p in photos}
    return caesar, kinds, run.json()


def test_examine_all_follows_the_contract_and_finds_the_doctored(examined) -> None:  # type: ignore[no-untyped-def]
    _, kinds, results = examined
    assert len(results) == len(kinds) + 2
    for result in results:
        assert set(result) >= KEYS
        assert result["strongest"] in ("consistent", "unusual", "inconsistent", "not_examined")
        for f in result["findings"]:
            assert set(f) >= FINDING_KEYS and f["method_version"] == result["method_version"]
    by_sha = {r["sha256"]: r for r in results}
    for sha, kind in kinds.items():
        expected = "inconsistent" if kind != "original" else "consistent"
        assert by_sha[sha]["strongest"] == expected, (kind, by_sha[sha]["findings"])
    others = [r for r in results if r["sha256"] not in kinds]
    assert len(others) == 2 and "image/png" in {r["media_type"] for r in others}
    for other in others:  # the checks that do not apply say so
        assert other["strongest"] == "not_examined" and other["not_examined"]


def test_findings_are_stored_encrypted_logged_and_recomputed_for_a_new_method(
        examined, shared: Archive) -> None:  # type: ignore[no-untyped-def]
    caesar, _kinds, results = examined
    serial = next(f for r in results for f in r["findings"] if f["signal"] == "structure.tables")
    stored = shared.examination.stored([r["sha256"] for r in results])
    assert set(stored) == {r["sha256"] for r in results}
    entries = [e.entry for e in shared.ledger.entries() if e.entry["type"] == "photo.examined"]
    assert len(entries) == len(results)
    assert all(e["details"]["method"] == results[0]["method_version"] for e in entries)
    # Nothing of the findings is plaintext under the archive folder.
    for content in archive_bytes(shared.path).values():
        assert serial["evidence"].encode() not in content
        assert b"structure.tables" not in content
    # A result made by another method's version is not served, and the next run replaces it.
    sha = results[0]["sha256"]
    with shared.catalog.session() as session:
        session.get(ExaminationRecord, sha).method_version = "examine-0"
    assert sha not in shared.examination.stored([sha])
    again = caesar("examine", sha, "--json")
    assert again.exit_code == 0 and again.json()[0]["sha256"] == sha
    assert sha in shared.examination.stored([sha])


def test_a_camera_and_a_transfer_are_examined_with_their_fingerprint(examined) -> None:  # type: ignore[no-untyped-def]
    caesar, _kinds, results = examined
    cameras = caesar.json("examine", "--cameras")
    keys = {c["camera"] for c in cameras}
    assert len([k for k in keys if k.startswith("serial:")]) == 2
    for camera in cameras:
        assert camera["photos"] >= 6 and camera["numbers"][0] < camera["numbers"][1]
        assert len(camera["out_of_order"]) == 1  # the copy whose dates were changed
        assert camera["departing"]  # the copy saved again with an editor's tables
    serial = next(k for k in keys if k.startswith("serial:")).removeprefix("serial:")
    one = caesar.json("examine", "--camera", serial)
    assert {r["camera"] for r in one} == {f"serial:{serial}"} and len(one) >= 6
    transfer = caesar.json("examine", "--transfer", "1")
    assert len(transfer) == len(results)


def test_examine_refuses_what_it_cannot_do(caesar: Caesar) -> None:
    assert caesar("examine").exit_code == 2
    assert caesar("examine", "--all", "--cameras").exit_code == 2
    missing = caesar("examine", "ab" * 32)
    assert missing.exit_code == 2 and "No original" in missing.stderr
    assert caesar("examine", "--transfer", "99").exit_code == 2


def test_an_outside_file_that_is_no_picture_is_refused_by_name(caesar: Caesar,
                                                                tmp_path: Path) -> None:
    whole = next(p for p in small_set() if p.kind == "original").data
    for name, data in (("notes.jpg", b"a letter, not a photo\n"),
                       ("cut-short.jpg", whole[: len(whole) // 3]), ("empty.jpg", b"")):
        (tmp_path / name).write_bytes(data)
        run = caesar("examine", "--compare", str(tmp_path / name), "--json")
        assert run.exit_code == 2, (name, run.stdout)
        assert f"{name} cannot be compared" in run.stderr and run.stdout == ""
    # Refused with nothing changed: no comparison was recorded.
    assert "photo.compared" not in caesar("ledger", "entries", "--json").stdout


def test_an_outside_photo_is_compared_and_never_stored(examined, shared: Archive,  # type: ignore[no-untyped-def]
                                                      tmp_path: Path) -> None:
    caesar, _kinds, _ = examined
    original = next(p for p in _chosen() if p.kind == "original")
    image = Image.open(io.BytesIO(original.data)).convert("RGB")
    out = io.BytesIO()
    image.crop((20, 14, 364, 272)).resize((240, 180)).save(out, "JPEG", quality=80)
    outside = tmp_path / "circulating.jpg"
    outside.write_bytes(out.getvalue())
    before = archive_bytes(shared.path / "objects")
    answer = caesar.json("examine", "--compare", str(outside))
    import hashlib
    found = {n["sha256"]: n for n in answer["nearest"]}
    # The original, and the copies of it made in the evaluation set (same pixels)
    nearest = found[hashlib.sha256(original.data).hexdigest()]
    how = nearest["difference"]["how"]
    assert {"re-encoded", "cropped", "resized"} <= set(how), nearest["difference"]["words"]
    x, y, w, _h = nearest["difference"]["crop"]
    assert abs(x - 20) <= 12 and abs(y - 14) <= 12 and abs(w - 344) <= 16
    # Nothing of it kept: only the catalogue's signed state changes, signed again after the
    # comparison's custody-log entry.
    after = archive_bytes(shared.path / "objects")
    assert after.keys() == before.keys()
    assert {k: v for k, v in after.items() if k != "documents/state"} == {
        k: v for k, v in before.items() if k != "documents/state"}
    assert [e for e in shared.ledger.entries() if e.entry["type"] == "photo.compared"]
