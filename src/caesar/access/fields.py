"""What a reader may see of a record, field by field.

A route's permission says who may open it; some of what it answers needs more. An original's
SHA-256 (or its PDQ hash) confirms to whoever holds a copy that the archive holds that photo
(DESIGN's principle of salted commitments), so only roles that see photos get them; who
handed a transfer over, which person of the archive did something, and a family's photos of
the person in life each have their own permission (:mod:`caesar.access.roles`). A field the
reader may not see stays in the answer, as ``null`` (a list keeps its length, with ``null``
entries; a map keyed by hashes is emptied), as DESIGN's second-wave decisions say.

The rules name JSON keys, so they apply to every answer built from the same views, and a new
view that names a hash ``sha256`` or a person ``actor`` is covered without a line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from caesar.access.roles import Permission


@dataclass(frozen=True)
class Rule:
    """The key `key` needs `permission`; with `within`, only in objects that also hold that
    key (which record it is: a family's report holds `reporters`)."""

    key: str
    permission: Permission
    within: str | None = None


HASHES: Final = Permission.photos_hashes
RULES: Final = (
    Rule("sha256", HASHES), Rule("subject_sha256", HASHES), Rule("pdq", HASHES),
    Rule("photos", HASHES), Rule("copies", HASHES), Rule("roles", HASHES, within="copies"),
    Rule("photos", Permission.family_photos_read, within="reporters"),
    Rule("operator", Permission.operators_read),
    *(Rule(key, Permission.staff_read) for key in (
        "actor", "analyst", "added_by", "withdrawn_by", "shortlisted_by", "liaison",
        "requester", "requested_by", "decided_by", "set_by", "created_by")),
)
"""Every field that needs more than the route's own permission."""


def for_reader(document: Any, may: Callable[[Permission], bool]) -> Any:
    """`document` (JSON-ready) with every field the reader may not see made ``null``."""
    hidden = frozenset(rule for rule in RULES if not may(rule.permission))
    return _walk(document, hidden) if hidden else document


def _walk(value: Any, hidden: frozenset[Rule]) -> Any:
    if isinstance(value, list):
        return [_walk(item, hidden) for item in value]
    if not isinstance(value, dict):
        return value
    shown: dict[str, Any] = {}
    for key, item in value.items():
        rules = [r for r in hidden if r.key == key and (r.within is None or r.within in value)]
        shown[key] = _withheld(item, hidden, hashes_only=all(r.permission == HASHES
                                                             for r in rules)) \
            if rules else _walk(item, hidden)
    return shown


def _withheld(value: Any, hidden: frozenset[Rule], *, hashes_only: bool) -> Any:
    """`value` withheld: ``null``, a list of as many ``null``, an empty map. A list of
    records under a hash rule (a page of photos) keeps its records, each walked itself."""
    if isinstance(value, list):
        if hashes_only:
            return [_walk(item, hidden) if isinstance(item, dict) else None for item in value]
        return [None] * len(value)
    if isinstance(value, dict):
        return {}
    return None
