"""An evidence package's `examination/`: findings and facts per original, a report section,
and a script that reproduces the facts (with exiftool where it is installed)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import bagit
from conftest import Caesar
from evalset_helper import small_set, write_set
from pypdf import PdfReader


def _package(caesar: Caesar, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    photos = [p for p in small_set() if p.camera == "nikon-p6000"
              and p.kind in ("original", "resaved", "thumbnail_left")]
    write_set(photos, tmp_path / "drive")
    assert caesar("ingest", str(tmp_path / "drive")).exit_code == 0
    kinds = {hashlib.sha256(p.data).hexdigest(): p.kind for p in photos}
    out = tmp_path / "package"
    run = caesar("export", "evidence", "--transfer", "1", "--out", str(out), "--yes")
    assert run.exit_code == 0, run.stderr
    return out, kinds


def test_the_package_carries_each_originals_examination_and_reproduces_it(
        caesar: Caesar, tmp_path: Path) -> None:
    out, kinds = _package(caesar, tmp_path)
    bagit.Bag(str(out)).validate()  # the examination's files are in the tag manifest
    for sha, kind in kinds.items():
        document = json.loads((out / "examination" / f"{sha}.json").read_text("utf-8"))
        assert document["examination"]["sha256"] == sha
        expected = "consistent" if kind == "original" else "inconsistent"
        assert document["examination"]["strongest"] == expected
        assert document["facts"]["tables"]
    text = "\n".join(page.extract_text() for page in PdfReader(out / "verification-report.pdf")
                     .pages)
    assert "The examination of the originals" in text
    assert "python3 examination/reproduce.py ." in text
    assert "djpeg -verbose -verbose" in text and "exiftool" in text and "jpegtran" in text
    assert "The compression tables are not this camera" in text
    # Outside the archive, with Python's standard library (and exiftool, when installed).
    env = {"PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-I", str(out / "examination" / "reproduce.py"),
                           str(out)], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(kinds)} of {len(kinds)} originals agree" in done.stdout
    # A fact changed after the package was made is caught.
    sha = next(iter(kinds))
    path = out / "examination" / f"{sha}.json"
    document = json.loads(path.read_text("utf-8"))
    document["facts"]["ijg_quality"] = 12
    if shutil.which("exiftool"):
        document["facts"]["original"] = "2001-01-01T00:00:00"
    path.write_text(json.dumps(document), "utf-8")
    changed = subprocess.run([sys.executable, "-I", str(out / "examination" / "reproduce.py"),
                              str(out)], capture_output=True, text=True, env=env)
    assert changed.returncode == 1 and "ijg_quality: recorded 12" in changed.stdout
    if shutil.which("exiftool"):
        assert "original (exiftool)" in changed.stdout
