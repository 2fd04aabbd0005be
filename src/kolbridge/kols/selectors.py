"""Every read of the KOL 360, always starting from the policy's visible set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from kolbridge.core import policy
from kolbridge.core.errors import Forbidden, NotFound
from kolbridge.core.models import User
from kolbridge.kols.models import (
    KnowledgeLevel,
    Kol,
    KolChannelPreference,
    KolKnowledgeAssessment,
    KolSearchToken,
    QuestionStatus,
    ScientificQuestion,
)
from kolbridge.kols.search import prefix_upper_bound, query_prefixes
from kolbridge.kols.timeline import TimelineEntry, timeline_for


def kols_visible(*, user: User) -> QuerySet[Kol]:
    return policy.visible(user, "kol", Kol.objects.all())


def kol_search(
    *,
    user: User,
    q: str = "",
    tier: int | None = None,
    stage: str | None = None,
    therapeutic_area: str | None = None,
    territory: str | None = None,
) -> QuerySet[Kol]:
    """KOLs the user may see, matching a text and filters. Every word of ``q`` must start a
    word of the KOL's name, specialty, institution, department or city."""
    qs = kols_visible(user=user).select_related("territory")
    for prefix in query_prefixes(q):
        tokens = KolSearchToken.objects.filter(token__gte=prefix)
        upper = prefix_upper_bound(prefix)
        if upper is not None:
            tokens = tokens.filter(token__lt=upper)
        qs = qs.filter(pk__in=tokens.values("kol_id"))
    if tier is not None:
        qs = qs.filter(tier=tier)
    if stage:
        # Filtering by stage would reveal stages, so it needs the right to see them.
        policy.require(user, "kol_journey", "view")
        qs = qs.filter(current_stage=stage)
    if therapeutic_area:
        qs = qs.filter(therapeutic_areas__code=therapeutic_area)
    if territory:
        qs = qs.filter(territory__code=territory)
    return qs.order_by("last_name", "first_name", "id")


def kol_get(*, user: User, kol_id: int) -> Kol:
    """One KOL the user may see; any other id answers as if it did not exist."""
    # No prefetch_related: for one row it runs the same one query per relation that reading
    # ``kol.therapeutic_areas`` / ``kol.external_ids`` runs, plus its own bookkeeping (about
    # 2 ms of CPU a request), and most callers never read those relations at all.
    kol = kols_visible(user=user).select_related("territory").filter(pk=kol_id).first()
    if kol is None:
        raise NotFound(f"No KOL with id {kol_id}.")
    return kol


@dataclass(frozen=True)
class KnowledgeNow:
    subject: str
    subject_kind: str
    level: int
    level_label: str
    assessed_at: Any


@dataclass(frozen=True)
class Journey:
    """Where the KOL stands today: stage, knowledge per subject, channel preferences."""

    stage: str
    stage_label: str
    stage_since: Any
    knowledge: list[KnowledgeNow]
    channels: KolChannelPreference | None


def kol_journey(*, user: User, kol: Kol) -> Journey | None:
    """Today's journey picture, or None when the firewall hides it from this user."""
    if not policy.can(user, "kol_journey", "view", kol):
        return None
    latest: dict[tuple[str, int], KnowledgeNow] = {}
    # Plain values, not model rows: this runs on every KOL page and detail call.
    rows = (
        KolKnowledgeAssessment.objects.filter(kol=kol)
        .order_by("assessed_at", "id")
        .values_list(
            "product_id",
            "product__name",
            "therapeutic_area_id",
            "therapeutic_area__name",
            "level",
            "assessed_at",
        )
    )
    for product_id, product, area_id, area, level, assessed_at in rows:
        kind = "product" if product_id else "therapeutic_area"
        latest[(kind, product_id or area_id or 0)] = KnowledgeNow(
            product or area, kind, level, KnowledgeLevel(level).label, assessed_at
        )
    channels = (
        KolChannelPreference.objects.filter(kol=kol)
        .only("kol_id", "channels", "preferred_times", "email_consent", "effective_at")
        .order_by("-effective_at", "-id")
        .first()
    )
    return Journey(
        stage=kol.current_stage,
        stage_label=kol.get_current_stage_display(),
        stage_since=kol.stage_since,
        knowledge=sorted(latest.values(), key=lambda k: k.subject),
        channels=channels,
    )


def kol_questions(
    *, user: User, kol: Kol, status: str | None = None
) -> QuerySet[ScientificQuestion]:
    policy.require(user, "kol_question", "view", kol)
    qs = policy.visible(user, "kol_question", ScientificQuestion.objects.filter(kol=kol))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("therapeutic_area").order_by("-asked_at", "-id")


def kol_open_questions(*, user: User, kol: Kol) -> QuerySet[ScientificQuestion] | None:
    """Open questions for the 360 page, or None when the firewall hides questions."""
    if not policy.can(user, "kol_question", "view", kol):
        return None
    return kol_questions(user=user, kol=kol, status=QuestionStatus.OPEN)


def kol_question_get(*, user: User, kol: Kol, question_id: int) -> ScientificQuestion:
    if not policy.can(user, "kol_question", "view", kol):
        raise Forbidden(policy.refusal(user.role, "kol_question", "view"))
    question = (
        policy.visible(user, "kol_question", ScientificQuestion.objects.filter(kol=kol))
        .select_related("kol")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise NotFound(f"No question with id {question_id} for this KOL.")
    return question


def kol_timeline(*, user: User, kol: Kol, limit: int = 100) -> list[TimelineEntry]:
    return timeline_for(user=user, kol=kol, limit=limit)
