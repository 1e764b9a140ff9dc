"""Which security branch a family means: a number (215, ٢١٥, "Branch 215") or a known name.

Families name the branch that arrested their relative as they heard it: a number, or the
name the branch is known by. The names below are those that public reporting on these
detention facilities uses (Human Rights Watch, "If the Dead Could Speak", 2015; the UN
Commission of Inquiry on Syria), in Arabic and in the English of those reports. A branch named
in other words stays unread (the text is kept as written) and matching treats it as unknown.
"""

from __future__ import annotations

import re
from functools import cache

from caesar.cases.search import to_western
from caesar.cases.vocabulary import Words
from caesar.identify.names import Word, same_name, words
from caesar.identify.wording import Code, Phrase, phrase

BRANCH_NAMES: dict[str, tuple[str, ...]] = {
    "215": ("سرية المداهمة", "Raid Brigade", "Raids Company", "Mudahama"),
    "216": ("فرع الدوريات", "Patrols Branch", "Patrol Branch"),
    "227": ("فرع المنطقة", "Region Branch", "Regional Branch", "Area Branch"),
    "235": ("فرع فلسطين", "Palestine Branch", "Falastin Branch"),
    "248": ("فرع التحقيق العسكري", "Military Investigation Branch",
            "Military Interrogation Branch"),
    "251": ("فرع الخطيب", "al-Khatib Branch", "Khatib Branch", "Internal Branch"),
}
"""Branch number -> names it is known by (Arabic first)."""

# Words that say "a branch" without saying which.
_GENERIC = frozenset(w.text for text in (
    "فرع الفرع سرية أمن الأمن العسكري المخابرات شعبة",
    "branch br the of security intelligence military mi dept department section company",
) for w in words(text))
_DIGITS = re.compile(r"\d+")


def _significant(text: str) -> list[Word]:
    return [w for w in words(text) if w.text not in _GENERIC and not w.text.isdigit()]


@cache
def _known() -> list[tuple[str, list[Word]]]:
    """Each known name's significant words, with its branch number."""
    return [(number, _significant(name) or words(name))
            for number, names in BRANCH_NAMES.items() for name in names]


def branch_number(text: str | None) -> str | None:
    """The branch number a family's text names, in Western digits, or None if unreadable."""
    if not text or not text.strip():
        return None
    western = to_western(text)
    numbers = _DIGITS.findall(western)
    if len(numbers) == 1 and 2 <= len(numbers[0]) <= 4:
        return numbers[0].lstrip("0") or "0"
    given = _significant(text)
    if not given:
        return None
    for number, name in _known():
        if all(any(same_name(g, n) for g in given) for n in name) and \
                all(any(same_name(g, n) for n in name) for g in given):
            return number
    return None


def branch_label(number: str) -> Phrase:
    """How a caseworker reads a branch: "branch 235 (Palestine Branch)", "الفرع 235 (فرع
    فلسطين)"."""
    names = BRANCH_NAMES.get(number)
    if names is None:
        return phrase("branch {number}", number=Code(number))
    return phrase("branch {number} ({name})", number=Code(number),
                  name=Words(en=names[1], ar=names[0]))
