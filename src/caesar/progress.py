"""How long-running services report progress without knowing who is watching."""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[str, int, int], None]
"""Called with (event, files, bytes): `start` with the number of items, then `advance`."""
