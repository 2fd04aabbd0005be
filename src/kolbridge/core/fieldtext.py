"""Free text that enters from the field — interaction notes, inquiry questions and answers,
insights — is handed to every registered screener as it is saved. The adverse-event screening
lives in ``insights``, a higher app; it registers here in its ``AppConfig.ready()`` so that
``engagements`` can hand over its text without importing it.

A screener never stops the record from being saved: it handles its own failures (the
adverse-event screener opens a report for manual review when screening itself fails)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldText:
    source_type: str
    source_id: int
    text: str
    reporter: Any
    kol_id: int | None = None
    product_id: int | None = None


Screener = Callable[[FieldText], list[str]]
_screeners: list[Screener] = []


def register_field_text_screener(screener: Screener) -> None:
    _screeners.append(screener)


def field_text_entered(entry: FieldText) -> list[str]:
    """Screen one piece of field text; answer what the person who wrote it must be told."""
    if not entry.text.strip():
        return []
    notices: list[str] = []
    for screener in _screeners:
        notices.extend(screener(entry))
    return notices


def attach_notices(record: Any, notices: list[str]) -> None:
    """Hand the notices back with the saved record, for the page or API answer to show."""
    existing = getattr(record, "safety_notices", [])
    record.safety_notices = [*existing, *notices]


def notices_of(record: Any) -> list[str]:
    return list(getattr(record, "safety_notices", []))
