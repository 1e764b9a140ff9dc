"""Roles and permissions: the one table that says who may do what.

Every route of the web app declares one :class:`Permission` (or that it is public, such as the
sign-in page); one mechanism checks it against :data:`ROLE_PERMISSIONS`. Permissions are named
``scope:resource:action`` (as PyPI's warehouse names them), so a reader sees at once what a
route touches. A new area of the app adds its permissions here and gives them to roles here,
nowhere else.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Role(StrEnum):
    """What a person does for the archive; each account has exactly one."""

    admin = "admin"  # manages accounts and reads the security log; sees everything
    archivist = "archivist"  # receives transfers, keeps the originals
    analyst = "analyst"  # groups photos into cases, reads numbers, records findings
    reviewer = "reviewer"  # confirms what analysts and matchers propose (second person)
    investigator = "investigator"  # prepares material for courts and sanctions
    family_liaison = "family_liaison"  # takes families' reports, accompanies disclosure
    viewer = "viewer"  # reads the catalogue; never sees a photo


class Permission(StrEnum):
    """One thing a route does, as ``scope:resource:action``."""

    dashboard_read = "archive:dashboard:read"
    stats_read = "archive:stats:read"
    transfers_read = "archive:transfers:read"
    photos_read = "archive:photos:read"  # metadata: cameras, EXIF, sightings, flags
    photos_view = "archive:photos:view"  # the images themselves; every view is logged
    documents_read = "archive:documents:read"  # documents' text (it names people); logged
    cases_read = "archive:cases:read"
    cases_edit = "archive:cases:edit"  # fields and the numbers as decided
    cases_regroup = "archive:cases:regroup"  # merge and split
    readings_add = "archive:readings:add"  # an analyst's own reading of a number
    custody_read = "archive:custody:read"  # the published log, checkpoints, proofs
    custody_subjects = "archive:custody:subjects"  # which original or record an entry is about
    account_read = "account:session:read"  # who am I, the API's description
    account_edit = "account:preferences:edit"  # my language, digits, how photos are shown
    users_read = "admin:users:read"
    users_manage = "admin:users:manage"  # add (never an admin), disable, enable
    security_read = "admin:security:read"  # failed sign-ins, denials, alerts
    reports_read = "identify:reports:read"  # families' reports and their history (logged)
    reports_write = "identify:reports:write"  # file a report with the family, edit it
    contacts_read = "identify:reporters:contact"  # reach a reporter who consented (logged)
    matches_read = "identify:matches:read"  # ranked cases with their reasons, the queue
    matches_decide = "identify:matches:decide"  # shortlist, confirm, reject, undo, override
    disclosures_read = "identify:disclosures:read"  # sessions, their steps and outcomes
    disclosures_record = "identify:disclosures:record"  # start, each step's answer, the end
    disclosures_show = "identify:disclosures:show"  # the step's material, for the family
    export_requests_read = "exports:requests:read"  # requests, their states, their plans
    export_requests_create = "exports:requests:create"  # ask for a package
    export_requests_approve = "exports:requests:approve"  # approve or refuse, produce
    export_requests_download = "exports:requests:download"  # the person who asked
    # Fields of what routes answer (`caesar.access.fields`): no route declares these.
    photos_hashes = "archive:photos:hashes"  # an original's SHA-256 or PDQ (confirms we hold it)
    operators_read = "archive:operators:read"  # who handed a transfer over
    staff_read = "archive:staff:read"  # which person of the archive did something
    family_photos_read = "identify:family-photos:read"  # a family's photos of the person in life
    # The command line only (`caesar --as NAME ...`): no web route does these.
    transfers_ingest = "archive:transfers:ingest"  # bring drives, bundles and bags in
    originals_verify = "archive:originals:verify"  # decrypt and re-hash every original
    cases_build = "archive:cases:build"  # group photos into cases and read their numbers
    photos_mark = "archive:photos:mark"  # regions to blur, photos never shown to the public
    custody_stamp = "archive:custody:stamp"  # have the checkpoint timestamped by a TSA
    exports_make = "exports:packages:make"  # write a package at once, with no second person

    @property
    def token(self) -> str:
        """The permission as the custody log writes it (its details take no colons)."""
        return self.value.replace(":", ".")


_EVERYONE: Final = frozenset({Permission.dashboard_read, Permission.stats_read,
                              Permission.cases_read, Permission.custody_read,
                              Permission.account_read, Permission.account_edit})
_SEE_PHOTOS: Final = frozenset({Permission.photos_read, Permission.photos_view,
                                Permission.photos_hashes, Permission.documents_read})
# Who did what: people who work on the record itself (not viewers, not investigators, whose
# packages name staff by pseudonym).
_STAFF: Final = frozenset({Permission.staff_read})
# A family's report names the living: only those who work with families and matches read it.
_READ_REPORTS: Final = frozenset({Permission.reports_read, Permission.matches_read,
                                  Permission.family_photos_read})
_WITH_FAMILIES: Final = _READ_REPORTS | {
    Permission.reports_write, Permission.contacts_read, Permission.disclosures_read,
    Permission.disclosures_record, Permission.disclosures_show}
_ASK_FOR_EXPORTS: Final = frozenset({Permission.export_requests_read,
                                     Permission.export_requests_create,
                                     Permission.export_requests_download})

ROLE_PERMISSIONS: Final[dict[Role, frozenset[Permission]]] = {
    Role.admin: frozenset(Permission),
    Role.archivist: _EVERYONE | _SEE_PHOTOS | _STAFF | {
        Permission.operators_read,
        Permission.transfers_read, Permission.custody_subjects, Permission.transfers_ingest,
        Permission.originals_verify, Permission.cases_build, Permission.custody_stamp},
    Role.analyst: _EVERYONE | _SEE_PHOTOS | _STAFF | {
        Permission.transfers_read, Permission.cases_edit, Permission.cases_regroup,
        Permission.readings_add, Permission.cases_build, Permission.photos_mark},
    Role.reviewer: _EVERYONE | _SEE_PHOTOS | _STAFF | _READ_REPORTS | {
        Permission.matches_decide},
    # Investigators ask for packages; an administrator (a second person) approves them.
    Role.investigator: _EVERYONE | _SEE_PHOTOS | _ASK_FOR_EXPORTS | {
        Permission.transfers_read, Permission.custody_subjects, Permission.originals_verify},
    # Families are shown photos (blurred first), not the cameras and files behind them.
    # The hashes come with the photos: their addresses (/photos/SHA256/image) carry them.
    Role.family_liaison: _EVERYONE | _WITH_FAMILIES | _STAFF | {Permission.photos_view,
                                                                Permission.photos_hashes},
    Role.viewer: _EVERYONE,
}
"""Role -> what it may do. The route x role test checks every route against this table."""

PARTIAL: Final = frozenset({Permission.custody_subjects, Permission.photos_hashes,
                            Permission.operators_read, Permission.staff_read,
                            Permission.family_photos_read})
"""Permissions no route declares: routes check them for part of what they show."""

COMMAND_LINE_ONLY: Final = frozenset({
    Permission.transfers_ingest, Permission.originals_verify, Permission.cases_build,
    Permission.photos_mark, Permission.custody_stamp, Permission.exports_make})
"""Permissions only commands declare (`caesar --as NAME ...`; see `caesar.cli.acting`)."""

SECOND_FACTOR_ROLES: Final = frozenset({Role.admin, Role.reviewer})
"""Roles that cannot sign in without a one-time code (TOTP)."""

WEB_CREATABLE_ROLES: Final = frozenset(Role) - {Role.admin}
"""Roles an administrator may give through the web app; admins are made on the machine."""


def allows(role: Role | str, permission: Permission) -> bool:
    """Whether `role` may do `permission`."""
    return permission in ROLE_PERMISSIONS[Role(role)]
