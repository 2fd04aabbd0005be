"""Record-level rules for engagements. Roles per action are core's firewall matrix.

- An MSL sees interactions they took part in and those with KOLs of their territory; a medical
  lead those of the team. Changing one needs to be among its MSLs (or lead of one of them).
- Inquiries follow their KOL's territory; PV officers see all of them.
- A sales rep sees only the referrals they made, and never the answer (``inquiry_referral``).
- Follow-ups belong to their owner (and the owner's medical lead).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from kolbridge.core import policy
from kolbridge.core.models import Role, User
from kolbridge.engagements.models import (
    InquirySource,
    InteractionAttendee,
    InteractionStaff,
)
from kolbridge.kols.policies import territory_ids_in_reach


def team_ids(user: Any) -> set[int]:
    """The user and, for a medical lead, the people who report to them."""
    cached: set[int] | None = getattr(user, "_team_ids", None)
    if cached is None:
        cached = {user.pk}
        if user.role == Role.MEDICAL_LEAD:
            cached |= set(User.objects.filter(manager=user).values_list("pk", flat=True))
        user._team_ids = cached
    return cached


class InteractionPolicy(policy.ResourcePolicy):
    resource = "interaction"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        territories = territory_ids_in_reach(user)
        if territories is None:
            return queryset
        with_team = InteractionStaff.objects.filter(
            interaction_id=OuterRef("pk"), user_id__in=team_ids(user)
        )
        with_territory_kol = InteractionAttendee.objects.filter(
            interaction_id=OuterRef("pk"), kol__territory_id__in=territories
        )
        return queryset.filter(Q(Exists(with_team)) | Q(Exists(with_territory_kol)))

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        if action == "view":
            return self.scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
        # Writing needs to be one of its MSLs, or the lead of one of them.
        return InteractionStaff.objects.filter(
            interaction_id=obj.pk, user_id__in=team_ids(user)
        ).exists()

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return "Ownership rule: only the MSLs of this interaction (or their lead) may change it."


class InteractionFactPolicy(policy.ResourcePolicy):
    """Commercial roles may learn that a medical interaction with an HCP took place on a date."""

    resource = "interaction_fact"


class InquiryPolicy(policy.ResourcePolicy):
    resource = "inquiry"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        territories = territory_ids_in_reach(user)
        if territories is None:
            return queryset
        return queryset.filter(kol__territory_id__in=territories)

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        territories = territory_ids_in_reach(user)
        return territories is None or obj.kol.territory_id in territories  # type: ignore[attr-defined]

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return "Territory rule: this inquiry's HCP is outside your territory."


class InquiryReferralPolicy(policy.ResourcePolicy):
    """A sales rep's view of the questions they referred: received or closed, never the answer."""

    resource = "inquiry_referral"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(captured_by=user, source=InquirySource.SALES_REFERRAL)

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        return getattr(obj, "captured_by_id", None) == user.pk


class FollowUpPolicy(policy.ResourcePolicy):
    resource = "follow_up"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(owner_id__in=team_ids(user))

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        return obj.owner_id in team_ids(user)  # type: ignore[attr-defined]

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return "Ownership rule: this follow-up belongs to someone else."


def register_engagement_policies() -> None:
    for p in (
        InteractionPolicy(),
        InteractionFactPolicy(),
        InquiryPolicy(),
        InquiryReferralPolicy(),
        FollowUpPolicy(),
    ):
        policy.register(p)
    policy.register_audited_actions("interaction.", "interaction")
    policy.register_audited_actions("inquiry.", "inquiry")
    policy.register_audited_actions("follow_up.", "follow_up")
