"""A small evaluation set, made once per test session (the generator is deterministic)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from caesar.forensics.evalset.generate import EvalPhoto, generate


@lru_cache(maxsize=1)
def small_set() -> tuple[EvalPhoto, ...]:
    """Five cameras' originals and one copy of each kind of doctoring per camera."""
    return tuple(generate(per_camera=6, copies_per_kind=1, size=(384, 288), seed=7))


def write_set(photos: tuple[EvalPhoto, ...] | list[EvalPhoto], root: Path) -> dict[str, Path]:
    """The photos as files under `root` (doctored copies in a folder of their own)."""
    where = {}
    for photo in photos:
        path = root / photo.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(photo.data)
        where[photo.name] = path
    return where
