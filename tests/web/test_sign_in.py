"""Signing in: passwords, one-time codes, sessions and their cookies, the limiter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
from fastapi.testclient import TestClient

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
    assert _post(site, client, name, password(name), "000000") == 401
    wrong = otp.at(datetime.now(UTC) - timedelta(minutes=5))
    assert _post(site, client, name, password(name), wrong) == 401
    code = site.fresh_code(name, site.secrets[name])
    assert _post(site, client, name, "not the password", code) == 401
    assert _post(site, client, name, password(name), code) == 303
    assert client.get("/api/me").json()["role"] == "admin"
    replay = site.client()
    assert _post(site, replay, name, password(name), code) == 401  # seen over a shoulder


def test_wrong_sign_ins_pause_the_account_then_the_place(site: Site) -> None:
    name = NAMES[Role.investigator]
    client = site.client("192.0.2.7")  # its own address: the pause must not touch other tests
    before = _count(site, FAILED_SIGN_IN)
    for _ in range(5):
        assert _post(site, client, name, "guess guess guess", "") == 401
    page = client.get("/login")
    token = csrf_of(page.text)
    paused = client.post("/login", data={"name": name, "password": password(name),
                                         "csrf_token": token})
    assert paused.status_code == 429 and int(paused.headers["retry-after"]) > 0
    assert "Too many failed sign-ins" in paused.text
    assert client.get("/api/me").status_code == 401
    assert _count(site, FAILED_SIGN_IN) - before == 5
    assert _count(site, RATE_LIMITED) >= 1
    # Another account from the same place still signs in, until the place has failed 20 times.
    other = NAMES[Role.archivist]
    assert _post(site, site.client("192.0.2.7"), other, password(other), "") == 303
    for attempt in range(15):
        assert _post(site, client, f"nobody-{attempt}", "guess guess guess", "") == 401
    assert _post(site, site.client("192.0.2.7"), other, password(other), "") == 429
    assert _post(site, site.client("192.0.2.8"), other, password(other), "") == 303


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
    with site.archive.writing():
        site.archive.access.accounts.set_disabled(name, True, actor="owner")
    assert client.get("/api/me").status_code == 401
    assert _post(site, site.client(), name, password(name), "") == 401
    with site.archive.writing():
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
