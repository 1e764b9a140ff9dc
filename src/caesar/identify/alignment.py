"""Two skeletons aligned: how alike two spellings of a word are, and why.

The alignment is an edit distance (dynamic programming) whose costs are the writing systems'
rules, not one cost for every letter:

- two consonants agree at no cost when they may write one sound (Latin "t" and ط; "s" and
  ث, which Syrians say s), at a small cost when the spelling tables say so (a Turkish t for
  د), and otherwise count as a *clear difference*;
- one Latin consonant may write two Arabic ones (x كس, ch تش) and "th" may be ت then ه;
- a short vowel Latin writes and Arabic leaves out costs nothing; a long one (ee, oo) does;
  a long vowel Arabic writes and Latin leaves out costs a little; two vowels of different
  qualities cost 0.2 (محمد and محمود, Hasan and حسين stay apart);
- ع, hamza and an Arabic word's first alef take any vowel or none.

Similarity is 1 less the costs; with clear differences, 0.9 times the share of consonants that
agree (as a normalised Levenshtein similarity would say). No library compares Arabic
with Latin spellings: phonetic codes (Soundex, Metaphone, as in jellyfish or abydos) are for
English spellings, epitran needs each name's language and an English lexicon, and a feature
distance such as panphon's makes t and d as close as p and b, which Arabic names keep apart;
rapidfuzz's edit distances take one cost for every letter. So the costs are written here, and
the sounds in the spelling tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from caesar.identify.skeleton import Reading, Unit, consonants
from caesar.identify.spellings import LatinLetters, Option

VOWEL = 0.2  # two vowels that differ, or a long vowel one spelling lacks
_GLIDE = 0.05  # a vowel read as the glide w or y (Ouassim, وسيم)
_INF = float("inf")
_LETTER_OF = {"a": "ا", "i": "ي", "u": "و"}


@dataclass(frozen=True, slots=True)
class Note:
    """Letters of one spelling that write a sound as the other spelling's letters do, by a
    habit worth saying: "p written as ب", "ch for ش (French spelling)", "ou and u: و"."""

    first: str  # the letters as the first spelling writes them
    second: str  # as the second (Arabic or Latin) does
    sound: str  # the sound both write, as Arabic letters
    entry: LatinLetters  # the spelling tables' entry that says so
    across: bool  # one spelling in Arabic letters, the other in Latin


@dataclass(frozen=True, slots=True)
class Alignment:
    """The cost of aligning two skeletons, and the notes of the habits it used."""

    soft: float  # small costs: vowels, habits that are not the usual reading
    hard: int  # clear differences: consonants that cannot write one sound
    consonants: int  # of the longer skeleton
    notes: tuple[Note, ...] = ()

    @property
    def similarity(self) -> float:
        """0 to 1: 1 less the soft costs when no consonant differs clearly; else 0.9 times the
        share of consonants that agree (as a normalised edit distance would say)."""
        if self.hard:
            return max(0.0, 0.9 * (1.0 - self.hard / max(self.consonants, 1)))
        return max(0.0, 1.0 - self.soft)


@lru_cache(maxsize=262144)
def align(a: Reading, b: Reading) -> Alignment:
    """The cheapest alignment of two skeletons (no notes: see :func:`explain`)."""
    return _align(a, b, trace=False)


@lru_cache(maxsize=65536)
def explain(a: Reading, b: Reading) -> Alignment:
    """The cheapest alignment with the notes of the habits it used (each pair of skeletons
    once: the pairs offered as duplicates share their spellings)."""
    return _align(a, b, trace=True)


# How a cell of the alignment was reached: the units of each skeleton its step took, and the
# option(s) it used (for notes).
_Back = tuple[int, int, object]


def _align(a: Reading, b: Reading, *, trace: bool) -> Alignment:
    n, m = len(a), len(b)
    longest = max(consonants(a), consonants(b))
    weight = 0.9 / max(longest, 1)
    # The cost of each unit left out, of each pair aligned (None: they cannot be), and of
    # each Latin consonant that writes two units of the other skeleton.
    out_a = [_left_out(u, b, at_start=i == 0 and bool(b) and b[0].kind == "C",
                       at_end=i == n - 1 and bool(b) and b[-1].kind == "C")
             for i, u in enumerate(a)]
    out_b = [_left_out(u, a, at_start=j == 0 and bool(a) and a[0].kind == "C",
                       at_end=j == m - 1 and bool(a) and a[-1].kind == "C")
             for j, u in enumerate(b)]
    vowel_a = [u.kind == "V" for u in a] + [False]
    vowel_b = [u.kind == "V" for u in b] + [False]
    pairs = [[_paired(x, y) for y in b] for x in a]
    twos: dict[tuple[int, int], list[tuple[int, int, float, object]]] = defaultdict(list)
    for i, x in enumerate(a):
        for j in range(m - 1) if _writes_two(x) else ():
            if (t := _two(x, b[j], b[j + 1])) is not None:
                twos[i, j].append((1, 2, *t))
    for j, y in enumerate(b):
        for i in range(n - 1) if _writes_two(y) else ():
            if (t := _two(y, a[i], a[i + 1])) is not None:
                twos[i, j].append((2, 1, *t))
    # A Latin vowel and glide (oj, ej, ov) as one Arabic long vowel that the glide writes:
    # Bojan, بويان; otherwise the vowels would have to be compared and the glide left out.
    for i in range(n - 1):
        if glides := _vowel_and_glide(a[i], a[i + 1]):
            for j, y in enumerate(b):
                if y.kind == "V" and y.arabic and glides & y.sounds:
                    twos[i, j].append((2, 1, _GLIDE, None))
    for j in range(m - 1):
        if glides := _vowel_and_glide(b[j], b[j + 1]):
            for i, x in enumerate(a):
                if x.kind == "V" and x.arabic and glides & x.sounds:
                    twos[i, j].append((1, 2, _GLIDE, None))
    cost = [[_INF] * (m + 1) for _ in range(n + 1)]
    soft = [[0.0] * (m + 1) for _ in range(n + 1)]
    hard = [[0] * (m + 1) for _ in range(n + 1)]
    back: list[list[_Back | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == _INF:
                continue
            moves: list[tuple[int, int, float, int, object]] = []
            # Two vowels between the same consonants are compared, never both left out
            # (محمود has a long u where Mohammad writes an a: they differ).
            both_vowels = vowel_a[i] and vowel_b[j]
            if i < n and not both_vowels:
                moves.append((1, 0, *out_a[i], None))
            if j < m and not both_vowels:
                moves.append((0, 1, *out_b[j], None))
            if i < n and j < m and (found := pairs[i][j]) is not None:
                moves.append((1, 1, *found))
            if twos:
                moves += [(di, dj, s, 0, how) for di, dj, s, how in twos.get((i, j), ())]
            for di, dj, s, h, how in moves:
                ti, tj = i + di, j + dj
                total = here + s + h * weight
                if total < cost[ti][tj] - 1e-9:
                    cost[ti][tj] = total
                    soft[ti][tj] = soft[i][j] + s
                    hard[ti][tj] = hard[i][j] + h
                    if trace:
                        back[ti][tj] = (di, dj, how)
    notes: list[Note] = []
    if trace:
        i, j = n, m
        while i or j:
            reached = back[i][j]
            assert reached is not None
            di, dj, how = reached
            i, j = i - di, j - dj
            notes[:0] = _notes(a[i:i + di], b[j:j + dj], how)
    return Alignment(round(soft[n][m], 6), hard[n][m], longest, tuple(dict.fromkeys(notes)))


def _vowel_and_glide(vowel: Unit, glide: Unit) -> frozenset[str]:
    """The Arabic letters (و, ي) that a Latin vowel then a Latin consonant may write as one
    long vowel (none if they cannot)."""
    if vowel.kind != "V" or vowel.arabic or glide.kind != "C" or glide.arabic:
        return frozenset()
    return frozenset(o.sounds[0] for o in glide.options
                     if len(o.sounds) == 1 and o.sounds[0] in "وي")


def _writes_two(unit: Unit) -> bool:
    """A Latin consonant with an option of two sounds (x: كس)."""
    return unit.kind == "C" and not unit.arabic and any(len(o.sounds) == 2
                                                         for o in unit.options)


def _left_out(unit: Unit, other: Reading, *, at_start: bool, at_end: bool
              ) -> tuple[float, int]:
    """The cost of `unit` having nothing in the other spelling (`at_start`, `at_end`: the
    unit begins or ends its word where the other word has a consonant)."""
    if unit.kind == "C":
        return (VOWEL / 2, 0) if unit.silent else (0.0, 1)
    same_script = bool(other) and other[0].arabic == unit.arabic
    if unit.kind in "WH":
        if same_script and unit.arabic:
            return VOWEL, 0
        # A first ع has a vowel in a Latin spelling (Imad, عماد; not Muath); a first alef
        # mostly does (Brahim, إبراهيم, in North African spellings).
        if at_start and unit.kind == "W":
            return (VOWEL if "ع" in unit.text else VOWEL / 2), 0
        # A final ة is written (Jamila, جميلة; Jamil is جميل).
        return (VOWEL if at_end and unit.arabic and unit.kind == "H" else 0.0), 0
    # A final vowel makes another name: ة of a woman's name (Nabil, Nabila), ي of a family's
    # (Jaafar, Jaafari); but French writes a silent e (Amine, أمين), and the و of عمرو is
    # not said (Amr).
    final = at_end and unit.text not in ("e", "و")
    if same_script:
        # A first vowel is a hamza or ع the other spelling lacks (Imad and Muath differ).
        return (VOWEL if unit.arabic or unit.long or at_start or final else VOWEL / 2), 0
    if unit.arabic:  # a long vowel the Latin spelling leaves out
        return (VOWEL if final else VOWEL / 2), 0
    if at_start or final:  # an Arabic word that starts with a consonant has no vowel before it
        return VOWEL, 0
    # A long vowel Arabic does not write: often English ee or oo for a short one (Ameena).
    return {False: 0.0, None: VOWEL / 4, True: 0.75 * VOWEL}[unit.long], 0


_PAIRS: dict[tuple[int, int], tuple[float, int, object] | None] = {}


def _paired(x: Unit, y: Unit) -> tuple[float, int, object] | None:
    """:func:`_pair`, remembered by the units' identity (units are interned: one instance
    each, kept for the life of the process)."""
    key = (id(x), id(y))
    found = _PAIRS.get(key, _PAIRS)
    if found is _PAIRS:
        found = _PAIRS[key] = _pair(x, y)
    return found  # type: ignore[return-value]


def _pair(x: Unit, y: Unit) -> tuple[float, int, object] | None:
    """The cost of `x` and `y` writing one thing (None: they cannot be aligned)."""
    if x.arabic and y.arabic:
        return _pair_arabic(x, y)
    if not x.arabic and not y.arabic:
        return _pair_latin(x, y)
    return _pair_across(y, x) if x.arabic else _pair_across(x, y)


def _pair_across(lat: Unit, ar: Unit) -> tuple[float, int, object] | None:
    if lat.kind == "C":
        if ar.kind == "W":
            return None
        found = [o for o in lat.options if len(o.sounds) == 1 and o.sounds[0] in ar.sounds]
        if found:
            best = min(found, key=lambda o: o.cost)
            return best.cost, 0, best
        return (0.0, 1, None) if ar.kind in "CH" else None
    if lat.kind == "V":
        if ar.kind == "W":  # ع or hamza: any vowel, but not a long i or u Arabic would write
            return (VOWEL if lat.marked else 0.0), 0, None
        if ar.kind in "VH":
            if lat.quality & ar.quality:
                return 0.0, 0, lat.entry
            # English u is often said a, which Arabic writes ا (Dunn, دان; Butler, باتلر).
            return (VOWEL / 2 if lat.text == "u" and ar.text == "ا" else VOWEL), 0, lat.entry
        return (_GLIDE, 0, None) if _glide(lat.quality, ar.sounds) else None
    if lat.kind == "W":
        return (0.0, 0, None) if ar.kind in "VW" else None
    return (0.0, 0, None) if ar.kind in "CH" and ar.sounds & {"ه", "ح"} else None


def _pair_latin(x: Unit, y: Unit) -> tuple[float, int, object] | None:
    if x.kind == "C" and y.kind == "C":
        pairs = [(ox.cost + oy.cost, (ox, oy)) for ox in x.options for oy in y.options
                 if ox.sounds == oy.sounds
                 and not (ox.entry.against_arabic or oy.entry.against_arabic)]
        if pairs:
            best = min(pairs, key=lambda p: p[0])
            return best[0], 0, best[1]
        return 0.0, 1, None
    if x.kind == "V" and y.kind == "V":
        either = None in (x.long, y.long)
        if x.quality & y.quality:
            return (0.0 if x.long == y.long or either else VOWEL / 4), 0, (x.entry, y.entry)
        short = x.long is False and y.long is False
        return (VOWEL / 4 if short else VOWEL / 2 if either else VOWEL), 0, None
    if {x.kind, y.kind} <= {"V", "W"} or x.kind == y.kind == "H":
        return 0.0, 0, None
    if {x.kind, y.kind} == {"C", "V"}:
        c, v = (x, y) if x.kind == "C" else (y, x)
        sounds = frozenset(o.sounds[0] for o in c.options if len(o.sounds) == 1)
        return (_GLIDE, 0, None) if _glide(v.quality, sounds) else None
    if {x.kind, y.kind} == {"C", "H"}:
        c = x if x.kind == "C" else y
        return (0.0, 0, None) if any(o.sounds == ("ه",) for o in c.options) else None
    return None


def _pair_arabic(x: Unit, y: Unit) -> tuple[float, int, object] | None:
    if x.kind in "CH" and y.kind in "CH":
        return (0.0, 0, None) if x.sounds & y.sounds else (0.0, 1, None)
    if x.kind == y.kind == "W":
        return 0.0, 0, None
    if x.kind == y.kind == "V":
        same = x.quality == y.quality and x.glottal == y.glottal
        return (0.0 if same else VOWEL), 0, None
    if {x.kind, y.kind} <= {"V", "W"}:
        return VOWEL, 0, None
    return None


def _glide(quality: frozenset[str], sounds: frozenset[str]) -> bool:
    """A vowel that may be written as the glide w or y."""
    return ("و" in sounds and "u" in quality) or ("ي" in sounds and "i" in quality)


def _two(unit: Unit, first: Unit, second: Unit) -> tuple[float, object] | None:
    """One Latin consonant writing two units of the other spelling (x as كس, th as ت then ه);
    the cost and the option used."""
    best: tuple[float, object] | None = None
    for option in unit.options:
        if len(option.sounds) != 2:
            continue
        cost = option.cost + _writes(first, option.sounds[0]) + _writes(second, option.sounds[1])
        if cost < _INF and (best is None or cost < best[0]):
            best = (cost, option)
    return best


def _writes(unit: Unit, sound: str) -> float:
    """The cost of `unit` writing `sound` (infinite if it cannot)."""
    if unit.arabic:
        return 0.0 if unit.kind != "W" and sound in unit.sounds else _INF
    costs = [o.cost for o in unit.options if o.sounds == (sound,)
             and not o.entry.against_arabic]  # two Latin spellings (see LatinLetters)
    return min(costs) if unit.kind == "C" and costs else _INF


def _notes(a: Reading, b: Reading, how: object) -> list[Note]:
    """The habits a step of the alignment used, worth saying."""
    if isinstance(how, Option):
        if not (how.entry.written or how.entry.habit):
            return []
        latin, other = (a, b) if len(a) == 1 and not a[0].arabic else (b, a)
        first, second = latin[0].text, "".join(u.text for u in other)
        sound = " ".join(how.sounds)
        across = other[0].arabic
        note = Note(first, second, sound, how.entry, across)
        return [note if latin is a else Note(second, first, sound, how.entry, across)]
    if isinstance(how, tuple) and len(how) == 2 and a and b and a[0].text != b[0].text:
        x, y = how
        if isinstance(x, Option) and isinstance(y, Option):
            noted = x.entry if (x.entry.habit or x.entry.written) else y.entry
            if noted.habit or noted.written:
                return [Note(a[0].text, b[0].text, " ".join(x.sounds), noted, False)]
        elif isinstance(x, LatinLetters) or isinstance(y, LatinLetters):
            entry = x if isinstance(x, LatinLetters) else y
            assert isinstance(entry, LatinLetters)
            vowels = a[0].quality & b[0].quality
            sound = _LETTER_OF[min(vowels)] if vowels else ""
            return [Note(a[0].text, b[0].text, sound, entry, False)] if entry.habit else []
    if isinstance(how, LatinLetters) and how.habit:
        lat, ar = (a[0], b[0]) if not a[0].arabic else (b[0], a[0])
        note = Note(lat.text, ar.text, ar.text, how, True)
        return [note if lat is a[0] else Note(ar.text, lat.text, ar.text, how, True)]
    return []
