"""What an export will contain, said as phrases: ``str()`` of each is the English the command
line printed before the sentences became phrases (pinned here by running that code), and the
phrases never reach JSON."""

from __future__ import annotations

import json

import pytest
from export_helpers import Collection, collection  # noqa: F401 - the fixture

from caesar.exports.plan_words import exhibit_words
from caesar.exports.views import (
    DataFormat,
    DataOptions,
    EvidenceOptions,
    ExhibitOptions,
    Plan,
    Selection,
)

ORIGINALS = ("14 originals (3.0 MB), decrypted bit for bit, each with its metadata (EXIF,"
             " transfers, sightings) and its custody-log proof")
RECORDS = "3 case records and 1 transfer records"
SIGNED = ("the signed checkpoint, the verifier key, the RFC 3161 timestamps, and a verification"
          " report (HTML and PDF)")
RESTRICTED = "photos marked restricted are never included: 0 of this selection left out"
RANDOM = ("random file names; mapping.json gives each image a random exhibit id that only this"
          " archive can resolve (caesar export resolve ID)")
METADATA = ("with every metadata field removed (EXIF, XMP, IPTC, ICC profile, comments,"
            " thumbnails)")
REPORTS = ("0 families' reports whose every reporter agreed to share them with partners (no"
           " reporter, no contact, no notes) and the 0 confirmed identifications among them")
NOTHING = "no photos and no photo hashes, no analysts' notes, no staff names"
# One row per value of each facet the reader found: the second case's branch, 248, written by
# hand on the skin with touching digits, is read since touching digits are cut by recognition.
STATISTICS = 8


def _same_english(plan: Plan) -> list[str]:
    """The plan's summary, once its phrases are checked to say it and to stay out of JSON."""
    assert [str(p) for p in plan.words] == plan.summary
    assert "words" not in plan.model_dump() and "words" not in json.loads(plan.model_dump_json())
    return plan.summary


@pytest.mark.parametrize(("options", "people", "recorded"), [
    (EvidenceOptions(), "operators, analysts and devices shown as their custody-log pseudonyms"
     " (--reveal-operators names them)", "the export itself is recorded in the custody log"),
    (EvidenceOptions(reveal_operators=True, requested_by="Koblenz court, 1 StE 9/19"),
     "operators, analysts and devices named as recorded",
     "the export itself is recorded in the custody log, requested by 'Koblenz court, 1 StE 9/19'"),
])
def test_an_evidence_plan_says_what_it_always_said(collection: Collection,
                                                   options: EvidenceOptions, people: str,
                                                   recorded: str) -> None:
    cases = tuple(c.id for c in collection.archive.case_index.all())
    plan = collection.archive.exports.plan_evidence(Selection(cases=cases), options)
    assert _same_english(plan) == [ORIGINALS, RECORDS, people, SIGNED, recorded]


@pytest.mark.parametrize(("options", "said"), [
    (ExhibitOptions(), [
        f"13 images re-encoded as new JPEGs of at most 2048 px, {METADATA}",
        "blurred beyond recovery: faces found by the detector and regions analysts marked",
        RESTRICTED, RANDOM, "captions in Arabic and English"]),
    (ExhibitOptions(blur_regions=False, caption_langs=("en",)), [
        f"13 images re-encoded as new JPEGs of at most 2048 px, {METADATA}",
        "blurred beyond recovery: faces found by the detector", RESTRICTED, RANDOM,
        "captions in English"]),
    (ExhibitOptions(blur_faces=False, caption_langs=("ar",)), [
        f"13 images re-encoded as new JPEGs of at most 2048 px, {METADATA}",
        "blurred beyond recovery: regions analysts marked", RESTRICTED, RANDOM,
        "captions in Arabic"]),
    (ExhibitOptions(blur_faces=False, blur_regions=False, caption_langs=(), grayscale=True,
                    watermark="Court's copy", max_size=1024), [
        f"13 images re-encoded as new JPEGs of at most 1024 px, {METADATA}",
        "NOTHING BLURRED: faces and marked regions are shown as they are", RESTRICTED, RANDOM,
        "in grayscale", "watermarked \"Court's copy\""]),
])
def test_an_exhibit_plan_says_what_it_always_said(collection: Collection,
                                                  options: ExhibitOptions,
                                                  said: list[str]) -> None:
    cases = tuple(c.id for c in collection.archive.case_index.all())
    plan = collection.archive.exports.plan_exhibit(Selection(cases=cases), options)
    assert _same_english(plan) == said


def test_originals_that_are_not_images_are_said_to_be_left_out() -> None:
    words = exhibit_words(kept=1, restricted=2, broken=3, options=ExhibitOptions(
        caption_langs=("en", "ar")))
    assert [str(p) for p in words] == [
        f"1 images re-encoded as new JPEGs of at most 2048 px, {METADATA}",
        "blurred beyond recovery: faces found by the detector and regions analysts marked",
        "photos marked restricted are never included: 2 of this selection left out", RANDOM,
        "3 originals that are not decodable images are left out",
        "captions in English and Arabic"]


@pytest.mark.parametrize(("format", "what"), [
    ("csv", "CSV tables"), ("json", "JSON tables"),
    ("ftm", "FollowTheMoney entities (persons for cases and for the families' reports, branches"
            " and hospitals as organisations, and their links)")])
def test_a_data_plan_says_what_it_always_said(collection: Collection,
                                              format: DataFormat, what: str) -> None:
    plan = collection.archive.exports.plan_data(DataOptions(format=format))
    assert _same_english(plan) == [f"{what} of 3 cases and {STATISTICS} statistics rows", REPORTS,
                                   NOTHING,
                                   "the export is recorded in the custody log"]


def test_the_command_line_prints_the_same_english(collection: Collection) -> None:
    run = collection.caesar("export", "data", "--format", "csv", "--out",
                            str(collection.work / "plan-words-data"), "--yes", "--json")
    assert run.exit_code == 0, run.stderr
    assert f"  - CSV tables of 3 cases and {STATISTICS} statistics rows\n" in run.stderr
    assert "  - the export is recorded in the custody log\n" in run.stderr
    assert "words" not in run.json()
