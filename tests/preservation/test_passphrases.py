"""Passphrases: weak ones refused at the normal cost, generated ones, and a change that a crash
cannot leave half done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Caesar, archive_bytes

from caesar.core import Archive
from caesar.errors import WrongPassphrase
from caesar.vault import keys
from caesar.vault.keys import KdfCost
from caesar.vault.passphrase import WeakPassphrase, generate, weakness

from .survival import caesar_dies

NEW = "a new passphrase nobody else has"


@pytest.mark.parametrize("weak", ["a", "password123456", "aaaaaaaaaaaaaaaaaaaa",
                                  "Tr0ub4dor&3"])
def test_init_refuses_a_weak_passphrase_and_makes_nothing(tmp_path: Path, weak: str) -> None:
    run = Caesar(tmp_path / "new")("init", env={"CAESAR_PASSPHRASE": weak})
    assert run.exit_code == 2, run.stderr
    assert "too weak" in run.stderr and "--generate" in run.stderr
    assert len(weak) < 4 or weak not in run.stderr  # the passphrase itself is never echoed
    assert not (tmp_path / "new").exists()


def test_a_weak_passphrase_only_warns_at_the_test_cost(tmp_path: Path) -> None:
    run = Caesar(tmp_path / "new")("init", "--kdf-cost", "test", env={"CAESAR_PASSPHRASE": "a"})
    assert run.exit_code == 0 and "weak" in run.stderr
    Archive.open(tmp_path / "new", "a").close()


def test_init_can_make_up_a_strong_passphrase(tmp_path: Path) -> None:
    run = Caesar(tmp_path / "new")("init", "--kdf-cost", "test", "--generate",
                                   env={"CAESAR_PASSPHRASE": None})
    assert run.exit_code == 0, run.stderr
    said = run.stderr.split("shown only once): ", 1)[1].splitlines()[0]
    assert len(said.split()) == 6 and weakness(said) is None
    assert run.stdout.strip().startswith("age1")  # stdout is still the public key alone
    Archive.open(tmp_path / "new", said).close()


def test_generated_passphrases_are_six_words_and_differ() -> None:
    made = {generate() for _ in range(20)}
    assert len(made) == 20
    assert all(len(p.split()) == 6 and weakness(p) is None for p in made)


@pytest.mark.slow  # the normal cost: 256 MiB and a few seconds per unlock
def test_a_weak_new_passphrase_is_refused_at_the_normal_cost(tmp_path: Path) -> None:
    Archive.create(tmp_path / "strong", PASSPHRASE, kdf_cost=KdfCost.normal).close()
    before = archive_bytes(tmp_path / "strong")
    run = Caesar(tmp_path / "strong")("keys", "passphrase",
                                      env={"CAESAR_NEW_PASSPHRASE": "short"})
    assert run.exit_code == 2 and "too weak" in run.stderr
    assert archive_bytes(tmp_path / "strong") == before
    with pytest.raises(WeakPassphrase):
        Archive.create(tmp_path / "other", "a", kdf_cost=KdfCost.normal)


def test_changing_the_passphrase(filled: tuple[Caesar, list[str]]) -> None:
    caesar, originals = filled
    run = caesar("keys", "passphrase", "--json", env={"CAESAR_NEW_PASSPHRASE": NEW})
    assert run.exit_code == 0, run.stderr
    assert run.json() == {"changed": True, "kdf_cost": "test", "passphrase": None}
    assert NEW not in run.stdout + run.stderr
    with pytest.raises(WrongPassphrase):
        Archive.open(caesar.archive, PASSPHRASE)
    listed = caesar("photos", "list", "--json", env={"CAESAR_PASSPHRASE": NEW})
    assert sorted(p["sha256"] for p in listed.json()) == originals
    entries = caesar("ledger", "entries", "--json", env={"CAESAR_PASSPHRASE": NEW}).json()
    assert entries[-1]["entry"]["type"] == "key.passphrase_changed"
    assert NEW not in json.dumps(entries)


def test_a_generated_new_passphrase_is_printed_once(filled: tuple[Caesar, list[str]]) -> None:
    caesar, _ = filled
    run = caesar("keys", "passphrase", "--generate", "--json")
    made = run.json()["passphrase"]
    assert len(made.split()) == 6
    assert caesar("photos", "list", env={"CAESAR_PASSPHRASE": made}).exit_code == 0


@pytest.mark.slow
@pytest.mark.parametrize(("moment", "works"), [(keys.REWRAP_WRITTEN, PASSPHRASE),
                                               (keys.REWRAPPED, NEW)])
def test_a_crash_while_changing_leaves_one_passphrase_working(
        filled: tuple[Caesar, list[str]], moment: str, works: str) -> None:
    caesar, originals = filled
    died = caesar_dies(caesar.archive, moment, "keys", "passphrase",
                       env={"CAESAR_NEW_PASSPHRASE": NEW})
    assert died.returncode == -9, died.stderr
    other = NEW if works == PASSPHRASE else PASSPHRASE
    assert caesar("photos", "list", env={"CAESAR_PASSPHRASE": other}).exit_code == 2
    listed = caesar("photos", "list", "--json", env={"CAESAR_PASSPHRASE": works})
    assert sorted(p["sha256"] for p in listed.json()) == originals
    # Changing it again (to a third) works from where the crash left it.
    again = caesar("keys", "passphrase", env={"CAESAR_PASSPHRASE": works,
                                              "CAESAR_NEW_PASSPHRASE": NEW + " again"})
    assert again.exit_code == 0
