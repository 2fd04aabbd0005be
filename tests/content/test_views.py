"""Content pages without a browser: status codes per role, the firewall on pages, forms posting
through to the services (signing, assembling, presenting, sharing) and every refusal shown on
the page with the rule's words, never a server error."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kolbridge.content import services
from kolbridge.content.models import (
    ContentItem,
    ContentModule,
    ItemStatus,
    Presentation,
    PresentationSlot,
    PresentedContent,
    ReviewSignature,
    ShareLink,
    VersionStatus,
)
from kolbridge.content.services import Beacon, hash_token
from kolbridge.core.models import User
from tests.content.conftest import PDF_BYTES, pdf, png
from tests.utils import PASSWORD

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Prefers forest plots; skeptical about the crossover"


def text(response) -> str:
    if response.streaming:
        return html.unescape(b"".join(response.streaming_content).decode(errors="replace"))
    return html.unescape(response.content.decode())


def plain(response) -> str:
    """The page as a person reads it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


# ---- the world of these tests ---------------------------------------------------------------


@pytest.fixture
def deck(make_item, claim_module):
    """An approved, on-label, medical-external deck carrying the claim module."""
    return make_item(title="Survival deck", modules=[claim_module])


@pytest.fixture
def reactive_reprint(make_item, ref):
    """Approved reactive-only (off-label) material: it answers only a logged inquiry."""
    return make_item(
        title="Adjuvant reprint",
        kind="reprint",
        usage="reactive_only",
        indications=[ref.unapproved_indication],
    )


@pytest.fixture
def draft(make_item):
    return make_item(title="Draft infographic deck", approve=False)


@pytest.fixture
def deck_p(msl_a, kol_a, deck):
    """msl_a's presentation for kol_a carrying the whole deck, with a private note."""
    p = services.presentation_create(
        actor=msl_a, kol_id=kol_a.pk, title="For Dr Okafor", private_note=SECRET_NOTE
    )
    services.presentation_add(actor=msl_a, presentation=p, item_id=deck.pk)
    return p


@pytest.fixture
def link(msl_a, kol_a, deck_p):
    return services.share_create(actor=msl_a, kol_id=kol_a.pk, presentation_id=deck_p.pk).link


@pytest.fixture
def urls(deck, claim_module, deck_p, link) -> dict[str, str]:
    return {
        "library": reverse("content:library"),
        "item_new": reverse("content:item_new"),
        "item_detail": reverse("content:item_detail", args=[deck.pk]),
        "item_edit": reverse("content:item_edit", args=[deck.pk]),
        "item_file": reverse("content:item_file", args=[deck.pk, 1]),
        "module_list": reverse("content:module_list"),
        "module_new": reverse("content:module_new"),
        "module_detail": reverse("content:module_detail", args=[claim_module.pk]),
        "review_queue": reverse("content:review_queue"),
        "presentation_list": reverse("content:presentation_list"),
        "presentation_new": reverse("content:presentation_new"),
        "presentation_detail": reverse("content:presentation_detail", args=[deck_p.pk]),
        "presentation_preview": reverse("content:presentation_preview", args=[deck_p.pk]),
        "presentation_present": reverse("content:presentation_present", args=[deck_p.pk]),
        "share_link_list": reverse("content:share_link_list"),
        "share_link_detail": reverse("content:share_link_detail", args=[link.pk]),
    }


# (page, persona, status). 403 pages name the rule; 404 hides the record.
ACCESS = [
    ("library", "msl_a", 200),
    ("library", "reviewer", 200),
    ("library", "rep", 200),
    ("library", "pm", 200),
    ("library", "pv", 200),
    ("library", "admin", 200),
    ("item_new", "msl_a", 200),
    ("item_new", "lead", 200),
    ("item_new", "pm", 200),
    ("item_new", "reviewer", 403),
    ("item_new", "rep", 403),
    ("item_new", "pv", 403),
    ("item_detail", "msl_a", 200),
    ("item_detail", "reviewer", 200),
    ("item_detail", "pv", 200),
    ("item_detail", "admin", 200),
    ("item_detail", "pm", 404),
    ("item_detail", "rep", 404),
    ("item_edit", "lead", 200),
    ("item_edit", "msl_a", 403),
    ("item_edit", "reviewer", 403),
    ("item_edit", "rep", 404),
    ("item_file", "msl_a", 200),
    ("item_file", "reviewer", 200),
    ("item_file", "rep", 404),
    ("module_list", "msl_a", 200),
    ("module_list", "pm", 200),
    ("module_list", "rep", 403),
    ("module_new", "msl_a", 200),
    ("module_new", "reviewer", 403),
    ("module_new", "rep", 403),
    ("module_detail", "msl_a", 200),
    ("module_detail", "reviewer", 200),
    ("module_detail", "pm", 404),
    ("module_detail", "rep", 403),
    ("review_queue", "reviewer", 200),
    ("review_queue", "lead", 200),
    ("review_queue", "admin", 200),
    ("review_queue", "msl_a", 403),
    ("review_queue", "rep", 403),
    ("presentation_list", "msl_a", 200),
    ("presentation_list", "lead", 200),
    ("presentation_list", "reviewer", 403),
    ("presentation_list", "rep", 403),
    ("presentation_list", "pm", 403),
    ("presentation_new", "msl_a", 200),
    ("presentation_new", "rep", 403),
    ("presentation_new", "reviewer", 403),
    ("presentation_detail", "msl_a", 200),
    ("presentation_detail", "lead", 200),
    ("presentation_detail", "msl_b", 404),
    ("presentation_detail", "rep", 403),
    ("presentation_detail", "pm", 403),
    ("presentation_detail", "reviewer", 403),
    ("presentation_preview", "msl_a", 200),
    ("presentation_preview", "msl_b", 404),
    ("presentation_preview", "rep", 403),
    ("presentation_present", "msl_a", 200),
    ("presentation_present", "msl_b", 404),
    ("presentation_present", "pm", 403),
    ("share_link_list", "msl_a", 200),
    ("share_link_list", "lead", 200),
    ("share_link_list", "reviewer", 200),
    ("share_link_list", "rep", 403),
    ("share_link_detail", "msl_a", 200),
    ("share_link_detail", "lead", 200),
    ("share_link_detail", "msl_b", 404),
    ("share_link_detail", "rep", 403),
    ("share_link_detail", "reviewer", 200),
    ("share_link_detail", "pm", 403),
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
        if status == 403 and not re.search(r"(Firewall|Ownership) rule", body):
            wrong.append((persona, "403 without naming the rule"))
        if status != 200 and SECRET_NOTE in body:
            wrong.append((persona, "leaked the presentation's private note"))
    assert wrong == []


@pytest.mark.parametrize("screen", PAGES)
def test_pages_send_anonymous_visitors_to_sign_in(outsider, urls, screen):
    response = outsider.get(urls[screen])
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_navigation_offers_content_by_role(msl_a, reviewer, rep, session_client):
    msl_nav = text(session_client(msl_a).get(reverse("home")))
    assert reverse("content:presentation_list") in msl_nav
    assert reverse("content:review_queue") not in msl_nav
    reviewer_nav = text(session_client(reviewer).get(reverse("home")))
    assert reverse("content:review_queue") in reviewer_nav
    assert reverse("content:presentation_list") not in reviewer_nav
    rep_nav = text(session_client(rep).get(reverse("home")))
    assert reverse("content:library") in rep_nav
    assert reverse("content:module_list") not in rep_nav


# ---- the library ----------------------------------------------------------------------------


def test_library_finds_items_by_a_reference_of_their_modules(msl_a, deck, draft, session_client):
    response = session_client(msl_a).get(reverse("content:library"), {"q": "31535829"})
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert [i.pk for i in rows] == [deck.pk]
    assert "Survival deck" in text(response)
    assert "Proactive on-label" in text(response)


def test_library_filters_by_status_and_expiry(msl_a, deck, draft, make_item, session_client):
    soon = make_item(title="Soon gone", expires_on=timezone.localdate() + timedelta(days=10))
    client = session_client(msl_a)
    drafts = client.get(reverse("content:library"), {"status": "draft"}).context["page"]
    assert [i.pk for i in drafts.object_list] == [draft.pk]
    before = (timezone.localdate() + timedelta(days=30)).isoformat()
    expiring = client.get(reverse("content:library"), {"expires_before": before}).context["page"]
    assert [i.pk for i in expiring.object_list] == [soon.pk]


def test_library_results_swap_in_for_htmx_and_follow_the_address_bar(msl_a, deck, session_client):
    client = session_client(msl_a)
    url = reverse("content:library_results")
    partial = client.get(url, {"q": "survival"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert '<nav class="navbar' not in text(partial)
    assert "Survival deck" in text(partial)
    assert partial["HX-Push-Url"] == reverse("content:library") + "?q=survival"
    plain_get = client.get(url, {"q": "survival"})
    assert plain_get.status_code == 302


def test_commercial_roles_never_see_medical_items_in_the_library(rep, pm, deck, session_client):
    for user in (rep, pm):
        response = session_client(user).get(reverse("content:library"))
        assert "Survival deck" not in text(response)


def test_a_bad_filter_value_is_shown_not_a_server_error(msl_a, deck, session_client):
    response = session_client(msl_a).get(reverse("content:library"), {"status": "gone"})
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)


# ---- items ----------------------------------------------------------------------------------


def _item_post(**extra):
    data = {
        "kind": "deck",
        "title": "Renal subgroup deck",
        "summary": "Dose and exposure in renal impairment.",
        "therapeutic_area": "ONC",
        "products": ["Zentorix"],
        "audiences": ["medical_external"],
        "usage": "proactive_on_label",
        "expires_on": (timezone.localdate() + timedelta(days=200)).isoformat(),
    }
    data.update(extra)
    return data


def test_an_msl_creates_a_draft_item_with_its_file_and_modules(
    msl_a, ref, claim_module, session_client
):
    response = session_client(msl_a).post(
        reverse("content:item_new"),
        _item_post(
            file=pdf("renal.pdf"),
            modules=[claim_module.pk],
            indications=[ref.approved_indication.pk],
        ),
    )
    item = ContentItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("content:item_detail", args=[item.pk])
    version = item.current_version
    assert (item.status, item.owner, version.file_name) == ("draft", msl_a, "renal.pdf")
    assert [link.module_version.module_id for link in version.module_links.all()] == [
        claim_module.pk
    ]


def test_a_file_that_is_not_what_it_claims_is_refused_next_to_its_field(msl_a, session_client):
    fake = pdf("deck.pdf", data=b"MZ\x90\x00 not a pdf at all")
    response = session_client(msl_a).post(reverse("content:item_new"), _item_post(file=fake))
    assert response.status_code == 422
    assert "is not a file type we accept here" in text(response)
    assert 'id="id_file_error"' in text(response)
    assert ContentItem.objects.count() == 0


def test_a_product_manager_may_author_only_promotional_content(pm, session_client):
    response = session_client(pm).post(reverse("content:item_new"), _item_post(file=pdf()))
    assert response.status_code == 403
    assert "a product manager authors promotional content only" in text(response)
    assert ContentItem.objects.count() == 0


def test_item_page_shows_versions_classification_modules_and_review_history(
    msl_a, deck, session_client
):
    response = session_client(msl_a).get(reverse("content:item_detail", args=[deck.pk]))
    body = text(response)
    version = deck.approved_version
    assert f'title="{version.file_sha256}"' in body
    assert f"{version.file_sha256[:12]}…" in body
    assert "On-label" in plain(response)
    assert "https://pubmed.ncbi.nlm.nih.gov/31535829/" in body
    assert "https://doi.org/10.1056/NEJMoa1911303" in body
    assert "All three MLR sign-offs given." in body
    assert "Medical by Reviewer Tester" in plain(response)
    assert "Where it is used" in body


def test_item_page_hides_who_it_was_shared_with_from_commercial_roles(
    pm, make_item, msl_a, kol_a, session_client
):
    promo = make_item(title="Promo leaflet", audiences=("medical_external", "commercial"))
    services.share_create(actor=msl_a, kol_id=kol_a.pk, item_id=promo.pk)
    response = session_client(pm).get(reverse("content:item_detail", args=[promo.pk]))
    assert response.status_code == 200
    assert "Where it is used" not in text(response)
    assert "Amelia Okafor" not in text(response)


def test_file_download_streams_the_stored_bytes(msl_a, deck, session_client):
    response = session_client(msl_a).get(
        reverse("content:item_file", args=[deck.pk, 1]), {"download": "1"}
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_draft_file_is_not_opened_for_readers_who_only_use_content(
    msl_a, lead, draft, session_client
):
    url = reverse("content:item_file", args=[draft.pk, 1])
    assert session_client(msl_a).get(url).status_code == 404
    assert session_client(lead).get(url).status_code == 200


def test_editing_an_approved_item_makes_a_new_draft_and_keeps_the_approved_one_in_use(
    lead, deck, session_client
):
    client = session_client(lead)
    form = client.get(reverse("content:item_edit", args=[deck.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["expires_on"] = data["expires_on"].isoformat()
    data.update(title="Survival deck, 2025 update", change_summary="New data cut")
    response = client.post(reverse("content:item_edit", args=[deck.pk]), data)
    assert response.status_code == 302
    deck.refresh_from_db()
    assert deck.approved_version.number == 1
    assert deck.working_version.number == 2
    assert deck.working_version.status == VersionStatus.DRAFT
    page = plain(client.get(reverse("content:item_detail", args=[deck.pk])))
    assert "Version 1 (approved" in page
    assert "stays in use until version 2 (draft) is approved" in page


def test_a_stale_edit_is_refused_with_409(lead, deck, session_client):
    client = session_client(lead)
    form = client.get(reverse("content:item_edit", args=[deck.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["expires_on"] = data["expires_on"].isoformat()
    data["version"] = deck.version - 1
    response = client.post(reverse("content:item_edit", args=[deck.pk]), data)
    assert response.status_code == 409
    assert "changed by someone else" in text(response)


def test_uploading_a_new_file_to_an_approved_item_makes_a_draft_version(lead, deck, session_client):
    new_bytes = PDF_BYTES.replace(b"Count 0", b"Count 0 ")
    response = session_client(lead).post(
        reverse("content:item_upload", args=[deck.pk]),
        {
            "upload-file": pdf("v2.pdf", data=new_bytes),
            "upload-change_summary": "Corrected figure 2",
            "upload-version": deck.version,
        },
    )
    assert response.status_code == 302
    deck.refresh_from_db()
    assert deck.working_version.file_name == "v2.pdf"
    assert deck.approved_version.file_name == "deck.pdf"


# ---- MLR review on the page -----------------------------------------------------------------


def test_sending_for_review_lists_what_is_missing_first(lead, make_item, session_client):
    module = services.module_create(
        actor=lead,
        kind="claim",
        therapeutic_area="ONC",
        title="Unsupported claim",
        text="Zentorix doubles survival.",
    )
    item = make_item(title="Claim deck", modules=[module], approve=False)
    client = session_client(lead)
    page = client.get(reverse("content:item_detail", args=[item.pk]))
    assert "Each claim needs at least one reference" in text(page)
    response = client.post(reverse("content:item_submit", args=[item.pk]))
    assert response.status_code == 422
    assert "Not done: modules: Each claim needs" not in plain(response)
    assert "Not done: Each claim needs at least one reference" in plain(response)
    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT


def test_the_author_sends_a_draft_for_review_and_reviewers_find_it_in_the_queue(
    lead, reviewer, draft, session_client
):
    response = session_client(lead).post(reverse("content:item_submit", args=[draft.pk]))
    assert response.status_code == 302
    queue = session_client(reviewer).get(reverse("content:review_queue"))
    assert "Draft infographic deck" in text(queue)
    assert "Medical, Legal, Regulatory" in plain(queue)


@pytest.fixture
def in_review(lead, draft):
    services.item_submit(actor=lead, item=draft)
    draft.refresh_from_db()
    return draft


def _sign(client, item, discipline, password=PASSWORD, meaning="I approve this content."):
    return client.post(
        reverse("content:item_sign", args=[item.pk]),
        {"sign-discipline": discipline, "sign-meaning": meaning, "sign-password": password},
    )


def test_three_reviewers_sign_on_the_page_and_the_item_is_approved(
    mlr_team, in_review, session_client
):
    for reviewer, discipline in zip(mlr_team, ("medical", "legal", "regulatory"), strict=True):
        response = _sign(session_client(reviewer), in_review, discipline)
        assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == ItemStatus.APPROVED
    assert ReviewSignature.objects.filter(item_version=in_review.approved_version).count() == 3
    page = plain(
        session_client(mlr_team[0]).get(reverse("content:item_detail", args=[in_review.pk]))
    )
    assert "Regulatory by Raj Regulatory" in page


def test_a_wrong_password_signs_nothing_and_says_so(reviewer, in_review, session_client):
    response = _sign(session_client(reviewer), in_review, "medical", password="guess")
    assert response.status_code == 422
    assert "The password is not correct; nothing was signed." in text(response)
    assert 'id="id_sign-password_error"' in text(response)
    assert ReviewSignature.objects.count() == 0


def test_a_signature_needs_its_meaning(reviewer, in_review, session_client):
    response = _sign(session_client(reviewer), in_review, "medical", meaning="")
    assert response.status_code == 422
    assert ReviewSignature.objects.count() == 0


def test_the_page_shows_who_signed_what_and_what_is_missing(
    reviewer, reviewer2, in_review, session_client
):
    _sign(session_client(reviewer), in_review, "medical", meaning="Medically accurate.")
    page = session_client(reviewer2).get(reverse("content:item_detail", args=[in_review.pk]))
    signoffs = plain(page)
    assert "Signed Medical : Reviewer Tester" in signoffs
    assert "“Medically accurate.”" in signoffs
    assert "Missing Legal sign-off" in signoffs
    # The form offers only what is still missing.
    assert [c for c, _ in page.context["sign_form"].fields["discipline"].choices] == [
        "legal",
        "regulatory",
    ]
    own = session_client(reviewer).get(reverse("content:item_detail", args=[in_review.pk]))
    assert "sign_form" not in own.context
    assert "You have signed this version already" in text(own)


def test_self_approval_is_explained_and_refused(ref, lead, session_client, make_item):
    from tests.conftest import _user

    author = _user("turncoat", "msl", territory="NE", manager=lead)
    item = make_item(title="Own work", author=author, approve=False)
    services.item_submit(actor=author, item=item)
    User.objects.filter(pk=author.pk).update(role="reviewer")
    author.refresh_from_db()
    client = session_client(author)
    page = client.get(reverse("content:item_detail", args=[item.pk]))
    assert "Self-approval rule" in text(page)
    assert "sign_form" not in page.context
    response = _sign(client, item, "medical")
    assert response.status_code == 403
    assert "Self-approval rule" in text(response)
    assert ReviewSignature.objects.count() == 0


def test_a_reviewer_returns_a_version_with_comments(reviewer, in_review, session_client):
    response = session_client(reviewer).post(
        reverse("content:item_return", args=[in_review.pk]),
        {"return-comment": "Add the confidence interval to slide 4."},
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.working_version.status == VersionStatus.DRAFT
    page = text(session_client(reviewer).get(reverse("content:item_detail", args=[in_review.pk])))
    assert "Returned to draft with comments" in page
    assert "Add the confidence interval to slide 4." in page


def test_returning_without_a_comment_is_refused(reviewer, in_review, session_client):
    response = session_client(reviewer).post(
        reverse("content:item_return", args=[in_review.pk]), {"return-comment": ""}
    )
    assert response.status_code == 422


def test_a_reviewer_withdraws_with_a_reason_and_an_msl_may_not(
    reviewer, msl_a, deck, session_client
):
    refused = session_client(msl_a).post(
        reverse("content:item_withdraw", args=[deck.pk]), {"withdraw-reason": "Mine now"}
    )
    assert refused.status_code == 403
    assert "Firewall rule" in text(refused)
    response = session_client(reviewer).post(
        reverse("content:item_withdraw", args=[deck.pk]),
        {"withdraw-reason": "Superseded by the label update"},
    )
    assert response.status_code == 302
    deck.refresh_from_db()
    assert deck.status == ItemStatus.WITHDRAWN
    page = text(session_client(msl_a).get(reverse("content:item_detail", args=[deck.pk])))
    assert "Superseded by the label update" in page


def test_withdrawing_twice_says_so(reviewer, deck, session_client):
    services.item_withdraw(actor=reviewer, item=deck, reason="Label change")
    response = session_client(reviewer).post(
        reverse("content:item_withdraw", args=[deck.pk]), {"withdraw-reason": "Again"}
    )
    # A withdrawn item offers no withdrawal; a second post hears why.
    assert response.status_code == 409
    assert "already withdrawn" in text(response)


def test_posts_without_the_csrf_token_are_refused(reviewer, in_review, session_client):
    client = session_client(reviewer, enforce_csrf_checks=True)
    response = _sign(client, in_review, "medical")
    assert response.status_code == 403
    assert ReviewSignature.objects.count() == 0


# ---- modules --------------------------------------------------------------------------------


def test_a_claim_is_written_with_references_one_per_line(msl_a, session_client):
    response = session_client(msl_a).post(
        reverse("content:module_new"),
        {
            "kind": "claim",
            "therapeutic_area": "ONC",
            "title": "Renal exposure",
            "text": "Exposure rose 20% in moderate renal impairment.",
            "references": "PMID: 31535829\nhttps://doi.org/10.1056/NEJMoa1911303\n",
        },
    )
    module = ContentModule.objects.get()
    assert response.status_code == 302
    assert module.latest_version.references == [
        {"type": "pmid", "value": "31535829"},
        {"type": "doi", "value": "10.1056/NEJMoa1911303"},
    ]


def test_a_malformed_reference_is_refused_next_to_its_field(msl_a, session_client):
    response = session_client(msl_a).post(
        reverse("content:module_new"),
        {
            "kind": "claim",
            "therapeutic_area": "ONC",
            "title": "T",
            "text": "X",
            "references": "see the label",
        },
    )
    assert response.status_code == 422
    assert "is neither a PubMed id" in text(response)
    assert 'id="id_references_error"' in text(response)
    assert ContentModule.objects.count() == 0


def test_a_figure_module_shows_its_image_to_those_who_may_see_it(msl_a, rep, session_client):
    response = session_client(msl_a).post(
        reverse("content:module_new"),
        {
            "kind": "figure",
            "therapeutic_area": "ONC",
            "title": "Kaplan-Meier curve",
            "text": "OS by arm.",
            "figure": png(),
        },
    )
    module = ContentModule.objects.get()
    assert response.status_code == 302
    url = reverse("content:module_figure", args=[module.pk, 1])
    assert url in text(
        session_client(msl_a).get(reverse("content:module_detail", args=[module.pk]))
    )
    assert session_client(msl_a).get(url)["Content-Type"] == "image/png"
    assert session_client(rep).get(url).status_code == 403


def test_revising_an_approved_module_makes_a_new_version(lead, deck, claim_module, session_client):
    response = session_client(lead).post(
        reverse("content:module_revise", args=[claim_module.pk]),
        {
            "title": "Overall survival benefit",
            "text": "Median OS improved by 4.2 months.",
            "references": "PMID: 31535829",
        },
    )
    assert response.status_code == 302
    claim_module.refresh_from_db()
    assert claim_module.latest_version.number == 2
    assert claim_module.approved_version.number == 1
    page = text(session_client(lead).get(reverse("content:module_detail", args=[claim_module.pk])))
    assert "Survival deck" in page


# ---- presentations --------------------------------------------------------------------------


def test_a_new_presentation_starts_from_the_kol(msl_a, kol_a, inquiry_a, session_client):
    client = session_client(msl_a)
    chooser = client.get(reverse("content:presentation_new"), {"q": "okafor"})
    assert f"?kol={kol_a.pk}" in text(chooser)
    form_page = client.get(reverse("content:presentation_new"), {"kol": kol_a.pk})
    assert f"#{inquiry_a.pk}" in text(form_page)
    response = client.post(
        f"{reverse('content:presentation_new')}?kol={kol_a.pk}",
        {"title": "Adjuvant question", "inquiry": inquiry_a.pk, "private_note": SECRET_NOTE},
    )
    p = Presentation.objects.get()
    assert response.status_code == 302
    assert (p.kol, p.inquiry, p.private_note) == (kol_a, inquiry_a, SECRET_NOTE)


def test_a_kol_out_of_reach_cannot_get_a_presentation(msl_a, kol_b, session_client):
    response = session_client(msl_a).get(reverse("content:presentation_new"), {"kol": kol_b.pk})
    assert response.status_code == 404


def test_adding_content_through_the_builder(msl_a, deck_p, deck, claim_module, session_client):
    client = session_client(msl_a)
    url = reverse("content:presentation_add", args=[deck_p.pk])
    response = client.post(url, {"item": deck.pk, "module": claim_module.pk})
    assert response.status_code == 302
    slots = list(PresentationSlot.objects.filter(presentation=deck_p).order_by("position"))
    assert [s.module_version and s.module_version.module_id for s in slots] == [
        None,
        claim_module.pk,
    ]
    page = client.get(reverse("content:presentation_detail", args=[deck_p.pk]))
    assert "Overall survival benefit" in text(page)
    assert "Ready to present and share" in text(page)


def test_the_picker_says_beforehand_which_rule_refuses_an_item(
    msl_a, deck_p, reactive_reprint, session_client
):
    page = session_client(msl_a).get(reverse("content:presentation_detail", args=[deck_p.pk]))
    assert "Reactive-only rule" in text(page)
    rows = {r.item.pk: r.refusal for r in page.context["picker"]}
    assert rows[reactive_reprint.pk].startswith("Reactive-only rule")


def test_a_gate_refusal_shows_on_the_builder_not_as_a_server_error(
    msl_a, deck_p, reactive_reprint, session_client
):
    response = session_client(msl_a).post(
        reverse("content:presentation_add", args=[deck_p.pk]), {"item": reactive_reprint.pk}
    )
    assert response.status_code == 403
    assert "Reactive-only rule" in response.context["picker_error"]
    assert PresentationSlot.objects.filter(presentation=deck_p).count() == 1


def test_reactive_material_is_added_in_answer_to_the_kols_inquiry(
    msl_a, kol_a, inquiry_a, reactive_reprint, session_client
):
    p = services.presentation_create(
        actor=msl_a, kol_id=kol_a.pk, title="Answer", inquiry_id=inquiry_a.pk
    )
    response = session_client(msl_a).post(
        reverse("content:presentation_add", args=[p.pk]), {"item": reactive_reprint.pk}
    )
    assert response.status_code == 302
    assert p.slots.count() == 1


def test_the_picker_searches_with_htmx(msl_a, deck_p, deck, make_item, session_client):
    make_item(title="Safety overview")
    response = session_client(msl_a).get(
        reverse("content:presentation_picker", args=[deck_p.pk]),
        {"q": "overview"},
        headers={"HX-Request": "true"},
    )
    assert "Safety overview" in text(response)
    assert "Survival deck" not in text(response)


def test_slots_move_up_and_down_and_are_removed(msl_a, deck_p, deck, claim_module, session_client):
    client = session_client(msl_a)
    services.presentation_add(
        actor=msl_a, presentation=deck_p, item_id=deck.pk, module_id=claim_module.pk
    )
    second = PresentationSlot.objects.get(presentation=deck_p, position=2)
    client.post(
        reverse("content:presentation_move", args=[deck_p.pk, second.pk]), {"direction": "up"}
    )
    second.refresh_from_db()
    assert second.position == 1
    client.post(reverse("content:presentation_remove", args=[deck_p.pk, second.pk]))
    assert list(deck_p.slots.values_list("position", flat=True)) == [1]


def test_another_msl_cannot_change_a_presentation(msl_b, deck_p, deck, session_client):
    response = session_client(msl_b).post(
        reverse("content:presentation_add", args=[deck_p.pk]), {"item": deck.pk}
    )
    assert response.status_code == 404


def test_a_withdrawn_item_is_flagged_on_the_builder_with_its_removal(
    msl_a, reviewer, deck, deck_p, session_client
):
    services.item_withdraw(actor=reviewer, item=deck, reason="Label change")
    page = session_client(msl_a).get(reverse("content:presentation_detail", args=[deck_p.pk]))
    body = plain(page)
    assert "Not ready to present or share" in body
    assert "“Survival deck” was withdrawn: Label change. Remove it from the presentation." in body
    assert "Material withdrawn" in body
    slot = deck_p.slots.get()
    assert reverse("content:presentation_remove", args=[deck_p.pk, slot.pk]) in text(page)


def test_an_update_needing_review_is_accepted_on_the_builder(
    lead, msl_a, mlr_team, deck, deck_p, ref, session_client
):
    services.item_revise(
        actor=lead,
        item=deck,
        classification=services.Classification(
            therapeutic_area="ONC",
            products=["Zentorix"],
            indications=[ref.approved_indication.pk],
            audiences=["medical_external", "internal_training"],
            expires_on=timezone.localdate() + timedelta(days=300),
        ),
    )
    services.item_submit(actor=lead, item=deck)
    for reviewer, discipline in zip(mlr_team, ("medical", "legal", "regulatory"), strict=True):
        services.item_sign(
            actor=reviewer, item=deck, discipline=discipline, password=PASSWORD, meaning="ok"
        )
    client = session_client(msl_a)
    page = client.get(reverse("content:presentation_detail", args=[deck_p.pk]))
    [notice] = page.context["notices"]
    assert "Accept the update" in text(page)
    response = client.post(reverse("content:presentation_accept", args=[deck_p.pk, notice.pk]))
    assert response.status_code == 302
    assert deck_p.slots.get().item_version.number == 2


def test_the_preview_shows_every_part_in_order(msl_a, deck_p, deck, session_client):
    response = session_client(msl_a).get(reverse("content:presentation_preview", args=[deck_p.pk]))
    assert reverse("content:item_file", args=[deck.pk, 1]) in text(response)
    assert "1. Survival deck" in plain(response)


# ---- presenting in a meeting ----------------------------------------------------------------


def test_presenting_starts_by_choosing_the_meeting(msl_a, deck_p, meeting_a, session_client):
    client = session_client(msl_a)
    url = reverse("content:presentation_present", args=[deck_p.pk])
    chooser = client.get(url)
    assert [i.pk for i in chooser.context["meetings"]] == [meeting_a.pk]
    presenting = client.get(url, {"interaction": meeting_a.pk})
    body = text(presenting)
    assert 'class="presenter-slide"' in body
    assert "present.js" in body
    assert f'data-interaction="{meeting_a.pk}"' in body


def test_presenting_is_refused_with_the_reasons_when_a_gate_closes(
    msl_a, reviewer, deck, deck_p, meeting_a, session_client
):
    services.item_withdraw(actor=reviewer, item=deck, reason="Label change")
    response = session_client(msl_a).get(
        reverse("content:presentation_present", args=[deck_p.pk]), {"interaction": meeting_a.pk}
    )
    assert "presenter-slide" not in text(response)
    assert "It cannot be presented now" in text(response)
    assert "Review rule: “Survival deck” has a change waiting for your review." in text(response)


def test_without_a_meeting_the_msl_is_sent_to_plan_one(msl_a, kol_a, deck_p, session_client):
    response = session_client(msl_a).get(reverse("content:presentation_present", args=[deck_p.pk]))
    assert f"{reverse('engagements:interaction_create')}?kol={kol_a.pk}" in text(response)


def _record(client, p, body):
    return client.post(
        reverse("content:presentation_record", args=[p.pk]),
        json.dumps(body),
        content_type="application/json",
    )


def test_the_timings_are_recorded_on_the_meeting_and_shown_there(
    msl_a, deck_p, meeting_a, session_client
):
    client = session_client(msl_a)
    response = _record(
        client, deck_p, {"interaction": meeting_a.pk, "timings": [{"position": 1, "seconds": 95}]}
    )
    assert response.status_code == 200
    assert response.json()["redirect"].startswith(
        reverse("engagements:interaction_detail", args=[meeting_a.pk])
    )
    row = PresentedContent.objects.get()
    assert (row.interaction_id, row.seconds, row.position) == (meeting_a.pk, 95, 1)
    page = client.get(reverse("engagements:interaction_detail", args=[meeting_a.pk]))
    section = plain(page)
    assert "Content presented" in section
    assert "Survival deck v1 1 min 35 s" in section


def test_impossible_timings_are_refused_as_json(msl_a, deck_p, meeting_a, session_client):
    client = session_client(msl_a)
    bad = _record(
        client, deck_p, {"interaction": meeting_a.pk, "timings": [{"position": 7, "seconds": 5}]}
    )
    assert bad.status_code == 422
    assert "Position 7 is not in the presentation." in bad.json()["detail"]
    unreadable = _record(client, deck_p, {"interaction": "soon"})
    assert unreadable.status_code == 422
    assert PresentedContent.objects.count() == 0


def test_timings_for_someone_elses_presentation_answer_404(
    msl_b, deck_p, meeting_a, session_client
):
    response = _record(session_client(msl_b), deck_p, {"interaction": meeting_a.pk, "timings": []})
    assert response.status_code == 404


def test_the_meeting_page_offers_the_msls_presentations_for_its_kol(
    msl_a, deck_p, meeting_a, session_client
):
    page = text(
        session_client(msl_a).get(reverse("engagements:interaction_detail", args=[meeting_a.pk]))
    )
    present_url = reverse("content:presentation_present", args=[deck_p.pk])
    assert f"{present_url}?interaction={meeting_a.pk}" in page


# ---- sharing --------------------------------------------------------------------------------


def _share(client, p, **extra):
    data = {"share-expires_in_days": 30}
    data.update({f"share-{k}": v for k, v in extra.items()})
    return client.post(reverse("content:presentation_share", args=[p.pk]), data)


def test_sharing_shows_the_link_once_and_keeps_only_its_hash(msl_a, deck_p, session_client):
    client = session_client(msl_a)
    response = _share(client, deck_p, expires_in_days=14)
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    url = response.context["new"].url
    assert "shown only once" in text(response)
    assert f'value="{url}"' in text(response)
    token = url.rsplit("/s/", 1)[1]
    link = ShareLink.objects.get()
    assert link.token_hash == hash_token(token)
    assert (link.expires_at - link.created_at).days == 14
    detail = client.get(reverse("content:share_link_detail", args=[link.pk]))
    assert token not in text(detail)


def test_a_share_refused_by_a_gate_says_which_rule(msl_a, reviewer, deck, deck_p, session_client):
    services.item_withdraw(actor=reviewer, item=deck, reason="Label change")
    response = _share(session_client(msl_a), deck_p)
    assert response.status_code == 403
    assert "Review rule: “Survival deck” has a change waiting for your review." in text(response)
    assert ShareLink.objects.count() == 0


def test_e_mail_is_offered_only_with_the_kols_consent(
    msl_a, kol_a, deck_p, approved_template, session_client
):
    page = session_client(msl_a).get(reverse("content:presentation_detail", args=[deck_p.pk]))
    assert "email_template" not in page.context["share_form"].fields
    assert "no e-mail address" in text(page)


def test_a_link_is_e_mailed_from_an_approved_template(
    msl_a,
    emailable_kol_a,
    deck_p,
    approved_template,
    session_client,
    django_capture_on_commit_callbacks,
):
    client = session_client(msl_a)
    page = client.get(reverse("content:presentation_detail", args=[deck_p.pk]))
    assert "email_template" in page.context["share_form"].fields
    with django_capture_on_commit_callbacks(execute=True):
        response = _share(client, deck_p, email_template=approved_template.pk)
    assert response.status_code == 201
    [message] = mail.outbox
    assert message.to == ["a.okafor@ne-hospital.example"]
    assert response.context["new"].url in message.body
    assert "also e-mailed to a.okafor@ne-hospital.example" in text(response)


def test_a_share_link_page_shows_what_the_kol_did(msl_a, link, session_client):
    opened = services.share_record_open(link=link, at=timezone.now() - timedelta(minutes=5))
    services.share_record_beacon(
        link=link,
        open_id=opened.pk,
        beacons=[Beacon(1, 42), Beacon(1, download=True)],
        positions=1,
    )
    page = session_client(msl_a).get(reverse("content:share_link_detail", args=[link.pk]))
    assert "Opened 1 time" in plain(page)
    assert "42 s" in plain(page)
    activity = page.context["activity"]
    assert (activity.seconds, activity.modules[0].downloads) == (42, 1)


def test_revoking_a_link_needs_a_reason_and_turns_it_off(msl_a, link, session_client):
    client = session_client(msl_a)
    url = reverse("content:share_link_revoke", args=[link.pk])
    assert client.post(url, {"revoke-reason": ""}).status_code == 422
    response = client.post(url, {"revoke-reason": "Sent to the wrong address"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoke_reason == "Sent to the wrong address"
    listing = client.get(reverse("content:share_link_list"))
    assert [r.state for r in listing.context["rows"]] == ["revoked"]


def test_share_links_are_listed_per_kol_with_their_state(
    msl_a, lead, kol_a, link, reviewer, deck, session_client
):
    services.item_withdraw(actor=reviewer, item=deck, reason="Label change")
    response = session_client(lead).get(reverse("content:share_link_list"), {"kol": kol_a.pk})
    assert [(r.link.pk, r.state) for r in response.context["rows"]] == [(link.pk, "withdrawn")]
    assert "Material withdrawn" in text(response)


def test_the_presentation_list_counts_changes_to_look_at(
    msl_a, reviewer, deck, deck_p, session_client
):
    services.item_withdraw(actor=reviewer, item=deck, reason="Label change")
    response = session_client(msl_a).get(reverse("content:presentation_list"))
    assert "1 notice" in plain(response)


def test_the_kol_page_leads_to_presentations_and_share_links_for_medical_only(
    msl_a, rep, kol_a, session_client
):
    page = text(session_client(msl_a).get(reverse("kols:detail", args=[kol_a.pk])))
    assert f"{reverse('content:presentation_new')}?kol={kol_a.pk}" in page
    assert f"{reverse('content:share_link_list')}?kol={kol_a.pk}" in page
    rep_page = text(session_client(rep).get(reverse("kols:detail", args=[kol_a.pk])))
    assert reverse("content:presentation_new") not in rep_page
    assert reverse("content:share_link_list") not in rep_page


# ---- list pages read a fixed number of queries ----------------------------------------------


def _queries(client, url: str) -> int:
    client.get(url)  # warm-up: session, user and per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_list_pages_read_a_fixed_number_of_queries_however_many_rows(
    lead, msl_a, reviewer, kol_a, make_item, claim_module, session_client
):
    def grow() -> None:
        item = make_item(title="Grown deck", modules=[claim_module])
        p = services.presentation_create(actor=msl_a, kol_id=kol_a.pk, title="Grown")
        services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
        services.share_create(actor=msl_a, kol_id=kol_a.pk, presentation_id=p.pk)
        services.item_submit(actor=lead, item=make_item(title="In review", approve=False))

    pages = {
        msl_a: [
            reverse("content:library"),
            reverse("content:presentation_list"),
            reverse("content:share_link_list"),
            reverse("content:module_list"),
        ],
        reviewer: [reverse("content:review_queue")],
    }
    grow()
    baseline = {
        (user.pk, url): _queries(session_client(user), url)
        for user, urls in pages.items()
        for url in urls
    }
    for _ in range(3):
        grow()
    grown = {
        (user.pk, url): _queries(session_client(user), url)
        for user, urls in pages.items()
        for url in urls
    }
    assert grown == baseline


def test_an_mlr_reviewer_finds_every_link_and_revokes_one(reviewer, link, session_client):
    client = session_client(reviewer)
    listing = client.get(reverse("content:share_link_list"))
    assert [r.link.pk for r in listing.context["rows"]] == [link.pk]
    assert "Mine" not in text(listing)
    response = client.post(
        reverse("content:share_link_revoke", args=[link.pk]),
        {"revoke-reason": "Off-label wording found in the e-mail"},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_by == reviewer
