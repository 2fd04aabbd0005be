"""Insights in a real browser: an MSL captures insights in the meeting without leaving it, a
medical lead accepts one and releases it in de-identified words, and a product manager reads it
without the KOL's or the MSL's name; a safety mention reaches the PV queue on its 24-hour clock."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from kolbridge.core.models import Product, TherapeuticArea, User
from kolbridge.core.services import user_add
from kolbridge.engagements.models import Interaction
from kolbridge.engagements.services import interaction_create
from kolbridge.insights.models import AdverseEventReport, Insight, InsightStatus
from tests.e2e.conftest import PASSWORD, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SignIn = Callable[[Page, User], None]
TABLET = {"width": 768, "height": 1024}
NAMED = (
    "Dr Okafor at Mercy University Hospital says prescribers hold back in patients over 75 "
    "until they see renal dosing data."
)
SECOND = "Payers in the region ask for real-world evidence before listing."
HARM = "Her patient on Zentorix was hospitalised with severe neutropenia after the second cycle."


def _fits(page: Page) -> None:
    """Nothing scrolls sideways: the page fits the window it is shown in."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _open_from_navigation(page: Page, name: str) -> None:
    """Follow a link of the main navigation, opening the menu first on a narrow screen."""
    toggle = page.get_by_role("button", name="Toggle navigation")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=name).click()


@dataclass
class Field:
    """The medical people around the world's MSL, and the meeting the MSL is in."""

    lead: User
    pv: User
    meeting: Interaction


@pytest.fixture
def field(world: World, settings: Any, tmp_path: Path) -> Field:
    """A product, the MSL's medical lead, a PV officer, and the meeting the MSL is in; export
    files kept in a folder of this test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    area = TherapeuticArea.objects.get(code="ONC")
    Product.objects.create(name="Zentorix", generic_name="zentorimab", therapeutic_area=area)
    lead = user_add(
        actor=None,
        username="lena.lead",
        role="medical_lead",
        password=PASSWORD,
        first_name="Lena",
        last_name="Lindqvist",
    )
    User.objects.filter(pk=world.msl.pk).update(manager=lead)
    pv = user_add(
        actor=None,
        username="pia.pv",
        role="pv_officer",
        password=PASSWORD,
        first_name="Pia",
        last_name="Petrov",
    )
    meeting = interaction_create(
        actor=world.msl,
        kol_ids=[world.kol.pk],
        starts_at=timezone.now() + timedelta(hours=1),
        channel="in_person",
        therapeutic_area_code="ONC",
        product_names=["Zentorix"],
        objectives="Renal dosing in the elderly",
    )
    return Field(lead, pv, meeting)


def _capture_in_meeting(page: Page, words: str, category: str) -> None:
    section = page.get_by_test_id("insight-capture")
    section.get_by_label("What did you learn?").fill(words)
    section.get_by_label("Category").select_option(label=category)
    section.get_by_role("button", name="Save insight").click()


def test_insight_from_the_meeting_reaches_the_pm_released_and_de_identified(
    page: Page, browser: Browser, live_server: Any, world: World, field: Field, sign_in: SignIn
) -> None:
    # The MSL captures two insights in the meeting, without leaving its page.
    page.set_viewport_size(TABLET)
    sign_in(page, world.msl)
    meeting_url = f"{live_server.url}/engagements/interactions/{field.meeting.pk}/"
    page.goto(meeting_url)
    section = page.get_by_test_id("insight-capture")
    expect(section.get_by_label("Therapeutic area")).to_have_value("ONC")
    expect(section.get_by_label("Product")).to_have_value("Zentorix")
    _fits(page)

    _capture_in_meeting(page, NAMED, "Clinical practice")
    expect(section.get_by_test_id("capture-saved")).to_be_visible()
    text = section.get_by_label("What did you learn?")
    expect(text).to_have_value("")
    expect(text).to_be_focused()
    _capture_in_meeting(page, SECOND, "Access / reimbursement")
    expect(section.get_by_test_id("meeting-insights").locator("li")).to_have_count(2)
    assert page.url == meeting_url
    captured = Insight.objects.get(text=NAMED)
    assert list(captured.kols.all()) == [world.kol]
    assert captured.interaction_id == field.meeting.pk

    # The medical lead accepts it from the queue and releases it in de-identified words.
    lead_context = browser.new_context(viewport=TABLET)
    try:
        lead = lead_context.new_page()
        sign_in(lead, field.lead)
        lead.goto(f"{live_server.url}/insights/review/")
        row = lead.locator(f"#review-{captured.pk}")
        row.get_by_role("button", name="Accept").click()
        expect(row.get_by_test_id("review-done")).to_contain_text("Accepted.")
        _fits(lead)
        row.get_by_role("link", name="Release it to commercial…").click()
        wording = lead.get_by_label("Wording commercial will read")
        suggested = wording.input_value()
        for identifying in ("Okafor", "Mercy University Hospital", "Maya", "Singh"):
            assert identifying not in suggested
        assert "renal dosing data" in suggested
        _fits(lead)

        # A wording that still names the KOL is refused, saying why.
        wording.fill(NAMED)
        lead.get_by_role("button", name="Release in this wording").click()
        expect(lead.locator("#id_released_text_error")).to_contain_text("Still identifies")
        wording.fill(suggested)
        lead.get_by_role("button", name="Release in this wording").click()
        expect(lead.get_by_role("alert")).to_contain_text("Released to commercial")
        expect(lead.get_by_test_id("released-text")).to_contain_text(suggested.strip())
    finally:
        lead_context.close()
    captured.refresh_from_db()
    assert captured.status == InsightStatus.ACCEPTED and captured.released_at is not None

    # The product manager reads it, with neither the KOL's nor the MSL's name.
    pm_context = browser.new_context(viewport=TABLET)
    try:
        pm = pm_context.new_page()
        sign_in(pm, world.product_manager)
        _open_from_navigation(pm, "Field insights")
        released = pm.get_by_test_id("released-insight")
        expect(released).to_have_count(1)
        expect(released).to_contain_text(suggested.strip())
        body = pm.locator("main").inner_text()
        for identifying in ("Okafor", "Amelia", "Mercy University Hospital", "Maya", "Singh"):
            assert identifying not in body
        assert SECOND not in body  # not released
        _fits(pm)
        # The identifiable list stays with medical.
        pm.goto(f"{live_server.url}/insights/{captured.pk}/")
        expect(pm.get_by_test_id("refusal")).to_contain_text("Firewall rule")
    finally:
        pm_context.close()


def _moment(value: str | None) -> datetime:
    assert value
    return datetime.fromisoformat(value)


def test_safety_mention_reaches_the_pv_queue_on_its_24_hour_clock(
    page: Page, browser: Browser, live_server: Any, world: World, field: Field, sign_in: SignIn
) -> None:
    page.set_viewport_size(TABLET)
    sign_in(page, world.msl)
    page.goto(f"{live_server.url}/engagements/interactions/{field.meeting.pk}/")
    _capture_in_meeting(page, HARM, "Safety")

    # The MSL is told on the spot, with the report's number and due time.
    notice = page.get_by_test_id("safety-notice")
    expect(notice).to_contain_text("Possible adverse event")
    report = AdverseEventReport.objects.get()
    expect(notice).to_contain_text(f"report #{report.pk} is in the pharmacovigilance queue, due")
    assert report.due_at - report.received_at == timedelta(hours=24)
    assert abs(report.received_at - timezone.now()) < timedelta(minutes=5)

    # The PV officer finds it at the top of the queue with its clock running.
    pv_context = browser.new_context(viewport=TABLET)
    try:
        pv = pv_context.new_page()
        sign_in(pv, field.pv)
        _open_from_navigation(pv, "Safety queue")
        row = pv.get_by_test_id("ae-row").first
        expect(row).to_contain_text("Her patient on Zentorix was hospitalised")
        expect(row.get_by_test_id("ae-time-left")).to_have_text(
            re.compile(r"^2[34] h \d\d min left$")
        )
        _fits(pv)
        row.get_by_role("link", name=f"#{report.pk}").click()
        expect(pv.get_by_test_id("ae-excerpt")).to_contain_text("severe neutropenia")
        received = _moment(pv.get_by_test_id("ae-received").get_attribute("datetime"))
        due = _moment(pv.get_by_test_id("ae-due").get_attribute("datetime"))
        assert due - received == timedelta(hours=24)
        expect(pv.get_by_test_id("ae-source")).to_contain_text(f"Insight #{report.source_id}")
        _fits(pv)

        # Forwarded to the safety system, its export is ready to download.
        pv.get_by_label("Safety case id").fill("SC-2026-0042")
        pv.get_by_role("button", name="Forward and export").click()
        expect(pv.get_by_test_id("ae-status")).to_have_text("Forwarded to the safety system")
        with pv.expect_download() as download:
            pv.get_by_test_id("ae-export").click()
        assert download.value.suggested_filename == f"ae-{report.pk}.xml"
    finally:
        pv_context.close()
