"""The audit trail of one record as a person reads it: who, when, what changed from what."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime

from kolbridge.core import policy
from kolbridge.core.models import AuditEntry
from kolbridge.core.selectors import audit_trail_for

EMPTY = "—"
# How the audit trail stores a moment (ISO 8601); other strings, ids included, stay as typed.
STORED_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class AuditChange:
    field: str
    before: str | None  # None when the entry records something new, with nothing before it
    after: str


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    changes: list[AuditChange]

    @property
    def action_parts(self) -> list[str]:
        """The action code cut after each dot and underscore, where a narrow column may wrap."""
        return re.split(r"(?<=[._])", self.entry.action)


def plain(value: Any) -> str:
    """A stored before/after value as a person reads it."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k} {plain(v)}" for k, v in value.items())
    if isinstance(value, str) and STORED_MOMENT.match(value) and (when := parse_datetime(value)):
        return date_format(localtime(when), "j M Y, H:i")
    return str(value)


def audit_row(entry: AuditEntry) -> AuditRow:
    before = entry.before if isinstance(entry.before, dict) else None
    after = entry.after if isinstance(entry.after, dict) else {}
    changes = []
    for name in dict.fromkeys([*(before or {}), *after]):
        label, value = name.replace("_", " "), plain(after.get(name))
        if before is not None:
            changes.append(AuditChange(label, plain(before.get(name)), value))
        elif value != EMPTY:  # a new record: only what it was created with
            changes.append(AuditChange(label, None, value))
    return AuditRow(entry, changes)


def audit_rows_for(
    *, user: Any, object_type: str, object_id: object, limit: int
) -> tuple[list[AuditRow], int] | None:
    """The newest ``limit`` entries of a record's trail and how many there are in all, or None
    for a user who may not read audit trails."""
    if not policy.can(user, "audit_trail", "view"):
        return None
    trail = audit_trail_for(user=user, object_type=object_type, object_id=object_id)
    rows = [audit_row(entry) for entry in trail[:limit]]
    total = trail.count() if len(rows) == limit else len(rows)
    return rows, total
