"""The fault-injection hook: a named moment fails exactly as the test asked, and only then."""

from __future__ import annotations

import errno
import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

from caesar import faults

POINT = faults.declare("test.moment", "a point that only this test meets")
ROOT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def _fresh_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(faults, "_hits", faults.Counter())


def test_without_the_variable_a_point_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(faults.ENVIRONMENT, raising=False)
    faults.point(POINT)


@pytest.mark.parametrize(("action", "code"), [("eio", errno.EIO), ("enospc", errno.ENOSPC)])
def test_an_injected_disk_error_is_raised_at_the_named_moment(
        monkeypatch: pytest.MonkeyPatch, action: str, code: int) -> None:
    monkeypatch.setenv(faults.ENVIRONMENT, f"other.moment=eio,{POINT}={action}")
    with pytest.raises(OSError, match=r"injected at test\.moment") as raised:
        faults.point(POINT)
    assert raised.value.errno == code


def test_the_nth_meeting_is_the_one_that_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(faults.ENVIRONMENT, f"{POINT}@3=error")
    faults.point(POINT)
    faults.point(POINT)
    with pytest.raises(faults.InjectedFault):
        faults.point(POINT)
    faults.point(POINT)  # the fourth passes again


def test_an_undeclared_point_is_a_mistake_in_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(faults.ENVIRONMENT, "x=error")
    with pytest.raises(faults.InjectedFault, match="not declared"):
        faults.point("never.declared")


def test_kill_ends_the_process_there_and_nothing_after_runs() -> None:
    program = ("from caesar import faults\n"
               "faults.point(faults.declare('a', 'before'))\n"
               "print('before', flush=True)\n"
               "faults.point(faults.declare('b', 'after'))\n"
               "print('after', flush=True)\n")
    env = {**os.environ, faults.ENVIRONMENT: "b"}
    done = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode == -9
    assert done.stdout == "before\n"


def test_every_point_the_code_marks_is_documented_and_met_by_a_test() -> None:
    package = importlib.import_module("caesar")
    for found in pkgutil.walk_packages(package.__path__, "caesar."):
        if not found.name.endswith("__main__"):  # importing it runs the command line
            importlib.import_module(found.name)
    # Each point's name is held by a constant of the module that meets it (and of the modules
    # that import it, such as the S3 store, which meets the folder store's points); tests use
    # one of those.
    holders: dict[str, list[tuple[str, str]]] = {}
    for module in list(sys.modules.values()):
        if module is None or not module.__name__.startswith("caesar.") \
                or module.__name__ == "caesar.faults":
            continue
        for attribute, value in vars(module).items():
            if attribute.isupper() and isinstance(value, str) and value in faults.POINTS:
                holders.setdefault(value, []).append(
                    (module.__name__.rsplit(".", 1)[-1], attribute))
    marked = {name for name in faults.POINTS if not name.startswith("test.")}
    assert {"intake.object_durable", "intake.transaction", "store.commit", "store.read",
            "export.written"} <= marked <= set(holders)
    docs = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    tests = [p.read_text("utf-8") for p in (ROOT / "tests").rglob("*.py")
             if p.name != "test_faults.py"]
    for name in marked:
        assert f"`{name}`" in docs, f"{name} is not in docs/architecture.md"
        assert any(module in text and constant in text for text in tests
                   for module, constant in holders[name]), \
            f"no test meets {name} ({holders[name]})"
