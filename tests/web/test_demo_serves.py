"""`caesar demo` ends by serving the demo archive, with its address and a demo sign-in."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import free_port, signed_in_over_http

pytestmark = pytest.mark.slow


def test_the_demo_serves_and_its_printed_login_signs_in(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "CAESAR_PASSPHRASE": "demo passphrase", "PYTHONUNBUFFERED": "1"}
    demo = subprocess.Popen(
        [sys.executable, "-m", "caesar", "--archive", str(tmp_path / "demo"), "demo",
         "--cases", "2", "--kdf-cost", "test", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        env=env, text=True)
    try:
        lines = []
        assert demo.stdout is not None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            assert line, "the demo ended without serving:\n" + "".join(lines)
            lines.append(line)
            if "The web app is at" in line:
                break
        found = re.search(r"at (http://127\.0\.0\.1:\d+/) .* Sign in as (\S+) with the"
                          r" password (\S+)\.", lines[-1])
        assert found, lines[-1]
        url, name, password = found.groups()
        assert "demo-admin (admin): password" in "".join(lines)  # every demo login listed
        with signed_in_over_http(url, name, password) as client:
            assert client.get("/api/me").json()["role"] == "analyst"
    finally:
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) in (0, -signal.SIGINT, 130)
