"""A region pasted from another photo is placed by its own compression grid; where that grid
cannot survive the editor's save, the examination says so and names no place; photos with
nothing pasted are never said to hold a pasted region. Images come from the evaluation set's
generator (abstract pictures with real cameras' tables), made here."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from caesar.forensics.evalset import doctoring
from caesar.forensics.evalset.cameras import CAMERAS, EvalCamera
from caesar.forensics.evalset.generate import EvalPhoto, camera_original
from caesar.forensics.evalset.measure import Outcome, score
from caesar.forensics.recompression import CELL

NOKIA = next(c for c in CAMERAS if c.key == "nokia-8-3")  # libjpeg's quality-95 tables
KODAK = next(c for c in CAMERAS if c.key == "kodak-cx7530")
SIZE = (512, 384)


def _originals(camera: EvalCamera, rng: random.Random, count: int = 4) -> list[EvalPhoto]:
    start = datetime(2013, 5, 1, 10)
    return [EvalPhoto(f"c/IMG_{100 + i}.JPG", "c", "original", "held_out",
                      camera_original(camera, "12345", start + timedelta(minutes=i), SIZE, rng))
            for i in range(count)]


def _examined(camera: EvalCamera, kind: str, seed: int,
              save: doctoring.EditorSave) -> Outcome:
    """One copy of `kind` made from a fresh original, examined among the camera's originals."""
    rng = random.Random(seed)
    originals = _originals(camera, rng)
    source = originals[0].data
    region = None
    if kind == "pasted_region":
        data, region = doctoring.pasted_region(source, originals[1].data, save, rng, (160, 160))
    elif kind == "cropped":
        data = doctoring.cropped(source, save, rng, 0.7)
    else:
        data = doctoring.resave(source, save)
    copy = EvalPhoto("c/doctored/IMG_0200.JPG", "c", kind, "held_out",  # type: ignore[arg-type]
                     data, region=region)
    return score([*originals, copy]).outcomes[-1]


def _region(outcome: Outcome) -> dict[str, object] | None:
    return next((f.details for f in outcome.examination.findings
                 if f.signal == "recompression.region"), None)


def test_a_region_the_aligned_map_cannot_see_is_placed_by_its_own_grid() -> None:
    # The phone's tables (libjpeg 95) saved again at 98 leave too few frequencies for the
    # camera's lattice to be mapped on the aligned grid; the pasted block's own grid, shifted
    # against the host's, still carries it.
    outcome = _examined(NOKIA, "pasted_region", 17, doctoring.EditorSave("ijg", 98))
    assert outcome.inconsistent
    details = _region(outcome)
    assert details is not None, outcome.examination.not_examined
    assert details["evidence"] == "shifted"
    assert outcome.placed, details["cells"]
    x, y, w, h = outcome.photo.region or (0, 0, 0, 0)
    x0, y0, x1, y1 = details["box"]  # type: ignore[misc]
    # the box named lies on the region, to within the map's cell
    assert x0 >= x - CELL and y0 >= y - CELL and x1 <= x + w + CELL and y1 <= y + h + CELL
    assert details["grid"] != [0, 0]


def test_when_the_save_was_too_coarse_it_says_so_and_names_no_place() -> None:
    # The same phone's photo saved at libjpeg 85, coarser than its own 95: no trace of the
    # camera's compression survives on any grid. The copy is still found (other tables), and
    # the examination says the region's place cannot be mapped rather than guessing one.
    outcome = _examined(NOKIA, "pasted_region", 12, doctoring.EditorSave("ijg", 85))
    assert outcome.inconsistent
    assert _region(outcome) is None
    said = " ".join(outcome.examination.not_examined)
    assert "no place of a pasted region is named" in said or "cannot be placed" in said, said


def test_a_photo_only_saved_again_finely_names_no_region() -> None:
    # Saved finely on top (the camera's lattice survives everywhere): re-saved is found, and
    # no place is named, since nothing was pasted.
    outcome = _examined(KODAK, "resaved", 13, doctoring.EditorSave("ijg", 98))
    assert outcome.inconsistent
    assert any(f.signal == "recompression.double" for f in outcome.examination.findings)
    assert _region(outcome) is None, _region(outcome)


def test_a_crop_moves_the_whole_grid_and_names_no_region() -> None:
    # A crop off the 8-pixel grid shifts the camera's grid everywhere: that is a crop
    # (recompression.grid), never a region pasted into the photo.
    outcome = _examined(KODAK, "cropped", 14, doctoring.EditorSave("ijg", 98))
    assert outcome.inconsistent
    assert _region(outcome) is None, _region(outcome)
    assert any(f.signal == "recompression.grid" for f in outcome.examination.findings)


def test_untouched_originals_name_no_region() -> None:
    photos = _originals(KODAK, random.Random(15), 6)
    outcomes = score(photos).outcomes
    assert [o.photo.name for o in outcomes if o.claims_region] == []
    assert {o.examination.strongest for o in outcomes} == {"consistent"}
