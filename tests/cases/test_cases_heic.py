"""Cases built from a phone's HEIC photos: the synthetic collection's photos written again as
HEIC (pillow-heif, with their EXIF), grouped one case a body, their numbers read."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import Caesar
from PIL import Image

from caesar.core import Archive
from caesar.demo.generate import generate_collection


@pytest.mark.slow
def test_cases_are_built_from_heic_photos(archive: Archive, caesar: Caesar,
                                          tmp_path: Path) -> None:
    folder = tmp_path / "collection"
    # Scenes between the cases, as in tests/cases/test_cases_cli.py (typeset cards)
    truth = generate_collection(folder, cases=4, seed=5, drives=1, reports=False,
                                published_share=0.0, non_case_share=0.3, arabic_share=0.5,
                                varied_share=0.0)
    phone = tmp_path / "phone"
    case_of: dict[str, int | None] = {}
    for original in truth.originals():
        heic = phone / Path(original.path).with_suffix(".HEIC")
        heic.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(folder / original.location) as image:
            # x265's fastest preset: six times quicker to write, the same picture for reading
            image.save(heic, "HEIF", quality=90, exif=image.info["exif"],
                       enc_params={"preset": "ultrafast"})
        case_of[hashlib.sha256(heic.read_bytes()).hexdigest()] = original.case
    run = caesar("ingest", str(phone), "--strict", "--json")
    assert run.exit_code == 0, run.stderr
    built = caesar("cases", "build", "--json")
    assert built.exit_code == 0, built.stderr

    cases = caesar.json("cases", "list")
    found = {sha: case["id"] for case in cases for sha in case["photos"]}
    for body in set(case_of.values()) - {None}:
        homes = {found.get(sha) for sha, of in case_of.items() if of == body}
        assert len(homes) == 1 and None not in homes, f"body {body} split or lost"
    right = total = 0
    for case in cases:
        bodies = {case_of[sha] for sha in case["photos"]} - {None}
        assert len(bodies) <= 1, f"case {case['id']} mixes bodies {bodies}"
        if not bodies:
            continue  # scenes grouped by their pauses: a person sorts them out
        [body] = bodies
        expected = truth.case(body)
        assert case["photographed_on"] == expected.photographed_on.isoformat()
        for kind in ("detainee", "branch", "forensic"):
            total += 1
            right += case["numbers"][kind] == getattr(expected, kind)
    assert right >= 0.8 * total, f"{right} of {total} numbers right"  # as for JPEG
