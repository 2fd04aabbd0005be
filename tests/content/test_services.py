"""Content services: the library, modules, classification, MLR review with e-signatures,
withdrawal and expiry. Every write audited; nothing half-stored when a rule refuses."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from kolbridge.content import services
from kolbridge.content.models import (
    ContentItem,
    ContentModule,
    ItemVersion,
    ModuleVersion,
    ReviewEvent,
    ReviewSignature,
)
from kolbridge.content.policies import usable_refusal
from kolbridge.content.selectors import library_search, module_items, module_search
from kolbridge.content.services import Classification
from kolbridge.core.errors import Conflict, Forbidden, Invalid
from kolbridge.core.services import user_change_role
from tests.content.conftest import PDF_BYTES, PNG_BYTES, pdf, png, sign_all
from tests.content.test_files import JPEG_BYTES, MP4_BYTES, WEBM_BYTES, upload
from tests.utils import PASSWORD

pytestmark = pytest.mark.django_db


def in_a_year():
    return timezone.localdate() + timedelta(days=365)


def classification(**extra):
    extra.setdefault("therapeutic_area", "ONC")
    extra.setdefault("products", ["Zentorix"])
    extra.setdefault("expires_on", in_a_year())
    return Classification(**extra)


def create(actor, kind="deck", *, title="Zentorix deck", file=None, body="", **extra):
    return services.item_create(
        actor=actor,
        kind=kind,
        title=title,
        classification=classification(**extra),
        body=body,
        upload=file,
    )


def sign(reviewer, item, discipline, password=PASSWORD, meaning="I approve this content."):
    return services.item_sign(
        actor=reviewer, item=item, discipline=discipline, password=password, meaning=meaning
    )


def unreferenced_claim(actor, title="Unreferenced claim"):
    return services.module_create(
        actor=actor,
        kind="claim",
        therapeutic_area="ONC",
        title=title,
        text="Zentorix is the best-tolerated option in its class.",
    )


# ---- library: each kind ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,name,data,mime",
    [
        ("deck", "deck.pdf", PDF_BYTES, "application/pdf"),
        ("reprint", "reprint.pdf", PDF_BYTES, "application/pdf"),
        ("video", "clip.mp4", MP4_BYTES, "video/mp4"),
        ("video", "clip.webm", WEBM_BYTES, "video/webm"),
        ("infographic", "poster.png", PNG_BYTES, "image/png"),
        ("infographic", "poster.jpg", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_each_file_kind_is_created_as_a_draft_version_with_checksum_size_and_uploader(
    msl_a, audit_mark, kind, name, data, mime
):
    since = audit_mark()
    item = create(msl_a, kind, file=upload(name, data))
    assert item.kind == kind
    assert item.status == "draft"
    assert item.owner == msl_a
    [version] = item.versions.all()
    assert item.current_version == item.working_version == version
    assert item.approved_version is None
    assert version.number == 1
    assert version.status == "draft"
    assert version.file_mime == mime
    assert version.file_size == len(data)
    assert version.file_sha256 == hashlib.sha256(data).hexdigest()
    assert version.file_name == name
    assert version.created_by == msl_a
    assert version.created_at is not None
    [entry] = since()
    assert entry.action == "content.create"
    assert entry.actor == msl_a
    assert entry.object_type == "content_item"
    assert entry.after["file_sha256"] == version.file_sha256
    assert list(version.review_events.values_list("kind", flat=True)) == ["created"]


def test_a_standard_response_is_rich_text_with_scripts_removed(msl_a):
    item = create(
        msl_a,
        "faq",
        title="Renal dosing FAQ",
        body='<p onclick="steal()">No dose change is needed.</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">label</a>',
    )
    body = item.current_version.body
    assert "<script" not in body and "alert" not in body and "onclick" not in body
    assert "<p>No dose change is needed.</p>" in body
    assert not item.current_version.file


def test_a_standard_response_takes_no_file(msl_a):
    with pytest.raises(Invalid) as refused:
        create(msl_a, "faq", body="<p>Answer</p>", file=pdf())
    assert "file" in refused.value.errors
    assert ContentItem.objects.count() == 0


def test_an_unknown_kind_is_refused(msl_a):
    with pytest.raises(Invalid) as refused:
        create(msl_a, "podcast", file=pdf())
    assert "kind" in refused.value.errors


def test_a_deck_without_its_file_or_an_faq_without_text_cannot_go_to_review(msl_a):
    deck = create(msl_a, "deck")
    with pytest.raises(Invalid) as refused:
        services.item_submit(actor=msl_a, item=deck)
    assert refused.value.errors["file"] == ["A slide deck (pdf) needs its file."]
    faq = create(msl_a, "faq", title="Empty FAQ", body="<script>only()</script>")
    with pytest.raises(Invalid) as refused:
        services.item_submit(actor=msl_a, item=faq)
    assert "body" in refused.value.errors


@pytest.mark.parametrize("persona", ["rep", "reviewer", "pv", "admin"])
def test_roles_that_do_not_author_content_cannot_create_an_item(request, persona):
    with pytest.raises(Forbidden, match="Firewall rule"):
        create(request.getfixturevalue(persona), file=pdf())


def test_a_new_file_on_a_draft_replaces_it_in_place(msl_a):
    item = create(msl_a, file=pdf())
    version = services.item_revise(
        actor=msl_a, item=item, upload=upload("v2.pdf", PDF_BYTES + b"\n")
    )
    assert version.number == 1
    assert version.file_name == "v2.pdf"
    assert version.file_sha256 == hashlib.sha256(PDF_BYTES + b"\n").hexdigest()
    assert ItemVersion.objects.count() == 1


def test_a_stale_edit_is_refused_as_a_conflict(msl_a):
    item = create(msl_a, file=pdf())
    services.item_revise(actor=msl_a, item=item, title="First edit", expected_version=1)
    with pytest.raises(Conflict, match="changed by someone else"):
        services.item_revise(actor=msl_a, item=item, title="Second edit", expected_version=1)


def test_only_the_author_or_a_medical_lead_changes_an_item(msl_a, msl_b, lead):
    item = create(msl_a, file=pdf())
    with pytest.raises(Forbidden, match="Ownership rule"):
        services.item_revise(actor=msl_b, item=item, title="Hijacked")
    with pytest.raises(Forbidden, match="Ownership rule"):
        services.item_submit(actor=msl_b, item=item)
    services.item_revise(actor=lead, item=item, title="Edited by the lead")


# ---- modules --------------------------------------------------------------------------------


def test_a_claim_needs_a_reference_before_its_item_can_go_to_review(lead, make_item, audit_mark):
    module = unreferenced_claim(lead)
    item = make_item(modules=[module], approve=False)
    since = audit_mark()
    with pytest.raises(Invalid) as refused:
        services.item_submit(actor=lead, item=item)
    assert refused.value.errors == {
        "modules": ["Each claim needs at least one reference (PMID or DOI): “Unreferenced claim”."]
    }
    item.refresh_from_db()
    assert item.status == "draft"
    assert item.working_version.status == "draft"
    assert since() == []
    services.module_revise(actor=lead, module=module, references=["PMID: 31535829"])
    services.item_submit(actor=lead, item=item)
    item.refresh_from_db()
    assert item.status == "in_review"


def test_a_figure_key_message_or_text_block_needs_no_reference(lead, make_item):
    modules = [
        services.module_create(
            actor=lead, kind=kind, therapeutic_area="ONC", title=kind, text=f"A {kind}."
        )
        for kind in ("key_message", "text_block")
    ]
    item = make_item(modules=modules)
    assert item.status == "approved"


def test_an_unknown_module_kind_or_area_is_refused(lead):
    with pytest.raises(Invalid) as refused:
        services.module_create(
            actor=lead, kind="anecdote", therapeutic_area="ONC", title="x", text="y"
        )
    assert "kind" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        services.module_create(
            actor=lead, kind="claim", therapeutic_area="XYZ", title="x", text="y"
        )
    assert "therapeutic_area" in refused.value.errors
    assert ContentModule.objects.count() == 0


def test_a_module_appears_in_several_items(lead, make_item, claim_module):
    first = make_item(title="Deck one", modules=[claim_module])
    second = make_item(title="Deck two", modules=[claim_module])
    assert set(module_items(user=lead, module=claim_module)) == {first, second}
    version = claim_module.latest_version
    assert set(version.item_versions.all()) == {
        first.approved_version,
        second.approved_version,
    }


def test_a_module_is_approved_with_the_first_item_that_carries_it(lead, make_item, claim_module):
    assert claim_module.latest_version.status == "draft"
    make_item(modules=[claim_module])
    claim_module.refresh_from_db()
    assert claim_module.approved_version == claim_module.latest_version
    assert claim_module.approved_version.status == "approved"
    assert claim_module.approved_version.approved_at is not None


def test_a_draft_module_is_edited_in_place(lead, claim_module, audit_mark):
    since = audit_mark()
    mv = services.module_revise(actor=lead, module=claim_module, text="Improved wording.")
    assert mv.pk == claim_module.latest_version.pk
    assert mv.number == 1
    assert ModuleVersion.objects.count() == 1
    [entry] = since()
    assert entry.action == "module.revise"
    assert entry.after["text"] == "Improved wording."


def test_revising_an_approved_module_makes_a_new_version_and_keeps_the_approved_one(
    lead, make_item, claim_module
):
    make_item(modules=[claim_module])
    claim_module.refresh_from_db()
    approved = claim_module.approved_version
    mv = services.module_revise(
        actor=lead, module=claim_module, text="Median overall survival improved by 4.3 months."
    )
    claim_module.refresh_from_db()
    assert mv.number == 2
    assert mv.status == "draft"
    assert mv.references == approved.references
    assert claim_module.latest_version == mv
    assert claim_module.approved_version == approved
    approved.refresh_from_db()
    assert approved.status == "approved"
    assert approved.text.startswith("Zentorix improved median overall survival by 4.1")


def test_a_module_draft_in_review_cannot_be_changed(lead, make_item, claim_module):
    make_item(modules=[claim_module], approve=False)
    item = ContentItem.objects.get()
    services.item_submit(actor=lead, item=item)
    with pytest.raises(Conflict, match="in MLR review"):
        services.module_revise(actor=lead, module=claim_module, text="Sneaky change")


def test_only_the_modules_author_or_a_medical_lead_changes_it(msl_a, msl_b, lead):
    module = unreferenced_claim(msl_a)
    with pytest.raises(Forbidden, match="Ownership rule"):
        services.module_revise(actor=msl_b, module=module, text="Not mine")
    services.module_revise(actor=lead, module=module, references=["PMID: 31535829"])


def test_library_search_finds_items_by_module_text_and_by_pmid_or_doi(
    lead, make_item, claim_module
):
    item = make_item(title="Second-line deck", modules=[claim_module])
    unrelated = make_item(title="Unrelated deck")
    assert list(library_search(user=lead, q="docetaxel")) == [item]
    assert list(library_search(user=lead, q="31535829")) == [item]
    assert list(library_search(user=lead, q="10.1056/NEJMoa1911303")) == [item]
    assert list(library_search(user=lead, q="unrelated")) == [unrelated]
    assert list(library_search(user=lead, q="no such words anywhere")) == []


def test_module_search_finds_modules_by_text_and_reference(lead, claim_module):
    other = unreferenced_claim(lead, title="Tolerability")
    assert list(module_search(user=lead, q="DOCETAXEL")) == [claim_module]
    assert list(module_search(user=lead, q="nejmoa1911303")) == [claim_module]
    assert list(module_search(user=lead, q="tolerated")) == [other]


# ---- classification ---------------------------------------------------------------------------


def test_proactive_content_on_approved_indications_is_on_label_and_goes_to_review(lead, ref):
    item = create(lead, file=pdf(), indications=[ref.approved_indication.pk])
    services.item_submit(actor=lead, item=item)
    item.refresh_from_db()
    assert item.status == "in_review"


def test_proactive_content_with_an_unapproved_indication_cannot_go_to_review(lead, ref):
    item = create(
        lead, file=pdf(), indications=[ref.approved_indication.pk, ref.unapproved_indication.pk]
    )
    with pytest.raises(Invalid) as refused:
        services.item_submit(actor=lead, item=item)
    [message] = refused.value.errors["usage"]
    assert "Proactive use is on-label only" in message
    assert "Early-stage NSCLC, adjuvant (Zentorix)" in message
    item.refresh_from_db()
    assert item.status == "draft"


def test_reactive_only_content_may_speak_to_an_unapproved_indication(lead, ref):
    item = create(
        lead,
        file=pdf(),
        indications=[ref.unapproved_indication.pk],
        usage="reactive_only",
    )
    services.item_submit(actor=lead, item=item)
    item.refresh_from_db()
    assert item.status == "in_review"


def test_reactive_only_content_with_a_commercial_audience_is_refused(lead):
    with pytest.raises(Invalid) as refused:
        create(
            lead, file=pdf(), usage="reactive_only", audiences=["medical_external", "commercial"]
        )
    assert refused.value.errors == {
        "audiences": ["Reactive-only (off-label) content may not have a commercial audience."]
    }
    assert ContentItem.objects.count() == 0


def test_a_product_manager_authors_commercial_audience_items_only(pm):
    with pytest.raises(Forbidden, match="product manager authors promotional content only"):
        create(pm, file=pdf(), audiences=["medical_external"])
    with pytest.raises(Forbidden, match="product manager authors promotional content only"):
        create(pm, file=pdf(), audiences=["commercial", "medical_external"])
    item = create(pm, file=pdf(), audiences=["commercial"])
    assert item.current_version.audiences == ["commercial"]
    with pytest.raises(Forbidden, match="promotional content only"):
        services.item_revise(
            actor=pm, item=item, classification=classification(audiences=["internal_training"])
        )


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"therapeutic_area": "XYZ"}, "therapeutic_area"),
        ({"therapeutic_area": ""}, "therapeutic_area"),
        ({"products": []}, "products"),
        ({"products": ["Nonexistium"]}, "products"),
        ({"therapeutic_area": "CARD"}, "products"),
        ({"indications": [999_999]}, "indications"),
        ({"audiences": []}, "audiences"),
        ({"audiences": ["everyone"]}, "audiences"),
        ({"usage": "whenever"}, "usage"),
        ({"expires_on": None}, "expires_on"),
    ],
)
def test_bad_classification_is_refused_naming_the_field(lead, extra, field):
    c = Classification(
        therapeutic_area=extra.get("therapeutic_area", "ONC"),
        products=extra.get("products", ["Zentorix"]),
        indications=extra.get("indications", ()),
        audiences=extra.get("audiences", ["medical_external"]),
        usage=extra.get("usage", "proactive_on_label"),
        expires_on=extra.get("expires_on", in_a_year()),
    )
    with pytest.raises(Invalid) as refused:
        services.item_create(actor=lead, kind="deck", title="Deck", classification=c)
    assert field in refused.value.errors
    assert ContentItem.objects.count() == 0


def test_an_indication_of_another_product_is_refused(lead, ref):
    from kolbridge.core.models import Indication, Product

    other = Product.objects.create(name="Cardiolex", generic_name="x", therapeutic_area=ref.onc)
    stray = Indication.objects.create(product=other, name="Heart failure", approved=True)
    with pytest.raises(Invalid) as refused:
        create(lead, file=pdf(), indications=[stray.pk])
    assert refused.value.errors["indications"] == [
        "Not an indication of the chosen products: Heart failure."
    ]


def test_an_expiry_date_in_the_past_stops_submission(lead):
    item = create(lead, file=pdf(), expires_on=timezone.localdate())
    with pytest.raises(Invalid) as refused:
        services.item_submit(actor=lead, item=item)
    assert refused.value.errors["expires_on"] == ["The expiry date must be in the future."]


# ---- MLR review -----------------------------------------------------------------------------


def test_approval_needs_medical_legal_and_regulatory_signatures_from_three_reviewers(
    lead, make_item, mlr_team, audit_mark
):
    item = make_item(approve=False)
    services.item_submit(actor=lead, item=item)
    item.refresh_from_db()
    version = item.working_version
    assert (item.status, version.status, version.review_round) == ("in_review", "in_review", 1)
    since = audit_mark()
    medical, legal, regulatory = mlr_team
    sign(medical, item, "medical", meaning="Medically accurate and balanced.")
    sign(legal, item, "legal")
    item.refresh_from_db()
    assert item.status == "in_review"
    assert item.approved_version is None
    sign(regulatory, item, "regulatory")
    item.refresh_from_db()
    version.refresh_from_db()
    assert item.status == "approved"
    assert version.status == "approved"
    assert version.approved_at is not None
    assert item.approved_version == item.current_version == item.working_version == version
    signatures = list(ReviewSignature.objects.filter(item_version=version))
    assert [(s.discipline, s.signer) for s in signatures] == [
        ("medical", medical),
        ("legal", legal),
        ("regulatory", regulatory),
    ]
    assert signatures[0].meaning == "Medically accurate and balanced."
    assert all(s.review_round == 1 and s.signed_at for s in signatures)
    entries = since()
    assert [e.action for e in entries] == [
        "content.sign",
        "content.sign",
        "content.sign",
        "content.approve",
    ]
    first = entries[0]
    assert first.actor == medical
    assert first.object_id == str(item.pk)
    assert first.after["discipline"] == "medical"
    assert first.after["meaning"] == "Medically accurate and balanced."
    assert first.after["signed_at"]
    assert first.at is not None
    assert entries[-1].after == {"approved_version": 1}
    assert list(version.review_events.values_list("kind", flat=True)) == [
        "created",
        "submitted",
        "signed",
        "signed",
        "signed",
        "approved",
    ]


def test_a_wrong_password_stores_no_signature_and_no_audit_entry(
    lead, make_item, reviewer, audit_mark
):
    item = make_item(approve=False)
    services.item_submit(actor=lead, item=item)
    since = audit_mark()
    with pytest.raises(Invalid) as refused:
        sign(reviewer, item, "medical", password="not-my-password")
    assert refused.value.errors == {
        "password": ["The password is not correct; nothing was signed."]
    }
    with pytest.raises(Invalid, match="password"):
        sign(reviewer, item, "medical", password="")
    assert ReviewSignature.objects.count() == 0
    assert ReviewEvent.objects.filter(kind="signed").count() == 0
    assert since() == []


def test_a_signature_needs_its_stated_meaning_and_a_known_discipline(lead, make_item, reviewer):
    item = make_item(approve=False)
    services.item_submit(actor=lead, item=item)
    with pytest.raises(Invalid) as refused:
        sign(reviewer, item, "medical", meaning="  ")
    assert "meaning" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        sign(reviewer, item, "marketing")
    assert "discipline" in refused.value.errors
    assert ReviewSignature.objects.count() == 0


def test_the_author_of_the_item_cannot_sign_it(msl_a, reviewer, make_item):
    item = make_item(author=msl_a, approve=False)
    services.item_submit(actor=msl_a, item=item)
    author = user_change_role(actor=None, user=msl_a, role="reviewer")
    with pytest.raises(Forbidden) as refused:
        sign(author, item, "medical")
    assert "Self-approval rule" in refused.value.message
    assert ReviewSignature.objects.count() == 0


def test_the_author_of_a_draft_module_in_the_item_cannot_sign_it(lead, msl_a, make_item):
    module = services.module_create(
        actor=msl_a,
        kind="claim",
        therapeutic_area="ONC",
        title="Durable response",
        text="Responses lasted a median of 11 months.",
        references=["PMID: 31535829"],
    )
    item = make_item(modules=[module], approve=False)
    services.item_submit(actor=lead, item=item)
    module_author = user_change_role(actor=None, user=msl_a, role="reviewer")
    with pytest.raises(Forbidden, match="Self-approval rule"):
        sign(module_author, item, "medical")


def test_the_author_of_an_already_approved_module_may_sign_a_later_item(
    lead, msl_a, make_item, reviewer2, reviewer3
):
    module = services.module_create(
        actor=msl_a,
        kind="key_message",
        therapeutic_area="ONC",
        title="Key message",
        text="Zentorix: survival you can measure.",
    )
    make_item(title="First carrier", modules=[module])
    later = make_item(title="Second carrier", modules=[module], approve=False)
    services.item_submit(actor=lead, item=later)
    former_author = user_change_role(actor=None, user=msl_a, role="reviewer")
    sign(former_author, later, "medical")
    sign(reviewer2, later, "legal")
    sign(reviewer3, later, "regulatory")
    later.refresh_from_db()
    assert later.status == "approved"


@pytest.mark.parametrize("persona", ["lead", "msl_a", "pm", "pv", "admin"])
def test_only_reviewers_sign(request, persona, lead, make_item):
    item = make_item(approve=False)
    services.item_submit(actor=lead, item=item)
    with pytest.raises(Forbidden, match="Firewall rule"):
        sign(request.getfixturevalue(persona), item, "medical")


def test_the_same_reviewer_cannot_sign_two_disciplines(lead, make_item, reviewer):
    item = make_item(approve=False)
    services.item_submit(actor=lead, item=item)
    sign(reviewer, item, "medical")
    with pytest.raises(Conflict, match="Separation rule"):
        sign(reviewer, item, "legal")
    assert ReviewSignature.objects.count() == 1


def test_a_discipline_is_signed_once_per_round(lead, make_item, reviewer, reviewer2):
    item = make_item(approve=False)
    services.item_submit(actor=lead, item=item)
    sign(reviewer, item, "medical")
    with pytest.raises(Conflict, match="already given by"):
        sign(reviewer2, item, "medical")


def test_a_draft_cannot_be_signed(lead, make_item, reviewer):
    item = make_item(approve=False)
    with pytest.raises(Conflict, match="only a version in review can be signed"):
        sign(reviewer, item, "medical")


def test_a_version_in_review_cannot_be_submitted_again_or_edited(lead, make_item):
    item = make_item(approve=False)
    services.item_submit(actor=lead, item=item)
    with pytest.raises(Conflict, match="not a draft"):
        services.item_submit(actor=lead, item=item)
    with pytest.raises(Conflict, match="in MLR review"):
        services.item_revise(actor=lead, item=item, title="Changed in review")


def test_returning_to_draft_needs_a_comment(lead, make_item, reviewer):
    item = make_item(approve=False)
    services.item_submit(actor=lead, item=item)
    with pytest.raises(Invalid) as refused:
        services.item_return(actor=reviewer, item=item, comment="  ")
    assert "comment" in refused.value.errors
    item.refresh_from_db()
    assert item.status == "in_review"


def test_returning_to_draft_resets_the_round_so_old_signatures_do_not_count(
    lead, make_item, mlr_team, audit_mark
):
    medical, legal, regulatory = mlr_team
    item = make_item(approve=False)
    services.item_submit(actor=lead, item=item)
    sign(medical, item, "medical")
    sign(legal, item, "legal")
    since = audit_mark()
    services.item_return(actor=regulatory, item=item, comment="Fair balance is missing on p. 3.")
    item.refresh_from_db()
    version = item.working_version
    assert item.status == "draft" and version.status == "draft"
    [entry] = since()
    assert entry.action == "content.return"
    assert entry.reason == "Fair balance is missing on p. 3."
    returned = version.review_events.get(kind="returned")
    assert returned.by == regulatory
    assert returned.comment == "Fair balance is missing on p. 3."

    services.item_revise(actor=lead, item=item, summary="Now with fair balance.")
    services.item_submit(actor=lead, item=item)
    version.refresh_from_db()
    assert version.review_round == 2
    # The medical and legal sign-offs of round 1 do not carry over.
    sign(regulatory, item, "regulatory")
    item.refresh_from_db()
    assert item.status == "in_review"
    sign(medical, item, "medical")
    item.refresh_from_db()
    assert item.status == "in_review"
    sign(legal, item, "legal")
    item.refresh_from_db()
    assert item.status == "approved"
    assert ReviewSignature.objects.filter(item_version=version).count() == 5
    assert ReviewSignature.objects.filter(item_version=version, review_round=2).count() == 3


def test_only_reviewers_return_content(lead, make_item):
    item = make_item(approve=False)
    services.item_submit(actor=lead, item=item)
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.item_return(actor=lead, item=item, comment="I changed my mind")


def test_editing_an_approved_item_makes_a_new_draft_while_the_approved_one_stays_in_use(
    lead, make_item, mlr_team, audit_mark
):
    item = make_item()
    v1 = item.approved_version
    since = audit_mark()
    v2 = services.item_revise(
        actor=lead, item=item, title="Zentorix deck (2025 update)", change_summary="New data cut."
    )
    item.refresh_from_db()
    v1.refresh_from_db()
    assert v2.number == 2 and v2.status == "draft"
    assert v2.change_summary == "New data cut."
    assert v2.file_sha256 == v1.file_sha256
    assert item.status == "approved"
    assert item.approved_version == v1 and item.current_version == v1
    assert item.working_version == v2
    assert v1.status == "approved"
    assert usable_refusal(v1) is None
    [entry] = since()
    assert entry.action == "content.revise"
    assert entry.before == {
        "number": 1,
        "status": "approved",
        "title": "Zentorix second-line NSCLC deck",
    }
    assert entry.after == {"number": 2, "status": "draft", "title": "Zentorix deck (2025 update)"}

    services.item_submit(actor=lead, item=item)
    item.refresh_from_db()
    assert item.status == "approved"
    assert item.approved_version == v1
    sign_all(item, mlr_team)
    v1.refresh_from_db()
    assert item.approved_version == item.current_version == v2
    assert v1.status == "superseded"
    assert usable_refusal(v1).startswith("Approval rule")


def test_a_second_edit_of_the_new_draft_changes_it_in_place(lead, make_item):
    item = make_item()
    services.item_revise(actor=lead, item=item, title="Edit one")
    item.refresh_from_db()
    v2 = services.item_revise(actor=lead, item=item, title="Edit two")
    assert v2.number == 2
    assert item.versions.count() == 2


def test_revising_modules_of_an_approved_item_carries_the_newest_module_wording(
    lead, make_item, claim_module, mlr_team
):
    item = make_item(modules=[claim_module])
    new_wording = services.module_revise(
        actor=lead, module=claim_module, text="Median overall survival improved by 4.3 months."
    )
    v2 = services.item_revise(actor=lead, item=item, module_ids=[claim_module.pk])
    assert list(v2.modules.all()) == [new_wording]
    services.item_submit(actor=lead, item=item)
    sign_all(item, mlr_team)
    claim_module.refresh_from_db()
    assert claim_module.approved_version == new_wording
    assert ModuleVersion.objects.get(module=claim_module, number=1).status == "superseded"


# ---- withdrawal -----------------------------------------------------------------------------


def test_withdrawal_needs_a_reason(make_item, reviewer):
    item = make_item()
    with pytest.raises(Invalid) as refused:
        services.item_withdraw(actor=reviewer, item=item, reason=" ")
    assert "reason" in refused.value.errors
    item.refresh_from_db()
    assert item.status == "approved"


def test_withdrawal_takes_the_item_out_of_use_at_once_and_is_audited(
    make_item, reviewer, audit_mark
):
    item = make_item()
    since = audit_mark()
    services.item_withdraw(actor=reviewer, item=item, reason="Safety label update")
    item.refresh_from_db()
    assert item.status == "withdrawn"
    assert item.withdrawn_by == reviewer
    assert item.withdraw_reason == "Safety label update"
    assert item.approved_version.status == "withdrawn"
    assert usable_refusal(item.approved_version).startswith("Withdrawal rule")
    [entry] = since()
    assert entry.action == "content.withdraw"
    assert entry.reason == "Safety label update"
    with pytest.raises(Conflict, match="already withdrawn"):
        services.item_withdraw(actor=reviewer, item=item, reason="Again")
    with pytest.raises(Conflict, match="withdrawn"):
        services.item_revise(actor=item.owner, item=item, title="Back again")


@pytest.mark.parametrize("persona", ["msl_a", "pm", "rep", "pv", "admin"])
def test_only_reviewers_and_medical_leads_withdraw(request, persona, make_item):
    item = make_item()
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.item_withdraw(
            actor=request.getfixturevalue(persona), item=item, reason="Not my call"
        )


def test_withdrawing_also_withdraws_a_draft_in_progress(lead, make_item):
    item = make_item()
    v2 = services.item_revise(actor=lead, item=item, title="Draft v2")
    services.item_withdraw(actor=lead, item=item, reason="Product discontinued")
    v2.refresh_from_db()
    assert v2.status == "withdrawn"
    with pytest.raises(Conflict, match="withdrawn"):
        services.item_submit(actor=lead, item=item)


# ---- expiry ---------------------------------------------------------------------------------


def test_expiring_due_content_marks_past_date_versions_expired_and_audits_it(make_item, audit_mark):
    due = make_item(title="Due", expires_on=timezone.localdate() + timedelta(days=10))
    fresh = make_item(title="Fresh", expires_on=timezone.localdate() + timedelta(days=200))
    since = audit_mark()
    later = timezone.localdate() + timedelta(days=11)
    assert services.content_expire_due(today=later) == 1
    due.refresh_from_db()
    fresh.refresh_from_db()
    assert due.status == "expired"
    assert due.approved_version.status == "expired"
    assert fresh.status == "approved"
    [entry] = since()
    assert entry.action == "content.expire"
    assert entry.actor is None
    assert entry.before == {"status": "approved"}
    assert entry.after == {"status": "expired", "version": 1}
    # Running again the same day finds nothing more to do.
    assert services.content_expire_due(today=later) == 0


def test_content_is_unusable_from_the_day_after_its_expiry_even_before_the_task_runs(make_item):
    item = make_item(expires_on=timezone.localdate() + timedelta(days=3))
    version = item.approved_version
    assert usable_refusal(version, today=version.expires_on) is None
    refusal = usable_refusal(version, today=version.expires_on + timedelta(days=1))
    assert refusal.startswith("Expiry rule")


def test_an_expired_draft_is_expired_too(lead, make_item):
    item = make_item(expires_on=timezone.localdate() + timedelta(days=5), approve=False)
    assert services.content_expire_due(today=timezone.localdate() + timedelta(days=6)) == 1
    item.refresh_from_db()
    assert item.status == "expired"
    assert item.working_version.status == "expired"


def test_a_png_figure_makes_a_figure_module(lead):
    module = services.module_create(
        actor=lead,
        kind="figure",
        therapeutic_area="ONC",
        title="Forest plot",
        text="Subgroups.",
        figure=png(),
    )
    assert module.latest_version.figure_mime == "image/png"
