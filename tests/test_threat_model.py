"""docs/threat-model.md backs each "cannot" with a named test: every test it names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "threat-model.md"
CITED = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {node.name for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_test_the_threat_model_names_exists() -> None:
    cited = CITED.findall(PAGE.read_text("utf-8"))
    assert len(cited) > 40  # the page names its evidence, not a handful of it
    missing = [f"{file}::{name}" for file, name in cited
               if not (ROOT / file).is_file() or name not in _tests_in(ROOT / file)]
    assert missing == []


def test_every_cannot_is_backed_by_a_test_or_named_a_known_limit() -> None:
    # One bullet is one claim: a "cannot" in it names a test, or the bullet says what is not
    # defended.
    bullets = re.split(r"\n(?=- )", PAGE.read_text("utf-8"))
    unbacked = [b.split("\n")[0] for b in bullets
                if "**cannot**" in b and not CITED.search(b) and "Known limit" not in b]
    assert unbacked == []
