"""Record-level rules for content, and the compliance gates for using content externally.

Roles per action are core's firewall matrix. Here:

- Medical roles and administrators see the whole library. Commercial roles see only items whose
  version in use has a commercial audience and proactive use (reactive-only material is
  off-label territory and never reaches commercial); sales reps only approved ones.
- Authors change their own items; a medical lead may change any medical item. A product
  manager authors promotional (commercial-audience) items only.
- Presentations and share links belong to their owner (and the owner's medical lead) and are
  about a KOL the owner may see.
- ``external_use_refusal`` is the one place the sharing and presenting rules are written: only
  approved, unexpired, unwithdrawn content; medical-external audience only; proactive use only
  on-label; reactive-only material only in answer to that KOL's logged unsolicited inquiry on
  its topic.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from kolbridge.content.models import (
    ContentItem,
    ItemStatus,
    ItemVersion,
    ItemVersionModule,
    ModuleStatus,
    ModuleVersion,
    Usage,
    VersionStatus,
)
from kolbridge.core import policy
from kolbridge.core.models import Role
from kolbridge.engagements.policies import team_ids
from kolbridge.kols.policies import territory_ids_in_reach

COMMERCIAL_ROLES = {Role.PRODUCT_MANAGER, Role.SALES_REP}


def commercial_items_q(user: Any, prefix: str = "") -> Q:
    """Items a commercial role may see: commercial audience, proactive, (reps) approved."""
    q = Q(**{f"{prefix}current_version__audience_commercial": True}) & Q(
        **{f"{prefix}current_version__usage": Usage.PROACTIVE}
    )
    if user.role == Role.SALES_REP:
        q &= Q(**{f"{prefix}status": ItemStatus.APPROVED})
    else:
        q &= Q(**{f"{prefix}status": ItemStatus.APPROVED}) | Q(**{f"{prefix}owner": user})
    return q


class ContentItemPolicy(policy.ResourcePolicy):
    resource = "content_item"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if user.role in COMMERCIAL_ROLES:
            return queryset.filter(commercial_items_q(user))
        return queryset

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        item: ContentItem = obj  # type: ignore[assignment]
        if action == "view":
            return self.scope(user, ContentItem.objects.filter(pk=item.pk)).exists()
        if action in ("change", "submit"):
            if user.role == Role.MEDICAL_LEAD:
                return True
            return item.owner_id == user.pk
        return True

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return "Ownership rule: only the item's author (or a medical lead) may change or submit it."


class ContentModulePolicy(policy.ResourcePolicy):
    resource = "content_module"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if user.role not in COMMERCIAL_ROLES:
            return queryset
        in_commercial_item = ItemVersionModule.objects.filter(
            module_version__module_id=OuterRef("pk")
        ).filter(
            Exists(
                ContentItem.objects.filter(
                    commercial_items_q(user), current_version_id=OuterRef("item_version_id")
                )
            )
        )
        return queryset.filter(Q(Exists(in_commercial_item)) | Q(created_by=user))

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        if action == "view":
            return self.scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
        if user.role == Role.MEDICAL_LEAD:
            return True
        return obj.created_by_id == user.pk  # type: ignore[attr-defined]

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return "Ownership rule: only the module's author (or a medical lead) may change it."


class ContentReviewPolicy(policy.ResourcePolicy):
    resource = "content_review"

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        if action == "sign":
            return not _is_author(user, obj)
        return True

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return (
            "Self-approval rule: the author of an item or of one of its modules may not sign "
            "its MLR review."
        )


def _is_author(user: Any, obj: Model) -> bool:
    version: ItemVersion = obj  # type: ignore[assignment]
    if version.created_by_id == user.pk or version.item.owner_id == user.pk:
        return True
    return ModuleVersion.objects.filter(
        item_links__item_version=version, created_by=user, status=ModuleStatus.DRAFT
    ).exists()


class OwnedByTeamPolicy(policy.ResourcePolicy):
    """Records owned by an MSL: the owner and the owner's medical lead, about a KOL in reach."""

    owner_field = "owner"
    noun = "record"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        scoped = queryset.filter(**{f"{self.owner_field}_id__in": team_ids(user)})
        territories = territory_ids_in_reach(user)
        if territories is not None:
            scoped = scoped.filter(kol__territory_id__in=territories)
        return scoped

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        if getattr(obj, f"{self.owner_field}_id") not in team_ids(user):
            return False
        territories = territory_ids_in_reach(user)
        return territories is None or obj.kol.territory_id in territories  # type: ignore[attr-defined]

    def record_refusal(self, user: Any, action: str, obj: Model) -> str:
        return f"Ownership rule: this {self.noun} belongs to someone else."


class PresentationPolicy(OwnedByTeamPolicy):
    resource = "presentation"
    noun = "presentation"


class ShareLinkPolicy(OwnedByTeamPolicy):
    resource = "share_link"
    owner_field = "created_by"
    noun = "share link"

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if user.role == Role.REVIEWER:
            return queryset
        return super().scope(user, queryset)

    def can_on_record(self, user: Any, action: str, obj: Model) -> bool:
        # MLR may find and pull any share link; that is a compliance act, not scientific
        # exchange.
        if user.role == Role.REVIEWER:
            return action in ("view", "revoke")
        return super().can_on_record(user, action, obj)


def register_content_policies() -> None:
    for p in (
        ContentItemPolicy(),
        ContentModulePolicy(),
        ContentReviewPolicy(),
        PresentationPolicy(),
        ShareLinkPolicy(),
        policy.RolePolicy("email_template"),
    ):
        policy.register(p)
    policy.register_audited_actions("content.", "content_item")
    policy.register_audited_actions("module.", "content_module")
    policy.register_audited_actions("presentation.", "presentation")
    policy.register_audited_actions("share_link.", "share_link")


# The compliance gates ---------------------------------------------------------------------


def usable_refusal(version: ItemVersion, today: date | None = None) -> str | None:
    """Why this version may not be used at all now (None: it may)."""
    item = version.item
    today = today or timezone.localdate()
    if item.status == ItemStatus.WITHDRAWN or version.status == VersionStatus.WITHDRAWN:
        when = f" on {item.withdrawn_at:%Y-%m-%d}" if item.withdrawn_at else ""
        return f"Withdrawal rule: “{version.title}” was withdrawn{when} and may not be used."
    if version.expires_on < today:
        return (
            f"Expiry rule: “{version.title}” v{version.number} expired on "
            f"{version.expires_on:%Y-%m-%d} and may not be used."
        )
    if version.status != VersionStatus.APPROVED:
        status = version.get_status_display()
        # Lower-case the first letter only: "in MLR review", not "in mlr review".
        return (
            f"Approval rule: “{version.title}” v{version.number} is "
            f"{status[:1].lower()}{status[1:]}; only approved content may be used."
        )
    return None


def off_label_indications(version: ItemVersion) -> list[str]:
    """Indications the version speaks to that are not approved uses of its products."""
    product_ids = {p.pk for p in version.products.all()}
    return [
        f"{ind.name} ({ind.product.name})"
        for ind in version.indications.select_related("product")
        if not ind.approved or ind.product_id not in product_ids
    ]


def external_use_refusal(
    version: ItemVersion,
    *,
    kol: Any,
    inquiry: Any = None,
    module_version: ModuleVersion | None = None,
    today: date | None = None,
) -> str | None:
    """Why this content may not be presented or shared with this KOL (None: it may).

    ``inquiry`` is the logged unsolicited request the use answers, if any."""
    refusal = usable_refusal(version, today)
    if refusal:
        return refusal
    if module_version is not None and module_version.status != ModuleStatus.APPROVED:
        return (
            f"Approval rule: module “{module_version.title}” v{module_version.number} is "
            f"{module_version.get_status_display().lower()}; only its approved version may be used."
        )
    if not version.audience_medical_external:
        if version.audience_internal_training:
            return (
                f"Audience rule: “{version.title}” is internal-training content and is never "
                "used externally."
            )
        return (
            f"Audience rule: “{version.title}” is promotional content; medical staff share "
            "only content approved for a medical external audience."
        )
    if version.usage == Usage.REACTIVE:
        return _reactive_refusal(version, kol, inquiry)
    off_label = off_label_indications(version)
    if off_label:
        return (
            f"On-label rule: proactive use is limited to on-label content; “{version.title}” "
            f"speaks to {', '.join(off_label)}, not an approved indication."
        )
    return None


def _reactive_refusal(version: ItemVersion, kol: Any, inquiry: Any) -> str | None:
    if inquiry is None:
        return (
            f"Reactive-only rule: “{version.title}” may go to {kol.display_name} only in answer "
            "to a logged unsolicited inquiry from them on its topic; link that inquiry."
        )
    if inquiry.kol_id != kol.pk:
        return (
            f"Reactive-only rule: inquiry #{inquiry.pk} came from another HCP; reactive-only "
            f"content answers only the HCP who asked."
        )
    if not inquiry.unsolicited_confirmed:
        return f"Reactive-only rule: inquiry #{inquiry.pk} is not confirmed as unsolicited."
    product_ids = {p.pk for p in version.products.all()}
    if inquiry.product_id is None or inquiry.product_id not in product_ids:
        return (
            f"Reactive-only rule: inquiry #{inquiry.pk} is not about the product(s) "
            f"“{version.title}” covers, so it does not answer it."
        )
    return None
