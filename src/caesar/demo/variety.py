"""The variety of the synthetic material, as data: two tables that share nothing.

``SEEN`` is what the default collection (``caesar demo``, ``caesar demo generate``) draws
from; a reader may be tuned on it. ``HELD_OUT`` (``caesar demo generate OUT --held-out``,
``generate_collection(..., held_out=True)``) draws from other materials and card proportions,
other layouts, separators and labels, other fonts, other hands with other glyph forms, other
photographers' paces: what a reader tuned on ``SEEN`` has never met, as real photos would be.
``tests/demo/test_variety.py`` checks that no list of one appears in the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from caesar.demo.cards import ARABIC_INDIC_FONTS, WESTERN_FONTS
from caesar.demo.hands import Hand
from caesar.demo.layouts import Layout, Placement
from caesar.demo.materials import Material
from caesar.demo.vocab import NumberKind, Script
from caesar.demo.writing import LabelScript

Fonts = dict[str, str]  # font file name -> the Debian package that ships it


@dataclass(frozen=True)
class Pace:
    """A photographer's pace: seconds between photos of one body, and between bodies.

    The two never overlap for one photographer on one day (a day's factor scales both), but
    one photographer's pause between bodies may be shorter than another's between photos.
    """

    name: str
    within: tuple[float, float]
    between: tuple[float, float]


@dataclass(frozen=True)
class Variety:
    """Everything a collection may vary in how numbers are written and photographed."""

    name: Literal["seen", "held_out"]
    materials: tuple[Material, ...]
    material_weights: tuple[float, ...]
    layouts: tuple[Layout, ...]
    separators: tuple[str, ...]
    labels: dict[NumberKind, tuple[str, ...]]
    placements: dict[LabelScript, tuple[Placement, ...]]
    typeset_fonts: dict[Script, Fonts]
    handwriting_fonts: dict[Script, Fonts]
    label_fonts: dict[LabelScript, Fonts]
    hands: tuple[Hand, ...]
    paces: tuple[Pace, ...]
    writing_weights: tuple[float, float, float]  # typeset, handwriting-like face, hand
    labelled_share: float  # cases whose numbers carry labels
    illegible_share: float  # bodies whose numbers nobody can read in any photo
    absent_share: float  # cases where one number was never written (its label may stay)
    tilt: float  # how far a carrier may lean out of the picture's plane (perspective)
    occluded_share: float  # cases whose carrier is partly covered in some photos
    shadow_share: float  # cases whose carrier lies in uneven light
    jpeg_quality: tuple[int, int]
    blur: tuple[float, float]  # Gaussian radius of a carrier's blur, pixels at 1 MP

    def material(self, name: str) -> Material:
        """The material called ``name``."""
        return next(m for m in self.materials if m.name == name)

    def skin(self) -> Material:
        """The material of numbers written on the skin."""
        return next(m for m in self.materials if m.surface == "skin")


def _kinds(detainee: tuple[str, ...], branch: tuple[str, ...],
           forensic: tuple[str, ...]) -> dict[NumberKind, tuple[str, ...]]:
    return {"detainee": detainee, "branch": branch, "forensic": forensic}


D: NumberKind = "detainee"
B: NumberKind = "branch"
F: NumberKind = "forensic"

SEEN = Variety(
    name="seen",
    materials=(
        Material("white_card", "card", (1.25, 1.75), (42, 58), ((226, 220, 212), (243, 243, 240)),
                 "straight", 4),
        Material("masking_tape", "tape", (3.0, 4.5), (15, 20), ((196, 178, 140), (226, 210, 172)),
                 "tape_ends", 1),
        Material("skin_pale", "skin", (1.2, 1.6), (40, 54), ((206, 170, 140), (236, 208, 186)),
                 "soft", 3, ink_alpha=0.88),
    ),
    material_weights=(0.6, 0.25, 0.15),
    layouts=(
        Layout("three_lines", ((D,), (B,), (F,))),
        Layout("branch_first", ((B,), (D,), (F,))),
        Layout("forensic_second", ((D,), (F,), (B,))),
        Layout("pair_then_forensic", ((D, B), (F,))),
        Layout("one_line", ((D, B, F),)),
    ),
    separators=("/", "-", " "),
    labels=_kinds(("رقم", "No."), ("فرع", "Branch"), ("ط.ش", "Forensic")),
    placements={"arabic": ("before",), "latin": ("before",)},
    typeset_fonts={"western": WESTERN_FONTS, "arabic_indic": ARABIC_INDIC_FONTS},
    handwriting_fonts={
        "western": {"ComicNeue-Regular.otf": "fonts-comic-neue",
                    "ComicNeue-Bold.otf": "fonts-comic-neue",
                    "DancingScript-Regular.otf": "fonts-dancingscript",
                    "Humor-Sans.ttf": "fonts-humor-sans",
                    "dkg.ttf": "fonts-dkg-handwriting", "dkgBd.ttf": "fonts-dkg-handwriting",
                    "BecauseWeConnect-Regular.otf": "fonts-bwht",
                    "BecauseWeCreate-Regular.otf": "fonts-bwht",
                    "Breip.ttf": "fonts-breip"},
        "arabic_indic": {"KacstOne.ttf": "fonts-kacst-one",
                         "Lateef-Regular.ttf": "fonts-sil-lateef",
                         "Harmattan-Regular.ttf": "fonts-sil-harmattan",
                         "ae_Furat.ttf": "fonts-arabeyes", "ae_Nagham.ttf": "fonts-arabeyes",
                         "ae_Tholoth.ttf": "fonts-arabeyes"},
    },
    label_fonts={"arabic": {"KacstPen.ttf": "fonts-kacst", "ae_Nagham.ttf": "fonts-arabeyes"},
                 "latin": {"ComicNeue-Regular.otf": "fonts-comic-neue",
                           "DejaVuSans.ttf": "fonts-dejavu-core"}},
    hands=(
        Hand("steady_ballpoint", "upright", (0.06, 0.08), (-3, 6), 0.012, 0.05, 0.02,
             (0.06, 0.12), 0.05, 0.15, 0.0, 0.0),
        Hand("quick_felt_tip", "upright", (0.09, 0.12), (6, 16), 0.025, 0.1, 0.04,
             (0.03, 0.1), 0.12, 0.25, 0.12, 0.0),
        Hand("thick_marker", "upright", (0.13, 0.16), (-4, 4), 0.018, 0.07, 0.03,
             (0.08, 0.15), 0.05, 0.1, 0.2, 0.04),
    ),
    paces=(Pace("brisk", (3, 14), (55, 300)), Pace("steady", (10, 38), (150, 900)),
           Pace("slow", (35, 60), (180, 600))),
    writing_weights=(0.35, 0.25, 0.4),
    labelled_share=0.35,
    illegible_share=0.05,
    absent_share=0.03,
    tilt=0.12,
    occluded_share=0.1,
    shadow_share=0.25,
    jpeg_quality=(80, 95),
    blur=(0.3, 1.4),
)

HELD_OUT = Variety(
    name="held_out",
    materials=(
        Material("ivory_card", "card", (0.72, 1.15), (50, 66), ((222, 212, 180), (240, 232, 205)),
                 "rounded", 5),
        Material("lined_slip", "slip", (1.85, 2.7), (36, 50), ((228, 228, 222), (243, 243, 241)),
                 "straight", 3, ruled=True),
        Material("torn_slip", "slip", (1.85, 2.7), (34, 48), ((216, 214, 204), (240, 238, 232)),
                 "torn", 3),
        Material("duct_tape", "tape", (4.8, 7.0), (16, 22), ((125, 128, 132), (170, 172, 176)),
                 "tape_ends", 1),
        Material("medical_tape", "tape", (4.8, 7.0), (12, 16), ((226, 226, 222), (243, 243, 240)),
                 "tape_ends", 1),
        Material("skin_tan", "skin", (1.9, 2.6), (38, 52), ((150, 112, 82), (188, 148, 112)),
                 "soft", 3, ink_alpha=0.9),
    ),
    material_weights=(0.25, 0.2, 0.2, 0.12, 0.1, 0.13),
    layouts=(
        Layout("forensic_first", ((F,), (D,), (B,))),
        Layout("forensic_branch_detainee", ((F,), (B,), (D,))),
        Layout("branch_forensic_detainee", ((B,), (F,), (D,))),
        Layout("detainee_then_pair", ((D,), (B, F))),
        Layout("branch_pair_first", ((B, D), (F,))),
        Layout("forensic_over_pair", ((F,), (D, B))),
        Layout("one_line_branch_first", ((B, D, F),)),
        Layout("one_line_forensic_first", ((F, D, B),)),
    ),
    separators=(".", "\u060c", "|", ","),
    labels=_kinds(("رقم المعتقل", "Nr", "Det."), ("الفرع", "Br.", "Unit"),
                  ("تقرير", "Rep.", "FM")),
    placements={"arabic": ("above",), "latin": ("after", "above")},
    typeset_fonts={
        "western": {"GNUTypewriter.ttf": "fonts-gnutypewriter",
                    "Thabit.ttf": "fonts-hosny-thabit",
                    "Lemonada-Bold.otf": "fonts-lemonada", "FreeFarsi.ttf": "fonts-freefarsi"},
        "arabic_indic": {"Thabit.ttf": "fonts-hosny-thabit",
                         "Thabit-Bold.ttf": "fonts-hosny-thabit",
                         "FreeFarsi.ttf": "fonts-freefarsi", "ae_AlArabiya.ttf": "fonts-arabeyes",
                         "ae_Kayrawan.ttf": "fonts-arabeyes",
                         "PakType Naskh Basic.ttf": "fonts-paktype"},
    },
    handwriting_fonts={
        "western": {"KaushanScript-Regular.otf": "fonts-kaushanscript",
                    "Kristi.ttf": "fonts-kristi", "SteveHand.ttf": "fonts-sjfonts",
                    "Delphine.ttf": "fonts-sjfonts", "YuseiMagic-Regular.otf": "fonts-yusei-magic",
                    "Rufscript010.ttf": "fonts-rufscript",
                    "BecauseWeLearn-Regular.otf": "fonts-bwht",
                    "BecauseWeMentor-Regular.otf": "fonts-bwht",
                    "BecauseWeOrganize-Regular.otf": "fonts-bwht"},
        "arabic_indic": {"Alkalami-Regular.ttf": "fonts-sil-alkalami",
                         "Lemonada-Regular.otf": "fonts-lemonada",
                         "PakType Tehreer.ttf": "fonts-paktype", "ae_Dimnah.ttf": "fonts-arabeyes",
                         "ae_Nice.ttf": "fonts-arabeyes", "ae_Sindbad.ttf": "fonts-arabeyes"},
    },
    label_fonts={"arabic": {"ae_Dimnah.ttf": "fonts-arabeyes",
                            "Alkalami-Regular.ttf": "fonts-sil-alkalami"},
                 "latin": {"Rufscript010.ttf": "fonts-rufscript",
                           "SteveHand.ttf": "fonts-sjfonts"}},
    hands=(
        Hand("backhand_marker", "variant", (0.1, 0.13), (-16, -6), 0.03, 0.12, 0.05,
             (0.07, 0.14), 0.2, 0.3, 0.15, 0.08),
        Hand("shaky_pencil", "variant", (0.045, 0.06), (-2, 10), 0.04, 0.15, 0.06,
             (0.05, 0.16), 0.3, 0.4, 0.0, 0.12),
        Hand("cramped_fine_pen", "variant", (0.05, 0.07), (14, 24), 0.02, 0.08, 0.03,
             (-0.02, 0.03), 0.08, 0.2, 0.0, 0.0),
    ),
    paces=(Pace("unhurried", (45, 80), (240, 720)), Pace("rapid", (2, 12), (50, 200)),
           Pace("uneven", (6, 50), (200, 1000))),
    writing_weights=(0.2, 0.3, 0.5),
    labelled_share=0.45,
    illegible_share=0.07,
    absent_share=0.04,
    tilt=0.22,
    occluded_share=0.15,
    shadow_share=0.35,
    jpeg_quality=(60, 92),
    blur=(0.4, 1.8),
)

VARIETIES: dict[str, Variety] = {"seen": SEEN, "held_out": HELD_OUT}
