"""An archive whose originals live in an S3-compatible store: `caesar init --store s3://...`,
then intake and verification as on a folder, against a real SeaweedFS server."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Caesar
from photos import camera_jpeg
from s3_server import S3Server, bucket_client, bucket_objects

from caesar.core import Archive
from caesar.vault.s3 import parse_url


@pytest.fixture
def on_s3(s3_env: S3Server, bucket_url: str, tmp_path: Path) -> Caesar:
    caesar = Caesar(tmp_path / "archive")
    run = caesar("init", "--store", bucket_url, "--kdf-cost", "test")
    assert run.exit_code == 0, run.stderr
    return caesar


def _ingest(caesar: Caesar, folder: Path) -> dict[str, bytes]:
    originals = {}
    for i in range(4):
        path = folder / f"DSC_{i:04d}.JPG"
        camera_jpeg(path, seed=i)
        originals[hashlib.sha256(path.read_bytes()).hexdigest()] = path.read_bytes()
    report = caesar.json("ingest", str(folder))
    assert report["stored"] == 4
    return originals


def test_originals_go_to_the_bucket_sealed_and_verify(
        on_s3: Caesar, s3_env: S3Server, bucket_url: str, tmp_path: Path) -> None:
    originals = _ingest(on_s3, tmp_path / "drive")
    assert on_s3.archive is not None
    assert not (on_s3.archive / "objects").exists()  # nothing of the photos in the folder
    stored = bucket_objects(s3_env, bucket_url)
    assert len([k for k in stored if "/documents/" not in k]) >= 8  # originals + thumbnails
    for key, data in stored.items():
        for sha, original in originals.items():
            assert sha not in key  # names are keyed: the bucket does not say what it holds
            assert original[200:264] not in data  # and every byte is sealed
    report = on_s3.json("verify")
    assert (report["checked"], report["ok"], report["damaged"], report["missing"]) == \
        (4, 4, [], [])
    assert report["state"] == {"ok": True, "problem": None}


def test_damage_and_loss_in_the_bucket_are_named(
        on_s3: Caesar, s3_env: S3Server, bucket_url: str, tmp_path: Path) -> None:
    originals = sorted(_ingest(on_s3, tmp_path / "drive"))
    assert on_s3.archive is not None
    archive = Archive.open(on_s3.archive, PASSPHRASE)
    damaged, lost = (archive.vault.name("original", sha) for sha in originals[:2])
    archive.close()
    client = bucket_client(s3_env)
    bucket, prefix = parse_url(bucket_url)
    key = f"{prefix}/{damaged[:2]}/{damaged}"
    data = bytearray(client.get_object(Bucket=bucket, Key=key)["Body"].read())
    data[len(data) // 2] ^= 1
    client.put_object(Bucket=bucket, Key=key, Body=bytes(data))
    client.delete_object(Bucket=bucket, Key=f"{prefix}/{lost[:2]}/{lost}")
    run = on_s3("verify", "--json")
    assert run.exit_code == 1
    assert run.json()["damaged"] == [originals[0]] and run.json()["missing"] == [originals[1]]


def test_init_refuses_a_server_it_cannot_reach_and_makes_nothing(
        s3_env: S3Server, bucket_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAESAR_S3_ENDPOINT", "http://127.0.0.1:9")
    caesar = Caesar(tmp_path / "archive")
    run = caesar("init", "--store", bucket_url, "--kdf-cost", "test")
    assert run.exit_code == 2
    assert "could not be reached" in run.stderr and "CAESAR_S3_ENDPOINT" in run.stderr
    assert not (tmp_path / "archive").exists()


def test_the_store_can_be_named_by_the_environment(
        s3_env: S3Server, bucket_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # as `eval "$(./setup.sh stack)"` leaves it: CAESAR_STORE names the store for `init`
    monkeypatch.setenv("CAESAR_STORE", bucket_url)
    caesar = Caesar(tmp_path / "archive")
    assert caesar("init", "--kdf-cost", "test").exit_code == 0
    camera_jpeg(tmp_path / "drive" / "one.jpg", seed=1)
    assert caesar.json("ingest", str(tmp_path / "drive"))["stored"] == 1
    assert len([k for k in bucket_objects(s3_env, bucket_url) if "/documents/" not in k]) == 2
    settings = (tmp_path / "archive" / "caesar.toml").read_text()
    assert bucket_url in settings and s3_env.env["AWS_SECRET_ACCESS_KEY"] not in settings


def test_an_evidence_package_takes_its_originals_from_the_bucket(
        on_s3: Caesar, tmp_path: Path) -> None:
    originals = _ingest(on_s3, tmp_path / "drive")
    run = on_s3("export", "evidence", "--transfer", "1", "--out", str(tmp_path / "package"),
                "--yes")
    assert run.exit_code == 0, run.stderr
    packed = {hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (tmp_path / "package").rglob("*") if p.is_file()}
    assert set(originals) <= packed  # every original, bit for bit
