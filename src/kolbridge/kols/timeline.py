"""The KOL timeline: every app that has something dated about a KOL registers a provider here
(in its ``AppConfig.ready()``), so this app gathers them without importing any of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kolbridge.core import policy


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    by: str = ""


Provider = Callable[[Any, Any, int], Iterable[TimelineEntry]]


@dataclass(frozen=True)
class _Registered:
    resource: str
    provider: Provider


_providers: list[_Registered] = []


def register_timeline_provider(resource: str, provider: Provider) -> None:
    """Add a source of timeline entries; it is asked only if the user may view ``resource``."""
    _providers.append(_Registered(resource, provider))


def timeline_for(*, user: Any, kol: Any, limit: int = 100) -> list[TimelineEntry]:
    """The newest ``limit`` entries about the KOL that the user may see, newest first."""
    entries: list[TimelineEntry] = []
    if not policy.can(user, "kol", "view", kol):
        return entries
    # The KOL is visible, so each source's role rule decides; the record rules of every
    # source follow the KOL's territory, already checked above.
    for registered in _providers:
        if policy.can(user, registered.resource, "view"):
            entries.extend(registered.provider(kol, user, limit))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def _name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _stage_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    rows = kol.stage_changes.select_related("recorded_by").order_by("-changed_at")[:limit]
    for row in rows:
        previous = f" (from {row.get_previous_stage_display()})" if row.previous_stage else ""
        yield TimelineEntry(
            row.changed_at,
            "stage",
            f"Stage: {row.get_stage_display()}{previous}",
            row.note,
            _name(row.recorded_by),
        )


def _knowledge_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    rows = kol.knowledge_assessments.select_related(
        "recorded_by", "therapeutic_area", "product"
    ).order_by("-assessed_at")[:limit]
    for row in rows:
        yield TimelineEntry(
            row.assessed_at,
            "knowledge",
            f"Knowledge of {row.subject}: {row.get_level_display()}",
            row.note,
            _name(row.recorded_by),
        )


def _channel_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    from kolbridge.kols.models import Channel

    labels = dict(Channel.choices)
    rows = kol.channel_preferences.select_related("recorded_by").order_by("-effective_at")[:limit]
    for row in rows:
        channels = ", ".join(labels.get(c, c) for c in row.channels) or "none"
        consent = "e-mail consent given" if row.email_consent else "no e-mail consent"
        times = f"; prefers {row.preferred_times}" if row.preferred_times else ""
        yield TimelineEntry(
            row.effective_at,
            "channels",
            f"Channel preferences: {channels}",
            f"{consent}{times}",
            _name(row.recorded_by),
        )


def _question_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    rows = kol.questions.select_related("recorded_by", "therapeutic_area").order_by("-asked_at")[
        :limit
    ]
    for row in rows:
        area = f" ({row.therapeutic_area})" if row.therapeutic_area else ""
        yield TimelineEntry(
            row.asked_at, "question", f"Question asked{area}", row.text, _name(row.recorded_by)
        )
        if row.answered_at:
            yield TimelineEntry(
                row.answered_at, "answer", "Question answered", row.answer_summary or row.text
            )


def _profile_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    yield TimelineEntry(kol.created_at, "profile", "Profile created in Kolbridge")


def register_kol_timeline_providers() -> None:
    register_timeline_provider("kol", _profile_entries)
    register_timeline_provider("kol_journey", _stage_entries)
    register_timeline_provider("kol_journey", _knowledge_entries)
    register_timeline_provider("kol_journey", _channel_entries)
    register_timeline_provider("kol_question", _question_entries)
