"""`caesar export evidence`: a BagIt bag a court can check without trusting the archive.

The proofs are checked here by a verifier written from RFC 9162 §2.1.3.2 and the C2SP
signed-note format alone (Ed25519 from `cryptography`), not by the archive's ledger code.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bagit
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from export_helpers import OPERATOR, Collection, collection  # noqa: F401 - the fixture
from photos import camera_jpeg
from pypdf import PdfReader
from tsa_server import LocalTsa, running_tsa

# -- an independent verifier ------------------------------------------------------------------


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def rfc9162_root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]
                                ) -> bytes:
    """RFC 9162 §2.1.3.2: the root that an inclusion proof leads to."""
    assert 0 <= index < size
    fn, sn, r = index, size - 1, hashlib.sha256(b"\x00" + leaf).digest()
    for p in path:
        assert sn != 0, "proof too long"
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0, "proof too short"
    return r


def open_checkpoint(note: str, vkey: str) -> tuple[int, bytes]:
    """(size, root) of a C2SP checkpoint whose Ed25519 signature `vkey` checks."""
    name, key_id, key = vkey.split("+", 2)
    raw = base64.b64decode(key)
    assert raw[0] == 1 and hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() \
        == key_id
    text, signatures = note.split("\n\n", 1)
    signed = False
    for line in signatures.strip("\n").split("\n"):
        signer, blob = line.removeprefix("— ").split(" ")
        signature = base64.b64decode(blob)
        if signer == name and signature[:4].hex() == key_id:
            Ed25519PublicKey.from_public_bytes(raw[1:]).verify(signature[4:],
                                                                (text + "\n").encode())
            signed = True
    assert signed
    origin, size, root = text.split("\n")[:3]
    assert origin == name
    return int(size), base64.b64decode(root)


# -- the package ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tsa(collection: Collection) -> Iterator[LocalTsa]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl CLI")
    (collection.work / "tsa").mkdir()
    with running_tsa(collection.work / "tsa") as running:
        yield running


@pytest.fixture(scope="module")
def package(collection: Collection, tsa: LocalTsa) -> tuple[Path, dict[str, Any]]:
    """An evidence package of two cases, made after the log was timestamped and grew."""
    caesar = collection.caesar
    assert caesar("ledger", "timestamp", "--tsa", tsa.url).exit_code == 0
    camera_jpeg(collection.work / "later" / "a.jpg", seed=11)
    caesar.json("ingest", str(collection.work / "later"))
    out = collection.work / "evidence"
    result = collection.export("evidence", "--case", "1", "--case", "2", "--out", str(out),
                               "--requested-by", "Office of the Federal Prosecutor, 3 StE 1/21")
    return out, result


def test_the_package_validates_and_every_proof_leads_to_the_signed_checkpoint(
        package: tuple[Path, dict[str, Any]], collection: Collection) -> None:
    out, result = package
    bagit.Bag(str(out)).validate()  # raises on any fault
    vkey = (out / "custody" / "vkey.txt").read_text().strip()
    assert vkey == collection.caesar.json("ledger", "show")["vkey"]
    note = (out / "custody" / "checkpoint.txt").read_text()
    size, root = open_checkpoint(note, vkey)

    proofs = json.loads((out / "custody" / "proofs.json").read_text())
    expected = {s for c in ("1", "2") for s in collection.caesar.json("cases", "show", c)
                ["photos"]}
    assert {p["sha256"] for p in proofs} >= expected
    assert len(list((out / "data" / "originals").iterdir())) == len(proofs)
    for proof in proofs:
        assert {"sha256", "salt", "index", "leaf", "proof", "checkpoint"} <= set(proof)
        assert proof["checkpoint"] == note
        content = (out / proof["file"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == proof["sha256"]
        entry_bytes = base64.b64decode(proof["leaf"])
        entry = json.loads(entry_bytes)
        assert entry["type"] == "original.stored"
        opened = hashlib.sha256(bytes.fromhex(proof["salt"]) + hashlib.sha256(content).digest())
        assert entry["subject"] == opened.hexdigest()
        path = [base64.b64decode(p) for p in proof["proof"]]
        assert rfc9162_root_from_inclusion(proof["index"], size, entry_bytes, path) == root

    # The export is itself an entry, which the package names and proves.
    bag_info = (out / "bag-info.txt").read_text()
    assert f"Caesar-Export-Entry: {result['entry']}" in bag_info
    export = json.loads((out / "custody" / "export-entry.json").read_text())
    assert export["index"] == result["entry"]
    entry_bytes = base64.b64decode(export["leaf"])
    entry = json.loads(entry_bytes)
    assert entry["type"] == "export.evidence"
    assert entry["details"]["originals"] == len(proofs) and entry["details"]["cases"] == 2
    assert entry["subject"] == hashlib.sha256(bytes.fromhex(export["salt"]) + hashlib.sha256(
        export["subject"].encode()).digest()).hexdigest()
    assert rfc9162_root_from_inclusion(export["index"], size, entry_bytes,
                                       [base64.b64decode(p) for p in export["proof"]]) == root


def test_the_export_is_in_the_custody_log_naming_nobody(
        package: tuple[Path, dict[str, Any]], collection: Collection) -> None:
    _, result = package
    [logged] = collection.caesar.json("ledger", "entries", "--from", str(result["entry"]),
                                      "--to", str(result["entry"]))
    assert logged["entry"]["type"] == "export.evidence"
    assert logged["subject"] == f"export:{result['export']}"
    text = json.dumps(logged["entry"])
    assert "Prosecutor" not in text and "owner" not in text
    assert len(logged["entry"]["details"]["requested_by"]) == 32  # a pseudonym


def test_people_appear_as_pseudonyms_unless_revealed(
        package: tuple[Path, dict[str, Any]], collection: Collection) -> None:
    out, _ = package
    planted = OPERATOR.encode()
    assert not any(planted in p.read_bytes() for p in out.rglob("*") if p.is_file())
    transfer = json.loads((out / "data" / "transfers" / "1.json").read_text())
    assert transfer["operator"].startswith("pseudonym:") and transfer["source"] is None
    revealed = collection.work / "revealed"
    collection.export("evidence", "--transfer", "1", "--reveal-operators", "--out",
                      str(revealed))
    transfer = json.loads((revealed / "data" / "transfers" / "1.json").read_text())
    assert transfer["operator"] == OPERATOR


def test_a_changed_byte_is_caught_by_bagit_and_by_the_shipped_checker(
        package: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    out, _ = package
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    checker = [sys.executable, "-I", "-S", str(copy / "verify_inclusion.py"), "package",
               str(copy)]
    assert subprocess.run(checker, capture_output=True, check=False).returncode == 0
    victim = sorted((copy / "data" / "originals").iterdir())[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(copy)).validate()
    done = subprocess.run(checker, capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "does not have the SHA-256" in done.stdout


def test_timestamps_travel_with_a_proof_that_the_package_checkpoint_extends_them(
        package: tuple[Path, dict[str, Any]], tsa: LocalTsa) -> None:
    out, _ = package
    stamps = out / "custody" / "timestamps"
    [token] = stamps.glob("token-*.tsr")
    [stamped] = stamps.glob("checkpoint-*.txt")
    assert subprocess.run(["openssl", "ts", "-verify", "-in", str(token), "-data", str(stamped),
                           "-CAfile", str(tsa.ca_cert), "-untrusted", str(tsa.tsa_cert)],
                          capture_output=True, check=False).returncode == 0
    [consistency] = stamps.glob("consistency-*.json")
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(out / "verify_inclusion.py"), "consistency", "--vkey",
         (out / "custody" / "vkey.txt").read_text().strip(), "--old", str(stamped), "--new",
         str(out / "custody" / "checkpoint.txt"), "--proof", str(consistency)],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


def test_the_report_says_what_is_there_in_html_and_pdf(
        package: tuple[Path, dict[str, Any]]) -> None:
    out, result = package
    page = (out / "verification-report.html").read_text()
    assert f"entry of this export</td><td>{result['entry']}" in page.replace("\n", "")
    assert "sha256sum -c manifest-sha256.txt" in page and "verify_inclusion.py package" in page
    assert 'dir="rtl"' in page and "Federal Prosecutor" in page
    text = "".join(p.extract_text() for p in PdfReader(out / "verification-report.pdf").pages)
    assert f"Custody-log entry of this export {result['entry']}" in text
    assert "حزمة أدلة" in text  # the Arabic summary, shaped text that still reads as words


def test_refused_before_anything_is_written(collection: Collection) -> None:
    caesar = collection.caesar
    inside = collection.archive.path / "exports-here"
    run = caesar("export", "evidence", "--case", "1", "--out", str(inside), "--yes")
    assert run.exit_code == 2 and "inside the archive" in run.stderr and not inside.exists()
    busy = collection.work / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("keep")
    run = caesar("export", "evidence", "--case", "1", "--out", str(busy), "--yes")
    assert run.exit_code == 2 and "not empty" in run.stderr
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]
    fresh = collection.work / "unconfirmed"
    run = caesar("export", "evidence", "--case", "1", "--out", str(fresh))
    assert run.exit_code == 2 and "no terminal" in run.stderr and "--yes" in run.stderr
    assert "originals" in run.stderr  # it said what the package would contain
    assert not fresh.exists()
    assert not any(p.name.startswith(".unconfirmed") for p in collection.work.iterdir())
