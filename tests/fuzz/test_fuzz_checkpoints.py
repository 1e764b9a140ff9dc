"""Fuzzing checkpoints and proofs: the ledger's own parsing of signed checkpoints and verifier
keys (`verify --checkpoint`, witnesses), and the standalone docs/verify_inclusion.py that
anyone runs on what an archive or a stranger hands them.

The ledger raises its own errors (:class:`caesar.ledger.errors.LedgerError`); the standalone
script, which cannot import the project, exits 1 with "FAILED: ..." (or 2 on bad arguments).
Nothing else: a traceback from a verifier is a verifier someone cannot trust."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib.util
import io
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fuzzing import fuzz, mark
from hypothesis import given
from hypothesis import strategies as st

from caesar.ledger import merkle, note
from caesar.ledger.checkpoint import Checkpoint, open_checkpoint, parse, sign_checkpoint
from caesar.ledger.errors import LedgerError

pytestmark = mark

ORIGIN = "caesar-archive/fuzz"
SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_inclusion.py"
PHOTO = hashlib.sha256(b"a photo").digest()
EXPORT = "export:1"
SALT = bytes(range(32))


@cache
def _key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(32))


def _vkey() -> str:
    return note.generate_vkey(ORIGIN, _key())


@cache
def _log() -> dict[str, Any]:
    """A log of five entries, its signed checkpoints at sizes 3 and 5, and proofs as `caesar
    ledger proof --json` and `ledger consistency --json` print them."""
    subjects = {2: hashlib.sha256(SALT + PHOTO).hexdigest(),
                4: hashlib.sha256(SALT + hashlib.sha256(EXPORT.encode()).digest()).hexdigest()}
    entries = [json.dumps({"subject": subjects.get(i, f"{i:064x}"), "type": "fuzz"}).encode()
               for i in range(5)]
    leaves = [merkle.leaf_hash(e) for e in entries]

    def subtree(level: int, index: int) -> bytes:
        if level == 0:
            return leaves[index]
        return merkle.node_hash(subtree(level - 1, 2 * index), subtree(level - 1, 2 * index + 1))

    b64 = base64.b64encode

    def signed(size: int) -> str:
        return sign_checkpoint(Checkpoint(ORIGIN, size, merkle.root_hash(size, subtree)), _key())

    # What the script reads of `ledger proof --json` (which also says subject_sha256).
    inclusion = {"index": 2, "size": 5, "leaf": b64(entries[2]).decode(),
                 "proof": [b64(p).decode() for p in merkle.inclusion_proof(2, 5, subtree)],
                 "checkpoint": signed(5), "salt": SALT.hex()}
    consistency = {"from": 3, "to": 5, "checkpoint": signed(5),
                   "proof": [b64(p).decode() for p in merkle.consistency_proof(3, 5, subtree)]}
    # An evidence package's custody/ files, as `export evidence` writes them.
    item = {k: v for k, v in inclusion.items() if k != "size"}  # the package's size is its own
    package = {"proofs": [dict(item, sha256=PHOTO.hex(), file="data/originals/a.jpg")],
               "export": {"index": 4, "leaf": b64(entries[4]).decode(), "salt": SALT.hex(),
                          "subject": EXPORT, "proof": [
                              b64(p).decode() for p in merkle.inclusion_proof(4, 5, subtree)]}}
    return {"inclusion": inclusion, "consistency": consistency, "old": signed(3),
            "new": signed(5), "package": package}


@cache
def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_inclusion_fuzzed", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            code = _script().main(list(args))
        except SystemExit as exit_:  # argparse: a usage error
            code = exit_.code if isinstance(exit_.code, int) else 2
    return code, out.getvalue()


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                     | st.text(max_size=12) | st.sampled_from(["AA==", "", "!!", "-1", "😀"]),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=5)


@st.composite
def _altered(draw: st.DrawFn, document: dict[str, Any]) -> Any:
    """The document with keys replaced by any JSON, removed, or the whole replaced."""
    if draw(st.integers(0, 9)) == 0:
        return draw(_JSON)
    changed = dict(document)
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(sorted(document)))
        if draw(st.booleans()):
            changed.pop(key, None)
        else:
            changed[key] = draw(_JSON)
    return changed


@st.composite
def _altered_text(draw: st.DrawFn, text: str) -> str:
    chars = list(text)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(chars)))
        chars[at:at + draw(st.integers(0, 3))] = draw(st.text(max_size=3))
    return "".join(chars)


def _write(folder: str, name: str, document: Any) -> str:
    path = os.path.join(folder, name)
    Path(path).write_text(document if isinstance(document, str) else json.dumps(document),
                          "utf-8", errors="surrogatepass")
    return path


def test_the_log_the_fuzzers_alter_checks_out() -> None:
    log = _log()
    with tempfile.TemporaryDirectory() as folder:
        assert _run("inclusion", "--vkey", _vkey(), "--proof",
                    _write(folder, "p.json", log["inclusion"]), "--sha256", PHOTO.hex())[0] == 0
        assert _run("consistency", "--vkey", _vkey(), "--old", _write(folder, "old", log["old"]),
                    "--proof", _write(folder, "c.json", log["consistency"]))[0] == 0
    assert open_checkpoint(log["old"], _vkey(), origin=ORIGIN).size == 3


# Found by fuzzing (each was a traceback: TypeError or AttributeError inside the script), and
# by review (RecursionError), with what the script now says.
_FOUND: list[tuple[Any, str]] = [
    (None, "has no 'checkpoint'"),
    ({"checkpoint": None}, "'checkpoint' is not str"),
    ({"index": None}, "'index' is not int"),
    ({"proof": [1]}, "'proof' must be a list of base64 hashes"),
    ("[" * 100_000, "nests lists or objects too deeply"),
]


@pytest.mark.parametrize(("change", "said"), _FOUND)
def test_proofs_fuzzing_found_fail_with_a_reason(change: Any, said: str) -> None:
    proof = (dict(_log()["inclusion"], **change) if isinstance(change, dict) else change)
    with tempfile.TemporaryDirectory() as folder:
        code, out = _run("inclusion", "--vkey", _vkey(), "--proof",
                         _write(folder, "p.json", proof), "--sha256", PHOTO.hex())
    assert code == 1 and out.startswith("FAILED: ") and said in out, out


@fuzz
@given(st.data())
def test_altered_inclusion_proofs_fail_with_a_reason(data: st.DataObject) -> None:
    proof = data.draw(_altered(_log()["inclusion"]))
    with tempfile.TemporaryDirectory() as folder:
        code, said = _run("inclusion", "--vkey", _vkey(), "--proof",
                          _write(folder, "p.json", proof), "--sha256", PHOTO.hex())
    assert (code, proof == _log()["inclusion"]) in ((0, True), (1, False)), said
    assert code == 0 or said.startswith("FAILED: ")


@fuzz
@given(st.data())
def test_altered_consistency_proofs_and_checkpoints_fail_with_a_reason(
        data: st.DataObject) -> None:
    log = _log()
    proof = data.draw(_altered(log["consistency"]))
    old = data.draw(st.just(log["old"]) | _altered_text(log["old"]))
    with tempfile.TemporaryDirectory() as folder:
        code, said = _run("consistency", "--vkey", _vkey(), "--old", _write(folder, "old", old),
                          "--proof", _write(folder, "c.json", proof))
    whole = proof == log["consistency"] and old == log["old"]
    assert (code, whole) in ((0, True), (1, False)), said


@fuzz
@given(st.data())
def test_altered_checkpoints_and_vkeys_raise_the_ledgers_errors(data: st.DataObject) -> None:
    text = data.draw(_altered_text(_log()["old"]))
    vkey = data.draw(st.just(_vkey()) | _altered_text(_vkey()))
    try:
        opened = open_checkpoint(text, vkey, origin=ORIGIN)
    except LedgerError as error:
        assert error.message
    else:
        assert opened.size == 3 and text == _log()["old"]
    try:
        parse(text.split("\n\n")[0] + "\n")
    except LedgerError as error:
        assert error.message


def _package(folder: str, proofs: Any, export: Any, checkpoint: str) -> str:
    bag = Path(folder) / "bag"
    (bag / "data" / "originals").mkdir(parents=True)
    (bag / "data" / "originals" / "a.jpg").write_bytes(b"a photo")
    (bag / "custody").mkdir()
    _write(str(bag / "custody"), "checkpoint.txt", checkpoint)
    _write(str(bag / "custody"), "proofs.json", proofs)
    _write(str(bag / "custody"), "export-entry.json", export)
    return str(bag)


def test_the_package_the_fuzzer_alters_checks_out() -> None:
    log = _log()
    with tempfile.TemporaryDirectory() as folder:
        code, said = _run("package", _package(folder, log["package"]["proofs"],
                                              log["package"]["export"], log["new"]),
                          "--vkey", _vkey())
    assert code == 0, said


def test_an_original_without_a_proof_fails_the_package() -> None:
    # Found by fuzzing: with custody/proofs.json emptied, the package passed ("0 originals")
    # while it held an original nothing vouched for.
    with tempfile.TemporaryDirectory() as folder:
        code, said = _run("package", _package(folder, [], _log()["package"]["export"],
                                              _log()["new"]), "--vkey", _vkey())
    assert code == 1 and "data/originals/a.jpg is in the package but custody/proofs.json has" \
        " no proof for it" in said, said


@fuzz
@given(st.data())
def test_altered_evidence_packages_fail_with_a_reason(data: st.DataObject) -> None:
    package = _log()["package"]
    proofs = data.draw(st.just(package["proofs"])
                       | st.builds(lambda item: [item], _altered(package["proofs"][0]))
                       | _JSON)
    export = data.draw(st.just(package["export"]) | _altered(package["export"]))
    whole = proofs == package["proofs"] and export == package["export"]
    with tempfile.TemporaryDirectory() as folder:
        code, said = _run("package", _package(folder, proofs, export, _log()["new"]),
                          "--vkey", _vkey())
    assert (code, whole) in ((0, True), (1, False)), said


@pytest.mark.parametrize("args", [("inclusion", "--proof"), ("consistency", "--old")])
def test_a_file_that_is_missing_fails_with_a_reason(args: tuple[str, str]) -> None:
    code, said = _run(args[0], "--vkey", _vkey(), args[1], "/nonexistent/proof.json",
                      "--proof", "/nonexistent/proof.json")
    assert code == 1 and said.startswith("FAILED: ")
