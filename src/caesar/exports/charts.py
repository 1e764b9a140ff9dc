"""Bar charts with bilingual titles (matplotlib, no display needed).

Matplotlib 3.11 shapes Arabic and lays it out right to left itself (earlier versions needed
arabic-reshaper and python-bidi); titles only need a face with Arabic glyphs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: never a window, never a display server

import matplotlib.pyplot as plt

# DejaVu Sans draws Latin and Arabic; Amiri (fonts-hosny-amiri) if it is missing.
_FONTS = ["DejaVu Sans", "Amiri"]


def bar_chart(labels: Sequence[str], values: Sequence[int], *, title_en: str, title_ar: str,
              path: Path) -> list[Path]:
    """Draw a bar chart; write `path`.png and `path`.svg and return both."""
    plt.rcParams["font.family"] = _FONTS
    plt.rcParams["svg.hashsalt"] = "caesar"  # the same chart gives the same file
    width = max(6.0, min(18.0, 0.45 * len(labels) + 2))
    figure, axes = plt.subplots(figsize=(width, 4.2), dpi=120)
    try:
        axes.bar(range(len(values)), values, color="#4a5d73")
        axes.set_xticks(range(len(labels)), labels, rotation=60 if len(labels) > 8 else 0,
                        ha="right" if len(labels) > 8 else "center", fontsize=8)
        axes.set_ylabel("cases / الحالات")
        axes.set_title(f"{title_en}\n{title_ar}", fontsize=11)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        written = [path.with_suffix(".png"), path.with_suffix(".svg")]
        for target in written:
            figure.savefig(target, metadata={"Date": None} if target.suffix == ".svg" else None)
        return written
    finally:
        plt.close(figure)
