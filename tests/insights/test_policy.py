"""The policy matrix of insights: every persona against every action of the seven insights
resources on real records (core's firewall matrix plus the record rules of
``insights.policies``), then the record rules one by one."""

from __future__ import annotations

import pytest

from kolbridge.core import policy
from kolbridge.core.errors import Forbidden, NotFound
from kolbridge.insights import selectors
from kolbridge.insights.models import AdverseEventReport, Insight, PmQuestion
from tests.conftest import _user
from tests.insights.conftest import capture

pytestmark = pytest.mark.django_db

PERSONAS = ["msl_a", "msl_b", "lead", "reviewer", "pv", "pm", "rep", "admin"]
EVERYONE = set(PERSONAS)

# The world: msl_a captured two insights from a meeting with kol_a (NE): one is new, the lead
# accepted and released the other; a theme of this quarter holds the released one and is released
# too; the lead decided an action on it; the PM's question was routed to msl_a; msl_a's safety
# insight opened an adverse-event report. ``None`` as the record asks of the role alone.
#
# (resource, action, record) -> personas who may. Written out by hand: msl_b is an MSL of
# another territory (SE), lead is msl_a's medical lead.
EXPECTED: dict[tuple[str, str, str | None], set[str]] = {
    # The MSL who captured it, their lead, and PV (safety review); never another territory.
    ("insight", "view", "insight"): {"msl_a", "lead", "pv"},
    ("insight", "create", None): {"msl_a", "msl_b", "lead"},
    # The MSL until medical review; the lead of the MSL's team.
    ("insight", "change", "insight"): {"msl_a", "lead"},
    ("insight", "review", "insight"): {"lead"},
    ("insight", "release", "accepted"): {"lead"},
    # Released, de-identified insights cross the firewall; PV, MLR and admins have no use.
    ("released_insight", "view", "released"): {"msl_a", "msl_b", "lead", "pm", "rep"},
    ("theme", "view", "theme"): {"msl_a", "msl_b", "lead"},
    ("theme", "change", "theme"): {"lead"},
    ("theme", "release", "theme"): {"lead"},
    ("released_theme", "view", "theme"): {"msl_a", "msl_b", "lead", "pm", "rep"},
    ("insight_action", "view", "action"): {"msl_a", "msl_b", "lead"},
    ("insight_action", "create", None): {"lead"},
    ("insight_action", "change", "action"): {"lead"},
    # The PM who asked, the leads who route, the MSLs it was routed to.
    ("pm_question", "view", "question"): {"pm", "lead", "msl_a"},
    ("pm_question", "create", None): {"pm"},
    ("pm_question", "route", "question"): {"lead"},
    ("pm_question", "answer", "question"): {"lead"},
    # PV handles every report; the reporting MSL and their lead follow theirs.
    ("adverse_event", "view", "report"): {"pv", "msl_a", "lead"},
    ("adverse_event", "forward", "report"): {"pv"},
    ("adverse_event", "close", "report"): {"pv"},
}

INSIGHT_RESOURCES = (
    "insight",
    "released_insight",
    "theme",
    "released_theme",
    "insight_action",
    "pm_question",
    "adverse_event",
)


def test_the_table_covers_every_action_of_the_seven_insights_resources():
    asked = {(resource, action) for resource, action, _ in EXPECTED}
    matrix = {
        (resource, action)
        for resource in INSIGHT_RESOURCES
        for action in policy.FIREWALL[resource].actions
    }
    assert asked == matrix


@pytest.fixture
def world(msl_a, meeting, released, released_theme, action, routed, ae_report):
    return {
        "insight": capture(msl_a, interaction_id=meeting.pk, text="Wants renal dosing data."),
        "accepted": released,
        "released": released,
        "theme": released_theme,
        "action": action,
        "question": routed,
        "report": ae_report,
    }


@pytest.mark.parametrize(
    "resource,action,record", list(EXPECTED), ids=[f"{r}.{a}" for r, a, _ in EXPECTED]
)
def test_every_persona_against_every_insights_action(request, world, resource, action, record):
    users = {name: request.getfixturevalue(name) for name in PERSONAS}
    obj = world[record] if record else None
    decided = {name for name, user in users.items() if policy.can(user, resource, action, obj)}
    assert decided == EXPECTED[(resource, action, record)]
    for name in EVERYONE - decided:
        with pytest.raises(Forbidden) as refused:
            policy.require(users[name], resource, action, obj)
        assert "rule" in refused.value.message, (name, refused.value.message)


# ---- insights -------------------------------------------------------------------------------


def test_another_msl_cannot_see_an_insight_about_a_kol_of_another_territory(msl_b, insight_a):
    assert list(selectors.insights_visible(user=msl_b)) == []
    with pytest.raises(NotFound):
        selectors.insight_get(user=msl_b, insight_id=insight_a.pk)


def test_an_msl_sees_their_own_and_their_territorys_insights(
    msl_a, msl_b, msl_c, insight_a, insight_b
):
    kol_less = capture(msl_c, text="Formulary committees want budget impact data.")
    assert set(selectors.insights_visible(user=msl_a)) == {insight_a}
    assert set(selectors.insights_visible(user=msl_c)) == {insight_a, kol_less}
    assert set(selectors.insights_visible(user=msl_b)) == {insight_b}


def test_the_lead_sees_the_teams_insights_and_not_another_teams(lead, insight_a, insight_b):
    assert list(selectors.insights_visible(user=lead)) == [insight_a]


def test_the_lead_of_another_team_sees_their_territorys_insights_but_may_not_review_them(
    lead_se, msl_a, kol_b, insight_a, insight_b
):
    # msl_a met kol_b (SE) at a congress: lead_se sees it through the territory rule, but
    # reviewing is for msl_a's own lead.
    about_se = capture(msl_a, text="Varga prefers shorter infusions.", kol_ids=[])
    about_se.kols.set([kol_b])
    assert set(selectors.insights_visible(user=lead_se)) == {insight_b, about_se}
    assert not policy.can(lead_se, "insight", "review", about_se)
    assert not policy.can(lead_se, "insight", "view", insight_a)
    assert list(selectors.review_queue(user=lead_se)) == []


def test_the_review_queue_holds_the_teams_new_insights_oldest_first(
    lead, msl_a, msl_c, msl_b, insight_a, insight_b
):
    later = capture(msl_c, text="Formulary committees want budget impact data.")
    assert list(selectors.review_queue(user=lead)) == [insight_a, later]
    with pytest.raises(Forbidden, match="Firewall rule"):
        selectors.review_queue(user=msl_a)


def test_pv_sees_every_insight_for_safety_review(pv, insight_a, insight_b):
    assert set(selectors.insights_visible(user=pv)) == {insight_a, insight_b}
    assert not policy.can(pv, "insight", "change", insight_a)


@pytest.mark.parametrize("who", ["pm", "rep", "reviewer", "admin"])
def test_roles_outside_medical_field_work_see_no_identifiable_insight(request, who, insight_a):
    user = request.getfixturevalue(who)
    assert not policy.visible(user, "insight", Insight.objects.all()).exists()
    with pytest.raises(Forbidden, match="Firewall rule"):
        selectors.insight_search(user=user)


def test_a_released_insight_is_no_licence_to_read_the_original(pm, rep, released):
    for user in (pm, rep):
        assert not policy.can(user, "insight", "view", released)
        assert policy.can(user, "released_insight", "view", released)


def test_an_unreleased_insight_is_not_a_released_one(pm, accepted):
    assert not policy.can(pm, "released_insight", "view", accepted)
    with pytest.raises(Forbidden, match="Release rule"):
        policy.require(pm, "released_insight", "view", accepted)


# ---- PM questions ---------------------------------------------------------------------------


def test_a_pm_sees_only_their_own_questions(ref, pm, question):
    other = _user("pm_2", "product_manager")
    assert list(policy.visible(other, "pm_question", PmQuestion.objects.all())) == []
    with pytest.raises(Forbidden, match="Routing rule"):
        policy.require(other, "pm_question", "view", question)
    assert list(policy.visible(pm, "pm_question", PmQuestion.objects.all())) == [question]


def test_an_msl_sees_the_questions_routed_to_them_only(msl_a, msl_b, lead, question):
    assert list(selectors.pm_questions_for(user=msl_a)) == []
    from kolbridge.insights.services import pm_question_route

    pm_question_route(actor=lead, question=question, msl_ids=[msl_a.pk, msl_b.pk])
    pm_question_route(actor=lead, question=question, msl_ids=[msl_a.pk])
    assert list(selectors.pm_questions_for(user=msl_a)) == [question]
    assert list(selectors.pm_questions_for(user=msl_b)) == [question]


# ---- adverse-event reports ------------------------------------------------------------------


def test_pv_sees_every_report_an_msl_only_their_own(pv, msl_a, msl_b, lead, lead_se, kol_b,
                                                    ae_report):
    from tests.insights.conftest import HARM_TEXT, reports_from

    theirs = capture(msl_b, text=HARM_TEXT, kol_ids=[kol_b.pk])
    [report_b] = reports_from("insight", theirs.pk)
    everything = AdverseEventReport.objects.all()
    assert set(policy.visible(pv, "adverse_event", everything)) == {ae_report, report_b}
    assert list(policy.visible(msl_a, "adverse_event", everything)) == [ae_report]
    assert list(policy.visible(msl_b, "adverse_event", everything)) == [report_b]
    assert list(policy.visible(lead, "adverse_event", everything)) == [ae_report]
    assert list(policy.visible(lead_se, "adverse_event", everything)) == []
    with pytest.raises(Forbidden, match="Reporter rule"):
        policy.require(msl_b, "adverse_event", "view", ae_report)


def test_audit_entries_of_insights_follow_who_may_see_them(personas):
    for role, user in personas.items():
        hidden = policy.hidden_audit_actions(user)
        for prefix, resource in (
            ("insight.", "insight"),
            ("theme.", "theme"),
            ("insight_action.", "insight_action"),
            ("pm_question.", "pm_question"),
            ("adverse_event.", "adverse_event"),
        ):
            assert (prefix in hidden) is (not policy.role_may(role, resource, "view")), (
                role, prefix
            )
