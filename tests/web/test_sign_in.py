"""Signing in: passwords, one-time codes, sessions and their cookies, the throttle."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

import pyotp
from fastapi.testclient import TestClient

from caesar.access import service as access_service
from caesar.access.roles import Role
from caesar.access.security import FAILED_SIGN_IN, RATE_LIMITED
from caesar.access.service import utc_now
from caesar.access.sessions import Sessions

from .conftest import NAMES, Site, csrf_of, password


def _post(site: Site, client: TestClient, name: str, secret: str, code: str) -> int:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": secret, "code": code,
                                       "csrf_token": token}).status_code


def test_a_session_cookie_is_httponly_strict_and_expires(site: Site) -> None:
    client = site.client()
    token = csrf_of(client.get("/login").text)
    name = NAMES[Role.analyst]
    reply = client.post("/login", data={"name": name, "password": password(name),
                                        "csrf_token": token, "next": "/cases"})
    assert reply.status_code == 303 and reply.headers["location"] == "/cases"
    cookie = next(c for c in reply.headers.get_list("set-cookie")
                  if c.startswith("caesar_session="))
    attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")}
    assert {"httponly", "max-age", "path", "samesite"} <= attributes
    assert "samesite=strict" in cookie.lower() and "max-age=28800" in cookie.lower()
    assert "secure" not in attributes  # plain http on loopback: a browser would drop it
    assert client.get("/api/me").json()["name"] == name
    client.post("/logout", data={"csrf_token": site.csrf(client)})
    assert client.get("/api/me").status_code == 401


def test_over_tls_the_cookie_is_secure_and_transport_security_is_asked(site: Site) -> None:
    client = TestClient(site.app, base_url="https://archive.example", follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    name = NAMES[Role.viewer]
    reply = client.post("/login", data={"name": name, "password": password(name),
                                        "csrf_token": token})
    cookie = next(c for c in reply.headers.get_list("set-cookie")
                  if c.startswith("caesar_session="))
    assert "; secure" in cookie.lower()
    assert reply.headers["strict-transport-security"].startswith("max-age=")


def test_admins_need_a_one_time_code_used_only_once(site: Site) -> None:
    name = NAMES[Role.admin]
    otp = pyotp.TOTP(site.secrets[name])
    client = site.client()
    assert _post(site, client, name, password(name), "") == 401
    wrong = otp.at(datetime.now(UTC) - timedelta(minutes=5))
    assert _post(site, client, name, password(name), wrong) == 401
    code = site.fresh_code(name, site.secrets[name])
    assert _post(site, client, name, "not the password", code) == 401
    assert _post(site, client, name, password(name), code) == 303
    assert client.get("/api/me").json()["role"] == "admin"
    failed = _count(site, FAILED_SIGN_IN)
    replay = site.client()  # the same code again, seen over a shoulder or typed twice
    token = csrf_of(replay.get("/login").text)
    again = replay.post("/login", data={"name": name, "password": password(name), "code": code,
                                        "csrf_token": token})
    assert again.status_code == 401 and "already used" in again.text
    assert replay.get("/api/me").status_code == 401
    assert _count(site, FAILED_SIGN_IN) == failed  # said as such, not counted as a failure
    assert not [t for t in site.archive.access.throttle.list() if t.name == name]


@contextmanager
def _clock() -> Iterator[list[datetime]]:
    """The archive's clock, held still and moved on by the test (waits are never slept)."""
    now = [utc_now()]
    with mock.patch.object(access_service, "utc_now", lambda: now[0]):
        yield now


def _attempt(site: Site, name: str, secret: str, address: str) -> tuple[int, int]:
    """(status, retry-after) of one sign-in from `address`."""
    client = site.client(address)
    token = csrf_of(client.get("/login").text)
    reply = client.post("/login", data={"name": name, "password": secret, "csrf_token": token})
    return reply.status_code, int(reply.headers.get("retry-after", 0))


def test_failed_sign_ins_slow_an_account_down_more_each_time_up_to_a_cap(site: Site) -> None:
    name = NAMES[Role.investigator]
    with _clock() as now:
        # Guesses from many places (a botnet): only the account's own count slows them.
        waits = []
        for attempt in range(12):
            status, _ = _attempt(site, name, "guess guess guess", f"198.51.100.{attempt}")
            assert status == 401
            if attempt < 3:
                continue  # three are free (a right sign-in now would clear them)
            status, wait = _attempt(site, name, password(name), "198.51.100.200")
            assert status == 429, "the right password let in while the account waits"
            waits.append(wait)
            now[0] += timedelta(seconds=wait)
        assert waits[:4] == [5, 10, 20, 40]
        assert max(waits) == 300 and waits[-3:] == [300, 300, 300]  # a cap, not a lockout
        # Another account, from the very same place, is not touched.
        other = NAMES[Role.archivist]
        assert _attempt(site, other, password(other), "198.51.100.3")[0] == 303
        # Once its wait is over the person signs in, and that clears the account's count.
        assert _attempt(site, name, password(name), "198.51.100.201")[0] == 303
        assert _attempt(site, name, "guess guess guess", "198.51.100.202")[0] == 401
        assert _attempt(site, name, password(name), "198.51.100.202")[0] == 303


def test_a_guessing_place_waits_but_never_locks_the_team_out(site: Site) -> None:
    guesser, elsewhere = "192.0.2.7", "192.0.2.8"
    other = NAMES[Role.archivist]
    before = _count(site, FAILED_SIGN_IN)
    with _clock() as now:
        for attempt in range(10):  # made-up names: only the place's count grows
            assert _attempt(site, f"nobody-{attempt}", "guess guess guess", guesser)[0] == 401
        assert _attempt(site, other, password(other), guesser)[0] == 303  # ten are free
        waits = []
        for attempt in range(10, 40):
            status, wait = _attempt(site, f"nobody-{attempt}", "guess guess guess", guesser)
            if status == 429:
                waits.append(wait)
                now[0] += timedelta(seconds=wait)
        assert waits and max(waits) == 60  # the place waits a minute at most
        now[0] += timedelta(seconds=60)
        assert _attempt(site, "nobody-more", "guess guess guess", guesser)[0] == 401
        status, wait = _attempt(site, other, password(other), guesser)
        assert status == 429 and wait == 60
        assert _attempt(site, other, password(other), elsewhere)[0] == 303
        now[0] += timedelta(seconds=wait)
        assert _attempt(site, other, password(other), guesser)[0] == 303  # never locked out
    assert _count(site, FAILED_SIGN_IN) - before >= 10
    assert _count(site, RATE_LIMITED) >= 1


def test_an_administrator_sees_and_clears_a_throttle(site: Site) -> None:
    name = NAMES[Role.family_liaison]
    for attempt in range(4):  # the fourth makes the account wait
        assert _attempt(site, name, "guess guess guess", f"203.0.113.{attempt}")[0] == 401
    assert _attempt(site, name, password(name), "203.0.113.9")[0] == 429
    admin = site.as_role(Role.admin)
    shown = admin.get("/api/admin/security").json()["throttles"]
    mine = next(t for t in shown if t["kind"] == "account" and t["name"] == name)
    assert mine["failures"] == 4 and mine["wait"] > 0
    assert name in admin.get("/admin/security").text
    viewer = site.as_role(Role.viewer)
    refused = viewer.post("/api/admin/throttles/clear", json={"kind": "account", "name": name},
                          headers={"x-csrf-token": site.csrf(viewer)})
    assert refused.status_code == 403
    cleared = admin.post("/api/admin/throttles/clear", json={"kind": "account", "name": name},
                         headers={"x-csrf-token": site.csrf(admin)})
    assert cleared.status_code == 200 and cleared.json() == {"cleared": True}
    assert _attempt(site, name, password(name), "203.0.113.9")[0] == 303
    entries = site.archive.ledger.entries()
    assert [e.entry["type"] for e in entries].count("user.unthrottled") == 1


def _count(site: Site, kind: str) -> int:
    summary = site.archive.access.security.summary(utc_now() - timedelta(hours=1))
    return sum(c.count for c in summary if c.kind == kind)


def test_an_unknown_name_fails_like_a_wrong_password(site: Site) -> None:
    client = site.client()
    assert _post(site, client, "nobody-at-all", "long enough password", "") == 401
    page = client.get("/login?next=/cases")
    assert "nobody" not in page.text


def test_disabling_an_account_ends_its_sessions(site: Site) -> None:
    name = NAMES[Role.family_liaison]
    client = site.as_role(Role.family_liaison)
    assert client.get("/api/me").status_code == 200
    site.archive.access.accounts.set_disabled(name, True, actor="owner")
    assert client.get("/api/me").status_code == 401
    assert _post(site, site.client(), name, password(name), "") == 401
    site.archive.access.accounts.set_disabled(name, False, actor="owner")
    assert _post(site, site.client(), name, password(name), "") == 303
    site.clients.pop(name)


def test_sessions_end_when_idle_and_after_their_lifetime(site: Site) -> None:
    now = [utc_now()]
    sessions = Sessions(site.archive.catalog, lambda: now[0], idle=timedelta(minutes=30),
                        lifetime=timedelta(hours=8))
    user = site.archive.access.accounts.get(NAMES[Role.viewer])
    idle = sessions.start(user.id)
    now[0] += timedelta(minutes=29)
    assert sessions.resolve(idle) is not None  # seen: idle time starts again
    now[0] += timedelta(minutes=29)
    assert sessions.resolve(idle) is not None
    now[0] += timedelta(minutes=31)
    assert sessions.resolve(idle) is None
    busy = sessions.start(user.id)
    lived = timedelta(0)
    while sessions.resolve(busy) is not None and lived < timedelta(days=1):
        now[0] += timedelta(minutes=29)  # active all day, never idle
        lived += timedelta(minutes=29)
    assert timedelta(hours=7, minutes=31) <= lived <= timedelta(hours=8, minutes=29)
