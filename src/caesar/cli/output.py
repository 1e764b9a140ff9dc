"""Where the command line writes: JSON alone on stdout, people's messages and progress on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel
from rich.console import Console, ConsoleDimensions
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
from rich.text import Text

from caesar.progress import ProgressCallback

UNCUT_WIDTH = 10_000
"""Columns given to what is printed into a file or a pipe: wide enough that no table is cut."""


class _UncutConsole(Console):
    """A console that never cuts a table written to a file or a pipe.

    Rich takes the width of whichever standard stream is a terminal (so `caesar ... > file`
    typed in an 80-column terminal cut tables at 80), or `$COLUMNS`. Output that is not a
    terminal gets as many columns as its content needs instead.
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


err = _UncutConsole(stderr=True, highlight=False, soft_wrap=True)
out = _UncutConsole(highlight=False, soft_wrap=True)


def emit_json(data: BaseModel | list[Any] | dict[str, Any]) -> None:
    """Print exactly one JSON document on stdout."""

    def plain(value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value.model_dump(mode="json", exclude_none=False)
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    sys.stdout.write(json.dumps(plain(data), ensure_ascii=False, indent=2) + "\n")
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
def progress_bar(description: str) -> Iterator[ProgressCallback]:
    """A progress bar on stderr, driven through the services' progress callback."""
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _Rate(),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
        console=err, transient=False,
    )
    state: dict[str, Any] = {"task": None, "bytes": 0}

    def callback(event: str, files: int, nbytes: int) -> None:
        if event == "start":
            state["bytes"] = 0
            state["task"] = progress.add_task(description, total=files, bytes=0)
        elif state["task"] is not None:
            state["bytes"] += nbytes
            progress.update(state["task"], advance=files, bytes=state["bytes"])

    with progress:
        yield callback
