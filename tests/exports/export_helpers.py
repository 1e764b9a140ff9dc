"""An archive holding a small synthetic collection, built once per test module (import the
`collection` fixture from here)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSPHRASE, Caesar

from caesar.core import Archive
from caesar.demo.generate import generate_collection
from caesar.vault.keys import KdfCost

OPERATOR = "Sami Operator-Name"  # planted: must not reach a package unless revealed


@dataclass
class Collection:
    """The archive, the command bound to it, and a scratch folder beside it."""

    archive: Archive
    caesar: Caesar
    work: Path

    def export(self, *args: str) -> Any:
        """Run `caesar export ... --yes --json`; it must succeed; its JSON."""
        run = self.caesar("export", *args, "--yes", "--json")
        assert run.exit_code == 0, run.stderr
        return run.json()


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    """Three synthetic cases on one drive, ingested, built into cases, the photos that are not
    of those bodies categorised."""
    work = tmp_path_factory.mktemp("exports")
    archive = Archive.create(work / "archive", PASSPHRASE, kdf_cost=KdfCost.test,
                             owner="owner")
    caesar = Caesar(archive.path)
    truth = generate_collection(work / "collection", cases=3, seed=5, drives=1, reports=False,
                                damaged_per_drive=1)
    caesar.json("ingest", str(work / "collection" / truth.drives[0]), "--operator", OPERATOR)
    # As an analyst would, the photos of scenes and of other deaths are categorised: the
    # collection's three bodies are then its three cases, 1 to 3.
    for category in ("scene", "other_death"):
        photos = [f.sha256 for f in truth.originals() if f.category == category]
        if photos:
            caesar.json("cases", "categorise", *photos, "--category", category)
    caesar.json("cases", "build")
    yield Collection(archive, caesar, work)
    archive.close()
