"""Reads of the core app that depend on who asks."""

from __future__ import annotations

from django.db.models import QuerySet

from kolbridge.core import policy
from kolbridge.core.models import (
    AuditEntry,
    Product,
    Territory,
    TherapeuticArea,
    User,
)


def audit_trail_for(*, user: User, object_type: str, object_id: object) -> QuerySet[AuditEntry]:
    """The audit entries of one record, newest first, for those allowed to read the trail;
    entries about data the firewall hides from the reader (e.g. scientific questions from an
    administrator) are left out."""
    qs = AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
    for prefix in policy.hidden_audit_actions(user):
        qs = qs.exclude(action__startswith=prefix)
    return policy.visible(user, "audit_trail", qs).order_by("-sequence")


def territories_list(*, user: User) -> QuerySet[Territory]:
    return policy.visible(user, "reference_data", Territory.objects.all())


def therapeutic_areas_list(*, user: User) -> QuerySet[TherapeuticArea]:
    return policy.visible(user, "reference_data", TherapeuticArea.objects.all())


def products_list(*, user: User) -> QuerySet[Product]:
    return policy.visible(
        user, "reference_data", Product.objects.select_related("therapeutic_area")
    ).prefetch_related("indications")
