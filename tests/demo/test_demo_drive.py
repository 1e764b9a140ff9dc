"""`make_drive` for other modules' tests, and the fonts and digits of the cards."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import numpy as np
import pdqhash
import pytest
from PIL import Image

from caesar.demo.cards import FontsMissing, available_fonts
from caesar.demo.generate import make_drive
from caesar.demo.vocab import western_digits, write_digits


def test_make_drive_writes_camera_photos_and_damaged_files(tmp_path: Path) -> None:
    drive = make_drive(tmp_path / "d", photos=4, seed=1, serial="SN-42", make="Canon",
                       model="Canon EOS 550D", start=datetime(2012, 12, 1, 9, 0, 0))
    assert [p.name for p in drive.photos] == [f"IMG_000{i}.JPG" for i in range(1, 5)]
    assert all(p.parent == tmp_path / "d" / "2012-12-01" for p in drive.files)
    hashes = []
    for path, taken in zip(drive.photos, drive.taken_at, strict=True):
        with Image.open(path) as image:
            exif = image.getexif()
            sub = exif.get_ifd(0x8769)
            assert (exif[0x010F], exif[0x0110], sub[0xA431]) == ("Canon", "Canon EOS 550D",
                                                                 "SN-42")
            assert sub[0x9003] == taken.strftime("%Y:%m:%d %H:%M:%S")
            assert sub[0x9011] == "+02:00"  # December: Syrian winter time
            hashes.append(np.asarray(pdqhash.compute(np.asarray(image.convert("RGB")))[0]))
    assert all(0 < (b - a).total_seconds() < 60 for a, b in itertools.pairwise(drive.taken_at))
    assert min(int((a != b).sum()) for a, b in itertools.combinations(hashes, 2)) > 31
    assert drive.empty is not None and drive.empty.stat().st_size == 0
    assert drive.truncated is not None and drive.not_image is not None
    with Image.open(drive.truncated) as image, pytest.raises(OSError):
        image.load()
    with pytest.raises(OSError):
        Image.open(drive.not_image)
    assert set(drive.sha256) == {p.relative_to(drive.root).as_posix() for p in drive.files}


def test_make_drive_is_reproducible_and_can_skip_damage(tmp_path: Path) -> None:
    a = make_drive(tmp_path / "a", photos=2, seed=5)
    b = make_drive(tmp_path / "b", photos=2, seed=5, damaged=False)
    assert b.files == b.photos and len(a.files) == 5
    assert [p.read_bytes() for p in a.photos] == [p.read_bytes() for p in b.photos]
    assert make_drive(tmp_path / "c", photos=2, seed=6).sha256 != a.sha256


def test_fonts_for_both_digit_scripts() -> None:
    for script in ("western", "arabic_indic"):
        fonts = available_fonts(script)
        assert len(fonts) >= 2 and all(f.is_file() for f in fonts)
    assert write_digits("2150", "arabic_indic") == "٢١٥٠"
    assert western_digits("٢١٥٠ / 235") == "2150 / 235"


def test_missing_fonts_name_the_debian_packages(tmp_path: Path) -> None:
    with pytest.raises(FontsMissing) as caught:
        available_fonts("arabic_indic", (tmp_path,))
    assert "fonts-kacst" in caught.value.diagnostics()
    assert "apt-get install" in caught.value.diagnostics()
