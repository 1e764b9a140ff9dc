"""Archives for the survival tests, built once per session and copied for each test."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Caesar

from .survival import add_family_photo, add_photos, hold_package


@dataclass
class Site:
    """An archive with its replicas and what was published and handed out about it."""

    root: Path
    caesar: Caesar
    originals: list[str]
    published: Path  # a checkpoint published after replicating
    shares: list[str]  # 3 of 5 trustees' shares

    @property
    def replicas(self) -> dict[str, Path]:
        return {"one": self.root / "replica-one", "two": self.root / "replica-two"}


def _copy(template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(template, root, symlinks=True)
    return root


@pytest.fixture(scope="session")
def _filled_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("filled")
    caesar = Caesar(root / "archive")
    assert caesar("init", "--kdf-cost", "test").exit_code == 0
    return root, add_photos(caesar, root / "photos", 3)


@pytest.fixture
def filled(_filled_template: tuple[Path, list[str]], tmp_path: Path
           ) -> tuple[Caesar, list[str]]:
    """A copy of an archive holding three originals (nothing holds it open)."""
    template, shas = _filled_template
    return Caesar(_copy(template, tmp_path) / "archive"), shas


@pytest.fixture(scope="session")
def _site_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The drill's starting point: init, ingest (and a family's photo, a package held for a
    download), split 3 of 5, replicate to two folders, publish a checkpoint."""
    root = tmp_path_factory.mktemp("site")
    caesar = Caesar(root / "archive")
    assert caesar("init", "--kdf-cost", "test").exit_code == 0
    shas = add_photos(caesar, root / "photos", 10)
    # What else the archive keeps: a family's photo of their missing, a package held for a
    # download.
    add_family_photo(caesar, root / "family")
    hold_package(caesar.archive, shas[0])
    shares = caesar.json("keys", "split", "--shares", "5", "--threshold", "3")["shares"]
    for name in ("one", "two"):
        assert caesar("replica", "add", name, str(root / f"replica-{name}")).exit_code == 0
    assert caesar("replicate").exit_code == 0
    published = root / "published-checkpoint.txt"
    assert caesar("ledger", "export-checkpoint", "--out", str(published)).exit_code == 0
    (root / "facts.json").write_text(json.dumps({"originals": shas, "shares": shares}))
    return root


@pytest.fixture
def site(_site_template: Path, tmp_path: Path) -> Site:
    """A fresh copy of the drill's starting point, its replicas where the copy put them."""
    root = _copy(_site_template, tmp_path)
    caesar = Caesar(root / "archive")
    facts = json.loads((root / "facts.json").read_text())
    made = Site(root, caesar, facts["originals"], root / "published-checkpoint.txt",
                facts["shares"])
    for name, path in made.replicas.items():
        assert caesar("replica", "set-path", name, str(path)).exit_code == 0
    # Moving the replicas was logged: bring them level again, as a person would.
    assert caesar("replicate").exit_code == 0
    return made
