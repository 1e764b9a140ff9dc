"""Least privilege per field: every API route answered to every role holds nothing beyond
that role's table; a viewer meets no photo hash anywhere, in an answer or on a page.

The rules (`caesar.access.fields`) say which fields need which permission; this walks every
answer of every route as every role and checks each field the role may not see is withheld
(``null``, a list of ``null``, an empty map), and that the roles allowed to see it do.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from caesar.access.fields import HASHES, RULES, Rule
from caesar.access.roles import ROLE_PERMISSIONS, Permission, Role
from caesar.web.gate import routes

from .conftest import NAMES, SECOND_REVIEWER, Site
from .test_gate import _path

# Fields the seeded archive fills in, so that the roles allowed to see them do see them.
_FILLED: frozenset[str] = frozenset({"sha256", "photos", "copies", "roles", "pdq", "operator",
                                     "actor", "shortlisted_by", "liaison", "requester",
                                     "added_by"})

# The custody log's answers are what it publishes: pseudonyms, salted commitments (an entry's
# subject is resolved only for `custody_subjects`); they too must hold no photo hash.
_PUBLISHED = "/api/custody"


def _answers(site: Site, role: Role) -> dict[str, Any]:
    """Every API route that reads (GET) answered to `role`, by path: the JSON of those it
    allows."""
    client = site.as_role(role)
    found: dict[str, Any] = {}
    for method, template, need in routes(site.app):
        if method != "GET" or not template.startswith("/api/") or template.endswith(
                ("/download", "/openapi.json")):
            continue
        path = _path(site, template)
        reply = client.get(path)
        if reply.status_code == 200:
            found[path] = reply.json()
    return found


def _occurrences(value: Any, rule: Rule) -> list[Any]:
    """Every value of the key `rule.key` in `value` (where the rule applies)."""
    found: list[Any] = []
    if isinstance(value, list):
        for item in value:
            found += _occurrences(item, rule)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == rule.key and (rule.within is None or rule.within in value):
                found.append(item)
            found += _occurrences(item, rule)
    return found


def _withheld(value: Any) -> bool:
    if isinstance(value, list):  # a page of records keeps them, each withheld in itself
        return all(item is None or isinstance(item, dict) for item in value)
    return value is None or value == {}


def _hashes(document: Any) -> set[str]:
    found: set[str] = set()
    for rule in RULES:
        if rule.permission == HASHES:
            for value in _occurrences(document, rule):
                items = value if isinstance(value, list) else list(value) \
                    if isinstance(value, dict) else [value]
                found |= {v for v in items if isinstance(v, str) and re.fullmatch(
                    "[0-9a-f]{64}", v)}
    return found


@pytest.fixture(scope="module")
def admin_answers(site: Site) -> dict[str, Any]:
    site.identification()
    return _answers(site, Role.admin)


@pytest.mark.parametrize("role", list(Role))
def test_no_field_beyond_the_roles_table(site: Site, role: Role,
                                         admin_answers: dict[str, Any]) -> None:
    answers = admin_answers if role == Role.admin else _answers(site, role)
    allowed = ROLE_PERMISSIONS[role]
    own = NAMES[role]  # a person's own name names them to themselves
    seen: set[str] = set()
    for path, document in answers.items():
        if path.startswith(_PUBLISHED):
            continue
        for rule in RULES:
            for value in _occurrences(document, rule):
                if rule.permission in allowed:
                    seen |= {rule.key} if value not in (None, [], {}) else set()
                elif not (value == own and rule.permission == Permission.staff_read):
                    assert _withheld(value), (role, path, rule.key, value)
    wanted = {r.key for r in RULES if r.permission in allowed and r.key in _FILLED}
    if role == Role.admin:
        assert wanted <= seen, wanted - seen  # the walk reaches every kind of field
    if Permission.photos_hashes not in allowed:
        hashes = _hashes(admin_answers)
        assert len(hashes) > 5
        text = "\n".join(str(d) for d in answers.values())
        assert not [h for h in hashes if h[:12] in text]


def _pages(site: Site, client: TestClient) -> dict[str, str]:
    """Every page (GET, not the API) that `client` may open, by route: its HTML."""
    found: dict[str, str] = {}
    for method, template, _ in routes(site.app):
        if method != "GET" or template.startswith(("/api/", "/static/")) \
                or template == "/login":
            continue
        reply = client.get(_path(site, template))
        if reply.status_code == 200:
            found[template] = reply.text
    assert len(found) >= 6  # the dashboard, statistics, cases, a case, its history, the log...
    return found


def test_a_viewer_meets_no_photo_hash_on_any_page(site: Site,
                                                  admin_answers: dict[str, Any]) -> None:
    hashes = _hashes(admin_answers)
    for template, html in _pages(site, site.as_role(Role.viewer)).items():
        assert not [h for h in hashes if h[:12] in html], template


@pytest.mark.parametrize("role", [r for r in Role
                                  if Permission.staff_read not in ROLE_PERMISSIONS[r]])
def test_pages_name_no_one_to_a_role_without_staff_names(site: Site, role: Role) -> None:
    site.identification()
    own = NAMES[role]
    # Who handed the material over (an operator) and every other account's name.
    names = [n for n in [*NAMES.values(), SECOND_REVIEWER, "documenter"] if n != own]
    for template, html in _pages(site, site.as_role(role)).items():
        said = [n for n in names if re.search(rf"\b{n}\b", html)]
        assert said == [], (template, said)


def test_an_investigator_sees_their_own_requests_but_no_one_elses_name(site: Site) -> None:
    seeded = site.identification()
    investigator = site.as_role(Role.investigator)
    asked = investigator.get(f"/api/exports/{seeded.request}").json()["request"]
    assert asked["requester"] == NAMES[Role.investigator]
    case = investigator.get(f"/api/cases/{seeded.case}").json()
    assert case["history"] and all(c["actor"] is None for c in case["history"])
    assert all(sha is not None for sha in case["photos"])  # they see photos, and their hashes
    transfer = investigator.get("/api/transfers/1").json()["transfer"]
    assert (transfer["operator"], transfer["actor"]) == (None, None)
