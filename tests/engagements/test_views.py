"""Engagement pages without a browser: status codes per role, the firewall on pages, the forms'
messages, the pre-call plan, the calendar week, "My work" and the KOL page across the firewall."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kolbridge.core.models import AuditEntry
from kolbridge.engagements import services
from kolbridge.engagements.models import FollowUp, Inquiry, Interaction
from kolbridge.kols.models import ScientificQuestion
from tests.engagements.conftest import (
    ANSWER,
    INQUIRY_QUESTION,
    KOL_A_QUESTION,
    NEXT_STEPS,
    NOTES,
    OBJECTIVES,
    OUTCOME,
    RAISED,
    REFERRED_QUESTION,
    answer_and_close,
    capture,
    earlier_today,
    log,
    plan,
    today_start,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def plain(response) -> str:
    """The page as a person reads it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


@pytest.fixture
def urls(planned, inquiry_a) -> dict[str, str]:
    return {
        "calendar": reverse("engagements:calendar"),
        "interaction_create": reverse("engagements:interaction_create"),
        "interaction_detail": reverse("engagements:interaction_detail", args=[planned.pk]),
        "interaction_ical": reverse("engagements:interaction_ical", args=[planned.pk]),
        "inquiry_queue": reverse("engagements:inquiry_queue"),
        "inquiry_create": reverse("engagements:inquiry_create"),
        "inquiry_detail": reverse("engagements:inquiry_detail", args=[inquiry_a.pk]),
        "referral_list": reverse("engagements:referral_list"),
        "referral_create": reverse("engagements:referral_create"),
        "follow_up_list": reverse("engagements:follow_up_list"),
    }


# (page, persona, status). 403 pages name the firewall rule; 404 hides the record.
ACCESS = [
    ("calendar", "msl_a", 200), ("calendar", "lead", 200), ("calendar", "rep", 403),
    ("calendar", "pm", 403), ("calendar", "pv", 403), ("calendar", "admin", 403),
    ("interaction_create", "msl_a", 200), ("interaction_create", "rep", 403),
    ("interaction_create", "pv", 403),
    ("interaction_detail", "msl_a", 200), ("interaction_detail", "lead", 200),
    ("interaction_detail", "msl_c", 200), ("interaction_detail", "msl_b", 404),
    ("interaction_detail", "rep", 403), ("interaction_detail", "pm", 403),
    ("interaction_detail", "pv", 403),
    ("interaction_ical", "msl_a", 200), ("interaction_ical", "msl_b", 404),
    ("interaction_ical", "rep", 403),
    ("inquiry_queue", "msl_a", 200), ("inquiry_queue", "pv", 200), ("inquiry_queue", "rep", 403),
    ("inquiry_queue", "pm", 403), ("inquiry_queue", "admin", 403),
    ("inquiry_create", "msl_a", 200), ("inquiry_create", "pv", 403),
    ("inquiry_create", "rep", 403),
    ("inquiry_detail", "msl_a", 200), ("inquiry_detail", "pv", 200),
    ("inquiry_detail", "msl_b", 404), ("inquiry_detail", "rep", 403),
    ("referral_list", "rep", 200), ("referral_list", "msl_a", 403), ("referral_list", "pm", 403),
    ("referral_create", "rep", 200), ("referral_create", "msl_a", 403),
    ("referral_create", "pm", 403),
    ("follow_up_list", "msl_a", 200), ("follow_up_list", "lead", 200),
    ("follow_up_list", "rep", 403), ("follow_up_list", "pv", 403),
]


PAGES = list(dict.fromkeys(screen for screen, _, _ in ACCESS))


# "page" would be pytest-playwright's fixture: these tests name theirs "screen".
@pytest.mark.parametrize("screen", PAGES)
def test_page_answers_each_role_as_the_firewall_says(request, session_client, urls, screen):
    wrong = []
    for persona, status in [(who, code) for p, who, code in ACCESS if p == screen]:
        response = session_client(request.getfixturevalue(persona)).get(urls[screen])
        body = text(response)
        if response.status_code != status:
            wrong.append((persona, response.status_code, "expected", status))
        if status == 403 and "Firewall rule" not in body:
            wrong.append((persona, "403 without naming the rule"))
        if status != 200 and (OBJECTIVES in body or INQUIRY_QUESTION in body):
            wrong.append((persona, "leaked the record"))
    assert wrong == []


@pytest.mark.parametrize("screen", [
    "calendar", "interaction_create", "interaction_detail", "interaction_ical", "inquiry_queue",
    "inquiry_create", "inquiry_detail", "referral_list", "referral_create", "follow_up_list",
])
def test_pages_send_anonymous_visitors_to_sign_in(outsider, urls, screen):
    response = outsider.get(urls[screen])
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# ---- interaction forms ----------------------------------------------------------------------


def test_planning_form_defaults_to_the_msls_own_kols_and_a_time_slot(msl_a, kol_a, kol_b,
                                                                     session_client):
    response = session_client(msl_a).get(
        reverse("engagements:interaction_create"), {"kol": kol_a.pk}
    )
    body = text(response)
    assert "Amelia Okafor" in body
    assert "Varga" not in body
    assert f'value="{kol_a.pk}" id="kols-{kol_a.pk}" checked' in body
    assert response.context["form"].initial["starts_at"] > timezone.now()


def test_attendee_search_finds_only_kols_in_reach(msl_a, kol_a, kol_b, session_client):
    client = session_client(msl_a)
    url = reverse("engagements:attendee_search")
    assert "Amelia Okafor" in text(client.get(url, {"q": "okafor"}))
    found = text(client.get(url, {"q": "Varga"}))
    assert "Benjamin" not in found
    assert "No HCP matches" in found


def test_planning_without_an_attendee_shows_why(msl_a, session_client):
    response = session_client(msl_a).post(reverse("engagements:interaction_create"), {
        "starts_at": "2030-01-01T10:00", "duration_minutes": 30, "channel": "video",
        "kind": "proactive",
    })
    assert response.status_code == 422
    assert "Pick at least one HCP attendee" in text(response)
    assert Interaction.objects.count() == 0


def test_logging_a_meeting_in_the_future_shows_why(msl_a, kol_a, session_client):
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = session_client(msl_a).post(reverse("engagements:interaction_create"), {
        "kols": [kol_a.pk], "starts_at": future, "duration_minutes": 30, "channel": "video",
        "kind": "proactive", "completed": "on", "notes": NOTES,
    })
    assert response.status_code == 422
    assert "A completed interaction cannot be in the future." in text(response)
    assert Interaction.objects.count() == 0


def test_follow_up_without_a_due_date_shows_why(msl_a, kol_a, session_client):
    response = session_client(msl_a).post(reverse("engagements:interaction_create"), {
        "kols": [kol_a.pk], "starts_at": "2030-01-01T10:00", "duration_minutes": 30,
        "channel": "video", "kind": "proactive", "completed": "on",
        "follow_up_title": "Send the poster",
    })
    assert response.status_code == 422
    assert "Give the follow-up a due date." in text(response)
    assert Interaction.objects.count() == 0


def test_planning_a_meeting_leads_to_its_pre_call_plan(msl_a, kol_a, session_client):
    response = session_client(msl_a).post(reverse("engagements:interaction_create"), {
        "kols": [kol_a.pk], "starts_at": "2030-01-01T10:00", "duration_minutes": 45,
        "channel": "video", "kind": "proactive", "therapeutic_area": "ONC",
        "products": ["Zentorix"], "objectives": OBJECTIVES,
    })
    row = Interaction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("engagements:interaction_detail", args=[row.pk])
    assert (row.status, row.duration_minutes, row.objectives) == ("planned", 45, OBJECTIVES)
    assert AuditEntry.objects.filter(action="interaction.create", object_id=str(row.pk)).exists()


def test_pre_call_plan_gathers_what_the_msl_needs(msl_a, kol_a, planned, inquiry_a, follow_up_a,
                                                 session_client):
    from kolbridge.kols import services as kol_services

    now = timezone.now()
    kol_services.kol_stage_record(actor=msl_a, kol=kol_a, stage="exploring",
                                  at=now - timedelta(days=90))
    kol_services.kol_knowledge_record(actor=msl_a, kol=kol_a, level=3,
                                      therapeutic_area_code="ONC", at=now - timedelta(days=60))
    kol_services.kol_channel_preferences_record(
        actor=msl_a, kol=kol_a, channels=["in_person", "video"], email_consent=False,
        preferred_times="Tuesday mornings", at=now - timedelta(days=30),
    )
    log(msl_a, [kol_a], starts_at=now - timedelta(days=20))
    response = session_client(msl_a).get(
        reverse("engagements:interaction_detail", args=[planned.pk])
    )
    assert response.status_code == 200
    body = plain(response)
    assert "Pre-call plan" in body
    assert OBJECTIVES in body
    assert "Stage: Exploring" in body  # the KOL's stage
    assert "Oncology: " in body  # knowledge level per therapeutic area
    assert "Channels: In person, Video call · prefers Tuesday mornings" in body
    assert KOL_A_QUESTION in body  # open question
    assert RAISED in body  # raised in the earlier meeting, still open
    assert OUTCOME in body and NEXT_STEPS in body  # last interaction and its next steps
    assert INQUIRY_QUESTION in body  # open inquiry
    assert "Send the renal FAQ" in body  # open follow-up
    assert "After the meeting: complete it" in body


def test_planning_form_refuses_what_happened_unless_logged_as_completed(msl_a, kol_a,
                                                                       session_client):
    response = session_client(msl_a).post(reverse("engagements:interaction_create"), {
        "kols": [kol_a.pk], "starts_at": "2030-01-01T10:00", "duration_minutes": 30,
        "channel": "video", "kind": "proactive", "notes": NOTES,
    })
    assert response.status_code == 422
    assert "tick this box to log the meeting as completed" in text(response)
    assert Interaction.objects.count() == 0


def test_completing_on_the_same_page_records_questions_and_follow_ups(
    msl_a, kol_a, planned, session_client
):
    url = reverse("engagements:interaction_complete", args=[planned.pk])
    response = session_client(msl_a).post(url, {
        **_as_planned(planned), "notes": NOTES, "outcome": OUTCOME, "next_steps": NEXT_STEPS,
        "questions": f"{RAISED}\n\nAny data over 75?\n",
        "follow_up_title": "Send the BBB data", "follow_up_due": timezone.localdate().isoformat(),
    })
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.status, planned.notes) == ("completed", NOTES)
    assert set(ScientificQuestion.objects.filter(kol=kol_a).values_list("text", flat=True)) >= {
        RAISED, "Any data over 75?"
    }
    assert FollowUp.objects.get().title == "Send the BBB data"
    page = text(session_client(msl_a).get(response["Location"]))
    assert "What happened" in page
    assert RAISED in page and "Send the BBB data" in page


def test_completing_in_the_future_on_the_page_shows_why(msl_a, kol_a, session_client):
    row = plan(msl_a, [kol_a], starts_at=timezone.now() + timedelta(days=3))
    response = session_client(msl_a).post(
        reverse("engagements:interaction_complete", args=[row.pk]), _as_planned(row)
    )
    assert response.status_code == 422
    assert "A completed interaction cannot be in the future." in text(response)
    row.refresh_from_db()
    assert row.status == "planned"


def test_completing_a_stale_page_shows_the_conflict(msl_a, lead, planned, session_client):
    services.interaction_update(actor=lead, interaction=planned, changes={"notes": "Lead prep"})
    response = session_client(msl_a).post(
        reverse("engagements:interaction_complete", args=[planned.pk]),
        {**_as_planned(planned), "notes": "Mine"},
    )
    assert response.status_code == 409
    assert "changed by someone else" in text(response)
    planned.refresh_from_db()
    assert (planned.status, planned.notes) == ("planned", "Lead prep")


def test_completing_someone_elses_meeting_on_the_page_is_403(msl_c, planned, session_client):
    response = session_client(msl_c).post(
        reverse("engagements:interaction_complete", args=[planned.pk]), _as_planned(planned)
    )
    assert response.status_code == 403
    assert "Ownership rule" in text(response)


def test_cancelling_on_the_page_needs_a_reason(msl_a, planned, session_client):
    url = reverse("engagements:interaction_cancel", args=[planned.pk])
    refused = session_client(msl_a).post(url, {"version": 1, "reason": ""})
    assert refused.status_code == 422
    assert "Say why the meeting is cancelled" in text(refused)
    planned.refresh_from_db()
    assert planned.status == "planned"
    done = session_client(msl_a).post(url, {"version": 1, "reason": "KOL ill"})
    assert done.status_code == 302
    planned.refresh_from_db()
    assert (planned.status, planned.cancel_reason) == ("cancelled", "KOL ill")


def test_amending_a_locked_interaction_on_the_page_needs_a_reason(msl_a, completed,
                                                                 session_client):
    Interaction.objects.filter(pk=completed.pk).update(
        completed_at=timezone.now() - timedelta(days=10)
    )
    client = session_client(msl_a)
    detail = text(client.get(reverse("engagements:interaction_detail", args=[completed.pk])))
    assert "Amend the record (locked: give a reason)" in detail
    url = reverse("engagements:interaction_amend", args=[completed.pk])
    form = {"version": completed.version, "notes": "Fixed", "outcome": OUTCOME,
            "next_steps": NEXT_STEPS}
    refused = client.post(url, {**form, "reason": ""})
    assert refused.status_code == 422
    assert "give a reason for the amendment" in text(refused)
    completed.refresh_from_db()
    assert completed.notes == NOTES
    done = client.post(url, {**form, "reason": "Dose typo"})
    assert done.status_code == 302
    entry = AuditEntry.objects.get(action="interaction.amend")
    assert entry.reason == "Dose typo"


def test_completed_interaction_page_shows_its_audit_trail_to_the_lead_only(
    msl_a, lead, completed, session_client
):
    url = reverse("engagements:interaction_detail", args=[completed.pk])
    assert "interaction.complete" in text(session_client(lead).get(url))
    assert "interaction.complete" not in text(session_client(msl_a).get(url))


def _as_planned(row) -> dict:
    """The complete form as the page fills it in: the planned time and the version."""
    return {
        "version": row.version,
        "starts_at": timezone.localtime(row.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": row.duration_minutes,
    }


# ---- calendar -------------------------------------------------------------------------------


def test_calendar_shows_the_msls_week(msl_a, msl_c, kol_a, kol_a2, session_client):
    plan(msl_a, [kol_a], starts_at=earlier_today())
    plan(msl_a, [kol_a2], starts_at=today_start() + timedelta(days=7, hours=10))
    plan(msl_c, [kol_a2], starts_at=earlier_today())
    client = session_client(msl_a)
    response = client.get(reverse("engagements:calendar"))
    assert response.status_code == 200
    days = response.context["days"]
    assert len(days) == 7
    assert next(iter(days)).weekday() == 0
    shown = [row for rows in days.values() for row in rows]
    assert [list(r.kols.all()) for r in shown] == [[kol_a]]
    assert "Amelia Okafor" in text(response)
    next_week = client.get(
        reverse("engagements:calendar"), {"day": (timezone.localdate() + timedelta(days=7))}
    )
    shown = [row for rows in next_week.context["days"].values() for row in rows]
    assert [list(r.kols.all()) for r in shown] == [[kol_a2]]


def test_lead_sees_a_team_members_week_but_not_anyone_elses(lead, msl_a, msl_b, kol_a, kol_b,
                                                           session_client):
    plan(msl_a, [kol_a], starts_at=earlier_today())
    plan(msl_b, [kol_b], starts_at=earlier_today())
    client = session_client(lead)
    response = client.get(reverse("engagements:calendar"), {"msl": "msl_a"})
    assert response.context["msl"] == msl_a
    assert "Amelia Okafor" in text(response)
    outside = client.get(reverse("engagements:calendar"), {"msl": "msl_b"})
    assert outside.context["msl"] == lead
    assert "Varga" not in text(outside)


def test_calendar_ignores_a_malformed_day(msl_a, session_client):
    response = session_client(msl_a).get(reverse("engagements:calendar"), {"day": "32/13"})
    assert response.status_code == 200
    assert response.context["start"] <= timezone.localdate() <= response.context["end"]


# ---- inquiries and referrals on pages -------------------------------------------------------


def _inquiry_form(kol, **extra):
    return {
        "kol": kol.pk, "question": INQUIRY_QUESTION, "channel_received": "phone",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "urgency": "standard",
        **extra,
    }


def test_capturing_without_the_unsolicited_confirmation_shows_why(msl_a, kol_a, session_client):
    response = session_client(msl_a).post(
        reverse("engagements:inquiry_create"), _inquiry_form(kol_a)
    )
    assert "The HCP must confirm the question was unsolicited" in text(response)
    assert Inquiry.objects.count() == 0


def test_capturing_an_inquiry_on_the_page(msl_a, kol_a, session_client):
    response = session_client(msl_a).post(
        reverse("engagements:inquiry_create"),
        _inquiry_form(kol_a, unsolicited_confirmed="on", urgency="urgent"),
    )
    row = Inquiry.objects.get()
    assert response["Location"] == reverse("engagements:inquiry_detail", args=[row.pk])
    assert (row.source, row.urgency, row.captured_by) == ("msl", "urgent", msl_a)


@pytest.mark.parametrize("missing,message", [
    ("unsolicited_confirmed", "The HCP must confirm the question was unsolicited"),
    ("hcp_requested_medical_answer", "Record that the HCP asked for medical to answer"),
])
def test_referring_without_a_confirmation_shows_why(rep, kol_a, session_client, missing,
                                                    message):
    data = _inquiry_form(kol_a, unsolicited_confirmed="on", hcp_requested_medical_answer="on")
    del data[missing]
    response = session_client(rep).post(reverse("engagements:referral_create"), data)
    assert message in text(response)
    assert Inquiry.objects.count() == 0


def test_referring_on_the_page_then_seeing_only_its_status(rep, msl_a, kol_a, session_client):
    client = session_client(rep)
    data = _inquiry_form(kol_a, question=REFERRED_QUESTION, unsolicited_confirmed="on",
                         hcp_requested_medical_answer="on")
    response = client.post(reverse("engagements:referral_create"), data)
    assert response["Location"] == reverse("engagements:referral_list")
    row = Inquiry.objects.get()
    assert (row.source, row.captured_by) == ("sales_referral", rep)
    listing = text(client.get(reverse("engagements:referral_list")))
    assert REFERRED_QUESTION in listing and "Received by medical" in listing
    answer_and_close(msl_a, row)
    listing = text(client.get(reverse("engagements:referral_list")))
    assert "Closed by medical" in listing
    assert ANSWER not in listing
    detail = client.get(reverse("engagements:inquiry_detail", args=[row.pk]))
    assert detail.status_code == 403
    assert ANSWER not in text(detail)


def test_responding_and_closing_on_the_inquiry_page(msl_a, inquiry_a, session_client):
    client = session_client(msl_a)
    url = reverse("engagements:inquiry_detail", args=[inquiry_a.pk])
    assert client.post(url, {"action": "start"}).status_code == 302
    refused = client.post(url, {"action": "respond", "response": "", "version": 2,
                                "delivery_channel": "email"})
    assert refused.status_code == 422
    assert "Write the response that was given to the HCP." in text(refused)
    done = client.post(url, {"action": "respond", "response": ANSWER, "version": 2,
                             "delivery_channel": "email"})
    assert done.status_code == 302
    assert client.post(url, {"action": "close"}).status_code == 302
    inquiry_a.refresh_from_db()
    assert (inquiry_a.status, inquiry_a.response) == ("closed", ANSWER)
    assert ANSWER in text(client.get(url))


def test_pv_officer_reading_an_inquiry_cannot_answer_it_on_the_page(pv, inquiry_a,
                                                                    session_client):
    client = session_client(pv)
    url = reverse("engagements:inquiry_detail", args=[inquiry_a.pk])
    page = text(client.get(url))
    assert INQUIRY_QUESTION in page
    assert "Record the response" not in page
    response = client.post(url, {"action": "respond", "response": "PV answer", "version": 1,
                                 "delivery_channel": "email"})
    assert response.status_code == 403
    assert "Firewall rule" in text(response)
    inquiry_a.refresh_from_db()
    assert inquiry_a.response == ""


def test_queue_page_lists_overdue_inquiries_first_and_marks_them(msl_a, kol_a, session_client):
    capture(msl_a, kol_a, question="Fresh question")
    capture(msl_a, kol_a, question="Old question", received_at=timezone.now() - timedelta(days=12))
    response = session_client(msl_a).get(reverse("engagements:inquiry_queue"))
    assert [r.question for r in response.context["rows"]] == ["Old question", "Fresh question"]
    body = text(response)
    assert body.index("Old question") < body.index("Fresh question")
    assert body.count(">Overdue</span>") == 1


# ---- follow-ups on pages --------------------------------------------------------------------


def test_marking_a_follow_up_done_on_the_page(msl_a, follow_up_a, session_client):
    client = session_client(msl_a)
    url = reverse("engagements:follow_up_list")
    assert "Send the renal FAQ" in text(client.get(url))
    response = client.post(url, {"follow_up": follow_up_a.pk, "status": "done"})
    assert response.status_code == 302
    follow_up_a.refresh_from_db()
    assert follow_up_a.status == "done"
    assert AuditEntry.objects.filter(action="follow_up.status").count() == 1


def test_marking_someone_elses_follow_up_on_the_page_is_404(msl_b, follow_up_a, session_client):
    response = session_client(msl_b).post(
        reverse("engagements:follow_up_list"), {"follow_up": follow_up_a.pk, "status": "done"}
    )
    assert response.status_code == 404
    follow_up_a.refresh_from_db()
    assert follow_up_a.status == "open"


def test_lead_sees_the_teams_follow_ups_on_the_page(lead, follow_up_a, session_client):
    assert "Send the renal FAQ" in text(
        session_client(lead).get(reverse("engagements:follow_up_list"))
    )


# ---- "My work" ------------------------------------------------------------------------------


def test_my_work_shows_the_msl_todays_and_overdue_meetings_follow_ups_and_inquiries(
    msl_a, msl_c, kol_a, kol_a2, session_client
):
    today = timezone.localdate()
    plan(msl_a, [kol_a], starts_at=earlier_today(), objectives="Today's meeting")
    plan(msl_a, [kol_a2], starts_at=timezone.now() - timedelta(days=3), objectives="Overdue mtg")
    plan(msl_a, [kol_a], starts_at=today_start() + timedelta(days=2), objectives="Later mtg")
    log(msl_a, [kol_a2], objectives="Done mtg")
    plan(msl_c, [kol_a], starts_at=earlier_today(), objectives="Colleague mtg")
    for title, due in (("Due today", today), ("Overdue task", today - timedelta(days=2)),
                       ("Next week task", today + timedelta(days=7))):
        services.follow_up_create(actor=msl_a, draft=services.FollowUpDraft(title, due), kol=kol_a)
    overdue = capture(msl_a, kol_a, question="Overdue inquiry",
                      received_at=timezone.now() - timedelta(days=12))
    due_today = capture(msl_a, kol_a, question="Inquiry due today")
    end_of_today = today_start() + timedelta(days=1)
    Inquiry.objects.filter(pk=due_today.pk).update(
        due_at=timezone.now() + (end_of_today - timezone.now()) / 2
    )
    capture(msl_a, kol_a, question="Inquiry due later")

    response = session_client(msl_a).get("/")
    assert response.status_code == 200
    sections = {s.key: s for s in response.context["sections"]}
    meetings = sections["meetings"].items
    assert sorted(i.detail.split(" · ")[1] for i in meetings) == ["Overdue mtg", "Today's meeting"]
    assert [i.overdue for i in meetings] == [True, False]
    follow_ups = sections["follow_ups"].items
    assert [(i.title, i.overdue) for i in follow_ups] == [("Overdue task", True),
                                                         ("Due today", False)]
    inquiries = sections["inquiries"].items
    assert [(i.title.split(": ", 1)[1], i.overdue) for i in inquiries] == [
        ("Overdue inquiry", True), ("Inquiry due today", False)
    ]
    assert inquiries[0].url == reverse("engagements:inquiry_detail", args=[overdue.pk])
    body = text(response)
    for shown in ("Today's meeting", "Overdue mtg", "Due today", "Overdue task",
                  "Overdue inquiry", "Inquiry due today"):
        assert shown in body
    for hidden in ("Later mtg", "Done mtg", "Colleague mtg", "Next week task",
                   "Inquiry due later"):
        assert hidden not in body
    assert "referrals" not in sections


def test_my_work_of_a_sales_rep_shows_referral_status_never_the_answer(
    rep, msl_a, kol_a, referral, inquiry_a, session_client
):
    client = session_client(rep)
    sections = {s.key: s for s in client.get("/").context["sections"]}
    assert set(sections) == {"referrals"}
    [item] = sections["referrals"].items
    assert item.detail == "Received by medical"
    answer_and_close(msl_a, referral)
    answer_and_close(msl_a, inquiry_a)
    response = client.get("/")
    [item] = {s.key: s for s in response.context["sections"]}["referrals"].items
    assert item.detail == "Closed by medical"
    body = text(response)
    assert REFERRED_QUESTION in body
    for secret in (ANSWER, INQUIRY_QUESTION):
        assert secret not in body


@pytest.mark.parametrize("persona", ["pm", "admin", "reviewer"])
def test_my_work_has_no_engagement_sections_for_roles_without_them(request, persona, planned,
                                                                   inquiry_a, session_client):
    response = session_client(request.getfixturevalue(persona)).get("/")
    engagement_keys = {"meetings", "follow_ups", "inquiries", "referrals"}
    assert not engagement_keys & {s.key for s in response.context["sections"]}
    assert OBJECTIVES not in text(response)


# ---- the KOL page across the firewall -------------------------------------------------------


def test_kol_page_as_sales_rep_shows_the_fact_of_a_meeting_and_no_inquiry_text(
    rep, msl_a, kol_a, completed, referral, inquiry_a, session_client
):
    answer_and_close(msl_a, referral)
    answer_and_close(msl_a, inquiry_a, close=False)
    response = session_client(rep).get(reverse("kols:detail", args=[kol_a.pk]))
    assert response.status_code == 200
    body = text(response)
    assert "Medical interaction took place" in body
    assert "Refer a question to medical" in body
    assert f"{reverse('engagements:referral_create')}?kol={kol_a.pk}" in body
    assert "Plan a meeting" not in body and "Capture an inquiry" not in body
    for secret in (ANSWER, INQUIRY_QUESTION, REFERRED_QUESTION, NOTES, OBJECTIVES, OUTCOME,
                   NEXT_STEPS, RAISED):
        assert secret not in body, secret


def test_kol_page_as_product_manager_shows_only_the_fact_of_a_meeting(pm, kol_a, completed,
                                                                     session_client):
    body = text(session_client(pm).get(reverse("kols:detail", args=[kol_a.pk])))
    assert "Medical interaction took place" in body
    assert "Refer a question to medical" not in body
    for secret in (NOTES, OBJECTIVES, OUTCOME, NEXT_STEPS, RAISED):
        assert secret not in body


def test_kol_page_as_msl_offers_planning_and_capture_and_shows_the_meetings(
    msl_a, kol_a, completed, inquiry_a, session_client
):
    body = text(session_client(msl_a).get(reverse("kols:detail", args=[kol_a.pk])))
    assert "Plan a meeting" in body and "Capture an inquiry" in body
    assert "Refer a question to medical" not in body
    assert "Completed video call interaction" in body
    assert OUTCOME in body and INQUIRY_QUESTION in body and RAISED in body
