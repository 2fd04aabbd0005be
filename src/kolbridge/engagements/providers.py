"""What engagements adds to pages of lower apps: entries on the KOL timeline and sections of
"My work". Registered in ``EngagementsConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone

from kolbridge.core import policy
from kolbridge.core.mywork import WorkItem, WorkSection, register_my_work_section
from kolbridge.engagements.models import (
    FollowUpStatus,
    Inquiry,
    Interaction,
    InteractionStatus,
)
from kolbridge.engagements.selectors import follow_ups_for, inquiry_queue, referrals_of
from kolbridge.kols.actions import register_kol_action
from kolbridge.kols.timeline import TimelineEntry, register_timeline_provider


def _interactions_with(kol: Any, limit: int) -> Iterable[Interaction]:
    return (
        Interaction.objects.filter(interactionattendee__kol=kol)
        .select_related("owner")
        .order_by("-starts_at")[:limit]
    )


def _interaction_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    for row in _interactions_with(kol, limit):
        detail = row.outcome or row.objectives
        if row.next_steps:
            detail = f"{detail} — Next steps: {row.next_steps}" if detail else row.next_steps
        yield TimelineEntry(
            row.starts_at,
            "interaction",
            f"{row.get_status_display()} {row.get_channel_display().lower()} interaction",
            detail,
            row.owner.get_full_name() or row.owner.username,
        )


def _interaction_fact_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    """Commercial roles learn only that a medical interaction took place on a date."""
    if policy.can(user, "interaction", "view"):
        return
    rows = (
        Interaction.objects.filter(interactionattendee__kol=kol, status=InteractionStatus.COMPLETED)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)[:limit]
    )
    for starts_at in rows:
        day = timezone.make_aware(datetime.combine(timezone.localtime(starts_at).date(), time.min))
        yield TimelineEntry(day, "interaction", "Medical interaction took place")


def _inquiry_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    rows = Inquiry.objects.filter(kol=kol).order_by("-received_at")[:limit]
    for row in rows:
        yield TimelineEntry(
            row.received_at,
            "inquiry",
            f"Medical inquiry received ({row.get_status_display()})",
            row.question,
        )
        if row.responded_at:
            yield TimelineEntry(
                row.responded_at, "inquiry", "Medical inquiry answered", row.response
            )


def _follow_up_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    """Follow-ups with the KOL (alone or among others) that the user may see."""
    rows = (
        follow_ups_for(user=user, status=None)
        .filter(Q(kol=kol) | Q(interaction__interactionattendee__kol=kol))
        .distinct()
        .order_by("-created_at")[:limit]
    )
    for row in rows:
        yield TimelineEntry(
            row.created_at,
            "follow-up",
            f"Follow-up: {row.title}",
            f"Due {formats.date_format(row.due_date, 'j M Y')} · {row.get_status_display()}",
            row.owner.get_full_name() or row.owner.username,
        )


def _today_bounds() -> tuple[datetime, datetime]:
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    return start, start + timedelta(days=1)


def _meetings_section(user: Any) -> WorkSection | None:
    if not policy.can(user, "interaction", "view"):
        return None
    start, end = _today_bounds()
    rows = (
        Interaction.objects.filter(
            interactionstaff__user=user, status=InteractionStatus.PLANNED, starts_at__lt=end
        )
        .prefetch_related("kols")
        .order_by("starts_at")[:50]
    )
    items = [
        WorkItem(
            title=", ".join(k.display_name for k in row.kols.all()),
            url=reverse("engagements:interaction_detail", args=[row.pk]),
            when=row.starts_at,
            detail=f"{row.get_channel_display()} · {row.objectives[:120]}",
            overdue=row.starts_at < start,
        )
        for row in rows
    ]
    return WorkSection(
        "meetings",
        "Meetings today and not yet completed",
        items,
        "No meetings today, and none left to complete.",
        reverse("engagements:calendar"),
    )


def _follow_ups_section(user: Any) -> WorkSection | None:
    if not policy.can(user, "follow_up", "view"):
        return None
    today = timezone.localdate()
    rows = follow_ups_for(user=user, status=FollowUpStatus.OPEN).filter(
        owner=user, due_date__lte=today
    )[:50]
    items = [
        WorkItem(
            title=row.title,
            url=reverse("engagements:follow_up_list"),
            when=row.due_date,
            detail=row.kol.display_name if row.kol else "",
            overdue=row.due_date < today,
        )
        for row in rows
    ]
    return WorkSection(
        "follow_ups",
        "Follow-ups due today or overdue",
        items,
        "No follow-ups due.",
        reverse("engagements:follow_up_list"),
    )


def _inquiries_section(user: Any) -> WorkSection | None:
    if not policy.can(user, "inquiry", "view"):
        return None
    now = timezone.now()
    _, end = _today_bounds()
    rows = inquiry_queue(user=user).filter(due_at__lt=end)[:50]
    items = [
        WorkItem(
            title=f"{row.kol.display_name}: {row.question[:100]}",
            url=reverse("engagements:inquiry_detail", args=[row.pk]),
            when=row.due_at,
            detail=f"{row.get_status_display()} · {row.get_urgency_display()}",
            overdue=row.due_at < now,
        )
        for row in rows
    ]
    return WorkSection(
        "inquiries",
        "Inquiries due today or overdue",
        items,
        "No inquiries due.",
        reverse("engagements:inquiry_queue"),
    )


def _referrals_section(user: Any) -> WorkSection | None:
    if not policy.can(user, "inquiry_referral", "view"):
        return None
    items = [
        WorkItem(
            title=f"{r.kol_name}: {r.question[:100]}",
            when=r.received_at,
            detail="Closed by medical" if r.status == "closed" else "Received by medical",
        )
        for r in referrals_of(user=user)[:20]
    ]
    return WorkSection(
        "referrals",
        "Questions you referred to medical",
        items,
        "You have not referred any question.",
        reverse("engagements:referral_list"),
    )


def register_engagement_providers() -> None:
    register_timeline_provider("interaction", _interaction_entries)
    register_timeline_provider("interaction_fact", _interaction_fact_entries)
    register_timeline_provider("inquiry", _inquiry_entries)
    register_timeline_provider("follow_up", _follow_up_entries)
    register_my_work_section(_meetings_section)
    register_my_work_section(_follow_ups_section)
    register_my_work_section(_inquiries_section)
    register_my_work_section(_referrals_section)
    register_kol_action(
        resource="interaction",
        action="create",
        label="Plan a meeting",
        url_name="engagements:interaction_create",
    )
    register_kol_action(
        resource="inquiry",
        action="create",
        label="Capture an inquiry",
        url_name="engagements:inquiry_create",
    )
    register_kol_action(
        resource="inquiry_referral",
        action="create",
        label="Refer a question to medical",
        url_name="engagements:referral_create",
    )
