"""The demo plants doctored copies (labelled in doctored.json); `examine --all` finds them and
calls no camera original inconsistent."""

from __future__ import annotations

import json
from pathlib import Path

from caesar.core import Archive
from caesar.demo import doctored
from caesar.demo.generate import generate_collection
from caesar.intake.service import IngestRequest


def test_the_planted_copies_are_found_and_no_camera_original(tmp_path: Path,
                                                             archive: Archive) -> None:
    collection = tmp_path / "collection"
    truth = generate_collection(collection, cases=4, seed=5, reports=False, workers=1)
    planted = doctored.plant(collection, truth, seed=5)
    assert sorted(p.kind for p in planted) == sorted(doctored.KINDS)
    labelled = json.loads((collection / doctored.DOCTORED_FILE).read_text("utf-8"))
    assert [(e["path"], e["kind"]) for e in labelled] == [(p.path, p.kind) for p in planted]
    for drive in truth.drives:
        archive.ingest(IngestRequest(sources=[str(collection / drive)], actor="owner"))
    found = doctored.examine_all(archive, truth, planted)
    assert found.planted_found == found.planted == len(doctored.KINDS)
    assert found.camera_originals_called_inconsistent == 0
    assert "the 4 of 4 doctored copies" in doctored.summary(found)
