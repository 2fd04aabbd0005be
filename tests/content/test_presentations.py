"""Presentations: assembling approved content for one KOL, following newer approvals (updated
automatically, or flagged to the owner with what changed), withdrawal and expiry told to every
owner, and presenting in an interaction with the time per module frozen at its versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kolbridge.content import services
from kolbridge.content.models import (
    ItemVersion,
    PresentationNotice,
    PresentationSlot,
    PresentedContent,
)
from kolbridge.content.services import Classification, Timing
from kolbridge.core.errors import Conflict, Forbidden, Invalid, NotFound
from kolbridge.core.models import Indication
from kolbridge.core.mywork import my_work_for
from kolbridge.engagements.services import interaction_cancel, interaction_create
from tests.content.conftest import pdf, sign_all

pytestmark = pytest.mark.django_db


def present(actor, kol, title="For Dr Okafor", **extra):
    return services.presentation_create(actor=actor, kol_id=kol.pk, title=title, **extra)


def add(actor, p, item, module=None, position=None):
    return services.presentation_add(
        actor=actor,
        presentation=p,
        item_id=item.pk,
        module_id=module.pk if module else None,
        position=position,
    )


def slots(p):
    return list(PresentationSlot.objects.filter(presentation=p).order_by("position"))


def open_notices(p):
    return list(PresentationNotice.objects.filter(presentation=p, resolved_at__isnull=True))


def approve_revision(lead, team, item, **changes):
    """Revise an approved item and take the new version through MLR review."""
    services.item_revise(actor=lead, item=item, **changes)
    services.item_submit(actor=lead, item=item)
    return sign_all(item, team).approved_version


@pytest.fixture
def deck(make_item, claim_module):
    return make_item(title="Survival deck", modules=[claim_module])


@pytest.fixture
def deck_p(msl_a, kol_a, deck):
    """msl_a's presentation for kol_a carrying the whole deck."""
    p = present(msl_a, kol_a)
    add(msl_a, p, deck)
    return p


# ---- assembling -----------------------------------------------------------------------------


def test_an_msl_starts_a_presentation_for_a_kol_with_a_private_note(msl_a, kol_a, audit_mark):
    since = audit_mark()
    p = present(msl_a, kol_a, private_note="She prefers forest plots.")
    assert (p.owner, p.kol, p.private_note) == (msl_a, kol_a, "She prefers forest plots.")
    [entry] = since()
    assert entry.action == "presentation.create"
    assert entry.after["kol"] == kol_a.pk


def test_a_presentation_is_only_for_a_kol_in_reach(msl_a, kol_b):
    with pytest.raises(Invalid) as refused:
        present(msl_a, kol_b)
    assert "kol" in refused.value.errors


def test_slots_keep_their_order_and_can_be_inserted_reordered_and_removed(
    msl_a, kol_a, make_item, claim_module, audit_mark
):
    first = make_item(title="First", modules=[claim_module])
    second = make_item(title="Second")
    third = make_item(title="Third")
    p = present(msl_a, kol_a)
    a = add(msl_a, p, first)
    b = add(msl_a, p, second)
    c = add(msl_a, p, third, position=1)
    m = add(msl_a, p, first, module=claim_module, position=99)
    assert [(s.pk, s.position) for s in slots(p)] == [(c.pk, 1), (a.pk, 2), (b.pk, 3), (m.pk, 4)]
    claim_module.refresh_from_db()
    assert m.module_version == claim_module.approved_version
    assert m.title == "Overall survival benefit"

    since = audit_mark()
    services.presentation_reorder(actor=msl_a, presentation=p, slot_ids=[m.pk, b.pk, a.pk, c.pk])
    assert [s.pk for s in slots(p)] == [m.pk, b.pk, a.pk, c.pk]
    services.presentation_remove(actor=msl_a, presentation=p, slot_id=b.pk)
    assert [(s.pk, s.position) for s in slots(p)] == [(m.pk, 1), (a.pk, 2), (c.pk, 3)]
    assert [e.action for e in since()] == ["presentation.reorder", "presentation.remove"]
    p.refresh_from_db()
    assert p.version == 7


def test_reordering_must_name_every_slot_exactly_once(msl_a, kol_a, make_item):
    item = make_item()
    p = present(msl_a, kol_a)
    a, b = add(msl_a, p, item), add(msl_a, p, item)
    for wrong in ([a.pk], [a.pk, a.pk], [a.pk, b.pk, 999_999]):
        with pytest.raises(Invalid):
            services.presentation_reorder(actor=msl_a, presentation=p, slot_ids=wrong)
    assert [s.pk for s in slots(p)] == [a.pk, b.pk]


def test_removing_a_slot_of_another_presentation_is_not_found(msl_a, kol_a, make_item):
    item = make_item()
    p, q = present(msl_a, kol_a), present(msl_a, kol_a, title="Other")
    slot = add(msl_a, q, item)
    with pytest.raises(NotFound):
        services.presentation_remove(actor=msl_a, presentation=p, slot_id=slot.pk)


def test_a_module_not_in_the_item_is_refused(msl_a, kol_a, make_item, claim_module):
    item = make_item()
    p = present(msl_a, kol_a)
    with pytest.raises(Invalid) as refused:
        add(msl_a, p, item, module=claim_module)
    assert "module" in refused.value.errors


def test_another_msl_cannot_change_the_presentation(msl_b, deck_p, deck):
    with pytest.raises(Forbidden, match="Ownership rule"):
        add(msl_b, deck_p, deck)


def test_a_stale_presentation_edit_is_a_conflict(msl_a, deck_p):
    services.presentation_update(actor=msl_a, presentation=deck_p, title="New", expected_version=2)
    with pytest.raises(Conflict):
        services.presentation_update(
            actor=msl_a, presentation=deck_p, title="Newer", expected_version=2
        )


# ---- following newer approvals --------------------------------------------------------------


def test_an_editorial_change_updates_the_slot_automatically_with_an_updated_notice(
    lead, msl_a, mlr_team, deck, deck_p
):
    v1 = deck.approved_version
    v2 = approve_revision(
        lead, mlr_team, deck, title="Survival deck (typos fixed)", change_summary="Typo fixes."
    )
    [slot] = slots(deck_p)
    assert slot.item_version == v2
    assert not slot.needs_review
    [notice] = open_notices(deck_p)
    assert notice.kind == "updated"
    assert "v1 → v2" in notice.message
    assert "Typo fixes." in notice.message
    assert v1.pk != v2.pk


def test_a_usage_or_indication_change_flags_the_slot_with_what_changed(
    lead, msl_a, mlr_team, deck, deck_p, ref
):
    first_line = Indication.objects.create(
        product=ref.product, name="Metastatic NSCLC, first line", approved=True
    )
    v1 = deck.approved_version
    v2 = approve_revision(
        lead,
        mlr_team,
        deck,
        classification=Classification(
            therapeutic_area="ONC",
            products=["Zentorix"],
            indications=[ref.approved_indication.pk, first_line.pk],
            expires_on=v1.expires_on,
        ),
    )
    [slot] = slots(deck_p)
    assert slot.item_version == v1
    assert slot.needs_review
    [notice] = open_notices(deck_p)
    assert notice.kind == "needs_review"
    assert notice.proposed_item_version == v2
    assert "indications Metastatic NSCLC, second line → Metastatic NSCLC, first line, " in (
        notice.message
    )
    assert "Review the change before presenting or sharing" in notice.message


def test_a_flagged_slot_is_shown_in_my_work_and_stops_presenting_and_sharing_until_accepted(
    lead, msl_a, kol_a, mlr_team, deck, deck_p, meeting_a, ref
):
    approve_revision(
        lead,
        mlr_team,
        deck,
        classification=Classification(
            therapeutic_area="ONC",
            products=["Zentorix"],
            indications=[ref.unapproved_indication.pk],
            usage="reactive_only",
            expires_on=deck.approved_version.expires_on,
        ),
    )
    [notice] = open_notices(deck_p)
    assert "usage Proactive (on-label) → Reactive only" in notice.message
    [section] = [s for s in my_work_for(msl_a) if s.key == "content_notices"]
    [work] = section.items
    assert work.detail == notice.message
    assert work.overdue
    assert work.title == "For Dr Okafor — Dr Amelia Okafor"

    with pytest.raises(Forbidden, match="Review rule"):
        services.presentation_record_presenting(
            actor=msl_a, presentation=deck_p, interaction_id=meeting_a.pk, timings=[Timing(1, 30)]
        )
    with pytest.raises(Forbidden, match="Review rule"):
        services.share_create(actor=msl_a, kol_id=kol_a.pk, presentation_id=deck_p.pk)
    # Accepting runs the gates on the new version: reactive-only needs the KOL's inquiry.
    with pytest.raises(Forbidden, match="Reactive-only rule"):
        services.presentation_accept_update(actor=msl_a, presentation=deck_p, notice_id=notice.pk)


def test_accepting_a_flagged_change_moves_the_slot_and_clears_the_notice(
    lead, msl_a, kol_a, mlr_team, deck, deck_p, ref, audit_mark
):
    first_line = Indication.objects.create(
        product=ref.product, name="Metastatic NSCLC, first line", approved=True
    )
    v2 = approve_revision(
        lead,
        mlr_team,
        deck,
        classification=Classification(
            therapeutic_area="ONC",
            products=["Zentorix"],
            indications=[first_line.pk],
            expires_on=deck.approved_version.expires_on,
        ),
    )
    [notice] = open_notices(deck_p)
    since = audit_mark()
    services.presentation_accept_update(actor=msl_a, presentation=deck_p, notice_id=notice.pk)
    [slot] = slots(deck_p)
    assert slot.item_version == v2
    assert not slot.needs_review
    assert open_notices(deck_p) == []
    assert [e.action for e in since()] == ["presentation.accept_update"]
    assert not next(s for s in my_work_for(msl_a) if s.key == "content_notices").items
    services.share_create(actor=msl_a, kol_id=kol_a.pk, presentation_id=deck_p.pk)


def test_a_claims_new_wording_flags_the_module_slot_once(
    lead, msl_a, kol_a, mlr_team, deck, claim_module
):
    p = present(msl_a, kol_a)
    add(msl_a, p, deck, module=claim_module)
    claim_module.refresh_from_db()
    old = claim_module.approved_version
    new = services.module_revise(
        actor=lead, module=claim_module, text="Median overall survival improved by 4.3 months."
    )
    approve_revision(lead, mlr_team, deck, module_ids=[claim_module.pk])
    [slot] = slots(p)
    assert slot.needs_review
    assert slot.module_version == old
    [notice] = open_notices(p)
    assert notice.kind == "needs_review"
    assert "the wording changed" in notice.message
    assert notice.proposed_module_version == new
    services.presentation_accept_update(actor=msl_a, presentation=p, notice_id=notice.pk)
    slot.refresh_from_db()
    assert (slot.module_version, slot.needs_review) == (new, False)
    assert slot.item_version == deck.approved_version


def test_a_claims_new_references_flag_the_whole_item_slot_too(
    lead, msl_a, mlr_team, deck, deck_p, claim_module
):
    services.module_revise(actor=lead, module=claim_module, references=["PMID: 30280635"])
    approve_revision(lead, mlr_team, deck, module_ids=[claim_module.pk])
    [slot] = slots(deck_p)
    assert slot.needs_review
    [notice] = open_notices(deck_p)
    assert notice.kind == "needs_review"
    assert "the references changed" in notice.message


def test_a_claim_approved_through_another_item_moves_or_flags_slots_showing_it(
    lead, msl_a, kol_a, mlr_team, make_item, deck, claim_module
):
    p = present(msl_a, kol_a)
    add(msl_a, p, deck, module=claim_module)
    other = make_item(title="Other deck", modules=[claim_module])
    services.module_revise(actor=lead, module=claim_module, text="New survival wording.")
    approve_revision(lead, mlr_team, other, module_ids=[claim_module.pk])
    [slot] = slots(p)
    assert slot.needs_review
    [notice] = open_notices(p)
    assert "the wording changed" in notice.message


def test_withdrawal_flags_every_presentation_carrying_the_item(
    lead, msl_a, kol_a, reviewer, deck, deck_p, meeting_a
):
    lead_p = present(lead, kol_a, title="Lead's own")
    add(lead, lead_p, deck)
    services.item_withdraw(actor=reviewer, item=deck, reason="Data retracted")
    for p in (deck_p, lead_p):
        [slot] = slots(p)
        assert slot.needs_review
        [notice] = open_notices(p)
        assert notice.kind == "withdrawn"
        assert "withdrawn: Data retracted" in notice.message
    with pytest.raises(Conflict, match="remove the slot"):
        services.presentation_accept_update(
            actor=msl_a, presentation=deck_p, notice_id=open_notices(deck_p)[0].pk
        )
    with pytest.raises(Forbidden):
        services.presentation_record_presenting(
            actor=msl_a, presentation=deck_p, interaction_id=meeting_a.pk, timings=[Timing(1, 5)]
        )
    [slot] = slots(deck_p)
    services.presentation_remove(actor=msl_a, presentation=deck_p, slot_id=slot.pk)
    assert open_notices(deck_p) == []


def test_expiry_tells_the_owner_of_every_presentation_carrying_the_item(msl_a, kol_a, make_item):
    item = make_item(expires_on=timezone.localdate() + timedelta(days=2))
    p = present(msl_a, kol_a)
    add(msl_a, p, item)
    services.content_expire_due(today=timezone.localdate() + timedelta(days=3))
    [notice] = open_notices(p)
    assert notice.kind == "expired"
    assert "expired on" in notice.message
    assert slots(p)[0].needs_review
    [section] = [s for s in my_work_for(msl_a) if s.key == "content_notices"]
    assert [w.detail for w in section.items] == [notice.message]


def test_a_newly_approved_version_after_expiry_clears_the_expiry_flag(
    lead, msl_a, kol_a, mlr_team, make_item, meeting_a
):
    item = make_item(expires_on=timezone.localdate() + timedelta(days=2))
    p = present(msl_a, kol_a)
    add(msl_a, p, item)
    ItemVersion.objects.filter(item=item).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    services.content_expire_due()
    v2 = approve_revision(
        lead,
        mlr_team,
        item,
        classification=Classification(
            therapeutic_area="ONC",
            products=["Zentorix"],
            indications=[item.approved_version.indications.get().pk],
            expires_on=timezone.localdate() + timedelta(days=365),
        ),
        change_summary="Re-approved with a new expiry date.",
    )
    [slot] = slots(p)
    assert slot.item_version == v2
    assert not slot.needs_review
    assert [n.kind for n in open_notices(p)] == ["updated"]
    services.presentation_record_presenting(
        actor=msl_a, presentation=p, interaction_id=meeting_a.pk, timings=[Timing(1, 20)]
    )


# ---- presenting -----------------------------------------------------------------------------


def test_presenting_records_time_per_module_frozen_at_the_versions(
    lead, msl_a, kol_a, mlr_team, deck, claim_module, meeting_a, audit_mark
):
    p = present(msl_a, kol_a)
    add(msl_a, p, deck)
    add(msl_a, p, deck, module=claim_module)
    claim_module.refresh_from_db()
    v1, m1 = deck.approved_version, claim_module.approved_version
    since = audit_mark()
    rows = services.presentation_record_presenting(
        actor=msl_a,
        presentation=p,
        interaction_id=meeting_a.pk,
        timings=[Timing(1, 95), Timing(2, 40)],
    )
    assert len(rows) == 2
    stored = list(PresentedContent.objects.filter(interaction=meeting_a).order_by("position"))
    assert [(r.position, r.seconds, r.item_version, r.module_version) for r in stored] == [
        (1, 95, v1, None),
        (2, 40, v1, m1),
    ]
    assert all(r.presented_by == msl_a and r.presentation == p for r in stored)
    [entry] = since()
    assert entry.action == "presentation.present"
    assert entry.after["interaction"] == meeting_a.pk

    approve_revision(lead, mlr_team, deck, title="Survival deck v2", change_summary="Layout.")
    stored = list(PresentedContent.objects.filter(interaction=meeting_a).order_by("position"))
    assert [r.item_version for r in stored] == [v1, v1]


@pytest.mark.parametrize(
    "timings,message",
    [
        ([Timing(1, -1)], "impossible"),
        ([Timing(1, 4 * 60 * 60 + 1)], "impossible"),
        ([Timing(2, 10)], "Position 2 is not in the presentation"),
        ([Timing(1, 10), Timing(1, 20)], "given twice"),
    ],
)
def test_impossible_timings_are_refused_and_nothing_is_stored(
    msl_a, deck_p, meeting_a, timings, message
):
    with pytest.raises(Invalid) as refused:
        services.presentation_record_presenting(
            actor=msl_a, presentation=deck_p, interaction_id=meeting_a.pk, timings=timings
        )
    assert message in refused.value.errors["timings"][0]
    assert PresentedContent.objects.count() == 0


def test_presenting_needs_an_interaction_with_the_kol(msl_a, kol_a2, deck_p):
    other = interaction_create(
        actor=msl_a,
        kol_ids=[kol_a2.pk],
        starts_at=timezone.now(),
        channel="video",
    )
    with pytest.raises(Invalid) as refused:
        services.presentation_record_presenting(
            actor=msl_a, presentation=deck_p, interaction_id=other.pk, timings=[Timing(1, 10)]
        )
    assert "is not an attendee" in refused.value.errors["interaction"][0]
    assert PresentedContent.objects.count() == 0


def test_presenting_in_a_cancelled_interaction_is_refused(msl_a, deck_p, meeting_a):
    interaction_cancel(actor=msl_a, interaction=meeting_a, reason="KOL ill")
    with pytest.raises(Conflict, match="cancelled"):
        services.presentation_record_presenting(
            actor=msl_a, presentation=deck_p, interaction_id=meeting_a.pk, timings=[Timing(1, 10)]
        )


def test_presenting_in_an_interaction_the_msl_may_not_see_is_refused(msl_a, msl_b, kol_b, deck_p):
    theirs = interaction_create(
        actor=msl_b, kol_ids=[kol_b.pk], starts_at=timezone.now(), channel="phone"
    )
    with pytest.raises(Invalid, match="Unknown interaction"):
        services.presentation_record_presenting(
            actor=msl_a, presentation=deck_p, interaction_id=theirs.pk, timings=[Timing(1, 10)]
        )


def test_an_empty_presentation_cannot_be_presented(msl_a, kol_a, meeting_a):
    p = present(msl_a, kol_a)
    with pytest.raises(Forbidden, match="empty"):
        services.presentation_record_presenting(
            actor=msl_a, presentation=p, interaction_id=meeting_a.pk, timings=[]
        )


def test_presenting_is_refused_once_the_content_expired(msl_a, deck, deck_p, meeting_a):
    ItemVersion.objects.filter(item=deck).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(Forbidden, match="Expiry rule"):
        services.presentation_record_presenting(
            actor=msl_a, presentation=deck_p, interaction_id=meeting_a.pk, timings=[Timing(1, 10)]
        )


def test_a_deck_uploaded_again_keeps_its_file_for_the_presented_version(
    lead, mlr_team, deck, msl_a, deck_p, meeting_a
):
    services.presentation_record_presenting(
        actor=msl_a, presentation=deck_p, interaction_id=meeting_a.pk, timings=[Timing(1, 10)]
    )
    old_file = deck.approved_version.file.name
    approve_revision(lead, mlr_team, deck, upload=pdf("new.pdf"), change_summary="New layout.")
    row = PresentedContent.objects.get()
    assert row.item_version.file.name == old_file
    assert deck.approved_version.file.name != old_file


def test_a_presenting_report_without_any_timing_stores_nothing(
    msl_a, deck_p, meeting_a, audit_mark
):
    since = audit_mark()
    with pytest.raises(Invalid) as refused:
        services.presentation_record_presenting(
            actor=msl_a, presentation=deck_p, interaction_id=meeting_a.pk, timings=[]
        )
    assert refused.value.errors == {"timings": ["Give the time spent on at least one module."]}
    assert PresentedContent.objects.count() == 0
    assert since() == []
