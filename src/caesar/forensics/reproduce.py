"""Recompute the examination's facts of an evidence package's originals, and compare.

    python3 examination/reproduce.py PACKAGE_FOLDER

Needs Python 3.10+ and its standard library alone (with `jpeg.py` and `tables.py`, which the
package carries beside this file, byte for byte the archive's own). For each
``examination/SHA256.json`` it hashes the original under ``data/originals/``, walks its JPEG
markers, reads its quantization and Huffman tables, and compares what it finds with the facts
the findings rest on. Where ``exiftool`` is installed, the camera and the dates are compared
with what it reads too. Exit status 0 when everything agrees, 1 otherwise.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import jpeg  # type: ignore[import-not-found]
import tables  # type: ignore[import-not-found]

_EXIFTOOL = {"make": "Make", "model": "Model", "serial": "SerialNumber",
             "software": "Software", "original": "DateTimeOriginal",
             "digitized": "CreateDate", "modified": "ModifyDate"}


def recomputed(data: bytes) -> dict[str, Any]:
    """The structure facts of one original, as the examination computed them."""
    structure = jpeg.read_structure(data)
    return {"markers": structure.markers, "width": structure.width,
            "height": structure.height, "trailing": len(structure.trailing),
            "tables": tables.table_signature(structure) if structure.quant else None,
            "ijg_quality": tables.ijg_quality(structure),
            "luma": list(structure.quant.get(0, ())),
            "standard_huffman": tables.standard_huffman(structure),
            "apps": structure.apps()}


def exiftool_facts(path: Path) -> dict[str, Any] | None:
    """What exiftool reads of the camera and dates (None without exiftool)."""
    if shutil.which("exiftool") is None:
        return None
    done = subprocess.run(["exiftool", "-j", "-d", "%Y-%m-%dT%H:%M:%S",
                           *(f"-{tag}" for tag in _EXIFTOOL.values()), str(path)],
                          capture_output=True, text=True, check=False)
    read = json.loads(done.stdout or "[{}]")[0]
    return {key: (str(read[tag]) if tag in read else None) for key, tag in _EXIFTOOL.items()}


def check(package: Path) -> int:
    """Compare every original's recomputed facts with its examination; print each."""
    differing = 0
    documents = sorted((package / "examination").glob("*.json"))
    for document in documents:
        recorded = json.loads(document.read_text("utf-8"))
        sha = recorded["examination"]["sha256"]
        found = sorted((package / "data" / "originals").glob(f"{sha}.*"))
        if not found or hashlib.sha256(found[0].read_bytes()).hexdigest() != sha:
            print(f"{sha}: the original is missing or its SHA-256 differs")
            differing += 1
            continue
        facts = recorded.get("facts") or {}
        problems = []
        if facts.get("jpeg"):
            for key, value in recomputed(found[0].read_bytes()).items():
                if facts.get(key) != value:
                    problems.append(f"{key}: recorded {facts.get(key)!r}, found {value!r}")
            tool = exiftool_facts(found[0])
            for key, value in (tool or {}).items():
                if facts.get(key) != value:
                    problems.append(f"{key} (exiftool): recorded {facts.get(key)!r},"
                                    f" found {value!r}")
        verdict = "agrees" if not problems else "DIFFERS: " + "; ".join(problems)
        print(f"{sha}: {recorded['examination']['strongest']}; recomputed facts {verdict}")
        differing += bool(problems)
    print(f"{len(documents) - differing} of {len(documents)} originals agree with their"
          " recorded facts.")
    return 1 if differing or not documents else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(check(Path(sys.argv[1])))
