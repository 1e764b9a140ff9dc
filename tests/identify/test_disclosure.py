"""Disclosure: a confirmed match only, one agreed step at a time, never more than the step."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from cases_helper import Body, add_cases
from conftest import Caesar
from PIL import Image

from caesar.core import Archive


@pytest.fixture
def confirmed(archive: Archive, caesar: Caesar, tmp_path: Path) -> tuple[str, str]:
    (case,) = add_cases(archive, tmp_path / "photos", [Body(
        marks=("gold_tooth:upper_teeth", "tattoo:left_forearm"), photos=3,
        roles=("card", "face", "body"))])
    path = tmp_path / "r.json"
    path.write_text(json.dumps([{"ref": "a", "name": "Samer", "sex": "M",
                                 "consent_notify": False}]))
    caesar.json("missing", "add", "--from", str(path))
    report = "1"
    for name, role in (("huda", "family_liaison"), ("rania", "reviewer"), ("omar", "reviewer")):
        caesar.account(name, role)
    early = caesar.as_("huda", "disclosure", "start", report, str(case), "--present", "x")
    assert early.exit_code == 2 and "two reviewers" in early.stderr
    caesar.as_json("rania", "review", "shortlist", report, str(case))
    caesar.as_json("omar", "review", "confirm", report, str(case))
    return report, str(case)


def _pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)


def test_steps_go_in_order_and_show_only_what_was_agreed(caesar: Caesar, tmp_path: Path,
                                                         confirmed: tuple[str, str]) -> None:
    report, case = confirmed
    asked_not = caesar.as_("huda", "disclosure", "start", report, case, "--present", "x")
    assert asked_not.exit_code == 2 and "asked not to be told" in asked_not.stderr
    session = caesar.as_json("huda", "disclosure", "start", report, case,
                          "--family-asked", "--present", "Umm Samer (mother)",
                          "--present", "huda (family liaison)")
    sid = str(session["id"])
    assert session["next_step"] == "description" and session["reached"] is None
    nothing = caesar.as_("huda", "disclosure", "material", sid, "--out",
                     str(tmp_path / "m0"))
    assert nothing.exit_code == 2 and not (tmp_path / "m0").exists()
    skipped = caesar.as_("huda", "disclosure", "step", sid, "face", "--consent")
    assert skipped.exit_code == 2 and "one at a time" in skipped.stderr

    caesar.as_json("huda", "disclosure", "step", sid, "description", "--consent")
    caesar.as_json("huda", "disclosure", "material", sid, "--out", str(tmp_path / "m1"))
    assert sorted(p.name for p in (tmp_path / "m1").iterdir()) == ["description.txt"]
    text = (tmp_path / "m1" / "description.txt").read_text("utf-8")
    assert "gold tooth on the upper teeth" in text and "سن ذهبية" in text

    declined = caesar.as_json("huda", "disclosure", "step", sid, "blurred", "--declined")
    assert declined["reached"] == "description" and declined["next_step"] == "blurred"
    caesar.as_json("huda", "disclosure", "step", sid, "blurred", "--consent")
    caesar.as_json("huda", "disclosure", "material", sid, "--out", str(tmp_path / "m2"))
    assert sorted(p.name for p in (tmp_path / "m2").iterdir()) == ["blurred.jpg",
                                                                    "description.txt"]
    blurred = _pixels(tmp_path / "m2" / "blurred.jpg")
    assert np.abs(blurred[..., 0] - blurred[..., 1]).max() < 8  # grayscale
    assert np.abs(np.diff(blurred[..., 0], axis=1)).mean() < 1.0  # no detail left

    caesar.as_json("huda", "disclosure", "step", sid, "face", "--consent")
    caesar.as_json("huda", "disclosure", "material", sid, "--out", str(tmp_path / "m3"))
    face = tmp_path / "m3" / "face.jpg"
    assert sorted(p.name for p in (tmp_path / "m3").iterdir()) == ["description.txt",
                                                                    "face.jpg"]
    assert not Image.open(face).getexif() and b"Exif" not in face.read_bytes()[:200]
    assert np.abs(np.diff(_pixels(face)[..., 0], axis=1)).mean() > 5  # the photo itself

    caesar.as_json("huda", "disclosure", "step", sid, "photos", "--consent")
    caesar.as_json("huda", "disclosure", "material", sid, "--out", str(tmp_path / "m4"))
    assert len(list((tmp_path / "m4").glob("photo-*.jpg"))) == 3
    ended = caesar.as_json("huda", "disclosure", "end", sid, "--outcome", "recognised")
    assert ended["status"] == "ended" and ended["outcome"] == "recognised"
    assert [(s["step"], s["consent"]) for s in ended["steps"]] == [
        ("description", True), ("blurred", False), ("blurred", True), ("face", True),
        ("photos", True)]
    assert ended["present"] == ["Umm Samer (mother)", "huda (family liaison)"]
    after = caesar.as_("huda", "disclosure", "material", sid, "--out",
                   str(tmp_path / "m5"))
    assert after.exit_code == 2
    types = [e["entry"]["type"] for e in caesar.json("ledger", "entries")]
    assert types.count("disclosure.step") == 5 and types.count("disclosure.shown") == 4
    assert {"disclosure.started", "disclosure.ended"} <= set(types)
    assert Image.open(io.BytesIO(face.read_bytes())).mode == "RGB"
