"""The spelling tables (`caesar/identify/spellings.toml`): every entry's example is two
spellings of one name that the entry lets match, and an entry that explains itself is named
when the two are compared; an entry's `unlike` pair stays apart. A table with a mistake is
refused with the entry named."""

from __future__ import annotations

import pytest

from caesar.identify.comparison import SAME_NAME, habits, likeness, similarity, spelt
from caesar.identify.spellings import (
    BadSpellingTable,
    Compound,
    Ending,
    LatinLetters,
    ShortForm,
    read_tables,
    table,
)
from caesar.identify.words import word

ENTRIES = table().entries()


def _pair(a: str, b: str) -> tuple[float, str]:
    wa, wb = word(a), word(b)
    assert wa is not None and wb is not None
    return similarity(wa, wb) or 0.0, str(spelt(likeness(wa, wb)))


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.key for e in ENTRIES])
def test_each_entry_lets_its_example_match(entry: object) -> None:
    assert isinstance(entry, (LatinLetters, Ending, ShortForm, Compound)) or hasattr(
        entry, "letter")
    a, b = entry.example  # type: ignore[attr-defined]
    value, said = _pair(a, b)
    assert value >= SAME_NAME, f"{a} and {b}: {value:.2f}"
    if isinstance(entry, LatinLetters) and (entry.habit or entry.written):
        assert f"{entry.letters} " in said.split(": ", 1)[1] + " ", said
    if isinstance(entry, ShortForm):
        assert f"{entry.forms[0].capitalize()}, short for {entry.full}" in said
    if isinstance(entry, Ending):
        assert f"the ending {entry.latin[0]}" in said


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.unlike],
                         ids=[e.key for e in ENTRIES if e.unlike])
def test_each_entry_keeps_its_unlike_pair_apart(entry: object) -> None:
    a, b = entry.unlike  # type: ignore[attr-defined]
    value, _ = _pair(a, b)
    assert value < SAME_NAME, f"{a} and {b}: {value:.2f}"


def test_the_issues_examples_say_why_they_match() -> None:
    firpo, arabic = word("Firpo"), word("فيربو")
    assert firpo is not None and arabic is not None
    assert str(spelt(likeness(firpo, arabic))) == "Firpo ↔ فيربو: p written as ب"
    choukri, shukri = word("Choukri"), word("Shukri")
    assert choukri is not None and shukri is not None
    assert [str(h) for h in habits(likeness(choukri, shukri))] == [
        "ch and sh both write ش (French spelling)", "ou and u both write و (French spelling)"]


def test_a_wrong_entry_is_refused_with_its_place() -> None:
    text = '''
[[latin]]
letters = "p"
sounds = ["ب", "q"]
example = ["Firpo", "فيربو"]
'''
    with pytest.raises(BadSpellingTable, match=r"latin\.0\.sounds.*'q' is not a sound"):
        read_tables(text + _REST)
    with pytest.raises(BadSpellingTable, match="not valid TOML"):
        read_tables("[[latin]\n")


_REST = '''
arabic = []
ending = []
short = []
compound = []
[words]
articles = ["al"]
arabic_article = "ال"
'''
