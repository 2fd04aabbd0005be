"""The policy matrix of content: every persona against every action of the six content resources
on real records (core's firewall matrix plus content's record rules), and the record rules that
keep one MSL's presentations and share links from another."""

from __future__ import annotations

import pytest

from kolbridge.content import selectors, services
from kolbridge.content.models import Presentation, ShareLink
from kolbridge.core import policy
from kolbridge.core.errors import Forbidden, NotFound
from tests.conftest import _user

pytestmark = pytest.mark.django_db

PERSONAS = ["msl_a", "msl_b", "lead", "reviewer", "pv", "pm", "rep", "admin"]
EVERYONE = set(PERSONAS)

# The world: msl_a authored an approved medical deck (with a claim module) and a second deck
# now in MLR review, built a presentation for kol_a and shared the deck with kol_a; a reviewer
# approved an e-mail template. ``None`` as the record means the action is asked of the role
# alone (creating has no record yet).
#
# (resource, action, record) -> personas who may. Written out by hand: msl_b is an MSL of
# another territory, lead is msl_a's medical lead.
EXPECTED: dict[tuple[str, str, str | None], set[str]] = {
    # Medical roles and admins see the library; commercial roles only commercial content.
    ("content_item", "view", "deck"): EVERYONE - {"pm", "rep"},
    ("content_item", "create", None): {"msl_a", "msl_b", "lead", "pm"},
    # The author, or a medical lead.
    ("content_item", "change", "deck"): {"msl_a", "lead"},
    ("content_item", "submit", "deck"): {"msl_a", "lead"},
    ("content_item", "withdraw", "deck"): {"reviewer", "lead"},
    # Sales reps have no module library; a PM sees only modules of commercial items.
    ("content_module", "view", "module"): EVERYONE - {"pm", "rep"},
    ("content_module", "create", None): {"msl_a", "msl_b", "lead", "pm"},
    ("content_module", "change", "module"): {"msl_a", "lead"},
    ("content_review", "view", "in_review"): {"reviewer", "lead", "admin"},
    ("content_review", "sign", "in_review"): {"reviewer"},
    ("content_review", "return", "in_review"): {"reviewer"},
    # A presentation is its owner's and the owner's medical lead's.
    ("presentation", "view", "presentation"): {"msl_a", "lead"},
    ("presentation", "create", None): {"msl_a", "msl_b", "lead"},
    ("presentation", "change", "presentation"): {"msl_a", "lead"},
    ("presentation", "present", "presentation"): {"msl_a", "lead"},
    # MLR may find and pull any link; sharing stays with the field team.
    ("share_link", "view", "share_link"): {"msl_a", "lead", "reviewer"},
    ("share_link", "create", None): {"msl_a", "msl_b", "lead"},
    ("share_link", "revoke", "share_link"): {"msl_a", "lead", "reviewer"},
    ("email_template", "view", "template"): {"msl_a", "msl_b", "lead", "reviewer", "admin"},
    ("email_template", "create", None): {"reviewer", "admin"},
    ("email_template", "approve", "template"): {"reviewer"},
}

CONTENT_RESOURCES = (
    "content_item",
    "content_module",
    "content_review",
    "presentation",
    "share_link",
    "email_template",
)


def test_the_table_covers_every_action_of_the_six_content_resources():
    asked = {(resource, action) for resource, action, _ in EXPECTED}
    matrix = {
        (resource, action)
        for resource in CONTENT_RESOURCES
        for action in policy.FIREWALL[resource].actions
    }
    assert asked == matrix


@pytest.fixture
def world(request, make_item, claim_module, msl_a, kol_a, approved_template):
    deck = make_item(author=msl_a, title="Survival deck", modules=[claim_module])
    in_review = make_item(author=msl_a, title="Safety deck", approve=False)
    services.item_submit(actor=msl_a, item=in_review)
    in_review.refresh_from_db()
    presentation = services.presentation_create(actor=msl_a, kol_id=kol_a.pk, title="For her")
    services.presentation_add(actor=msl_a, presentation=presentation, item_id=deck.pk)
    link = services.share_create(actor=msl_a, kol_id=kol_a.pk, item_id=deck.pk).link
    claim_module.refresh_from_db()
    # The claim module was written by the lead (conftest); here it is msl_a's own, so that
    # authorship, not leadership, is what the table checks.
    type(claim_module).objects.filter(pk=claim_module.pk).update(created_by=msl_a)
    claim_module.refresh_from_db()
    return {
        "deck": deck,
        "module": claim_module,
        "in_review": in_review.working_version,
        "presentation": presentation,
        "share_link": link,
        "template": approved_template,
    }


@pytest.mark.parametrize(
    "resource,action,record", list(EXPECTED), ids=[f"{r}.{a}" for r, a, _ in EXPECTED]
)
def test_every_persona_against_every_content_action(request, world, resource, action, record):
    users = {name: request.getfixturevalue(name) for name in PERSONAS}
    obj = world[record] if record else None
    decided = {name for name, user in users.items() if policy.can(user, resource, action, obj)}
    assert decided == EXPECTED[(resource, action, record)]
    for name in EVERYONE - decided:
        with pytest.raises(Forbidden) as refused:
            policy.require(users[name], resource, action, obj)
        assert "rule" in refused.value.message, (name, refused.value.message)


# ---- record rules: presentations and share links --------------------------------------------


def test_another_msl_does_not_see_an_msls_presentation_or_share_link(msl_b, world):
    assert list(selectors.presentations_visible(user=msl_b)) == []
    assert list(selectors.share_links_for(user=msl_b)) == []
    with pytest.raises(NotFound):
        selectors.presentation_get(user=msl_b, presentation_id=world["presentation"].pk)
    with pytest.raises(NotFound):
        selectors.share_link_get(user=msl_b, link_id=world["share_link"].pk)


def test_the_medical_lead_sees_the_teams_presentations_and_share_links(lead, world):
    assert list(selectors.presentations_visible(user=lead)) == [world["presentation"]]
    assert list(selectors.share_links_for(user=lead)) == [world["share_link"]]
    assert selectors.presentation_get(user=lead, presentation_id=world["presentation"].pk)


def test_a_medical_lead_of_another_team_sees_none_of_them(world):
    other_lead = _user("lead_se", "medical_lead", territory="SE")
    assert list(policy.visible(other_lead, "presentation", Presentation.objects.all())) == []
    assert list(policy.visible(other_lead, "share_link", ShareLink.objects.all())) == []


def test_a_presentation_about_a_kol_moved_to_another_territory_is_out_of_reach(
    msl_a, admin, world, kol_a
):
    from kolbridge.kols.services import kol_update

    kol_update(actor=admin, kol=kol_a, changes={"territory": "SE"})
    assert list(selectors.presentations_visible(user=msl_a)) == []
    presentation = Presentation.objects.get(pk=world["presentation"].pk)
    assert not policy.can(msl_a, "presentation", "change", presentation)


@pytest.mark.parametrize("persona", ["pv", "pm", "rep", "admin"])
def test_roles_outside_the_field_team_are_refused_the_presentation_and_link_lists(
    request, persona, world
):
    user = request.getfixturevalue(persona)
    with pytest.raises(Forbidden, match="Firewall rule"):
        selectors.presentations_for(user=user)
    with pytest.raises(Forbidden, match="Firewall rule"):
        selectors.share_links_for(user=user)


def test_an_mlr_reviewer_finds_every_share_link_but_no_presentation(reviewer, msl_b, kol_b, world):
    item = world["deck"]
    theirs = services.share_create(actor=msl_b, kol_id=kol_b.pk, item_id=item.pk).link
    assert set(selectors.share_links_for(user=reviewer)) == {world["share_link"], theirs}
    assert selectors.share_link_get(user=reviewer, link_id=theirs.pk) == theirs
    with pytest.raises(Forbidden, match="Firewall rule"):
        selectors.presentations_for(user=reviewer)


@pytest.mark.parametrize("persona", ["pm", "rep"])
def test_commercial_roles_get_no_usage_of_an_item(request, persona, make_item, world):
    promo = make_item(title="Mixed", audiences=["medical_external", "commercial"])
    assert selectors.item_usage(user=request.getfixturevalue(persona), item=promo) is None


def test_the_owner_sees_where_the_item_is_used(msl_a, world):
    usage = selectors.item_usage(user=msl_a, item=world["deck"])
    assert usage.presentations == [world["presentation"]]
    assert usage.share_count == 1
