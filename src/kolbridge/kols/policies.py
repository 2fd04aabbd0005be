"""Record-level rules for KOL records: an MSL sees the KOLs of their territory, a medical
lead those of the team's territories; the role rules are core's firewall matrix."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from kolbridge.core import policy
from kolbridge.core.models import Role, User


def territory_ids_in_reach(user: Any) -> set[int] | None:
    """Territories whose KOLs the user works with; None means every territory."""
    cached: set[int] | bool | None = getattr(user, "_kol_territory_ids", False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    ids: set[int] | None
    if user.role == Role.MSL:
        ids = {user.territory_id} if user.territory_id else set()
    elif user.role == Role.MEDICAL_LEAD:
        ids = set(
            User.objects.filter(manager=user, territory__isnull=False).values_list(
                "territory_id", flat=True
            )
        )
        if user.territory_id:
            ids.add(user.territory_id)
    else:
        ids = None
    user._kol_territory_ids = ids
    return ids


class KolPolicy(policy.ResourcePolicy):
    resource = "kol"
    kol_path = ""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        ids = territory_ids_in_reach(user)
        if ids is None:
            return queryset
        field = f"{self.kol_path}__territory_id__in" if self.kol_path else "territory_id__in"
        return queryset.filter(**{field: ids})

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        ids = territory_ids_in_reach(user)
        if ids is None:
            return True
        kol = getattr(obj, self.kol_path) if self.kol_path and hasattr(obj, self.kol_path) else obj
        return getattr(kol, "territory_id", None) in ids

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return "Territory rule: this KOL belongs to a territory outside your reach."


class KolJourneyPolicy(KolPolicy):
    """Stage changes, knowledge assessments and channel preferences of visible KOLs."""

    resource = "kol_journey"
    kol_path = "kol"


class KolQuestionPolicy(KolPolicy):
    resource = "kol_question"
    kol_path = "kol"


def register_kol_policies() -> None:
    policy.register(KolPolicy())
    policy.register(KolJourneyPolicy())
    policy.register(KolQuestionPolicy())
    policy.register_audited_actions("kol.question_", "kol_question")
    for action in ("kol.stage_change", "kol.knowledge_record", "kol.channel_preferences_record"):
        policy.register_audited_actions(action, "kol_journey")
