"""The demo seed: deterministic, refuses or skips a loaded database, keeps the audit chain
valid, and leaves the demo MSL a live day (meetings today, overdue inquiries and follow-ups)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.utils import timezone

from kolbridge.core import policy
from kolbridge.core.audit import audit_verify
from kolbridge.core.models import AuditEntry, Product, Territory, TherapeuticArea, User
from kolbridge.demo.seed import seed_demo
from kolbridge.engagements.models import (
    FollowUp,
    Inquiry,
    InquirySource,
    Interaction,
    InteractionAttendee,
    InteractionQuestion,
    InteractionStaff,
)
from kolbridge.engagements.selectors import inquiry_queue
from kolbridge.engagements.services import (
    FollowUpDraft,
    inquiry_capture,
    interaction_complete,
    interaction_create,
)
from kolbridge.kols.models import (
    Kol,
    KolChannelPreference,
    KolKnowledgeAssessment,
    KolStageChange,
    ScientificQuestion,
)

pytestmark = pytest.mark.django_db

# The content library and insights have their own demo tests; these cover KOLs and engagements.
SMALL: dict[str, Any] = {"kols": 40, "interactions": 700, "seed": 7, "content": False}
# Rows are compared by content: keys become ranks (PostgreSQL's sequences do not roll back) and
# the times the rows were written at (not the times they speak of) are left out.
COMPARED = (
    Kol,
    KolStageChange,
    KolKnowledgeAssessment,
    KolChannelPreference,
    ScientificQuestion,
    Interaction,
    InteractionStaff,
    InteractionAttendee,
    Interaction.products.through,
    InteractionQuestion,
    Inquiry,
    FollowUp,
)
RANKED = (User, Territory, TherapeuticArea, Product, *COMPARED)
WRITE_TIMES = {"recorded_at", "created_at", "updated_at"}


def _dump() -> dict[str, list[tuple[Any, ...]]]:
    ranks = {
        model: {
            pk: i for i, pk in enumerate(model.objects.order_by("pk").values_list("pk", flat=True))
        }
        for model in RANKED
    }
    dump = {}
    for model in COMPARED:
        fields = [f for f in model._meta.concrete_fields if f.name not in WRITE_TIMES]
        rows = []
        for values in model.objects.order_by("pk").values_list(*(f.attname for f in fields)):
            row = []
            for f, value in zip(fields, values, strict=True):
                target = model if f.primary_key else f.related_model if f.is_relation else None
                row.append(ranks[target][value] if target and value is not None else value)
            rows.append(tuple(row))
        dump[model._meta.label] = rows
    return dump


def _seed_and_dump(**options: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Seed, read everything back, and roll the seed back."""
    with transaction.atomic():
        seed_demo(**options)
        dump = _dump()
        transaction.set_rollback(True)
    return dump


def _start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def test_the_same_seed_on_the_same_day_writes_the_same_rows():
    today = timezone.localdate()
    first = _seed_and_dump(**SMALL, today=today)
    assert sum(len(rows) for rows in first.values()) > 1000
    assert _seed_and_dump(**SMALL, today=today) == first


def test_another_day_moves_only_the_present():
    today = timezone.localdate()
    first = _seed_and_dump(**SMALL, today=today)
    later = _seed_and_dump(**SMALL, today=today + timedelta(days=30))
    assert later["kols.Kol"] == first["kols.Kol"]
    assert later["kols.KolStageChange"] == first["kols.KolStageChange"]
    assert len(later["engagements.Interaction"]) == len(first["engagements.Interaction"])
    assert later["engagements.Interaction"] != first["engagements.Interaction"]


def test_a_different_seed_writes_different_rows():
    assert _seed_and_dump(**SMALL) != _seed_and_dump(**{**SMALL, "seed": 8})


def test_interactions_asks_for_an_exact_total():
    seed_demo(kols=40, interactions=333, seed=3, content=False)
    assert Interaction.objects.count() == 333


def test_seed_demo_refuses_a_loaded_database_with_status_3():
    seed_demo(**SMALL)
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", "--kols", "5", stdout=StringIO(), stderr=StringIO())
    assert refused.value.returncode == 3
    assert Kol.objects.count() == SMALL["kols"]


def test_seed_demo_if_empty_leaves_a_loaded_database_alone_with_one_line():
    seed_demo(**SMALL)
    entries = AuditEntry.objects.count()
    stdout, stderr = StringIO(), StringIO()
    call_command("seed_demo", "--if-empty", "--kols", "5", stdout=stdout, stderr=stderr)
    assert stdout.getvalue() == ""
    assert len(stderr.getvalue().strip().splitlines()) == 1
    assert "already holds data" in stderr.getvalue()
    assert Kol.objects.count() == SMALL["kols"]
    assert AuditEntry.objects.count() == entries


def test_seed_demo_if_empty_loads_an_empty_database():
    stdout = StringIO()
    call_command("seed_demo", "--if-empty", "--kols", "20", stdout=stdout, stderr=StringIO())
    assert "Demo data loaded" in stdout.getvalue()
    assert Interaction.objects.count() == 20 * 20


def test_the_seeded_audit_chain_verifies_with_one_entry_per_record():
    seed_demo(**SMALL)
    result = audit_verify()
    assert result.ok, result.problem
    assert result.checked == AuditEntry.objects.count()
    seeded = AuditEntry.objects.filter(actor_username="system (demo seed)")
    assert seeded.filter(action="interaction.seed").count() == Interaction.objects.count()
    assert seeded.filter(action="inquiry.seed").count() == Inquiry.objects.count()


def test_overdue_inquiries_head_msl1s_queue():
    seed_demo(**SMALL)
    now = timezone.now()
    overdue = Inquiry.objects.filter(status__in=["open", "in_progress"], due_at__lt=now)
    assert overdue.exists()
    queue = list(inquiry_queue(user=User.objects.get(username="msl1")))
    assert queue and queue[0].due_at < now
    referral = Inquiry.objects.filter(source=InquirySource.SALES_REFERRAL).first()
    assert referral is not None and referral.captured_by.username == "rep1"


def test_msl1_has_meetings_today_and_this_week_and_overdue_follow_ups():
    seed_demo(**SMALL)
    start = _start_of_today()
    planned = Interaction.objects.filter(interactionstaff__user__username="msl1", status="planned")
    assert (
        planned.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1)).count() >= 2
    )
    assert planned.filter(
        starts_at__gte=start + timedelta(days=1), starts_at__lt=start + timedelta(days=7)
    ).exists()
    overdue = FollowUp.objects.filter(
        owner__username="msl1", status="open", due_date__lt=timezone.localdate()
    )
    assert overdue.exists()


def test_engagements_keep_to_the_territory_and_the_clock():
    seed_demo(**SMALL)
    now = timezone.now()
    outside = InteractionAttendee.objects.exclude(
        kol__territory=models.F("interaction__owner__territory")
    )
    assert not outside.exists()
    assert not Interaction.objects.filter(status="completed", starts_at__gte=now).exists()
    assert not Interaction.objects.filter(status="completed", completed_at__gte=now).exists()
    assert not Interaction.objects.filter(
        status="planned", starts_at__lt=_start_of_today()
    ).exists()
    assert not Inquiry.objects.filter(received_at__gte=now).exists()
    assert Interaction.objects.filter(status="cancelled").exists()
    several_msls = Interaction.objects.annotate(n=models.Count("interactionstaff")).filter(n__gt=1)
    several_kols = Interaction.objects.annotate(n=models.Count("interactionattendee")).filter(
        n__gt=1
    )
    assert several_msls.exists() and several_kols.exists()


def test_questions_raised_are_the_attending_kols_questions_asked_at_the_meeting():
    seed_demo(**SMALL)
    raised = InteractionQuestion.objects.select_related("interaction", "question")
    assert raised.exists()
    for link in raised:
        assert link.question.asked_at == link.interaction.starts_at
        assert link.interaction.kols.filter(pk=link.question.kol_id).exists()


def test_records_created_after_the_seed_get_fresh_keys():
    seed_demo(**SMALL)
    msl1 = User.objects.get(username="msl1")
    kol = Kol.objects.filter(territory__code="US-NE").first()
    assert kol is not None
    planned = interaction_create(
        actor=msl1,
        kol_ids=[kol.pk],
        starts_at=timezone.now() + timedelta(days=3),
        channel="video",
    )
    done = interaction_complete(
        actor=msl1,
        interaction=planned,
        questions=["Is there data in patients over 75?"],
        follow_ups=[FollowUpDraft("Send the elderly subgroup data", timezone.localdate())],
        starts_at=timezone.now() - timedelta(hours=1),
    )
    inquiry = inquiry_capture(
        actor=msl1,
        kol=kol,
        question="Any data?",
        channel_received="phone",
        unsolicited_confirmed=True,
    )
    # No key collided with a seeded row (PostgreSQL's sequences were moved past them).
    assert done.raised_questions.count() == 1
    assert done.follow_ups.count() == 1
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()
    assert audit_verify().ok


def test_follow_ups_and_answers_stay_with_people_who_may_see_the_kol():
    seed_demo(**SMALL)
    follow_ups = FollowUp.objects.select_related("owner", "kol", "inquiry__kol")
    for follow_up in follow_ups:
        kol = follow_up.kol or (follow_up.inquiry.kol if follow_up.inquiry else None)
        if kol is not None:
            assert policy.can(follow_up.owner, "kol", "view", kol), follow_up
    for inquiry in Inquiry.objects.select_related("responder", "kol").exclude(responder=None):
        assert policy.can(inquiry.responder, "inquiry", "respond", inquiry), inquiry
    for inquiry in Inquiry.objects.exclude(interaction=None):
        assert inquiry.interaction.kols.filter(pk=inquiry.kol_id).exists()
