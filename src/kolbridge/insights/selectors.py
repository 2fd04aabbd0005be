"""Every read of insights, starting from the policy's visible set. Commercial roles read
through ``released_*`` only, which hand over de-identified fields and nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from kolbridge.core import policy
from kolbridge.core.errors import Forbidden, Invalid, NotFound
from kolbridge.core.models import User
from kolbridge.engagements.policies import team_ids
from kolbridge.insights.models import (
    AdverseEventReport,
    AeStatus,
    Insight,
    InsightAction,
    InsightCategory,
    InsightStatus,
    PmQuestion,
    Theme,
    ThemeMembership,
    ThemeStatus,
)


def require_view(user: Any, resource: str) -> None:
    if not policy.can(user, resource, "view"):
        if not user.is_authenticated:
            raise Forbidden("Sign in first.")
        raise Forbidden(policy.refusal(user.role, resource, "view"))


def check_period(start: date | None, end: date | None, end_field: str = "period_end") -> None:
    if start and end and end < start:
        raise Invalid({end_field: ["The end of the period is before its start."]})


# Identifiable insights (medical) ----------------------------------------------------------


def insights_visible(*, user: User) -> QuerySet[Insight]:
    return policy.visible(user, "insight", Insight.objects.all())


def readable_insight_ids(*, user: User, ids: Sequence[int]) -> set[int]:
    """Which of these insights the user may read (say, the representatives of themes)."""
    return set(insights_visible(user=user).filter(pk__in=list(ids)).values_list("pk", flat=True))


def insight_search(
    *,
    user: User,
    q: str = "",
    category: str = "",
    status: str = "",
    therapeutic_area: str = "",
    product: str = "",
    captured_from: date | None = None,
    captured_to: date | None = None,
    kol_id: int | None = None,
    interaction_id: int | None = None,
    mine: bool = False,
) -> QuerySet[Insight]:
    require_view(user, "insight")
    check_period(captured_from, captured_to, "captured_to")
    qs = insights_visible(user=user).select_related(
        "therapeutic_area", "product", "captured_by", "reviewed_by", "interaction"
    )
    if q.strip():
        qs = qs.filter(text__icontains=q.strip())
    if category:
        if category not in InsightCategory.values:
            raise Invalid({"category": [f"Unknown category {category!r}."]})
        qs = qs.filter(category=category)
    if status:
        if status not in InsightStatus.values:
            raise Invalid({"status": [f"Unknown status {status!r}."]})
        qs = qs.filter(status=status)
    if therapeutic_area:
        qs = qs.filter(therapeutic_area__code=therapeutic_area)
    if product:
        qs = qs.filter(product__name__iexact=product)
    if captured_from:
        qs = qs.filter(captured_at__date__gte=captured_from)
    if captured_to:
        qs = qs.filter(captured_at__date__lte=captured_to)
    if kol_id is not None:
        qs = qs.filter(kols__id=kol_id)
    if interaction_id is not None:
        qs = qs.filter(interaction_id=interaction_id)
    if mine:
        qs = qs.filter(captured_by=user)
    return qs.prefetch_related("kols").order_by("-captured_at", "-id")


def insight_get(*, user: User, insight_id: int) -> Insight:
    insight = (
        insights_visible(user=user)
        .select_related(
            "therapeutic_area",
            "product",
            "captured_by",
            "interaction",
            "reviewed_by",
            "released_by",
            "merged_into",
            "pm_question",
        )
        .prefetch_related("kols", "actions__owner")
        .filter(pk=insight_id)
        .first()
    )
    if insight is None:
        raise NotFound(f"No insight with id {insight_id}.")
    return insight


def review_queue(*, user: User) -> QuerySet[Insight]:
    """New insights of the lead's team waiting for medical review, oldest first (not those of
    another team about the lead's territories: their own lead reviews them)."""
    if not policy.can(user, "insight", "review"):
        raise Forbidden(policy.refusal(user.role, "insight", "review"))
    return (
        insight_search(user=user, status=InsightStatus.NEW)
        .filter(captured_by_id__in=team_ids(user))
        .order_by("captured_at", "id")
    )


# Released (de-identified) -----------------------------------------------------------------


@dataclass(frozen=True)
class ReleasedInsight:
    """What crosses the firewall: de-identified wording and classification. No KOL, no MSL,
    no interaction, no capture time (the release date stands in for it)."""

    id: int
    text: str
    category: str
    category_label: str
    therapeutic_area: str
    product: str
    released_on: date


_RELEASED_FIELDS = (
    "id",
    "released_text",
    "category",
    "therapeutic_area__name",
    "product__name",
    "released_at",
)


def _released(
    pk: int, text: str, category: str, area: str, product: str | None, at: datetime
) -> ReleasedInsight:
    label = dict(InsightCategory.choices).get(category, category)
    return ReleasedInsight(
        pk, text, category, label, area, product or "", timezone.localtime(at).date()
    )


def released_insights(
    *,
    user: User,
    product: str = "",
    therapeutic_area: str = "",
    category: str = "",
    released_from: date | None = None,
    released_to: date | None = None,
    pm_question_id: int | None = None,
) -> list[ReleasedInsight]:
    require_view(user, "released_insight")
    check_period(released_from, released_to, "released_to")
    qs = policy.visible(user, "released_insight", Insight.objects.all())
    if product:
        qs = qs.filter(product__name__iexact=product)
    if therapeutic_area:
        qs = qs.filter(therapeutic_area__code=therapeutic_area)
    if category:
        qs = qs.filter(category=category)
    if released_from:
        qs = qs.filter(released_at__date__gte=released_from)
    if released_to:
        qs = qs.filter(released_at__date__lte=released_to)
    if pm_question_id is not None:
        qs = qs.filter(pm_question_id=pm_question_id)
    rows = qs.order_by("-released_at", "-id").values_list(*_RELEASED_FIELDS)
    return [_released(*row) for row in rows]


def released_answers(
    *, user: User, question_ids: Sequence[int]
) -> dict[int, list[ReleasedInsight]]:
    """The released insights answering each of these questions, newest first, in one query
    (for a list of questions)."""
    answers: dict[int, list[ReleasedInsight]] = {pk: [] for pk in question_ids}
    qs = policy.visible(
        user, "released_insight", Insight.objects.filter(pm_question_id__in=list(question_ids))
    )
    for question_id, *row in qs.order_by("-released_at", "-id").values_list(
        "pm_question_id", *_RELEASED_FIELDS
    ):
        answers[question_id].append(_released(*row))
    return answers


# Themes -----------------------------------------------------------------------------------


def themes_for(
    *,
    user: User,
    therapeutic_area: str = "",
    product: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
) -> QuerySet[Theme]:
    require_view(user, "theme")
    check_period(period_start, period_end)
    qs = Theme.objects.filter(status=ThemeStatus.ACTIVE).select_related(
        "therapeutic_area", "product", "representative"
    )
    if therapeutic_area:
        qs = qs.filter(therapeutic_area__code=therapeutic_area)
    if product:
        qs = qs.filter(product__name__iexact=product)
    if period_start:
        qs = qs.filter(period_end__gte=period_start)
    if period_end:
        qs = qs.filter(period_start__lte=period_end)
    return qs.annotate(
        acted_on=Count("actions", distinct=True),
    ).order_by("-period_start", "-size", "id")


def theme_get(*, user: User, theme_id: int) -> Theme:
    require_view(user, "theme")
    theme = (
        Theme.objects.select_related("therapeutic_area", "product", "representative", "named_by")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=ThemeMembership.objects.select_related("insight").order_by("-similarity"),
            ),
            "actions__owner",
        )
        .annotate(acted_on=Count("actions", distinct=True))
        .filter(pk=theme_id)
        .first()
    )
    if theme is None:
        raise NotFound(f"No theme with id {theme_id}.")
    return theme


@dataclass(frozen=True)
class ReleasedTheme:
    id: int
    name: str
    key_terms: list[str]
    therapeutic_area: str
    product: str
    period_start: date
    period_end: date
    size: int
    trend: list[Any]
    summary: str
    insights: list[ReleasedInsight]
    acted_on: int


def released_themes(
    *,
    user: User,
    product: str = "",
    therapeutic_area: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
) -> list[ReleasedTheme]:
    """The PM digest: released themes with their released member insights only."""
    require_view(user, "released_theme")
    check_period(period_start, period_end)
    qs = policy.visible(user, "released_theme", Theme.objects.all()).select_related(
        "therapeutic_area", "product"
    )
    if product:
        qs = qs.filter(product__name__iexact=product)
    if therapeutic_area:
        qs = qs.filter(therapeutic_area__code=therapeutic_area)
    if period_start:
        qs = qs.filter(period_end__gte=period_start)
    if period_end:
        qs = qs.filter(period_start__lte=period_end)
    themes = list(
        qs.annotate(acted_on=Count("actions", distinct=True)).order_by(
            "-period_start", "-size", "id"
        )
    )
    members: dict[int, list[ReleasedInsight]] = {t.pk: [] for t in themes}
    rows = (
        ThemeMembership.objects.filter(theme__in=themes, insight__released_at__isnull=False)
        .order_by("-similarity")
        .values_list("theme_id", *(f"insight__{f}" for f in _RELEASED_FIELDS))
    )
    for theme_id, *row in rows:
        members[theme_id].append(_released(*row))
    return [
        ReleasedTheme(
            t.pk,
            t.name,
            list(t.key_terms),
            t.therapeutic_area.name,
            t.product.name if t.product else "",
            t.period_start,
            t.period_end,
            t.size,
            list(t.trend),
            t.released_summary,
            members[t.pk],
            t.acted_on,
        )
        for t in themes
    ]


# Closing the loop -------------------------------------------------------------------------


def actions_for(*, user: User, open_only: bool = False) -> QuerySet[InsightAction]:
    require_view(user, "insight_action")
    qs = InsightAction.objects.select_related("owner", "insight", "theme")
    if open_only:
        qs = qs.filter(status="open")
    return qs.order_by("-decided_at", "-id")


@dataclass(frozen=True)
class Outcome:
    """What became of an MSL's insight: directly, or through a theme it belongs to."""

    insight_id: int
    insight_text: str
    via_theme: str
    action: InsightAction


def outcomes_for_msl(*, user: User, limit: int = 20) -> list[Outcome]:
    """What became of the user's insights, newest first: actions on an insight of theirs, on
    the insight a duplicate of theirs was merged into, and on themes their insights are in."""
    direct = list(
        InsightAction.objects.filter(
            Q(insight__captured_by=user) | Q(insight__merged_duplicates__captured_by=user)
        )
        .distinct()
        .select_related("insight", "owner")
        .order_by("-decided_at", "-id")[:limit]
    )
    # The user's own words for each insight acted on: the insight, or their merged duplicate.
    theirs: dict[int, tuple[int, str]] = {
        kept: (pk, text)
        for pk, text, kept in Insight.objects.filter(
            captured_by=user, merged_into__in=[a.insight_id for a in direct]
        ).values_list("pk", "text", "merged_into_id")
    }
    theirs.update(
        (pk, (pk, text))
        for pk, text in Insight.objects.filter(
            captured_by=user, pk__in=[a.insight_id for a in direct]
        ).values_list("pk", "text")
    )
    outcomes = [Outcome(*theirs[a.insight_id], "", a) for a in direct if a.insight_id in theirs]
    mine_in_theme = ThemeMembership.objects.filter(
        theme_id=OuterRef("theme_id"), insight__captured_by=user
    )
    through_theme = list(
        InsightAction.objects.filter(theme__isnull=False)
        .filter(Exists(mine_in_theme))
        .select_related("theme", "owner")
        .order_by("-decided_at", "-id")[:limit]
    )
    first_of_theme: dict[int, tuple[int, str]] = {}
    for theme_id, pk, text in (
        ThemeMembership.objects.filter(
            theme_id__in=[a.theme_id for a in through_theme], insight__captured_by=user
        )
        .order_by("-similarity", "insight_id")
        .values_list("theme_id", "insight_id", "insight__text")
    ):
        first_of_theme.setdefault(theme_id, (pk, text))
    outcomes.extend(
        Outcome(*first_of_theme[a.theme.pk], a.theme.name, a)
        for a in through_theme
        if a.theme is not None and a.theme.pk in first_of_theme
    )
    outcomes.sort(key=lambda o: o.action.decided_at, reverse=True)
    return outcomes[:limit]


# The PM feedback loop ---------------------------------------------------------------------


def pm_questions_for(*, user: User, status: str = "") -> QuerySet[PmQuestion]:
    require_view(user, "pm_question")
    qs = policy.visible(user, "pm_question", PmQuestion.objects.all()).select_related(
        "asked_by", "product", "routed_by", "answered_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(answer_count=Count("insights", distinct=True)).order_by("-asked_at", "-id")


def pm_question_get(*, user: User, question_id: int) -> PmQuestion:
    require_view(user, "pm_question")
    q = (
        policy.visible(user, "pm_question", PmQuestion.objects.all())
        .select_related("asked_by", "product", "routed_by", "answered_by")
        .prefetch_related("routed_to")
        .filter(pk=question_id)
        .first()
    )
    if q is None:
        raise NotFound(f"No PM question with id {question_id}.")
    return q


def question_answers(*, user: User, question: PmQuestion) -> QuerySet[Insight]:
    """The field's answers to a question, for medical (identifiable)."""
    return insights_visible(user=user).filter(pm_question=question).select_related("captured_by")


# Adverse events ---------------------------------------------------------------------------


def ae_queue(*, user: User, status: str = AeStatus.OPEN) -> QuerySet[AdverseEventReport]:
    """The PV queue, due soonest first."""
    require_view(user, "adverse_event")
    qs = policy.visible(user, "adverse_event", AdverseEventReport.objects.all()).select_related(
        "product", "kol", "reporter"
    )
    if status:
        if status not in AeStatus.values:
            raise Invalid({"status": [f"Unknown status {status!r}."]})
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "id")


def ae_get(*, user: User, report_id: int) -> AdverseEventReport:
    report = (
        policy.visible(user, "adverse_event", AdverseEventReport.objects.all())
        .select_related("product", "kol", "reporter", "forwarded_by", "closed_by")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound(f"No adverse-event report with id {report_id}.")
    return report


def ae_overdue(now: datetime | None = None) -> Q:
    return Q(status=AeStatus.OPEN, due_at__lt=now or timezone.now())
