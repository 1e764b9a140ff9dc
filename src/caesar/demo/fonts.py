"""Font files for the synthetic writing: found on disk by name, checked for the glyphs needed.

Fonts come from Debian packages under ``/usr/share/fonts``, never downloaded. Each list of fonts
the generator uses is a dict of file name -> the Debian package that ships it, so that a
missing font can be named with the package to install.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

from caesar.demo.vocab import ARABIC_INDIC_DIGITS, WESTERN_DIGITS, Script
from caesar.errors import CaesarError

FONT_ROOTS: tuple[Path, ...] = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


class FontsMissing(CaesarError):
    """No installed font can draw the digits a card needs."""


def digits_of(script: Script) -> str:
    """The ten digits of ``script``."""
    return ARABIC_INDIC_DIGITS if script == "arabic_indic" else WESTERN_DIGITS


def covers(path: Path, text: str) -> bool:
    """Whether the font at ``path`` draws every character of ``text`` with a glyph of its own."""
    # A font lacking a glyph draws its .notdef box; compare each character with an unassigned
    # private-use character and require distinct glyphs.
    try:
        font = ImageFont.truetype(str(path), 32, layout_engine=ImageFont.Layout.BASIC)
    except OSError:
        return False

    def glyph(ch: str) -> tuple[tuple[int, int], bytes]:
        mask = font.getmask(ch)
        return mask.size, bytes(mask)

    missing = glyph("\ue000")
    chars = sorted(set(text) - {" "})
    shapes = [glyph(ch) for ch in chars]
    return all(s != missing and s[0][0] > 0 for s in shapes) and len(set(shapes)) == len(chars)


@cache
def find_fonts(wanted: tuple[tuple[str, str], ...], text: str, what: str,
               roots: tuple[Path, ...] = FONT_ROOTS) -> tuple[Path, ...]:
    """The installed files among ``wanted`` ((file name, package) pairs) that draw ``text``.

    In the order wanted. Raises :class:`FontsMissing`, naming the Debian packages to install,
    when there is none; ``what`` says what the fonts were for.
    """
    names = dict(wanted)
    found: dict[str, Path] = {}
    for root in roots:
        if root.is_dir():
            for path in sorted(root.rglob("*.[ot]tf")):
                if path.name in names and path.name not in found:
                    found[path.name] = path
    fonts = tuple(found[name] for name in names if name in found and covers(found[name], text))
    if not fonts:
        packages = " ".join(sorted(set(names.values())))
        raise FontsMissing(f"no installed font can write {what}",
                           hint=f"install fonts with: apt-get install -y {packages}")
    return fonts


@lru_cache(maxsize=512)
def font_at(path: str, size: int) -> ImageFont.FreeTypeFont:
    """The font at ``path`` in ``size`` points, laid out left to right glyph by glyph."""
    # The basic layout engine draws digit strings left to right (as Arabic-Indic numbers are
    # read) and gives the same pixels whether or not libraqm is installed.
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=64)
def ink_height(path: str, script: Script) -> float:
    """Digit height per point of font size."""
    # Faces differ widely (Kacst digits are small for their size), and cards should carry
    # numbers of a similar visible height in any face.
    _left, top, _right, bottom = font_at(path, 100).getbbox(digits_of(script))
    return max(1, bottom - top) / 100
