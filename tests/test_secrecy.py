"""Nothing plaintext at rest: a seized archive folder reveals no image, name or EXIF value."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import Caesar, archive_bytes
from photos import camera_jpeg

from caesar.vault.envelope import sealed_size
from caesar.vault.padding import padme
from caesar.vault.store import DOCUMENTS

SERIAL = "SERIAL-7Q4Z-MARKER"
MAKE = "MakeMarkerXJ"
OPERATOR = "OperatorMarkerSami"
LABEL = "LabelMarkerDrive"
FILENAME = "FilenameMarkerQ9"
ARABIC_NAME = "مجهول_الهوية_علامة"


def test_no_marker_anywhere_under_the_archive(caesar: Caesar, tmp_path: Path) -> None:
    src = tmp_path / "src"
    originals = [
        camera_jpeg(src / f"{FILENAME}_{i}.jpg", seed=i, serial=SERIAL, make=MAKE)
        for i in range(4)
    ]
    camera_jpeg(src / f"{ARABIC_NAME}.jpg", seed=9, serial=SERIAL)
    (src / "notes.txt").write_text(f"{SERIAL} written by {OPERATOR}\n")
    report = caesar.json("ingest", str(src), "--operator", OPERATOR, "--label", LABEL)
    assert report["stored"] == 6
    caesar.json("verify")

    on_disk = archive_bytes(caesar.archive)
    markers = [SERIAL, MAKE, OPERATOR, LABEL, FILENAME, ARABIC_NAME, "EOS 5D", "2013:08:02"]
    for name, data in on_disk.items():
        for marker in markers:
            for encoded in (marker.encode("utf-8"), marker.encode("utf-16-le")):
                assert encoded not in data, f"{marker!r} found in {name}"
        # no image, EXIF block or thumbnail in the clear
        for signature in (b"Exif\x00\x00", b"JFIF\x00", b"\x89PNG\r\n"):
            assert signature not in data, f"{signature!r} found in {name}"
        for original in originals:
            assert original[1000:1064] not in data, f"image data found in {name}"
    joined_names = "\n".join(on_disk)
    for marker in (FILENAME, ARABIC_NAME):
        assert marker not in joined_names


def test_object_names_hide_the_hash_and_sizes_are_padded(caesar: Caesar,
                                                         tmp_path: Path) -> None:
    src = tmp_path / "src"
    a = camera_jpeg(src / "a.jpg", seed=1)
    # a second file a few bytes longer must fall in the same padded size
    (src / "b.bin").write_bytes(a + b"\x00" * 37)
    report = caesar.json("ingest", str(src))
    assert report["stored"] == 2
    shas = [p["sha256"] for p in caesar.json("photos", "list")]
    objects = [p for p in (caesar.archive / "objects").rglob("*") if p.is_file()
               and not {".pending", DOCUMENTS} & set(p.parts)]
    assert len(objects) == 3  # two originals and a thumbnail (b.bin is not an image)
    for obj in objects:
        for sha in shas:
            assert sha not in obj.name and sha[:16] not in obj.name
            assert hashlib.sha256(bytes.fromhex(sha)).hexdigest() not in obj.name
    sizes = sorted(obj.stat().st_size for obj in objects)
    assert sizes[1] == sizes[2] == sealed_size(len(a)) == sealed_size(len(a) + 37)
    assert padme(len(a)) > len(a) + 37


def test_padme_bounds() -> None:
    for length in (0, 1, 1000, 1025, 4097, 10**6, 123_456_789):
        padded = padme(length)
        assert padded >= length
        assert padded <= max(1024, length * 1.12 + 1)
    assert len({padme(n) for n in range(200_000, 210_000)}) < 10
