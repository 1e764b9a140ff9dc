"""The public name pairs of `bench/name-pairs/`: the held-out list shares no spelling, in
either script, with the development list the tables were tuned on, nor with the spellings
the project is written and tested with (the spelling tables' examples, the demo's names, the
names tests' pairs). So the benchmark's held-out figures are about names nothing was built
around."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
from name_pairs import FOLDER, project_spellings, read_pairs, spelling_key  # noqa: E402


def _spellings(name: str) -> set[str]:
    pairs = read_pairs(FOLDER / name)
    assert len(pairs) > 1000
    return {spelling_key(s) for p in pairs for s in (p.latin, p.arabic)}


def test_the_held_out_list_shares_no_spelling_with_the_development_list() -> None:
    assert not _spellings("heldout.tsv") & _spellings("develop.tsv")


def test_the_held_out_list_shares_no_spelling_with_the_tables_the_demo_or_the_tests() -> None:
    known = project_spellings()
    assert {"فيربو", "firpo", "mohammad", "محمد", "sarkissian"} <= known  # it reads them all
    shared = _spellings("heldout.tsv") & known
    assert not shared, f"held-out names the project uses: {sorted(shared)[:20]}"
