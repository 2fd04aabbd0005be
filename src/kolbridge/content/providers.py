"""What content adds to pages of lower apps: KOL timeline entries (shares, what the KOL viewed,
content presented in meetings), "My work" sections (presentation notices, MLR sign-offs
waiting, drafts returned) and the KOL page's "Build a presentation" button. Registered in
``ContentConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse

from kolbridge.content.models import (
    ContentItem,
    PresentedContent,
    ReviewEvent,
    ReviewEventKind,
    ReviewSignature,
    ShareLink,
    ShareOpen,
    VersionStatus,
)
from kolbridge.core import policy
from kolbridge.core.mywork import WorkItem, WorkSection, register_my_work_section
from kolbridge.engagements.sections import register_interaction_section
from kolbridge.kols.actions import register_kol_action
from kolbridge.kols.timeline import TimelineEntry, register_timeline_provider


def duration_label(seconds: int) -> str:
    minutes, secs = divmod(int(seconds), 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _share_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    links = ShareLink.objects.filter(kol=kol).select_related("created_by").order_by("-created_at")
    for link in links[:limit]:
        how = f"e-mailed to {link.emailed_to}" if link.emailed_to else "link handed over"
        yield TimelineEntry(
            link.created_at, "content", f"Shared “{link.title}”", how, _name(link.created_by)
        )
    opens = (
        ShareOpen.objects.filter(share_link__kol=kol)
        .select_related("share_link")
        .annotate(
            seconds=Sum("events__seconds", filter=Q(events__kind=1)),
            modules=Count("events__position", filter=Q(events__kind=1), distinct=True),
            downloads=Count("events", filter=Q(events__kind=2)),
        )
        .order_by("-opened_at")[:limit]
    )
    for row in opens:
        parts = []
        if row.seconds:
            plural = "s" if row.modules != 1 else ""
            parts.append(f"{duration_label(row.seconds)} on {row.modules} module{plural}")
        if row.downloads:
            parts.append(f"{row.downloads} download{'s' if row.downloads != 1 else ''}")
        yield TimelineEntry(
            row.opened_at,
            "content",
            f"Viewed “{row.share_link.title}”",
            "; ".join(parts) or "opened",
        )


def _presented_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    rows = (
        PresentedContent.objects.filter(interaction__interactionattendee__kol=kol)
        .values(
            "interaction_id",
            "presented_at",
            "presented_by__first_name",
            "presented_by__last_name",
            "presented_by__username",
        )
        .annotate(seconds=Sum("seconds"), modules=Count("id"))
        .order_by("-presented_at")[:limit]
    )
    for row in rows:
        by = (
            " ".join(
                p for p in (row["presented_by__first_name"], row["presented_by__last_name"]) if p
            )
            or row["presented_by__username"]
        )
        plural = "s" if row["modules"] != 1 else ""
        yield TimelineEntry(
            row["presented_at"],
            "content",
            "Content presented in a meeting",
            f"{row['modules']} module{plural}, {duration_label(row['seconds'] or 0)}",
            by,
        )


def _notices_section(user: Any) -> WorkSection | None:
    if not policy.can(user, "presentation", "view"):
        return None
    from kolbridge.content.selectors import open_notices_for

    notices = list(open_notices_for(user=user)[:10])
    return WorkSection(
        "content_notices",
        "Presentations to look at",
        [
            WorkItem(
                f"{n.presentation.title} — {n.presentation.kol.display_name}",
                reverse("content:presentation_detail", args=[n.presentation_id]),
                n.created_at,
                n.message,
                overdue=n.kind != "updated",
            )
            for n in notices
        ],
        "No changes to the material in your presentations.",
        reverse("content:presentation_list"),
    )


def _review_section(user: Any) -> WorkSection | None:
    if not policy.can(user, "content_review", "sign"):
        return None
    items = (
        ContentItem.objects.filter(working_version__status=VersionStatus.IN_REVIEW)
        .exclude(owner=user)
        .exclude(
            Exists(
                ReviewSignature.objects.filter(
                    item_version_id=OuterRef("working_version_id"),
                    review_round=OuterRef("working_version__review_round"),
                    signer=user,
                )
            )
        )
        .select_related("working_version")
        .order_by("working_version__submitted_at")[:10]
    )
    return WorkSection(
        "content_review",
        "Waiting for your MLR sign-off",
        [
            WorkItem(
                f"{i.working_version.title} (v{i.working_version.number})",  # type: ignore[union-attr]
                reverse("content:item_detail", args=[i.pk]),
                i.working_version.submitted_at,  # type: ignore[union-attr]
                i.get_kind_display(),
            )
            for i in items
        ],
        "Nothing is waiting for your sign-off.",
        reverse("content:review_queue"),
    )


def _returned_section(user: Any) -> WorkSection | None:
    if not policy.can(user, "content_item", "submit"):
        return None
    events = (
        ReviewEvent.objects.filter(
            kind=ReviewEventKind.RETURNED,
            item_version__item__owner=user,
            item_version__status=VersionStatus.DRAFT,
        )
        .select_related("item_version", "by")
        .order_by("-at")[:10]
    )
    if not events:
        return None
    return WorkSection(
        "content_returned",
        "Drafts returned by MLR review",
        [
            WorkItem(
                e.item_version.title,
                reverse("content:item_detail", args=[e.item_version.item_id]),
                e.at,
                f"{_name(e.by)}: {e.comment}",
                overdue=True,
            )
            for e in events
        ],
    )


def register_content_providers() -> None:
    register_timeline_provider("share_link", _share_entries)
    register_timeline_provider("presentation", _presented_entries)
    register_my_work_section(_notices_section)
    register_my_work_section(_review_section)
    register_my_work_section(_returned_section)
    register_kol_action(
        resource="presentation",
        action="create",
        label="Build a presentation",
        url_name="content:presentation_new",
    )
    register_kol_action(
        resource="share_link",
        action="view",
        label="Share links",
        url_name="content:share_link_list",
    )
    # The section is a page fragment, so it lives with the pages; imported here because the
    # views import this module.
    from kolbridge.content.views import interaction_content_section

    register_interaction_section(interaction_content_section)
