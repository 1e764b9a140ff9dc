"""Access on every route: the declared table, every route x every role, refusals logged."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from unittest import mock

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from caesar.access import service as access_service
from caesar.access.roles import COMMAND_LINE_ONLY, PARTIAL, ROLE_PERMISSIONS, Permission, Role
from caesar.access.security import NO_SESSION
from caesar.access.service import utc_now
from caesar.web.gate import PUBLIC, routes, undeclared

from .conftest import NAMES, Site


def _denied_since(site: Site, first: int) -> list[dict[str, Any]]:
    """The `access.denied` entries from index `first` on, once every minute is settled."""
    site.archive.access.denials.settle(all_minutes=True)
    return [e.entry for e in site.archive.ledger.entries(first)
            if e.entry["type"] == "access.denied"]


def _path(site: Site, template: str) -> str:
    case = site.archive.case_index.all()[0]
    seeded = site.identification()
    values = {"case_id": str(case.id), "transfer_id": "1", "sha256": case.photos[0],
              "index": "0", "name": "caesar.css", "report_id": str(seeded.report),
              "session_id": str(seeded.session), "number": "1",
              "request_id": str(seeded.request),
              "photo_id": str(seeded.photo), "kind": "detainee"}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def _call(client: TestClient, method: str, path: str, csrf: str) -> Response:
    """The route with a valid CSRF token and an empty body: refused by the gate, or else
    refused by validation, but never a change (the bodies name nothing to change)."""
    if method == "GET":
        return client.get(path)
    if path.startswith("/api/"):
        return client.request(method, path, headers={"x-csrf-token": csrf}, json={})
    return client.request(method, path, data={"csrf_token": csrf})


def test_every_route_declares_what_it_needs(site: Site) -> None:
    assert undeclared(site.app) == []
    table = routes(site.app)
    assert len(table) > 30
    public = {(method, path) for method, path, need in table if need == PUBLIC}
    assert public == {("GET", "/login"), ("POST", "/login"), ("GET", "/static/{name}")}
    assert all(need == PUBLIC or isinstance(need, Permission) for _, _, need in table)
    used = {need for _, _, need in table if isinstance(need, Permission)}
    assert used | PARTIAL | COMMAND_LINE_ONLY == set(Permission), "a permission no route uses"
    assert not used & COMMAND_LINE_ONLY, "a route declares a command line's permission"


def test_a_route_without_a_declaration_is_refused_to_everyone(site: Site) -> None:
    def secret() -> dict[str, str]:
        return {"leak": "everything"}

    site.app.add_api_route("/api/undeclared", secret)
    try:
        assert undeclared(site.app) == ["GET /api/undeclared"]
        reply = site.as_role(Role.admin).get("/api/undeclared")
        assert reply.status_code == 403 and "everything" not in reply.text
    finally:
        site.app.router.routes.pop()
    assert undeclared(site.app) == []


def test_without_a_session_only_public_routes_answer(site: Site) -> None:
    client = site.client()
    before = _no_session_count(site)
    refused = 0
    for method, template, need in routes(site.app):
        path = _path(site, template)
        reply = _call(client, method, path, csrf="none")
        if need == PUBLIC:  # answered; a form posted without its token is refused (CSRF)
            assert reply.status_code == (200 if method == "GET" else 403), (method, path)
            continue
        refused += 1
        if path.startswith("/api/"):
            assert reply.status_code == 401, (method, path, reply.status_code)
            assert reply.json()["error"] == "Sign in to see this page."
        else:
            assert reply.status_code == 303 and reply.headers["location"].startswith(
                "/login?next="), (method, path)
    assert _no_session_count(site) - before == refused


def _no_session_count(site: Site) -> int:
    summary = site.archive.access.security.summary(utc_now().replace(year=2000))
    return sum(c.count for c in summary if c.kind == NO_SESSION)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_gets_exactly_what_the_table_declares(site: Site, role: Role) -> None:
    client = site.as_role(role)
    csrf = site.csrf(client)
    site.archive.access.denials.settle(all_minutes=True)
    first = site.archive.ledger.state().size
    outcomes: Counter[str] = Counter()
    table = sorted(routes(site.app), key=lambda r: r[1] == "/logout")  # signing out last
    for method, template, need in table:
        path = _path(site, template)
        reply = _call(client, method, path, csrf)
        allowed = need == PUBLIC or need in ROLE_PERMISSIONS[role]
        if allowed:
            assert reply.status_code not in (401, 403), (role, method, path, reply.status_code)
            assert reply.status_code < 500, (role, method, path, reply.text[:300])
        else:
            assert reply.status_code == 403, (role, method, path, reply.status_code)
        outcomes["allowed" if allowed else "refused"] += 1
    site.clients.pop(NAMES[role])  # signed out
    assert outcomes["allowed"] > 0
    denied = _denied_since(site, first)
    assert sum(e["details"]["count"] for e in denied) == outcomes["refused"]
    if role == Role.admin:
        assert outcomes["refused"] == 0


def test_a_flood_of_refusals_is_one_entry_with_its_count(site: Site) -> None:
    viewer = site.as_role(Role.viewer)
    site.archive.access.denials.settle(all_minutes=True)
    first = site.archive.ledger.state().size
    moment = utc_now().replace(second=5)
    with mock.patch.object(access_service, "utc_now", lambda: moment):
        for _ in range(50):  # within one minute, as a script would
            assert viewer.get("/api/admin/users").status_code == 403
        denied = _denied_since(site, first)
    assert len(denied) == 1
    assert denied[0]["details"]["count"] == 50
    assert denied[0]["details"]["route"] == "api.admin.users"
    assert any(a.user == NAMES[Role.viewer] and a.denials >= 50
               for a in site.archive.access.denials.alerts())


def test_repeated_refusals_raise_an_alert_on_the_admins_dashboard(site: Site) -> None:
    viewer = site.as_role(Role.viewer)
    for _ in range(5):
        assert viewer.get("/admin/users").status_code == 403
    alerts = site.archive.access.denials.alerts()
    assert [a.user for a in alerts if a.user == NAMES[Role.viewer]]
    dashboard = site.as_role(Role.admin).get("/")
    assert dashboard.status_code == 200
    assert f"{NAMES[Role.viewer]} (Viewer) was refused" in dashboard.text
    assert "was refused" not in viewer.get("/").text  # alerts are for administrators only
