"""`caesar demo --no-serve` end to end on a small synthetic collection."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PASSPHRASE, Caesar

from caesar.cases.marks import parse_mark
from caesar.core import Archive

pytestmark = pytest.mark.slow


def test_demo_builds_and_explains_an_archive(tmp_path: Path) -> None:
    caesar = Caesar(tmp_path / "demo")
    run = caesar("demo", "--no-serve", "--cases", "6", "--kdf-cost", "test")
    assert run.exit_code == 0, run.stderr
    assert f"The demo archive is at {tmp_path / 'demo'}" in run.stdout
    assert "originals stored, encrypted" in run.stdout and "Verify:" in run.stdout
    assert "Families' reports:" in run.stdout and "match --report" in run.stdout
    archive = Archive.open(tmp_path / "demo", PASSPHRASE)
    try:
        assert archive.settings.demo
        photos = archive.queries.photos()
        transfers = archive.queries.transfers()
        report = archive.verify()
        marks = [parse_mark(code) for case in archive.cases.cases() for code in case.marks]
        in_cases = {sha for case in archive.cases.cases() for sha in case.photos if sha}
    finally:
        archive.close()
    assert len(transfers) >= 2 and all(t.state == "complete" for t in transfers)
    assert report.checked == len(photos) > 20 and report.ok == report.checked
    assert f"{len(photos)} originals stored" in run.stdout
    assert {"empty", "truncated", "not_image"} <= {k for p in photos for k in p.flags}
    # Two cases photographed as a phone saves photos today: HEIC, read like the JPEGs
    heic = [p for p in photos if p.media_type == "image/heic"]
    assert len(heic) >= 4 and all(p.flags == [] and p.camera.serial and p.captured_at and p.pdq
                                  for p in heic)
    assert {p.sha256 for p in heic} <= in_cases
    # One short video a phone filmed: read (length, device, a strip of frames), in no case
    [video] = [p for p in photos if p.media_type == "video/mp4"]
    assert video.flags == [] and video.duration == pytest.approx(3.0, abs=0.1)
    assert video.camera.make == "Apple" and video.captured_at and video.has_thumbnail
    assert video.sha256 not in in_cases and "(1 of them video," in run.stdout
    # Two release papers, one typed and one scanned: first page rendered, text taken from its
    # layer or read by OCR, in no case
    papers = [p for p in photos if p.media_type == "application/pdf"]
    assert sorted(p.text_source or "" for p in papers) == ["layer", "ocr"]
    assert all(p.flags == [] and p.has_thumbnail and p.sha256 not in in_cases for p in papers)
    assert "2 release papers" in run.stdout
    listed = caesar("photos", "list")
    assert "video/mp4" in listed.stdout
    # The demo analyst records what marks show (a tattoo's motif, which tooth), not only where,
    # and what tattoos say.
    assert any(m.detail for m in marks) and any(m.detail is None for m in marks)
    assert any(m.inscription for m in marks)


def test_demo_replaces_only_a_demo_archive(tmp_path: Path, archive: Archive) -> None:
    refused = Caesar(archive.path)("demo", "--no-serve", "--cases", "2", "--kdf-cost", "test")
    assert refused.exit_code == 2 and "not a demo archive" in refused.stderr
    assert archive.queries.transfers() == []

    demo = Caesar(tmp_path / "demo")
    for _ in range(2):
        again = demo("demo", "--no-serve", "--cases", "2", "--kdf-cost", "test")
        assert again.exit_code == 0, again.stderr
    opened = Archive.open(tmp_path / "demo", PASSPHRASE)
    assert len(opened.queries.transfers()) == 2  # the second run started afresh
    opened.close()


def test_demo_makes_up_and_prints_a_passphrase(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = Caesar(None)("demo", "--no-serve", "--cases", "2", "--kdf-cost", "test",
                       env={"CAESAR_PASSPHRASE": None})
    assert run.exit_code == 0, run.stderr
    line = next(x for x in run.stdout.splitlines() if "passphrase (made up" in x)
    made_up = line.rsplit(": ", 1)[1].strip()
    Archive.open(tmp_path / "caesar-demo", made_up).close()


def test_demo_exports_a_case_beside_the_archive(tmp_path: Path) -> None:
    import bagit

    caesar = Caesar(tmp_path / "demo")
    run = caesar("demo", "--no-serve", "--cases", "6", "--kdf-cost", "test")
    assert run.exit_code == 0, run.stderr
    exports = tmp_path / "demo-exports"
    assert f"in {exports}: an evidence package" in run.stdout
    bag = bagit.Bag(str(exports / "evidence"))
    bag.validate()  # every original against the archive's SHA-256
    assert (exports / "evidence" / "verification-report.pdf").stat().st_size > 0
    papers = bagit.Bag(str(exports / "evidence-documents"))
    papers.validate()
    assert len([p for p in papers.payload_files() if p.endswith(".pdf")]) == 2
    mapping = (exports / "exhibit" / "mapping.json").read_text("utf-8")
    assert "exhibit_id" in mapping
    # A second demo replaces its own exports; the archive folder holds none of them.
    assert caesar("demo", "--no-serve", "--cases", "6", "--kdf-cost", "test").exit_code == 0
    assert not any((tmp_path / "demo").rglob("verification-report.*"))
    assert bagit.Bag(str(exports / "evidence")).is_valid()
