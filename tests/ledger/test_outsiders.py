"""What outsiders can check with the published checkpoint and vkey alone: the stdlib-only
verifier in docs/, the openssl recipe, and RFC 3161 timestamps from a real TSA on loopback."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import update

from conftest import Caesar
from photos import camera_jpeg
from tsa_server import LocalTsa, running_tsa

from caesar.catalog.custody import CustodyTimestamp
from caesar.core import Archive
from caesar.settings import load_settings
from caesar.vault.keys import KdfCost

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCRIPT = DOCS / "verify_inclusion.py"
GO_EXAMPLE = Path(__file__).parent.parent / "assets" / "signed-note" / "go-note-example.json"
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None,
                                   reason="needs the openssl CLI")


@pytest.fixture
def published(caesar: Caesar, tmp_path: Path) -> dict[str, Any]:
    """An archive that published a checkpoint, then ingested more; what an outsider holds."""
    first = camera_jpeg(tmp_path / "src1" / "a.jpg", seed=1)
    caesar.json("ingest", str(tmp_path / "src1"))
    old = tmp_path / "old-checkpoint.txt"
    assert caesar("ledger", "export-checkpoint", "--out", str(old)).exit_code == 0
    second = camera_jpeg(tmp_path / "src2" / "b.jpg", seed=2)
    caesar.json("ingest", str(tmp_path / "src2"))
    new = tmp_path / "checkpoint.txt"
    caesar("ledger", "export-checkpoint", "--out", str(new))
    (tmp_path / "a.jpg").write_bytes(first)
    (tmp_path / "b.jpg").write_bytes(second)
    return {"vkey": caesar.json("ledger", "show")["vkey"], "old": old, "new": new,
            "photos": [tmp_path / "a.jpg", tmp_path / "b.jpg"]}


def _script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    # -I -S: isolated and without site-packages, so only the standard library is there.
    return subprocess.run([sys.executable, "-I", "-S", str(SCRIPT), *map(str, args)],
                          capture_output=True, text=True, check=False, timeout=60)


def _save(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), "utf-8")
    return path


def _size(checkpoint: Path) -> int:
    return int(checkpoint.read_text("utf-8").split("\n")[1])


def test_script_checks_a_photos_inclusion_with_the_standard_library(
        caesar: Caesar, published: dict[str, Any], tmp_path: Path) -> None:
    photo = published["photos"][0]
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    proof = _save(tmp_path / "proof.json", caesar.json("ledger", "proof", "--sha256", sha))
    done = _script("inclusion", "--vkey", published["vkey"], "--proof", proof,
                   "--checkpoint", published["new"], "--photo", photo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"the entry commits to the photo with SHA-256 {sha}" in done.stdout
    assert _script("inclusion", "--vkey", published["vkey"], "--proof", proof,
                   "--sha256", sha).returncode == 0
    wrong = _script("inclusion", "--vkey", published["vkey"], "--proof", proof,
                    "--photo", published["photos"][1])
    assert wrong.returncode == 1 and "does not commit to this photo" in wrong.stdout
    # Against the older published checkpoint: the archive proves at that size on request.
    stale = _script("inclusion", "--vkey", published["vkey"], "--proof", proof,
                    "--checkpoint", published["old"])
    assert stale.returncode == 1 and f"--size {_size(published['old'])}" in stale.stdout
    at_old = _save(tmp_path / "old-proof.json", caesar.json(
        "ledger", "proof", "--sha256", sha, "--size", str(_size(published["old"]))))
    assert _script("inclusion", "--vkey", published["vkey"], "--proof", at_old,
                   "--checkpoint", published["old"], "--photo", photo).returncode == 0


def test_script_rejects_altered_proofs_and_foreign_keys(
        caesar: Caesar, published: dict[str, Any], tmp_path: Path) -> None:
    sha = hashlib.sha256(published["photos"][1].read_bytes()).hexdigest()
    proof = caesar.json("ledger", "proof", "--sha256", sha)
    other = Archive.create(tmp_path / "other", "x", kdf_cost=KdfCost.test)
    foreign_vkey = other.ledger.state().vkey
    other.close()
    path = _save(tmp_path / "proof.json", proof)
    refused = _script("inclusion", "--vkey", foreign_vkey or "", "--proof", path)
    assert refused.returncode == 1 and "no signature by" in refused.stdout
    altered = dict(proof, proof=[base64.b64encode(b"\0" * 32).decode()] + proof["proof"][1:])
    done = _script("inclusion", "--vkey", published["vkey"],
                   "--proof", _save(tmp_path / "altered.json", altered))
    assert done.returncode == 1 and "does not lead to the checkpoint's root" in done.stdout
    forged_note = proof["checkpoint"].replace("\n" + str(proof["size"]) + "\n", "\n999\n")
    done = _script("inclusion", "--vkey", published["vkey"], "--proof",
                   _save(tmp_path / "forged.json", dict(proof, checkpoint=forged_note)))
    assert done.returncode == 1 and "the note was altered" in done.stdout


def test_script_checks_that_the_log_only_grew(caesar: Caesar, published: dict[str, Any],
                                              tmp_path: Path) -> None:
    proof = _save(tmp_path / "consistency.json", caesar.json(
        "ledger", "consistency", "--from", str(_size(published["old"]))))
    done = _script("consistency", "--vkey", published["vkey"], "--old", published["old"],
                   "--new", published["new"], "--proof", proof)
    assert done.returncode == 0, done.stdout
    assert "nothing was removed or changed" in done.stdout
    swapped = _script("consistency", "--vkey", published["vkey"], "--old", published["new"],
                      "--new", published["old"], "--proof", proof)
    assert swapped.returncode == 1


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_inclusion", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_script_accepts_gos_reference_note() -> None:
    example = json.loads(GO_EXAMPLE.read_text("utf-8"))
    module = _load_script()
    assert module.verify_note(example["note"], example["vkey"]) == example["text"]
    with pytest.raises(module.Failed):
        module.verify_note(example["note"].replace("answer", "question"), example["vkey"])


@needs_openssl
def test_openssl_recipe_checks_the_checkpoint_signature(published: dict[str, Any],
                                                        tmp_path: Path) -> None:
    """The shell recipe of docs/guide/verifier.md, step by step."""
    recipe = r"""
set -eu
KEY=$(printf %s "$VKEY" | cut -d+ -f3-)
{ printf '\060\052\060\005\006\003\053\145\160\003\041\000'
  printf %s "$KEY" | base64 -d | tail -c 32; } > vkey.der
openssl pkey -pubin -inform DER -in vkey.der -out vkey.pem
head -n 3 checkpoint.txt > signed-text
tail -n 1 checkpoint.txt | cut -d' ' -f3 | base64 -d | tail -c 64 > signature
openssl pkeyutl -verify -pubin -inkey vkey.pem -rawin -in signed-text -sigfile signature
"""
    def run(checkpoint: str) -> subprocess.CompletedProcess[str]:
        (tmp_path / "checkpoint.txt").write_text(checkpoint, "utf-8")
        return subprocess.run(["bash", "-c", recipe], cwd=tmp_path, capture_output=True,
                              text=True, check=False,
                              env={"VKEY": published["vkey"], "PATH": "/usr/bin:/bin"})

    lines = published["new"].read_text("utf-8").split("\n")
    done = run("\n".join(lines))
    assert done.returncode == 0 and "Signature Verified Successfully" in done.stdout, done.stderr
    lines[1] = str(int(lines[1]) + 1)  # claim one more entry than was signed
    assert run("\n".join(lines)).returncode != 0


@needs_openssl
def test_openssl_recipe_opens_a_commitment(caesar: Caesar, published: dict[str, Any]) -> None:
    """The shell line of docs/guide/verifier.md: SHA-256(salt ‖ SHA-256(photo)) is the entry's subject."""
    photo = published["photos"][1]
    proof = caesar.json("ledger", "proof", "--sha256",
                        hashlib.sha256(photo.read_bytes()).hexdigest())
    recipe = r"""{ printf "$(echo "$SALT" | sed 's/../\\x&/g')"
  openssl dgst -sha256 -binary "$PHOTO"; } | openssl dgst -sha256 -r | cut -d' ' -f1"""
    done = subprocess.run(["bash", "-c", recipe], capture_output=True, text=True, check=True,
                          env={"SALT": proof["salt"], "PHOTO": str(photo),
                               "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == json.loads(base64.b64decode(proof["leaf"]))["subject"]


# --- RFC 3161 timestamps ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTsa]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl CLI")
    with running_tsa(tmp_path_factory.mktemp("tsa")) as running:
        yield running


def _openssl_ts_verify(token: bytes, data: Path, tsa: LocalTsa, work: Path) -> int:
    (work / "token.tsr").write_bytes(token)
    return subprocess.run(
        ["openssl", "ts", "-verify", "-in", "token.tsr", "-data", str(data),
         "-CAfile", str(tsa.ca_cert), "-untrusted", str(tsa.tsa_cert)],
        cwd=work, capture_output=True, check=False).returncode


def test_timestamp_from_a_real_tsa_verifies_with_openssl(
        caesar: Caesar, tsa: LocalTsa, tmp_path: Path) -> None:
    run = caesar("ledger", "timestamp", "--tsa", tsa.url, "--json")
    assert run.exit_code == 0, run.stderr
    stamped = run.json()
    shown = caesar.json("ledger", "show")
    assert stamped["tree_size"] == shown["size"] and shown["timestamps"] == [stamped["token"]]
    caesar("ledger", "export-checkpoint", "--out", str(tmp_path / "checkpoint.txt"))
    token = base64.b64decode(stamped["token"])
    assert _openssl_ts_verify(token, tmp_path / "checkpoint.txt", tsa, tmp_path) == 0
    (tmp_path / "other.txt").write_text("another checkpoint\n")
    assert _openssl_ts_verify(token, tmp_path / "other.txt", tsa, tmp_path) != 0
    assert caesar.json("ledger", "verify")["ok"] is True


def test_timestamps_are_checked_against_the_configured_tsa(
        caesar: Caesar, archive: Archive, tsa: LocalTsa) -> None:
    chain = archive.path / "tsa-chain.pem"
    chain.write_bytes(tsa.tsa_cert.read_bytes() + tsa.ca_cert.read_bytes())
    settings = load_settings(archive.path)
    settings.model_copy(update={"tsa_url": tsa.url,
                                "tsa_certificates": "tsa-chain.pem"}).dump(archive.path)
    run = caesar("ledger", "timestamp")  # the TSA from the settings, checked before it is kept
    assert run.exit_code == 0 and "Timestamped the checkpoint of 4 entries" in run.stderr
    assert caesar.json("ledger", "verify")["ok"] is True
    with archive.catalog.session() as session:
        token = session.query(CustodyTimestamp).one().token
        session.execute(update(CustodyTimestamp).values(
            token=token[:-10] + bytes([token[-10] ^ 1]) + token[-9:]))
    report = caesar("ledger", "verify", "--json")
    assert report.exit_code == 1
    assert "timestamp #1 (tree size 4) is rejected" in report.json()["problems"][0]
    assert caesar("verify", "--json").json()["ledger_ok"] is False


def test_without_a_reachable_tsa_the_command_says_so_and_changes_nothing(
        caesar: Caesar) -> None:
    before = caesar.json("ledger", "show")
    run = caesar("ledger", "timestamp", "--json")
    assert run.exit_code == 2 and run.stdout == ""
    assert "No Time Stamping Authority is configured" in run.stderr and "--tsa" in run.stderr
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    run = caesar("ledger", "timestamp", "--tsa", url)
    assert run.exit_code == 2
    assert f"no Time Stamping Authority reachable at URL: {url}" in run.stderr
    assert "the custody log itself is unaffected" in run.stderr
    assert caesar.json("ledger", "show") == before
    assert caesar("verify").exit_code == 0
