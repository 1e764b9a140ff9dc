"""`caesar serve`: loopback only without TLS; workers share one socket and stop together."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Caesar

from caesar.access.roles import Role
from caesar.web.server import is_loopback

from .conftest import NAMES, Site, free_port, password, signed_in_over_http

pytestmark = pytest.mark.slow


def test_off_loopback_it_serves_only_over_tls(caesar: Caesar) -> None:
    run = caesar("serve", "--host", "0.0.0.0")
    assert run.exit_code == 2 and "in the clear" in run.stderr and "--tls-cert" in run.stderr
    half = caesar("serve", "--tls-cert", "cert.pem")
    assert half.exit_code == 2 and "both --tls-cert and --tls-key" in half.stderr
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("192.0.2.1") and not is_loopback("archive.example")


def test_workers_answer_together_and_stop_together(site: Site) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "caesar", "--archive", str(site.archive.path), "serve",
         "--port", str(port), "--workers", "2"],
        env={**os.environ, "CAESAR_PASSPHRASE": PASSPHRASE}, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        name = NAMES[Role.viewer]
        with signed_in_over_http(f"http://127.0.0.1:{port}", name, password(name)) as client:
            # Whichever worker answers, the session (kept in the catalogue) is known.
            for _ in range(20):
                assert client.get("/api/me").json()["name"] == name
        workers = _children(server.pid)
        assert len(workers) == 2
    finally:
        server.terminate()  # to the first process alone: it stops its workers
        assert server.wait(timeout=60) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            found.append(int(status.parent.name))
    return found
