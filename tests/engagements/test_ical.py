"""An interaction exported as an iCalendar event: who and when, never the medical record.
The files are read back with the ``icalendar`` library, as a calendar client would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from kolbridge.engagements import services
from tests.engagements.conftest import NEXT_STEPS, NOTES, OBJECTIVES, OUTCOME, RAISED, plan
from tests.utils import get

pytestmark = pytest.mark.django_db


def event_of(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    return event


def test_ics_carries_the_summary_start_and_end_of_the_meeting(msl_a, kol_a, kol_a2, as_user):
    row = plan(msl_a, [kol_a, kol_a2], channel="video", duration_minutes=45)
    response = get(as_user(msl_a), f"/interactions/{row.pk}/ical")
    assert f'filename="interaction-{row.pk}.ics"' in response["Content-Disposition"]
    event = event_of(response)
    # Attendees in the KOL list's order (by last name).
    assert str(event["summary"]) == "Video call: Dr Chidi Mensah, Dr Amelia Okafor"
    start = row.starts_at.replace(microsecond=0)  # iCalendar times are to the second
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + timedelta(minutes=45)
    assert str(event["uid"]) == f"interaction-{row.pk}@kolbridge"
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("sequence") == row.version


def test_ics_never_carries_objectives_notes_outcome_or_questions(msl_a, planned, as_user):
    services.interaction_complete(
        actor=msl_a, interaction=planned, notes=NOTES, outcome=OUTCOME, next_steps=NEXT_STEPS,
        questions=[RAISED],
    )
    response = get(as_user(msl_a), f"/interactions/{planned.pk}/ical")
    event = event_of(response)
    raw = response.content.decode()
    # Folded lines would hide a match: compare against the unfolded property values too.
    values = " ".join(str(v) for v in event.values())
    for secret in (OBJECTIVES, NOTES, OUTCOME, NEXT_STEPS, RAISED):
        assert secret not in raw
        assert secret not in values


def test_a_cancelled_meeting_exports_as_a_cancelled_event(msl_a, planned, as_user):
    services.interaction_cancel(actor=msl_a, interaction=planned, reason="KOL ill")
    event = event_of(get(as_user(msl_a), f"/interactions/{planned.pk}/ical"))
    assert str(event["status"]) == "CANCELLED"
    assert event.decoded("sequence") == 2
    assert "KOL ill" not in str(event.get("description", ""))


def test_the_page_download_is_the_same_event(msl_a, planned, session_client):
    response = session_client(msl_a).get(
        reverse("engagements:interaction_ical", args=[planned.pk])
    )
    event = event_of(response)
    assert event.decoded("dtstart") == planned.starts_at.replace(microsecond=0)
    assert str(event["summary"]) == "In person: Dr Amelia Okafor"


def test_ics_of_an_interaction_out_of_reach_is_404_and_for_commercial_roles_403(
    msl_b, rep, planned, as_user
):
    assert get(as_user(msl_b), f"/interactions/{planned.pk}/ical").status_code == 404
    assert get(as_user(rep), f"/interactions/{planned.pk}/ical").status_code == 403
