"""Adverse-event routing: every free text that enters from the field is screened as it is saved
— an insight, interaction notes (outcome, next steps) on completion and on update, an inquiry's
question (captured by an MSL or referred by a sales rep) and its response. A possible adverse
event opens exactly one report in the PV queue on a 24-hour clock; a failure of the screening
never loses the record, it opens a report for manual review. Then the PV officer's queue,
forwarding to the safety system and closing as not an adverse event."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.storage import default_storage
from django.db.models import ProtectedError
from django.utils import timezone

from kolbridge.core import policy
from kolbridge.core.errors import Conflict, Forbidden, Invalid, NotFound
from kolbridge.core.fieldtext import notices_of
from kolbridge.engagements import services as engagements
from kolbridge.engagements.models import Inquiry, Interaction
from kolbridge.insights import selectors, services
from kolbridge.insights.models import AdverseEventReport, AeStatus, Insight
from tests.insights.conftest import BENIGN_TEXT, HARM_TEXT, capture, reports_from

pytestmark = pytest.mark.django_db


# ---- every source of field text -------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One way free text enters from the field: ``enter(world, text)`` saves a record holding the
    text and answers it; ``source_type`` is what the report names."""

    name: str
    source_type: str
    reporter: str
    enter: Callable[[dict[str, Any], str], Any]


def _planned(world: dict[str, Any]) -> Interaction:
    return engagements.interaction_create(
        actor=world["msl_a"],
        kol_ids=[world["kol_a"].pk],
        starts_at=timezone.now() - timedelta(hours=1),
        channel="in_person",
        therapeutic_area_code="ONC",
        product_names=["Zentorix"],
    )


def _completed(world: dict[str, Any], **texts: str) -> Interaction:
    return engagements.interaction_complete(
        actor=world["msl_a"], interaction=_planned(world), **texts
    )


def _updated(world: dict[str, Any], field: str, text: str) -> Interaction:
    done = _completed(world, notes="Good discussion of the renal subgroup.")
    return engagements.interaction_update(
        actor=world["msl_a"], interaction=done, changes={field: text}
    )


def _edited_insight(world: dict[str, Any], text: str) -> Insight:
    row = capture(world["msl_a"], text="Wants data on dosing in renal impairment.",
                  kol_ids=[world["kol_a"].pk])
    return services.insight_edit(actor=world["msl_a"], insight=row, text=text)


def _inquiry(world: dict[str, Any], text: str) -> Inquiry:
    return engagements.inquiry_capture(
        actor=world["msl_a"], kol=world["kol_a"], question=text, channel_received="in_person",
        unsolicited_confirmed=True, product_name="Zentorix",
    )


def _referral(world: dict[str, Any], text: str) -> Inquiry:
    return engagements.inquiry_refer(
        actor=world["rep"], kol=world["kol_a"], question=text, channel_received="in_person",
        unsolicited_confirmed=True, hcp_requested_medical_answer=True, product_name="Zentorix",
    )


def _response(world: dict[str, Any], text: str) -> Inquiry:
    asked = _inquiry(world, "Is there data on Zentorix in renal impairment?")
    return engagements.inquiry_respond(
        actor=world["msl_a"], inquiry=asked, response=text, delivery_channel="email"
    )


SOURCES = [
    Source("insight", "insight", "msl_a",
           lambda w, t: capture(w["msl_a"], text=t, kol_ids=[w["kol_a"].pk])),
    Source("insight-correction", "insight", "msl_a", _edited_insight),
    Source("interaction-notes-on-completion", "interaction", "msl_a",
           lambda w, t: _completed(w, notes=t)),
    Source("interaction-outcome-on-completion", "interaction", "msl_a",
           lambda w, t: _completed(w, notes="Renal subgroup discussed.", outcome=t)),
    Source("interaction-next-steps-on-completion", "interaction", "msl_a",
           lambda w, t: _completed(w, next_steps=t)),
    Source("interaction-notes-on-update", "interaction", "msl_a",
           lambda w, t: _updated(w, "notes", t)),
    Source("interaction-outcome-on-update", "interaction", "msl_a",
           lambda w, t: _updated(w, "outcome", t)),
    Source("inquiry-question", "inquiry_question", "msl_a", _inquiry),
    Source("inquiry-question-referred-by-a-sales-rep", "inquiry_question", "rep", _referral),
    Source("inquiry-response", "inquiry_response", "msl_a", _response),
]
IDS = [s.name for s in SOURCES]


@pytest.fixture
def world(msl_a, rep, kol_a, pv) -> dict[str, Any]:
    return {"msl_a": msl_a, "rep": rep, "kol_a": kol_a, "pv": pv}


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_a_harm_in_field_text_opens_one_report_on_the_24_hour_clock(
    source, world, kol_a, ref, audit_mark
):
    since = audit_mark()
    before = timezone.now()
    record = source.enter(world, HARM_TEXT)
    after = timezone.now()
    [report] = AdverseEventReport.objects.all()
    assert (report.source_type, report.source_id) == (source.source_type, record.pk)
    assert before <= report.received_at <= after
    assert report.due_at - report.received_at == timedelta(hours=24)
    assert "pneumonitis" in report.excerpt
    assert "hospitalisation" in report.harms
    assert (report.status, report.needs_manual_review) == (AeStatus.OPEN, False)
    assert report.reporter == world[source.reporter]
    assert (report.kol, report.product) == (kol_a, ref.product)
    # The person who wrote the text is told, on the saved record.
    [notice] = notices_of(record)
    assert f"report #{report.pk}" in notice
    assert "pharmacovigilance" in notice
    opened = [e for e in since() if e.action == "adverse_event.open"]
    assert [e.object_id for e in opened] == [str(report.pk)]
    assert opened[0].after["excerpt"] == report.excerpt


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_benign_field_text_opens_no_report(source, world):
    record = source.enter(world, BENIGN_TEXT)
    assert not AdverseEventReport.objects.exists()
    assert notices_of(record) == []


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_a_screening_failure_saves_the_record_and_opens_a_report_for_manual_review(
    source, world, monkeypatch
):
    def broken(text: str, products: Any = ()) -> Any:
        raise RuntimeError("lexicon failed to load")

    monkeypatch.setattr("kolbridge.insights.services.screen", broken)
    record = source.enter(world, BENIGN_TEXT)
    type(record).objects.get(pk=record.pk)  # saved
    # (Sources that save an earlier text first get a report for that text too.)
    [report] = AdverseEventReport.objects.filter(excerpt__contains=BENIGN_TEXT)
    assert (report.source_type, report.source_id) == (source.source_type, record.pk)
    assert report.needs_manual_review
    assert "RuntimeError" in report.screening_error
    assert BENIGN_TEXT in report.excerpt
    assert report.due_at - report.received_at == timedelta(hours=24)
    assert f"manual review (report #{report.pk}" in notices_of(record)[-1]


def test_the_same_harm_is_reported_once_when_the_notes_change_around_it(world):
    done = _completed(world, notes=HARM_TEXT)
    engagements.interaction_update(
        actor=world["msl_a"], interaction=done, changes={"duration_minutes": 45}
    )
    engagements.interaction_update(
        actor=world["msl_a"], interaction=done, changes={"next_steps": "Send the renal poster."}
    )
    assert len(reports_from("interaction", done.pk)) == 1


def test_an_insight_and_its_later_harm_each_get_their_report(world):
    row = capture(world["msl_a"], text=HARM_TEXT)
    services.insight_edit(
        actor=world["msl_a"], insight=row,
        text=HARM_TEXT + " A second patient died after the first infusion of Zentorix.",
    )
    assert len(reports_from("insight", row.pk)) == 2


def test_a_referred_harm_reaches_pv_but_the_rep_never_sees_the_report(world, rep, pv):
    record = _referral(world, HARM_TEXT)
    [report] = reports_from("inquiry_question", record.pk)
    assert list(selectors.ae_queue(user=pv)) == [report]
    with pytest.raises(Forbidden, match="Firewall rule"):
        selectors.ae_queue(user=rep)
    assert not policy.can(rep, "adverse_event", "view", report)


# ---- the PV queue ---------------------------------------------------------------------------


@pytest.fixture
def three_reports(msl_a, msl_b, kol_a, kol_b) -> list[AdverseEventReport]:
    """Three open reports, received 3 hours, 20 hours and 1 hour ago (msl_b's the oldest)."""
    rows = []
    for actor, kol, hours in ((msl_a, kol_a, 3), (msl_b, kol_b, 20), (msl_a, kol_a, 1)):
        insight = capture(actor, text=HARM_TEXT, kol_ids=[kol.pk])
        [report] = reports_from("insight", insight.pk)
        received = timezone.now() - timedelta(hours=hours)
        AdverseEventReport.objects.filter(pk=report.pk).update(
            received_at=received, due_at=received + timedelta(hours=24)
        )
        rows.append(report)
    return rows


def test_the_pv_queue_is_ordered_by_due_time(pv, three_reports):
    a3, b20, a1 = three_reports
    assert list(selectors.ae_queue(user=pv)) == [b20, a3, a1]


def test_overdue_reports_are_found(pv, three_reports):
    AdverseEventReport.objects.filter(pk=three_reports[1].pk).update(
        due_at=timezone.now() - timedelta(minutes=5)
    )
    overdue = selectors.ae_queue(user=pv).filter(selectors.ae_overdue())
    assert list(overdue) == [three_reports[1]]


def test_an_msl_sees_the_reports_of_their_own_records_and_the_lead_the_teams(
    msl_a, msl_b, lead, three_reports
):
    a3, b20, a1 = three_reports
    assert list(selectors.ae_queue(user=msl_a)) == [a3, a1]
    assert list(selectors.ae_queue(user=msl_b)) == [b20]
    assert list(selectors.ae_queue(user=lead)) == [a3, a1]
    with pytest.raises(NotFound):
        selectors.ae_get(user=msl_a, report_id=b20.pk)


@pytest.mark.parametrize("who", ["pm", "rep"])
def test_commercial_roles_never_see_adverse_event_reports(request, who, ae_report):
    user = request.getfixturevalue(who)
    with pytest.raises(Forbidden, match="Firewall rule"):
        selectors.ae_queue(user=user)
    assert not policy.visible(user, "adverse_event", AdverseEventReport.objects.all()).exists()
    with pytest.raises(NotFound):
        selectors.ae_get(user=user, report_id=ae_report.pk)


def test_an_unknown_queue_status_is_refused(pv):
    with pytest.raises(Invalid):
        selectors.ae_queue(user=pv, status="lost")


# ---- forward to the safety system, or close as not an AE ------------------------------------


def test_forwarding_writes_the_e2b_like_export_and_happens_once(
    pv, msl_a, kol_a, ae_report, media_root, audit_mark
):
    since = audit_mark()
    row = services.ae_forward(actor=pv, report=ae_report, safety_case_id="ARGUS-2026-0001")
    assert (row.status, row.forwarded_by, row.safety_case_id) == (
        AeStatus.FORWARDED, pv, "ARGUS-2026-0001"
    )
    assert row.forwarded_at is not None
    assert (media_root / row.export_file.name).is_file()
    with default_storage.open(row.export_file.name, "rb") as handle:
        root = ET.fromstring(handle.read())
    report = root.find("safetyreport")
    assert report.findtext("safetyreportid") == f"KB-AE-{row.pk:08d}"
    assert report.findtext("primarysource/reporterfamilyname") == "Okafor"
    assert report.findtext("patient/drug/medicinalproduct") == "Zentorix"
    assert report.findtext("patient/summary/narrativeincludeclinical") == row.excerpt
    reactions = [r.findtext("primarysourcereaction") for r in report.iter("reaction")]
    assert set(reactions) == set(row.harms)
    [entry] = since()
    assert entry.action == "adverse_event.forward"
    assert entry.after["on_time"] is True
    with pytest.raises(Conflict, match="already forwarded"):
        services.ae_forward(actor=pv, report=row)
    with pytest.raises(Conflict):
        services.ae_close_not_ae(actor=pv, report=row, reason="Changed my mind")


def test_closing_as_not_an_ae_needs_a_reason(pv, ae_report, audit_mark):
    since = audit_mark()
    for reason in ("", "   "):
        with pytest.raises(Invalid) as refused:
            services.ae_close_not_ae(actor=pv, report=ae_report, reason=reason)
        assert refused.value.errors == {"reason": ["Say why this is not an adverse event."]}
    assert since() == []
    row = services.ae_close_not_ae(
        actor=pv, report=ae_report, reason="Disease progression, not a drug effect"
    )
    assert (row.status, row.closed_by, row.close_reason) == (
        AeStatus.NOT_AE, pv, "Disease progression, not a drug effect"
    )
    [entry] = since()
    assert (entry.action, entry.reason) == (
        "adverse_event.close_not_ae", "Disease progression, not a drug effect"
    )
    with pytest.raises(Conflict):
        services.ae_forward(actor=pv, report=row)


@pytest.mark.parametrize("who", ["msl_a", "lead"])
def test_only_pharmacovigilance_forwards_or_closes(request, who, ae_report):
    user = request.getfixturevalue(who)
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.ae_forward(actor=user, report=ae_report)
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.ae_close_not_ae(actor=user, report=ae_report, reason="Not one")


def test_a_report_outlives_everything_it_points_at(ae_report, msl_a, kol_a, ref):
    # Nothing about a report is deleted: the KOL, the reporter and the product are protected.
    for target in (kol_a, msl_a, ref.product):
        with pytest.raises(ProtectedError) as refused:
            target.delete()
        assert ae_report in refused.value.protected_objects
    assert AdverseEventReport.objects.filter(pk=ae_report.pk).exists()


def test_the_admin_offers_no_way_to_delete_a_report():
    model_admin = admin.site._registry.get(AdverseEventReport)
    assert model_admin is None or not model_admin.has_delete_permission(None)
