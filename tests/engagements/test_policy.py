"""Record-level rules of engagements (engagements.policies) on top of core's matrix: territory,
being one of an interaction's MSLs, the team of a medical lead, the sales rep's own
referrals, the owner of a follow-up."""

from __future__ import annotations

import pytest

from kolbridge.core import policy
from kolbridge.engagements.models import FollowUp, Inquiry, Interaction
from tests.engagements.conftest import capture, plan, refer

pytestmark = pytest.mark.django_db


def visible(user, resource, model):
    return set(policy.visible(user, resource, model.objects.all()))


# ---- interactions ---------------------------------------------------------------------------


def test_msl_sees_interactions_with_kols_of_the_territory_only(
    msl_a, msl_b, planned, interaction_b
):
    assert visible(msl_a, "interaction", Interaction) == {planned}
    assert visible(msl_b, "interaction", Interaction) == {interaction_b}
    assert policy.can(msl_a, "interaction", "view", planned)
    assert not policy.can(msl_a, "interaction", "view", interaction_b)


def test_msl_sees_an_interaction_they_took_part_in_outside_the_territory(
    msl_a, msl_b, kol_b
):
    joint = plan(msl_b, [kol_b], msl_usernames=["msl_a"])
    assert joint in visible(msl_a, "interaction", Interaction)
    assert policy.can(msl_a, "interaction", "change", joint)


def test_msl_of_the_territory_sees_but_may_not_change_a_colleagues_interaction(msl_c, planned):
    assert policy.can(msl_c, "interaction", "view", planned)
    assert not policy.can(msl_c, "interaction", "change", planned)
    assert not policy.can(msl_c, "interaction", "complete", planned)
    assert "Ownership rule" in policy.policy_for("interaction").record_refusal(
        msl_c, "change", planned
    )


def test_medical_lead_sees_and_changes_the_teams_interactions_only(
    lead, planned, interaction_b
):
    assert visible(lead, "interaction", Interaction) == {planned}
    assert policy.can(lead, "interaction", "change", planned)
    assert not policy.can(lead, "interaction", "change", interaction_b)


@pytest.mark.parametrize("persona", ["pm", "rep", "pv", "reviewer", "admin"])
def test_roles_outside_the_field_team_see_no_interaction(request, persona, planned, completed):
    user = request.getfixturevalue(persona)
    assert visible(user, "interaction", Interaction) == set()
    assert not policy.can(user, "interaction", "view", completed)


# ---- inquiries ------------------------------------------------------------------------------


def test_inquiries_follow_the_kols_territory(msl_a, msl_b, lead, inquiry_a, inquiry_b):
    assert visible(msl_a, "inquiry", Inquiry) == {inquiry_a}
    assert visible(msl_b, "inquiry", Inquiry) == {inquiry_b}
    assert visible(lead, "inquiry", Inquiry) == {inquiry_a}
    assert not policy.can(msl_b, "inquiry", "respond", inquiry_a)
    assert "Territory rule" in policy.policy_for("inquiry").record_refusal(
        msl_b, "respond", inquiry_a
    )


def test_referred_inquiry_reaches_the_msl_of_the_kols_territory(msl_a, msl_b, referral):
    assert referral in visible(msl_a, "inquiry", Inquiry)
    assert referral not in visible(msl_b, "inquiry", Inquiry)


def test_pv_officer_sees_every_inquiry(pv, inquiry_a, inquiry_b, referral):
    assert visible(pv, "inquiry", Inquiry) == {inquiry_a, inquiry_b, referral}


@pytest.mark.parametrize("persona", ["pm", "rep", "reviewer", "admin"])
def test_roles_outside_medical_see_no_inquiry_not_even_a_referral_of_their_own(
    request, persona, inquiry_a, referral
):
    assert visible(request.getfixturevalue(persona), "inquiry", Inquiry) == set()


def test_sales_rep_sees_only_the_referrals_they_made(rep, rep_2, kol_a, kol_b, inquiry_a):
    mine = refer(rep, kol_a)
    theirs = refer(rep_2, kol_b)
    assert visible(rep, "inquiry_referral", Inquiry) == {mine}
    assert visible(rep_2, "inquiry_referral", Inquiry) == {theirs}
    assert policy.can(rep, "inquiry_referral", "view", mine)
    assert not policy.can(rep, "inquiry_referral", "view", theirs)
    assert not policy.can(rep, "inquiry_referral", "view", inquiry_a)


def test_a_rep_may_refer_a_question_of_any_hcp(rep, kol_b):
    # Commercial roles see HCP master data of every territory; referring is not territorial.
    assert refer(rep, kol_b).kol == kol_b


@pytest.mark.parametrize("persona", ["msl_a", "lead", "pv", "pm"])
def test_referral_view_is_the_sales_reps_alone(request, persona, referral):
    assert visible(request.getfixturevalue(persona), "inquiry_referral", Inquiry) == set()


# ---- follow-ups -----------------------------------------------------------------------------


def test_follow_ups_are_seen_by_their_owner_and_the_owners_lead(
    msl_a, msl_b, lead, kol_b, follow_up_a
):
    from django.utils import timezone

    from kolbridge.engagements import services

    other = services.follow_up_create(
        actor=msl_b, draft=services.FollowUpDraft("SE task", timezone.localdate()), kol=kol_b
    )
    assert visible(msl_a, "follow_up", FollowUp) == {follow_up_a}
    assert visible(msl_b, "follow_up", FollowUp) == {other}
    assert visible(lead, "follow_up", FollowUp) == {follow_up_a}
    assert policy.can(lead, "follow_up", "change", follow_up_a)
    assert not policy.can(msl_b, "follow_up", "change", follow_up_a)


@pytest.mark.parametrize("persona", ["pm", "rep", "pv", "admin"])
def test_roles_outside_the_field_team_see_no_follow_up(request, persona, follow_up_a):
    assert visible(request.getfixturevalue(persona), "follow_up", FollowUp) == set()


def test_inquiry_captured_in_another_territory_is_not_in_reach(msl_a, msl_b, kol_b):
    other = capture(msl_b, kol_b)
    assert not policy.can(msl_a, "inquiry", "view", other)
    assert not policy.can(msl_a, "inquiry", "close", other)
