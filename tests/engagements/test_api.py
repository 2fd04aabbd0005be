"""The engagements API through the HTTP client: /interactions, /inquiries (with /referrals)
and /follow-ups. Every endpoint's 401, 403 and 404 and an audit entry for every write; then the
behaviours of issue 3 one by one."""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from kolbridge.core.models import AuditEntry
from kolbridge.engagements import services
from kolbridge.engagements.clock import inquiry_due_at
from kolbridge.engagements.models import FollowUp, Inquiry, Interaction
from kolbridge.kols.models import ScientificQuestion
from tests.engagements.conftest import (
    ANSWER,
    INQUIRY_QUESTION,
    NEXT_STEPS,
    NOTES,
    OBJECTIVES,
    OUTCOME,
    RAISED,
    REFERRED_QUESTION,
    answer_and_close,
    capture,
    log,
    plan,
    refer,
)
from tests.utils import bad_fields, detail, get, patch, post

pytestmark = pytest.mark.django_db

UNKNOWN = 987654
INTERACTION_TEAM = ("msl_a", "lead")


def iso(value) -> str:
    return value.isoformat()


def today() -> str:
    return timezone.localdate().isoformat()


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    body: Callable[[dict[str, int]], Any] | None = None
    ok: int = 200
    audit: tuple[str, ...] = ()
    actor: str = "msl_a"
    # Roles the firewall refuses (403 naming the rule), signed in as these personas.
    denied: tuple[str, ...] = ("rep", "pm", "admin")
    # Who cannot reach the record (404), and which id in the path to replace with an unknown one.
    outsider: str | None = "msl_b"
    id_key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def url(self, ids: dict[str, int]) -> str:
        return self.path.format(**ids)

    def send(self, client, ids: dict[str, int]):
        url = self.url(ids)
        if self.method == "get":
            return get(client, url)
        payload = self.body(ids) if self.body else {}
        return (post if self.method == "post" else patch)(client, url, payload)


ENDPOINTS = [
    Endpoint("get", "/interactions", denied=("rep", "pm", "pv", "reviewer", "admin"),
             outsider=None),
    Endpoint(
        "post", "/interactions",
        lambda ids: {"kols": [ids["kol"]], "starts_at": iso(timezone.now() + timedelta(days=1)),
                     "channel": "video", "objectives": OBJECTIVES},
        ok=201, audit=("interaction.create",), outsider=None,
        denied=("rep", "pm", "pv", "reviewer", "admin"),
    ),
    Endpoint("get", "/interactions/{interaction}", id_key="interaction",
             denied=("rep", "pm", "pv", "reviewer", "admin")),
    Endpoint("patch", "/interactions/{interaction}", lambda ids: {"notes": "Prep", "version": 1},
             audit=("interaction.update",), id_key="interaction",
             denied=("rep", "pm", "pv", "reviewer", "admin")),
    Endpoint(
        "post", "/interactions/{interaction}/complete",
        lambda ids: {"notes": NOTES, "questions": [RAISED],
                     "follow_ups": [{"title": "Send poster", "due_date": today()}]},
        audit=("kol.question_add", "follow_up.create", "interaction.complete"),
        id_key="interaction", denied=("rep", "pm", "pv", "reviewer", "admin"),
    ),
    Endpoint("post", "/interactions/{interaction}/cancel", lambda ids: {"reason": "KOL ill"},
             audit=("interaction.cancel",), id_key="interaction",
             denied=("rep", "pm", "pv", "reviewer", "admin")),
    Endpoint("get", "/interactions/{interaction}/ical", id_key="interaction",
             denied=("rep", "pm", "pv", "reviewer", "admin")),
    Endpoint("get", "/inquiries", outsider=None),
    Endpoint(
        "post", "/inquiries",
        lambda ids: {"kol": ids["kol"], "question": "Q?", "channel_received": "phone",
                     "unsolicited_confirmed": True},
        ok=201, audit=("inquiry.capture",), outsider=None, denied=("rep", "pm", "pv", "admin"),
    ),
    Endpoint("get", "/inquiries/{inquiry}", id_key="inquiry"),
    Endpoint("post", "/inquiries/{inquiry}/start", audit=("inquiry.start",), id_key="inquiry",
             denied=("rep", "pm", "pv", "admin")),
    Endpoint("post", "/inquiries/{inquiry}/respond",
             lambda ids: {"response": ANSWER, "delivery_channel": "email"},
             audit=("inquiry.respond",), id_key="inquiry", denied=("rep", "pm", "pv", "admin")),
    Endpoint("post", "/inquiries/{answered}/close", audit=("inquiry.close",), id_key="answered",
             denied=("rep", "pm", "pv", "admin")),
    Endpoint("get", "/inquiries/referrals", actor="rep",
             denied=("msl_a", "lead", "pv", "pm", "admin"), outsider=None),
    Endpoint(
        "post", "/inquiries/referrals",
        lambda ids: {"kol": ids["kol"], "question": REFERRED_QUESTION,
                     "channel_received": "in_person", "unsolicited_confirmed": True,
                     "hcp_requested_medical_answer": True},
        ok=201, audit=("inquiry.refer",), actor="rep",
        denied=("msl_a", "lead", "pv", "pm", "admin"), outsider=None,
    ),
    Endpoint("get", "/inquiries/referrals/{referral}", actor="rep", id_key="referral",
             denied=("msl_a", "lead", "pv", "pm", "admin"), outsider="rep_2"),
    Endpoint("get", "/follow-ups", denied=("rep", "pm", "pv", "admin"), outsider=None),
    Endpoint(
        "post", "/follow-ups",
        lambda ids: {"title": "Call back", "due_date": today(), "kol": ids["kol"]},
        ok=201, audit=("follow_up.create",), outsider=None, denied=("rep", "pm", "pv", "admin"),
    ),
    Endpoint("patch", "/follow-ups/{follow_up}", lambda ids: {"status": "done"},
             audit=("follow_up.status",), id_key="follow_up",
             denied=("rep", "pm", "pv", "admin")),
]
IDS = [e.label for e in ENDPOINTS]
WITH_ID = [e for e in ENDPOINTS if e.id_key]
OUT_OF_REACH = [e for e in ENDPOINTS if e.outsider and e.id_key]


def _answered(msl_a, kol_a):
    row = capture(msl_a, kol_a, question="Already answered?")
    return answer_and_close(msl_a, row, close=False)


@pytest.fixture
def ids(request, msl_a, kol_a) -> dict[str, int]:
    """The records the endpoint under test names in its path (only those: building records
    is most of a test's time)."""
    endpoint = request.node.callspec.params["endpoint"]
    needed = {name for _, name, _, _ in string.Formatter().parse(endpoint.path) if name}
    built = {"kol": kol_a.pk}
    for key, fixture in (("interaction", "planned"), ("inquiry", "inquiry_a"),
                         ("referral", "referral"), ("follow_up", "follow_up_a")):
        if key in needed:
            built[key] = request.getfixturevalue(fixture).pk
    if "answered" in needed:
        built["answered"] = _answered(msl_a, kol_a).pk
    return built


@pytest.fixture
def persona(request, as_user):
    def client_for(name: str):
        return as_user(request.getfixturevalue(name))

    return client_for


def body_text(response) -> str:
    return response.content.decode()


# ---- every endpoint: success with its audit, 401, 403, 404 ----------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_endpoint_answers_the_allowed_role_and_audits_each_write(
    endpoint, ids, persona, audit_mark, request
):
    actor = request.getfixturevalue(endpoint.actor)
    client = persona(endpoint.actor)
    since = audit_mark()
    response = endpoint.send(client, ids)
    assert response.status_code == endpoint.ok, response.content
    entries = since()
    assert [e.action for e in entries] == list(endpoint.audit)
    assert all(e.actor == actor for e in entries)
    if endpoint.audit:
        assert all(e.after for e in entries)


# Ids for requests that must be refused before any record is looked up.
NO_RECORDS = dict.fromkeys(
    ("kol", "interaction", "inquiry", "answered", "referral", "follow_up"), UNKNOWN
)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_endpoint_without_sign_in_is_401_and_writes_nothing(
    endpoint, planned, outsider, audit_mark
):
    since = audit_mark()
    response = endpoint.send(outsider, {**NO_RECORDS, "interaction": planned.pk})
    assert response.status_code == 401
    assert since() == []


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_endpoint_for_a_role_the_firewall_refuses_is_403_naming_the_rule(
    endpoint, ids, persona, audit_mark
):
    # Every refused role in one test (the records are built once): each must get its 403.
    clients = {who: persona(who) for who in endpoint.denied}
    since = audit_mark()
    wrong = []
    for who, client in clients.items():
        response = endpoint.send(client, ids)
        body = body_text(response)
        if response.status_code != 403 or not detail(response).startswith("Firewall rule:"):
            wrong.append((who, response.status_code, body[:200]))
        leaked = [s for s in (NOTES, OBJECTIVES, INQUIRY_QUESTION, ANSWER, REFERRED_QUESTION)
                  if s in body]
        if leaked:
            wrong.append((who, "leaked", leaked))
    assert wrong == []
    assert since() == []


@pytest.mark.parametrize("endpoint", WITH_ID, ids=[e.label for e in WITH_ID])
def test_endpoint_with_an_unknown_id_is_404(endpoint, persona, audit_mark):
    client = persona(endpoint.actor)
    since = audit_mark()
    response = endpoint.send(client, NO_RECORDS)
    assert response.status_code == 404
    assert str(UNKNOWN) in detail(response)
    assert since() == []


@pytest.mark.parametrize("endpoint", OUT_OF_REACH, ids=[e.label for e in OUT_OF_REACH])
def test_endpoint_on_a_record_out_of_reach_is_404_as_if_it_did_not_exist(
    endpoint, ids, persona, audit_mark
):
    client = persona(endpoint.outsider)
    since = audit_mark()
    response = endpoint.send(client, ids)
    assert response.status_code == 404
    assert since() == []
    text = body_text(response)
    for secret in (NOTES, OBJECTIVES, INQUIRY_QUESTION, REFERRED_QUESTION, "Okafor"):
        assert secret not in text


def test_bearer_token_reaches_the_api_like_a_session(token_client, msl_a, planned):
    response = get(token_client(msl_a), f"/interactions/{planned.pk}")
    assert response.status_code == 200
    assert response.json()["objectives"] == OBJECTIVES


# ---- interactions ---------------------------------------------------------------------------


def test_plan_then_complete_through_the_api(msl_a, kol_a, as_user):
    client = as_user(msl_a)
    starts = timezone.now() - timedelta(minutes=30)
    created = post(client, "/interactions", {
        "kols": [kol_a.pk], "starts_at": iso(starts), "channel": "in_person",
        "therapeutic_area": "ONC", "products": ["Zentorix"], "objectives": OBJECTIVES,
    })
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["owner"], body["msls"], body["version"]) == (
        "planned", "msl_a", ["msl_a"], 1
    )
    assert body["kols"] == [{"id": kol_a.pk, "name": "Dr Amelia Okafor"}]
    assert (body["therapeutic_area"], body["products"]) == ("ONC", ["Zentorix"])
    done = post(client, f"/interactions/{body['id']}/complete", {
        "notes": NOTES, "outcome": OUTCOME, "next_steps": NEXT_STEPS, "version": 1,
    })
    assert done.status_code == 200, done.content
    out = done.json()
    assert (out["status"], out["notes"], out["version"], out["locked"]) == (
        "completed", NOTES, 2, False
    )
    assert out["completed_at"]


def test_cancel_through_the_api_keeps_the_reason(msl_a, planned, as_user):
    response = post(as_user(msl_a), f"/interactions/{planned.pk}/cancel", {"reason": "KOL ill"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == ("cancelled", "KOL ill")
    again = post(as_user(msl_a), f"/interactions/{planned.pk}/cancel", {"reason": "again"})
    assert again.status_code == 422
    assert "Only a planned interaction can be cancelled" in json.dumps(again.json())


def test_interaction_without_attendee_is_422_saying_why(msl_a, as_user):
    response = post(as_user(msl_a), "/interactions", {
        "kols": [], "starts_at": iso(timezone.now()), "channel": "phone",
    })
    assert bad_fields(response) == {"kols"}
    assert response.json()["detail"][0]["msg"] == "An interaction needs at least one HCP attendee."
    assert Interaction.objects.count() == 0


def test_completing_an_interaction_in_the_future_is_422_saying_why(msl_a, kol_a, as_user):
    row = plan(msl_a, [kol_a], starts_at=timezone.now() + timedelta(days=1))
    response = post(as_user(msl_a), f"/interactions/{row.pk}/complete", {"notes": NOTES})
    assert bad_fields(response) == {"starts_at"}
    assert response.json()["detail"][0]["msg"] == "A completed interaction cannot be in the future."
    row.refresh_from_db()
    assert row.status == "planned"


def test_logging_a_completed_interaction_in_the_future_is_422(msl_a, kol_a, as_user):
    response = post(as_user(msl_a), "/interactions", {
        "kols": [kol_a.pk], "starts_at": iso(timezone.now() + timedelta(days=1)),
        "channel": "phone", "completed": True, "notes": NOTES,
    })
    assert bad_fields(response) == {"starts_at"}
    assert Interaction.objects.count() == 0


def test_logging_a_past_interaction_in_one_call(msl_a, kol_a, as_user):
    response = post(as_user(msl_a), "/interactions", {
        "kols": [kol_a.pk], "starts_at": iso(timezone.now() - timedelta(days=2)),
        "channel": "phone", "completed": True, "notes": NOTES, "questions": [RAISED],
        "follow_ups": [{"title": "Send reprint", "due_date": today()}],
    })
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "completed"
    assert ScientificQuestion.objects.filter(kol=kol_a, text=RAISED).count() == 1
    assert FollowUp.objects.get().interaction_id == response.json()["id"]


def test_completing_turns_questions_into_kol_questions_and_follow_ups(
    msl_a, kol_a, kol_a2, as_user
):
    client = as_user(msl_a)
    row = plan(msl_a, [kol_a, kol_a2])
    response = post(client, f"/interactions/{row.pk}/complete", {
        "questions": [RAISED],
        "follow_ups": [{"title": "Send the BBB data", "due_date": today()}],
    })
    assert response.status_code == 200, response.content
    for kol in (kol_a, kol_a2):
        questions = get(client, f"/kols/{kol.pk}/questions").json()
        assert RAISED in [q["text"] for q in questions]
        assert next(q for q in questions if q["text"] == RAISED)["status"] == "open"
    follow_ups = get(client, "/follow-ups").json()
    [mine] = [f for f in follow_ups if f["title"] == "Send the BBB data"]
    assert (mine["owner"], mine["interaction"], mine["status"]) == ("msl_a", row.pk, "open")


def test_completing_with_a_bad_follow_up_owner_writes_nothing(msl_a, planned, kol_a, as_user,
                                                              audit_mark):
    since = audit_mark()
    response = post(as_user(msl_a), f"/interactions/{planned.pk}/complete", {
        "notes": NOTES, "questions": [RAISED],
        "follow_ups": [{"title": "x", "due_date": today(), "owner": "pm"}],
    })
    assert bad_fields(response) == {"follow_ups"}
    assert "Unknown owner 'pm'" in response.json()["detail"][0]["msg"]
    planned.refresh_from_db()
    assert (planned.status, planned.notes) == ("planned", "")
    assert not ScientificQuestion.objects.filter(text=RAISED).exists()
    assert FollowUp.objects.count() == 0
    assert since() == []


def test_patch_with_a_stale_version_is_409_and_overwrites_nothing(msl_a, lead, planned, as_user,
                                                                   audit_mark):
    first = patch(as_user(lead), f"/interactions/{planned.pk}", {"notes": "Lead", "version": 1})
    assert first.status_code == 200
    assert first.json()["version"] == 2
    since = audit_mark()
    second = patch(as_user(msl_a), f"/interactions/{planned.pk}", {"notes": "Mine", "version": 1})
    assert second.status_code == 409
    assert "changed by someone else" in detail(second)
    assert "Reload it" in detail(second)
    planned.refresh_from_db()
    assert (planned.notes, planned.version) == ("Lead", 2)
    assert since() == []


def test_patch_with_the_current_version_succeeds(msl_a, planned, as_user):
    response = patch(as_user(msl_a), f"/interactions/{planned.pk}", {
        "objectives": "Updated", "channel": "phone", "version": 1,
    })
    assert response.status_code == 200
    assert (response.json()["objectives"], response.json()["channel"]) == ("Updated", "phone")


def test_patch_by_a_territory_msl_not_on_the_interaction_is_403_ownership(msl_c, planned, as_user):
    response = patch(as_user(msl_c), f"/interactions/{planned.pk}", {"notes": "x"})
    assert response.status_code == 403
    assert "Ownership rule" in detail(response)
    complete = post(as_user(msl_c), f"/interactions/{planned.pk}/complete", {})
    assert complete.status_code == 403


def _lock(interaction, days=8):
    Interaction.objects.filter(pk=interaction.pk).update(
        completed_at=timezone.now() - timedelta(days=days)
    )


def test_locked_interaction_is_amended_only_with_a_reason_kept_in_the_audit(
    msl_a, completed, as_user, audit_mark
):
    _lock(completed)
    client = as_user(msl_a)
    assert get(client, f"/interactions/{completed.pk}").json()["locked"] is True
    refused = patch(client, f"/interactions/{completed.pk}", {"notes": "New"})
    assert bad_fields(refused) == {"reason"}
    assert "locked" in refused.json()["detail"][0]["msg"]
    completed.refresh_from_db()
    assert completed.notes == NOTES
    since = audit_mark()
    amended = patch(client, f"/interactions/{completed.pk}", {
        "notes": "New", "reason": "Wrong dose written", "version": completed.version,
    })
    assert amended.status_code == 200, amended.content
    assert amended.json()["notes"] == "New"
    [entry] = since()
    assert (entry.action, entry.reason) == ("interaction.amend", "Wrong dose written")
    assert (entry.before, entry.after) == ({"notes": NOTES}, {"notes": "New"})


@override_settings(KOLBRIDGE_INTERACTION_LOCK_DAYS=30)
def test_a_longer_lock_window_leaves_the_interaction_open_to_plain_edits(
    msl_a, completed, as_user, audit_mark
):
    _lock(completed, days=8)
    since = audit_mark()
    response = patch(as_user(msl_a), f"/interactions/{completed.pk}", {"notes": "New"})
    assert response.status_code == 200
    assert response.json()["locked"] is False
    assert [e.action for e in since()] == ["interaction.update"]


@pytest.fixture
def calendar_rows(msl_a, msl_c, kol_a, kol_a2):
    now = timezone.now()
    video = log(msl_a, [kol_a], starts_at=now - timedelta(days=10), channel="video")
    phone = plan(msl_a, [kol_a2], starts_at=now + timedelta(days=1), channel="phone")
    other = plan(msl_c, [kol_a], starts_at=now - timedelta(days=3), channel="in_person")
    return {"video": video.pk, "phone": phone.pk, "other": other.pk}


def listed(client, **params) -> list[int]:
    response = get(client, "/interactions", **params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_interaction_list_filters_by_kol_msl_dates_channel_and_status(
    msl_a, kol_a, kol_a2, calendar_rows, as_user
):
    client = as_user(msl_a)
    rows = calendar_rows
    assert listed(client) == [rows["phone"], rows["other"], rows["video"]]
    assert listed(client, kol=kol_a2.pk) == [rows["phone"]]
    assert listed(client, kol=kol_a.pk) == [rows["other"], rows["video"]]
    assert listed(client, msl="msl_c") == [rows["other"]]
    assert listed(client, channel="video") == [rows["video"]]
    assert listed(client, status="completed") == [rows["video"]]
    assert listed(client, status="planned", msl="msl_a") == [rows["phone"]]
    day = timezone.localdate()
    assert listed(client, date_from=(day - timedelta(days=5)).isoformat()) == [
        rows["phone"], rows["other"]
    ]
    assert listed(client, date_to=(day - timedelta(days=5)).isoformat()) == [rows["video"]]
    three_days_ago = (day - timedelta(days=3)).isoformat()
    assert listed(client, date_from=three_days_ago, date_to=three_days_ago) == [rows["other"]]


def test_interaction_list_counts_and_pages(msl_a, calendar_rows, as_user):
    body = get(as_user(msl_a), "/interactions", limit=1, offset=1).json()
    assert (body["count"], body["limit"], body["offset"]) == (3, 1, 1)
    assert [r["id"] for r in body["items"]] == [calendar_rows["other"]]


def test_filtering_one_of_several_attendees_and_msls_lists_the_interaction_once(
    msl_a, kol_a, kol_a2, msl_c, as_user
):
    row = plan(msl_a, [kol_a, kol_a2], msl_usernames=["msl_c"])
    body = get(as_user(msl_a), "/interactions", kol=kol_a2.pk, msl="msl_c").json()
    assert ([r["id"] for r in body["items"]], body["count"]) == ([row.pk], 1)
    assert body["items"][0]["msls"] == ["msl_a", "msl_c"]
    assert {k["id"] for k in body["items"][0]["kols"]} == {kol_a.pk, kol_a2.pk}


def test_date_to_before_date_from_is_422(msl_a, as_user):
    response = get(as_user(msl_a), "/interactions", date_from="2025-03-10", date_to="2025-03-01")
    assert bad_fields(response) == {"date_to"}
    assert "before its start" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("params,field_name", [
    ({"channel": "fax"}, "channel"),
    ({"status": "done"}, "status"),
    ({"date_from": "not-a-date"}, "date_from"),
    ({"limit": 0}, "limit"),
])
def test_bad_filter_values_are_422_naming_the_filter(msl_a, as_user, params, field_name):
    assert bad_fields(get(as_user(msl_a), "/interactions", **params)) == {field_name}


def test_msl_of_another_territory_never_sees_those_interactions_in_lists(
    msl_b, kol_a, calendar_rows, interaction_b, as_user
):
    client = as_user(msl_b)
    assert listed(client) == [interaction_b.pk]
    assert listed(client, kol=kol_a.pk) == []
    assert listed(client, msl="msl_a") == []


def test_lead_lists_the_teams_interactions(lead, calendar_rows, interaction_b, as_user):
    assert set(listed(as_user(lead))) == set(calendar_rows.values())


# ---- the KOL timeline across the firewall ---------------------------------------------------


def timeline(client, kol) -> list[dict]:
    response = get(client, f"/kols/{kol.pk}/timeline")
    assert response.status_code == 200
    return response.json()


def test_interactions_appear_on_each_attendees_timeline_for_medical(
    msl_a, kol_a, kol_a2, as_user
):
    row = log(msl_a, [kol_a, kol_a2])
    for kol in (kol_a, kol_a2):
        entries = [e for e in timeline(as_user(msl_a), kol) if e["kind"] == "interaction"]
        assert len(entries) == 1
        assert entries[0]["title"] == "Completed video call interaction"
        assert OUTCOME in entries[0]["detail"]
        assert NEXT_STEPS in entries[0]["detail"]
        assert entries[0]["by"] == "Msl A Tester"
        assert entries[0]["at"].startswith(row.starts_at.date().isoformat())


@pytest.mark.parametrize("persona_name", ["rep", "pm"])
def test_commercial_roles_see_only_that_a_medical_interaction_took_place_on_a_date(
    persona_name, msl_a, kol_a, completed, planned, inquiry_a, persona
):
    client = persona(persona_name)
    entries = [e for e in timeline(client, kol_a) if e["kind"] == "interaction"]
    # Only the completed one: a planned meeting has not taken place.
    assert entries == [{
        "at": entries[0]["at"],
        "kind": "interaction",
        "title": "Medical interaction took place",
        "detail": "",
        "by": "",
    }]
    at = entries[0]["at"]
    assert at.startswith(timezone.localtime(completed.starts_at).date().isoformat())
    assert "T00:00:00" in at  # the day only, not the time of the meeting
    text = json.dumps(timeline(client, kol_a))
    for secret in (NOTES, OBJECTIVES, OUTCOME, NEXT_STEPS, RAISED, INQUIRY_QUESTION, "Video",
                   "Oncology", "Zentorix", "Msl A"):
        assert secret not in text, secret


def test_commercial_roles_see_no_questions_raised_in_interactions(pm, kol_a, completed, as_user):
    response = get(as_user(pm), f"/kols/{kol_a.pk}/questions")
    assert response.status_code == 403
    assert RAISED not in body_text(response)


# ---- inquiries ------------------------------------------------------------------------------


def test_captured_inquiry_is_due_in_five_business_days_and_urgent_in_one(
    msl_a, kol_a, as_user
):
    client = as_user(msl_a)
    received = timezone.now() - timedelta(hours=2)
    standard = post(client, "/inquiries", {
        "kol": kol_a.pk, "question": INQUIRY_QUESTION, "channel_received": "phone",
        "unsolicited_confirmed": True, "received_at": iso(received), "product": "Zentorix",
    })
    urgent = post(client, "/inquiries", {
        "kol": kol_a.pk, "question": "Urgent one", "channel_received": "phone",
        "unsolicited_confirmed": True, "received_at": iso(received), "urgency": "urgent",
    })
    assert standard.status_code == urgent.status_code == 201
    assert Inquiry.objects.get(pk=standard.json()["id"]).due_at == inquiry_due_at(
        received, "standard"
    )
    assert Inquiry.objects.get(pk=urgent.json()["id"]).due_at == inquiry_due_at(received, "urgent")
    body = standard.json()
    assert (body["status"], body["source"], body["captured_by"], body["product"]) == (
        "open", "msl", "msl_a", "Zentorix"
    )
    assert body["overdue"] is False


def test_inquiry_without_unsolicited_confirmation_is_422_saying_why(msl_a, kol_a, as_user):
    response = post(as_user(msl_a), "/inquiries", {
        "kol": kol_a.pk, "question": "Q", "channel_received": "phone",
        "unsolicited_confirmed": False,
    })
    assert bad_fields(response) == {"unsolicited_confirmed"}
    assert "unsolicited" in response.json()["detail"][0]["msg"]
    assert Inquiry.objects.count() == 0


def test_inquiry_for_a_kol_outside_the_territory_is_422_unknown_kol(msl_a, kol_b, as_user):
    response = post(as_user(msl_a), "/inquiries", {
        "kol": kol_b.pk, "question": "Q", "channel_received": "phone",
        "unsolicited_confirmed": True,
    })
    assert bad_fields(response) == {"kol"}
    assert Inquiry.objects.count() == 0


def test_queue_is_ordered_by_due_date_with_overdue_first(msl_a, kol_a, as_user):
    now = timezone.now()
    later = capture(msl_a, kol_a, question="Standard")
    urgent = capture(msl_a, kol_a, question="Urgent", urgency="urgent")
    overdue = capture(msl_a, kol_a, question="Old", received_at=now - timedelta(days=12))
    done = capture(msl_a, kol_a, question="Answered", received_at=now - timedelta(days=20))
    answer_and_close(msl_a, done, close=False)
    body = get(as_user(msl_a), "/inquiries").json()
    assert [(r["id"], r["overdue"]) for r in body["items"]] == [
        (overdue.pk, True), (urgent.pk, False), (later.pk, False)
    ]
    assert body["count"] == 3
    answered = get(as_user(msl_a), "/inquiries", status="answered").json()["items"]
    assert [(r["id"], r["overdue"]) for r in answered] == [(done.pk, False)]


def test_inquiry_lifecycle_open_in_progress_answered_closed(msl_a, inquiry_a, as_user):
    client = as_user(msl_a)
    started = post(client, f"/inquiries/{inquiry_a.pk}/start", {})
    assert started.json()["status"] == "in_progress"
    answered = post(client, f"/inquiries/{inquiry_a.pk}/respond", {
        "response": ANSWER, "delivery_channel": "email", "version": started.json()["version"],
    })
    assert answered.status_code == 200
    body = answered.json()
    assert (body["status"], body["response"], body["responder"], body["delivery_channel"]) == (
        "answered", ANSWER, "msl_a", "email"
    )
    closed = post(client, f"/inquiries/{inquiry_a.pk}/close", {})
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"]
    again = post(client, f"/inquiries/{inquiry_a.pk}/respond", {
        "response": "More", "delivery_channel": "email",
    })
    assert bad_fields(again) == {"status"}


def test_respond_with_a_stale_version_is_409(msl_a, inquiry_a, as_user):
    client = as_user(msl_a)
    post(client, f"/inquiries/{inquiry_a.pk}/start", {})
    response = post(client, f"/inquiries/{inquiry_a.pk}/respond", {
        "response": ANSWER, "delivery_channel": "email", "version": 1,
    })
    assert response.status_code == 409
    inquiry_a.refresh_from_db()
    assert inquiry_a.response == ""


def test_pv_officer_reads_the_inquiry_queue(pv, inquiry_a, inquiry_b, as_user):
    body = get(as_user(pv), "/inquiries").json()
    assert {r["id"] for r in body["items"]} == {inquiry_a.pk, inquiry_b.pk}


def test_msl_of_another_territory_never_sees_the_inquiry_in_the_queue(
    msl_b, inquiry_a, inquiry_b, as_user
):
    client = as_user(msl_b)
    assert [r["id"] for r in get(client, "/inquiries").json()["items"]] == [inquiry_b.pk]
    assert get(client, "/inquiries", kol=inquiry_a.kol_id).json()["items"] == []


# ---- referrals: the sales rep's path, without the answer ------------------------------------


REFERRAL_KEYS = {"id", "kol", "question", "received_at", "status", "closed_at"}


def test_referral_without_the_unsolicited_confirmation_is_422_with_the_reason(
    rep, kol_a, as_user
):
    response = post(as_user(rep), "/inquiries/referrals", {
        "kol": kol_a.pk, "question": "Q", "channel_received": "phone",
        "unsolicited_confirmed": False, "hcp_requested_medical_answer": True,
    })
    assert bad_fields(response) == {"unsolicited_confirmed"}
    assert "The HCP must confirm the question was unsolicited" in response.json()["detail"][0][
        "msg"
    ]
    assert Inquiry.objects.count() == 0


def test_referral_without_the_hcps_request_for_a_medical_answer_is_422(rep, kol_a, as_user):
    response = post(as_user(rep), "/inquiries/referrals", {
        "kol": kol_a.pk, "question": "Q", "channel_received": "phone",
        "unsolicited_confirmed": True, "hcp_requested_medical_answer": False,
    })
    assert bad_fields(response) == {"hcp_requested_medical_answer"}
    assert "HCP asked for medical to answer" in response.json()["detail"][0]["msg"]
    assert Inquiry.objects.count() == 0


def test_referral_missing_the_confirmation_fields_is_422(rep, kol_a, as_user):
    response = post(as_user(rep), "/inquiries/referrals", {
        "kol": kol_a.pk, "question": "Q", "channel_received": "phone",
    })
    assert bad_fields(response) == {"unsolicited_confirmed", "hcp_requested_medical_answer"}


def test_sales_rep_answering_an_inquiry_is_403_naming_the_firewall_rule(
    rep, referral, as_user
):
    response = post(as_user(rep), f"/inquiries/{referral.pk}/respond", {
        "response": "Here is the answer", "delivery_channel": "email",
    })
    assert response.status_code == 403
    assert detail(response) == (
        "Firewall rule: the Sales representative role may not respond medical information "
        "requests (inquiries) and their answers — inquiries are answered by medical only; a "
        "sales representative refers a question to medical and never answers it."
    )
    referral.refresh_from_db()
    assert (referral.status, referral.response) == ("open", "")


def test_sales_rep_follows_a_referral_from_received_to_closed_without_the_answer(
    rep, msl_a, kol_a, as_user
):
    client = as_user(rep)
    created = post(client, "/inquiries/referrals", {
        "kol": kol_a.pk, "question": REFERRED_QUESTION, "channel_received": "in_person",
        "unsolicited_confirmed": True, "hcp_requested_medical_answer": True,
    })
    assert created.status_code == 201
    assert set(created.json()) == REFERRAL_KEYS
    referral_id = created.json()["id"]
    assert created.json()["status"] == "received"

    inquiry = Inquiry.objects.get(pk=referral_id)
    answer_and_close(msl_a, inquiry, close=False)
    one = get(client, f"/inquiries/referrals/{referral_id}").json()
    assert (one["status"], one["closed_at"]) == ("received", None)

    services.inquiry_close(actor=msl_a, inquiry=inquiry)
    listing = get(client, "/inquiries/referrals")
    [row] = listing.json()
    assert set(row) == REFERRAL_KEYS
    assert (row["id"], row["status"], row["question"]) == (referral_id, "closed",
                                                           REFERRED_QUESTION)
    assert row["closed_at"]
    one = get(client, f"/inquiries/referrals/{referral_id}")
    assert one.json()["status"] == "closed"
    for response in (listing, one, created):
        text = body_text(response)
        assert ANSWER not in text
        assert "response" not in text
        assert "responder" not in text

    assert get(client, f"/inquiries/{referral_id}").status_code == 403
    assert ANSWER not in json.dumps(timeline(client, kol_a))


def test_sales_rep_never_sees_inquiry_text_or_answers_on_the_kol_timeline(
    rep, msl_a, kol_a, referral, inquiry_a, as_user
):
    answer_and_close(msl_a, inquiry_a)
    answer_and_close(msl_a, referral)
    entries = timeline(as_user(rep), kol_a)
    assert not [e for e in entries if e["kind"] in ("inquiry", "question", "answer")]
    text = json.dumps(entries)
    for secret in (INQUIRY_QUESTION, REFERRED_QUESTION, ANSWER):
        assert secret not in text


def test_medical_sees_inquiries_and_answers_on_the_kol_timeline(msl_a, kol_a, inquiry_a, as_user):
    answer_and_close(msl_a, inquiry_a)
    entries = timeline(as_user(msl_a), kol_a)
    inquiry_entries = {(e["title"], e["detail"]) for e in entries if e["kind"] == "inquiry"}
    assert inquiry_entries == {
        ("Medical inquiry received (Closed)", INQUIRY_QUESTION),
        ("Medical inquiry answered", ANSWER),
    }


def test_a_rep_sees_only_their_own_referrals(rep, rep_2, kol_b, referral, as_user):
    theirs = refer(rep_2, kol_b, question="Rep 2's question")
    client = as_user(rep)
    assert [r["id"] for r in get(client, "/inquiries/referrals").json()] == [referral.pk]
    response = get(client, f"/inquiries/referrals/{theirs.pk}")
    assert response.status_code == 404
    assert "Rep 2's question" not in body_text(response)


def test_a_medical_capture_is_not_a_referral_the_rep_can_read(rep, inquiry_a, as_user):
    assert get(as_user(rep), f"/inquiries/referrals/{inquiry_a.pk}").status_code == 404


# ---- follow-ups -----------------------------------------------------------------------------


def test_follow_ups_list_own_and_lead_sees_the_teams(msl_a, msl_b, lead, kol_b, follow_up_a,
                                                    as_user):
    theirs = services.follow_up_create(
        actor=msl_b, draft=services.FollowUpDraft("SE task", timezone.localdate()), kol=kol_b
    )
    assert [f["id"] for f in get(as_user(msl_a), "/follow-ups").json()] == [follow_up_a.pk]
    assert [f["id"] for f in get(as_user(msl_b), "/follow-ups").json()] == [theirs.pk]
    lead_view = get(as_user(lead), "/follow-ups").json()
    assert [(f["id"], f["owner"]) for f in lead_view] == [(follow_up_a.pk, "msl_a")]
    assert get(as_user(lead), "/follow-ups", owner="msl_b").json() == []


def test_follow_up_create_mark_done_and_filter_by_status(msl_a, kol_a, as_user):
    client = as_user(msl_a)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    created = post(client, "/follow-ups", {
        "title": "Send reprint", "due_date": yesterday, "kol": kol_a.pk,
    })
    assert created.status_code == 201
    body = created.json()
    assert (body["owner"], body["status"], body["overdue"], body["kol"]["id"]) == (
        "msl_a", "open", True, kol_a.pk
    )
    done = patch(client, f"/follow-ups/{body['id']}", {"status": "done"})
    assert (done.json()["status"], done.json()["overdue"]) == ("done", False)
    assert done.json()["completed_at"]
    assert get(client, "/follow-ups").json() == []
    assert [f["id"] for f in get(client, "/follow-ups", status="done").json()] == [body["id"]]
    assert [f["id"] for f in get(client, "/follow-ups", status="").json()] == [body["id"]]


def test_follow_up_patch_with_an_unknown_status_is_422(msl_a, follow_up_a, as_user):
    response = patch(as_user(msl_a), f"/follow-ups/{follow_up_a.pk}", {"status": "finished"})
    assert bad_fields(response) == {"status"}


def test_follow_up_for_an_interaction_out_of_reach_is_404(msl_b, planned, as_user):
    response = post(as_user(msl_b), "/follow-ups", {
        "title": "x", "due_date": today(), "interaction": planned.pk,
    })
    assert response.status_code == 404
    assert FollowUp.objects.count() == 0


def test_follow_up_owned_by_a_commercial_user_is_refused(msl_a, as_user):
    response = post(as_user(msl_a), "/follow-ups", {
        "title": "x", "due_date": today(), "owner": "rep",
    })
    assert bad_fields(response) == {"follow_ups"}
    assert FollowUp.objects.count() == 0


def test_no_audit_entry_is_lost_when_many_writes_follow_each_other(msl_a, kol_a, as_user):
    # The hash chain stays contiguous across the engagement services.
    client = as_user(msl_a)
    for _ in range(3):
        post(client, "/inquiries", {
            "kol": kol_a.pk, "question": "Q", "channel_received": "phone",
            "unsolicited_confirmed": True,
        })
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))


@pytest.mark.parametrize("when", [timedelta(days=-1), timedelta(days=1)], ids=["past", "future"])
def test_sales_rep_logging_a_meeting_is_403_whatever_its_date(rep, kol_a, as_user, when):
    # The role rule comes first: a refused role is told why, not that a field is wrong.
    response = post(as_user(rep), "/interactions", {
        "kols": [kol_a.pk], "starts_at": iso(timezone.now() + when), "channel": "phone",
        "completed": True, "notes": "Rep's notes",
    })
    assert response.status_code == 403
    assert detail(response).startswith("Firewall rule:")
    assert Interaction.objects.count() == 0
