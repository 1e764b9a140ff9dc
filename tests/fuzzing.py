"""Fuzzing with Hypothesis: a small budget that replays the same inputs on every run in the
suite, and a long, freshly random one with ``./setup.sh fuzz`` (``CAESAR_FUZZ=long``).

Every fuzz target is marked ``fuzz`` and decorated with :data:`fuzz`. What a target promises
is that hostile input ends in the project's own error (a :class:`caesar.errors.CaesarError`
naming the thing) or in a normal result; any other exception is a failure. Inputs that once
failed are kept as ``@example`` cases or files under ``tests/assets/fuzz/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ASSETS = Path(__file__).parent / "assets" / "fuzz"
LONG = os.environ.get("CAESAR_FUZZ") == "long"

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
          HealthCheck.function_scoped_fixture]
settings.register_profile("caesar-suite", max_examples=30, deadline=None, derandomize=True,
                          database=None, suppress_health_check=_QUIET, print_blob=True)
settings.register_profile(
    "caesar-long", max_examples=int(os.environ.get("CAESAR_FUZZ_EXAMPLES", "2000")),
    deadline=None, suppress_health_check=_QUIET, print_blob=True)

fuzz = settings(settings.get_profile("caesar-long" if LONG else "caesar-suite"))
"""The settings of every fuzz target: bounded and reproducible in the suite."""

mark = pytest.mark.fuzz


def found(name: str) -> bytes:
    """An input fuzzing once found, kept as a regression case."""
    return (ASSETS / name).read_bytes()


@st.composite
def mutated(draw: st.DrawFn, seeds: Callable[[], tuple[bytes, ...]]) -> bytes:
    """One of the files `seeds` makes (made only when a target first draws), with up to eight
    short runs of its bytes replaced, then cut short: damage as drives and transfers make it."""
    data = bytearray(draw(st.sampled_from(seeds())))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at:at + draw(st.integers(0, 8))] = draw(st.binary(max_size=8))
    cut = draw(st.integers(1, len(data)))
    return bytes(data[:cut])
