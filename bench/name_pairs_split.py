"""Split the public English-Arabic name pairs into a development list and a held-out list.

    .venv/bin/python bench/name_pairs_split.py wd_arabic.normalized.aligned.tokens

The source (see bench/name-pairs/SOURCE.md) is a Wikidata dictionary of personal names, one
Latin token, its Arabic token (letters separated by spaces) and how many people bear the pair
a line. Kept: pairs borne by at least two people (single ones are mostly misaligned tokens),
both sides letters only, at least two letters each.

Pairs are joined into groups that share a spelling in either script, as the comparison reads
letters (محمد with mohamed, mohammed, muhammad, ...; أحمد and احمد alike), and each group
goes to one list only, by a hash of its spellings: about one group in five to the held-out
list. A held-out group may share no spelling with the names the project itself is written
and tested with (the demo's lists, the spelling tables, the tests' pairs); such groups go to
the development list instead. So no name of the held-out
list, in either script, is one the tables and rules were written from.

The development list is what the tables and rules may be tuned on; the held-out list is for
`bench/names.py` only, and `tests/identify/test_name_pairs.py` checks that the two stay apart
from each other and from the tables.
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from name_pairs import FOLDER, Pair, project_spellings, spelling_key, write_pairs

MIN_PEOPLE = 2
HELD_OUT_PERCENT = 20


def read_source(path: Path) -> list[Pair]:
    """The source's pairs that pass the filters, in the source's order."""
    pairs = []
    for line in path.read_text("utf-8").splitlines():
        latin, arabic, people = line.split("\t")
        arabic = arabic.replace(" ", "")
        if int(people) < MIN_PEOPLE or not latin.isalpha() or not arabic.isalpha():
            continue
        if len(latin) < 2 or len(arabic) < 2:
            continue
        pairs.append(Pair(latin, arabic, int(people)))
    return pairs


def groups(pairs: list[Pair]) -> list[list[Pair]]:
    """Pairs joined when they share a Latin or an Arabic spelling, as the comparison reads
    letters (case, accents, hamza forms folded), by union-find."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        a, b = root(spelling_key(p.latin)), root(spelling_key(p.arabic))
        if a != b:
            parent[a] = b
    joined: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        joined[root(spelling_key(p.latin))].append(p)
    return list(joined.values())


def held_out(group: list[Pair]) -> bool:
    """One group in five, by a hash of its spellings (stable, independent of any code)."""
    names = sorted({p.latin for p in group} | {p.arabic for p in group})
    digest = hashlib.sha256("\n".join(names).encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


def main() -> None:
    pairs = read_source(Path(sys.argv[1]))
    known = project_spellings()
    develop: list[Pair] = []
    heldout: list[Pair] = []
    for group in groups(pairs):
        touches = any(spelling_key(p.latin) in known or spelling_key(p.arabic) in known
                      for p in group)
        (heldout if held_out(group) and not touches else develop).extend(group)
    write_pairs(FOLDER / "develop.tsv", develop)
    write_pairs(FOLDER / "heldout.tsv", heldout)
    print(f"{len(pairs)} pairs kept: {len(develop)} to develop on, {len(heldout)} held out")


if __name__ == "__main__":
    main()
