"""Record-level rules for insights. Roles per action are core's firewall matrix. Here:

- An MSL sees the insights they captured and those about KOLs of their territory; a medical
  lead the team's; a PV officer all of them (safety review). An MSL changes only their own
  insight, and only before medical review.
- Commercial roles never touch ``insight``; they read ``released_insight``: released rows,
  through the de-identified fields only (selectors hand them nothing else).
- Adverse-event reports: PV officers see all; an MSL the reports from their own records; a
  lead the team's.
- A product manager sees their own questions; an MSL the questions routed to them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from kolbridge.core import policy
from kolbridge.core.models import Role
from kolbridge.engagements.policies import team_ids
from kolbridge.insights.models import Insight, InsightStatus, ThemeStatus
from kolbridge.kols.policies import territory_ids_in_reach


class InsightPolicy(policy.ResourcePolicy):
    resource = "insight"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if user.role == Role.PV_OFFICER:
            return queryset
        territories = territory_ids_in_reach(user)
        q = Q(captured_by_id__in=team_ids(user))
        if territories is not None:
            about_territory = Insight.kols.through.objects.filter(
                insight_id=OuterRef("pk"), kol__territory_id__in=territories
            )
            q |= Q(Exists(about_territory))
        else:
            return queryset
        return queryset.filter(q)

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        insight: Insight = obj  # type: ignore[assignment]
        if action == "view":
            return self.scope(user, Insight.objects.filter(pk=insight.pk)).exists()
        if action == "change" and user.role == Role.MSL:
            return insight.captured_by_id == user.pk and insight.status == InsightStatus.NEW
        # Review, release and a lead's corrections: the lead of the MSL who captured it.
        return insight.captured_by_id in team_ids(user)

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        if action == "change":
            return (
                "Ownership rule: an MSL changes only their own insights, and only until medical "
                "review."
            )
        return "Team rule: this insight was captured outside your team."


class ReleasedInsightPolicy(policy.ResourcePolicy):
    resource = "released_insight"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(released_at__isnull=False)

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        return getattr(obj, "released_at", None) is not None

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return "Release rule: this insight is not released to commercial."


class ThemePolicy(policy.ResourcePolicy):
    resource = "theme"


class ReleasedThemePolicy(policy.ResourcePolicy):
    resource = "released_theme"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(released_at__isnull=False, status=ThemeStatus.ACTIVE)

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        return getattr(obj, "released_at", None) is not None

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return "Release rule: this theme is not released to commercial."


class PmQuestionPolicy(policy.ResourcePolicy):
    resource = "pm_question"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if user.role == Role.PRODUCT_MANAGER:
            return queryset.filter(asked_by=user)
        if user.role == Role.MSL:
            return queryset.filter(routed_to=user).distinct()
        return queryset

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        return self.scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return "Routing rule: this question was not asked by you or routed to you."


class AdverseEventPolicy(policy.ResourcePolicy):
    resource = "adverse_event"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if user.role == Role.PV_OFFICER:
            return queryset
        return queryset.filter(reporter_id__in=team_ids(user))

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        if user.role == Role.PV_OFFICER:
            return True
        return getattr(obj, "reporter_id", None) in team_ids(user)

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return (
            "Reporter rule: an MSL sees the reports from their own records, a medical lead "
            "those of their team."
        )


def register_insight_policies() -> None:
    for p in (
        InsightPolicy(),
        ReleasedInsightPolicy(),
        ThemePolicy(),
        ReleasedThemePolicy(),
        policy.RolePolicy("insight_action"),
        PmQuestionPolicy(),
        AdverseEventPolicy(),
    ):
        policy.register(p)
    policy.register_audited_actions("insight.", "insight")
    policy.register_audited_actions("theme.", "theme")
    policy.register_audited_actions("insight_action.", "insight_action")
    policy.register_audited_actions("pm_question.", "pm_question")
    policy.register_audited_actions("adverse_event.", "adverse_event")
