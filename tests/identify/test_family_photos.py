"""Photos of the missing in life, from the command line: added, listed, exported clean, each
bad file refused by name, withdrawn on request, never counted or exported as an original."""

from __future__ import annotations

import json
from pathlib import Path

from cases_helper import Body, add_cases
from conftest import Caesar
from photos import grace_hopper, metadata_groups, phone_jpeg, png_header_only

from caesar.core import Archive
from caesar.identify.stored import FAMILY_PHOTOS_DIR

PLACE = "DarayaHomeMarker"
OWNER = "PhoneOwnerMarker"


def _report(caesar: Caesar) -> int:
    run = caesar("missing", "add", "--set", "name=سامر أحمد الحلبي", "--set", "sex=M",
                 "--json")
    assert run.exit_code == 0, run.stderr
    report: int = run.json()[0]["id"]
    return report


def _types(caesar: Caesar) -> list[str]:
    return [e["entry"]["type"] for e in caesar.json("ledger", "entries")]


def _objects(archive: Archive) -> list[Path]:
    return [p for p in (archive.path / FAMILY_PHOTOS_DIR).rglob("*")
            if p.is_file() and ".pending" not in p.parts]


def test_photos_added_from_the_command_line_are_listed_and_exported_clean(
        archive: Archive, caesar: Caesar, tmp_path: Path) -> None:
    report = _report(caesar)
    portrait = tmp_path / "portrait.jpg"
    portrait.write_bytes(grace_hopper())
    phone = tmp_path / "IMG_2010.jpg"
    given = phone_jpeg(phone, place=PLACE, owner=OWNER, size=(400, 300))
    assert metadata_groups(phone)[0] >= {"GPS", "IFD0", "ExifIFD", "XMP-dc"}  # as given

    added = caesar.json("missing", "photos", "add", str(report), str(portrait), str(phone),
                        "--caption", "At his brother's wedding, 2010")
    assert [(f["file"], f["outcome"]) for f in added["files"]] == [
        (str(portrait), "added"), (str(phone), "added")]
    first, second = (f["photo"] for f in added["files"])

    shown = caesar.json("missing", "show", str(report))
    assert [(p["id"], p["width"], p["height"], p["added_by"], p["status"])
            for p in shown["photos"]] == [(first, 512, 600, "owner", "held"),
                                          (second, 300, 400, "owner", "held")]  # upright
    held = shown["photos"][1]
    assert held["caption"] == "At his brother's wedding, 2010" and held["added_at"]
    assert held["media_type"] == "image/jpeg" and held["size"] == len(given)
    text = json.dumps(shown)
    assert PLACE not in text and OWNER not in text and "GPS" not in text
    assert caesar.json("missing", "photos", "list", str(report)) == shown["photos"]

    out = tmp_path / "for-the-family"
    exported = caesar.json("missing", "photos", "export", str(report), "--out", str(out))
    assert exported["files"] == [f"photo-{first}.jpg", f"photo-{second}.jpg"]
    files = sorted(out.iterdir())
    assert metadata_groups(*files) == [set(), set()]  # no EXIF, GPS, XMP, ICC, JFIF
    for path in files:
        assert PLACE.encode() not in path.read_bytes() and OWNER.encode() not in path.read_bytes()
    types = _types(caesar)
    assert types.count("report.photo_added") == 2 and types.count("report.photo_viewed") == 2
    assert "original.stored" not in types
    inside = caesar("missing", "photos", "export", str(report), "--out",
                    str(archive.path / "copies"))
    assert inside.exit_code == 2 and "inside the archive folder" in inside.stderr


def test_a_phones_heic_and_avif_photos_are_added_and_shown_as_clean_jpegs(
        archive: Archive, caesar: Caesar, tmp_path: Path) -> None:
    report = _report(caesar)
    heic, avif = tmp_path / "IMG_4012.HEIC", tmp_path / "PXL_2019.avif"
    phone_jpeg(heic, place=PLACE, owner=OWNER, fmt="HEIF")
    phone_jpeg(avif, place=PLACE, owner=OWNER, fmt="AVIF", seed=8)
    assert {"GPS", "IFD0", "ExifIFD"} <= metadata_groups(heic)[0]  # as given
    run = caesar("missing", "photos", "add", str(report), str(heic), str(avif), "--json")
    assert run.exit_code == 0, run.stderr
    assert [f["outcome"] for f in run.json()["files"]] == ["added", "added"]
    shown = caesar.json("missing", "show", str(report))["photos"]
    assert [(p["media_type"], p["size"]) for p in shown] == [
        ("image/heic", heic.stat().st_size), ("image/avif", avif.stat().st_size)]
    assert (shown[1]["width"], shown[1]["height"]) == (300, 400)  # AVIF: upright, as given
    out = tmp_path / "for-the-family"
    exported = caesar.json("missing", "photos", "export", str(report), "--out", str(out))
    files = [out / name for name in exported["files"]]
    assert [f.suffix for f in files] == [".jpg", ".jpg"]
    assert metadata_groups(*files) == [set(), set()]
    for path in files:
        data = path.read_bytes()
        assert data[:3] == b"\xff\xd8\xff" and PLACE.encode() not in data
        assert OWNER.encode() not in data


def test_each_bad_file_gets_its_outcome_and_the_others_are_added(
        archive: Archive, caesar: Caesar, tmp_path: Path) -> None:
    report = _report(caesar)
    files = tmp_path / "given"
    files.mkdir()
    good = files / "good.jpg"
    good.write_bytes(grace_hopper())
    (files / "empty.jpg").write_bytes(b"")
    (files / "letter.txt").write_text("a letter, not a photo")
    (files / "cut.jpg").write_bytes(grace_hopper()[:20_000])
    png_header_only(files / "bomb.png", 30_000, 30_000)
    (files / "huge.jpg").write_bytes(grace_hopper() + bytes(20_000_000))
    (files / "phone.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + bytes(64))
    # Photoshop's header (Adobe PSD specification, "File Header Section"): an image, but not
    # one a phone or a camera writes
    (files / "layers.psd").write_bytes(b"8BPS\x00\x01" + bytes(6) + b"\x00\x03"
                                       + (64).to_bytes(4, "big") * 2 + b"\x00\x08\x00\x03")
    names = ["good.jpg", "empty.jpg", "letter.txt", "cut.jpg", "bomb.png", "huge.jpg",
             "phone.heic", "layers.psd", "missing.jpg", "good.jpg"]
    run = caesar("missing", "photos", "add", str(report), *(str(files / n) for n in names),
                 "--json")
    assert run.exit_code == 1, run.stderr  # done, but some files need attention
    outcomes = [(Path(f["file"]).name, f["outcome"]) for f in run.json()["files"]]
    assert outcomes == [("good.jpg", "added"), ("empty.jpg", "empty"),
                        ("letter.txt", "not_image"), ("cut.jpg", "truncated"),
                        ("bomb.png", "decompression_bomb"), ("huge.jpg", "too_large"),
                        ("phone.heic", "corrupt"), ("layers.psd", "unsupported"),
                        ("missing.jpg", "unreadable"),
                        ("good.jpg", "already_held")]
    assert all(f["problem"] for f in run.json()["files"][1:-1])
    assert len(_objects(archive)) == 1  # nothing of a refused file is kept
    assert [p["id"] for p in caesar.json("missing", "photos", "list", str(report))] == [1]
    again = caesar("missing", "photos", "add", str(report), str(good))
    assert again.exit_code == 0 and "already held as photo 1" in again.stderr


def test_a_withdrawn_photo_is_logged_and_no_longer_resolvable(
        archive: Archive, caesar: Caesar, tmp_path: Path) -> None:
    report = _report(caesar)
    other = _report(caesar)
    portrait, phone = tmp_path / "portrait.jpg", tmp_path / "phone.jpg"
    portrait.write_bytes(grace_hopper())
    phone_jpeg(phone, place=PLACE, owner=OWNER)
    caesar.json("missing", "photos", "add", str(report), str(portrait), str(phone),
                "--caption", "CaptionToForget")
    caesar.json("missing", "photos", "add", str(other), str(portrait))  # the same portrait
    assert len(_objects(archive)) == 2

    refused = caesar("missing", "photos", "withdraw", str(report), "2", "--reason", " ")
    assert refused.exit_code == 2 and "Say why" in refused.stderr
    gone = caesar.json("missing", "photos", "withdraw", str(report), "2", "--reason",
                       "the family asked for it back")
    assert gone["status"] == "withdrawn" and gone["caption"] is None
    assert gone["withdrawn_by"] == "owner" and gone["reason"] == "the family asked for it back"
    assert len(_objects(archive)) == 1  # the phone's photo: deleted
    assert "report.photo_withdrawn" in _types(caesar)
    listed = caesar.json("missing", "photos", "list", str(report))
    assert [(p["id"], p["status"], p["caption"]) for p in listed] == [
        (1, "held", "CaptionToForget"), (2, "withdrawn", None)]
    try:
        archive.identify.photo_image(report, 2, "owner")
        raise AssertionError("a withdrawn photo was shown")
    except Exception as error:
        assert "withdrawn at the family's request" in str(error)
    again = caesar("missing", "photos", "withdraw", str(report), "2", "--reason", "twice")
    assert again.exit_code == 2

    # The portrait another report still holds stays until that report lets it go too.
    caesar.json("missing", "photos", "withdraw", str(report), "1", "--reason", "asked")
    assert len(_objects(archive)) == 1
    out = tmp_path / "out"
    assert caesar.json("missing", "photos", "export", str(other), "--out", str(out))["files"]
    empty = caesar("missing", "photos", "export", str(report), "--out", str(tmp_path / "none"))
    assert empty.exit_code == 2 and "holds no photo" in empty.stderr
    caesar.json("missing", "photos", "withdraw", str(other), "3", "--reason", "asked")
    assert _objects(archive) == []


def test_family_photos_are_never_originals_and_never_leave_for_partners(
        archive: Archive, caesar: Caesar, tmp_path: Path) -> None:
    add_cases(archive, tmp_path / "evidence", [Body(photos=2)])
    before = caesar.json("photos", "list")
    path = tmp_path / "reports.json"
    path.write_text(json.dumps([{"ref": "p-1", "name": "Samer al-Halabi", "sex": "M",
                                 "reporter_name": "Umm Samer", "consent_share": "partners"},
                                {"ref": "p-2", "name": "Samer Halabi", "sex": "M"}]))
    (report, duplicate) = (r["id"] for r in caesar.json("missing", "add", "--from", str(path)))
    portrait, phone = tmp_path / "portrait.jpg", tmp_path / "phone.jpg"
    portrait.write_bytes(grace_hopper())
    phone_jpeg(phone, place=PLACE, owner=OWNER)
    caesar.json("missing", "photos", "add", str(report), str(portrait))
    caesar.json("missing", "photos", "add", str(duplicate), str(phone), str(portrait))

    assert caesar.json("photos", "list") == before
    checked = caesar.json("verify")
    assert checked["checked"] == len(before) == 2 and checked["ok"] == 2
    out = tmp_path / "data"
    caesar("export", "data", "--format", "json", "--out", str(out), "--yes")
    exported = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    for photo in caesar.json("missing", "photos", "list", str(report)):
        assert photo["sha256"].encode() not in exported
    shared_reports = json.loads((out / "reports.json").read_text())
    assert [r["ref"] for r in shared_reports] == ["p-1"]
    assert not [key for r in shared_reports for key in r if "photo" in key]
    shared = archive.identify.partner_reports("owner", hand_over=False)
    assert [r.ref for r in shared] == ["p-1"] and "photos" not in shared[0].model_dump()

    merged = caesar.json("missing", "merge", str(report), str(duplicate))
    assert [(p["report"], p["media_type"]) for p in merged["photos"]] == [
        (report, "image/jpeg"), (report, "image/jpeg")]  # the phone's photo joined; one copy
