"""The compliance firewall: the matrix as data, asked through the one policy registry."""

from __future__ import annotations

import pytest

from kolbridge.core import policy
from kolbridge.core.errors import Forbidden
from kolbridge.core.models import Role, User
from kolbridge.kols.models import Kol, ScientificQuestion

ROLES = [r.value for r in Role]

# Written out by hand from ARCHITECTURE.md, independently of core.policy.FIREWALL, so that a
# wrong edit of the matrix fails here. Every (role, resource, action) the matrix knows is listed;
# True means the role may take the action.
ALLOWED: dict[tuple[str, str], set[str]] = {
    ("user", "view"): {"admin"},
    ("user", "create"): {"admin"},
    ("user", "change"): {"admin"},
    ("reference_data", "view"): set(ROLES),
    ("reference_data", "change"): {"admin"},
    ("audit_trail", "view"): {"admin", "medical_lead"},
    ("kol", "view"): set(ROLES),
    ("kol", "create"): {"msl", "medical_lead", "admin"},
    ("kol", "change"): {"msl", "medical_lead", "admin"},
    ("kol_journey", "view"): {"msl", "medical_lead", "pv_officer", "admin"},
    ("kol_journey", "record"): {"msl", "medical_lead"},
    ("kol_question", "view"): {"msl", "medical_lead", "pv_officer"},
    ("kol_question", "create"): {"msl", "medical_lead"},
    ("kol_question", "change"): {"msl", "medical_lead"},
    # Engagements (issue 3). Interaction records, notes, topics and questions raised are the
    # field team's: the MSLs who hold them and their medical lead. Reviewers (content), PV
    # (adverse events) and administrators have no need for meeting notes.
    ("interaction", "view"): {"msl", "medical_lead"},
    ("interaction", "create"): {"msl", "medical_lead"},
    ("interaction", "change"): {"msl", "medical_lead"},
    ("interaction", "complete"): {"msl", "medical_lead"},
    ("interaction", "cancel"): {"msl", "medical_lead"},
    # The reduced view: only that an interaction with an HCP took place on a date, for the
    # commercial roles that may not see the interaction itself.
    ("interaction_fact", "view"): {"product_manager", "sales_rep"},
    # Inquiries and their answers are medical; PV reads them for possible adverse events but
    # neither captures nor answers them. No commercial role ever reads them.
    ("inquiry", "view"): {"msl", "medical_lead", "pv_officer"},
    ("inquiry", "create"): {"msl", "medical_lead"},
    ("inquiry", "respond"): {"msl", "medical_lead"},
    ("inquiry", "close"): {"msl", "medical_lead"},
    # The sales rep's one compliant path: refer a question and see its status (their own).
    ("inquiry_referral", "view"): {"sales_rep"},
    ("inquiry_referral", "create"): {"sales_rep"},
    ("follow_up", "view"): {"msl", "medical_lead"},
    ("follow_up", "create"): {"msl", "medical_lead"},
    ("follow_up", "change"): {"msl", "medical_lead"},
    # Content (issue 4). Everyone may look at the library; the policy narrows commercial roles to
    # commercial-audience, proactive items. Authors are medical staff and product managers;
    # withdrawal is a compliance act of MLR reviewers and medical leads.
    ("content_item", "view"): set(ROLES),
    ("content_item", "create"): {"msl", "medical_lead", "product_manager"},
    ("content_item", "change"): {"msl", "medical_lead", "product_manager"},
    ("content_item", "submit"): {"msl", "medical_lead", "product_manager"},
    ("content_item", "withdraw"): {"reviewer", "medical_lead"},
    # Sales reps see whole approved items only, never the module library.
    ("content_module", "view"): {
        "msl", "medical_lead", "reviewer", "pv_officer", "product_manager", "admin"
    },
    ("content_module", "create"): {"msl", "medical_lead", "product_manager"},
    ("content_module", "change"): {"msl", "medical_lead", "product_manager"},
    # Only MLR reviewers sign or return; leads and administrators may watch the queue.
    ("content_review", "view"): {"reviewer", "medical_lead", "admin"},
    ("content_review", "sign"): {"reviewer"},
    ("content_review", "return"): {"reviewer"},
    # Presenting and sharing with a KOL is scientific exchange: the field team's.
    ("presentation", "view"): {"msl", "medical_lead"},
    ("presentation", "create"): {"msl", "medical_lead"},
    ("presentation", "change"): {"msl", "medical_lead"},
    ("presentation", "present"): {"msl", "medical_lead"},
    # MLR may find and pull any link (a compliance act) but never shares one.
    ("share_link", "view"): {"msl", "medical_lead", "reviewer"},
    ("share_link", "create"): {"msl", "medical_lead"},
    ("share_link", "revoke"): {"msl", "medical_lead", "reviewer"},
    ("email_template", "view"): {"msl", "medical_lead", "reviewer", "admin"},
    ("email_template", "create"): {"reviewer", "admin"},
    ("email_template", "approve"): {"reviewer"},
    # Insights (issue 5). Raw insights name KOLs and MSLs: the field team's, and PV's for safety
    # review. Medical leads review and release; only the de-identified release crosses the
    # firewall, to commercial roles (and back to the MSLs who gave them).
    ("insight", "view"): {"msl", "medical_lead", "pv_officer"},
    ("insight", "create"): {"msl", "medical_lead"},
    ("insight", "change"): {"msl", "medical_lead"},
    ("insight", "review"): {"medical_lead"},
    ("insight", "release"): {"medical_lead"},
    ("released_insight", "view"): {"msl", "medical_lead", "product_manager", "sales_rep"},
    # Themes are built from raw insights; only released themes reach commercial roles.
    ("theme", "view"): {"msl", "medical_lead"},
    ("theme", "change"): {"medical_lead"},
    ("theme", "release"): {"medical_lead"},
    ("released_theme", "view"): {"msl", "medical_lead", "product_manager", "sales_rep"},
    # Closing the loop: leads decide; MSLs see what became of their insights.
    ("insight_action", "view"): {"msl", "medical_lead"},
    ("insight_action", "create"): {"medical_lead"},
    ("insight_action", "change"): {"medical_lead"},
    # The PM feedback loop: a PM asks, a lead routes to MSLs and answers.
    ("pm_question", "view"): {"product_manager", "medical_lead", "msl"},
    ("pm_question", "create"): {"product_manager"},
    ("pm_question", "route"): {"medical_lead"},
    ("pm_question", "answer"): {"medical_lead"},
    # Adverse-event reports: PV handles them; the reporting MSL and lead follow theirs; no
    # commercial role ever sees one.
    ("adverse_event", "view"): {"pv_officer", "msl", "medical_lead"},
    ("adverse_event", "forward"): {"pv_officer"},
    ("adverse_event", "close"): {"pv_officer"},
}
EXPECTED: dict[tuple[str, str, str], bool] = {
    (role, resource, action): role in roles
    for (resource, action), roles in ALLOWED.items()
    for role in ROLES
}

COMMERCIAL = ("product_manager", "sales_rep")
MEDICAL_ONLY = (
    [("kol_question", a) for a in ("view", "create", "change")]
    + [("kol_journey", a) for a in ("view", "record")]
    + [("interaction", a) for a in ("view", "create", "change", "complete", "cancel")]
    + [("inquiry", a) for a in ("view", "create", "respond", "close")]
    + [("follow_up", a) for a in ("view", "create", "change")]
    + [("presentation", a) for a in ("view", "create", "change", "present")]
    + [("share_link", a) for a in ("view", "create", "revoke")]
    + [("content_review", a) for a in ("view", "sign", "return")]
    + [("insight", a) for a in ("view", "create", "change", "review", "release")]
    + [("theme", a) for a in ("view", "change", "release")]
    + [("insight_action", a) for a in ("view", "create", "change")]
    + [("adverse_event", a) for a in ("view", "forward", "close")]
)


def matrix_cells() -> list[tuple[str, str, str]]:
    return [
        (role, name, action)
        for name, resource in policy.FIREWALL.items()
        for action in resource.actions
        for role in ROLES
    ]


def test_expected_table_covers_exactly_the_matrix():
    # A new resource or action in the matrix must be decided here too, and nothing here may be
    # missing from the matrix.
    assert set(EXPECTED) == set(matrix_cells())


def test_every_role_has_a_function_and_commercial_roles_are_pm_and_rep():
    assert {r for r in ROLES if User(role=r).is_commercial} == set(COMMERCIAL)
    assert {r for r in ROLES if User(role=r).is_medical} == {
        "msl", "medical_lead", "reviewer", "pv_officer"
    }
    assert User(role="admin").function == "none"


def test_every_firewall_resource_has_a_registered_policy():
    for name in policy.FIREWALL:
        assert policy.policy_for(name).resource == name


@pytest.mark.parametrize("role,resource,action", matrix_cells())
def test_role_may_matches_the_written_down_matrix(role, resource, action):
    assert policy.role_may(role, resource, action) is EXPECTED[(role, resource, action)]


@pytest.mark.django_db
def test_policy_can_answers_the_matrix_for_every_role_resource_and_action(personas):
    wrong = []
    for role, resource, action in matrix_cells():
        decided = policy.can(personas[role], resource, action)
        if decided != EXPECTED[(role, resource, action)]:
            wrong.append((role, resource, action, decided))
    assert wrong == []


@pytest.mark.django_db
def test_require_refuses_with_a_message_naming_the_rule(pm):
    with pytest.raises(Forbidden) as refused:
        policy.require(pm, "kol_question", "view")
    assert "Firewall rule" in refused.value.message
    assert "Product manager" in refused.value.message
    assert "scientific questions" in refused.value.message


@pytest.mark.parametrize("role", COMMERCIAL)
@pytest.mark.parametrize("resource,action", MEDICAL_ONLY)
def test_commercial_roles_never_reach_medical_only_records(role, resource, action):
    assert policy.role_may(role, resource, action) is False


@pytest.mark.django_db
def test_inactive_user_may_do_nothing(msl_a, kol_a):
    msl_a.is_active = False
    assert not policy.can(msl_a, "kol", "view")
    assert not policy.can(msl_a, "kol", "view", kol_a)
    assert list(policy.visible(msl_a, "kol", Kol.objects.all())) == []


def test_anonymous_user_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    for role, resource, action in matrix_cells():
        assert not policy.can(AnonymousUser(), resource, action), (role, resource, action)
    with pytest.raises(Forbidden, match="Sign in"):
        policy.require(AnonymousUser(), "kol", "view")


def test_registering_a_resource_outside_the_matrix_is_refused():
    class Stray(policy.ResourcePolicy):
        resource = "not_in_matrix"

    with pytest.raises(KeyError):
        policy.register(Stray())


# ---- record-level rules (kols.policies) -----------------------------------------------------


@pytest.mark.django_db
def test_msl_sees_own_territory_kol_only(msl_a, kol_a, kol_b):
    assert list(policy.visible(msl_a, "kol", Kol.objects.all())) == [kol_a]
    assert policy.can(msl_a, "kol", "view", kol_a)
    assert not policy.can(msl_a, "kol", "view", kol_b)
    assert not policy.can(msl_a, "kol", "change", kol_b)


@pytest.mark.django_db
def test_other_msl_sees_the_other_territory(msl_b, kol_a, kol_b):
    assert list(policy.visible(msl_b, "kol", Kol.objects.all())) == [kol_b]
    assert not policy.can(msl_b, "kol_journey", "record", kol_a)


@pytest.mark.django_db
def test_medical_lead_sees_the_team_territories_only(lead, kol_a, kol_b):
    assert list(policy.visible(lead, "kol", Kol.objects.all())) == [kol_a]
    assert policy.can(lead, "kol_journey", "record", kol_a)
    assert not policy.can(lead, "kol", "view", kol_b)


@pytest.mark.django_db
def test_medical_lead_also_sees_own_territory(ref, msl_a, kol_a, kol_b):
    from kolbridge.core.services import user_add

    lead_se = user_add(
        actor=None, username="lead_se", role="medical_lead", password="x",
        territory_code="SE", check_password_strength=False,
    )
    assert set(policy.visible(lead_se, "kol", Kol.objects.all())) == {kol_b}


@pytest.mark.django_db
def test_msl_without_territory_sees_no_kol(ref, kol_a, kol_b):
    from kolbridge.core.services import user_add

    roamer = user_add(
        actor=None, username="roamer", role="msl", password="x", check_password_strength=False
    )
    assert list(policy.visible(roamer, "kol", Kol.objects.all())) == []


@pytest.mark.django_db
def test_product_manager_sees_master_data_of_both_kols_but_no_journey_or_questions(
    pm, kol_a, kol_b
):
    assert set(policy.visible(pm, "kol", Kol.objects.all())) == {kol_a, kol_b}
    assert policy.can(pm, "kol", "view", kol_b)
    assert not policy.can(pm, "kol_journey", "view", kol_a)
    assert not policy.can(pm, "kol_question", "view", kol_a)
    assert list(policy.visible(pm, "kol_question", ScientificQuestion.objects.all())) == []


@pytest.mark.django_db
def test_msl_sees_questions_of_own_territory_only(msl_a, kol_a, kol_b):
    visible = policy.visible(msl_a, "kol_question", ScientificQuestion.objects.all())
    assert {q.kol_id for q in visible} == {kol_a.pk}
    question_b = ScientificQuestion.objects.get(kol=kol_b)
    assert not policy.can(msl_a, "kol_question", "change", question_b)


@pytest.mark.django_db
def test_pv_officer_sees_every_kols_questions_but_cannot_log_one(pv, kol_a, kol_b):
    visible = policy.visible(pv, "kol_question", ScientificQuestion.objects.all())
    assert {q.kol_id for q in visible} == {kol_a.pk, kol_b.pk}
    assert not policy.can(pv, "kol_question", "create", kol_a)


@pytest.mark.django_db
def test_territory_refusal_names_the_territory_rule(msl_a, kol_b):
    with pytest.raises(Forbidden, match="Territory rule"):
        policy.require(msl_a, "kol", "change", kol_b)


@pytest.mark.django_db
def test_allowed_actions_drive_the_navigation(pm, msl_a):
    assert policy.allowed_actions(pm, ["kol", "kol_question"]) == {
        "kol": {"view"},
        "kol_question": set(),
    }
    assert policy.allowed_actions(msl_a, ["kol_question"]) == {
        "kol_question": {"view", "create", "change"}
    }


def test_audited_actions_must_name_a_firewall_resource():
    with pytest.raises(KeyError):
        policy.register_audited_actions("stray.", "not_in_matrix")


@pytest.mark.django_db
def test_audit_entries_about_questions_are_hidden_from_roles_that_may_not_see_questions(
    personas,
):
    hidden = {role: policy.hidden_audit_actions(user) for role, user in personas.items()}
    for role, prefixes in hidden.items():
        assert ("kol.question_" in prefixes) is (
            not EXPECTED[(role, "kol_question", "view")]
        ), role
        assert ("kol.stage_change" in prefixes) is (not EXPECTED[(role, "kol_journey", "view")])


# ---- engagements in the matrix --------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r != "sales_rep"])
def test_only_a_sales_rep_refers_a_question_to_medical(role):
    assert policy.role_may(role, "inquiry_referral", "create") is False
    assert policy.role_may(role, "inquiry_referral", "view") is False
    assert policy.role_may("sales_rep", "inquiry_referral", "create") is True


@pytest.mark.parametrize("role", COMMERCIAL)
def test_commercial_roles_get_only_the_reduced_interaction_fact(role):
    assert policy.role_may(role, "interaction_fact", "view") is True
    assert policy.role_may(role, "interaction", "view") is False


@pytest.mark.django_db
def test_sales_rep_answering_an_inquiry_is_refused_naming_the_firewall_rule(rep):
    with pytest.raises(Forbidden) as refused:
        policy.require(rep, "inquiry", "respond")
    assert "Firewall rule" in refused.value.message
    assert "Sales rep" in refused.value.message
    assert "never answers" in refused.value.message


@pytest.mark.django_db
def test_audit_entries_about_engagements_are_hidden_from_roles_that_may_not_see_them(personas):
    for role, user in personas.items():
        hidden = policy.hidden_audit_actions(user)
        for prefix, resource in (
            ("interaction.", "interaction"),
            ("inquiry.", "inquiry"),
            ("follow_up.", "follow_up"),
        ):
            assert (prefix in hidden) is (not EXPECTED[(role, resource, "view")]), (role, prefix)
