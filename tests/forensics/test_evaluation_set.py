"""Each kind of doctoring is found; camera originals stay consistent (held-out part too)."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from evalset_helper import small_set

from caesar.forensics.evalset import doctoring
from caesar.forensics.evalset.cameras import CAMERAS
from caesar.forensics.evalset.generate import EvalPhoto, camera_original
from caesar.forensics.evalset.measure import score
from caesar.forensics.facts import gather
from caesar.forensics.jpeg import read_structure


@pytest.fixture(scope="module")
def scores():  # type: ignore[no-untyped-def]
    return score(small_set())


def test_camera_originals_are_never_called_inconsistent(scores) -> None:  # type: ignore[no-untyped-def]
    originals = [o for o in scores.outcomes if o.photo.kind == "original"]
    assert len(originals) == 30
    assert [o.photo.name for o in originals if o.inconsistent] == []
    # held-out cameras' originals too (their tables were never looked at while tuning)
    assert {o.photo.split for o in originals} == {"tuned", "held_out"}


@pytest.mark.parametrize("kind", doctoring.KINDS)
def test_each_kind_of_doctoring_is_found(scores, kind: str) -> None:  # type: ignore[no-untyped-def]
    copies = [o for o in scores.outcomes if o.photo.kind == kind]
    assert len(copies) == len(CAMERAS)
    missed = [(o.photo.name, o.photo.tool) for o in copies if not o.inconsistent]
    # The Nokia phone writes libjpeg's quality-95 tables: a copy saved again by a libjpeg
    # editor at 95 has the very same tables, and only the JFIF segment the editor adds shows.
    assert missed == []


def test_held_out_copies_are_in_the_set(scores) -> None:  # type: ignore[no-untyped-def]
    table = scores.table()
    assert any(split == "held_out" and n for (kind, split), (_, n) in table.items()
               if kind != "original")


def test_a_pasted_region_is_mapped_where_it_is() -> None:
    # The camera's tables (libjpeg 84, a Nikon's) are coarser than the editor's (95): the
    # camera's compression survives everywhere but in the pasted region.
    nikon = CAMERAS[0]
    rng = random.Random(3)
    original = camera_original(nikon, "12345", datetime(2013, 5, 1),
                               (512, 384), rng)
    donor = camera_original(nikon, "12345", datetime(2013, 5, 2),
                            (512, 384), rng)
    data, region = doctoring.pasted_region(original, donor, doctoring.EditorSave("ijg", 95),
                                           rng, (150, 150))
    photos = [EvalPhoto(f"n/DSCN{100 + i}.JPG", "n", "original", "tuned",
                        camera_original(nikon, "12345", datetime(2013, 5, 1, 10, i),
                                        (512, 384), rng)) for i in range(4)]
    photos.append(EvalPhoto("n/doctored/DSCN0200.JPG", "n", "pasted_region", "tuned", data,
                            region=region))
    outcome = score(photos).outcomes[-1]
    assert outcome.inconsistent
    assert outcome.placed, [f.evidence for f in outcome.examination.findings]


def test_the_generator_writes_each_cameras_real_tables_and_layout() -> None:
    by_camera = {}
    for photo in small_set():
        if photo.kind == "original":
            by_camera.setdefault(photo.camera, []).append(photo)
    for camera in CAMERAS:
        photos = by_camera[camera.key]
        structure = read_structure(photos[0].data)
        assert structure.quant[0] == camera.luma and structure.quant[1] == camera.chroma
        assert structure.apps() == ["APP1:Exif"]  # no JFIF header: cameras write none
        facts = gather(photos[0].data)
        assert facts.makernote == (camera.makernote is not None)
        assert facts.thumbnail == camera.thumbnail
        assert len({gather(p.data).layout for p in photos}) == 1


def test_a_photo_only_resaved_is_not_said_to_hold_a_pasted_region() -> None:
    # The same save as the pasted-region test above, without the paste: the copy is found
    # re-saved, and no place in it is named as pasted, which would be a false statement.
    nikon = CAMERAS[0]
    rng = random.Random(3)
    original = camera_original(nikon, "12345", datetime(2013, 5, 1), (512, 384), rng)
    photos = [EvalPhoto(f"n/DSCN{100 + i}.JPG", "n", "original", "tuned",
                        camera_original(nikon, "12345", datetime(2013, 5, 1, 10, i),
                                        (512, 384), rng)) for i in range(4)]
    photos.append(EvalPhoto("n/doctored/DSCN0200.JPG", "n", "resaved", "tuned",
                            doctoring.resave(original, doctoring.EditorSave("ijg", 95))))
    scores = score(photos)
    assert scores.outcomes[-1].inconsistent
    assert scores.regions_claimed_wrongly("tuned") == (0, 5), [
        f.evidence for f in scores.outcomes[-1].examination.findings]
