"""The fault-injection hook: a named moment fails exactly as the test asked, and only then."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

from caesar import faults

POINT = faults.declare("test.moment", "a point that only this test meets")


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
    with pytest.raises(OSError, match="injected at test.moment") as raised:
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
