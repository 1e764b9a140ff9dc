"""Nothing spoofs a terminal: names are shown with their control characters visible.

A file named with ESC[2J (which clears a terminal) or a right-to-left override (which turns
the rest of the line around) is printed as escapes in the ingest summary and in a report's
fields, while `--json` keeps the exact characters.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Caesar

CLEAR = "\x1b[2J"
OVERRIDE = "\u202e"


def _hostile_drive(root: Path) -> tuple[str, str]:
    """A folder with a non-image named with ESC[2J, a symlink named with an override and a
    newline, and a non-image whose name has a byte that is not UTF-8; the first two names."""
    root.mkdir()
    cleared = f"{CLEAR}wiped.jpg"
    turned = f"evil{OVERRIDE}gpj.exe\nTransfers: 99"
    (root / cleared).write_bytes(b"not an image")
    (root / turned).symlink_to("/etc/hostname")
    (root / "caf\udce9\x07.jpg").write_bytes(b"not an image either")
    return cleared, turned


def test_ingest_summary_shows_escapes_and_json_keeps_exact_names(caesar: Caesar,
                                                                 tmp_path: Path) -> None:
    cleared, turned = _hostile_drive(tmp_path / "drive")
    run = caesar("ingest", str(tmp_path / "drive"))
    assert run.exit_code == 0, run.stderr
    summary = run.stderr
    for raw in ("\x1b", "\u202e", "\x07", "\udce9", "\n  Transfers: 99"):
        assert raw not in summary
    assert "\\x1b[2Jwiped.jpg: not_image" in summary
    assert "skipped " in summary and "evil\\u202egpj.exe\\nTransfers: 99:" in summary
    assert "caf\\xe9\\x07.jpg: not_image" in summary

    report = caesar.json("ingest", str(tmp_path / "drive"))  # again: all already held
    names = {e["path"] for e in report["skipped"]}
    assert turned in names  # the exact characters, override and newline included
    listed = caesar.json("photos", "list")
    paths = {s["path"] for p in listed for s in p["sightings"]}
    assert cleared in paths


def test_a_reports_fields_are_escaped_on_screen_and_exact_in_json(caesar: Caesar,
                                                                  tmp_path: Path) -> None:
    place = f"Damascus {OVERRIDE}hcnarb 215{CLEAR}"
    source = tmp_path / "reports.json"
    name = f"Samer{CLEAR}{OVERRIDE}"
    source.write_text(json.dumps([{"ref": "r-1", "name": name, "arrest_place": place}]),
                      "utf-8")
    added = caesar.json("missing", "add", "--from", str(source))
    report_id = str(added[0]["id"])
    shown = caesar("missing", "show", report_id)
    assert shown.exit_code == 0, shown.stderr
    assert "\u202e" not in shown.stdout and "\x1b" not in shown.stdout
    assert "Damascus \\u202ehcnarb 215\\x1b[2J" in shown.stdout
    assert caesar.json("missing", "show", report_id)["arrest_place"] == place
    listed = caesar("missing", "list")  # a table
    assert "Samer\\x1b[2J\\u202e" in listed.stdout and "\x1b" not in listed.stdout
    assert caesar.json("missing", "list")[0]["name"] == name


def test_an_error_message_shows_a_hostile_name_escaped(caesar: Caesar) -> None:
    refused = caesar("--as", f"ghost{CLEAR}{OVERRIDE}", "--as-password-stdin", "missing",
                     "list", input="whatever\n")
    assert refused.exit_code == 2
    assert "ghost\\x1b[2J\\u202e" in refused.stderr
    assert "\x1b" not in refused.stderr and OVERRIDE not in refused.stderr
