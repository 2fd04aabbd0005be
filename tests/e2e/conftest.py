"""Browser journeys in Debian's chromium, against the app served by pytest-django's live server.

Every test runs in a flushed database (``transaction=True``), so the people and the KOLs it
needs are made afresh for each test through the same services the app uses.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kolbridge.core.models import Territory, TherapeuticArea, User
from kolbridge.core.services import user_add
from kolbridge.kols.models import Kol, ScientificQuestion
from kolbridge.kols.services import kol_create, kol_question_add, kol_stage_record

# Playwright runs an event loop in this thread; the ORM calls made beside it are synchronous
# on purpose and Django would refuse them without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "e2e-Journey-pass-2024"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Drive the system chromium; a downloaded browser is neither wanted nor possible here."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`."
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@dataclass
class World:
    """The people and KOLs of one journey."""

    msl: User
    product_manager: User
    kol: Kol
    other_kol: Kol
    question: ScientificQuestion


@pytest.fixture
def world(transactional_db: None) -> World:
    """An MSL and a product manager, and two KOLs of the MSL's territory; one KOL has asked a
    scientific question and is at the "aware" stage."""
    Territory.objects.create(code="E2E-NE", name="North-East", region="US")
    TherapeuticArea.objects.create(code="ONC", name="Oncology")
    msl = user_add(
        actor=None,
        username="maya.msl",
        role="msl",
        password=PASSWORD,
        territory_code="E2E-NE",
        first_name="Maya",
        last_name="Singh",
    )
    product_manager = user_add(
        actor=None,
        username="paul.pm",
        role="product_manager",
        password=PASSWORD,
        first_name="Paul",
        last_name="Martin",
    )
    kol = kol_create(
        actor=msl,
        title="Dr",
        first_name="Amelia",
        last_name="Okafor",
        specialty="Medical oncology",
        institution="Mercy University Hospital",
        city="Boston",
        country="US",
        tier=1,
        territory_code="E2E-NE",
        therapeutic_area_codes=["ONC"],
    )
    other_kol = kol_create(
        actor=msl,
        first_name="Chen",
        last_name="Li",
        specialty="Rheumatology",
        institution="Yale New Haven Hospital",
        territory_code="E2E-NE",
    )
    kol_stage_record(actor=msl, kol=kol, stage="aware", note="Met at the regional congress")
    question = kol_question_add(
        actor=msl,
        kol=kol,
        text="What is the evidence for dose reduction in moderate renal impairment?",
        therapeutic_area_code="ONC",
    )
    return World(msl, product_manager, kol, other_kol, question)


@pytest.fixture
def sign_in(live_server: Any) -> Callable[[Page, User], None]:
    """Sign a person in through the sign-in page, as they would."""

    def _sign_in(page: Page, user: User) -> None:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_test_id("whoami")).to_contain_text(user.get_role_display())

    return _sign_in


@pytest.fixture
def sales_rep(world: World) -> User:
    """A sales representative who calls on the HCPs of the world's territory."""
    return user_add(
        actor=None,
        username="ravi.rep",
        role="sales_rep",
        password=PASSWORD,
        territory_code="E2E-NE",
        first_name="Ravi",
        last_name="Rao",
    )
