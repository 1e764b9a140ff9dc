"""`caesar cases review`: the numbers to read, one at a time, settled with one keystroke.

The terminal shows the region of the photo each number was read in (drawn with half-block
characters, two pixels to a character, in grays), what the software proposes and why it is
unsure. Enter accepts the proposal; typing the number (Western or Arabic-Indic digits) sets it;
`s` passes it by; `q` stops. Each number set is a case edit, logged like any; each region shown
is a logged view of the photo. A number set can settle another of its case (a value set as the
detainee's is not the forensic report's): the case's other numbers are weighed again before
they are shown, and those no longer unsure are not asked.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Annotated

import typer
from rich.style import Style
from rich.text import Text

from caesar.cases.vocabulary import UNSURE
from caesar.cli.context import archive_for
from caesar.cli.output import err, out

if TYPE_CHECKING:
    from caesar.cases.views import QueueItem
    from caesar.core import Archive

_SKIP, _STOP = "s", "q"
_KIND_WORDS = {"detainee": "detainee number", "branch": "branch number",
               "forensic": "forensic report number"}


def review(ctx: typer.Context,
           limit: Annotated[int, typer.Option(min=1, help="Stop after this many numbers.")]
           = 50,
           images: Annotated[bool, typer.Option(
               help="Show each number's region of the photo in the terminal (each is a"
                    " logged view).")] = True) -> None:
    """Read the numbers the software is unsure of, easiest first: Enter accepts the proposal,
    a typed number corrects it, s skips, q stops."""
    settled = skipped = 0
    # Each number is written as it is settled (the service holds the write lock for that
    # moment only): a person reading at their own pace must not hold off every other writer.
    with archive_for(ctx) as (archive, actor):
        changed: int | None = None  # the case whose number was just set
        for queued in archive.cases.queue()[:limit]:
            item: QueueItem | None = queued
            if queued.case == changed:  # weighed again with the number just set
                item = next((i for i in archive.cases.queue([queued.case])
                             if i.kind == queued.kind), None)
            if item is None:
                continue
            _show(archive, item, actor, images)
            proposed = item.proposal.digits if item.proposal and item.proposal.digits else ""
            hint = f"Enter accepts {proposed}, or type" if proposed else "Type"
            try:
                answer = typer.prompt(f"{hint} the number (s skips, q stops)", default="",
                                      show_default=False).strip()
            except typer.Abort:
                break  # input ended
            if answer.lower() == _STOP:
                break
            value = answer or proposed
            if answer.lower() == _SKIP or not value:
                skipped += 1
                continue
            archive.cases.edit(item.case, [(item.kind, value)], actor)
            changed = item.case
            settled += 1
            err.print(f"  case {item.case}: {_KIND_WORDS.get(item.kind, item.kind)} set.")
        left = len(archive.cases.queue())
    err.print(f"Set {settled} number(s), passed {skipped} by; {left} left to read.")


def _show(archive: Archive, item: QueueItem, actor: str, images: bool) -> None:
    out.print(f"\nCase {item.case}: {_KIND_WORDS.get(item.kind, item.kind)}"
              f" ({UNSURE.get(item.unsure, item.unsure)})")
    if item.proposal and item.proposal.why:
        out.print(f"  {item.proposal.why}")
    if item.proposal and item.proposal.candidates:
        out.print("  it may be " + ", ".join(item.proposal.candidates))
    for reading in item.evidence:
        out.print(f"  read as {reading.raw} ({reading.digits}), confidence"
                  f" {reading.confidence:.2f}, on the {reading.place}")
    if images and item.evidence:
        first = item.evidence[0]
        x0, y0, x1, y1 = first.box
        data = archive.access.viewer.show_region(first.sha256, (x0, y0, x1, y1), actor)
        out.print(half_blocks(data, min(72, out.width - 2)))


def half_blocks(jpeg: bytes, width: int) -> Text:
    """A grayscale image as terminal text: each character is two pixels, upper and lower
    half, in 24-bit colour (rich falls back to the nearest colours a terminal has)."""
    import numpy as np  # numpy and Pillow: only to draw a region
    from PIL import Image

    with Image.open(io.BytesIO(jpeg)) as image:
        grey = image.convert("L")
        height = max(2, round(grey.height * width / grey.width / 2) * 2)
        pixels = np.asarray(grey.resize((width, height), Image.Resampling.LANCZOS))
    text = Text()
    for y in range(0, height, 2):
        for x in range(width):
            top, bottom = int(pixels[y, x]), int(pixels[y + 1, x])
            text.append("▀", Style(color=f"rgb({top},{top},{top})",
                                   bgcolor=f"rgb({bottom},{bottom},{bottom})"))
        text.append("\n")
    return text
