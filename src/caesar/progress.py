"""How long-running services report progress without knowing who is watching."""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[str, int, int], None]
"""Called with (event, files, bytes): `start` with the number of items, then `advance`."""


def from_counts(callback: ProgressCallback) -> Callable[[int, int], None]:
    """Adapt a progress callback to code that reports `(done, total)` as it goes."""
    last: int | None = None

    def counted(done: int, total: int) -> None:
        nonlocal last
        if last is None:
            callback("start", total, 0)
            last = 0
        callback("advance", done - last, 0)
        last = done

    return counted
