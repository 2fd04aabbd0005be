"""The compliance gates, written once in content.policies and applied by every service that
presents or shares: only approved, unexpired, unwithdrawn content; medical external audience;
proactive only on-label; reactive-only only in answer to that KOL's own unsolicited inquiry;
commercial roles see only commercial-audience, proactive content. Each refusal names its rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kolbridge.content import services
from kolbridge.content.models import (
    ContentItem,
    ContentModule,
    ItemVersion,
    PresentationSlot,
    ShareLink,
)
from kolbridge.content.policies import external_use_refusal, usable_refusal
from kolbridge.content.selectors import item_get, items_visible, library_search, modules_visible
from kolbridge.core.errors import Forbidden, Invalid, NotFound
from kolbridge.core.models import Indication, Product
from kolbridge.engagements.services import inquiry_capture

pytestmark = pytest.mark.django_db


def ask(actor, kol, product="Zentorix", unsolicited=True):
    return inquiry_capture(
        actor=actor,
        kol=kol,
        question="What do you have on adjuvant use?",
        channel_received="in_person",
        unsolicited_confirmed=unsolicited,
        product_name=product,
    )


def present(actor, kol, inquiry=None):
    return services.presentation_create(
        actor=actor,
        kol_id=kol.pk,
        title="For the tumour board",
        inquiry_id=inquiry.pk if inquiry else None,
    )


def share_item(actor, kol, item, inquiry=None):
    return services.share_create(
        actor=actor, kol_id=kol.pk, item_id=item.pk, inquiry_id=inquiry.pk if inquiry else None
    )


@pytest.fixture
def reactive(make_item, ref):
    """Approved reactive-only content on an unapproved (adjuvant) use of Zentorix."""
    return make_item(
        title="Adjuvant data (reactive)",
        usage="reactive_only",
        indications=[ref.unapproved_indication],
    )


@pytest.fixture
def oncovar(ref):
    return Product.objects.create(
        name="Oncovar", generic_name="oncovarib", therapeutic_area=ref.onc
    )


# ---- approved, unexpired, unwithdrawn -------------------------------------------------------


def test_only_approved_content_is_added_to_a_presentation_or_shared(msl_a, kol_a, make_item):
    draft = make_item(approve=False)
    p = present(msl_a, kol_a)
    with pytest.raises(Forbidden, match=r"Approval rule: .* has no approved version yet"):
        services.presentation_add(actor=msl_a, presentation=p, item_id=draft.pk)
    with pytest.raises(Forbidden, match="Approval rule"):
        share_item(msl_a, kol_a, draft)
    assert PresentationSlot.objects.count() == 0
    assert ShareLink.objects.count() == 0


def test_a_version_in_review_is_not_usable_naming_the_approval_rule(lead, make_item):
    item = make_item(approve=False)
    services.item_submit(actor=lead, item=item)
    version = ItemVersion.objects.get(item=item)
    assert usable_refusal(version) == (
        f"Approval rule: “{version.title}” v1 is in MLR review; only approved content may be used."
    )


def test_expired_content_is_refused_even_before_the_daily_task_runs(msl_a, kol_a, make_item):
    item = make_item()
    p = present(msl_a, kol_a)
    ItemVersion.objects.filter(item=item).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(Forbidden, match=r"Expiry rule: .* expired on"):
        services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
    with pytest.raises(Forbidden, match="Expiry rule"):
        share_item(msl_a, kol_a, item)


def test_withdrawn_content_is_refused(msl_a, kol_a, make_item, reviewer):
    item = make_item()
    services.item_withdraw(actor=reviewer, item=item, reason="Superseded by new label")
    p = present(msl_a, kol_a)
    with pytest.raises(Forbidden, match=r"Withdrawal rule: .* was withdrawn on"):
        services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
    with pytest.raises(Forbidden, match="Withdrawal rule"):
        share_item(msl_a, kol_a, item)


def test_a_withdrawn_item_is_refused_even_if_a_version_still_says_approved(make_item, kol_a):
    item = make_item()
    ContentItem.objects.filter(pk=item.pk).update(status="withdrawn", withdrawn_at=timezone.now())
    version = ItemVersion.objects.select_related("item").get(item=item)
    assert version.status == "approved"
    assert external_use_refusal(version, kol=kol_a).startswith("Withdrawal rule")


# ---- audience -------------------------------------------------------------------------------


def test_internal_training_content_is_never_used_externally(msl_a, kol_a, make_item):
    item = make_item(audiences=["internal_training"])
    p = present(msl_a, kol_a)
    with pytest.raises(Forbidden) as refused:
        services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
    assert refused.value.message.startswith("Audience rule")
    assert "internal-training content and is never used externally" in refused.value.message
    with pytest.raises(Forbidden, match="internal-training"):
        share_item(msl_a, kol_a, item)


def test_internal_training_plus_medical_external_may_be_shared(msl_a, kol_a, make_item):
    item = make_item(audiences=["medical_external", "internal_training"])
    new = share_item(msl_a, kol_a, item)
    assert new.link.pk


def test_promotional_only_content_is_not_shared_by_medical(msl_a, kol_a, make_item, pm):
    item = make_item(author=pm, audiences=["commercial"])
    with pytest.raises(Forbidden, match=r"Audience rule: .* is promotional content"):
        share_item(msl_a, kol_a, item)


# ---- proactive only on-label ----------------------------------------------------------------


def test_proactive_on_label_content_is_shared_without_an_inquiry(msl_a, kol_a, make_item):
    item = make_item()
    new = share_item(msl_a, kol_a, item)
    assert new.link.inquiry is None


def test_proactive_content_whose_indication_lost_its_approval_is_refused_as_off_label(
    msl_a, kol_a, make_item, ref
):
    item = make_item()
    Indication.objects.filter(pk=ref.approved_indication.pk).update(approved=False)
    p = present(msl_a, kol_a)
    with pytest.raises(Forbidden) as refused:
        services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
    message = refused.value.message
    assert message.startswith("On-label rule: proactive use is limited to on-label content")
    assert "Metastatic NSCLC, second line (Zentorix)" in message
    with pytest.raises(Forbidden, match="On-label rule"):
        share_item(msl_a, kol_a, item)


def test_on_label_means_every_indication_approved_for_its_product(ref, make_item, kol_a):
    item = make_item()
    version = item.approved_version
    assert external_use_refusal(version, kol=kol_a) is None
    version.indications.add(ref.unapproved_indication)
    assert external_use_refusal(version, kol=kol_a).startswith("On-label rule")


# ---- reactive-only --------------------------------------------------------------------------


def test_reactive_only_content_without_an_inquiry_is_refused(msl_a, kol_a, reactive):
    with pytest.raises(Forbidden) as refused:
        share_item(msl_a, kol_a, reactive)
    assert refused.value.message.startswith("Reactive-only rule")
    assert "logged unsolicited inquiry" in refused.value.message
    p = present(msl_a, kol_a)
    with pytest.raises(Forbidden, match="Reactive-only rule"):
        services.presentation_add(actor=msl_a, presentation=p, item_id=reactive.pk)
    assert ShareLink.objects.count() == 0


def test_reactive_only_content_answers_the_kols_own_inquiry_and_the_share_is_linked_to_it(
    msl_a, kol_a, reactive, inquiry_a, audit_mark
):
    since = audit_mark()
    new = share_item(msl_a, kol_a, reactive, inquiry=inquiry_a)
    assert new.link.inquiry == inquiry_a
    [entry] = since()
    assert entry.action == "share_link.create"
    assert entry.after["inquiry"] == inquiry_a.pk


def test_a_presentation_answering_an_inquiry_may_carry_reactive_content_and_its_share_is_linked(
    msl_a, kol_a, reactive, inquiry_a
):
    p = present(msl_a, kol_a, inquiry=inquiry_a)
    services.presentation_add(actor=msl_a, presentation=p, item_id=reactive.pk)
    new = services.share_create(actor=msl_a, kol_id=kol_a.pk, presentation_id=p.pk)
    assert new.link.inquiry == inquiry_a


def test_another_kols_inquiry_does_not_open_reactive_content(msl_a, kol_a, kol_a2, reactive):
    theirs = ask(msl_a, kol_a2)
    with pytest.raises(Invalid) as refused:
        share_item(msl_a, kol_a, reactive, inquiry=theirs)
    assert refused.value.errors == {"inquiry": [f"Inquiry #{theirs.pk} came from another HCP."]}
    with pytest.raises(Invalid, match="another HCP"):
        present(msl_a, kol_a, inquiry=theirs)
    # The gate itself says the same, whoever calls it.
    refusal = external_use_refusal(reactive.approved_version, kol=kol_a, inquiry=theirs)
    assert refusal.startswith("Reactive-only rule")
    assert "came from another HCP" in refusal
    assert ShareLink.objects.count() == 0


def test_an_inquiry_on_another_product_does_not_open_reactive_content(
    msl_a, kol_a, reactive, oncovar
):
    elsewhere = ask(msl_a, kol_a, product="Oncovar")
    with pytest.raises(Forbidden) as refused:
        share_item(msl_a, kol_a, reactive, inquiry=elsewhere)
    assert refused.value.message.startswith("Reactive-only rule")
    assert "is not about the product(s)" in refused.value.message


def test_an_inquiry_naming_no_product_does_not_open_reactive_content(msl_a, kol_a, reactive):
    vague = inquiry_capture(
        actor=msl_a,
        kol=kol_a,
        question="Anything new?",
        channel_received="phone",
        unsolicited_confirmed=True,
    )
    with pytest.raises(Forbidden, match=r"Reactive-only rule: .* is not about the product"):
        share_item(msl_a, kol_a, reactive, inquiry=vague)


def test_an_inquiry_not_confirmed_as_unsolicited_does_not_open_reactive_content(
    kol_a, reactive, inquiry_a
):
    inquiry_a.unsolicited_confirmed = False
    refusal = external_use_refusal(reactive.approved_version, kol=kol_a, inquiry=inquiry_a)
    assert refusal == (
        f"Reactive-only rule: inquiry #{inquiry_a.pk} is not confirmed as unsolicited."
    )


def test_an_msl_cannot_link_an_inquiry_they_may_not_see(msl_b, kol_b, reactive, inquiry_a):
    with pytest.raises(Invalid, match="Unknown inquiry"):
        share_item(msl_b, kol_b, reactive, inquiry=inquiry_a)


def test_proactive_content_in_a_reactive_presentation_still_must_be_on_label(
    msl_a, kol_a, make_item, inquiry_a, ref
):
    p = present(msl_a, kol_a, inquiry=inquiry_a)
    off_label = make_item(title="Off-label but proactive")
    off_label.approved_version.indications.add(ref.unapproved_indication)
    with pytest.raises(Forbidden, match="On-label rule"):
        services.presentation_add(actor=msl_a, presentation=p, item_id=off_label.pk)


# ---- commercial roles see commercial-audience, proactive content only ------------------------


@pytest.fixture
def library(make_item, pm, ref):
    """One of each: medical, reactive, training, approved promotional, PM draft promotional."""
    return {
        "medical": make_item(title="Medical deck"),
        "reactive": make_item(
            title="Reactive deck", usage="reactive_only", indications=[ref.unapproved_indication]
        ),
        "training": make_item(title="Training deck", audiences=["internal_training"]),
        "mixed": make_item(title="Mixed deck", audiences=["medical_external", "commercial"]),
        "promo": make_item(title="Promo deck", author=pm, audiences=["commercial"]),
        "pm_draft": make_item(
            title="Promo draft", author=pm, audiences=["commercial"], approve=False
        ),
    }


def titles(qs):
    return {i.title for i in qs}


def test_medical_roles_see_the_whole_library(library, msl_a, lead, reviewer, pv, admin):
    everything = {i.title for i in library.values()}
    for user in (msl_a, lead, reviewer, pv, admin):
        assert titles(items_visible(user=user)) == everything, user.role


def test_a_product_manager_sees_approved_commercial_content_and_own_drafts_only(library, pm):
    assert titles(items_visible(user=pm)) == {"Mixed deck", "Promo deck", "Promo draft"}


def test_another_product_managers_draft_is_hidden(library, ref):
    from tests.conftest import _user

    pm2 = _user("pm2", "product_manager")
    assert titles(items_visible(user=pm2)) == {"Mixed deck", "Promo deck"}


def test_a_sales_rep_sees_approved_commercial_content_only(library, rep):
    assert titles(items_visible(user=rep)) == {"Mixed deck", "Promo deck"}


@pytest.mark.parametrize("persona", ["pm", "rep"])
def test_commercial_roles_never_see_reactive_only_content(request, persona, library):
    user = request.getfixturevalue(persona)
    reactive = library["reactive"]
    assert reactive not in items_visible(user=user)
    with pytest.raises(NotFound):
        item_get(user=user, item_id=reactive.pk)
    assert list(library_search(user=user, q="Reactive")) == []


@pytest.mark.parametrize("persona", ["pm", "rep"])
def test_commercial_roles_get_404_for_medical_and_training_items(request, persona, library):
    user = request.getfixturevalue(persona)
    for key in ("medical", "training"):
        with pytest.raises(NotFound):
            item_get(user=user, item_id=library[key].pk)


def test_a_sales_rep_does_not_see_a_commercial_item_once_it_is_withdrawn(library, rep, reviewer):
    services.item_withdraw(actor=reviewer, item=library["promo"], reason="Claim retired")
    assert titles(items_visible(user=rep)) == {"Mixed deck"}


def test_a_product_manager_sees_only_the_modules_of_commercial_items_and_their_own(
    lead, pm, make_item, claim_module
):
    make_item(title="Medical with claim", modules=[claim_module])
    promo_module = services.module_create(
        actor=lead,
        kind="key_message",
        therapeutic_area="ONC",
        title="Promo message",
        text="Zentorix: proven survival.",
    )
    make_item(title="Mixed", modules=[promo_module], audiences=["medical_external", "commercial"])
    own = services.module_create(
        actor=pm, kind="text_block", therapeutic_area="ONC", title="PM draft text", text="Draft."
    )
    assert set(modules_visible(user=pm)) == {promo_module, own}
    assert set(modules_visible(user=lead)) == set(ContentModule.objects.all())


def test_a_sales_rep_sees_no_module_library(rep, claim_module):
    assert list(modules_visible(user=rep)) == []


@pytest.mark.parametrize("persona", ["pm", "rep"])
def test_commercial_roles_cannot_present_or_share(request, persona, kol_a, make_item):
    user = request.getfixturevalue(persona)
    item = make_item(audiences=["medical_external", "commercial"])
    with pytest.raises(Forbidden, match="Firewall rule"):
        present(user, kol_a)
    with pytest.raises(Forbidden, match="Firewall rule"):
        share_item(user, kol_a, item)
