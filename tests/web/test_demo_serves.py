"""`caesar demo` ends by serving the demo archive, with its address and a demo sign-in."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import AbstractContextManager
from pathlib import Path

import httpx2
import pyotp
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
        printed = "".join(lines)
        assert "demo-admin (admin): password" in printed  # every demo login listed
        with signed_in_over_http(url, name, password) as client:
            assert client.get("/api/me").json()["role"] == "analyst"
        _walk_the_printed_path(url, printed)
    finally:
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) in (0, -signal.SIGINT, 130)


def _walk_the_printed_path(url: str, printed: str) -> None:
    """With the logins the demo printed: the case it names is ranked first for the report it
    names; one reviewer shortlists it (and may not confirm it), the other confirms it, the
    family liaison begins a disclosure and records the family's first answer."""
    logins = {name: (password, secret) for name, password, secret in re.findall(
        r"  (\S+) \(\w+\): password (\S+?)(?:, one-time codes from the secret (\w+))?\n",
        printed)}
    assert {"demo-reviewer-a", "demo-reviewer-b", "demo-investigator"} <= set(logins)
    found = re.search(r"1\. demo-liaison: Families' reports, report (\d+), .*: case (\d+) first",
                      printed)
    assert found, printed
    report, case = (int(x) for x in found.groups())

    def person(name: str) -> AbstractContextManager[httpx2.Client]:
        password, secret = logins[name]
        return signed_in_over_http(url, name, password,
                                   pyotp.TOTP(secret).now() if secret else "")

    def decide(client: httpx2.Client, action: str) -> httpx2.Response:
        return client.post(f"/api/reports/{report}/matches/{case}", json={"action": action},
                           headers={"x-csrf-token": client.get("/api/me").json()["csrf_token"]})

    with person("demo-liaison") as liaison:
        ranked = liaison.get(f"/api/reports/{report}/matches").json()["candidates"]
        assert ranked[0]["case"] == case and not ranked[0]["excluded"]
    with person("demo-reviewer-a") as first:
        assert decide(first, "shortlist").json()["status"] == "shortlisted"
        assert decide(first, "confirm").status_code == 409
    with person("demo-reviewer-b") as second:
        assert decide(second, "confirm").json()["status"] == "confirmed"
    with person("demo-liaison") as liaison:
        token = {"x-csrf-token": liaison.get("/api/me").json()["csrf_token"]}
        started = liaison.post("/api/disclosures", headers=token, json={
            "report": report, "case": case, "present": ["the mother", "demo-liaison"]})
        assert started.status_code == 200, started.text
        step = liaison.post(f"/api/disclosures/{started.json()['id']}/step", headers=token,
                            json={"step": "description", "consent": True})
        assert step.json()["reached"] == "description"
