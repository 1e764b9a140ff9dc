"""`--limit` and `--offset`, shared by the list commands: a long list read a page at a time
(the default stays the whole list)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, TypeVar

import typer

T = TypeVar("T")

LimitOption = Annotated[int | None, typer.Option(
    "--limit", min=1, show_default=False,
    help="Show at most this many (default: all of them).")]
OffsetOption = Annotated[int, typer.Option(
    "--offset", min=0, help="Skip this many first; with --limit, pages through the list in its"
    " usual order.")]


def page(items: Sequence[T], limit: int | None, offset: int) -> list[T]:
    """The part of `items` that --limit and --offset select."""
    return list(items[offset:None if limit is None else offset + limit])
