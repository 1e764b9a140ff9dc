"""The web app on a small synthetic archive: built once per session, copied per module.

The archive holds a few synthetic cases (built, numbers read), one account per role and a
second reviewer; each module gets its own copy, app and signed-in clients, so modules never
see each other's changes. `Site.identification()` adds, once per module that asks, a family's
report (with a photo of the person in life) confirmed by two reviewers, a disclosure session
and an export request.
"""

from __future__ import annotations

import re
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import httpx2
import pyotp
import pytest
from conftest import PASSPHRASE
from fastapi import FastAPI
from fastapi.testclient import TestClient
from photos import grace_hopper

from caesar.access.roles import Role
from caesar.core import Archive
from caesar.demo.generate import generate_collection
from caesar.exports.views import DataOptions, ExportParams
from caesar.identify.photos import Upload
from caesar.identify.reports import parse_assignments
from caesar.intake.service import IngestRequest
from caesar.vault.keys import KdfCost
from caesar.web.app import create_app

NAMES: dict[Role, str] = {
    Role.admin: "hala", Role.archivist: "sami", Role.analyst: "rania", Role.reviewer: "omar",
    Role.investigator: "lina", Role.family_liaison: "nour", Role.viewer: "karim"}
SECOND_REVIEWER: Final = "salma"  # confirms what the first reviewer shortlists
REPORTED: Final = "سامر أحمد علي الحلبي"  # the name on the seeded report
DESCRIBED_MARKS: Final = ("birthmark:right_lower_leg", "scar:left_thigh")  # `Site.described()`
DESCRIBED_FINDINGS: Final = ("emaciation", "ligature_marks")


def password(name: str) -> str:
    return f"long password of {name}"


@dataclass(frozen=True)
class Seeded:
    """What `Site.identification()` made: ids of a report, its confirmed case, a disclosure
    session at its first step (the description), an export request waiting, and the
    family's photo of the person in life on the report."""

    report: int
    case: int
    session: int
    request: int
    photo: int


@dataclass
class Site:
    """One module's archive, its app, and a signed-in client per role."""

    archive: Archive
    app: FastAPI
    secrets: dict[str, str]
    clients: dict[str, TestClient] = field(default_factory=dict)
    steps: dict[str, int] = field(default_factory=dict)  # the last one-time code's step used
    seeded: Seeded | None = None
    described_report: tuple[int, int] | None = None

    def client(self, address: str = "testclient") -> TestClient:
        """A client that has not signed in (from `address`, as the server sees it)."""
        return TestClient(self.app, follow_redirects=False, client=(address, 50000))

    def sign_in(self, client: TestClient, name: str, *, code: str | None = None,
                secret: str | None = None) -> int:
        """Sign `client` in as `name` through the form; the response's status."""
        form = client.get("/login")
        token = csrf_of(form.text)
        if code is None and (secret or self.secrets.get(name)):
            code = self.fresh_code(name, secret or self.secrets[name])
        reply = client.post("/login", data={"name": name, "password": password(name),
                                            "code": code or "", "csrf_token": token})
        return reply.status_code

    def fresh_code(self, name: str, secret: str) -> str:
        """A one-time code the archive has not seen used yet (each is accepted once): the
        current one, else the next step's (accepted a step early), else wait for a step."""
        otp = pyotp.TOTP(secret)
        while True:
            now = otp.timecode(datetime.now(UTC))
            step = max(now, self.steps.get(name, now - 1) + 1)
            if step <= now + 1:
                self.steps[name] = step
                return otp.generate_otp(step)
            time.sleep(1)

    def as_role(self, role: Role) -> TestClient:
        """A client signed in with the account of `role` (signed in once per module: a
        one-time code cannot be used twice)."""
        return self.as_user(NAMES[role])

    def as_user(self, name: str) -> TestClient:
        """A client signed in as `name` (once per module)."""
        if name not in self.clients:
            client = self.client()
            assert self.sign_in(client, name) == 303
            self.clients[name] = client
        return self.clients[name]

    def identification(self) -> Seeded:
        """A family's report of the person of the first case (filed in Arabic, with a contact
        the reporter agreed to give, and a photo of him in life), confirmed by two reviewers; a
        disclosure session at its first step; an export request waiting for approval. Made
        once per module."""
        if self.seeded is None:
            archive = self.archive
            case = archive.case_index.all()[0]
            arrested = (case.photographed_on or datetime.now(UTC).date()) - timedelta(days=60)
            liaison, reviewer = NAMES[Role.family_liaison], NAMES[Role.reviewer]
            fields = parse_assignments([
                f"name={REPORTED}", "sex=M", f"arrest_date={arrested}", "birth_year=1985",
                f"detainee_number={case.numbers.detainee or ''}", "marks=tattoo:left_forearm",
                "reporter_name=أم سامر", "reporter_relationship=الأم",
                "reporter_contact=+999 512 345 678", "consent_contact=true"])
            report = archive.identify.add_report(fields, liaison)
            added = archive.identify.add_photos(
                report.id, [Upload("portrait.jpg", grace_hopper())], liaison,
                caption="سامر في عرس أخيه")
            archive.identify.shortlist(report.id, case.id, reviewer)
            archive.identify.confirm(report.id, case.id, SECOND_REVIEWER)
            session = archive.identify.start_disclosure(report.id, case.id, liaison,
                                                        present=["أم سامر", liaison])
            archive.identify.disclosure_step(session.id, "description", True, liaison)
            asked = archive.export_requests.request(
                ExportParams(kind="data", data=DataOptions(format="csv")),
                NAMES[Role.investigator], reason="partner list")
            archive.case_index.invalidate()
            photo = added.files[0].photo
            assert photo is not None
            self.seeded = Seeded(report=report.id, case=case.id, session=session.id,
                                 request=asked.id, photo=photo)
        return self.seeded

    def described(self) -> tuple[int, int]:
        """(case, report): the first case as an analyst described it (sex, age, two marks,
        two findings: `DESCRIBED_MARKS`, `DESCRIBED_FINDINGS`) and a family's report of that
        person giving his sex, age, arrest, detainee number and one of the marks, filed in
        English. Made once per module."""
        if self.described_report is None:
            archive = self.archive
            case = archive.case_index.all()[0]
            assert case.photographed_on is not None and case.numbers.detainee
            fields = parse_assignments([
                "name=Samer Halabi", "sex=M", f"birth_year={case.photographed_on.year - 30}",
                f"arrest_date={case.photographed_on - timedelta(days=60)}",
                f"detainee_number={case.numbers.detainee}", f"marks={DESCRIBED_MARKS[0]}"])
            archive.cases.edit(case.id, [("marks", DESCRIBED_MARKS[0]),
                                         ("findings", DESCRIBED_FINDINGS[0])],
                               NAMES[Role.analyst])
            archive.cases.edit(case.id, [
                ("marks", ";".join(DESCRIBED_MARKS)),
                ("findings", ";".join(DESCRIBED_FINDINGS)), ("sex", "M"),
                ("age_min", "25"), ("age_max", "35")], NAMES[Role.analyst])
            report = archive.identify.add_report(fields, NAMES[Role.family_liaison])
            archive.case_index.invalidate()
            self.described_report = (case.id, report.id)
        return self.described_report

    def csrf(self, client: TestClient) -> str:
        """The session's CSRF token, as every page's forms carry it."""
        token: str = client.get("/api/me").json()["csrf_token"]
        return token


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def signed_in_over_http(url: str, name: str, secret: str, code: str = ""
                        ) -> Iterator[httpx2.Client]:
    """An HTTP client signed in to a server that is starting at `url` (waits for it), with
    the password `secret` and a one-time `code` if the account needs one."""
    with httpx2.Client(base_url=url, follow_redirects=False) as client:
        for _ in range(300):
            try:
                page = client.get("/login")
                break
            except httpx2.ConnectError:
                time.sleep(0.1)
        reply = client.post("/login", data={"name": name, "password": secret, "code": code,
                                            "csrf_token": csrf_of(page.text)})
        assert reply.status_code == 303, reply.text
        yield client


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def shown_of(html: str) -> str:
    """The digest of the record as an edit form showed it (sent back on save)."""
    found = re.search(r'name="shown" value="([0-9a-f]{64})"', html)
    assert found, "the page has no edit form"
    return found.group(1)


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A built archive with one account per role; never opened by a test itself."""
    base = tmp_path_factory.mktemp("web-template")
    # Typeset cards, as the first generator drew them (the pages' tests count what they show).
    truth = generate_collection(base / "collection", cases=4, seed=21, drives=2, reports=False,
                                arabic_share=0.5, varied_share=0.0)
    path = base / "archive"
    archive = Archive.create(path, PASSPHRASE, kdf_cost=KdfCost.test, owner="owner")
    try:
        archive.ingest(IngestRequest(sources=[str(base / "collection" / d) for d in truth.drives],
                                     actor="owner", operator="documenter", label="drive"))
        archive.cases.build("owner")
        for role, name in [*NAMES.items(), (Role.reviewer, SECOND_REVIEWER)]:
            archive.access.accounts.add(name, role, actor="owner", password=password(name))
        secrets = {name: secret for name in [*NAMES.values(), SECOND_REVIEWER]
                   if (secret := archive.access.accounts.totp_secret(name))}
    finally:
        archive.close()
    return path, secrets


@pytest.fixture(scope="module")
def site(web_template: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Site]:
    """This module's own copy of the archive, served by a fresh app."""
    template, secrets = web_template
    path = tmp_path_factory.mktemp("web") / "archive"
    shutil.copytree(template, path)
    archive = Archive.open(path, PASSPHRASE)
    try:
        yield Site(archive=archive, app=create_app(archive), secrets=secrets)
    finally:
        archive.close()
