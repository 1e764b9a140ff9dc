"""Where the command line writes: JSON alone on stdout, people's messages and progress on stderr.

What reaches a terminal is shown, never obeyed: a file name, a report's field or a reason
carrying escape sequences (ESC[2J clears the screen), other control characters or
bidirectional overrides (U+202E turns the rest of a line around) is printed with those
characters as visible escapes (``\\x1b``, ``\\u202e``), and rich's markup and emoji codes are
off, so ``[/]`` or ``:skull:`` in a name is printed as written. The JSON keeps the exact bytes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Final

from pydantic import BaseModel
from rich.console import Console, ConsoleDimensions, ConsoleOptions, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from caesar.names import SHOWN_SURROGATES, json_text
from caesar.progress import ProgressCallback

UNCUT_WIDTH = 10_000
"""Columns given to what is printed into a file or a pipe: wide enough that no table is cut."""

# Bidirectional formatting characters (marks, embeddings, overrides, isolates) and the line
# and paragraph separators: each can move or hide what follows it on a screen.
_BIDI: Final = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                0x2028, 0x2029)


def _escapes(*, lines: bool) -> dict[int, str]:
    table = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F)}
    table.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
    table.update({c: f"\\u{c:04x}" for c in (*range(0x80, 0xA0), *_BIDI)})
    # A name's undecodable bytes arrive as surrogate escapes: shown as the byte, as on pages.
    table.update(SHOWN_SURROGATES)
    if lines:
        del table[ord("\n")], table[ord("\t")]
    return table


_NAME_ESCAPES: Final = _escapes(lines=False)
_TEXT_ESCAPES: Final = _escapes(lines=True)


def visible(text: str, *, lines: bool = False) -> str:
    """`text` with control characters, bidirectional overrides and undecodable bytes written
    as visible escapes; with `lines`, newlines and tabs are kept (a message's own layout).

    A name or path should be printed with ``lines=False``, so that a newline in it cannot
    forge a line of the summary."""
    return text.translate(_TEXT_ESCAPES if lines else _NAME_ESCAPES)


class _Screen(Console):
    """A console that shows control characters instead of obeying them: strings are escaped
    before they are measured (tables keep their columns), and every segment again before it
    is written (a `Text` made elsewhere, a progress bar's fields).

    It never cuts a table written to a file or a pipe: Rich takes the width of whichever
    standard stream is a terminal (so `caesar ... > file` typed in an 80-column terminal cut
    tables at 80), or `$COLUMNS`; output that is not a terminal gets as many columns as its
    content needs instead.
    """

    @property
    def size(self) -> ConsoleDimensions:
        measured = super().size
        if self.is_terminal:
            return measured
        return ConsoleDimensions(UNCUT_WIDTH, measured.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(visible(text, lines=True), **options)

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None
               ) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control:  # the console's own cursor moves (a live progress bar)
                yield segment
            else:
                style: Style | None = segment.style
                yield Segment(visible(segment.text, lines=True), style)


err = _Screen(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
out = _Screen(highlight=False, soft_wrap=True, markup=False, emoji=False)


def emit_json(data: BaseModel | list[Any] | dict[str, Any]) -> None:
    """Print exactly one JSON document on stdout."""

    def plain(value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value.model_dump(mode="json", exclude_none=False)
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    sys.stdout.write(json_text(plain(data), indent=2) + "\n")
    sys.stdout.flush()


class _Rate(ProgressColumn):
    """Files per second and megabytes per second."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        if not elapsed:
            return Text("")
        files = task.completed / elapsed
        megabytes = task.fields.get("bytes", 0) / elapsed / 1e6
        return Text(f"{files:,.0f} files/s  {megabytes:,.0f} MB/s", style="progress.data.speed")


@contextmanager
def progress_bar(description: str, *, stages: dict[str, str] | None = None,
                 told: Callable[[str, int, int], str | None] | None = None
                 ) -> Iterator[ProgressCallback]:
    """A progress bar on stderr, driven through the services' progress callback.

    Each `start` begins a bar named `description`; after an event named in `stages`, bars are
    named as it says there (a command with stages: securing, then analysing). Any event other
    than `start` and `advance` is also given to `told`, and the line it returns, if any, is
    printed above the bars.
    """
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _Rate(),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
        console=err, transient=False,
    )
    state: dict[str, Any] = {"task": None, "bytes": 0, "name": description}

    def callback(event: str, files: int, nbytes: int) -> None:
        if event == "start":
            state["bytes"] = 0
            state["task"] = progress.add_task(state["name"], total=files, bytes=0)
        elif event == "advance":
            if state["task"] is not None:
                state["bytes"] += nbytes
                progress.update(state["task"], advance=files, bytes=state["bytes"])
        else:
            state["name"] = (stages or {}).get(event, state["name"])
            if told is not None and (line := told(event, files, nbytes)):
                progress.console.print(line)

    with progress:
        yield callback
