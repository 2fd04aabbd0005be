"""What an MSL and a sales representative do with meetings and medical questions, in a real
browser: the pre-call plan completed after the meeting, and a referral answered by medical."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from kolbridge.core.models import User
from kolbridge.engagements.models import FollowUp, Inquiry, InquiryStatus, Interaction
from kolbridge.engagements.services import interaction_create
from kolbridge.kols.models import QuestionStatus, ScientificQuestion
from tests.e2e.conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SignIn = Callable[[Page, User], None]
TABLET = {"width": 768, "height": 1024}


def _fits(page: Page) -> None:
    """Nothing scrolls sideways: the page fits the window it is shown in."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_msl_completes_pre_call_plan_and_question_and_follow_up_reach_timeline_and_my_work(
    page: Page, live_server: Any, world: World, sign_in: SignIn
) -> None:
    interaction_create(
        actor=world.msl,
        kol_ids=[world.kol.pk],
        starts_at=timezone.now() - timedelta(hours=1),
        channel="in_person",
        objectives="Present the renal subgroup analysis",
    )
    page.set_viewport_size(TABLET)
    sign_in(page, world.msl)

    # "My work" lists the meeting still to complete; it opens the pre-call plan.
    page.get_by_test_id("mywork-meetings").get_by_role("link", name="Dr Amelia Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pre-call plan")
    expect(page.get_by_text("Present the renal subgroup analysis")).to_be_visible()
    brief = page.get_by_test_id("brief")
    expect(brief.get_by_test_id("brief-stage")).to_have_text("Aware")
    expect(brief.get_by_test_id("brief-questions")).to_contain_text(world.question.text)
    _fits(page)

    # After the meeting the MSL completes the same page.
    question = "Does the renal benefit hold in patients over 75?"
    follow_up = "Send the renal subgroup reprint"
    today = timezone.localdate()
    page.get_by_role("link", name="Complete after the meeting").click()
    complete = page.locator("#complete")
    complete.get_by_label("Notes").fill("Walked through the subgroup data; keen on the elderly.")
    complete.get_by_label("Outcome").fill("Interested in the renal data")
    complete.get_by_label("Questions raised").fill(question)
    complete.get_by_label(re.compile(r"^Follow-up \(optional\)$")).fill(follow_up)
    complete.get_by_label("Follow-up due").fill(today.isoformat())
    complete.get_by_role("button", name="Complete the meeting").click()

    expect(page.get_by_role("alert")).to_contain_text("Meeting completed.")
    expect(page.get_by_role("alert")).to_contain_text("1 question added")
    expect(page.get_by_test_id("interaction-status")).to_have_text("Completed")
    expect(page.locator("#record")).to_contain_text(question)
    expect(page.locator("#record")).to_contain_text(follow_up)
    expect(page.locator("#complete")).to_have_count(0)

    # Both reach the KOL 360: the question among the open ones, both on the timeline.
    page.get_by_role("heading", level=1).get_by_role("link", name="Dr Amelia Okafor").click()
    expect(page.locator("#questions")).to_contain_text(question)
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Completed in person interaction")
    expect(timeline).to_contain_text(question)
    expect(timeline).to_contain_text(f"Follow-up: {follow_up}")
    _fits(page)

    # And "My work": the follow-up is due today; no meeting is left to complete.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("mywork-follow_ups")).to_contain_text(follow_up)
    expect(page.get_by_test_id("mywork-meetings")).not_to_contain_text("Amelia Okafor")
    _fits(page)

    assert ScientificQuestion.objects.filter(
        kol=world.kol, text=question, status=QuestionStatus.OPEN
    ).exists()
    assert FollowUp.objects.filter(kol=world.kol, title=follow_up, due_date=today).exists()


def test_msl_plans_with_the_attendee_picker_and_hears_what_is_wrong(
    page: Page, live_server: Any, world: World, sign_in: SignIn
) -> None:
    sign_in(page, world.msl)
    page.goto(f"{live_server.url}/engagements/calendar/")
    page.get_by_role("link", name="Plan or log a meeting").click()

    # Nobody ticked: refused, with the reason next to the picker and the focus on it.
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save").click()
    assert answer.value.status == 422
    expect(page.locator("#id_kols_error")).to_contain_text("Pick at least one HCP attendee")
    expect(page.locator("input[name=kols]").first).to_be_focused()

    # The search narrows the list as the MSL types, and keeps those already ticked.
    search = page.get_by_label("Search HCPs")
    search.fill("rheumatology")
    expect(page.locator("#id_kols_options")).not_to_contain_text("Amelia Okafor")
    page.get_by_label("Chen Li — Rheumatology").check()
    search.fill("okafor")
    expect(page.get_by_label("Chen Li — Rheumatology")).to_be_checked()
    page.get_by_label("Dr Amelia Okafor — Medical oncology").check()

    tomorrow = timezone.localdate() + timedelta(days=1)
    page.get_by_label("Date and time").fill(f"{tomorrow.isoformat()}T10:00")
    page.get_by_label("Channel").select_option(label="Video call")
    page.get_by_label("Objectives").fill("Agree the advisory board agenda")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert")).to_contain_text("Meeting planned")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Chen Li")
    expect(heading).to_contain_text("Dr Amelia Okafor")
    expect(page.get_by_test_id("brief")).to_have_count(2)

    # Completing a meeting that has not happened yet is refused next to its start time.
    complete = page.locator("#complete")
    complete.get_by_label("Notes").fill("Typed too early")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        complete.get_by_role("button", name="Complete the meeting").click()
    assert answer.value.status == 422
    expect(page.locator("#id_starts_at_error")).to_contain_text("cannot be in the future")
    expect(complete.get_by_label("Started at")).to_be_focused()
    expect(page.get_by_test_id("interaction-status")).to_have_text("Planned")

    interaction = Interaction.objects.get()
    assert sorted(k.pk for k in interaction.kols.all()) == sorted(
        [world.kol.pk, world.other_kol.pk]
    )
    assert interaction.status == "planned"


def test_sales_rep_refers_a_question_and_never_sees_the_answer(
    page: Page,
    browser: Browser,
    live_server: Any,
    world: World,
    sales_rep: User,
    sign_in: SignIn,
) -> None:
    question = "Can the 10 mg dose be used in children under 12?"
    answer_text = "Paediatric data: no approved use under 12; see the PK substudy"
    page.set_viewport_size(TABLET)
    sign_in(page, sales_rep)
    page.goto(f"{live_server.url}/kols/{world.kol.pk}/")
    page.get_by_role("link", name="Refer a question to medical").click()

    # The HCP the rep came from is already chosen.
    expect(page.get_by_label("Dr Amelia Okafor — Medical oncology")).to_be_checked()
    page.get_by_label("The HCP's question").fill(question)
    page.get_by_label("The HCP asked that medical answer this question").check()
    _fits(page)

    # Without the HCP's confirmation that it was unsolicited the referral is refused, saying why.
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Refer to medical").click()
    assert response.value.status == 422
    unsolicited = page.get_by_label("The HCP confirmed the question was unsolicited")
    expect(page.locator("#id_unsolicited_confirmed_error")).to_contain_text(
        "medical may answer only unsolicited requests"
    )
    expect(unsolicited).to_be_focused()
    assert not Inquiry.objects.exists()

    unsolicited.check()
    page.get_by_role("button", name="Refer to medical").click()
    expect(page.get_by_role("alert")).to_contain_text("Referred to medical")
    referrals = page.get_by_test_id("referrals")
    expect(referrals).to_contain_text(question)
    expect(referrals).to_contain_text("Received by medical")

    # Medical, in a browser of its own, answers and closes it.
    medical_context = browser.new_context()
    try:
        medical = medical_context.new_page()
        sign_in(medical, world.msl)
        medical.goto(f"{live_server.url}/engagements/inquiries/")
        medical.get_by_role("link", name=question).click()
        expect(medical.get_by_text("Referred by a sales representative")).to_be_visible()
        medical.get_by_role("button", name="Take it on").click()
        expect(medical.get_by_test_id("inquiry-status")).to_have_text("In progress")
        medical.get_by_label("Response").fill(answer_text)
        medical.get_by_label("Delivered by").select_option(label="Phone")
        medical.get_by_role("button", name="Record the response").click()
        expect(medical.get_by_test_id("inquiry-status")).to_have_text("Answered")
        medical.get_by_role("button", name=re.compile("^Close")).click()
        expect(medical.get_by_test_id("inquiry-status")).to_have_text("Closed")
    finally:
        medical_context.close()

    # The rep sees that medical closed it, and nowhere the answer.
    page.reload()
    expect(page.get_by_test_id("referrals")).to_contain_text("Closed by medical")
    assert answer_text not in page.content()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("mywork-referrals")).to_contain_text("Closed by medical")
    assert answer_text not in page.content()
    page.goto(f"{live_server.url}/kols/{world.kol.pk}/")
    expect(page.locator("#timeline")).to_be_visible()
    assert answer_text not in page.content()
    _fits(page)

    # The inquiry itself is medical's: the page refuses and names the rule.
    inquiry = Inquiry.objects.get()
    assert inquiry.status == InquiryStatus.CLOSED
    refused = page.goto(f"{live_server.url}/engagements/inquiries/{inquiry.pk}/")
    assert refused is not None and refused.status == 403
    expect(page.get_by_test_id("refusal")).to_contain_text("Firewall rule")
    assert answer_text not in page.content()
