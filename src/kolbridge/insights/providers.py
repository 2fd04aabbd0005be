"""What insights adds to lower apps: the adverse-event screener of field text, KOL timeline
entries, "My work" sections (the PV queue, insights to review, PM questions, what became of an
MSL's insights) and the KOL page's "Capture an insight" button. Registered in
``InsightsConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from kolbridge.core import policy
from kolbridge.core.fieldtext import register_field_text_screener
from kolbridge.core.models import Role
from kolbridge.core.mywork import WorkItem, WorkSection, register_my_work_section
from kolbridge.engagements.sections import register_interaction_section
from kolbridge.insights.models import AdverseEventReport, AeStatus, Insight, PmQuestionStatus
from kolbridge.insights.services import ae_screen_field_text
from kolbridge.kols.actions import register_kol_action
from kolbridge.kols.timeline import TimelineEntry, register_timeline_provider


def _insight_entries(kol: Any, user: Any, limit: int) -> Iterable[TimelineEntry]:
    rows = (
        Insight.objects.filter(kols=kol)
        .select_related("captured_by")
        .order_by("-captured_at")[:limit]
    )
    for row in rows:
        yield TimelineEntry(
            row.captured_at,
            "insight",
            f"Insight: {row.get_category_display()}",
            row.text,
            row.captured_by.get_full_name() or row.captured_by.username,
        )


def _pv_queue_section(user: Any) -> WorkSection | None:
    if user.role != Role.PV_OFFICER:
        return None
    now = timezone.now()
    reports = AdverseEventReport.objects.filter(status=AeStatus.OPEN).order_by("due_at")[:10]
    return WorkSection(
        "ae_queue",
        "Possible adverse events on the clock",
        [
            WorkItem(
                f"#{r.pk} {r.get_source_type_display()}"
                + (" — manual review" if r.needs_manual_review else ""),
                reverse("insights:ae_detail", args=[r.pk]),
                r.due_at,
                r.excerpt[:160],
                overdue=r.due_at < now,
            )
            for r in reports
        ],
        "The queue is empty.",
        reverse("insights:ae_queue"),
    )


def _review_section(user: Any) -> WorkSection | None:
    if not policy.can(user, "insight", "review"):
        return None
    from kolbridge.insights.selectors import pm_questions_for, review_queue

    waiting = list(review_queue(user=user)[:8])
    items = [
        WorkItem(
            f"{i.get_category_display()}: {i.text[:80]}",
            reverse("insights:insight_detail", args=[i.pk]),
            i.captured_at,
            i.captured_by.get_full_name() or i.captured_by.username,
        )
        for i in waiting
    ]
    for q in pm_questions_for(user=user, status=PmQuestionStatus.ASKED)[:5]:
        items.append(
            WorkItem(
                f"PM question to route: {q.text[:80]}",
                reverse("insights:question_detail", args=[q.pk]),
                q.asked_at,
                q.product.name,
                overdue=True,
            )
        )
    return WorkSection(
        "insight_review",
        "Insights and PM questions waiting for you",
        items,
        "No new insights to review.",
        reverse("insights:review_queue"),
    )


def _msl_section(user: Any) -> WorkSection | None:
    if user.role != Role.MSL:
        return None
    from kolbridge.insights.selectors import outcomes_for_msl, pm_questions_for

    items = [
        WorkItem(
            f"PM question for you: {q.text[:80]}",
            reverse("insights:question_detail", args=[q.pk]),
            q.routed_at,
            q.routing_note or q.product.name,
            overdue=True,
        )
        for q in pm_questions_for(user=user, status=PmQuestionStatus.ROUTED)[:5]
    ]
    for o in outcomes_for_msl(user=user, limit=8):
        via = f" (theme “{o.via_theme}”)" if o.via_theme else ""
        items.append(
            WorkItem(
                f"Your insight{via}: {o.action.get_decision_display()}",
                reverse("insights:insight_detail", args=[o.insight_id]),
                o.action.decided_at,
                f"{o.action.action} — {o.action.get_status_display().lower()}",
            )
        )
    return WorkSection(
        "insight_outcomes",
        "What became of your insights",
        items,
        "No decisions on your insights yet.",
        reverse("insights:insight_list") + "?mine=1",
    )


def _pm_section(user: Any) -> WorkSection | None:
    if user.role != Role.PRODUCT_MANAGER:
        return None
    from kolbridge.insights.selectors import pm_questions_for

    return WorkSection(
        "pm_questions",
        "Your questions to medical",
        [
            WorkItem(
                q.text[:90],
                reverse("insights:question_detail", args=[q.pk]),
                q.answered_at or q.asked_at,
                q.get_status_display(),
            )
            for q in pm_questions_for(user=user)[:8]
        ],
        "Ask medical what the field says about your product.",
        reverse("insights:question_list"),
    )


def register_insight_providers() -> None:
    register_field_text_screener(ae_screen_field_text)
    register_timeline_provider("insight", _insight_entries)
    for section in (_pv_queue_section, _review_section, _msl_section, _pm_section):
        register_my_work_section(section)
    register_kol_action(
        resource="insight",
        action="create",
        label="Capture an insight",
        url_name="insights:insight_new",
    )
    # The section is a page fragment with its form, so it lives with the pages.
    from kolbridge.insights.views import interaction_insight_section

    register_interaction_section(interaction_insight_section)
