"""Trustees, k of n: SLIP-39 shares of the master key; any K get back in, K-1 recover nothing,
and no share ever reaches the custody log."""

from __future__ import annotations

import json
from itertools import combinations

import pytest
from click.testing import Result
from conftest import PASSPHRASE, Caesar, archive_bytes
from typer.testing import CliRunner

from caesar.cli.app import app
from caesar.core import Archive
from caesar.errors import WrongPassphrase

NEW = "the trustees chose this one together"


def _split(caesar: Caesar, *extra: str, stdin: str | None = None) -> list[str]:
    result = CliRunner().invoke(app, ["--archive", str(caesar.archive), "keys", "split",
                                      "--shares", "5", "--threshold", "3", "--json", *extra],
                                env=caesar.env, input=stdin, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    made = json.loads(result.stdout)
    assert made["threshold"] == 3
    return list(made["shares"])


def _recover(caesar: Caesar, lines: list[str], *extra: str, new: str = NEW) -> Result:
    """`keys recover` with the shares (and any passphrase line) on standard input."""
    return CliRunner().invoke(app, ["--archive", str(caesar.archive), "keys", "recover",
                                    *extra], input="\n".join(lines) + "\n",
                              env={**caesar.env, "CAESAR_PASSPHRASE": None,
                                   "CAESAR_NEW_PASSPHRASE": new}, catch_exceptions=False)


def test_split_prints_one_share_a_line_and_logs_no_share(
        filled: tuple[Caesar, list[str]]) -> None:
    caesar, _ = filled
    plain = caesar("keys", "split", "--shares", "5", "--threshold", "3")
    lines = plain.stdout.splitlines()
    assert plain.exit_code == 0 and len(lines) == 5
    assert all(len(line.split()) == 33 for line in lines)  # 256 bits: 33 words each
    shares = _split(caesar)
    entries = caesar.json("ledger", "entries")
    splits = [e["entry"] for e in entries if e["entry"]["type"] == "key.split"]
    assert [s["details"] for s in splits] == [{"shares": 5, "threshold": 3}] * 2
    logged = json.dumps(entries)
    for share in [*lines, *shares]:
        assert " ".join(share.split()[4:8]) not in logged


def test_any_three_of_five_get_back_in(filled: tuple[Caesar, list[str]]) -> None:
    caesar, originals = filled
    shares = _split(caesar)
    for chosen in [(0, 1, 2), (4, 2, 0)]:
        run = _recover(caesar, [shares[i] for i in chosen], "--json")
        assert run.exit_code == 0, run.stderr
        assert json.loads(run.stdout)["state"] == {"ok": True, "problem": None}
    with pytest.raises(WrongPassphrase):
        Archive.open(caesar.archive, PASSPHRASE)  # the lost passphrase no longer opens it
    listed = caesar("photos", "list", "--json", env={"CAESAR_PASSPHRASE": NEW})
    assert sorted(p["sha256"] for p in listed.json()) == originals
    entries = caesar("ledger", "entries", "--json", env={"CAESAR_PASSPHRASE": NEW}).json()
    recovered = [e["entry"]["details"] for e in entries
                 if e["entry"]["type"] == "key.recovered"]
    assert recovered == [{"shares": 3}, {"shares": 3}]


def test_two_of_three_needed_recover_nothing_and_change_nothing(
        filled: tuple[Caesar, list[str]]) -> None:
    caesar, _ = filled
    shares = _split(caesar)
    before = archive_bytes(caesar.archive)
    for pair in combinations(shares, 2):
        run = _recover(caesar, list(pair))
        assert run.exit_code == 2 and "Expected 3" in run.stderr
        assert all(" ".join(s.split()[:3]) not in run.stderr for s in shares)
    assert archive_bytes(caesar.archive) == before
    Archive.open(caesar.archive, PASSPHRASE).close()


def test_a_share_copied_with_one_wrong_word_is_caught(filled: tuple[Caesar, list[str]]) -> None:
    caesar, _ = filled
    shares = _split(caesar)
    words = shares[1].split()
    words[10] = "academic" if words[10] != "academic" else "acid"
    before = archive_bytes(caesar.archive)
    run = _recover(caesar, [shares[0], " ".join(words), shares[2]])
    assert run.exit_code == 2 and "checksum" in run.stderr
    assert archive_bytes(caesar.archive) == before


def test_a_share_passphrase_protects_the_set(filled: tuple[Caesar, list[str]]) -> None:
    caesar, _ = filled
    shares = _split(caesar, "--share-passphrase-stdin", stdin="known to every trustee\n")
    before = archive_bytes(caesar.archive)
    wrong = _recover(caesar, ["not what they agreed", *shares[:3]], "--share-passphrase-stdin")
    assert wrong.exit_code == 2 and "do not open" in wrong.stderr
    forgotten = _recover(caesar, shares[:3])  # as if there were none
    assert forgotten.exit_code == 2
    assert archive_bytes(caesar.archive) == before
    right = _recover(caesar, ["known to every trustee", *shares[2:]], "--share-passphrase-stdin")
    assert right.exit_code == 0, right.stderr


def test_shares_of_another_archive_do_not_open_this_one(
        filled: tuple[Caesar, list[str]]) -> None:
    caesar, _ = filled
    other = Caesar(caesar.archive.parent / "other")
    assert other("init", "--kdf-cost", "test").exit_code == 0
    theirs = _split(other)
    run = _recover(caesar, theirs[:3])
    assert run.exit_code == 2 and "do not open" in run.stderr


def test_a_weak_new_passphrase_after_recovery_only_warns_at_the_test_cost(
        filled: tuple[Caesar, list[str]]) -> None:
    caesar, _ = filled
    shares = _split(caesar)
    run = _recover(caesar, shares[:3], "--generate", "--json")
    made = json.loads(run.stdout)["passphrase"]
    assert run.exit_code == 0 and len(made.split()) == 6
    assert caesar("photos", "list", env={"CAESAR_PASSPHRASE": made}).exit_code == 0
