"""Insight pages without a browser: who may open which page (403 naming the rule, 404 for a
record out of reach), the forms posting through to the services with every refusal shown, the
safety notice after capturing a text with a harm, the meeting page's capture form (htmx), the
review queue and release, themes, actions, the PM loop across the firewall and the PV queue."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kolbridge.core.services import user_add
from kolbridge.engagements import services as engagements
from kolbridge.insights import services, themes
from kolbridge.insights.models import (
    AdverseEventReport,
    AeStatus,
    Insight,
    InsightAction,
    InsightStatus,
    PmQuestion,
    PmQuestionStatus,
    Theme,
    ThemeStatus,
)
from tests.utils import PASSWORD

pytestmark = pytest.mark.django_db

HARM = "Her patient on Zentorix was hospitalised with severe neutropenia after the second cycle."
PLAIN = "Prescribers hold back in patients over 75 until they see renal dosing data."
NAMED = "Dr Okafor at NE University Hospital says prescribers want renal dosing data first."
HX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def plain(response) -> str:
    """The page as a person reads it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def capture(actor, kol, words: str = PLAIN, **extra) -> Insight:
    return services.insight_capture(
        actor=actor,
        text=words,
        category=extra.pop("category", "clinical_practice"),
        therapeutic_area="ONC",
        product="Zentorix",
        kol_ids=[kol.pk],
        **extra,
    )


@pytest.fixture
def as_(session_client, msl_a, msl_b, lead, reviewer, pv, pm, rep, admin):
    """A signed-in client for a persona of the suite, by its fixture name."""
    people = {
        "msl_a": msl_a,
        "msl_b": msl_b,
        "lead": lead,
        "reviewer": reviewer,
        "pv": pv,
        "pm": pm,
        "rep": rep,
        "admin": admin,
    }
    return lambda name: session_client(people[name])


@pytest.fixture
def insight(msl_a, kol_a, ref) -> Insight:
    return capture(msl_a, kol_a)


@pytest.fixture
def media(settings, tmp_path):
    """Forwarded reports' export files go to a folder of this test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def report(msl_a, kol_a, ref, media) -> AdverseEventReport:
    row = capture(msl_a, kol_a, HARM)
    return AdverseEventReport.objects.get(source_type="insight", source_id=row.pk)


@pytest.fixture
def question(pm, ref) -> PmQuestion:
    return services.pm_question_ask(
        actor=pm, product="Zentorix", text="What do KOLs say about dosing in the elderly?"
    )


@pytest.fixture
def meeting(msl_a, kol_a, ref):
    return engagements.interaction_create(
        actor=msl_a,
        kol_ids=[kol_a.pk],
        starts_at=timezone.now() + timedelta(days=1),
        channel="in_person",
        therapeutic_area_code="ONC",
        product_names=["Zentorix"],
        objectives="Discuss renal dosing",
    )


def accepted(lead, row: Insight) -> Insight:
    return services.insight_review(actor=lead, insight=row, decision="accept")


# Who may open which page ----------------------------------------------------------------------

# (page, persona, status): 403 pages name the firewall rule; 404 hides a record out of reach.
ACCESS = [
    ("insight_list", "msl_a", 200), ("insight_list", "lead", 200), ("insight_list", "pv", 200),
    ("insight_list", "pm", 403), ("insight_list", "rep", 403), ("insight_list", "admin", 403),
    ("insight_list", "reviewer", 403),
    ("insight_new", "msl_a", 200), ("insight_new", "lead", 200), ("insight_new", "pv", 403),
    ("insight_new", "pm", 403), ("insight_new", "rep", 403),
    ("insight_detail", "msl_a", 200), ("insight_detail", "lead", 200),
    ("insight_detail", "pv", 200), ("insight_detail", "msl_b", 404),
    ("insight_detail", "pm", 403), ("insight_detail", "rep", 403),
    ("review_queue", "lead", 200), ("review_queue", "msl_a", 403), ("review_queue", "pm", 403),
    ("review_queue", "pv", 403),
    ("insight_release", "lead", 200), ("insight_release", "msl_a", 403),
    ("insight_release", "pm", 403),
    ("theme_list", "lead", 200), ("theme_list", "msl_a", 200), ("theme_list", "pm", 403),
    ("theme_list", "rep", 403), ("theme_list", "pv", 403),
    ("action_list", "lead", 200), ("action_list", "msl_a", 200), ("action_list", "pm", 403),
    ("action_list", "rep", 403),
    ("question_list", "pm", 200), ("question_list", "lead", 200), ("question_list", "msl_a", 200),
    ("question_list", "rep", 403), ("question_list", "pv", 403),
    ("question_detail", "pm", 200), ("question_detail", "lead", 200),
    ("question_detail", "msl_a", 404), ("question_detail", "rep", 403),
    ("digest", "pm", 200), ("digest", "rep", 200), ("digest", "msl_a", 200),
    ("digest", "pv", 403), ("digest", "admin", 403),
    ("ae_queue", "pv", 200), ("ae_queue", "msl_a", 200), ("ae_queue", "lead", 200),
    ("ae_queue", "rep", 403), ("ae_queue", "pm", 403), ("ae_queue", "admin", 403),
    ("ae_detail", "pv", 200), ("ae_detail", "msl_a", 200), ("ae_detail", "lead", 200),
    ("ae_detail", "msl_b", 404), ("ae_detail", "rep", 403), ("ae_detail", "pm", 403),
]  # fmt: skip


@pytest.mark.parametrize(("page", "persona", "status"), ACCESS)
def test_page_access_per_role(as_, insight, report, question, lead, page, persona, status):
    accepted(lead, insight)
    args = {
        "insight_detail": [insight.pk],
        "insight_release": [insight.pk],
        "question_detail": [question.pk],
        "ae_detail": [report.pk],
    }.get(page, [])
    response = as_(persona).get(reverse(f"insights:{page}", args=args))
    assert response.status_code == status, plain(response)[:300]
    if status == 403:
        assert "Firewall rule" in plain(response)


def test_theme_detail_is_medical_only(as_, lead, msl_a, kol_a, ref):
    theme = _themed(lead, msl_a, kol_a)
    assert as_("lead").get(reverse("insights:theme_detail", args=[theme.pk])).status_code == 200
    assert as_("msl_a").get(reverse("insights:theme_detail", args=[theme.pk])).status_code == 200
    assert as_("pm").get(reverse("insights:theme_detail", args=[theme.pk])).status_code == 403
    assert as_("lead").get(reverse("insights:theme_detail", args=[999999])).status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(outsider, insight):
    response = outsider.get(reverse("insights:insight_detail", args=[insight.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_another_product_manager_cannot_tell_a_question_exists(session_client, question, ref):
    other = user_add(
        actor=None,
        username="pm2",
        role="product_manager",
        password=PASSWORD,
        check_password_strength=False,
    )
    response = session_client(other).get(reverse("insights:question_detail", args=[question.pk]))
    assert response.status_code == 404


def test_posts_need_the_csrf_token(session_client, msl_a, kol_a, ref):
    client = session_client(msl_a, enforce_csrf_checks=True)
    response = client.post(
        reverse("insights:insight_new"),
        {"text": PLAIN, "category": "unmet_need", "therapeutic_area": "ONC"},
    )
    assert response.status_code == 403
    assert not Insight.objects.exists()


def test_navigation_fits_each_role(as_, ref):
    msl_nav = plain(as_("msl_a").get(reverse("home")))
    assert "Insights" in msl_nav and "Safety queue" not in msl_nav
    pv_nav = plain(as_("pv").get(reverse("home")))
    assert "Safety queue" in pv_nav
    pm_nav = plain(as_("pm").get(reverse("home")))
    assert "Field insights" in pm_nav and "Ask medical" in pm_nav and "All insights" not in pm_nav
    rep_nav = plain(as_("rep").get(reverse("home")))
    assert "Safety queue" not in rep_nav and "Ask medical" not in rep_nav


# Capture ----------------------------------------------------------------------------------------


def test_capture_posts_through_to_the_service(as_, msl_a, kol_a, audit_mark):
    since = audit_mark()
    response = as_("msl_a").post(
        reverse("insights:insight_new"),
        {
            "text": PLAIN,
            "category": "unmet_need",
            "therapeutic_area": "ONC",
            "product": "Zentorix",
            "tags": "elderly, renal dosing",
            "kols": [kol_a.pk],
        },
        follow=True,
    )
    row = Insight.objects.get()
    assert response.redirect_chain[-1][0] == reverse("insights:insight_detail", args=[row.pk])
    assert (row.category, row.product.name, row.tags) == (
        "unmet_need",
        "Zentorix",
        ["elderly", "renal dosing"],
    )
    assert list(row.kols.all()) == [kol_a] and row.captured_by == msl_a
    page = plain(response)
    assert f"Insight captured (#{row.pk})" in page and "pharmacovigilance queue" not in page
    assert [e.action for e in since()] == ["insight.capture"]


def test_capture_page_starts_with_the_kol_from_the_kol_page(as_, kol_a):
    response = as_("msl_a").get(reverse("insights:insight_new") + f"?kol={kol_a.pk}")
    assert response.status_code == 200
    assert re.search(rf'value="{kol_a.pk}"[^>]*checked', text(response))
    assert '<option value="ONC" selected>' in text(response)  # the KOL's one area


def test_capture_of_a_harm_shows_the_safety_notice_with_the_report_and_its_clock(as_, kol_a):
    response = as_("msl_a").post(
        reverse("insights:insight_new"),
        {"text": HARM, "category": "safety", "therapeutic_area": "ONC", "kols": [kol_a.pk]},
        follow=True,
    )
    report = AdverseEventReport.objects.get()
    assert report.due_at - report.received_at == timedelta(hours=24)
    page = plain(response)
    assert "Possible adverse event" in page
    assert f"report #{report.pk} is in the pharmacovigilance queue, due" in page
    # The insight's page lists the report it gave rise to.
    assert f"Report #{report.pk}" in page


@pytest.mark.parametrize(
    ("posted", "field_message"),
    [
        ({"text": ""}, "Write the insight; it cannot be empty."),
        ({"text": "x" * 20_000}, "20,000 characters; an insight is at most 2,000."),
        ({"category": ""}, "Choose the category of the insight."),
        ({"category": "gossip"}, "Select a valid choice."),
        ({"product": "Cardiozan"}, "Select a valid choice."),
    ],
)
def test_capture_refusals_are_shown_with_the_reason(as_, ref, posted, field_message):
    data = {"text": PLAIN, "category": "unmet_need", "therapeutic_area": "ONC", **posted}
    response = as_("msl_a").post(reverse("insights:insight_new"), data)
    assert response.status_code == 422
    assert field_message in plain(response)
    assert not Insight.objects.exists()


def test_capture_refuses_a_product_of_another_area(as_, ref):
    from kolbridge.core.models import Product

    Product.objects.create(name="Cardiozan", generic_name="cardiozumab", therapeutic_area=ref.card)
    response = as_("msl_a").post(
        reverse("insights:insight_new"),
        {"text": PLAIN, "category": "access", "therapeutic_area": "ONC", "product": "Cardiozan"},
    )
    assert response.status_code == 422
    assert "Cardiozan is not a Oncology product." in plain(response)


def test_meeting_page_has_the_capture_form_preset_from_the_meeting(as_, meeting, kol_a):
    response = as_("msl_a").get(reverse("engagements:interaction_detail", args=[meeting.pk]))
    page = text(response)
    assert 'data-testid="section-insights"' in page and 'data-testid="capture-form"' in page
    assert f'name="interaction" value="{meeting.pk}"' in page
    assert f'name="kols" value="{kol_a.pk}"' in page
    assert re.search(r'<option value="ONC" selected>', page)
    assert re.search(r'<option value="Zentorix" selected>', page)
    # Commercial and PV never get the section (they do not see the meeting at all).
    assert (
        as_("pm").get(reverse("engagements:interaction_detail", args=[meeting.pk])).status_code
        == 403
    )


def test_capture_in_the_meeting_stays_on_the_page_ready_for_the_next(as_, meeting, kol_a):
    client = as_("msl_a")
    url = reverse("insights:insight_new")
    data = {
        "text": PLAIN,
        "category": "clinical_practice",
        "therapeutic_area": "ONC",
        "product": "Zentorix",
        "kols": [kol_a.pk],
        "interaction": meeting.pk,
    }
    first = client.post(url, data, **HX)
    second = client.post(url, {**data, "text": HARM, "category": "safety"}, **HX)
    assert first.status_code == second.status_code == 200
    rows = list(Insight.objects.filter(interaction=meeting).order_by("pk"))
    assert [r.text for r in rows] == [PLAIN, HARM]
    assert all(list(r.kols.all()) == [kol_a] for r in rows)
    part = text(second)
    assert "<html" not in part  # a part of the page, swapped in place
    assert f"Insight #{rows[1].pk} captured" in part
    report = AdverseEventReport.objects.get(source_id=rows[1].pk)
    assert 'data-testid="safety-notice"' in part and f"report #{report.pk}" in part
    # The form is empty and ready again; both insights are listed.
    assert re.search(r"<textarea[^>]*autofocus[^>]*>\s*</textarea>", part)
    assert PLAIN in part and "Her patient on Zentorix" in part


def test_refused_capture_in_the_meeting_comes_back_in_place(as_, meeting):
    response = as_("msl_a").post(
        reverse("insights:insight_new"),
        {
            "text": "  ",
            "category": "unmet_need",
            "therapeutic_area": "ONC",
            "interaction": meeting.pk,
        },
        **HX,
    )
    assert response.status_code == 422
    assert "<html" not in text(response)
    assert "Write the insight; it cannot be empty." in plain(response)


def test_capture_from_another_territorys_meeting_is_hidden(as_, meeting):
    assert (
        as_("msl_b").get(reverse("insights:insight_new") + f"?interaction={meeting.pk}").status_code
        == 404
    )


# The list and one insight -----------------------------------------------------------------------


def test_list_filters_and_search(as_, msl_a, kol_a, lead):
    kept = capture(msl_a, kol_a, PLAIN, category="unmet_need")
    capture(msl_a, kol_a, "Payers ask for real-world evidence before listing.", category="access")
    client = as_("lead")
    url = reverse("insights:insight_list")
    assert plain(client.get(url)).count("insight") >= 2
    found = plain(client.get(url, {"category": "unmet_need"}))
    assert "over 75" in found and "Payers" not in found
    found = plain(client.get(url, {"q": "payers"}))
    assert "Payers" in found and "over 75" not in found
    found = plain(client.get(url, {"status": "accepted"}))
    assert "No insights match" in found
    accepted(lead, kept)
    assert "over 75" in plain(client.get(url, {"status": "accepted", "product": "Zentorix"}))
    refused = client.get(url, {"captured_from": "2026-05-02", "captured_to": "2026-05-01"})
    assert "The end of the period is before its start." in plain(refused)


def test_list_mine_and_htmx_results(as_, msl_a, lead, kol_a):
    capture(msl_a, kol_a)
    capture(lead, kol_a, "Leads hear about access delays.", category="access")
    mine = plain(as_("msl_a").get(reverse("insights:insight_list"), {"mine": "1"}))
    assert "over 75" in mine and "access delays" not in mine
    part = as_("lead").get(
        reverse("insights:insight_list"), {"q": "access"}, HTTP_HX_TARGET="insight-results", **HX
    )
    assert "<html" not in text(part) and "access delays" in text(part)
    assert part["HX-Push-Url"] == reverse("insights:insight_list") + "?q=access"


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up: session and per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("persona", "page"),
    [("msl_a", "insight_list"), ("lead", "review_queue"), ("pv", "ae_queue")],
)
def test_list_pages_read_a_fixed_number_of_queries(as_, msl_a, kol_a, lead, pv, persona, page):
    client, url = as_(persona), reverse(f"insights:{page}")
    capture(msl_a, kol_a, HARM)
    few = _queries(client, url)
    for n in range(6):
        capture(msl_a, kol_a, f"One of his patients on zentorimab developed rash number {n}.")
    assert _queries(client, url) <= few


def test_detail_shows_who_what_where_review_and_audit_for_the_lead(as_, lead, insight, kol_a):
    services.insight_review(
        actor=lead, insight=insight, decision="accept", text="Reworded by the lead."
    )
    page = plain(as_("lead").get(reverse("insights:insight_detail", args=[insight.pk])))
    assert "Reworded by the lead." in page and f"The MSL's own words: “{PLAIN}”" in page
    assert kol_a.display_name in page and "Msl A Tester" in page
    assert "Accepted by Lead Tester" in page
    assert "Audit trail" in page and "insight.accept" in page


def test_msl_corrects_own_insight_until_review(as_, insight):
    client = as_("msl_a")
    url = reverse("insights:insight_edit", args=[insight.pk])
    response = client.post(
        url, {"text": "Corrected.", "category": "data_gap", "tags": "", "version": insight.version}
    )
    assert response.status_code == 302
    insight.refresh_from_db()
    assert (insight.text, insight.category) == ("Corrected.", "data_gap")
    stale = client.post(url, {"text": "Again", "category": "data_gap", "version": 1})
    assert stale.status_code == 409 and "changed by someone else" in plain(stale)


# Review and release ---------------------------------------------------------------------------


def test_review_queue_lists_new_insights_of_the_team(as_, insight, msl_b, kol_b):
    capture(msl_b, kol_b, "Outside the lead's team.")
    page = plain(as_("lead").get(reverse("insights:review_queue")))
    assert "1 new insight" in page and "Outside the lead's team." not in page
    assert PLAIN in page


def test_accept_reworded_from_the_queue_in_place(as_, insight, audit_mark):
    since = audit_mark()
    response = as_("lead").post(
        reverse("insights:insight_review", args=[insight.pk]),
        {
            "decision": "accept",
            "text": "Prescribers wait for renal data in the over-75s.",
            "note": "",
            "version": insight.version,
        },
        **HX,
    )
    assert response.status_code == 200
    assert "Accepted." in plain(response) and "Release it to commercial" in plain(response)
    insight.refresh_from_db()
    assert insight.status == InsightStatus.ACCEPTED
    assert (insight.text, insight.original_text) == (
        "Prescribers wait for renal data in the over-75s.",
        PLAIN,
    )
    assert [e.action for e in since()] == ["insight.accept"]


def test_reject_needs_a_note(as_, insight):
    client = as_("lead")
    url = reverse("insights:insight_review", args=[insight.pk])
    data = {"decision": "reject", "text": insight.text, "note": "", "version": insight.version}
    refused = client.post(url, data, **HX)
    assert refused.status_code == 422
    assert "Say why the insight is rejected" in plain(refused)
    done = client.post(url, {**data, "note": "Not an insight: a scheduling remark."})
    assert done.status_code == 302
    insight.refresh_from_db()
    assert insight.status == InsightStatus.REJECTED
    # The MSL reads the note on the insight's page.
    assert "Not an insight: a scheduling remark." in plain(
        as_("msl_a").get(reverse("insights:insight_detail", args=[insight.pk]))
    )


def test_merge_a_duplicate_into_the_kept_one(as_, msl_a, kol_a, insight):
    duplicate = capture(msl_a, kol_a, "Prescribers wait for renal dosing data in the elderly.")
    response = as_("lead").post(
        reverse("insights:insight_merge", args=[duplicate.pk]),
        {"into": insight.pk, "note": "Same point"},
        **HX,
    )
    assert response.status_code == 200 and f"Merged into #{insight.pk}." in plain(response)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (InsightStatus.MERGED, insight.pk)
    # Someone reviewing the merged duplicate meanwhile hears why it is refused.
    late = as_("lead").post(
        reverse("insights:insight_review", args=[duplicate.pk]),
        {"decision": "accept", "text": duplicate.text, "version": duplicate.version},
    )
    assert late.status_code == 409 and "merged into another one" in plain(late)
    unknown = as_("lead").post(
        reverse("insights:insight_merge", args=[insight.pk]), {"into": 999999}, **HX
    )
    assert unknown.status_code == 422 and "Select a valid choice" in plain(unknown)


def test_msl_cannot_review(as_, insight):
    response = as_("msl_a").post(
        reverse("insights:insight_review", args=[insight.pk]),
        {"decision": "accept", "text": insight.text, "version": insight.version},
    )
    assert response.status_code == 403 and "Firewall rule" in plain(response)


def test_release_page_prefills_the_de_identified_wording_and_refuses_a_name(
    as_, lead, msl_a, kol_a
):
    row = accepted(lead, capture(msl_a, kol_a, NAMED))
    client = as_("lead")
    url = reverse("insights:insight_release", args=[row.pk])
    page = client.get(url)
    suggested = re.search(r"<textarea[^>]*>(.*?)</textarea>", text(page), re.S).group(1)
    assert "Okafor" not in suggested and "NE University Hospital" not in suggested
    assert "renal dosing data" in suggested
    refused = client.post(url, {"released_text": NAMED})
    assert refused.status_code == 422
    assert "Still identifies" in plain(refused) and "Okafor" in plain(refused)
    row.refresh_from_db()
    assert row.released_at is None
    done = client.post(url, {"released_text": suggested.strip()}, follow=True)
    row.refresh_from_db()
    assert row.released_at is not None and "Released to commercial" in plain(done)


def test_safety_insight_release_is_refused_with_the_rule(as_, lead, msl_a, kol_a):
    row = accepted(lead, capture(msl_a, kol_a, PLAIN, category="safety"))
    response = as_("lead").post(
        reverse("insights:insight_release", args=[row.pk]), {"released_text": PLAIN}
    )
    assert response.status_code == 403
    assert "safety insights go to pharmacovigilance" in plain(response)


def test_release_of_a_new_insight_is_refused(as_, insight):
    response = as_("lead").post(
        reverse("insights:insight_release", args=[insight.pk]), {"released_text": PLAIN}
    )
    assert response.status_code == 409 and "review it first" in plain(response)


def test_withdraw_a_release_needs_a_reason(as_, lead, insight):
    services.insight_release(actor=lead, insight=accepted(lead, insight), released_text=PLAIN)
    url = reverse("insights:insight_unrelease", args=[insight.pk])
    assert as_("lead").post(url, {"reason": ""}).status_code == 422
    assert as_("lead").post(url, {"reason": "Wrong product"}).status_code == 302
    insight.refresh_from_db()
    assert insight.released_at is None


# Commercial sees released, de-identified insights only ----------------------------------------


def test_digest_shows_released_wording_without_kol_or_msl(as_, lead, msl_a, kol_a):
    row = accepted(lead, capture(msl_a, kol_a, NAMED))
    capture(msl_a, kol_a, "An unreleased remark about pricing.")
    services.insight_release(
        actor=lead, insight=row, released_text="A KOL says prescribers want renal dosing data."
    )
    for persona in ("pm", "rep"):
        page = plain(as_(persona).get(reverse("insights:digest"), {"product": "Zentorix"}))
        assert "A KOL says prescribers want renal dosing data." in page
        for hidden in ("Okafor", "Amelia", "Msl A", "NE University Hospital", "pricing"):
            assert hidden not in page


# Themes ---------------------------------------------------------------------------------------

RENAL = [
    "Prescribers want renal dosing data for elderly patients.",
    "Renal dosing in elderly patients is unclear to prescribers.",
    "Elderly patients with renal impairment: prescribers ask for dosing data.",
    "Dosing guidance for renal impairment in the elderly is missing.",
]
ACCESS_TEXTS = [
    "Prior authorization delays block access for many clinics.",
    "Clinics report prior authorization delays and reimbursement denials.",
    "Reimbursement denials and prior authorization slow access.",
    "Access is slowed by reimbursement paperwork and prior authorization.",
]


def _themed(lead, msl_a, kol_a) -> Theme:
    for words in RENAL + ACCESS_TEXTS:
        capture(msl_a, kol_a, words)
    themes.theme_regroup_all(actor=lead)
    return Theme.objects.filter(status=ThemeStatus.ACTIVE).order_by("-size", "id").first()


def test_theme_list_shows_size_terms_trend_table_and_representative(as_, lead, msl_a, kol_a):
    theme = _themed(lead, msl_a, kol_a)
    page = text(as_("msl_a").get(reverse("insights:theme_list")))
    assert theme.name in page and 'data-testid="theme-row"' in page
    assert "<svg" in page and "trend-table" in page  # the chart with its numbers
    month, count = theme.trend[-1]
    assert re.search(rf"<th[^>]*>{month}</th>", page) and f"<td>{count}</td>" in page
    assert theme.representative.text[:40] in page


def test_lead_regroups_now(as_, lead, msl_a, kol_a):
    for words in RENAL + ACCESS_TEXTS:
        capture(msl_a, kol_a, words)
    response = as_("lead").post(
        reverse("insights:theme_regroup"), {"therapeutic_area": ""}, follow=True
    )
    assert "Regrouped 1 group" in plain(response)
    assert Theme.objects.filter(status=ThemeStatus.ACTIVE).exists()
    assert as_("msl_a").post(reverse("insights:theme_regroup")).status_code == 403


def test_lead_renames_splits_and_releases_a_theme(as_, lead, msl_a, kol_a):
    theme = _themed(lead, msl_a, kol_a)
    client = as_("lead")
    client.post(reverse("insights:theme_rename", args=[theme.pk]), {"name": "Renal dosing gap"})
    theme.refresh_from_db()
    assert theme.name == "Renal dosing gap" and theme.named_by == lead
    refused = client.post(reverse("insights:theme_release", args=[theme.pk]), {"summary": "Gap."})
    assert refused.status_code == 409 and "Release at least one" in plain(refused)
    members = list(theme.memberships.values_list("insight_id", flat=True))
    member = accepted(lead, Insight.objects.get(pk=members[0]))
    services.insight_release(actor=lead, insight=member, released_text=member.text)
    named = client.post(reverse("insights:theme_release", args=[theme.pk]), {"summary": NAMED})
    assert named.status_code == 422 and "Still identifies" in plain(named)
    done = client.post(
        reverse("insights:theme_release", args=[theme.pk]), {"summary": "Renal dosing asks."}
    )
    assert done.status_code == 302
    digest = plain(as_("pm").get(reverse("insights:digest")))
    assert "Renal dosing gap" in digest and "Renal dosing asks." in digest
    split = client.post(
        reverse("insights:theme_split", args=[theme.pk]),
        {"insights": members[:1], "name": "First one alone"},
    )
    assert split.status_code == 302
    assert Theme.objects.filter(name="First one alone").exists()
    empty = client.post(reverse("insights:theme_split", args=[theme.pk]), {"name": "Nothing"})
    assert empty.status_code == 422 and "Choose the insights" in plain(empty)


def test_lead_merges_themes_of_a_group(as_, lead, msl_a, kol_a):
    theme = _themed(lead, msl_a, kol_a)
    other = Theme.objects.create(
        therapeutic_area=theme.therapeutic_area,
        product=theme.product,
        period_start=theme.period_start,
        period_end=theme.period_end,
        name="Another theme",
    )
    response = as_("lead").post(
        reverse("insights:theme_merge", args=[other.pk]), {"into": theme.pk}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == ThemeStatus.MERGED and other.merged_into_id == theme.pk


# Actions --------------------------------------------------------------------------------------


def test_lead_records_an_action_and_marks_it_done(as_, lead, msl_a, insight):
    accepted(lead, insight)
    client = as_("lead")
    response = client.post(
        reverse("insights:action_create"),
        {
            "decision": "new_content",
            "action": "New FAQ on renal dosing",
            "owner": lead.pk,
            "insight": insight.pk,
        },
    )
    assert response.status_code == 302
    action = InsightAction.objects.get()
    assert (action.insight_id, action.status) == (insight.pk, "open")
    assert "New FAQ on renal dosing" in plain(client.get(reverse("insights:action_list")))
    client.post(reverse("insights:action_done", args=[action.pk]), {"outcome": "FAQ approved"})
    action.refresh_from_db()
    assert (action.status, action.outcome) == ("done", "FAQ approved")
    # The MSL behind it sees what became of it on My work.
    assert "New or updated content" in plain(as_("msl_a").get(reverse("home")))


def test_action_on_an_unreviewed_insight_is_refused(as_, lead, insight):
    response = as_("lead").post(
        reverse("insights:action_create"),
        {"decision": "act", "action": "Do it", "owner": lead.pk, "insight": insight.pk},
    )
    assert response.status_code == 409 and "accepted" in plain(response)
    missing = as_("lead").post(
        reverse("insights:action_create"),
        {"decision": "act", "action": "", "owner": lead.pk, "insight": insight.pk},
    )
    assert missing.status_code in (409, 422)


def test_msl_cannot_record_actions(as_, msl_a, insight):
    response = as_("msl_a").post(
        reverse("insights:action_create"),
        {"decision": "act", "action": "x", "owner": msl_a.pk, "insight": insight.pk},
    )
    assert response.status_code == 403


# The PM feedback loop -------------------------------------------------------------------------


def test_pm_loop_from_question_to_de_identified_answer(as_, lead, msl_a, kol_a, pm):
    pm_client, lead_client, msl_client = as_("pm"), as_("lead"), as_("msl_a")
    asked = pm_client.post(
        reverse("insights:question_list"),
        {"product": "Zentorix", "text": "What do KOLs say about dosing in the elderly?"},
    )
    question = PmQuestion.objects.get()
    assert asked.status_code == 302 and question.asked_by == pm
    page = plain(lead_client.get(reverse("insights:question_detail", args=[question.pk])))
    assert "Route to MSLs of your team" in page and "Msl A Tester" in page
    lead_client.post(
        reverse("insights:question_route", args=[question.pk]),
        {"msls": [msl_a.pk], "note": "Ask at your next visits"},
    )
    question.refresh_from_db()
    assert question.status == PmQuestionStatus.ROUTED
    page = plain(msl_client.get(reverse("insights:question_detail", args=[question.pk])))
    assert "Answer with an insight" in page and "Ask at your next visits" in page
    form = msl_client.get(reverse("insights:insight_new") + f"?question={question.pk}")
    assert f'name="pm_question" value="{question.pk}"' in text(form)
    msl_client.post(
        reverse("insights:insight_new"),
        {
            "text": NAMED,
            "category": "clinical_practice",
            "therapeutic_area": "ONC",
            "product": "Zentorix",
            "kols": [kol_a.pk],
            "pm_question": question.pk,
        },
    )
    answer = Insight.objects.get(pm_question=question)
    # Not released yet: the lead cannot send it.
    unreleased = lead_client.post(
        reverse("insights:question_answer", args=[question.pk]),
        {"summary": "Elderly dosing is the main ask.", "insights": [answer.pk]},
    )
    assert unreleased.status_code == 422
    accepted(lead, answer)
    services.insight_release(
        actor=lead, insight=answer, released_text="Prescribers want renal dosing data first."
    )
    named = lead_client.post(
        reverse("insights:question_answer", args=[question.pk]),
        {"summary": "Dr Okafor says so.", "insights": [answer.pk]},
    )
    assert named.status_code == 422 and "Still identifies" in plain(named)
    lead_client.post(
        reverse("insights:question_answer", args=[question.pk]),
        {"summary": "Elderly dosing is the main ask.", "insights": [answer.pk]},
    )
    question.refresh_from_db()
    assert question.status == PmQuestionStatus.ANSWERED
    page = plain(pm_client.get(reverse("insights:question_detail", args=[question.pk])))
    assert "Elderly dosing is the main ask." in page
    assert "Prescribers want renal dosing data first." in page
    for hidden in ("Okafor", "Amelia", "Msl A", "Lead Tester", "NE University Hospital"):
        assert hidden not in page


def test_question_refusals(as_, question, lead):
    client = as_("pm")
    empty = client.post(reverse("insights:question_list"), {"product": "Zentorix", "text": ""})
    assert empty.status_code == 422 and "Write the question." in plain(empty)
    no_msl = as_("lead").post(reverse("insights:question_route", args=[question.pk]), {"msls": []})
    assert no_msl.status_code == 422 and "Choose at least one MSL." in plain(no_msl)
    no_reason = as_("lead").post(
        reverse("insights:question_decline", args=[question.pk]), {"reason": ""}
    )
    assert no_reason.status_code == 422 and "Say why medical cannot answer" in plain(no_reason)
    as_("lead").post(
        reverse("insights:question_decline", args=[question.pk]), {"reason": "Off-label topic"}
    )
    assert "Off-label topic" in plain(
        client.get(reverse("insights:question_detail", args=[question.pk]))
    )
    assert (
        as_("pm")
        .post(reverse("insights:question_route", args=[question.pk]), {"msls": []})
        .status_code
        == 403
    )


def test_sales_rep_cannot_ask_medical(as_, ref):
    response = as_("rep").post(
        reverse("insights:question_list"), {"product": "Zentorix", "text": "Anything?"}
    )
    assert response.status_code == 403


# The PV queue -----------------------------------------------------------------------------------


def test_pv_queue_orders_by_due_time_and_marks_the_overdue(as_, report, msl_a, kol_a):
    later = capture(msl_a, kol_a, "One of his patients on zentorimab developed a severe rash.")
    late = AdverseEventReport.objects.get(source_id=later.pk)
    AdverseEventReport.objects.filter(pk=late.pk).update(
        received_at=timezone.now() - timedelta(hours=30),
        due_at=timezone.now() - timedelta(hours=6),
        needs_manual_review=True,
    )
    page = text(as_("pv").get(reverse("insights:ae_queue")))
    assert page.index(f"#{late.pk}<") < page.index(f"#{report.pk}<")
    readable = plain(as_("pv").get(reverse("insights:ae_queue")))
    assert "overdue by 6 h" in readable and "1 overdue" in readable
    assert re.search(r"2[34] h \d\d min left", readable)
    assert "Manual review" in readable


def test_pv_forwards_and_downloads_the_export(as_, report, audit_mark):
    since = audit_mark()
    client = as_("pv")
    detail = plain(client.get(reverse("insights:ae_detail", args=[report.pk])))
    assert "Her patient on Zentorix was hospitalised" in detail
    assert f"Insight #{report.source_id}" in detail  # PV may open insights: a link
    response = client.post(
        reverse("insights:ae_forward", args=[report.pk]), {"safety_case_id": "SC-2026-001"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.safety_case_id) == (AeStatus.FORWARDED, "SC-2026-001")
    export = client.get(reverse("insights:ae_export", args=[report.pk]))
    assert export.status_code == 200 and b"<ichicsr" in b"".join(export.streaming_content)
    assert [e.action for e in since()] == ["adverse_event.forward"]
    again = client.post(reverse("insights:ae_forward", args=[report.pk]), {})
    assert again.status_code == 409
    assert "This report is already forwarded to the safety system." in plain(again)


def test_pv_closes_as_not_an_ae_only_with_a_reason(as_, report):
    client = as_("pv")
    url = reverse("insights:ae_close", args=[report.pk])
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 422 and "Say why this is not an adverse event." in plain(refused)
    client.post(url, {"reason": "Hospitalisation predates the treatment."})
    report.refresh_from_db()
    assert report.status == AeStatus.NOT_AE
    assert "Hospitalisation predates the treatment." in plain(
        client.get(reverse("insights:ae_detail", args=[report.pk]))
    )


def test_msl_sees_own_report_but_cannot_forward_it(as_, report):
    page = plain(as_("msl_a").get(reverse("insights:ae_detail", args=[report.pk])))
    assert "Forward to the safety system" not in page
    response = as_("msl_a").post(reverse("insights:ae_forward", args=[report.pk]), {})
    assert response.status_code == 403


def test_pv_sees_an_interaction_source_by_kind_and_id_only(as_, msl_a, kol_a, ref):
    meeting = engagements.interaction_log(
        actor=msl_a,
        kol_ids=[kol_a.pk],
        starts_at=timezone.now() - timedelta(hours=2),
        channel="in_person",
        notes=HARM,
    )
    report = AdverseEventReport.objects.get(source_type="interaction", source_id=meeting.pk)
    page = text(as_("pv").get(reverse("insights:ae_detail", args=[report.pk])))
    assert f"Interaction notes #{meeting.pk}" in page
    assert reverse("engagements:interaction_detail", args=[meeting.pk]) not in page
    msl_page = text(as_("msl_a").get(reverse("insights:ae_detail", args=[report.pk])))
    assert reverse("engagements:interaction_detail", args=[meeting.pk]) in msl_page


def test_no_page_deletes_a_report(as_, report):
    client = as_("pv")
    for url in (
        reverse("insights:ae_detail", args=[report.pk]),
        reverse("insights:ae_close", args=[report.pk]),
    ):
        assert client.delete(url).status_code in (403, 405)
    assert AdverseEventReport.objects.filter(pk=report.pk).exists()


# Safety notices on the engagement pages --------------------------------------------------------


def test_completing_a_meeting_with_a_harm_in_the_notes_shows_the_notice(as_, msl_a, kol_a, ref):
    planned = engagements.interaction_create(
        actor=msl_a,
        kol_ids=[kol_a.pk],
        starts_at=timezone.now() - timedelta(hours=1),
        channel="in_person",
    )
    response = as_("msl_a").post(
        reverse("engagements:interaction_complete", args=[planned.pk]),
        {
            "version": planned.version,
            "starts_at": timezone.localtime(planned.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 30,
            "notes": HARM,
        },
        follow=True,
    )
    report = AdverseEventReport.objects.get(source_type="interaction")
    page = plain(response)
    assert "Meeting completed." in page
    assert f"report #{report.pk} is in the pharmacovigilance queue" in page


def test_capturing_an_inquiry_with_a_harm_shows_the_notice(as_, kol_a, ref):
    response = as_("msl_a").post(
        reverse("engagements:inquiry_create"),
        {
            "kol": kol_a.pk,
            "question": HARM + " Is that known?",
            "channel_received": "in_person",
            "unsolicited_confirmed": "on",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "urgency": "standard",
        },
        follow=True,
    )
    report = AdverseEventReport.objects.get(source_type="inquiry_question")
    assert f"report #{report.pk} is in the pharmacovigilance queue" in plain(response)
