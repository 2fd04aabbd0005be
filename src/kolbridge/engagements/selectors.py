"""Every read of engagements, always starting from the policy's visible set."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from kolbridge.core import policy
from kolbridge.core.errors import Forbidden, NotFound
from kolbridge.core.models import User
from kolbridge.engagements.models import (
    FollowUp,
    FollowUpStatus,
    Inquiry,
    InquiryStatus,
    Interaction,
    InteractionQuestion,
)
from kolbridge.kols.models import Kol, ScientificQuestion
from kolbridge.kols.selectors import Journey, kol_journey, kol_open_questions

OPEN_INQUIRY = (InquiryStatus.OPEN, InquiryStatus.IN_PROGRESS)


def interactions_visible(*, user: User) -> QuerySet[Interaction]:
    return policy.visible(user, "interaction", Interaction.objects.all())


def interaction_search(
    *,
    user: User,
    kol_id: int | None = None,
    msl: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    channel: str | None = None,
    status: str | None = None,
) -> QuerySet[Interaction]:
    """Interactions the user may see, newest first, filtered by KOL, MSL, dates, channel."""
    qs = interactions_visible(user=user)
    if kol_id is not None:
        qs = qs.filter(interactionattendee__kol_id=kol_id)
    if msl:
        qs = qs.filter(interactionstaff__user__username=msl)
    if date_from:
        qs = qs.filter(starts_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(starts_at__lt=_day_start(date_to + timedelta(days=1)))
    if channel:
        qs = qs.filter(channel=channel)
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related("owner", "therapeutic_area")
        .prefetch_related(
            Prefetch("kols", queryset=Kol.objects.only("id", "title", "first_name", "last_name")),
            Prefetch(
                "msls", queryset=User.objects.only("id", "username", "first_name", "last_name")
            ),
            "products",
        )
        .order_by("-starts_at", "-id")
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def interaction_get(*, user: User, interaction_id: int) -> Interaction:
    interaction = (
        interactions_visible(user=user)
        .select_related("owner", "therapeutic_area")
        .prefetch_related(
            # Joined into their prefetch: one query each instead of two and three.
            Prefetch("kols", queryset=Kol.objects.select_related("territory")),
            "msls",
            "products",
            Prefetch(
                "raised_questions",
                queryset=InteractionQuestion.objects.select_related("question__kol"),
            ),
        )
        .filter(pk=interaction_id)
        .first()
    )
    if interaction is None:
        raise NotFound(f"No interaction with id {interaction_id}.")
    return interaction


@dataclass(frozen=True)
class AttendeeBrief:
    """What the MSL needs about one attending KOL before the meeting."""

    kol: Kol
    journey: Journey | None
    open_questions: list[ScientificQuestion]
    last_interactions: list[Interaction]
    open_inquiries: list[Inquiry]


@dataclass(frozen=True)
class PreCallPlan:
    interaction: Interaction
    attendees: list[AttendeeBrief]
    open_follow_ups: list[FollowUp]


def pre_call_plan(*, user: User, interaction: Interaction, history: int = 3) -> PreCallPlan:
    """Everything the MSL needs for a meeting, on one page."""
    briefs = []
    kol_ids = []
    for kol in interaction.kols.all():
        kol_ids.append(kol.pk)
        questions = kol_open_questions(user=user, kol=kol)
        last = list(
            interactions_visible(user=user)
            # "Completed" as "has a completion time" (the same rows: only completing sets it),
            # not ``status=completed``: SQLite without statistics (no ANALYZE yet) answers
            # ``status = ? ORDER BY starts_at`` by walking the (status, starts_at) index through
            # every completed meeting, newest first, until three are this KOL's: seconds at two
            # million interactions, where the KOL's own attendances take under a millisecond.
            .filter(interactionattendee__kol=kol, completed_at__isnull=False)
            .exclude(pk=interaction.pk)
            .only("id", "starts_at", "channel", "outcome", "next_steps", "status")
            .order_by("-starts_at")[:history]
        )
        inquiries = list(
            policy.visible(
                user, "inquiry", Inquiry.objects.filter(kol=kol, status__in=OPEN_INQUIRY)
            ).order_by("due_at")[:10]
        )
        briefs.append(
            AttendeeBrief(
                kol=kol,
                journey=kol_journey(user=user, kol=kol),
                open_questions=list(questions[:10]) if questions is not None else [],
                last_interactions=last,
                open_inquiries=inquiries,
            )
        )
    follow_ups = list(
        policy.visible(
            user,
            "follow_up",
            FollowUp.objects.filter(kol_id__in=kol_ids, status=FollowUpStatus.OPEN),
        )
        .select_related("owner")
        .order_by("due_date")[:20]
    )
    return PreCallPlan(interaction=interaction, attendees=briefs, open_follow_ups=follow_ups)


def team_members(*, user: User) -> QuerySet[User]:
    """The people whose week a medical lead may open: those who report to them."""
    return User.objects.filter(manager=user, is_active=True).order_by("username")


def week_of(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def calendar_week(*, user: User, msl: User, day: date) -> dict[date, list[Interaction]]:
    """The MSL's interactions of the week that holds ``day``, per day (Monday first)."""
    start, end = week_of(day)
    rows = interaction_search(user=user, msl=msl.username, date_from=start, date_to=end).order_by(
        "starts_at"
    )
    days: dict[date, list[Interaction]] = {start + timedelta(days=i): [] for i in range(7)}
    for row in rows:
        days[timezone.localtime(row.starts_at).date()].append(row)
    return days


def inquiries_visible(*, user: User) -> QuerySet[Inquiry]:
    return policy.visible(user, "inquiry", Inquiry.objects.all())


def inquiry_queue(
    *, user: User, status: str | None = None, kol_id: int | None = None
) -> QuerySet[Inquiry]:
    """Medical's queue: unanswered inquiries by due date, so the overdue ones come first."""
    qs = inquiries_visible(user=user).select_related("kol", "product", "captured_by")
    qs = qs.filter(status=status) if status else qs.filter(status__in=OPEN_INQUIRY)
    if kol_id is not None:
        qs = qs.filter(kol_id=kol_id)
    return qs.order_by("due_at", "id")


def inquiry_get(*, user: User, inquiry_id: int) -> Inquiry:
    inquiry = (
        inquiries_visible(user=user)
        .select_related("kol", "product", "captured_by", "responder")
        .filter(pk=inquiry_id)
        .first()
    )
    if inquiry is None:
        raise NotFound(f"No inquiry with id {inquiry_id}.")
    return inquiry


@dataclass(frozen=True)
class ReferralStatus:
    """What a sales rep may know of a question they referred: received or closed."""

    id: int
    kol_id: int
    kol_name: str
    question: str
    received_at: datetime
    status: str
    closed_at: datetime | None


def _referral_status(inquiry: Inquiry) -> ReferralStatus:
    closed = inquiry.status == InquiryStatus.CLOSED
    return ReferralStatus(
        id=inquiry.pk,
        kol_id=inquiry.kol_id,
        kol_name=inquiry.kol.display_name,
        question=inquiry.question,
        received_at=inquiry.received_at,
        status="closed" if closed else "received",
        closed_at=inquiry.closed_at if closed else None,
    )


def referrals_of(*, user: User) -> list[ReferralStatus]:
    qs = policy.visible(user, "inquiry_referral", Inquiry.objects.select_related("kol"))
    return [_referral_status(i) for i in qs.order_by("-received_at", "-id")]


def referral_get(*, user: User, inquiry_id: int) -> ReferralStatus:
    inquiry = (
        policy.visible(user, "inquiry_referral", Inquiry.objects.select_related("kol"))
        .filter(pk=inquiry_id)
        .first()
    )
    if inquiry is None:
        raise NotFound(f"No referral with id {inquiry_id}.")
    return _referral_status(inquiry)


def follow_ups_for(
    *, user: User, status: str | None = FollowUpStatus.OPEN, owner: str | None = None
) -> QuerySet[FollowUp]:
    qs = policy.visible(user, "follow_up", FollowUp.objects.all())
    if status:
        qs = qs.filter(status=status)
    if owner:
        qs = qs.filter(owner__username=owner)
    return qs.select_related("owner", "kol", "interaction", "inquiry").order_by("due_date", "id")


def follow_up_get(*, user: User, follow_up_id: int) -> FollowUp:
    follow_up = follow_ups_for(user=user, status=None).filter(pk=follow_up_id).first()
    if follow_up is None:
        raise NotFound(f"No follow-up with id {follow_up_id}.")
    return follow_up


def require_view(user: Any, resource: str) -> None:
    """Refuse a whole list the role may never see, naming the rule (403, not an empty list)."""
    if not policy.can(user, resource, "view"):
        if not user.is_authenticated:
            raise Forbidden("Sign in first.")
        raise Forbidden(policy.refusal(user.role, resource, "view"))
