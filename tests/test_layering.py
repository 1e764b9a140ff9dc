"""The architecture as drawn in docs/design.md: imports flow one way."""

from __future__ import annotations

import ast
from pathlib import Path

import caesar

SRC = Path(caesar.__file__).parent

# Lower layers never import higher ones. Within a layer, packages may use each other.
LAYERS: dict[str, int] = {
    "errors": 0, "settings": 0, "progress": 0, "faults": 0,
    "vault": 1, "catalog": 1, "ledger": 1,
    "intake": 2, "preservation": 2, "seal": 2, "forensics": 2, "cases": 2, "identify": 2,
    "exports": 2, "access": 2,
    "core": 3, "recovery": 3,
    "cli": 4, "web": 4, "demo": 4, "__main__": 4,
}


def _top(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "caesar" and len(parts) > 1 else None


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_every_package_has_a_layer() -> None:
    for path in SRC.iterdir():
        name = path.stem
        if path.name.startswith("_") and name != "__main__" or path.name == "py.typed":
            continue
        assert name in LAYERS, f"{name} has no place in the layering: add it to LAYERS"


def test_imports_flow_one_way() -> None:
    wrong = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "__init__.py":
            continue
        own = rel.parts[0].removesuffix(".py")
        for module in _imports(path):
            target = _top(module)
            if target is None or target == own:
                continue
            if LAYERS[target] > LAYERS[own]:
                wrong.append(f"{rel} imports {module}")
    assert wrong == []


def test_library_never_imports_the_faces() -> None:
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if LAYERS.get(rel.parts[0].removesuffix(".py"), 4) >= 4:
            continue
        for module in _imports(path):
            assert _top(module) not in {"cli", "web"}, f"{rel} imports {module}"
