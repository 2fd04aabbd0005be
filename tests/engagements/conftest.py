"""Engagement records shared by the engagements tests, built with the services the app uses.

Texts that must never cross the firewall are constants here, so every leak test looks for the
same words: ``NOTES``, ``OUTCOME``, ``NEXT_STEPS``, ``OBJECTIVES``, ``RAISED`` (a question raised in
a meeting), ``INQUIRY_QUESTION``, ``REFERRED_QUESTION`` and ``ANSWER``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

NOTES = "Shared unpublished renal cohort data under embargo"
OUTCOME = "Agreed to review the subgroup analysis"
NEXT_STEPS = "Send the renal subgroup poster"
OBJECTIVES = "Discuss zentorimab renal dosing evidence"
RAISED = "Does zentorimab cross the blood-brain barrier?"
INQUIRY_QUESTION = "Can zentorimab be given with a strong CYP3A4 inhibitor?"
REFERRED_QUESTION = "Is there paediatric exposure data for zentorimab?"
ANSWER = "No paediatric pharmacokinetic data exist; the label restricts use to adults"
KOL_A_QUESTION = "Is there data on zentorimab dosing in renal impairment?"


def today_start() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def earlier_today() -> datetime:
    """A moment today that has already passed, whatever time the test runs at."""
    start = today_start()
    return start + (timezone.now() - start) / 2


@pytest.fixture
def kol_a(msl_a):
    """The suite's kol_a (Dr Amelia Okafor, territory NE, one open scientific question) without
    the learning-journey history the root fixture records: engagement tests rarely read it and
    it is most of a test's database work. Tests that need a journey record it themselves."""
    from kolbridge.kols import services

    kol = services.kol_create(
        actor=msl_a,
        title="Dr",
        first_name="Amelia",
        last_name="Okafor",
        specialty="Medical oncology",
        institution="NE University Hospital",
        city="Boston",
        country="us",
        territory_code="NE",
        tier=1,
        therapeutic_area_codes=["ONC"],
        external_ids={"npi": "1234567893"},
    )
    services.kol_question_add(
        actor=msl_a,
        kol=kol,
        text=KOL_A_QUESTION,
        therapeutic_area_code="ONC",
        asked_at=timezone.now() - timedelta(days=10),
    )
    return kol


@pytest.fixture
def kol_a2(msl_a):
    """A second KOL in territory NE, for interactions with several attendees."""
    from kolbridge.kols import services

    return services.kol_create(
        actor=msl_a,
        title="Dr",
        first_name="Chidi",
        last_name="Mensah",
        specialty="Nephrology",
        institution="NE General",
        city="Boston",
        country="us",
        territory_code="NE",
        tier=2,
        therapeutic_area_codes=["ONC"],
        external_ids={},
    )


@pytest.fixture
def msl_c(ref, lead):
    """Another MSL of territory NE: sees NE interactions, but is on none of them."""
    from tests.conftest import _user

    return _user("msl_c", "msl", territory="NE", manager=lead)


@pytest.fixture
def rep_2(ref):
    from tests.conftest import _user

    return _user("rep_2", "sales_rep", territory="SE")


def plan(actor, kols, *, starts_at=None, **extra):
    from kolbridge.engagements import services

    return services.interaction_create(
        actor=actor,
        kol_ids=[k.pk for k in kols],
        starts_at=starts_at or timezone.now() - timedelta(hours=1),
        channel=extra.pop("channel", "in_person"),
        therapeutic_area_code=extra.pop("therapeutic_area_code", "ONC"),
        product_names=extra.pop("product_names", ["Zentorix"]),
        objectives=extra.pop("objectives", OBJECTIVES),
        **extra,
    )


def log(actor, kols, *, starts_at=None, **extra):
    """An interaction that took place, with notes, outcome, next steps and a question."""
    from kolbridge.engagements import services

    return services.interaction_log(
        actor=actor,
        kol_ids=[k.pk for k in kols],
        starts_at=starts_at or timezone.now() - timedelta(days=1),
        channel=extra.pop("channel", "video"),
        therapeutic_area_code="ONC",
        objectives=extra.pop("objectives", OBJECTIVES),
        notes=extra.pop("notes", NOTES),
        outcome=extra.pop("outcome", OUTCOME),
        next_steps=extra.pop("next_steps", NEXT_STEPS),
        questions=extra.pop("questions", [RAISED]),
        **extra,
    )


def capture(actor, kol, *, question=INQUIRY_QUESTION, **extra):
    from kolbridge.engagements import services

    return services.inquiry_capture(
        actor=actor,
        kol=kol,
        question=question,
        channel_received=extra.pop("channel_received", "in_person"),
        unsolicited_confirmed=True,
        **extra,
    )


def refer(actor, kol, *, question=REFERRED_QUESTION, **extra):
    from kolbridge.engagements import services

    return services.inquiry_refer(
        actor=actor,
        kol=kol,
        question=question,
        channel_received="in_person",
        unsolicited_confirmed=True,
        hcp_requested_medical_answer=True,
        **extra,
    )


def answer_and_close(actor, inquiry, *, close=True):
    from kolbridge.engagements import services

    inquiry = services.inquiry_respond(
        actor=actor, inquiry=inquiry, response=ANSWER, delivery_channel="email"
    )
    if close:
        inquiry = services.inquiry_close(actor=actor, inquiry=inquiry)
    return inquiry


@pytest.fixture
def planned(msl_a, kol_a):
    """msl_a's planned meeting with kol_a, an hour ago (so it can be completed)."""
    return plan(msl_a, [kol_a])


@pytest.fixture
def completed(msl_a, kol_a):
    """msl_a's completed meeting with kol_a yesterday, with notes and a question raised."""
    return log(msl_a, [kol_a])


@pytest.fixture
def interaction_b(msl_b, kol_b):
    """msl_b's planned meeting with kol_b (territory SE)."""
    return plan(msl_b, [kol_b])


@pytest.fixture
def inquiry_a(msl_a, kol_a):
    return capture(msl_a, kol_a)


@pytest.fixture
def inquiry_b(msl_b, kol_b):
    return capture(msl_b, kol_b, question="What about hepatic impairment?")


@pytest.fixture
def referral(rep, kol_a):
    return refer(rep, kol_a)


@pytest.fixture
def follow_up_a(msl_a, kol_a):
    from kolbridge.engagements import services

    return services.follow_up_create(
        actor=msl_a,
        draft=services.FollowUpDraft("Send the renal FAQ", timezone.localdate()),
        kol=kol_a,
    )
