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


def for_reader(document: Any, may: Callable[[Permission], bool], own: str) -> Any:
    """`document` (JSON-ready) with every field the reader may not see made ``null``; the
    reader's `own` name stays where it names them (what they asked for, what they did)."""
    hidden = frozenset(rule for rule in RULES if not may(rule.permission))
    return _Walk(hidden, own).walk(document) if hidden else document


@dataclass(frozen=True)
class _Walk:
    hidden: frozenset[Rule]
    own: str

    def walk(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.walk(item) for item in value]
        if not isinstance(value, dict):
            return value
        shown: dict[str, Any] = {}
        for key, item in value.items():
            rules = [r for r in self.hidden
                     if r.key == key and (r.within is None or r.within in value)]
            if not rules or (item == self.own and all(r.permission == Permission.staff_read
                                                      for r in rules)):
                shown[key] = self.walk(item)
            else:
                shown[key] = self.withheld(item, hashes_only=all(r.permission == HASHES
                                                                  for r in rules))
        return shown

    def withheld(self, value: Any, *, hashes_only: bool) -> Any:
        """`value` withheld: ``null``, a list of as many ``null``, an empty map. A list of
        records under a hash rule (a page of photos) keeps its records, each walked."""
        if isinstance(value, list):
            if hashes_only:
                return [self.walk(item) if isinstance(item, dict) else None for item in value]
            return [None] * len(value)
        if isinstance(value, dict):
            return {}
        return None
