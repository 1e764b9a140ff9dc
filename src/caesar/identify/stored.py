"""Where families' photos are kept in the archive folder, and the kind of object they are.

Apart from :mod:`caesar.identify.photos` so that what keeps every store whole (replication,
verification, repair) can name them without importing the image checks behind uploads.
"""

from __future__ import annotations

from typing import Final

FAMILY_PHOTOS_DIR: Final = "family-photos"
"""The store of families' photos, in the archive folder (encrypted objects only)."""
KIND: Final = "family_photo"
