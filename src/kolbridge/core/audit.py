"""The append-only, hash-chained audit trail.

Services call ``audit_record`` inside their transaction. Appends take a row lock on the chain
head (on SQLite the IMMEDIATE transaction already serializes writers), so several writers
chain one after another and the head always names the newest entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from kolbridge.core.models import AuditChainHead, AuditEntry, User

GENESIS_HASH = "0" * 64


def to_json_value(value: Any) -> Any:
    """Normalise a before/after snapshot to plain JSON so the stored value hashes the same."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def compute_hash(
    *,
    sequence: int,
    at: datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    reason: str,
    previous_hash: str,
) -> str:
    payload = [
        sequence,
        at.astimezone(UTC).isoformat(timespec="microseconds"),
        actor_id,
        actor_username,
        action,
        object_type,
        object_id,
        object_repr,
        before,
        after,
        reason,
        previous_hash,
    ]
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEvent:
    """What one audit entry says, before it is placed in the chain."""

    action: str
    object_type: str
    object_id: str
    object_repr: str = ""
    before: Any = None
    after: Any = None
    reason: str = ""


def _actor_fields(actor: User | None, actor_label: str) -> tuple[int | None, str]:
    if actor is not None:
        return actor.pk, actor.get_username()
    return None, actor_label


def audit_record_many(
    events: Iterable[AuditEvent],
    *,
    actor: User | None,
    actor_label: str = "system",
    batch_size: int = 2000,
) -> int:
    """Append several entries in one lock of the chain head; returns how many were written."""
    actor_id, actor_username = _actor_fields(actor, actor_label)
    written = 0
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        batch: list[AuditEntry] = []
        for event in events:
            at = timezone.now()
            before, after = to_json_value(event.before), to_json_value(event.after)
            sequence = head.last_sequence + 1
            object_repr = event.object_repr[:255]
            entry_hash = compute_hash(
                sequence=sequence,
                at=at,
                actor_id=actor_id,
                actor_username=actor_username,
                action=event.action,
                object_type=event.object_type,
                object_id=str(event.object_id),
                object_repr=object_repr,
                before=before,
                after=after,
                reason=event.reason,
                previous_hash=head.last_hash,
            )
            batch.append(
                AuditEntry(
                    sequence=sequence,
                    at=at,
                    actor_id=actor_id,
                    actor_username=actor_username,
                    action=event.action,
                    object_type=event.object_type,
                    object_id=str(event.object_id),
                    object_repr=object_repr,
                    before=before,
                    after=after,
                    reason=event.reason,
                    previous_hash=head.last_hash,
                    entry_hash=entry_hash,
                )
            )
            head.last_sequence, head.last_hash = sequence, entry_hash
            written += 1
            if len(batch) >= batch_size:
                AuditEntry.objects.bulk_create(batch)
                batch = []
        if batch:
            AuditEntry.objects.bulk_create(batch)
        if written:
            head.save(update_fields=["last_sequence", "last_hash"])
    return written


def audit_record(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: Any,
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
    actor_label: str = "system",
) -> None:
    """Append one entry: who (``actor``), what (``action``), which record, before and after."""
    audit_record_many(
        [AuditEvent(action, object_type, str(object_id), object_repr, before, after, reason)],
        actor=actor,
        actor_label=actor_label,
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_sequence: int | None = None
    problem: str = ""


def _entries_in_order(chunk: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(sequence__gt=last).order_by("sequence")[:chunk])
        if not rows:
            return
        yield from rows
        last = rows[-1].sequence


def audit_verify() -> VerifyResult:
    """Walk the whole chain; name the first entry that was edited, removed or reordered."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for entry in _entries_in_order():
        if entry.sequence != expected_sequence:
            return VerifyResult(
                False,
                checked,
                expected_sequence,
                f"entry #{expected_sequence} is missing (the next stored entry is "
                f"#{entry.sequence}): an entry was deleted",
            )
        if entry.previous_hash != expected_previous:
            return VerifyResult(
                False,
                checked,
                entry.sequence,
                f"entry #{entry.sequence} does not point at the hash of entry "
                f"#{entry.sequence - 1}: the chain was cut or rewritten",
            )
        recomputed = compute_hash(
            sequence=entry.sequence,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_username=entry.actor_username,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            object_repr=entry.object_repr,
            before=entry.before,
            after=entry.after,
            reason=entry.reason,
            previous_hash=entry.previous_hash,
        )
        if recomputed != entry.entry_hash:
            return VerifyResult(
                False,
                checked,
                entry.sequence,
                f"entry #{entry.sequence} ({entry.action} {entry.object_type}:{entry.object_id}) "
                "was edited after it was written: its content no longer matches its hash",
            )
        expected_previous = entry.entry_hash
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if checked == 0:
            return VerifyResult(True, 0)
        return VerifyResult(
            False, checked, checked, "the chain head is missing: the trail was tampered with"
        )
    if head.last_sequence != checked or head.last_hash != expected_previous:
        return VerifyResult(
            False,
            checked,
            checked + 1 if head.last_sequence > checked else head.last_sequence,
            f"the chain head names entry #{head.last_sequence} but the trail ends at "
            f"#{checked}: the newest entries were deleted or the head was altered",
        )
    return VerifyResult(True, checked)


def snapshot(instance: Any, fields: Iterable[str]) -> dict[str, Any]:
    """A before/after picture of some fields of a record, in JSON terms."""
    data: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    return to_json_value(data)
