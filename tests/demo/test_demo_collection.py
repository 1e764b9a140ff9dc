"""The synthetic collection against its ground truth: files, cases, roles, copies, cameras."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from pathlib import Path

import av
import numpy as np
import pdqhash
import pytest
from PIL import Image

from caesar.demo.generate import CollectionSpec, generate_collection
from caesar.demo.truth import Truth, load_truth
from caesar.demo.variety import VARIETIES
from caesar.demo.vocab import ARABIC_INDIC_DIGITS, ROLES, western_digits
from caesar.errors import UsageError

CASE_ROLES = {"card", "face", "body", "detail"}


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("demo") / "collection"
    # Small photos and generous shares, so that every kind of file appears in a fast test.
    truth = generate_collection(out, cases=14, seed=7, megapixels=0.3, drives=2,
                                published_share=0.15, repeat_share=0.5, skin_share=0.3,
                                arabic_share=0.5, videos=1)
    return out, truth


def _pdq(path: Path) -> tuple[np.ndarray, int]:
    bits, quality = pdqhash.compute(np.asarray(Image.open(path).convert("RGB")))
    return np.asarray(bits), int(quality)


def _distance(a: np.ndarray, b: np.ndarray) -> int:
    return int((a != b).sum())


def test_truth_lists_exactly_the_files_on_the_drives(collection: tuple[Path, Truth]) -> None:
    out, truth = collection
    on_disk = {p.relative_to(out).as_posix() for d in truth.drives
               for p in (out / d).rglob("*") if p.is_file()}
    assert on_disk == {f.location for f in truth.files}
    for f in truth.files:
        data = (out / f.location).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f.sha256 and len(data) == f.size
    # The answers and the families' reports lie beside the drives, never inside one.
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == [
        "reports.csv", "reports.json", "truth.json"]
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["drive-01", "drive-02"]


def test_truth_file_loads_back_equal(collection: tuple[Path, Truth]) -> None:
    out, truth = collection
    assert load_truth(out) == truth
    assert load_truth(out / "truth.json").format == "caesar-demo-truth/1"


def test_cases_and_roles(collection: tuple[Path, Truth]) -> None:
    _out, truth = collection
    assert [c.id for c in truth.cases] == list(range(1, 15))
    assert {f.role for f in truth.files} <= set(ROLES)
    for case in truth.cases:
        originals = [f for f in truth.originals() if f.case == case.id]
        assert [f.sha256 for f in sorted(originals, key=lambda f: f.taken_at or 0)] == list(
            case.photos)
        assert len(originals) >= 3 and {f.role for f in originals} <= CASE_ROLES
        # A close-up of the card, unless nobody took one (a body whose numbers go unread).
        writing = truth.numbers_of(case.id).writing
        close_up = writing.illegible not in ("no_card", "out_of_frame", "skin_far")
        assert {"body", "face"} | ({"card"} if close_up else set()) == {
            f.role for f in originals} & {"body", "face", "card"}
        assert all(f.category == "detention_death" for f in originals)
        # One camera per case, photos seconds apart (at the photographer's pace, slower on
        # some days), on the day the case says.
        assert {f.camera for f in originals} == {case.camera}
        pace = next(c.pace for c in truth.cameras if c.id == case.camera)
        slowest = 40 if pace is None else next(
            p.within[1] for v in VARIETIES.values() for p in v.paces if p.name == pace) * 1.2
        times = sorted(f.taken_at for f in originals if f.taken_at)
        assert all(0 < (b - a).total_seconds() <= slowest for a, b in itertools.pairwise(times))
        assert times[0].date() == case.photographed_on
        assert case.age_min <= case.age_max and case.sex in ("M", "F")
        assert case.person.arrest_date < case.photographed_on
    others = [f for f in truth.originals() if f.case is None]
    assert others and all(f.role in ("other", "damaged") for f in others)
    assert {f.category for f in others if f.role == "other"} <= {"other_death", "scene"}


def test_card_photos_show_the_numbers(collection: tuple[Path, Truth]) -> None:
    out, truth = collection
    scripts: Counter[str] = Counter()
    for f in truth.files:
        if f.role == "card":
            assert f.card is not None, f.location
        if f.card is None:
            continue
        case = truth.case(f.case or 0)
        card = f.card
        scripts[card.script] += 1
        assert card.script == case.script
        numbers = {"detainee": case.detainee, "branch": case.branch, "forensic": case.forensic}
        # Every number the card carries is the case's, and its lines are the case's card.
        assert all(getattr(card, k) in (None, v) for k, v in numbers.items())
        writing = truth.numbers_of(case.id).writing
        assert list(card.lines) == [line.text for line in writing.lines]
        if writing.variety == "plain":
            # The first generator's card: the card's numbers one a line, nothing else.
            expected = [v for k, v in numbers.items() if k != case.skin_number]
            assert [western_digits(line) for line in card.lines] == expected
        if card.script == "arabic_indic":
            assert all(ch in ARABIC_INDIC_DIGITS for line in card.lines for ch in line
                       if ch.isdigit())
        if writing.variety != "plain":
            continue  # slips, tapes and skin are not white: tests/demo/test_variety.py
        # The box holds a white card: brighter than the abstract shapes around it.
        with Image.open(out / f.location) as image:
            x0, y0, x1, y1 = card.box
            assert 0 <= x0 < x1 <= image.width and 0 <= y0 < y1 <= image.height
            inner = image.convert("L").crop((x0 + (x1 - x0) // 4, y0 + (y1 - y0) // 4,
                                             x1 - (x1 - x0) // 4, y1 - (y1 - y0) // 4))
            assert np.asarray(inner).mean() > 150
    assert scripts["western"] and scripts["arabic_indic"]
    assert {n.writing.variety for n in truth.numbers} == {"plain", "seen"}
    skin = [s for f in truth.files for s in f.skin]
    assert skin and all(s.value == getattr(truth.case(f.case or 0), s.kind)
                        for f in truth.files for s in f.skin)


def test_repeats_are_the_same_bytes_on_a_later_drive(collection: tuple[Path, Truth]) -> None:
    out, truth = collection
    repeats = [f for f in truth.files if f.first_seen is not None]
    assert repeats
    for f in repeats:
        first = truth.file(f.first_seen or "")
        assert f.copy_of == f.sha256 == first.sha256
        assert f.drive > first.drive and (f.case, f.role) == (first.case, first.role)
        assert (out / f.location).read_bytes() == (out / first.location).read_bytes()


def test_published_copies_are_near_duplicates_without_metadata(
        collection: tuple[Path, Truth]) -> None:
    out, truth = collection
    copies = [f for f in truth.files if f.role == "published_copy"]
    assert len(copies) >= 2
    for f in copies:
        original = truth.by_sha256(f.copy_of or "")
        assert f.case == original.case and f.case is not None
        copy_bits, copy_quality = _pdq(out / f.location)
        original_bits, _ = _pdq(out / original.location)
        assert _distance(copy_bits, original_bits) <= 31
        assert copy_quality >= 50
        with Image.open(out / f.location) as image:
            assert not image.getexif() and "icc_profile" not in image.info
            assert image.size == (f.width, f.height)
            assert (f.width or 0) < (original.width or 0)
        assert f.size < original.size


def test_distinct_cases_look_distinct(collection: tuple[Path, Truth]) -> None:
    out, truth = collection
    # Every photo carries enough detail for near-duplicate search (PDQ quality >= 50).
    assert min(_pdq(out / f.location)[1] for f in truth.originals() if f.role != "damaged") >= 50
    firsts = [_pdq(out / truth.by_sha256(c.photos[0]).location)[0] for c in truth.cases]
    assert min(_distance(a, b) for a, b in itertools.combinations(firsts, 2)) > 31
    # Photos of one case are taken from other angles: similar subjects, never near-duplicates.
    for case in truth.cases[:4]:
        bits = [_pdq(out / truth.by_sha256(h).location)[0] for h in case.photos]
        assert min(_distance(a, b) for a, b in itertools.combinations(bits, 2)) > 31


def test_exif_reads_back_with_pillow(collection: tuple[Path, Truth]) -> None:
    out, truth = collection
    cameras = {c.id: c for c in truth.cameras}
    originals = [f for f in truth.originals() if f.role != "damaged"]
    assert len({f.camera for f in originals}) >= 2
    for f in originals[:: max(1, len(originals) // 12)]:
        camera = cameras[f.camera or ""]
        with Image.open(out / f.location) as image:
            exif = image.getexif()
            sub = exif.get_ifd(0x8769)
            assert image.format == "JPEG" and image.size == (f.width, f.height) == truth.size
        assert (exif[0x010F], exif[0x0110]) == (camera.make, camera.model)
        assert sub[0xA431] == camera.serial
        assert f.taken_at is not None
        assert sub[0x9003] == f.taken_at.strftime("%Y:%m:%d %H:%M:%S")
        assert sub[0x9011] == f.taken_at.strftime("%z")[:3] + ":" + f.taken_at.strftime("%z")[3:]


def test_a_short_video_of_a_scene(collection: tuple[Path, Truth]) -> None:
    out, truth = collection
    [video] = [f for f in truth.files if f.role == "video"]
    assert video.drive == truth.drives[0] and video.path.endswith(".mp4")
    assert video not in list(truth.originals())  # a video is no photo of a case
    with av.open(str(out / video.location)) as container:
        assert container.metadata["com.apple.quicktime.creationdate"] == (
            video.taken_at.strftime("%Y-%m-%dT%H:%M:%S%z") if video.taken_at else None)
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 30 and frames[0].shape == (240, 320, 3)  # 3 s at 10 a second
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 5  # it moves


def test_damaged_files(collection: tuple[Path, Truth]) -> None:
    out, truth = collection
    damaged = [f for f in truth.files if f.role == "damaged"]
    assert Counter((f.drive, f.damage) for f in damaged) == {
        (d, k): 1 for d in truth.drives for k in ("empty", "truncated", "not_image")}
    for f in damaged:
        path = out / f.location
        assert f.case is None
        if f.damage == "empty":
            assert f.size == 0
        elif f.damage == "truncated":
            with Image.open(path) as image, pytest.raises(OSError):
                image.load()
        else:
            with pytest.raises(OSError):
                Image.open(path)


def test_folder_layouts(collection: tuple[Path, Truth]) -> None:
    _, truth = collection
    originals = [f for f in truth.originals() if f.role != "damaged"]
    by_day = re.compile(r"^\d{4}-\d{2}-\d{2}/")
    by_photographer = re.compile(r"^\d{4}/\d{2}/\d{2}/photographer-\d+/")
    # One drive by day (2013-08-02/...), the other by year/month/day/photographer.
    for drive in truth.drives:
        paths = [f.path for f in originals if f.drive == drive]
        assert all(by_day.match(p) for p in paths) or all(by_photographer.match(p) for p in paths)
    assert any(by_day.match(f.path) for f in originals)
    assert any(by_photographer.match(f.path) for f in originals)
    # Published copies sit in their own folder, with no camera name or time.
    assert all(f.path.startswith("published/") for f in truth.files
               if f.role == "published_copy")


def test_same_seed_same_bytes_whatever_the_workers(tmp_path: Path) -> None:
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted(root.rglob("*")) if p.is_file()}

    a = generate_collection(tmp_path / "a", cases=8, seed=3, megapixels=0.1, workers=1)
    b = generate_collection(tmp_path / "b", cases=8, seed=3, megapixels=0.1, workers=2)
    c = generate_collection(tmp_path / "c", cases=8, seed=4, megapixels=0.1, workers=1)
    assert a == b
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert {f.sha256 for f in a.files}.isdisjoint({f.sha256 for f in c.files if f.size})


def test_megapixels_sets_the_size(tmp_path: Path) -> None:
    truth = generate_collection(tmp_path / "c", cases=1, megapixels=2, drives=1,
                                reports=False, non_case_share=0, damaged_per_drive=0)
    assert truth.size == (1632, 1224) and not (tmp_path / "c" / "reports.json").exists()
    with Image.open(tmp_path / "c" / truth.files[0].location) as image:
        assert image.size == truth.size


def test_bad_requests_are_refused(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(UsageError, match="not an empty folder"):
        generate_collection(tmp_path / "full", cases=1)
    with pytest.raises(UsageError, match="unknown collection option"):
        generate_collection(tmp_path / "a", cases=1, colour="red")
    with pytest.raises(UsageError, match="megapixels"):
        generate_collection(tmp_path / "b", cases=1, megapixels=0)
    with pytest.raises(UsageError, match="shares"):
        CollectionSpec(cases=1, non_case_share=1.0).check()
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
