"""Named moments at which a test can make a command fail or die, on purpose.

Crash-safety is a promise about exact moments ("after an object is durable but before its row"),
and a test that kills a command on a timer only sometimes lands on them. Code that makes such a
promise marks the moment::

    faults.point("intake.object_durable")

and a test sets ``CAESAR_FAULT`` in the command's environment to pick the moment and what
happens there:

=================================  ========================================================
``CAESAR_FAULT=NAME``              the process is killed (SIGKILL) the first time NAME is met
``CAESAR_FAULT=NAME@3``            ... the third time
``CAESAR_FAULT=NAME=eio``          ``OSError(EIO)`` is raised there (a failing disk)
``CAESAR_FAULT=NAME=enospc``       ``OSError(ENOSPC)`` is raised there (a full disk)
``CAESAR_FAULT=NAME=error``        a :class:`InjectedFault` (a bug) is raised there
=================================  ========================================================

Several specs may be joined with ``,``. Without the variable a point costs one dictionary
lookup. :data:`POINTS` names every moment the code marks; a test checks that each is documented
and reached. The variable is read when a point is first met, so it works in worker processes.
"""

from __future__ import annotations

import errno
import os
import signal
from collections import Counter
from dataclasses import dataclass
from typing import Literal

Action = Literal["kill", "eio", "enospc", "error"]
ENVIRONMENT = "CAESAR_FAULT"

POINTS: dict[str, str] = {}
"""Every named moment, with what has happened and what has not when it is met."""


class InjectedFault(RuntimeError):
    """An error raised on purpose at a fault point (``=error``): stands for a bug."""


@dataclass(frozen=True)
class _Spec:
    name: str
    action: Action
    at: int


_hits: Counter[str] = Counter()
_parsed: tuple[str, tuple[_Spec, ...]] | None = None


def declare(name: str, meaning: str) -> str:
    """Register a fault point (at import time, beside the code that meets it); returns name."""
    POINTS[name] = meaning
    return name


def point(name: str) -> None:
    """Fail here if ``CAESAR_FAULT`` asks for it (see the module docstring); else nothing."""
    spec_text = os.environ.get(ENVIRONMENT)
    if not spec_text:
        return
    if name not in POINTS:
        raise InjectedFault(f"fault point {name!r} is not declared")
    _hits[name] += 1
    for spec in _specs(spec_text):
        if spec.name == name and spec.at == _hits[name]:
            _fire(spec)


def _specs(text: str) -> tuple[_Spec, ...]:
    global _parsed
    if _parsed is None or _parsed[0] != text:
        _parsed = (text, tuple(_parse(part.strip()) for part in text.split(",") if part.strip()))
    return _parsed[1]


def _parse(part: str) -> _Spec:
    name, _, action = part.partition("=")
    name, _, count = name.partition("@")
    chosen = action or "kill"
    if chosen not in ("kill", "eio", "enospc", "error"):
        raise InjectedFault(f"{ENVIRONMENT}: unknown action {chosen!r} in {part!r}")
    return _Spec(name, chosen, int(count) if count else 1)  # type: ignore[arg-type]


def _fire(spec: _Spec) -> None:
    if spec.action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if spec.action == "eio":
        raise OSError(errno.EIO, f"{os.strerror(errno.EIO)} (injected at {spec.name})")
    if spec.action == "enospc":
        raise OSError(errno.ENOSPC, f"{os.strerror(errno.ENOSPC)} (injected at {spec.name})")
    raise InjectedFault(f"injected fault at {spec.name}")
