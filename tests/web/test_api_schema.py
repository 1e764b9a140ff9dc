"""Schemathesis against the JSON API's OpenAPI document: whatever it sends, no server error.

Signed in as an administrator (every route open), with the session's CSRF token, so that the
generated requests reach the handlers and their validation rather than the gate.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.openapi import from_dict

from caesar.access.roles import Role

from .conftest import Site


@pytest.fixture(scope="module")
def api_schema(site: Site) -> schemathesis.schemas.BaseSchema:
    """The API as the app describes it at /api/openapi.json, served by the app itself (with a
    report, a match, a disclosure session and an export request for requests to reach)."""
    site.identification()
    admin = site.as_role(Role.admin)
    document = admin.get("/api/openapi.json")
    assert document.status_code == 200
    schema = from_dict(document.json())
    schema.app = site.app
    return schema


@pytest.fixture(scope="module")
def credentials(site: Site) -> tuple[dict[str, str], dict[str, str]]:
    admin = site.as_role(Role.admin)
    return ({"x-csrf-token": site.csrf(admin)},
            {"caesar_session": admin.cookies["caesar_session"]})


def test_the_document_describes_every_api_route(api_schema: schemathesis.schemas.BaseSchema,
                                                site: Site) -> None:
    described = {path for path in api_schema.raw_schema["paths"]}
    assert {"/api/cases", "/api/cases/{case_id}", "/api/cases/{case_id}/edit", "/api/photos",
            "/api/transfers/{transfer_id}", "/api/custody/entries", "/api/stats",
            "/api/admin/users", "/api/reports", "/api/reports/{report_id}",
            "/api/reports/{report_id}/matches", "/api/reports/{report_id}/matches/{case_id}",
            "/api/matches", "/api/disclosures", "/api/disclosures/{session_id}/step",
            "/api/exports", "/api/exports/{request_id}/decide"} <= described
    assert not [p for p in described if not p.startswith("/api/")], "pages are no API"


def test_no_request_makes_a_server_error(api_schema: schemathesis.schemas.BaseSchema,
                                          credentials: tuple[dict[str, str], dict[str, str]]
                                          ) -> None:
    """Every operation, with requests valid by the document and requests that break it."""
    # Driven with Hypothesis directly: schemathesis' own pytest plugin does not run on pytest 9.
    headers, cookies = credentials
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 35
    answered: Counter[int] = Counter()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=15, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def call(case: Case) -> None:
                response = case.call(headers=headers, cookies=cookies)
                answered[response.status_code // 100] += 1
                assert response.status_code < 500, (case.method, case.formatted_path,
                                                     response.text[:500])
                assert response.status_code not in (401, 403), "the gate refused an admin"

            try:
                call()
            except Unsatisfiable:
                # Nothing in this operation can be broken (no parameters, no body).
                assert mode is GenerationMode.NEGATIVE, (operation.method, operation.path)
    assert answered[2] > 50 and answered[4] > 50, answered  # handlers reached, bad input refused
