"""The architecture as drawn in docs/design.md: imports flow one way, with no cycle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import caesar

SRC = Path(caesar.__file__).parent

# From the top down. A module may import its own package and anything in a lower row; names in
# one row are siblings that never import each other. Every import counts, including those made
# inside a function or only for type checking.
LAYERS: tuple[tuple[str, ...], ...] = (
    # faces
    ("__main__",),
    ("cli",),
    ("web", "demo"),
    # the core
    ("recovery",),
    ("core",),
    # services, in their stated order: preservation keeps every store of the archive (the
    # families' photos, held packages) whole; exports may use identify, cases and access;
    # identify may use cases and access; never the reverse
    ("preservation",),
    ("exports",),
    ("identify", "forensics"),
    ("cases", "access"),
    # intake, and the field's sealed bundles below it
    ("intake",),
    ("seal",),
    # storage
    ("ledger",),
    ("catalog", "vault"),
    # base
    ("settings", "progress", "files", "sources", "names", "locking", "compute", "media"),
    ("camera_raw",),
    ("faults",),
    ("errors",),
)
ROW = {name: row for row, names in enumerate(LAYERS) for name in names}
FACES = {"__main__", "cli", "web", "demo"}


def _module(path: Path) -> str:
    parts = ["caesar", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path): path for path in SRC.rglob("*.py")}


def _imports(path: Path) -> Iterator[str]:
    """Every caesar module `path` imports (`from caesar import faults` is caesar.faults)."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "caesar")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "caesar":
                continue
            for alias in node.names:
                whole = f"{node.module}.{alias.name}"
                yield whole if whole in MODULES else node.module


def _top(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None  # None: the package itself (its __version__)


GRAPH = {module: set(_imports(path)) for module, path in MODULES.items()}


def test_every_package_has_a_row_and_every_row_exists() -> None:
    present = {path.stem for path in SRC.iterdir()
               if path.suffix == ".py" or any(path.rglob("*.py"))} - {"__init__"}
    assert sorted(present - ROW.keys()) == [], "add these to LAYERS"
    assert sorted(ROW.keys() - present) == [], "LAYERS names what does not exist"


def test_imports_flow_down_only() -> None:
    wrong = []
    for module, imported in GRAPH.items():
        own = _top(module)
        for target in imported:
            top = _top(target)
            if own is None or top is None or top == own:
                continue
            if ROW[top] <= ROW[own]:
                wrong.append(f"{module} imports {target}")
    assert sorted(wrong) == []


def test_no_module_imports_itself_through_others() -> None:
    """No cycle between files (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in GRAPH[module]:
            if target not in GRAPH or target == "caesar":
                continue
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = [stack.pop()]
            while component[-1] != module:
                component.append(stack.pop())
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            visit(module)
    assert cycles == []


@pytest.mark.parametrize("package", sorted(ROW.keys() - FACES))
def test_the_library_never_imports_a_face(package: str) -> None:
    wrong = [f"{module} imports {target}" for module, imported in GRAPH.items()
             if _top(module) == package for target in imported if _top(target) in FACES]
    assert wrong == []
