"""Engagement services: every write and business rule, with its audit entry, and nothing
half-written when a rule refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from kolbridge.core.errors import Conflict, Forbidden, Invalid
from kolbridge.core.models import AuditEntry
from kolbridge.engagements import services
from kolbridge.engagements.models import (
    FollowUp,
    Inquiry,
    Interaction,
    InteractionQuestion,
)
from kolbridge.kols.models import ScientificQuestion
from tests.engagements.conftest import (
    ANSWER,
    NOTES,
    OBJECTIVES,
    RAISED,
    capture,
    log,
    plan,
    refer,
)

pytestmark = pytest.mark.django_db


def errors_of(refused) -> dict[str, list[str]]:
    return refused.value.errors


# ---- interactions: plan ---------------------------------------------------------------------


def test_planning_an_interaction_records_attendees_staff_topics_and_an_audit_entry(
    msl_a, msl_c, kol_a, kol_a2, audit_mark
):
    since = audit_mark()
    row = plan(msl_a, [kol_a, kol_a2], msl_usernames=["msl_c"])
    assert row.status == "planned"
    assert row.owner == msl_a
    assert set(row.kols.all()) == {kol_a, kol_a2}
    assert set(row.msls.all()) == {msl_a, msl_c}
    assert row.therapeutic_area.code == "ONC"
    assert [p.name for p in row.products.all()] == ["Zentorix"]
    assert row.version == 1
    [entry] = since()
    assert entry.action == "interaction.create"
    assert entry.actor == msl_a
    assert entry.object_type == "interaction"
    assert entry.object_id == str(row.pk)
    assert entry.before is None
    assert entry.after["kols"] == sorted([kol_a.pk, kol_a2.pk])
    assert entry.after["msls"] == ["msl_a", "msl_c"]
    assert entry.after["objectives"] == OBJECTIVES


def test_interaction_without_attendee_is_refused_saying_why(msl_a, audit_mark):
    since = audit_mark()
    with pytest.raises(Invalid) as refused:
        services.interaction_create(
            actor=msl_a, kol_ids=[], starts_at=timezone.now(), channel="phone"
        )
    assert errors_of(refused) == {"kols": ["An interaction needs at least one HCP attendee."]}
    assert Interaction.objects.count() == 0
    assert since() == []


def test_attendee_outside_the_msls_territory_is_refused(msl_a, kol_b):
    with pytest.raises(Invalid) as refused:
        plan(msl_a, [kol_b])
    assert str(kol_b.pk) in errors_of(refused)["kols"][0]
    assert Interaction.objects.count() == 0


def test_co_msl_must_be_a_medical_field_user(msl_a, kol_a, rep):
    with pytest.raises(Invalid) as refused:
        plan(msl_a, [kol_a], msl_usernames=["rep"])
    assert errors_of(refused) == {"msls": ["Not a medical field user: rep."]}
    with pytest.raises(Invalid, match="Unknown user"):
        plan(msl_a, [kol_a], msl_usernames=["nobody"])


@pytest.mark.parametrize("persona", ["rep", "pm", "pv", "reviewer", "admin"])
def test_roles_other_than_msl_and_lead_cannot_plan_an_interaction(request, persona, kol_a):
    user = request.getfixturevalue(persona)
    with pytest.raises(Forbidden, match="Firewall rule"):
        plan(user, [kol_a])


def test_medical_lead_plans_with_a_team_kol_and_is_on_the_staff(lead, kol_a):
    row = plan(lead, [kol_a])
    assert list(row.msls.all()) == [lead]


# ---- interactions: complete -----------------------------------------------------------------


def test_completing_records_what_happened_and_audits_it(msl_a, planned, audit_mark):
    since = audit_mark()
    row = services.interaction_complete(
        actor=msl_a, interaction=planned, notes=NOTES, outcome="Good", next_steps="Send poster",
        expected_version=planned.version,
    )
    row.refresh_from_db()
    assert row.status == "completed"
    assert row.completed_at is not None
    assert row.notes == NOTES
    assert row.version == 2
    [entry] = since()
    assert entry.action == "interaction.complete"
    assert entry.before["status"] == "planned"
    assert entry.after["status"] == "completed"
    assert entry.after["notes"] == NOTES


def test_each_question_raised_becomes_a_scientific_question_of_every_attending_kol(
    msl_a, kol_a, kol_a2, audit_mark
):
    row = plan(msl_a, [kol_a, kol_a2])
    since = audit_mark()
    services.interaction_complete(
        actor=msl_a, interaction=row, questions=[RAISED, "  ", "Any data over 75?"]
    )
    for kol in (kol_a, kol_a2):
        texts = set(ScientificQuestion.objects.filter(kol=kol).values_list("text", flat=True))
        assert {RAISED, "Any data over 75?"} <= texts
        raised = ScientificQuestion.objects.get(kol=kol, text=RAISED)
        assert raised.status == "open"
        assert raised.asked_at == row.starts_at
        assert raised.therapeutic_area.code == "ONC"
        assert raised.recorded_by == msl_a
    assert InteractionQuestion.objects.filter(interaction=row).count() == 4
    actions = [e.action for e in since()]
    assert actions == ["kol.question_add"] * 4 + ["interaction.complete"]
    question_entries = [e for e in since() if e.action == "kol.question_add"]
    assert {e.object_id for e in question_entries} == {str(kol_a.pk), str(kol_a2.pk)}


def test_completing_creates_the_follow_ups_with_an_audit_entry_each(
    msl_a, msl_c, planned, kol_a, audit_mark
):
    since = audit_mark()
    due = timezone.localdate() + timedelta(days=3)
    services.interaction_complete(
        actor=msl_a,
        interaction=planned,
        follow_ups=[
            services.FollowUpDraft("Send the poster", due),
            services.FollowUpDraft("Book a call", due, "With the PI", owner_username="msl_c"),
        ],
    )
    rows = list(FollowUp.objects.order_by("id"))
    assert [(f.title, f.owner, f.kol, f.interaction_id) for f in rows] == [
        ("Send the poster", msl_a, kol_a, planned.pk),
        ("Book a call", msl_c, kol_a, planned.pk),
    ]
    follow_up_entries = [e for e in since() if e.action == "follow_up.create"]
    assert [e.object_id for e in follow_up_entries] == [str(f.pk) for f in rows]
    assert follow_up_entries[1].after["owner"] == msl_c.pk


def test_completed_interaction_in_the_future_is_refused_saying_why(msl_a, kol_a, audit_mark):
    row = plan(msl_a, [kol_a], starts_at=timezone.now() + timedelta(days=2))
    since = audit_mark()
    with pytest.raises(Invalid) as refused:
        services.interaction_complete(actor=msl_a, interaction=row, notes=NOTES)
    assert errors_of(refused) == {"starts_at": ["A completed interaction cannot be in the future."]}
    row.refresh_from_db()
    assert (row.status, row.notes, row.version) == ("planned", "", 1)
    assert since() == []


def test_logging_an_interaction_in_the_future_is_refused(msl_a, kol_a):
    with pytest.raises(Invalid, match="cannot be in the future"):
        log(msl_a, [kol_a], starts_at=timezone.now() + timedelta(hours=2))
    assert Interaction.objects.count() == 0


def test_completing_may_correct_the_start_time_but_not_into_the_future(msl_a, planned):
    with pytest.raises(Invalid, match="cannot be in the future"):
        services.interaction_complete(
            actor=msl_a, interaction=planned, starts_at=timezone.now() + timedelta(days=1)
        )
    earlier = timezone.now() - timedelta(hours=5)
    row = services.interaction_complete(
        actor=msl_a, interaction=planned, starts_at=earlier, duration_minutes=45
    )
    assert (row.starts_at, row.duration_minutes) == (earlier, 45)


def test_logging_in_one_step_plans_and_completes(msl_a, kol_a, audit_mark):
    since = audit_mark()
    row = log(msl_a, [kol_a])
    assert row.status == "completed"
    assert ScientificQuestion.objects.filter(kol=kol_a, text=RAISED).exists()
    assert [e.action for e in since()] == [
        "interaction.create",
        "kol.question_add",
        "interaction.complete",
    ]


def test_only_a_planned_interaction_can_be_completed(msl_a, completed, planned):
    with pytest.raises(Invalid, match="this one is completed"):
        services.interaction_complete(actor=msl_a, interaction=completed)
    services.interaction_cancel(actor=msl_a, interaction=planned, reason="KOL ill")
    with pytest.raises(Invalid, match="this one is cancelled"):
        services.interaction_complete(actor=msl_a, interaction=planned)


def test_completing_with_an_invalid_follow_up_leaves_nothing_half_written(
    msl_a, kol_a, kol_a2, audit_mark
):
    row = plan(msl_a, [kol_a, kol_a2])
    questions_before = ScientificQuestion.objects.count()
    since = audit_mark()
    with pytest.raises(Invalid) as refused:
        services.interaction_complete(
            actor=msl_a,
            interaction=row,
            notes=NOTES,
            questions=[RAISED],
            follow_ups=[
                services.FollowUpDraft("Fine one", timezone.localdate()),
                services.FollowUpDraft("Bad owner", timezone.localdate(), owner_username="rep"),
            ],
        )
    assert "follow_ups" in errors_of(refused)
    row.refresh_from_db()
    assert (row.status, row.notes, row.version, row.completed_at) == ("planned", "", 1, None)
    assert ScientificQuestion.objects.count() == questions_before
    assert InteractionQuestion.objects.count() == 0
    assert FollowUp.objects.count() == 0
    assert since() == []


def test_logging_with_an_invalid_follow_up_creates_no_interaction_at_all(msl_a, kol_a, audit_mark):
    since = audit_mark()
    with pytest.raises(Invalid):
        log(
            msl_a,
            [kol_a],
            follow_ups=[services.FollowUpDraft("x", timezone.localdate(), owner_username="ghost")],
        )
    assert Interaction.objects.count() == 0
    assert not ScientificQuestion.objects.filter(text=RAISED).exists()
    assert since() == []


# ---- interactions: cancel -------------------------------------------------------------------


def test_cancelling_needs_a_reason_and_keeps_it_in_the_audit(msl_a, planned, audit_mark):
    with pytest.raises(Invalid) as refused:
        services.interaction_cancel(actor=msl_a, interaction=planned, reason="  ")
    assert errors_of(refused) == {"reason": ["Say why the interaction is cancelled."]}
    since = audit_mark()
    row = services.interaction_cancel(actor=msl_a, interaction=planned, reason="KOL on leave")
    assert (row.status, row.cancel_reason) == ("cancelled", "KOL on leave")
    assert row.cancelled_at is not None
    [entry] = since()
    assert (entry.action, entry.reason) == ("interaction.cancel", "KOL on leave")


def test_a_completed_interaction_cannot_be_cancelled(msl_a, completed):
    with pytest.raises(Invalid, match="Only a planned interaction can be cancelled"):
        services.interaction_cancel(actor=msl_a, interaction=completed, reason="Oops")


def test_a_cancelled_interaction_cannot_be_changed(msl_a, planned):
    services.interaction_cancel(actor=msl_a, interaction=planned, reason="KOL on leave")
    with pytest.raises(Invalid, match="cancelled interaction cannot be changed"):
        services.interaction_update(actor=msl_a, interaction=planned, changes={"notes": "x"})


# ---- interactions: update, lock, amend, conflicts -------------------------------------------


def test_update_audits_only_the_changed_fields_and_bumps_the_version(msl_a, planned, audit_mark):
    since = audit_mark()
    row = services.interaction_update(
        actor=msl_a,
        interaction=planned,
        changes={"objectives": "New aim", "channel": "video", "notes": ""},
        expected_version=1,
    )
    assert (row.objectives, row.channel, row.version) == ("New aim", "video", 2)
    [entry] = since()
    assert entry.action == "interaction.update"
    assert entry.before == {"channel": "in_person", "objectives": OBJECTIVES}
    assert entry.after == {"channel": "video", "objectives": "New aim"}


def test_update_that_changes_nothing_writes_no_audit_entry(msl_a, planned, audit_mark):
    since = audit_mark()
    row = services.interaction_update(
        actor=msl_a, interaction=planned, changes={"objectives": OBJECTIVES}
    )
    assert row.version == 1
    assert since() == []


def test_update_refuses_fields_that_are_not_editable(msl_a, planned):
    with pytest.raises(Invalid) as refused:
        services.interaction_update(
            actor=msl_a, interaction=planned, changes={"status": "completed", "owner": 3}
        )
    assert set(errors_of(refused)) == {"status", "owner"}


def test_update_replaces_attendees_only_with_kols_the_actor_may_see(msl_a, planned, kol_a2, kol_b):
    services.interaction_update(actor=msl_a, interaction=planned, changes={"kol_ids": [kol_a2.pk]})
    assert list(planned.kols.all()) == [kol_a2]
    with pytest.raises(Invalid):
        services.interaction_update(
            actor=msl_a, interaction=planned, changes={"kol_ids": [kol_b.pk]}
        )
    with pytest.raises(Invalid, match="at least one HCP attendee"):
        services.interaction_update(actor=msl_a, interaction=planned, changes={"kol_ids": []})
    assert list(planned.kols.all()) == [kol_a2]


def test_stale_version_is_refused_with_a_conflict_and_nothing_is_overwritten(
    msl_a, lead, planned, audit_mark
):
    services.interaction_update(
        actor=lead, interaction=planned, changes={"objectives": "Lead's aim"}, expected_version=1
    )
    since = audit_mark()
    with pytest.raises(Conflict) as refused:
        services.interaction_update(
            actor=msl_a, interaction=planned, changes={"objectives": "Mine"}, expected_version=1
        )
    assert "changed by someone else" in refused.value.message
    assert "version 2" in refused.value.message
    planned.refresh_from_db()
    assert (planned.objectives, planned.version) == ("Lead's aim", 2)
    assert since() == []


def test_stale_version_also_refuses_completing_and_cancelling(msl_a, planned):
    services.interaction_update(actor=msl_a, interaction=planned, changes={"notes": "prep"})
    with pytest.raises(Conflict):
        services.interaction_complete(actor=msl_a, interaction=planned, expected_version=1)
    with pytest.raises(Conflict):
        services.interaction_cancel(
            actor=msl_a, interaction=planned, reason="x", expected_version=1
        )
    planned.refresh_from_db()
    assert planned.status == "planned"


def _age(interaction, days: int) -> None:
    Interaction.objects.filter(pk=interaction.pk).update(
        completed_at=timezone.now() - timedelta(days=days)
    )
    interaction.refresh_from_db()


def test_completed_interaction_is_editable_without_reason_inside_the_window(msl_a, completed):
    _age(completed, 6)
    assert not services.interaction_is_locked(completed)
    row = services.interaction_update(
        actor=msl_a, interaction=completed, changes={"outcome": "Better wording"}
    )
    assert row.outcome == "Better wording"
    assert AuditEntry.objects.filter(action="interaction.update").count() == 1


def test_completed_interaction_is_locked_after_the_window_and_needs_a_reason(
    msl_a, completed, audit_mark
):
    _age(completed, 8)
    assert services.interaction_is_locked(completed)
    since = audit_mark()
    with pytest.raises(Invalid) as refused:
        services.interaction_update(
            actor=msl_a, interaction=completed, changes={"notes": "Rewritten"}
        )
    [message] = errors_of(refused)["reason"]
    assert "more than 7 days ago and is locked" in message
    completed.refresh_from_db()
    assert completed.notes == NOTES
    assert since() == []


def test_locked_interaction_is_amended_with_a_reason_the_audit_keeps(msl_a, completed, audit_mark):
    _age(completed, 30)
    since = audit_mark()
    row = services.interaction_update(
        actor=msl_a,
        interaction=completed,
        changes={"notes": "Corrected dose figure"},
        reason="  Typo in the dose  ",
    )
    assert row.notes == "Corrected dose figure"
    [entry] = since()
    assert entry.action == "interaction.amend"
    assert entry.reason == "Typo in the dose"
    assert entry.before == {"notes": NOTES}
    assert entry.after == {"notes": "Corrected dose figure"}


@override_settings(KOLBRIDGE_INTERACTION_LOCK_DAYS=30)
def test_lock_window_comes_from_settings(completed):
    _age(completed, 20)
    assert not services.interaction_is_locked(completed)
    _age(completed, 31)
    assert services.interaction_is_locked(completed)


def test_planned_interaction_is_never_locked(planned):
    Interaction.objects.filter(pk=planned.pk).update(starts_at=timezone.now() - timedelta(days=90))
    planned.refresh_from_db()
    assert not services.interaction_is_locked(planned)


def test_completed_interaction_cannot_be_moved_into_the_future(msl_a, completed):
    with pytest.raises(Invalid, match="cannot be in the future"):
        services.interaction_update(
            actor=msl_a,
            interaction=completed,
            changes={"starts_at": timezone.now() + timedelta(days=3)},
        )


def test_msl_of_the_territory_not_on_the_interaction_cannot_change_it(msl_c, planned):
    with pytest.raises(Forbidden, match="Ownership rule"):
        services.interaction_update(actor=msl_c, interaction=planned, changes={"notes": "x"})
    with pytest.raises(Forbidden, match="Ownership rule"):
        services.interaction_complete(actor=msl_c, interaction=planned)
    with pytest.raises(Forbidden, match="Ownership rule"):
        services.interaction_cancel(actor=msl_c, interaction=planned, reason="x")


def test_medical_lead_may_change_an_interaction_of_the_team(lead, planned):
    row = services.interaction_update(actor=lead, interaction=planned, changes={"notes": "Prep"})
    assert row.notes == "Prep"


# ---- inquiries ------------------------------------------------------------------------------


def test_capturing_an_inquiry_starts_its_clock_and_audits_it(msl_a, kol_a, audit_mark):
    since = audit_mark()
    received = timezone.now() - timedelta(hours=1)
    row = capture(msl_a, kol_a, received_at=received, product_name="zentorix")
    assert (row.status, row.source, row.captured_by, row.urgency) == (
        "open", "msl", msl_a, "standard"
    )
    assert row.product.name == "Zentorix"
    assert row.received_at == received
    assert row.due_at > received + timedelta(days=4)
    [entry] = since()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "inquiry.capture", "inquiry", str(row.pk)
    )
    assert entry.after["status"] == "open"


def test_inquiry_without_the_hcps_unsolicited_confirmation_is_refused(msl_a, kol_a):
    with pytest.raises(Invalid) as refused:
        services.inquiry_capture(
            actor=msl_a, kol=kol_a, question="Q", channel_received="phone",
            unsolicited_confirmed=False,
        )
    assert "must confirm the question was unsolicited" in errors_of(refused)[
        "unsolicited_confirmed"
    ][0]
    assert Inquiry.objects.count() == 0


def test_inquiry_received_in_the_future_is_refused(msl_a, kol_a):
    with pytest.raises(Invalid, match="cannot be in the future"):
        capture(msl_a, kol_a, received_at=timezone.now() + timedelta(days=1))


def test_msl_cannot_capture_an_inquiry_for_a_kol_outside_the_territory(msl_a, kol_b):
    with pytest.raises(Invalid, match="Unknown KOL"):
        capture(msl_a, kol_b)


def test_inquiry_moves_open_in_progress_answered_closed_with_an_audit_entry_each(
    msl_a, inquiry_a, audit_mark
):
    since = audit_mark()
    row = services.inquiry_start(actor=msl_a, inquiry=inquiry_a)
    assert row.status == "in_progress"
    row = services.inquiry_respond(
        actor=msl_a, inquiry=row, response=ANSWER, delivery_channel="email"
    )
    assert (row.status, row.response, row.responder, row.delivery_channel) == (
        "answered", ANSWER, msl_a, "email"
    )
    assert row.responded_at is not None
    row = services.inquiry_close(actor=msl_a, inquiry=row)
    assert row.status == "closed"
    assert row.closed_at is not None
    entries = since()
    assert [e.action for e in entries] == ["inquiry.start", "inquiry.respond", "inquiry.close"]
    assert entries[0].before == {"status": "open"}
    assert entries[1].after["response"] == ANSWER
    assert entries[2].after["status"] == "closed"


def test_inquiry_transitions_out_of_order_are_refused(msl_a, inquiry_a):
    with pytest.raises(Invalid, match="Only an answered inquiry can be closed"):
        services.inquiry_close(actor=msl_a, inquiry=inquiry_a)
    services.inquiry_respond(actor=msl_a, inquiry=inquiry_a, response="A", delivery_channel="email")
    with pytest.raises(Invalid, match="Only an open inquiry can be taken on"):
        services.inquiry_start(actor=msl_a, inquiry=inquiry_a)
    with pytest.raises(Invalid, match="answered already"):
        services.inquiry_respond(
            actor=msl_a, inquiry=inquiry_a, response="B", delivery_channel="email"
        )


def test_response_must_have_text_and_a_known_channel(msl_a, inquiry_a):
    with pytest.raises(Invalid, match="Write the response"):
        services.inquiry_respond(
            actor=msl_a, inquiry=inquiry_a, response=" ", delivery_channel="email"
        )
    with pytest.raises(Invalid, match="Unknown channel"):
        services.inquiry_respond(
            actor=msl_a, inquiry=inquiry_a, response="A", delivery_channel="fax"
        )


def test_stale_inquiry_version_is_a_conflict(msl_a, inquiry_a):
    services.inquiry_start(actor=msl_a, inquiry=inquiry_a)
    with pytest.raises(Conflict, match="changed by someone else"):
        services.inquiry_respond(
            actor=msl_a, inquiry=inquiry_a, response="A", delivery_channel="email",
            expected_version=1,
        )


def test_msl_of_another_territory_cannot_answer(msl_b, inquiry_a):
    with pytest.raises(Forbidden, match="Territory rule"):
        services.inquiry_respond(
            actor=msl_b, inquiry=inquiry_a, response="A", delivery_channel="email"
        )


def test_pv_officer_reads_but_cannot_answer_or_capture(pv, kol_a, inquiry_a):
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.inquiry_respond(
            actor=pv, inquiry=inquiry_a, response="A", delivery_channel="email"
        )
    with pytest.raises(Forbidden, match="Firewall rule"):
        capture(pv, kol_a)


# ---- referrals ------------------------------------------------------------------------------


def test_sales_rep_refers_a_question_which_medical_then_sees_in_its_queue(
    rep, msl_a, kol_a, audit_mark
):
    since = audit_mark()
    row = refer(rep, kol_a, urgency="urgent")
    assert (row.source, row.captured_by, row.status, row.urgency) == (
        "sales_referral", rep, "open", "urgent"
    )
    [entry] = since()
    assert (entry.action, entry.actor) == ("inquiry.refer", rep)
    from kolbridge.engagements.selectors import inquiry_queue

    assert list(inquiry_queue(user=msl_a)) == [row]


def test_referral_without_unsolicited_confirmation_is_refused_saying_why(rep, kol_a):
    with pytest.raises(Invalid) as refused:
        services.inquiry_refer(
            actor=rep, kol=kol_a, question="Q", channel_received="phone",
            unsolicited_confirmed=False, hcp_requested_medical_answer=True,
        )
    assert "unsolicited" in errors_of(refused)["unsolicited_confirmed"][0]
    assert Inquiry.objects.count() == 0


def test_referral_without_the_hcps_request_for_a_medical_answer_is_refused(rep, kol_a):
    with pytest.raises(Invalid) as refused:
        services.inquiry_refer(
            actor=rep, kol=kol_a, question="Q", channel_received="phone",
            unsolicited_confirmed=True, hcp_requested_medical_answer=False,
        )
    assert "HCP asked for medical to answer" in errors_of(refused)[
        "hcp_requested_medical_answer"
    ][0]
    assert Inquiry.objects.count() == 0


def test_sales_rep_answering_a_referral_is_refused_naming_the_firewall_rule(rep, referral):
    with pytest.raises(Forbidden) as refused:
        services.inquiry_respond(
            actor=rep, inquiry=referral, response="I can tell you", delivery_channel="email"
        )
    assert "Firewall rule" in refused.value.message
    assert "never answers" in refused.value.message
    referral.refresh_from_db()
    assert (referral.status, referral.response) == ("open", "")


@pytest.mark.parametrize("persona", ["msl_a", "lead", "pm"])
def test_only_sales_reps_refer(request, persona, kol_a):
    with pytest.raises(Forbidden, match="Firewall rule"):
        refer(request.getfixturevalue(persona), kol_a)


def test_sales_rep_cannot_capture_an_inquiry_directly(rep, kol_a):
    with pytest.raises(Forbidden, match="Firewall rule"):
        capture(rep, kol_a)


# ---- follow-ups -----------------------------------------------------------------------------


def test_follow_up_create_and_mark_done_then_reopen_with_audit(msl_a, kol_a, audit_mark):
    since = audit_mark()
    row = services.follow_up_create(
        actor=msl_a,
        draft=services.FollowUpDraft(" Send reprint ", timezone.localdate(), "The NEJM one"),
        kol=kol_a,
    )
    assert (row.title, row.owner, row.status, row.created_by) == (
        "Send reprint", msl_a, "open", msl_a
    )
    done = services.follow_up_set_status(actor=msl_a, follow_up=row, status="done")
    assert done.status == "done"
    assert done.completed_at is not None
    reopened = services.follow_up_set_status(actor=msl_a, follow_up=row, status="open")
    assert reopened.completed_at is None
    entries = since()
    assert [e.action for e in entries] == [
        "follow_up.create", "follow_up.status", "follow_up.status"
    ]
    assert (entries[1].before, entries[1].after) == ({"status": "open"}, {"status": "done"})


def test_follow_up_with_unknown_status_or_blank_title_is_refused(msl_a, follow_up_a):
    with pytest.raises(Invalid, match="Unknown status"):
        services.follow_up_set_status(actor=msl_a, follow_up=follow_up_a, status="finished")
    with pytest.raises(Invalid) as refused:
        services.follow_up_create(
            actor=msl_a, draft=services.FollowUpDraft("   ", timezone.localdate())
        )
    assert "title" in errors_of(refused)


def test_follow_up_of_someone_else_cannot_be_changed(msl_b, follow_up_a):
    with pytest.raises(Forbidden, match="Ownership rule"):
        services.follow_up_set_status(actor=msl_b, follow_up=follow_up_a, status="done")


def test_medical_lead_may_close_a_team_members_follow_up(lead, follow_up_a):
    assert services.follow_up_set_status(actor=lead, follow_up=follow_up_a, status="done")


def test_follow_up_on_an_interaction_needs_the_right_to_change_it(msl_c, planned):
    with pytest.raises(Forbidden, match="Ownership rule"):
        services.follow_up_create(
            actor=msl_c,
            draft=services.FollowUpDraft("x", timezone.localdate()),
            interaction=planned,
        )


@pytest.mark.parametrize("persona", ["rep", "pm", "pv"])
def test_roles_outside_the_field_team_cannot_create_follow_ups(request, persona):
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.follow_up_create(
            actor=request.getfixturevalue(persona),
            draft=services.FollowUpDraft("x", timezone.localdate()),
        )


def test_a_follow_up_cannot_be_handed_to_an_msl_outside_team_and_territory(msl_a, msl_b, planned):
    with pytest.raises(Invalid, match="outside your team and territory"):
        services.interaction_complete(
            actor=msl_a, interaction=planned,
            follow_ups=[services.FollowUpDraft("Send reprint", timezone.localdate(), "", "msl_b")],
        )
    planned.refresh_from_db()
    assert planned.status == "planned"


def test_a_follow_up_can_go_to_a_colleague_of_the_same_territory(msl_a, msl_c, kol_a, planned):
    done = services.interaction_complete(
        actor=msl_a, interaction=planned,
        follow_ups=[services.FollowUpDraft("Send reprint", timezone.localdate(), "", "msl_c")],
    )
    assert [f.owner for f in done.follow_ups.all()] == [msl_c]


def test_an_inquiry_linked_to_an_interaction_must_come_from_one_of_its_hcps(
    msl_a, kol_a, kol_a2, ref
):
    meeting = plan(msl_a, [kol_a2])
    with pytest.raises(Invalid, match="did not attend"):
        capture(msl_a, kol_a, interaction=meeting)
