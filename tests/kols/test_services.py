"""Writes to the KOL 360: profile, journey history, channel preferences, questions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kolbridge.core.audit import audit_verify
from kolbridge.core.errors import Conflict, Forbidden, Invalid
from kolbridge.kols import services
from kolbridge.kols.models import (
    Kol,
    KolChannelPreference,
    KolExternalId,
    KolKnowledgeAssessment,
    KolStageChange,
    ScientificQuestion,
)

pytestmark = pytest.mark.django_db


def new_kol(actor, **overrides):
    fields = dict(
        first_name="Chidi", last_name="Adeyemi", specialty="Cardiology",
        institution="Harbor Heart Institute", territory_code="NE",
    )
    return services.kol_create(actor=actor, **(fields | overrides))


def days_ago(n: int):
    return timezone.now() - timedelta(days=n)


# ---- profile --------------------------------------------------------------------------------


def test_kol_create_stores_profile_external_ids_and_areas_and_audits_it(msl_a, audit_mark):
    since = audit_mark()
    kol = new_kol(
        msl_a, country="gb", therapeutic_area_codes=["CARD", "IMM"],
        external_ids={"npi": "1003000126", "orcid": "https://orcid.org/0000-0002-1694-233x"},
    )
    assert kol.country == "GB"
    assert sorted(kol.therapeutic_areas.values_list("code", flat=True)) == ["CARD", "IMM"]
    assert dict(kol.external_ids.values_list("system", "value")) == {
        "npi": "1003000126", "orcid": "0000-0002-1694-233X",
    }
    [entry] = since()
    assert (entry.action, entry.actor, entry.object_id) == ("kol.create", msl_a, str(kol.pk))
    assert entry.before is None
    assert entry.after["last_name"] == "Adeyemi"
    assert entry.after["territory"] == "NE"
    assert entry.after["therapeutic_areas"] == ["CARD", "IMM"]
    assert entry.after["external_ids"] == {"npi": "1003000126", "orcid": "0000-0002-1694-233X"}


@pytest.mark.parametrize("persona", ["pm", "rep", "reviewer", "pv"])
def test_roles_outside_medical_field_and_admin_cannot_create_kols(request, persona, audit_mark):
    actor = request.getfixturevalue(persona)
    since = audit_mark()
    with pytest.raises(Forbidden):
        new_kol(actor)
    assert not Kol.objects.exists()
    assert since() == []


def test_msl_cannot_create_a_kol_outside_own_territory(msl_a):
    with pytest.raises(Invalid) as refused:
        new_kol(msl_a, territory_code="SE")
    assert "territory" in refused.value.errors
    assert not Kol.objects.exists()


def test_duplicate_external_id_on_create_is_a_conflict_and_writes_nothing(msl_a, kol_a, audit_mark):
    since = audit_mark()
    kols = Kol.objects.count()
    with pytest.raises(Conflict) as clash:
        new_kol(msl_a, external_ids={"crm": "CRM-1", "npi": "1234567893"})
    assert f"KOL #{kol_a.pk}" in clash.value.message
    assert "Okafor" in clash.value.message
    assert Kol.objects.count() == kols
    assert not KolExternalId.objects.filter(value="CRM-1").exists()
    assert since() == []


def test_conflict_does_not_name_a_kol_the_actor_may_not_see(msl_a, kol_b):
    with pytest.raises(Conflict) as clash:
        new_kol(msl_a, external_ids={"npi": "1245319599"})
    assert f"KOL #{kol_b.pk}" in clash.value.message
    assert "Varga" not in clash.value.message


def test_invalid_external_ids_are_refused_per_id(msl_a):
    with pytest.raises(Invalid) as refused:
        new_kol(msl_a, external_ids={"npi": "1234567890", "orcid": "0000-0002-1825-0098"})
    [npi_error, orcid_error] = refused.value.errors["external_ids"]
    assert "NPI" in npi_error and "ORCID" in orcid_error
    assert not Kol.objects.exists()


def test_invalid_profile_fields_are_all_named(msl_a):
    with pytest.raises(Invalid) as refused:
        new_kol(msl_a, first_name="", email="not-an-email", tier=9)
    assert {"first_name", "email", "tier"} <= set(refused.value.errors)


def test_unknown_therapeutic_area_is_refused(msl_a):
    with pytest.raises(Invalid, match="XYZ"):
        new_kol(msl_a, therapeutic_area_codes=["ONC", "XYZ"])
    assert not Kol.objects.exists()


def test_kol_update_changes_fields_bumps_version_and_audits_only_the_difference(
    msl_a, kol_a, audit_mark
):
    since = audit_mark()
    kol = services.kol_update(
        actor=msl_a, kol=kol_a, changes={"specialty": "Thoracic oncology", "tier": 2},
        expected_version=kol_a.version,
    )
    assert (kol.specialty, kol.tier, kol.version) == ("Thoracic oncology", 2, kol_a.version + 1)
    [entry] = since()
    assert entry.action == "kol.update"
    assert entry.actor == msl_a
    assert entry.before == {"specialty": "Medical oncology", "tier": 1}
    assert entry.after == {"specialty": "Thoracic oncology", "tier": 2}


def test_kol_update_without_a_real_change_writes_nothing(msl_a, kol_a, audit_mark):
    since = audit_mark()
    kol = services.kol_update(actor=msl_a, kol=kol_a, changes={"specialty": kol_a.specialty})
    assert kol.version == kol_a.version
    assert since() == []


def test_kol_update_with_a_stale_version_is_a_conflict_and_changes_nothing(
    msl_a, lead, kol_a, audit_mark
):
    seen_version = kol_a.version
    services.kol_update(actor=lead, kol=kol_a, changes={"city": "Cambridge"})
    since = audit_mark()
    with pytest.raises(Conflict, match="changed by someone else"):
        services.kol_update(
            actor=msl_a, kol=kol_a, changes={"city": "Providence"}, expected_version=seen_version
        )
    kol_a.refresh_from_db()
    assert kol_a.city == "Cambridge"
    assert since() == []


def test_kol_update_with_a_taken_external_id_leaves_nothing_half_written(
    msl_a, kol_a, audit_mark
):
    other = new_kol(msl_a, external_ids={"crm": "CRM-77"})
    since = audit_mark()
    with pytest.raises(Conflict):
        services.kol_update(
            actor=msl_a, kol=other,
            changes={"specialty": "Changed", "therapeutic_areas": ["IMM"],
                     "external_ids": {"npi": "1234567893"}},
        )
    other.refresh_from_db()
    assert other.specialty == "Cardiology"
    assert list(other.therapeutic_areas.all()) == []
    assert dict(other.external_ids.values_list("system", "value")) == {"crm": "CRM-77"}
    assert other.version == 1
    assert since() == []


def test_kol_update_removes_an_external_id_given_an_empty_value(msl_a, kol_a):
    services.kol_update(actor=msl_a, kol=kol_a, changes={"external_ids": {"npi": ""}})
    assert not kol_a.external_ids.exists()


def test_kol_update_refuses_fields_that_cannot_change(msl_a, kol_a):
    with pytest.raises(Invalid) as refused:
        services.kol_update(actor=msl_a, kol=kol_a, changes={"current_stage": "advocating"})
    assert "current_stage" in refused.value.errors


def test_msl_cannot_move_a_kol_out_of_reach(msl_a, kol_a):
    with pytest.raises(Invalid):
        services.kol_update(actor=msl_a, kol=kol_a, changes={"territory": "SE"})
    kol_a.refresh_from_db()
    assert kol_a.territory.code == "NE"


def test_admin_can_move_a_kol_to_another_territory(admin, kol_a, audit_mark):
    since = audit_mark()
    services.kol_update(actor=admin, kol=kol_a, changes={"territory": "SE"})
    kol_a.refresh_from_db()
    assert kol_a.territory.code == "SE"
    [entry] = since()
    assert (entry.before, entry.after) == ({"territory": "NE"}, {"territory": "SE"})


def test_msl_cannot_change_a_kol_of_another_territory(msl_a, kol_b):
    with pytest.raises(Forbidden, match="Territory rule"):
        services.kol_update(actor=msl_a, kol=kol_b, changes={"city": "Miami"})


# ---- learning-journey stage -----------------------------------------------------------------


def test_every_stage_change_is_kept_and_current_stage_follows_the_newest(msl_a, audit_mark):
    kol = new_kol(msl_a)
    assert kol.current_stage == "unaware"
    since = audit_mark()
    services.kol_stage_record(actor=msl_a, kol=kol, stage="aware", at=days_ago(30))
    services.kol_stage_record(actor=msl_a, kol=kol, stage="exploring", at=days_ago(5))
    services.kol_stage_record(actor=msl_a, kol=kol, stage="evaluating", note="Asked for data")
    kol.refresh_from_db()
    assert kol.current_stage == "evaluating"
    history = list(KolStageChange.objects.filter(kol=kol).values_list("stage", "previous_stage"))
    assert history == [("evaluating", "exploring"), ("exploring", "aware"), ("aware", "")]
    entries = since()
    assert [e.action for e in entries] == ["kol.stage_change"] * 3
    assert entries[-1].actor == msl_a
    assert entries[-1].before == {"current_stage": "exploring"}
    assert entries[-1].after["stage"] == "evaluating"
    assert entries[-1].after["note"] == "Asked for data"


def test_backdated_stage_change_is_kept_but_does_not_override_a_newer_one(msl_a):
    kol = new_kol(msl_a)
    services.kol_stage_record(actor=msl_a, kol=kol, stage="adopting", at=days_ago(2))
    late_entry = services.kol_stage_record(actor=msl_a, kol=kol, stage="aware", at=days_ago(200))
    kol.refresh_from_db()
    assert kol.current_stage == "adopting"
    assert kol.stage_since == KolStageChange.objects.get(stage="adopting").changed_at
    assert late_entry.previous_stage == ""
    assert KolStageChange.objects.filter(kol=kol).count() == 2


def test_backdated_stage_change_in_between_becomes_the_previous_stage_of_the_next(msl_a):
    kol = new_kol(msl_a)
    services.kol_stage_record(actor=msl_a, kol=kol, stage="aware", at=days_ago(300))
    newest = services.kol_stage_record(actor=msl_a, kol=kol, stage="evaluating", at=days_ago(10))
    assert newest.previous_stage == "aware"
    middle = services.kol_stage_record(actor=msl_a, kol=kol, stage="exploring", at=days_ago(100))
    newest.refresh_from_db()
    assert middle.previous_stage == "aware"
    assert newest.previous_stage == "exploring"


def test_stage_change_in_the_future_is_refused(msl_a, kol_a):
    with pytest.raises(Invalid) as refused:
        services.kol_stage_record(
            actor=msl_a, kol=kol_a, stage="adopting", at=timezone.now() + timedelta(days=1)
        )
    assert "changed_at" in refused.value.errors
    kol_a.refresh_from_db()
    assert kol_a.current_stage == "exploring"


def test_unknown_stage_is_refused(msl_a, kol_a):
    with pytest.raises(Invalid, match="Stages: unaware"):
        services.kol_stage_record(actor=msl_a, kol=kol_a, stage="enlightened")


@pytest.mark.parametrize("persona", ["pm", "rep", "pv", "admin", "reviewer"])
def test_only_medical_field_roles_record_stage_changes(request, persona, kol_a):
    with pytest.raises(Forbidden):
        services.kol_stage_record(actor=request.getfixturevalue(persona), kol=kol_a, stage="aware")


def test_msl_cannot_record_a_stage_for_another_territory(msl_a, kol_b):
    with pytest.raises(Forbidden):
        services.kol_stage_record(actor=msl_a, kol=kol_b, stage="aware")


# ---- knowledge ------------------------------------------------------------------------------


def test_knowledge_of_a_therapeutic_area_is_recorded_and_audited(msl_a, kol_a, audit_mark):
    since = audit_mark()
    record = services.kol_knowledge_record(
        actor=msl_a, kol=kol_a, level=4, therapeutic_area_code="IMM", note="Knows the trials"
    )
    assert (record.therapeutic_area.code, record.product, record.level) == ("IMM", None, 4)
    [entry] = since()
    assert entry.action == "kol.knowledge_record"
    assert entry.actor == msl_a
    assert entry.after["subject"] == "Immunology"
    assert entry.after["level"] == 4


def test_knowledge_of_a_product_is_found_by_name(msl_a, kol_a):
    record = services.kol_knowledge_record(actor=msl_a, kol=kol_a, level=2, product_name="zentorix")
    assert record.product.name == "Zentorix"
    assert record.therapeutic_area is None


@pytest.mark.parametrize(
    "subject",
    [{}, {"therapeutic_area_code": "ONC", "product_name": "Zentorix"}],
    ids=["neither", "both"],
)
def test_knowledge_needs_exactly_one_subject(msl_a, kol_a, subject):
    before = KolKnowledgeAssessment.objects.count()
    with pytest.raises(Invalid) as refused:
        services.kol_knowledge_record(actor=msl_a, kol=kol_a, level=3, **subject)
    assert "subject" in refused.value.errors
    assert KolKnowledgeAssessment.objects.count() == before


def test_database_refuses_knowledge_about_two_subjects(kol_a, ref):
    with pytest.raises(IntegrityError), transaction.atomic():
        KolKnowledgeAssessment.objects.create(
            kol=kol_a, therapeutic_area=ref.onc, product=ref.product, level=3,
            assessed_at=timezone.now(),
        )


def test_unknown_product_or_area_is_refused(msl_a, kol_a):
    with pytest.raises(Invalid, match="Unknown product"):
        services.kol_knowledge_record(actor=msl_a, kol=kol_a, level=3, product_name="Nope")
    with pytest.raises(Invalid, match="Unknown therapeutic area"):
        services.kol_knowledge_record(actor=msl_a, kol=kol_a, level=3, therapeutic_area_code="NO")


def test_invalid_knowledge_level_is_refused(msl_a, kol_a):
    with pytest.raises(Invalid) as refused:
        services.kol_knowledge_record(actor=msl_a, kol=kol_a, level=9, therapeutic_area_code="ONC")
    assert "level" in refused.value.errors


# ---- channel preferences --------------------------------------------------------------------


def test_channel_preferences_refuse_email_without_consent(msl_a, kol_a):
    before = KolChannelPreference.objects.count()
    with pytest.raises(Invalid) as refused:
        services.kol_channel_preferences_record(
            actor=msl_a, kol=kol_a, channels=["email", "phone"], email_consent=False
        )
    assert "email_consent" in refused.value.errors
    assert KolChannelPreference.objects.count() == before


def test_channel_preferences_with_consent_are_kept_in_history_and_audited(
    msl_a, kol_a, audit_mark
):
    since = audit_mark()
    pref = services.kol_channel_preferences_record(
        actor=msl_a, kol=kol_a, channels=["email", "webinar", "email"], email_consent=True,
        preferred_times="Fridays",
    )
    assert pref.channels == ["email", "webinar"]
    assert KolChannelPreference.objects.filter(kol=kol_a).count() == 2
    [entry] = since()
    assert entry.action == "kol.channel_preferences_record"
    assert entry.after["channels"] == ["email", "webinar"]
    assert entry.after["email_consent"] is True


def test_unknown_channel_is_refused(msl_a, kol_a):
    with pytest.raises(Invalid, match="carrier pigeon"):
        services.kol_channel_preferences_record(
            actor=msl_a, kol=kol_a, channels=["carrier pigeon"], email_consent=False
        )


# ---- scientific questions -------------------------------------------------------------------


def test_question_goes_open_answered_open_with_dates_and_audits(msl_a, kol_a, audit_mark):
    since = audit_mark()
    asked = days_ago(3)
    question = services.kol_question_add(
        actor=msl_a, kol=kol_a, text="  Any data in pregnancy?  ", therapeutic_area_code="ONC",
        asked_at=asked,
    )
    assert (question.text, question.status, question.asked_at) == (
        "Any data in pregnancy?", "open", asked
    )
    assert question.answered_at is None

    answered = services.kol_question_update(
        actor=msl_a, question=question, status="answered", answer_summary="Sent the registry data"
    )
    assert answered.status == "answered"
    assert answered.answered_at is not None and answered.answered_at >= asked

    reopened = services.kol_question_update(actor=msl_a, question=answered, status="open")
    assert reopened.status == "open"
    assert reopened.answered_at is None

    added, answer, reopen = since()
    assert (added.action, answer.action, reopen.action) == (
        "kol.question_add", "kol.question_update", "kol.question_update"
    )
    assert added.object_id == str(kol_a.pk)
    assert added.after["text"] == "Any data in pregnancy?"
    assert answer.before["status"] == "open"
    assert answer.after["status"] == "answered"
    assert answer.after["answer_summary"] == "Sent the registry data"
    assert reopen.after["answered_at"] is None


def test_marking_an_answered_question_answered_again_keeps_its_answer_date(msl_a, kol_a):
    question = services.kol_question_add(actor=msl_a, kol=kol_a, text="Dose in the elderly?",
                                         asked_at=days_ago(20))
    first = services.kol_question_update(
        actor=msl_a, question=question, status="answered", answered_at=days_ago(5)
    )
    again = services.kol_question_update(
        actor=msl_a, question=first, status="answered", answer_summary="Sent the subgroup data"
    )
    assert again.answered_at == first.answered_at


def test_question_cannot_be_answered_before_it_was_asked(msl_a, kol_a):
    question = ScientificQuestion.objects.get(kol=kol_a)
    with pytest.raises(Invalid) as refused:
        services.kol_question_update(
            actor=msl_a, question=question, status="answered",
            answered_at=question.asked_at - timedelta(days=1),
        )
    assert "answered_at" in refused.value.errors
    question.refresh_from_db()
    assert question.status == "open"


def test_unknown_question_status_is_refused(msl_a, kol_a):
    question = ScientificQuestion.objects.get(kol=kol_a)
    with pytest.raises(Invalid):
        services.kol_question_update(actor=msl_a, question=question, status="closed")


def test_database_refuses_an_answered_question_without_a_date(kol_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ScientificQuestion.objects.create(
            kol=kol_a, text="x", status="answered", asked_at=timezone.now()
        )


def test_blank_question_is_refused(msl_a, kol_a):
    with pytest.raises(Invalid) as refused:
        services.kol_question_add(actor=msl_a, kol=kol_a, text="   ")
    assert "text" in refused.value.errors


@pytest.mark.parametrize("persona", ["pm", "rep", "pv", "admin"])
def test_only_msls_and_leads_log_questions(request, persona, kol_a):
    with pytest.raises(Forbidden):
        services.kol_question_add(actor=request.getfixturevalue(persona), kol=kol_a, text="Q?")


def test_msl_cannot_touch_questions_of_another_territory(msl_a, kol_b):
    question = ScientificQuestion.objects.get(kol=kol_b)
    with pytest.raises(Forbidden):
        services.kol_question_update(actor=msl_a, question=question, status="answered")


def test_every_kol_write_keeps_the_audit_chain_intact(kol_a, kol_b, msl_a):
    services.kol_update(actor=msl_a, kol=kol_a, changes={"tier": 2})
    assert audit_verify().ok
