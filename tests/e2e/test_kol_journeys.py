"""What an MSL and a product manager do with the KOL pages, in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kolbridge.core.models import User
from kolbridge.kols.services import kol_update
from tests.e2e.conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SignIn = Callable[[Page, User], None]


def test_msl_finds_kol_records_stage_change_and_sees_it_on_timeline(
    page: Page, live_server: Any, world: World, sign_in: SignIn
) -> None:
    sign_in(page, world.msl)
    page.get_by_role("link", name="KOLs", exact=True).click()
    expect(page.get_by_test_id("kol-count")).to_contain_text("2 KOLs")

    # Typing searches as you type (htmx swaps the results and keeps the address bar in step).
    page.get_by_label("Search", exact=True).fill("okafor mercy")
    expect(page.get_by_test_id("kol-count")).to_contain_text("1 KOL")
    expect(page).to_have_url(re.compile(r"/kols/\?q=okafor(\+|%20)mercy$"))
    expect(page.get_by_role("link", name="Chen Li")).to_have_count(0)
    page.get_by_role("link", name="Dr Amelia Okafor").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Dr Amelia Okafor")
    expect(page.get_by_test_id("current-stage")).to_have_text("Aware")
    expect(page.locator("#questions")).to_contain_text(world.question.text)

    # The stage form opens and submits from the keyboard.
    journey = page.locator("#journey")
    journey.get_by_text("Record a stage change").focus()
    page.keyboard.press("Enter")
    journey.get_by_label("New stage").select_option(label="Exploring")
    journey.get_by_label("Note").fill("Asked for the phase III subgroup data")
    journey.get_by_role("button", name="Record stage change").press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("Stage change recorded: Exploring.")
    expect(page.get_by_test_id("current-stage")).to_have_text("Exploring")
    expect(journey.locator('[aria-current="step"]')).to_contain_text("Exploring")
    newest = page.locator("#timeline li").first
    expect(newest).to_contain_text("Stage: Exploring (from Aware)")
    expect(newest).to_contain_text("Asked for the phase III subgroup data")
    expect(newest).to_contain_text("by Maya Singh")

    world.kol.refresh_from_db()
    assert world.kol.current_stage == "exploring"


def test_product_manager_sees_no_questions_and_page_fits_a_tablet(
    page: Page, live_server: Any, world: World, sign_in: SignIn
) -> None:
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, world.product_manager)
    # At tablet width the navigation folds behind its toggle.
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("link", name="KOLs", exact=True).click()

    expect(page.get_by_test_id("kol-count")).to_contain_text("2 KOLs")
    # Filtering by stage would reveal stages, so commercial roles get no stage filter.
    expect(page.get_by_label("Stage")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    page.get_by_label("Search", exact=True).fill("Okafor")
    expect(page.get_by_test_id("kol-count")).to_contain_text("1 KOL")
    page.get_by_role("link", name="Dr Amelia Okafor").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Dr Amelia Okafor")
    expect(page.locator("#profile")).to_contain_text("Mercy University Hospital")
    expect(page.locator("#timeline")).to_contain_text("Profile created")
    html = page.content()
    assert world.question.text not in html
    assert "Met at the regional congress" not in html
    for section in ("#journey", "#knowledge", "#channels", "#questions", "#audit"):
        expect(page.locator(section)).to_have_count(0)
    expect(page.get_by_text("Learning journey")).to_have_count(0)
    expect(page.get_by_text("scientific questions", exact=False)).to_have_count(0)
    expect(page.get_by_role("link", name="Edit profile")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    # Master data is kept by medical staff: the edit page refuses and names the rule.
    response = page.goto(f"{live_server.url}/kols/{world.kol.pk}/edit/")
    assert response is not None and response.status == 403
    expect(page.get_by_test_id("refusal")).to_contain_text("Firewall rule")


def test_msl_edit_refused_when_someone_else_changed_the_profile_meanwhile(
    page: Page, live_server: Any, world: World, sign_in: SignIn
) -> None:
    sign_in(page, world.msl)
    page.goto(f"{live_server.url}/kols/{world.kol.pk}/")
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Department").fill("Thoracic oncology")

    kol_update(actor=world.msl, kol=world.kol, changes={"city": "Cambridge"})
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("alert")).to_contain_text("changed by someone else")
    world.kol.refresh_from_db()
    assert world.kol.department == ""

    page.get_by_role("link", name="Open the current version").click()
    expect(page.get_by_label("City")).to_have_value("Cambridge")
    page.get_by_label("Department").fill("Thoracic oncology")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("alert")).to_contain_text("profile saved")
    expect(page.locator("#profile")).to_contain_text("Thoracic oncology")
    expect(page.locator("#profile")).to_contain_text("Cambridge")
