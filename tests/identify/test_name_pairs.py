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

from caesar.identify.comparison import SAME_NAME, similarity  # noqa: E402
from caesar.identify.words import word  # noqa: E402


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


def test_every_pair_taken_for_one_name_shares_a_blocking_key() -> None:
    # Duplicate reports are only compared within blocks that share a key: on the development
    # list, no Latin and Arabic spelling the comparison takes for one name is keyed apart.
    apart, alike = [], 0
    for pair in read_pairs(FOLDER / "develop.tsv"):
        latin, arabic = word(pair.latin), word(pair.arabic)
        if latin and arabic and (similarity(latin, arabic) or 0.0) >= SAME_NAME:
            alike += 1
            if not latin.keys & arabic.keys:
                apart.append((pair.latin, pair.arabic))
    assert alike > 10000
    assert not apart, apart[:10]
