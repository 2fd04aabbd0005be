"""The inquiry service-level clock: due dates counted in business days (Monday to Friday)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import override_settings

from kolbridge.engagements.clock import add_business_days, inquiry_due_at

# 2025-03-03 is a Monday.
MON, TUE, WED, THU, FRI, SAT, SUN = (datetime(2025, 3, d, 14, 30, tzinfo=UTC) for d in range(3, 10))
NEXT_MON = datetime(2025, 3, 10, 14, 30, tzinfo=UTC)
NEXT_FRI = datetime(2025, 3, 14, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "start,days,due",
    [
        (MON, 1, TUE),
        (THU, 1, FRI),
        (FRI, 1, NEXT_MON),
        (SAT, 1, NEXT_MON),
        (SUN, 1, NEXT_MON),
        (MON, 5, NEXT_MON),
        (WED, 2, FRI),
        (THU, 2, NEXT_MON),
        (SAT, 5, NEXT_FRI),
        (FRI, 0, FRI),
    ],
    ids=[
        "mon+1=tue",
        "thu+1=fri",
        "fri+1=next-mon",
        "sat+1=mon",
        "sun+1=mon",
        "mon+5=next-mon",
        "wed+2=fri",
        "thu+2=skips-weekend",
        "sat+5=next-fri",
        "zero-days-same-moment",
    ],
)
def test_business_days_skip_weekends_and_keep_the_time_of_day(start, days, due):
    assert add_business_days(start, days) == due


def test_standard_inquiry_is_due_in_five_business_days_by_default():
    assert inquiry_due_at(MON, "standard") == NEXT_MON
    assert inquiry_due_at(THU, "standard") == datetime(2025, 3, 13, 14, 30, tzinfo=UTC)


def test_urgent_inquiry_is_due_the_next_business_day():
    assert inquiry_due_at(MON, "urgent") == TUE
    assert inquiry_due_at(FRI, "urgent") == NEXT_MON
    assert inquiry_due_at(SAT, "urgent") == NEXT_MON


@override_settings(KOLBRIDGE_INQUIRY_SLA_DAYS=3, KOLBRIDGE_INQUIRY_SLA_URGENT_DAYS=2)
def test_service_levels_come_from_settings():
    assert inquiry_due_at(THU, "standard") == datetime(2025, 3, 11, 14, 30, tzinfo=UTC)
    assert inquiry_due_at(THU, "urgent") == NEXT_MON


@pytest.mark.django_db
def test_captured_inquiry_gets_its_due_date_from_the_clock(msl_a, kol_a):
    from kolbridge.engagements import services

    friday = services.inquiry_capture(
        actor=msl_a, kol=kol_a, question="Q1", channel_received="phone",
        unsolicited_confirmed=True, received_at=FRI,
    )
    urgent = services.inquiry_capture(
        actor=msl_a, kol=kol_a, question="Q2", channel_received="phone",
        unsolicited_confirmed=True, received_at=FRI, urgency="urgent",
    )
    assert friday.due_at == datetime(2025, 3, 14, 14, 30, tzinfo=UTC)
    assert urgent.due_at == NEXT_MON
