"""A family's report at rest: the reporter's contact and every name are sealed field by field,
so no byte under the archive folder holds them, whatever the database."""

from __future__ import annotations

import json
from pathlib import Path

from cases_helper import Body, add_cases
from conftest import Caesar, archive_bytes
from photos import grace_hopper, phone_jpeg

from caesar.core import Archive

CONTACT = "+999 555 MARKER 0101"
EMAIL = "marker.family.77@example.org"
REPORTER = "ReporterMarkerUmmSami"
MISSING = "MissingMarkerSamer"
FAMILY = "علامةالعائلة"
MOTHER = "MotherMarkerHuda"
PLACE = "PlaceMarkerDaraya"
CASE_NAME = "CaseNameMarkerBasel"
REASON = "ReasonMarkerWrongBranch"
TATTOO = "TattooMarkerRania"  # what the family says his tattoo says: his daughter's name
HOME = "GpsAreaMarkerHomeInDaraya"  # where the family's phone took their photo of him
PHONE_OWNER = "PhoneOwnerMarkerAbuSamer"  # the phone's owner, in EXIF and XMP
CAPTION = "CaptionMarkerWeddingOfHisSister"
WITHDRAWN = "WithdrawnMarkerFamilyAsked"


def test_no_personal_marker_anywhere_under_the_archive(archive: Archive, caesar: Caesar,
                                                       tmp_path: Path) -> None:
    (case,) = add_cases(archive, tmp_path / "photos", [Body()])
    reports = [{"ref": "m-1", "name": f"{MISSING} Ahmad {FAMILY}", "family_name": FAMILY,
                "mother": MOTHER, "arrest_place": PLACE, "sex": "M", "arrest_date": "2012-12-01",
                "reporter_name": REPORTER, "reporter_relationship": "mother",
                "reporter_contact": CONTACT, "consent_contact": True,
                "marks": [f"tattoo:left_forearm:name:{TATTOO}", "scar:chest"]},
               {"ref": "m-2", "name": "Omar", "reporter_contact": EMAIL,
                "notes": f"call {CONTACT}"}]
    path = tmp_path / "reports.json"
    path.write_text(json.dumps(reports, ensure_ascii=False), "utf-8")
    caesar.json("missing", "add", "--from", str(path))
    caesar.json("missing", "show", "1", "--contact")
    caesar("cases", "name", str(case), "--name", CASE_NAME, "--source", "a list")
    caesar.json("match", "--all")
    caesar.account("rania", "reviewer")
    caesar.as_json("rania", "review", "reject", "1", str(case), "--reason", REASON)
    given = [tmp_path / "IMG_2010.jpg", tmp_path / "portrait.jpg"]
    phone_jpeg(given[0], place=HOME, owner=PHONE_OWNER)
    given[1].write_bytes(grace_hopper())
    caesar.json("missing", "photos", "add", "1", *map(str, given), "--caption", CAPTION)
    caesar.json("missing", "photos", "export", "1", "--out", str(tmp_path / "copies"))
    caesar.json("missing", "photos", "withdraw", "1", "2", "--reason", WITHDRAWN)
    path.unlink()
    for photo in given:
        photo.unlink()

    markers = [CONTACT, EMAIL, REPORTER, MISSING, FAMILY, MOTHER, PLACE, CASE_NAME, REASON,
               TATTOO, HOME, PHONE_OWNER, CAPTION, WITHDRAWN]
    for name, data in archive_bytes(archive.path).items():
        for marker in markers:
            for encoded in (marker.encode("utf-8"), marker.encode("utf-16-le")):
                assert encoded not in data, f"{marker!r} found in {name}"
    entries = json.dumps(caesar.json("ledger", "entries"), ensure_ascii=False)
    for marker in markers:
        assert marker not in entries
    copy = (tmp_path / "copies" / "photo-1.jpg").read_bytes()  # what leaves: no metadata
    assert HOME.encode() not in copy and PHONE_OWNER.encode() not in copy


def test_sealed_fields_are_also_sealed_inside_the_catalogue(archive: Archive, caesar: Caesar,
                                                            tmp_path: Path) -> None:
    """Even reading the (decrypted) catalogue's rows, as a PostgreSQL server would hold
    them, the contact is not there: it is sealed value by value."""
    path = tmp_path / "r.json"
    path.write_text(json.dumps([{"ref": "x", "reporter_contact": CONTACT,
                                 "name": MISSING, "marks": [f"tattoo:chest:heart:{TATTOO}"]}]),
                    "utf-8")
    (report,) = caesar.json("missing", "add", "--from", str(path))
    caesar.json("missing", "edit", str(report["id"]), "--set",
                f"marks=tattoo:back::{TATTOO}")  # the old text goes to the sealed history
    assert caesar.json("missing", "show", str(report["id"]))["marks"] == [
        f"tattoo:back::{TATTOO}"]
    portrait = tmp_path / "portrait.jpg"
    portrait.write_bytes(grace_hopper())
    caesar.json("missing", "photos", "add", str(report["id"]), str(portrait), "--caption",
                CAPTION)
    with archive.catalog.engine.connect() as connection:
        rows = [row for table in ("missing_reports", "missing_reporters", "report_changes",
                                  "report_photos")
                for row in connection.exec_driver_sql(f"SELECT * FROM {table}")]
        plain = connection.exec_driver_sql("SELECT marks FROM missing_reports").scalar()
    assert json.loads(plain) == ["tattoo:back"]  # the mark, without its words
    dumped = repr(rows).encode()
    for marker in (CONTACT, MISSING, TATTOO, CAPTION):
        assert marker.encode() not in dumped
        assert marker.encode() not in b"".join(v for row in rows for v in row
                                               if isinstance(v, bytes))
