"""Content in a real browser: an MLR team approves an item with three e-signatures; an MSL
assembles a presentation for a KOL, presents it in a meeting and shares it; the KOL opens the
link without signing in and reads two modules, and the tracked time reaches the item page and
the KOL's timeline; withdrawing the item turns the link into the "no longer available" page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from kolbridge.content import services
from kolbridge.content.models import (
    ContentItem,
    ItemStatus,
    PresentedContent,
    ReviewSignature,
    ShareLink,
    ViewEvent,
)
from kolbridge.core.models import Indication, Product, TherapeuticArea, User
from kolbridge.core.services import user_add
from kolbridge.engagements.services import interaction_create
from tests.e2e.conftest import PASSWORD, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SignIn = Callable[[Page, User], None]
TABLET = {"width": 768, "height": 1024}
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
CLAIM = (
    "In previously treated metastatic NSCLC, Zentorix improved median overall survival by "
    "4.1 months versus docetaxel (12.2 vs 8.1 months; HR 0.71), with the benefit seen across "
    "PD-L1 subgroups, in patients over 65 and in those with prior platinum doublet therapy. "
    "Grade 3 or higher treatment-related adverse events were less frequent than with "
    "docetaxel, and quality of life was maintained for longer over the first year of therapy."
)


def _fits(page: Page) -> None:
    """Nothing scrolls sideways: the page fits the window it is shown in."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@dataclass
class Team:
    """A medical lead who authors content and the three MLR reviewers."""

    lead: User
    medical: User
    legal: User
    regulatory: User


@pytest.fixture
def team(world: World, settings: Any, tmp_path: Path) -> Team:
    """The people of the content journeys, a product with an approved indication, and uploads
    kept in a folder of this test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    area = TherapeuticArea.objects.get(code="ONC")
    product = Product.objects.create(
        name="Zentorix", generic_name="zentorimab", therapeutic_area=area
    )
    Indication.objects.create(product=product, name="Metastatic NSCLC, second line", approved=True)
    people = [
        ("lena.lead", "medical_lead", "Lena", "Lindqvist"),
        ("mia.medical", "reviewer", "Mia", "Moreau"),
        ("leo.legal", "reviewer", "Leo", "Lambert"),
        ("rita.regulatory", "reviewer", "Rita", "Ruiz"),
    ]
    users = [
        user_add(
            actor=None,
            username=username,
            role=role,
            password=PASSWORD,
            first_name=first,
            last_name=last,
        )
        for username, role, first, last in people
    ]
    return Team(*users)


def _upload(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _approved_deck(team: Team) -> ContentItem:
    """An approved on-label deck carrying one claim with its references."""
    claim = services.module_create(
        actor=team.lead,
        kind="claim",
        therapeutic_area="ONC",
        title="Overall survival benefit",
        text=CLAIM,
        references=["PMID: 31535829", "doi:10.1056/NEJMoa1911303"],
    )
    indication = Indication.objects.get(name="Metastatic NSCLC, second line")
    item = services.item_create(
        actor=team.lead,
        kind="deck",
        title="Zentorix second-line NSCLC deck",
        summary="Efficacy and safety in previously treated metastatic NSCLC.",
        classification=services.Classification(
            therapeutic_area="ONC",
            products=["Zentorix"],
            indications=[indication.pk],
            expires_on=timezone.localdate() + timedelta(days=365),
        ),
        module_ids=[claim.pk],
        upload=_upload("deck.pdf"),
    )
    services.item_submit(actor=team.lead, item=item)
    for reviewer, discipline in (
        (team.medical, "medical"),
        (team.legal, "legal"),
        (team.regulatory, "regulatory"),
    ):
        services.item_sign(
            actor=reviewer, item=item, discipline=discipline, password=PASSWORD, meaning="Approved."
        )
    item.refresh_from_db()
    return item


def test_an_mlr_team_takes_an_item_from_draft_to_approved_with_three_e_signatures(
    page: Page,
    browser: Browser,
    live_server: Any,
    world: World,
    team: Team,
    sign_in: SignIn,
    tmp_path: Path,
) -> None:
    page.set_viewport_size(TABLET)
    sign_in(page, team.lead)
    page.goto(f"{live_server.url}/content/")
    page.get_by_role("link", name="New item").click()

    # The author writes the draft: kind, title, file, classification.
    page.get_by_label("Kind").select_option(label="Slide deck (PDF)")
    page.get_by_label("Title").fill("Renal subgroup deck")
    deck = tmp_path / "renal-subgroup.pdf"
    deck.write_bytes(PDF_BYTES)
    page.get_by_label("File").set_input_files(str(deck))
    page.get_by_label("Therapeutic area").select_option(label="Oncology")
    page.get_by_label("Zentorix (Oncology)").check()
    page.get_by_label("Metastatic NSCLC, second line (Zentorix)").check()
    _fits(page)
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("alert")).to_contain_text("Draft created")
    expect(page.get_by_test_id("status").first).to_have_text("Draft")
    expect(page.get_by_test_id("label-status")).to_contain_text("On-label")

    # ... and sends it for review.
    page.get_by_role("button", name="Send for MLR review").click()
    expect(page.get_by_role("alert")).to_contain_text("sent for MLR review")
    expect(page.get_by_test_id("status").first).to_have_text("In MLR review")
    item = ContentItem.objects.get()
    item_url = f"{live_server.url}/content/items/{item.pk}/"

    # Each reviewer, in a browser of their own, finds it in the queue and signs one discipline.
    for reviewer, discipline in (
        (team.medical, "Medical"),
        (team.legal, "Legal"),
        (team.regulatory, "Regulatory"),
    ):
        context = browser.new_context(viewport=TABLET)
        try:
            mlr = context.new_page()
            sign_in(mlr, reviewer)
            mlr.goto(f"{live_server.url}/content/review/")
            mlr.get_by_role("link", name="Renal subgroup deck").click()
            mlr.wait_for_url(f"{item_url}#review")
            sign = mlr.locator("#sign")
            # Chromium's PDF viewer in the page scrolls it while the deck loads, so a pointer
            # click can land beside the radio; choose it the way a keyboard user would.
            choice = sign.get_by_label(discipline, exact=True)
            choice.focus()
            mlr.keyboard.press("Space")
            expect(choice).to_be_checked()
            sign.get_by_label("Meaning of your signature").fill(
                f"I approve this deck: {discipline.lower()} review complete."
            )
            sign.get_by_label("Your password").fill(PASSWORD)
            _fits(mlr)
            sign.get_by_role("button", name="Sign").click()
            expect(mlr.get_by_role("alert")).to_contain_text(f"{discipline} sign-off recorded.")
            expect(mlr.get_by_test_id("signatures")).to_contain_text(
                f"{discipline} by {reviewer.get_full_name()}"
            )
        finally:
            context.close()

    # The author sees it approved, with the three signatures and their meanings.
    page.goto(item_url)
    expect(page.get_by_test_id("status").first).to_have_text("Approved")
    signatures = page.get_by_test_id("signatures")
    for reviewer, discipline in (
        (team.medical, "Medical"),
        (team.legal, "Legal"),
        (team.regulatory, "Regulatory"),
    ):
        expect(signatures).to_contain_text(f"{discipline} by {reviewer.get_full_name()}")
        expect(signatures).to_contain_text(f"{discipline.lower()} review complete")
    expect(page.locator("#history")).to_contain_text("All three MLR sign-offs given.")
    _fits(page)
    item.refresh_from_db()
    assert item.status == ItemStatus.APPROVED
    assert ReviewSignature.objects.filter(item_version=item.approved_version).count() == 3


def test_an_msl_shares_a_presentation_and_sees_what_the_kol_read(
    page: Page, browser: Browser, live_server: Any, world: World, team: Team, sign_in: SignIn
) -> None:
    deck = _approved_deck(team)
    page.set_viewport_size(TABLET)
    sign_in(page, world.msl)

    # From the KOL's page the MSL starts a presentation and assembles approved content.
    page.goto(f"{live_server.url}/kols/{world.kol.pk}/")
    page.get_by_role("link", name="Build a presentation").click()
    page.get_by_label("Title").fill("Second-line survival for Dr Okafor")
    page.get_by_label("Private note").fill("Lead with the subgroup she asked about.")
    page.get_by_role("button", name="Start the presentation").click()
    expect(page.get_by_role("alert")).to_contain_text("Presentation started")

    picker = page.get_by_test_id("picker")
    picker.get_by_role("button", name="Add the whole of “Zentorix second-line NSCLC deck”").click()
    expect(page.get_by_role("alert")).to_contain_text("at position 1")
    page.get_by_test_id("picker").get_by_role(
        "button", name="Add the module “Overall survival benefit”"
    ).click()
    expect(page.get_by_role("alert")).to_contain_text("at position 2")
    expect(page.get_by_test_id("slot")).to_have_count(2)
    expect(page.get_by_test_id("ready")).to_be_visible()
    _fits(page)

    # Sharing shows the link once.
    share = page.locator("#share")
    expect(share.get_by_label("Link works for (days)")).to_have_value("30")
    expect(page.get_by_test_id("email-note")).to_contain_text("no e-mail")
    share.get_by_role("button", name="Create the share link").click()
    expect(page.get_by_role("alert")).to_contain_text("This link is shown only once.")
    url = page.get_by_test_id("share-url").input_value()
    assert "/s/" in url
    link = ShareLink.objects.get()
    _fits(page)

    # The KOL opens it in a browser of their own, without signing in, and reads two modules.
    viewer_url = f"{live_server.url}/s/{url.rsplit('/s/', 1)[1]}"
    kol_context = browser.new_context(viewport={"width": 768, "height": 420})
    try:
        kol_page = kol_context.new_page()
        answer = kol_page.goto(viewer_url)
        assert answer is not None and answer.status == 200
        expect(kol_page.get_by_role("heading", level=1)).to_have_text(
            "Second-line survival for Dr Okafor"
        )
        for position in (1, 2):
            kol_page.evaluate(
                "p => document.getElementById('module-' + p).scrollIntoView({block: 'start'})",
                position,
            )
            kol_page.wait_for_timeout(3500)
        # Leaving the page sends what was counted (its "pagehide", as when the tab closes).
        with kol_page.expect_response(lambda r: r.url.endswith("/beacon")) as beacon:
            kol_page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
        assert beacon.value.ok
    finally:
        kol_context.close()
    per_position = dict(
        ViewEvent.objects.filter(share_link=link)
        .values_list("position")
        .annotate(s=Sum("seconds"))
        .values_list("position", "s")
    )
    assert set(per_position) == {1, 2} and all(s >= 1 for s in per_position.values())
    seconds = sum(per_position.values())
    assert 4 <= seconds <= 9

    # The MSL sees the reading on the item page ...
    page.goto(f"{live_server.url}/content/items/{deck.pk}/")
    usage = page.locator("#usage")
    expect(usage).to_contain_text("Shared 1 time")
    expect(usage).to_contain_text("opened 1 time")
    expect(page.get_by_test_id("usage-seconds")).to_have_text(str(seconds))
    expect(page.get_by_test_id("usage-modules")).to_contain_text("Overall survival benefit")
    _fits(page)

    # ... on the link's own page ...
    page.goto(f"{live_server.url}/content/share-links/{link.pk}/")
    expect(page.get_by_test_id("link-activity")).to_contain_text(f"{seconds} s reading in all")

    # ... and on the KOL's timeline.
    page.goto(f"{live_server.url}/kols/{world.kol.pk}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Viewed “Second-line survival for Dr Okafor”")
    expect(timeline).to_contain_text(f"{seconds} s on 2 modules")
    expect(timeline).to_contain_text("Shared “Second-line survival for Dr Okafor”")


def test_an_msl_presents_full_screen_in_a_meeting_and_the_time_is_recorded(
    page: Page, live_server: Any, world: World, team: Team, sign_in: SignIn
) -> None:
    deck = _approved_deck(team)
    meeting = interaction_create(
        actor=world.msl,
        kol_ids=[world.kol.pk],
        starts_at=timezone.now() + timedelta(minutes=5),
        channel="in_person",
        objectives="Walk through the survival data",
    )
    presentation = services.presentation_create(
        actor=world.msl, kol_id=world.kol.pk, title="Survival story"
    )
    services.presentation_add(actor=world.msl, presentation=presentation, item_id=deck.pk)
    claim = deck.approved_version.module_links.get().module_version
    services.presentation_add(
        actor=world.msl, presentation=presentation, item_id=deck.pk, module_id=claim.module_id
    )
    page.set_viewport_size(TABLET)
    sign_in(page, world.msl)

    # The pre-call plan offers the presentation; "Present" opens it for this meeting.
    page.goto(f"{live_server.url}/engagements/interactions/{meeting.pk}/")
    page.get_by_test_id("presentations-to-present").get_by_role("link", name="Present").click()
    expect(page.get_by_test_id("present-position")).to_have_text("1 / 2")
    page.get_by_role("button", name="Full screen").click()
    page.wait_for_timeout(2200)
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("present-position")).to_have_text("2 / 2")
    expect(page.get_by_role("heading", name="Overall survival benefit")).to_be_visible()
    page.wait_for_timeout(1200)
    page.get_by_role("button", name="End and record").click()

    # Back on the meeting: what was presented, with the time on each part.
    expect(page.get_by_role("alert")).to_contain_text("Presented “Survival story”: 2 modules")
    section = page.get_by_test_id("content-presented")
    expect(section).to_contain_text("Zentorix second-line NSCLC deck")
    expect(section).to_contain_text("Overall survival benefit")
    rows = {r.position: r.seconds for r in PresentedContent.objects.filter(interaction=meeting)}
    assert set(rows) == {1, 2}
    assert rows[1] >= 2 and rows[2] >= 1


def test_withdrawing_the_item_turns_its_link_into_the_no_longer_available_page(
    page: Page, browser: Browser, live_server: Any, world: World, team: Team, sign_in: SignIn
) -> None:
    deck = _approved_deck(team)
    presentation = services.presentation_create(
        actor=world.msl, kol_id=world.kol.pk, title="For Dr Okafor"
    )
    services.presentation_add(actor=world.msl, presentation=presentation, item_id=deck.pk)
    shared = services.share_create(
        actor=world.msl, kol_id=world.kol.pk, presentation_id=presentation.pk
    )
    viewer_url = f"{live_server.url}{shared.path}"

    kol_context = browser.new_context(viewport=TABLET)
    try:
        kol_page = kol_context.new_page()
        first = kol_page.goto(viewer_url)
        assert first is not None and first.status == 200

        # An MLR reviewer withdraws the item from its page.
        page.set_viewport_size(TABLET)
        sign_in(page, team.medical)
        page.goto(f"{live_server.url}/content/items/{deck.pk}/")
        page.get_by_text("Withdraw this item").click()
        page.get_by_label("Reason for the withdrawal").fill("Superseded by the new label")
        page.get_by_role("button", name="Withdraw at once").click()
        expect(page.get_by_role("alert").first).to_contain_text("Item withdrawn")
        expect(page.get_by_test_id("withdrawn")).to_contain_text("Superseded by the new label")

        # The same link now answers 410 with the neutral page, and none of the material.
        gone = kol_page.goto(viewer_url)
        assert gone is not None and gone.status == 410
        expect(kol_page.get_by_role("heading", level=1)).to_have_text(
            "This material is no longer available"
        )
        expect(kol_page.get_by_test_id("contact")).to_contain_text("Maya Singh")
        assert "Zentorix second-line NSCLC deck" not in kol_page.content()
    finally:
        kol_context.close()

    # The MSL's presentation tells them.
    page.context.clear_cookies()
    sign_in(page, world.msl)
    page.goto(f"{live_server.url}/content/presentations/{presentation.pk}/")
    expect(page.get_by_test_id("notices")).to_contain_text("withdrawn: Superseded by the new label")
    expect(page.get_by_test_id("refusals")).to_be_visible()
