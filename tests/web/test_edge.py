"""The edge: CSRF on every unsafe request, security headers on every response, no leaks."""

from __future__ import annotations

import pytest

from caesar.access.roles import Role
from caesar.web.edge import CSP
from caesar.web.gate import PUBLIC, requires

from .conftest import Site, csrf_of, shown_of


def test_a_form_posted_without_its_token_is_refused(site: Site) -> None:
    analyst = site.as_role(Role.analyst)
    case = site.archive.case_index.all()[0]
    before = site.archive.cases.show(case.id).notes
    page = analyst.get(f"/cases/{case.id}/edit")
    token = csrf_of(page.text)
    for data in ({"notes": "changed"}, {"notes": "changed", "csrf_token": "forged"},
                 {"notes": "changed", "csrf_token": token + "x"}):
        refused = analyst.post(f"/cases/{case.id}/edit", data=data)
        assert refused.status_code == 403
        assert "This form has expired" in refused.text
    foreign = analyst.post(f"/cases/{case.id}/edit", data={"notes": "x", "csrf_token": token},
                           headers={"origin": "https://elsewhere.example"})
    assert foreign.status_code == 403
    assert site.archive.cases.show(case.id).notes == before
    saved = analyst.post(f"/cases/{case.id}/edit", data={"notes": "changed", "csrf_token": token,
                                                         "shown": shown_of(page.text)})
    assert saved.status_code == 303
    assert site.archive.cases.show(case.id).notes == "changed"


def test_the_api_needs_the_token_in_a_header(site: Site) -> None:
    analyst = site.as_role(Role.analyst)
    case = site.archive.case_index.all()[0]
    body = {"set": {"clothing": "grey shirt"}}
    assert analyst.post(f"/api/cases/{case.id}/edit", json=body).status_code == 403
    ok = analyst.post(f"/api/cases/{case.id}/edit", json=body,
                      headers={"x-csrf-token": site.csrf(analyst)})
    assert ok.status_code == 200 and ok.json()["clothing"] == "grey shirt"


def test_signing_in_needs_the_sign_in_forms_token(site: Site) -> None:
    client = site.client()
    reply = client.post("/login", data={"name": "rania", "password": "whatever it is"})
    assert reply.status_code == 403


@pytest.mark.parametrize("path", ["/", "/cases", "/api/cases", "/login", "/static/caesar.css",
                                  "/no/such/page", "/api/no/such/thing"])
def test_every_response_carries_the_security_headers(site: Site, path: str) -> None:
    client = site.as_role(Role.analyst) if path != "/login" else site.client()
    _check_headers(client.get(path).headers)


def test_an_image_carries_them_too_and_is_never_cached(site: Site) -> None:
    case = site.archive.case_index.all()[0]
    reply = site.as_role(Role.analyst).get(f"/photos/{case.photos[0]}/image")
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/jpeg"
    _check_headers(reply.headers)


def _check_headers(headers: object) -> None:
    assert headers["content-security-policy"] == CSP  # type: ignore[index]
    assert "default-src 'none'" in CSP and "frame-ancestors 'none'" in CSP
    assert "unsafe-inline" not in CSP and "script-src" not in CSP
    assert headers["referrer-policy"] == "no-referrer"  # type: ignore[index]
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["x-frame-options"] == "DENY"  # type: ignore[index]
    assert headers["cache-control"] == "no-store"  # type: ignore[index]
    assert "server" not in headers  # type: ignore[operator]


def test_an_unexpected_error_shows_no_trace_and_keeps_the_headers(site: Site) -> None:
    @requires(PUBLIC)
    def broken() -> None:
        raise RuntimeError("secret detail /srv/archive passphrase=hunter2")

    site.app.add_api_route("/broken", broken)
    site.app.add_api_route("/api/broken", broken)
    try:
        client = site.client()
        client_no_raise = type(client)(site.app, raise_server_exceptions=False)
        for path in ("/broken", "/api/broken"):
            reply = client_no_raise.get(path)
            assert reply.status_code == 500
            assert "hunter2" not in reply.text and "Traceback" not in reply.text
            assert "Something went wrong on the server" in reply.text
            _check_headers(reply.headers)
    finally:
        del site.app.router.routes[-2:]


def test_a_bad_request_gets_a_clear_message_and_changes_nothing(site: Site) -> None:
    analyst = site.as_role(Role.analyst)
    case = site.archive.case_index.all()[0]
    token = site.csrf(analyst)
    reply = analyst.post(f"/api/cases/{case.id}/edit", json={"set": {"age_min": "old"}},
                         headers={"x-csrf-token": token})
    assert reply.status_code == 400
    assert reply.json()["error"] == "age_min must be a whole number, not 'old'."
    assert site.archive.cases.show(case.id).age_min is None
    form = analyst.get(f"/cases/{case.id}/edit").text
    page = analyst.post(f"/cases/{case.id}/edit", data={"age_min": "old", "csrf_token": token,
                                                        "shown": shown_of(form)})
    assert page.status_code == 400 and "age_min must be a whole number" in page.text
    missing = analyst.get("/api/cases/999999")
    assert missing.status_code == 404 and missing.json()["error"] == "No case 999999 in this" \
        " archive."
