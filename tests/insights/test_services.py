"""Insight services: capture, the MSL's corrections, medical review (accept, reword, reject,
merge), release to commercial in de-identified form, what was done about insights (closing the
loop) and the product manager's questions. Adverse-event routing has its own module."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from kolbridge.core.errors import Conflict, Forbidden, Invalid, NotFound
from kolbridge.core.mywork import my_work_for
from kolbridge.engagements.services import interaction_create
from kolbridge.insights import selectors, services
from kolbridge.insights.models import (
    ActionStatus,
    Insight,
    InsightStatus,
    PmQuestionStatus,
)
from tests.conftest import _user
from tests.insights.conftest import (
    INSIGHT_TEXT,
    QUESTION_TEXT,
    RELEASED_TEXT,
    accept,
    capture,
    release,
)

pytestmark = pytest.mark.django_db

REWORDED = "Some oncologists avoid Zentorix in patients over 80 for lack of trial data."
ANSWER_SUMMARY = "KOLs ask for dosing evidence in patients over 80 before they use Zentorix."


def actions_of(since) -> list[str]:
    return [e.action for e in since()]


@pytest.fixture
def kol_a2(msl_a):
    """A second KOL of territory NE, who did not attend the meeting."""
    from kolbridge.kols.services import kol_create

    return kol_create(
        actor=msl_a,
        title="Dr",
        first_name="Chidi",
        last_name="Mensah",
        specialty="Nephrology",
        institution="NE General",
        city="Boston",
        country="us",
        territory_code="NE",
        tier=2,
        therapeutic_area_codes=["ONC"],
        external_ids={},
    )


# ---- capture --------------------------------------------------------------------------------


def test_an_insight_from_an_interaction_takes_its_kols_and_is_audited(
    msl_a, kol_a, meeting, audit_mark
):
    since = audit_mark()
    row = capture(msl_a, interaction_id=meeting.pk, tags=["Elderly", "dosing", "elderly", " "])
    assert list(row.kols.all()) == [kol_a]
    assert (row.interaction, row.captured_by, row.status, row.version) == (
        meeting, msl_a, InsightStatus.NEW, 1
    )
    assert (row.category, row.therapeutic_area.code, row.product.name) == (
        "clinical_practice", "ONC", "Zentorix"
    )
    assert row.tags == ["elderly", "dosing"]
    [entry] = since()
    assert (entry.action, entry.actor, entry.object_id) == ("insight.capture", msl_a, str(row.pk))
    assert entry.after["kols"] == [kol_a.pk]
    assert entry.after["text"] == INSIGHT_TEXT


def test_several_insights_are_captured_from_one_interaction(msl_a, meeting):
    for category in ("clinical_practice", "unmet_need", "access"):
        capture(msl_a, interaction_id=meeting.pk, category=category)
    found = selectors.insight_search(user=msl_a, interaction_id=meeting.pk)
    assert sorted(i.category for i in found) == ["access", "clinical_practice", "unmet_need"]


def test_an_insight_needs_no_interaction_and_may_name_kols_of_the_territory(msl_a, kol_a):
    row = capture(msl_a, kol_ids=[kol_a.pk, kol_a.pk], product=None)
    assert list(row.kols.all()) == [kol_a]
    assert (row.interaction, row.product) == (None, None)


@pytest.mark.parametrize("text", ["", "   \n "], ids=["empty", "blank"])
def test_an_empty_insight_is_refused_saying_why(msl_a, text):
    with pytest.raises(Invalid) as refused:
        capture(msl_a, text=text)
    assert refused.value.errors == {"text": ["Write the insight; it cannot be empty."]}
    assert not Insight.objects.exists()


def test_a_20000_character_insight_is_refused_saying_why(msl_a):
    with pytest.raises(Invalid) as refused:
        capture(msl_a, text="x" * 20_000)
    [message] = refused.value.errors["text"]
    assert message.startswith("20,000 characters; an insight is at most 2,000.")
    assert not Insight.objects.exists()


def test_a_category_that_does_not_exist_is_refused_listing_the_categories(msl_a):
    with pytest.raises(Invalid) as refused:
        capture(msl_a, category="gossip")
    [message] = refused.value.errors["category"]
    assert "Unknown category 'gossip'" in message
    assert "unmet_need" in message and "safety" in message
    assert not Insight.objects.exists()


def test_a_kol_who_did_not_attend_the_interaction_is_refused(msl_a, meeting, kol_a2):
    with pytest.raises(Invalid) as refused:
        capture(msl_a, interaction_id=meeting.pk, kol_ids=[kol_a2.pk])
    assert refused.value.errors == {
        "kols": ["Not attendees of that interaction: Dr Chidi Mensah."]
    }
    assert not Insight.objects.exists()


def test_a_kol_of_another_territory_is_unknown_to_the_msl(msl_a, kol_b):
    with pytest.raises(Invalid) as refused:
        capture(msl_a, kol_ids=[kol_b.pk])
    assert refused.value.errors == {"kols": [f"Unknown KOL id(s) for you: [{kol_b.pk}]."]}


def test_an_interaction_the_msl_cannot_see_is_unknown(msl_a, msl_b, kol_b):
    theirs = interaction_create(
        actor=msl_b, kol_ids=[kol_b.pk], starts_at=timezone.now(), channel="phone"
    )
    with pytest.raises(Invalid) as refused:
        capture(msl_a, interaction_id=theirs.pk)
    assert set(refused.value.errors) == {"interaction"}


def test_a_product_of_another_therapeutic_area_is_refused(msl_a):
    with pytest.raises(Invalid) as refused:
        capture(msl_a, therapeutic_area="CARD", product="Zentorix")
    assert refused.value.errors == {"product": ["Zentorix is not a Cardiology product."]}


@pytest.mark.parametrize(
    "field,value", [("therapeutic_area", "NEURO"), ("therapeutic_area", ""), ("product", "Nope")]
)
def test_unknown_reference_data_is_refused_naming_the_field(msl_a, field, value):
    with pytest.raises(Invalid) as refused:
        capture(msl_a, **{field: value})
    assert set(refused.value.errors) == {field}


def test_at_most_ten_tags(msl_a):
    with pytest.raises(Invalid) as refused:
        capture(msl_a, tags=[f"tag{i}" for i in range(11)])
    assert refused.value.errors == {"tags": ["At most 10 tags."]}
    row = capture(msl_a, tags=[f"Tag{i}" for i in range(10)] + ["TAG0"])
    assert len(row.tags) == 10
    assert row.tags[0] == "tag0"


def test_a_long_tag_is_cut_to_forty_characters(msl_a):
    row = capture(msl_a, tags=["a" * 60])
    assert row.tags == ["a" * 40]


@pytest.mark.parametrize("who", ["pm", "rep", "pv", "reviewer", "admin"])
def test_only_medical_field_staff_capture_insights(request, who):
    with pytest.raises(Forbidden, match="Firewall rule"):
        capture(request.getfixturevalue(who))


# ---- the MSL's corrections ------------------------------------------------------------------


def test_the_msl_corrects_their_new_insight_and_the_change_is_audited(
    msl_a, insight_a, audit_mark
):
    since = audit_mark()
    row = services.insight_edit(
        actor=msl_a, insight=insight_a, text=REWORDED, category="unmet_need", tags=["x"],
        expected_version=1,
    )
    assert (row.text, row.category, row.tags, row.version) == (REWORDED, "unmet_need", ["x"], 2)
    [entry] = since()
    assert entry.action == "insight.edit"
    assert entry.before["text"] == INSIGHT_TEXT
    assert entry.after["text"] == REWORDED


def test_a_stale_correction_is_a_conflict(msl_a, insight_a):
    services.insight_edit(actor=msl_a, insight=insight_a, tags=["a"])
    with pytest.raises(Conflict, match="changed by someone else"):
        services.insight_edit(actor=msl_a, insight=insight_a, tags=["b"], expected_version=1)


def test_after_review_the_msl_no_longer_changes_the_insight(msl_a, accepted):
    with pytest.raises(Forbidden, match="Ownership rule"):
        services.insight_edit(actor=msl_a, insight=accepted, text=REWORDED)


def test_another_msl_of_the_territory_may_read_but_not_change_it(msl_c, insight_a):
    assert selectors.insight_get(user=msl_c, insight_id=insight_a.pk) == insight_a
    with pytest.raises(Forbidden, match="Ownership rule"):
        services.insight_edit(actor=msl_c, insight=insight_a, text=REWORDED)


def test_a_correction_to_nothing_is_refused(msl_a, insight_a):
    with pytest.raises(Invalid) as refused:
        services.insight_edit(actor=msl_a, insight=insight_a, text=" ")
    assert set(refused.value.errors) == {"text"}
    insight_a.refresh_from_db()
    assert insight_a.text == INSIGHT_TEXT


# ---- medical review -------------------------------------------------------------------------


def test_accepting_with_new_wording_keeps_the_msls_own_words(lead, insight_a, audit_mark):
    since = audit_mark()
    row = accept(lead, insight_a, text=REWORDED, note="Clearer", expected_version=1)
    assert (row.status, row.text, row.original_text) == ("accepted", REWORDED, INSIGHT_TEXT)
    assert (row.reviewed_by, row.review_note, row.version) == (lead, "Clearer", 2)
    assert row.reviewed_at is not None
    [entry] = since()
    assert entry.action == "insight.accept"
    assert entry.before == {"status": "new", "text": INSIGHT_TEXT}
    assert entry.after == {"status": "accepted", "text": REWORDED}
    again = accept(lead, row, text="A third wording of the same insight.")
    assert again.original_text == INSIGHT_TEXT


def test_accepting_as_is_keeps_no_original(lead, insight_a):
    row = accept(lead, insight_a)
    assert (row.text, row.original_text) == (INSIGHT_TEXT, "")


def test_rejecting_needs_a_note_for_the_msl(lead, insight_a, audit_mark):
    since = audit_mark()
    with pytest.raises(Invalid) as refused:
        services.insight_review(actor=lead, insight=insight_a, decision="reject", note="  ")
    assert set(refused.value.errors) == {"note"}
    assert since() == []
    row = services.insight_review(
        actor=lead, insight=insight_a, decision="reject", note="Not an insight: a fact."
    )
    assert (row.status, row.review_note) == ("rejected", "Not an insight: a fact.")
    [entry] = since()
    assert (entry.action, entry.reason) == ("insight.reject", "Not an insight: a fact.")


def test_an_unknown_decision_is_refused(lead, insight_a):
    with pytest.raises(Invalid) as refused:
        services.insight_review(actor=lead, insight=insight_a, decision="maybe")
    assert set(refused.value.errors) == {"decision"}


@pytest.mark.parametrize("who", ["msl_a", "pv", "pm"])
def test_only_a_medical_lead_reviews(request, who, insight_a):
    with pytest.raises(Forbidden, match="Firewall rule"):
        accept(request.getfixturevalue(who), insight_a)


def test_the_lead_of_another_team_may_not_review_or_release(lead_se, insight_a, accepted):
    with pytest.raises(Forbidden, match="Team rule"):
        accept(lead_se, insight_a)
    with pytest.raises(Forbidden, match="Team rule"):
        release(lead_se, accepted)


def test_merging_a_duplicate_moves_its_kols_to_the_kept_insight(
    lead, msl_a, insight_a, kol_a, kol_a2, audit_mark
):
    duplicate = capture(msl_a, text="Okafor's colleague also avoids Zentorix over 80.",
                        kol_ids=[kol_a2.pk])
    since = audit_mark()
    kept = services.insight_merge(actor=lead, duplicate=duplicate, into=insight_a, note="Same")
    assert kept == insight_a
    assert set(kept.kols.all()) == {kol_a, kol_a2}
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into, duplicate.reviewed_by) == (
        InsightStatus.MERGED, insight_a, lead
    )
    [entry] = since()
    assert entry.action == "insight.merge"
    assert entry.after == {"merged_into": insight_a.pk, "kols_added_to_kept": [kol_a2.pk]}
    with pytest.raises(Conflict, match="merged"):
        accept(lead, duplicate)


def test_merge_refusals(lead, msl_a, insight_a, released):
    other = capture(msl_a, text="Another one.")
    with pytest.raises(Invalid):
        services.insight_merge(actor=lead, duplicate=other, into=other)
    with pytest.raises(Conflict, match="released insight cannot be merged"):
        services.insight_merge(actor=lead, duplicate=released, into=other)
    services.insight_review(actor=lead, insight=other, decision="reject", note="Noise")
    third = capture(msl_a, text="A third one.")
    with pytest.raises(Conflict, match="rejected"):
        services.insight_merge(actor=lead, duplicate=third, into=other)


# ---- release to commercial ------------------------------------------------------------------


def test_release_needs_an_accepted_insight(lead, insight_a):
    with pytest.raises(Conflict, match="Only an accepted insight can be released"):
        release(lead, insight_a)
    insight_a.refresh_from_db()
    assert insight_a.released_at is None


@pytest.mark.parametrize(
    "text,named",
    [
        (INSIGHT_TEXT, "Dr Okafor"),
        ("Okafor avoids Zentorix in patients over 80.", "Okafor"),
        ("Amelia Okafor avoids Zentorix in patients over 80.", "Amelia Okafor"),
        ("Benjamin Varga avoids Zentorix in patients over 80.", "Benjamin Varga"),
        ("Msl A Tester heard that KOLs avoid Zentorix over 80.", "Msl A Tester"),
        ("Oncologists at NE University Hospital avoid Zentorix over 80.", "NE University Hospital"),
        ("On 14 March 2026 a KOL said she avoids Zentorix over 80.", "14 March 2026"),
    ],
    ids=["kol-title", "kol-last-name", "kol", "other-kol", "msl", "institution", "date"],
)
def test_release_is_refused_while_the_wording_still_identifies(
    lead, accepted, kol_b, text, named
):
    with pytest.raises(Invalid) as refused:
        release(lead, accepted, text)
    [message] = refused.value.errors["released_text"]
    assert f"Still identifies: {named}" in message
    accepted.refresh_from_db()
    assert (accepted.released_at, accepted.released_text) == (None, "")


def test_release_of_empty_wording_is_refused(lead, accepted):
    with pytest.raises(Invalid) as refused:
        release(lead, accepted, "  ")
    assert set(refused.value.errors) == {"released_text"}


def test_a_safety_insight_never_goes_to_commercial(lead, msl_a):
    row = capture(msl_a, text="KOLs ask how the label describes infusion reactions.",
                  category="safety")
    row = accept(lead, row)
    with pytest.raises(Forbidden, match="Safety rule"):
        release(lead, row, "KOLs ask how the label describes infusion reactions.")
    row.refresh_from_db()
    assert row.released_at is None


def test_the_suggested_wording_removes_the_kols_name(accepted):
    suggestion = services.release_suggestion(accepted)
    assert "Okafor" not in suggestion
    assert "Zentorix in patients over 80" in suggestion


def test_release_keeps_the_checked_wording_and_is_audited(lead, accepted, audit_mark):
    since = audit_mark()
    row = release(lead, accepted)
    assert (row.released_text, row.released_by, row.text) == (RELEASED_TEXT, lead, INSIGHT_TEXT)
    assert row.is_released
    [entry] = since()
    assert entry.action == "insight.release"
    assert entry.after["released_text"] == RELEASED_TEXT
    assert entry.before == {"released_text": "", "released_at": None}


def test_commercial_roles_read_only_released_de_identified_insights(
    pm, rep, released, insight_b
):
    for user in (pm, rep):
        rows = selectors.released_insights(user=user)
        assert [r.id for r in rows] == [released.pk]
        [row] = rows
        assert set(dataclasses.asdict(row)) == {
            "id", "text", "category", "category_label", "therapeutic_area", "product",
            "released_on",
        }
        assert (row.text, row.category_label, row.therapeutic_area, row.product) == (
            RELEASED_TEXT, "Clinical practice", "Oncology", "Zentorix"
        )
        dumped = json.dumps(dataclasses.asdict(row), default=str)
        for secret in ("Okafor", "Amelia", "msl_a", "Tester", INSIGHT_TEXT):
            assert secret not in dumped
        with pytest.raises(Forbidden, match="Firewall rule"):
            selectors.insight_search(user=user)


def test_released_insights_filter_by_product_area_category_and_period(pm, released):
    today = timezone.localdate()
    assert selectors.released_insights(user=pm, product="zentorix", released_from=today)
    assert not selectors.released_insights(user=pm, therapeutic_area="CARD")
    assert not selectors.released_insights(user=pm, category="access")
    with pytest.raises(Invalid) as refused:
        selectors.released_insights(
            user=pm, released_from=today, released_to=today - timedelta(days=1)
        )
    assert set(refused.value.errors) == {"released_to"}


def test_unrelease_needs_a_reason_and_takes_the_insight_back(lead, pm, released, audit_mark):
    with pytest.raises(Invalid) as refused:
        services.insight_unrelease(actor=lead, insight=released, reason="")
    assert set(refused.value.errors) == {"reason"}
    since = audit_mark()
    row = services.insight_unrelease(actor=lead, insight=released, reason="Names a site")
    assert (row.released_at, row.released_text, row.released_by) == (None, "", None)
    assert selectors.released_insights(user=pm) == []
    [entry] = since()
    assert (entry.action, entry.reason) == ("insight.unrelease", "Names a site")
    with pytest.raises(Conflict, match="not released"):
        services.insight_unrelease(actor=lead, insight=row, reason="Again")


def test_a_released_insight_cannot_be_rejected_or_turned_into_a_safety_insight(lead, released):
    with pytest.raises(Conflict, match="withdraw the release"):
        services.insight_review(actor=lead, insight=released, decision="reject", note="No")
    with pytest.raises(Conflict, match="safety"):
        services.insight_edit(actor=lead, insight=released, category="safety")
    released.refresh_from_db()
    assert (released.status, released.category) == ("accepted", "clinical_practice")


# ---- closing the loop -----------------------------------------------------------------------


def test_an_action_on_an_accepted_insight_is_recorded_and_audited(lead, accepted, audit_mark):
    since = audit_mark()
    row = services.action_record(
        actor=lead, decision="evidence", action="Evidence-generation request: over-80 cohort",
        owner_id=lead.pk, insight_id=accepted.pk,
    )
    assert (row.insight, row.theme, row.owner, row.status) == (accepted, None, lead, "open")
    [entry] = since()
    assert entry.action == "insight_action.create"
    assert entry.after["decision"] == "evidence"


def test_an_unreviewed_insight_gets_no_action(lead, insight_a):
    with pytest.raises(Conflict, match="accepted"):
        services.action_record(
            actor=lead, decision="act", action="Do it", owner_id=lead.pk, insight_id=insight_a.pk
        )


def test_no_action_needs_a_reason_and_is_done_at_once(lead, accepted):
    with pytest.raises(Invalid) as refused:
        services.action_record(
            actor=lead, decision="no_action", action=" ", owner_id=lead.pk,
            insight_id=accepted.pk,
        )
    assert refused.value.errors == {"action": ["Write the reason for no action."]}
    row = services.action_record(
        actor=lead, decision="no_action", action="Already covered by the label",
        owner_id=lead.pk, insight_id=accepted.pk,
    )
    assert (row.status, row.action) == (ActionStatus.DONE, "Already covered by the label")
    assert row.done_at is not None


def test_an_action_on_a_theme(lead, theme):
    row = services.action_record(
        actor=lead, decision="plan", action="Into the medical plan", owner_id=lead.pk,
        theme_id=theme.pk,
    )
    assert (row.theme, row.insight) == (theme, None)


@pytest.mark.parametrize(
    "extra,field",
    [
        ({}, "insight"),
        ({"insight_id": 1, "theme_id": 1}, "insight"),
        ({"theme_id": 987654}, "theme"),
        ({"insight_id": 987654}, "insight"),
        ({"theme_id": 1, "decision": "shrug"}, "decision"),
        ({"theme_id": 1, "owner_id": 987654}, "owner"),
    ],
    ids=["no-subject", "two-subjects", "unknown-theme", "unknown-insight", "decision", "owner"],
)
def test_action_refusals_name_the_field(lead, extra, field):
    arguments = {"decision": "act", "action": "Do it", "owner_id": lead.pk, **extra}
    with pytest.raises(Invalid) as refused:
        services.action_record(actor=lead, **arguments)
    assert set(refused.value.errors) == {field}


def test_completing_an_action_needs_the_outcome_and_happens_once(lead, action, audit_mark):
    with pytest.raises(Invalid):
        services.action_complete(actor=lead, action=action, outcome="")
    since = audit_mark()
    done = services.action_complete(actor=lead, action=action, outcome="FAQ approved")
    assert (done.status, done.outcome) == ("done", "FAQ approved")
    assert actions_of(since) == ["insight_action.complete"]
    with pytest.raises(Conflict):
        services.action_complete(actor=lead, action=action, outcome="Again")


@pytest.mark.parametrize("who", ["msl_a", "pv", "pm"])
def test_only_a_medical_lead_decides_actions(request, who, lead, accepted):
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.action_record(
            actor=request.getfixturevalue(who), decision="act", action="x", owner_id=lead.pk,
            insight_id=accepted.pk,
        )


def test_the_msl_sees_what_became_of_their_insight(msl_a, msl_b, accepted, action):
    [outcome] = selectors.outcomes_for_msl(user=msl_a)
    assert (outcome.insight_id, outcome.insight_text, outcome.via_theme) == (
        accepted.pk, INSIGHT_TEXT, ""
    )
    assert outcome.action == action
    assert selectors.outcomes_for_msl(user=msl_b) == []


def test_the_msl_hears_of_an_action_on_a_theme_their_insight_is_in(lead, msl_a, theme):
    row = services.action_record(
        actor=lead, decision="new_content", action="FAQ on the very elderly", owner_id=lead.pk,
        theme_id=theme.pk,
    )
    [outcome] = selectors.outcomes_for_msl(user=msl_a)
    assert (outcome.via_theme, outcome.action) == (theme.name, row)


def test_the_msl_whose_duplicate_was_merged_hears_of_the_action_on_the_kept_one(
    lead, msl_a, msl_c, accepted, kol_a
):
    duplicate = capture(msl_c, text="Okafor avoids Zentorix over 80.", kol_ids=[kol_a.pk])
    services.insight_merge(actor=lead, duplicate=duplicate, into=accepted)
    services.action_record(
        actor=lead, decision="new_content", action="FAQ", owner_id=lead.pk, insight_id=accepted.pk
    )
    [outcome] = selectors.outcomes_for_msl(user=msl_c)
    assert (outcome.insight_id, outcome.insight_text) == (
        duplicate.pk, "Okafor avoids Zentorix over 80."
    )
    assert [o.insight_id for o in selectors.outcomes_for_msl(user=msl_a)] == [accepted.pk]


def test_my_work_tells_the_msl_what_became_of_their_insights(msl_a, accepted, action):
    sections = {s.key: s for s in my_work_for(msl_a)}
    outcomes = sections["insight_outcomes"]
    [item] = outcomes.items
    assert item.title == "Your insight: New or updated content"
    assert "New FAQ on dosing in patients over 80" in item.detail
    assert item.url.endswith(f"/insights/{accepted.pk}/")


def test_my_work_of_commercial_roles_has_no_insight_outcomes(pm, rep, action):
    for user in (pm, rep):
        keys = {s.key for s in my_work_for(user)}
        assert "insight_outcomes" not in keys
        assert "insight_review" not in keys
        assert "ae_queue" not in keys


# ---- the product manager's questions --------------------------------------------------------


def test_the_pm_feedback_loop_from_question_to_released_answer(
    pm, lead, msl_a, meeting, audit_mark
):
    since = audit_mark()
    question = services.pm_question_ask(actor=pm, product="Zentorix", text=QUESTION_TEXT)
    assert question.status == PmQuestionStatus.ASKED
    assert selectors.pm_questions_for(user=msl_a).count() == 0
    question = services.pm_question_route(
        actor=lead, question=question, msl_ids=[msl_a.pk], note="Ask your KOLs"
    )
    assert question.status == PmQuestionStatus.ROUTED
    assert list(selectors.pm_questions_for(user=msl_a)) == [question]
    answer = capture(msl_a, interaction_id=meeting.pk, pm_question_id=question.pk)
    assert answer.pm_question == question
    answer = release(lead, accept(lead, answer))
    question = services.pm_question_answer(
        actor=lead, question=question, summary=ANSWER_SUMMARY, insight_ids=[answer.pk]
    )
    assert (question.status, question.answer_summary, question.answered_by) == (
        PmQuestionStatus.ANSWERED, ANSWER_SUMMARY, lead
    )
    assert actions_of(since)[:2] == ["pm_question.ask", "pm_question.route"]
    assert actions_of(since)[-1] == "pm_question.answer"
    seen = selectors.pm_question_get(user=pm, question_id=question.pk)
    assert seen.answer_summary == ANSWER_SUMMARY
    answers = selectors.released_insights(user=pm, pm_question_id=question.pk)
    assert [a.text for a in answers] == [RELEASED_TEXT]
    assert selectors.released_answers(user=pm, question_ids=[question.pk]) == {
        question.pk: answers
    }


def test_asking_needs_a_product_and_a_question(pm):
    with pytest.raises(Invalid) as refused:
        services.pm_question_ask(actor=pm, product="", text=QUESTION_TEXT)
    assert set(refused.value.errors) == {"product"}
    with pytest.raises(Invalid) as refused:
        services.pm_question_ask(actor=pm, product="Zentorix", text=" ")
    assert set(refused.value.errors) == {"text"}
    with pytest.raises(Invalid) as refused:
        services.pm_question_ask(actor=pm, product="Zentorix", text="?" * 2001)
    assert set(refused.value.errors) == {"text"}


@pytest.mark.parametrize("who", ["msl_a", "lead", "rep"])
def test_only_a_product_manager_asks(request, who):
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.pm_question_ask(
            actor=request.getfixturevalue(who), product="Zentorix", text=QUESTION_TEXT
        )


def test_routing_needs_msls(lead, pm, question):
    with pytest.raises(Invalid) as refused:
        services.pm_question_route(actor=lead, question=question, msl_ids=[])
    assert refused.value.errors == {"msls": ["Choose at least one MSL."]}
    with pytest.raises(Invalid) as refused:
        services.pm_question_route(actor=lead, question=question, msl_ids=[pm.pk])
    assert set(refused.value.errors) == {"msls"}
    assert str(pm.pk) in refused.value.errors["msls"][0]


def test_only_a_medical_lead_routes_and_answers(pm, msl_a, question):
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.pm_question_route(actor=pm, question=question, msl_ids=[msl_a.pk])
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.pm_question_decline(actor=msl_a, question=question, reason="No")


def test_an_msl_answers_only_questions_routed_to_them(msl_a, msl_b, routed, question):
    with pytest.raises(Invalid) as refused:
        capture(msl_b, pm_question_id=routed.pk)
    assert set(refused.value.errors) == {"pm_question"}


def test_a_question_not_yet_routed_takes_no_answers(msl_a, question):
    with pytest.raises(Invalid):
        capture(msl_a, pm_question_id=question.pk)


def test_the_answer_summary_may_not_name_a_person(lead, routed):
    with pytest.raises(Invalid) as refused:
        services.pm_question_answer(
            actor=lead, question=routed, summary="Dr Okafor avoids it over 80.", insight_ids=[]
        )
    assert "Still identifies: Dr Okafor" in refused.value.errors["summary"][0]
    with pytest.raises(Invalid) as refused:
        services.pm_question_answer(actor=lead, question=routed, summary=" ", insight_ids=[])
    assert set(refused.value.errors) == {"summary"}


def test_the_answer_carries_only_released_answers_of_that_question(
    lead, msl_a, routed, released
):
    answer = accept(lead, capture(msl_a, text=RELEASED_TEXT, pm_question_id=routed.pk))
    with pytest.raises(Invalid) as refused:
        services.pm_question_answer(
            actor=lead, question=routed, summary=ANSWER_SUMMARY, insight_ids=[answer.pk]
        )
    assert refused.value.errors == {"insights": [f"Release these insights first: [{answer.pk}]."]}
    with pytest.raises(Invalid) as refused:
        services.pm_question_answer(
            actor=lead, question=routed, summary=ANSWER_SUMMARY, insight_ids=[released.pk]
        )
    assert refused.value.errors == {
        "insights": [f"Not answers to this question: [{released.pk}]."]
    }
    routed.refresh_from_db()
    assert routed.status == PmQuestionStatus.ROUTED


def test_a_question_is_answered_only_once_routed(lead, question):
    with pytest.raises(Conflict, match="Route the question"):
        services.pm_question_answer(
            actor=lead, question=question, summary=ANSWER_SUMMARY, insight_ids=[]
        )


def test_declining_needs_a_reason_and_happens_once(lead, pm, routed, audit_mark):
    with pytest.raises(Invalid) as refused:
        services.pm_question_decline(actor=lead, question=routed, reason="")
    assert set(refused.value.errors) == {"reason"}
    since = audit_mark()
    row = services.pm_question_decline(
        actor=lead, question=routed, reason="A promotional question; ask brand."
    )
    assert (row.status, row.decline_reason) == (
        PmQuestionStatus.DECLINED, "A promotional question; ask brand."
    )
    [entry] = since()
    assert (entry.action, entry.reason) == (
        "pm_question.decline", "A promotional question; ask brand."
    )
    with pytest.raises(Conflict, match="declined already"):
        services.pm_question_decline(actor=lead, question=routed, reason="Again")
    assert selectors.pm_question_get(user=pm, question_id=routed.pk).decline_reason
    with pytest.raises(Conflict):
        services.pm_question_route(actor=lead, question=routed, msl_ids=[routed.routed_to.get().pk])


def test_a_pm_sees_only_their_own_questions(ref, pm, question):
    other = _user("pm_2", "product_manager")
    assert list(selectors.pm_questions_for(user=pm)) == [question]
    assert list(selectors.pm_questions_for(user=other)) == []
    with pytest.raises(NotFound):
        selectors.pm_question_get(user=other, question_id=question.pk)


def test_the_lead_sees_the_msls_answers_with_their_names(lead, msl_a, routed):
    answer = capture(msl_a, pm_question_id=routed.pk)
    assert list(selectors.question_answers(user=lead, question=routed)) == [answer]


def test_themes_are_medical_and_list_active_themes_only(lead, msl_a, pm, theme):
    assert list(selectors.themes_for(user=msl_a)) == [theme]
    assert selectors.theme_get(user=lead, theme_id=theme.pk).acted_on == 0
    with pytest.raises(Forbidden, match="Firewall rule"):
        selectors.themes_for(user=pm)
