"""What content adds to the pages of lower apps: the KOL timeline (shares, what the KOL viewed
and for how long, content presented in meetings) and "My work" (presentation notices, MLR
sign-offs waiting, drafts returned). Commercial roles get none of the KOL's content activity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kolbridge.content import services
from kolbridge.content.providers import duration_label
from kolbridge.content.services import Beacon, Timing
from kolbridge.core.mywork import my_work_for
from kolbridge.kols.timeline import timeline_for

pytestmark = pytest.mark.django_db


def content_entries(user, kol):
    return [e for e in timeline_for(user=user, kol=kol) if e.kind == "content"]


def section(user, key):
    found = [s for s in my_work_for(user) if s.key == key]
    return found[0] if found else None


@pytest.fixture
def activity(msl_a, kol_a, make_item, claim_module, meeting_a):
    """msl_a shared a deck with kol_a, who read it for 2 min 5 s over two modules and
    downloaded it; msl_a also presented it in a meeting."""
    item = make_item(title="Survival deck", modules=[claim_module])
    p = services.presentation_create(actor=msl_a, kol_id=kol_a.pk, title="For Dr Okafor")
    services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
    services.presentation_add(
        actor=msl_a, presentation=p, item_id=item.pk, module_id=claim_module.pk
    )
    new = services.share_create(actor=msl_a, kol_id=kol_a.pk, presentation_id=p.pk)
    opened = services.share_record_open(link=new.link, at=timezone.now() - timedelta(minutes=10))
    services.share_record_beacon(
        link=new.link, open_id=opened.pk, beacons=[Beacon(1, 80), Beacon(2, 45)], positions=2
    )
    services.share_record_download(link=new.link, open_id=opened.pk, position=1)
    services.presentation_record_presenting(
        actor=msl_a,
        presentation=p,
        interaction_id=meeting_a.pk,
        timings=[Timing(1, 300), Timing(2, 65)],
    )
    return {"link": new.link, "open": opened, "presentation": p}


def test_the_kol_timeline_shows_the_share_the_view_and_the_content_presented(
    msl_a, kol_a, activity
):
    entries = content_entries(msl_a, kol_a)
    by_title = {e.title: e for e in entries}
    shared = by_title["Shared “For Dr Okafor”"]
    assert shared.at == activity["link"].created_at
    assert shared.detail == "link handed over"
    assert shared.by == "Msl A Tester"
    viewed = by_title["Viewed “For Dr Okafor”"]
    assert viewed.at == activity["open"].opened_at
    assert viewed.detail == "2 min 5 s on 2 modules; 1 download"
    presented = by_title["Content presented in a meeting"]
    assert presented.detail == "2 modules, 6 min 5 s"
    assert presented.by == "Msl A Tester"
    assert len(entries) == 3


def test_an_e_mailed_share_says_to_whom(
    msl_a, emailable_kol_a, make_item, approved_template, django_capture_on_commit_callbacks
):
    item = make_item()
    with django_capture_on_commit_callbacks(execute=True):
        services.share_create(
            actor=msl_a,
            kol_id=emailable_kol_a.pk,
            item_id=item.pk,
            email_template_id=approved_template.pk,
        )
    [entry] = content_entries(msl_a, emailable_kol_a)
    assert entry.detail == "e-mailed to a.okafor@ne-hospital.example"


def test_an_open_without_reading_is_shown_as_opened(msl_a, kol_a, make_item):
    link = services.share_create(actor=msl_a, kol_id=kol_a.pk, item_id=make_item().pk).link
    services.share_record_open(link=link)
    viewed = [e for e in content_entries(msl_a, kol_a) if e.title.startswith("Viewed")]
    assert [e.detail for e in viewed] == ["opened"]


def test_the_medical_lead_sees_the_teams_content_activity_on_the_timeline(lead, kol_a, activity):
    assert len(content_entries(lead, kol_a)) == 3


@pytest.mark.parametrize("persona", ["pm", "rep"])
def test_commercial_roles_get_no_content_activity_on_the_kol_timeline(
    request, persona, kol_a, activity
):
    user = request.getfixturevalue(persona)
    entries = timeline_for(user=user, kol=kol_a)
    assert entries, "commercial roles still see the KOL's master-data entries"
    assert content_entries(user, kol_a) == []


def test_another_msl_sees_nothing_of_a_kol_outside_the_territory(msl_b, kol_a, activity):
    assert timeline_for(user=msl_b, kol=kol_a) == []


@pytest.mark.parametrize(
    "seconds,label",
    [(0, "0 s"), (59, "59 s"), (60, "1 min 0 s"), (125, "2 min 5 s"), (3725, "1 h 2 min")],
)
def test_durations_read_like_a_person_would_say_them(seconds, label):
    assert duration_label(seconds) == label


# ---- My work --------------------------------------------------------------------------------


def test_reviewers_see_items_waiting_for_their_sign_off_until_they_sign(
    lead, make_item, reviewer, reviewer2
):
    item = make_item(title="Waiting deck", approve=False)
    services.item_submit(actor=lead, item=item)
    [work] = section(reviewer, "content_review").items
    assert work.title == "Waiting deck (v1)"
    services.item_sign(
        actor=reviewer,
        item=item,
        discipline="medical",
        password="Kolbridge-tests-only-9f3",
        meaning="Accurate.",
    )
    assert section(reviewer, "content_review").items == []
    assert [w.title for w in section(reviewer2, "content_review").items] == ["Waiting deck (v1)"]


@pytest.mark.parametrize("persona", ["msl_a", "lead", "pm", "rep"])
def test_only_reviewers_have_a_sign_off_section(request, persona):
    assert section(request.getfixturevalue(persona), "content_review") is None


def test_an_author_sees_a_draft_returned_by_mlr_review_with_the_comment(lead, make_item, reviewer):
    item = make_item(title="Returned deck", approve=False)
    services.item_submit(actor=lead, item=item)
    services.item_return(actor=reviewer, item=item, comment="Add the fair-balance slide.")
    [work] = section(lead, "content_returned").items
    assert work.title == "Returned deck"
    assert work.detail == "Reviewer Tester: Add the fair-balance slide."
    services.item_submit(actor=lead, item=item)
    assert section(lead, "content_returned") is None


def test_presentation_notices_are_the_owners_only(msl_a, msl_b, lead, kol_a, make_item, reviewer):
    item = make_item()
    p = services.presentation_create(actor=msl_a, kol_id=kol_a.pk, title="Mine")
    services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
    services.item_withdraw(actor=reviewer, item=item, reason="Retracted")
    assert len(section(msl_a, "content_notices").items) == 1
    assert section(msl_b, "content_notices").items == []
    assert section(lead, "content_notices").items == []
    assert section(reviewer, "content_notices") is None
