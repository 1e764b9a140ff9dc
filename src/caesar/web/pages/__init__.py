"""The app's pages, one module per area; each has a `router` and its `menu` entries.

A new area is one more module here, with its templates, and its permissions in
`caesar.access.roles`.
"""

from __future__ import annotations

from caesar.web.pages import (
                              account,
                              admin,
                              cases,
                              custody,
                              dashboard,
                              disclosures,
                              documents,
                              examination,
                              exports,
                              matches,
                              number_queue,
                              photos,
                              report_duplicates,
                              report_photos,
                              reports,
                              static,
                              transfers,
)

AREAS = (dashboard, number_queue, cases, report_duplicates, reports, report_photos, matches,
         disclosures, photos, documents, examination, transfers, exports, custody, admin,
         account, static)
"""In menu order; `number_queue` before `cases` and `report_duplicates` before `reports`,
whose /cases/{id} and /reports/{id} would take /cases/queue and /reports/duplicates."""
