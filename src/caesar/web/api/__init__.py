"""The JSON API under `/api/`, one module per area, described by `/api/openapi.json`.

The same sessions, permissions and CSRF rule as the pages (unsafe methods carry the session's
token in an `X-CSRF-Token` header); the same JSON shapes as the command line's `--json`.
"""

from __future__ import annotations

from caesar.web.api import (
                            account,
                            admin,
                            archive,
                            cases,
                            custody,
                            disclosures,
                            exports,
                            matches,
                            reports,
)

AREAS = (account, cases, reports, matches, disclosures, archive, custody, exports, admin)
