"""The fixed words of case records: categories, photo roles, statuses and coded findings.

Findings follow the forensic categories that reports on these photos used (HRW, "If the Dead
Could Speak", 2015; the Minnesota Protocol's list of signs of torture and ill-treatment). They are
codes so that statistics count like with like; the notes field holds anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from caesar.cases.numbers import KINDS

READER_VERSION: Final[str] = "numbers-3"
"""Recorded with each photo's analysis; raise it when the number readers change what they find,
and `cases build` reads every photo again."""

CATEGORIES: Final[tuple[str, ...]] = (
    "detention_death", "other_death", "scene", "card_only", "unclear")
"""What a photo shows. The software suggests `detention_death` for photos grouped into a case
and `unclear` for the rest; analysts decide."""

NOT_A_CASE: Final[frozenset[str]] = frozenset({"other_death", "scene"})
"""Categories that keep a photo out of the cases once an analyst sets them."""

PHOTO_ROLES: Final[tuple[str, ...]] = ("card", "face", "body", "detail")
STATUSES: Final[tuple[str, ...]] = ("draft", "reviewed")
IDENTIFICATIONS: Final[tuple[str, ...]] = ("unidentified", "candidate", "identified")

FINDINGS: Final[dict[str, str]] = {
    "emaciation": "severe weight loss, visible ribs and bones (starvation)",
    "ligature_marks": "marks of binding or strangulation (neck, wrists, ankles)",
    "blunt_trauma": "bruising, lacerations or deformity from blows",
    "burns": "thermal, chemical or electrical burns",
    "gunshot": "entry or exit wounds of firearms",
    "eye_injuries": "injuries to or removal of the eyes",
    "sharp_force": "cuts and stab wounds",
    "skin_disease": "untreated infections, scabies, ulcers",
    "suspension_marks": "signs of suspension by the wrists or arms",
    "fractures": "visible fractures or dislocations",
    "genital_injuries": "injuries to the genitals",
    "teeth_removed": "teeth or nails forcibly removed",
}
"""Coded findings: code -> what it covers."""

# -- marks -------------------------------------------------------------------------------------
#
# A mark is a kind, usually a place on the body, and for some kinds a detail: what a tattoo
# shows, what operation a surgical scar is from, which tooth, which finger. Written
# "kind:location:detail", "kind:location", "kind::detail" (place unknown) or "kind" alone: the
# form `cases edit --set marks=...`, `missing add` and the web forms use (`caesar.cases.marks`
# reads and writes it). The detail is what makes a mark individualising: Interpol's DVI
# ante-mortem and post-mortem forms and ICMP record a tattoo's motif or text, which finger is
# missing, which tooth is gold, what a scar is from, because that is what a family remembers
# and what an analyst sees on a photo.


@dataclass(frozen=True)
class Words:
    """One term in English and in Arabic (for explanations, descriptions and the UI)."""

    en: str
    ar: str


MARK_KINDS: Final[tuple[str, ...]] = (
    "tattoo", "scar", "surgical_scar", "burn_scar", "birthmark", "mole",
    "missing_tooth", "gold_tooth", "missing_finger",
)
MARK_KIND_WORDS: Final[dict[str, Words]] = {
    "tattoo": Words("tattoo", "وشم"),
    "scar": Words("scar", "ندبة"),
    "surgical_scar": Words("surgical scar", "ندبة عملية جراحية"),
    "burn_scar": Words("burn scar", "أثر حرق"),
    "birthmark": Words("birthmark", "وحمة"),
    "mole": Words("mole", "شامة"),
    "missing_tooth": Words("missing tooth", "سن مفقودة"),
    "gold_tooth": Words("gold tooth", "سن ذهبية"),
    "missing_finger": Words("missing finger", "إصبع مفقودة"),
}
# Kinds rare or specific enough to single a person out once their detail is known (issue 8's
# "distinctive mark"); see `is_individualising`.
DISTINCTIVE_MARKS: Final[frozenset[str]] = frozenset(
    {"tattoo", "surgical_scar", "gold_tooth", "missing_finger"}
)

_SIDED_PARTS: Final[tuple[str, ...]] = (
    "shoulder", "upper_arm", "forearm", "hand", "thigh", "lower_leg", "foot")
BODY_LOCATIONS: Final[tuple[str, ...]] = (
    "head", "face", "neck", "chest", "abdomen", "back",
    *(f"{side}_{part}" for part in _SIDED_PARTS for side in ("left", "right")),
    "upper_teeth", "lower_teeth",
)
# Where each kind of mark can be; a kind not listed may be anywhere but the teeth.
MARK_LOCATIONS: Final[dict[str, tuple[str, ...]]] = {
    "missing_tooth": ("upper_teeth", "lower_teeth"),
    "gold_tooth": ("upper_teeth", "lower_teeth"),
    "missing_finger": ("left_hand", "right_hand"),
}

_PLACES_AR: Final[dict[str, str]] = {
    "head": "الرأس", "face": "الوجه", "neck": "الرقبة", "chest": "الصدر", "abdomen": "البطن",
    "back": "الظهر", "upper_teeth": "الأسنان العلوية", "lower_teeth": "الأسنان السفلية"}
# Arabic body parts with their grammatical gender, which "left" and "right" agree with.
_SIDED_AR: Final[dict[str, tuple[str, str]]] = {
    "shoulder": ("الكتف", "m"), "upper_arm": ("العضد", "m"), "forearm": ("الساعد", "m"),
    "hand": ("اليد", "f"), "thigh": ("الفخذ", "m"), "lower_leg": ("الساق", "f"),
    "foot": ("القدم", "f")}
_SIDE_AR: Final[dict[tuple[str, str], str]] = {
    ("left", "m"): "الأيسر", ("left", "f"): "اليسرى", ("right", "m"): "الأيمن",
    ("right", "f"): "اليمنى"}


def _place_ar(location: str) -> str:
    if location in _PLACES_AR:
        return _PLACES_AR[location]
    side, _, part = location.partition("_")
    word, gender = _SIDED_AR[part]
    return f"{word} {_SIDE_AR[(side, gender)]}"


PLACE_WORDS: Final[dict[str, Words]] = {
    loc: Words(loc.replace("_", " "), _place_ar(loc)) for loc in BODY_LOCATIONS}
"""Each body location in words ("left forearm", "الساعد الأيسر")."""

_TEETH: Final[dict[str, Words]] = {
    f"{side}_{tooth}": Words(f"{side} {en}", ar.format(side=_SIDE_AR[(side, gender)]))
    for tooth, en, ar, gender in (
        ("front", "front tooth", "السن الأمامية {side}", "f"),
        ("canine", "canine", "الناب {side}", "m"),
        ("premolar", "premolar", "الضاحك {side}", "m"),
        ("molar", "molar", "الضرس {side}", "m"))
    for side in ("left", "right")}
_FINGERS: Final[dict[str, Words]] = {
    code: words for finger, en, ar in (
        ("thumb", "thumb", "الإبهام"), ("index", "index finger", "السبابة"),
        ("middle", "middle finger", "الوسطى"), ("ring", "ring finger", "البنصر"),
        ("little", "little finger", "الخنصر"))
    for code, words in ((finger, Words(en, ar)),
                        (f"{finger}_tip", Words(f"tip of the {en}", f"طرف {ar}")))}

MARK_DETAILS: Final[dict[str, dict[str, Words]]] = {
    # What a tattoo shows: the motifs and texts families describe and DVI forms record.
    "tattoo": {
        "name": Words("a name", "اسم"),
        "initials": Words("initials", "أحرف أولى"),
        "date": Words("a date", "تاريخ"),
        "verse": Words("a verse or words", "آية أو عبارة"),
        "heart": Words("a heart", "قلب"),
        "rose": Words("a rose", "وردة"),
        "eagle": Words("an eagle", "نسر"),
        "dove": Words("a dove", "حمامة"),
        "lion": Words("a lion", "أسد"),
        "snake": Words("a snake", "أفعى"),
        "scorpion": Words("a scorpion", "عقرب"),
        "sword": Words("a sword", "سيف"),
        "dagger": Words("a dagger", "خنجر"),
        "star": Words("a star", "نجمة"),
        "crescent": Words("a crescent moon", "هلال"),
        "cross": Words("a cross", "صليب"),
        "map": Words("a map", "خريطة"),
        "anchor": Words("an anchor", "مرساة"),
        "dots": Words("dots", "نقاط"),
        "portrait": Words("a face or portrait", "وجه شخص"),
        "skull": Words("a skull", "جمجمة"),
    },
    # What operation a surgical scar is from.
    "surgical_scar": {
        "appendectomy": Words("an appendectomy", "استئصال الزائدة الدودية"),
        "hernia_repair": Words("a hernia repair", "إصلاح فتق"),
        "gallbladder": Words("gallbladder surgery", "استئصال المرارة"),
        "laparotomy": Words("an open abdominal operation", "فتح البطن"),
        "caesarean": Words("a caesarean section", "عملية قيصرية"),
        "kidney": Words("kidney surgery", "عملية في الكلية"),
        "sternotomy": Words("open-heart surgery", "عملية قلب مفتوح"),
        "thoracotomy": Words("chest surgery", "عملية في الصدر"),
        "thyroidectomy": Words("thyroid surgery", "عملية الغدة الدرقية"),
        "craniotomy": Words("head surgery", "عملية في الرأس"),
        "cleft_lip": Words("a cleft lip repair", "إصلاح الشفة المشقوقة"),
        "spine": Words("spine surgery", "عملية في العمود الفقري"),
        "bone_fixation": Words("surgery on a broken bone", "تثبيت كسر"),
        "tendon_repair": Words("a tendon repair", "إصلاح وتر"),
        "skin_graft": Words("a skin graft", "ترقيع جلد"),
    },
    # Which tooth, on the person's own left or right (the jaw is the mark's place).
    "gold_tooth": _TEETH,
    "missing_tooth": _TEETH,
    # Which finger, whole or only its tip (the hand is the mark's place).
    "missing_finger": _FINGERS,
}
"""Per kind, the details a mark may carry, each in words (English with its article). Kinds not
listed (scar, burn_scar, birthmark, mole) take no detail."""

DETAIL_PHRASES: Final[dict[str, Words]] = {
    "tattoo": Words("tattoo of {detail}", "وشم {detail}"),
    "surgical_scar": Words("surgical scar from {detail}", "ندبة عملية جراحية ({detail})"),
    "gold_tooth": Words("gold tooth ({detail})", "سن ذهبية ({detail})"),
    "missing_tooth": Words("missing tooth ({detail})", "سن مفقودة ({detail})"),
    "missing_finger": Words("missing finger ({detail})", "إصبع مفقودة ({detail})"),
}
"""How a kind and its detail are said together ("tattoo of an eagle")."""

DETAIL_NOUNS: Final[dict[str, Words]] = {
    "tattoo": Words("design", "الرسم"), "surgical_scar": Words("operation", "العملية"),
    "gold_tooth": Words("tooth", "السن"), "missing_tooth": Words("tooth", "السن"),
    "missing_finger": Words("finger", "الإصبع"),
}
"""What a kind's detail tells ("another design", "another finger")."""

_LIMBS: Final[tuple[str, ...]] = tuple(
    f"{side}_{part}" for part in _SIDED_PARTS for side in ("left", "right"))
USUAL_PLACES: Final[dict[str, tuple[str, ...]]] = {
    "appendectomy": ("abdomen",), "hernia_repair": ("abdomen",), "gallbladder": ("abdomen",),
    "laparotomy": ("abdomen",), "caesarean": ("abdomen",), "kidney": ("abdomen", "back"),
    "sternotomy": ("chest",), "thoracotomy": ("chest", "back"), "thyroidectomy": ("neck",),
    "craniotomy": ("head",), "cleft_lip": ("face",), "spine": ("back", "neck"),
    "bone_fixation": _LIMBS,
    "tendon_repair": tuple(loc for loc in _LIMBS if loc.endswith(
        ("_hand", "_forearm", "_foot", "_lower_leg"))),
    "skin_graft": tuple(loc for loc in BODY_LOCATIONS if not loc.endswith("_teeth")),
}
"""Where each operation leaves its scar (a form may offer these first; nothing is refused
elsewhere: people describe what they saw)."""


def details_for(kind: str) -> tuple[str, ...]:
    """The details a mark of this kind may carry (none for scars, moles, ...)."""
    return tuple(MARK_DETAILS.get(kind, ()))


def is_individualising(kind: str, detail: str | None, inscription: str | None = None) -> bool:
    """Whether a mark can single a person out: a distinctive kind *with* its detail, or a
    tattoo with what it says (a name, a date, initials, words).

    A tattoo is shared by one body in seven, a tattoo on the left forearm by about one in a
    hundred; a tattoo of an eagle there by one in a thousand or more, and a tattoo reading
    "Rania" there by one at most. Without its detail a distinctive kind is only as telling as
    its place.
    """
    return kind in DISTINCTIVE_MARKS and (detail is not None or inscription is not None)


def locations_for(kind: str) -> tuple[str, ...]:
    """The body locations a mark of this kind may have."""
    if kind in MARK_LOCATIONS:
        return MARK_LOCATIONS[kind]
    return tuple(loc for loc in BODY_LOCATIONS if not loc.endswith("_teeth"))


def mirror_location(location: str) -> str:
    """The same place on the other side of the body (left <-> right); others unchanged.

    Also mirrors a sided detail (``left_canine`` <-> ``right_canine``)."""
    if location.startswith("left_"):
        return "right_" + location[len("left_"):]
    if location.startswith("right_"):
        return "left_" + location[len("right_"):]
    return location

UNSURE: Final[dict[str, str]] = {
    "not_read": "not read in any photo",
    "ambiguous": "read, but which of the numbers it is cannot be told",
    "contradicted": "another photo reads it differently",
    "faint": "read faintly",
}
"""Why a number is in the review queue (`QueueItem.unsure`), in words for the command line."""

EDITABLE: Final[tuple[str, ...]] = (
    "sex", "age_min", "age_max", "height_cm", "hospital", "photographed_on", "marks", "findings",
    "clothing", "notes", "status", *KINDS)
"""The fields of `cases edit --set FIELD=VALUE`. Never `identification`: it follows the
review (a shortlisting makes a candidate, a second reviewer's confirmation an identification)."""
