"""File names kept exactly: a name that is not UTF-8 keeps its bytes from the drive to the
catalogue, the JSON and back (surrogate escapes, DESIGN's "Counting entries"), a person sees
the byte as ``\\xXX``, and a name that only looks like such an escape stays another name."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from conftest import Caesar
from photos import camera_jpeg
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from caesar.catalog import database
from caesar.catalog.models import Sighting, Transfer
from caesar.names import display_path, json_text, name_from_stored, stored_name

BYTE_NAME = b"caf\xe9.jpg"  # Latin-1, as an old camera or Windows machine writes it
LOOKALIKE = "caf\\xe9.jpg"  # a name whose own characters spell the escape


@pytest.mark.parametrize("name", [os.fsdecode(BYTE_NAME), LOOKALIKE, "a\\\\b\\", "صورة ١.jpg",
                                  "plain.jpg", os.fsdecode(b"\xc3\xa9\xff\\x80")])
def test_every_form_gives_the_name_back(name: str) -> None:
    assert name_from_stored(stored_name(name)) == name
    assert json.loads(json_text({"path": name}))["path"] == name
    json_text({"path": name}).encode("utf-8")  # what UTF-8 can carry, so a file or a pipe can
    stored_name(name).encode("utf-8")  # and any database


def test_two_names_that_looked_alike_stay_two() -> None:
    assert stored_name(os.fsdecode(BYTE_NAME)) != stored_name(LOOKALIKE)
    assert display_path(os.fsdecode(BYTE_NAME)) == display_path(LOOKALIKE) == "caf\\xe9.jpg"


@pytest.fixture
def drive(tmp_path: Path) -> Path:
    root = tmp_path / "drive"
    camera_jpeg(root / os.fsdecode(BYTE_NAME), seed=1)
    camera_jpeg(root / LOOKALIKE, seed=2)
    (root / os.fsdecode(b"note\xff.jpg")).write_bytes(b"not an image")
    return root


def test_json_names_give_back_the_bytes_on_the_drive(caesar: Caesar, drive: Path) -> None:
    run = caesar("ingest", str(drive), "--json")
    assert run.exit_code == 0, run.stderr
    assert "note\\udcff.jpg" in run.stdout  # the escape itself, as DESIGN writes it
    report = run.json()
    assert report["stored"] == 3 and report["files_seen"] == 3
    flagged = [os.fsencode(f["path"]) for f in report["flagged"]]
    assert flagged == [b"note\xff.jpg"]
    photos = caesar.json("photos", "list")
    paths = sorted(os.fsencode(s["path"]) for p in photos for s in p["sightings"])
    assert paths == sorted([BYTE_NAME, os.fsencode(LOOKALIKE), b"note\xff.jpg"])
    again = caesar.json("ingest", str(drive))  # the same names again: seen, not new
    assert again["duplicates"] == 3 and again["stored"] == 0


def test_a_person_reads_the_byte_as_an_escape(caesar: Caesar, drive: Path) -> None:
    run = caesar("ingest", str(drive))
    assert "note\\xff.jpg: not_image" in run.stderr and "\udcff" not in run.stderr


def test_names_written_before_are_read_as_they_were_meant(tmp_path: Path) -> None:
    """A catalogue from before 0015 kept a byte as ``\\xe9`` and a backslash as it is."""
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(database._MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0014")
    with engine.begin() as db:
        db.execute(text("INSERT INTO transfers (id, state, kind, source, actor, started_at,"
                        " counts, info) VALUES (1, 'complete', 'folder', 'D:\\drive', 'owner',"
                        " '2024-01-01 00:00:00', '{}', '{}')"))
        db.execute(text("INSERT INTO photos (sha256, size, media_type, has_thumbnail,"
                        " first_transfer_id, stored_at, exif) VALUES ('aa', 1, 'image/jpeg',"
                        " 0, 1, '2024-01-01 00:00:00', '{}')"))
        for i, path in enumerate(["caf\\xe9.jpg", "a\\b.jpg", "plain.jpg"], start=1):
            db.execute(text("INSERT INTO sightings (id, transfer_id, sha256, path, outcome)"
                            " VALUES (:i, 1, 'aa', :p, 'stored')"), {"i": i, "p": path})
    database.migrate(engine)
    with Session(engine) as session:
        paths = session.scalars(select(Sighting.path).order_by(Sighting.id)).all()
        source = session.scalar(select(Transfer.source))
    assert paths == [os.fsdecode(BYTE_NAME), "a\\b.jpg", "plain.jpg"]
    assert source == "D:\\drive"
