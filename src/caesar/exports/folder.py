"""The folder an export writes into (DESIGN.md: it must not exist yet, or be empty)."""

from __future__ import annotations

from pathlib import Path

from caesar.errors import UsageError


def prepare(out: Path) -> Path:
    """Create `out`, or accept it empty; refuse anything else before writing a byte."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"{out} exists and is not a folder.",
                         hint="Give --out a new folder, or an empty one. Nothing was written.")
    if out.is_dir() and any(out.iterdir()):
        raise UsageError(f"{out} is not empty.",
                         hint="Give --out a new folder, or an empty one, so that an export never"
                         " mixes with other files. Nothing was written.")
    out.mkdir(parents=True, exist_ok=True)
    return out
