"""The app's pages, one module per area; each has a `router` and its `menu` entries.

A new area is one more module here, with its templates, and its permissions in
`caesar.access.roles`.
"""

from __future__ import annotations

from caesar.web.pages import (account, admin, cases, custody, dashboard, disclosures,
                              examination, exports, matches, photos, report_duplicates,
                              report_photos, reports, static, transfers)

AREAS = (dashboard, cases, report_duplicates, reports, report_photos, matches, disclosures,
         photos, examination, transfers, exports, custody, admin, account, static)
"""In menu order; `report_duplicates` before `reports`, whose /reports/{id} would take
/reports/duplicates."""
