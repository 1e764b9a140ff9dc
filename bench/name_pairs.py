"""The public English-Arabic name pairs of `bench/name-pairs/`: reading and writing the lists,
and the spellings the project itself is written and tested with (which the held-out list must
never contain). Used by `name_pairs_split.py`, `names.py` and the test that keeps the lists
apart."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from caesar.demo import names as demo_names
from caesar.identify.script import normalise
from caesar.identify.spellings import table

FOLDER = Path(__file__).resolve().parent / "name-pairs"
TESTS = Path(__file__).resolve().parent.parent / "tests"


@dataclass(frozen=True)
class Pair:
    """One Latin spelling, one Arabic spelling of a name, and how many people bear the pair."""

    latin: str
    arabic: str
    people: int


def read_pairs(path: Path) -> list[Pair]:
    """The pairs of one list (tab-separated: Latin, Arabic, people)."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            latin, arabic, people = line.split("\t")
            out.append(Pair(latin, arabic, int(people)))
    return out


def write_pairs(path: Path, pairs: list[Pair]) -> None:
    """Write a list, sorted, with a header naming its source."""
    lines = ["# latin\tarabic\tpeople (see SOURCE.md)"]
    lines += [f"{p.latin}\t{p.arabic}\t{p.people}"
              for p in sorted(pairs, key=lambda p: (p.latin, p.arabic))]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def spelling_key(text: str) -> str:
    """A spelling as the comparison reads its letters (case, accents and Arabic variants of
    letters folded), so that one name written twice counts once."""
    return normalise(text).replace(" ", "")


def project_spellings() -> set[str]:
    """Every spelling the project's names are written and tested with: the demo's lists, the
    spelling tables' examples and the names tests' pairs."""
    found: set[str] = set()
    for name in (*demo_names.MALE_NAMES, *demo_names.FEMALE_NAMES, *demo_names.FAMILY_NAMES,
                 *demo_names.PLACES, *demo_names.OTHER_ORIGINS):
        found.add(name.ar)
        found.update(name.latin)
    for entry in table().entries():
        found.update(entry.example)
        found.update(entry.unlike or ())
    spec = importlib.util.spec_from_file_location("_name_tests",
                                                  TESTS / "identify" / "test_names.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for pairs in (module.SAME, module.DIFFERENT):
        for a, b in pairs:
            found.update((a, b))
    return {key for text in found for word in text.split() if (key := spelling_key(word))}
