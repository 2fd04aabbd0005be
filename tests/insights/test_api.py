"""The insights API through the HTTP client: /insights, /themes, /insight-actions, /pm-questions
and /adverse-events. Every endpoint's 401, 403, 404 and 422 and an audit entry for every write;
then the behaviours of issue 5 through the API."""

from __future__ import annotations

import json
import string
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kolbridge.insights import services
from kolbridge.insights.models import AdverseEventReport, Insight, Theme, ThemeMembership
from tests.insights.conftest import (
    HARM_TEXT,
    INSIGHT_TEXT,
    QUESTION_TEXT,
    RELEASED_TEXT,
    accept,
    capture,
    release,
)
from tests.utils import API, bad_fields, detail, get, patch, post

pytestmark = pytest.mark.django_db

UNKNOWN = 987654
SUMMARY = "KOLs ask for dosing evidence in patients over 80 before they use Zentorix."
SECRETS = (INSIGHT_TEXT, HARM_TEXT, "Okafor", "Amelia")

NOT_FIELD = ("pm", "rep", "reviewer", "admin")
NOT_WRITERS = (*NOT_FIELD, "pv")
LEAD_ONLY = ("msl_a", "pv", "pm", "rep", "reviewer", "admin")
MEDICAL_TEAM_ONLY = ("pm", "rep", "pv", "reviewer", "admin")
PV_ONLY = ("msl_a", "lead", "pm", "rep", "reviewer", "admin")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    body: Callable[[dict[str, int]], Any] | None = None
    ok: int = 200
    audit: tuple[str, ...] = ()
    actor: str = "msl_a"
    # Roles the firewall refuses (403 naming the rule), signed in as these personas.
    denied: tuple[str, ...] = NOT_FIELD
    # Who cannot reach the record (404), for endpoints with a record in the path.
    outsider: str | None = None
    # Records the body names, beyond those in the path.
    needs: tuple[str, ...] = ()
    # An input the endpoint refuses with 422 (a body, or query parameters of a GET), and the
    # fields the answer must name; ``None``: the endpoint takes no input beyond the path.
    bad: Callable[[dict[str, int]], dict[str, Any]] | None = None
    bad_fields: frozenset[str] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def keys(self) -> set[str]:
        in_path = {name for _, name, _, _ in string.Formatter().parse(self.path) if name}
        return in_path | set(self.needs)

    def url(self, ids: dict[str, int]) -> str:
        return self.path.format(**ids)

    def send(self, client, ids: dict[str, int], payload: Any = None):
        url = self.url(ids)
        if self.method == "get":
            return get(client, url, **(payload or {}))
        if payload is None:
            payload = self.body(ids) if self.body else {}
        return (post if self.method == "post" else patch)(client, url, payload)


ENDPOINTS = [
    # ---- insights
    Endpoint("get", "/insights", bad=lambda ids: {"category": "gossip", "limit": 0},
             bad_fields=frozenset({"category", "limit"})),
    Endpoint(
        "post", "/insights",
        lambda ids: {"text": INSIGHT_TEXT, "category": "clinical_practice",
                     "therapeutic_area": "ONC", "product": "Zentorix",
                     "interaction": ids["meeting"], "tags": ["elderly"]},
        ok=201, audit=("insight.capture",), denied=NOT_WRITERS, needs=("meeting",),
        bad=lambda ids: {"text": "", "category": "unmet_need", "therapeutic_area": "ONC"},
        bad_fields=frozenset({"text"}),
    ),
    Endpoint("get", "/insights/released", actor="pm", denied=("pv", "reviewer", "admin"),
             bad=lambda ids: {"released_from": "yesterday"},
             bad_fields=frozenset({"released_from"})),
    Endpoint("get", "/insights/{insight}", outsider="msl_b"),
    Endpoint("patch", "/insights/{insight}", lambda ids: {"tags": ["renal"], "version": 1},
             audit=("insight.edit",), denied=NOT_WRITERS, outsider="msl_b",
             bad=lambda ids: {"category": "gossip"}, bad_fields=frozenset({"category"})),
    Endpoint("post", "/insights/{insight}/review", lambda ids: {"decision": "accept"},
             audit=("insight.accept",), actor="lead", denied=LEAD_ONLY, outsider="lead_se",
             bad=lambda ids: {"decision": "reject", "note": ""},
             bad_fields=frozenset({"note"})),
    Endpoint("post", "/insights/{insight}/merge", lambda ids: {"into": ids["other"]},
             audit=("insight.merge",), actor="lead", denied=LEAD_ONLY, outsider="lead_se",
             needs=("other",), bad=lambda ids: {"into": ids["insight"]},
             bad_fields=frozenset({"into"})),
    Endpoint("get", "/insights/{insight}/release-suggestion", actor="lead", denied=LEAD_ONLY,
             outsider="lead_se"),
    Endpoint("post", "/insights/{accepted}/release",
             lambda ids: {"released_text": RELEASED_TEXT}, audit=("insight.release",),
             actor="lead", denied=LEAD_ONLY, outsider="lead_se",
             bad=lambda ids: {"released_text": INSIGHT_TEXT},
             bad_fields=frozenset({"released_text"})),
    Endpoint("post", "/insights/{released}/unrelease", lambda ids: {"reason": "Names a site"},
             audit=("insight.unrelease",), actor="lead", denied=LEAD_ONLY, outsider="lead_se",
             bad=lambda ids: {"reason": " "}, bad_fields=frozenset({"reason"})),
    # ---- themes
    Endpoint("get", "/themes", denied=MEDICAL_TEAM_ONLY,
             bad=lambda ids: {"period_start": "2026-06-01", "period_end": "2026-01-01"},
             bad_fields=frozenset({"period_end"})),
    Endpoint("get", "/themes/released", actor="pm", denied=("pv", "reviewer", "admin"),
             bad=lambda ids: {"period_start": "soon"}, bad_fields=frozenset({"period_start"})),
    Endpoint("get", "/themes/{theme}", denied=MEDICAL_TEAM_ONLY),
    Endpoint("post", "/themes/{theme}/rename", lambda ids: {"name": "Dosing over 80"},
             audit=("theme.rename",), actor="lead", denied=LEAD_ONLY,
             bad=lambda ids: {"name": ""}, bad_fields=frozenset({"name"})),
    Endpoint("post", "/themes/{theme2}/merge", lambda ids: {"into": ids["theme"]},
             audit=("theme.merge",), actor="lead", denied=LEAD_ONLY, needs=("theme",),
             bad=lambda ids: {"into": ids["theme2"]}, bad_fields=frozenset({"into"})),
    Endpoint("post", "/themes/{wide}/split",
             lambda ids: {"insight_ids": [ids["second"]], "name": "Renal dosing"},
             ok=201, audit=("theme.split",), actor="lead", denied=LEAD_ONLY,
             needs=("second",), bad=lambda ids: {"insight_ids": [], "name": "Renal"},
             bad_fields=frozenset({"insight_ids"})),
    Endpoint("post", "/themes/{theme}/release",
             lambda ids: {"summary": "KOLs want more evidence in the very elderly."},
             audit=("theme.release",), actor="lead", denied=LEAD_ONLY, needs=("released",),
             bad=lambda ids: {"summary": "Dr Okafor wants more evidence."},
             bad_fields=frozenset({"summary"})),
    # ---- closing the loop
    Endpoint("get", "/insight-actions", denied=MEDICAL_TEAM_ONLY,
             bad=lambda ids: {"open_only": "perhaps"}, bad_fields=frozenset({"open_only"})),
    Endpoint(
        "post", "/insight-actions",
        lambda ids: {"decision": "new_content", "action": "New FAQ on dosing over 80",
                     "owner": ids["lead"], "insight": ids["accepted"]},
        ok=201, audit=("insight_action.create",), actor="lead",
        denied=("msl_a", *MEDICAL_TEAM_ONLY), needs=("accepted",),
        bad=lambda ids: {"decision": "no_action", "action": "", "owner": ids["lead"],
                         "insight": ids["accepted"]},
        bad_fields=frozenset({"action"}),
    ),
    Endpoint("post", "/insight-actions/{action}/complete", lambda ids: {"outcome": "FAQ live"},
             audit=("insight_action.complete",), actor="lead",
             denied=("msl_a", *MEDICAL_TEAM_ONLY),
             bad=lambda ids: {"outcome": " "}, bad_fields=frozenset({"outcome"})),
    # ---- PM questions
    Endpoint("get", "/pm-questions", actor="pm", denied=("rep", "pv", "reviewer", "admin")),
    Endpoint("post", "/pm-questions", lambda ids: {"product": "Zentorix", "text": QUESTION_TEXT},
             ok=201, audit=("pm_question.ask",), actor="pm",
             denied=("msl_a", "lead", "rep", "pv", "reviewer", "admin"),
             bad=lambda ids: {"product": "Zentorix", "text": ""},
             bad_fields=frozenset({"text"})),
    Endpoint("get", "/pm-questions/{question}", actor="pm",
             denied=("rep", "pv", "reviewer", "admin"), outsider="msl_b"),
    Endpoint("post", "/pm-questions/{question}/route", lambda ids: {"msls": [ids["msl_a"]]},
             audit=("pm_question.route",), actor="lead",
             denied=("pm", "msl_a", "rep", "pv", "reviewer", "admin"), outsider="msl_b",
             bad=lambda ids: {"msls": []}, bad_fields=frozenset({"msls"})),
    Endpoint("post", "/pm-questions/{question}/answer",
             lambda ids: {"summary": SUMMARY, "insights": []},
             audit=("pm_question.answer",), actor="lead",
             denied=("pm", "msl_a", "rep", "pv", "reviewer", "admin"), outsider="msl_b",
             bad=lambda ids: {"summary": "Dr Okafor avoids it.", "insights": []},
             bad_fields=frozenset({"summary"})),
    Endpoint("post", "/pm-questions/{question}/decline",
             lambda ids: {"reason": "Promotional; ask brand."},
             audit=("pm_question.decline",), actor="lead",
             denied=("pm", "msl_a", "rep", "pv", "reviewer", "admin"), outsider="msl_b",
             bad=lambda ids: {"reason": ""}, bad_fields=frozenset({"reason"})),
    # ---- adverse events
    Endpoint("get", "/adverse-events", actor="pv", denied=("pm", "rep", "reviewer", "admin"),
             bad=lambda ids: {"status": "lost"}, bad_fields=frozenset({"status"})),
    Endpoint("get", "/adverse-events/{report}", actor="pv",
             denied=("pm", "rep", "reviewer", "admin"), outsider="msl_b"),
    Endpoint("post", "/adverse-events/{report}/forward",
             lambda ids: {"safety_case_id": "ARGUS-1"}, audit=("adverse_event.forward",),
             actor="pv", denied=PV_ONLY, outsider="msl_b",
             bad=lambda ids: {"safety_case_id": "x" * 61},
             bad_fields=frozenset({"safety_case_id"})),
    Endpoint("post", "/adverse-events/{report}/close",
             lambda ids: {"reason": "Disease progression"},
             audit=("adverse_event.close_not_ae",), actor="pv", denied=PV_ONLY,
             outsider="msl_b", bad=lambda ids: {"reason": ""},
             bad_fields=frozenset({"reason"})),
    Endpoint("get", "/adverse-events/{forwarded}/export", actor="pv",
             denied=("pm", "rep", "reviewer", "admin"), outsider="msl_b"),
]
IDS = [e.label for e in ENDPOINTS]
WITH_ID = [e for e in ENDPOINTS if "{" in e.path]
OUT_OF_REACH = [e for e in ENDPOINTS if e.outsider]
WITH_INPUT = [e for e in ENDPOINTS if e.bad]


def test_every_endpoint_with_input_has_its_422_case():
    without = {e.label for e in ENDPOINTS if not e.bad}
    assert without == {
        "GET /insights/{insight}",
        "GET /insights/{insight}/release-suggestion",
        "GET /themes/{theme}",
        "GET /pm-questions",
        "GET /pm-questions/{question}",
        "GET /adverse-events/{report}",
        "GET /adverse-events/{forwarded}/export",
    }


def _theme_of(ref, insights: list[Insight], name: str) -> Theme:
    base = Theme.objects.get(name="elderly · trials")
    row = Theme.objects.create(
        therapeutic_area=ref.onc, product=ref.product, period_start=base.period_start,
        period_end=base.period_end, name=name, key_terms=name.split(), size=len(insights),
        representative=insights[0],
    )
    for insight in insights:
        ThemeMembership.objects.create(theme=row, insight=insight, similarity=0.5)
    return row


def _second_accepted(lead, msl_a) -> Insight:
    return accept(lead, capture(msl_a, text="KOLs want renal dosing data for Zentorix."))


BUILDERS: dict[str, Callable[[pytest.FixtureRequest], Any]] = {
    "meeting": lambda r: r.getfixturevalue("meeting"),
    "insight": lambda r: r.getfixturevalue("insight_a"),
    "other": lambda r: capture(r.getfixturevalue("msl_a"), text="KOLs want renal dosing data."),
    "accepted": lambda r: r.getfixturevalue("accepted"),
    "released": lambda r: r.getfixturevalue("released"),
    "theme": lambda r: r.getfixturevalue("theme"),
    "theme2": lambda r: _theme_of(
        r.getfixturevalue("ref"),
        [_second_accepted(r.getfixturevalue("lead"), r.getfixturevalue("msl_a"))],
        "renal dosing",
    ),
    "second": lambda r: _second_accepted(r.getfixturevalue("lead"), r.getfixturevalue("msl_a")),
    "action": lambda r: r.getfixturevalue("action"),
    "question": lambda r: r.getfixturevalue("routed"),
    "report": lambda r: r.getfixturevalue("ae_report"),
    "forwarded": lambda r: services.ae_forward(
        actor=r.getfixturevalue("pv"), report=r.getfixturevalue("ae_report")
    ),
}


@pytest.fixture
def ids(request, msl_a, lead, pv) -> dict[str, int]:
    """The records the endpoint under test names (only those: building records is most of a
    test's time)."""
    endpoint = request.node.callspec.params["endpoint"]
    built = {"msl_a": msl_a.pk, "lead": lead.pk}
    keys = endpoint.keys
    if "wide" in keys:
        keys = keys - {"wide"} | {"theme", "second"}
    for key in sorted(keys, key=list(BUILDERS).index):
        built[key] = BUILDERS[key](request).pk
    if "wide" in endpoint.keys:
        theme = Theme.objects.get(pk=built["theme"])
        ThemeMembership.objects.create(theme=theme, insight_id=built["second"], similarity=0.4)
        built["wide"] = theme.pk
    return built


@pytest.fixture
def persona(request, as_user):
    def client_for(name: str):
        return as_user(request.getfixturevalue(name))

    return client_for


def body_text(response) -> str:
    return response.content.decode()


# ---- every endpoint: success with its audit, 401, 403, 404, 422 -----------------------------


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
    assert all(e.after or e.reason for e in entries)


NO_RECORDS = dict.fromkeys(
    ("meeting", "insight", "other", "accepted", "released", "theme", "theme2", "wide", "second",
     "action", "question", "report", "forwarded", "msl_a", "lead"),
    UNKNOWN,
)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_endpoint_without_sign_in_is_401_and_writes_nothing(endpoint, outsider, audit_mark):
    since = audit_mark()
    response = endpoint.send(outsider, NO_RECORDS)
    assert response.status_code == 401
    assert since() == []


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_endpoint_for_a_role_the_firewall_refuses_is_403_naming_the_rule(
    endpoint, ids, persona, audit_mark
):
    clients = {who: persona(who) for who in endpoint.denied}
    since = audit_mark()
    wrong = []
    for who, client in clients.items():
        response = endpoint.send(client, ids)
        body = body_text(response)
        if response.status_code != 403 or not detail(response).startswith("Firewall rule:"):
            wrong.append((who, response.status_code, body[:200]))
        leaked = [s for s in SECRETS if s in body]
        if leaked:
            wrong.append((who, "leaked", leaked))
    assert wrong == []
    assert since() == []


@pytest.mark.parametrize("endpoint", WITH_ID, ids=[e.label for e in WITH_ID])
def test_endpoint_with_an_unknown_id_is_404(endpoint, persona, audit_mark):
    client = persona(endpoint.actor)
    since = audit_mark()
    response = endpoint.send(client, NO_RECORDS)
    assert response.status_code == 404, response.content
    assert str(UNKNOWN) in detail(response)
    assert since() == []


@pytest.mark.parametrize("endpoint", OUT_OF_REACH, ids=[e.label for e in OUT_OF_REACH])
def test_endpoint_on_a_record_out_of_reach_is_404_as_if_it_did_not_exist(
    endpoint, ids, persona, audit_mark
):
    client = persona(endpoint.outsider)
    since = audit_mark()
    response = endpoint.send(client, ids)
    assert response.status_code == 404, response.content
    assert since() == []
    text = body_text(response)
    for secret in (*SECRETS, QUESTION_TEXT):
        assert secret not in text


@pytest.mark.parametrize("endpoint", WITH_INPUT, ids=[e.label for e in WITH_INPUT])
def test_endpoint_refuses_bad_input_with_422_naming_each_field(
    endpoint, ids, persona, audit_mark
):
    client = persona(endpoint.actor)
    since = audit_mark()
    response = endpoint.send(client, ids, endpoint.bad(ids))
    assert bad_fields(response) == endpoint.bad_fields
    assert since() == []


def test_bearer_token_reaches_the_api_like_a_session(token_client, msl_a, insight_a):
    response = get(token_client(msl_a), f"/insights/{insight_a.pk}")
    assert response.status_code == 200
    assert response.json()["text"] == INSIGHT_TEXT


def test_no_endpoint_deletes_anything(persona, ids_for_delete, audit_mark):
    clients = {who: persona(who) for who in ("pv", "msl_a", "pm")}
    since = audit_mark()
    for who, path in (
        ("pv", f"/adverse-events/{ids_for_delete['report']}"),
        ("pv", "/adverse-events"),
        ("msl_a", f"/insights/{ids_for_delete['insight']}"),
        ("pm", f"/pm-questions/{ids_for_delete['question']}"),
    ):
        response = clients[who].delete(API + path)
        assert response.status_code == 405, (path, response.status_code)
    assert AdverseEventReport.objects.filter(pk=ids_for_delete["report"]).exists()
    assert since() == []


@pytest.fixture
def ids_for_delete(insight_a, ae_report, routed) -> dict[str, int]:
    return {"insight": insight_a.pk, "report": ae_report.pk, "question": routed.pk}


# ---- capture ----------------------------------------------------------------------------------


def capture_body(**extra: Any) -> dict[str, Any]:
    return {"text": INSIGHT_TEXT, "category": "clinical_practice", "therapeutic_area": "ONC",
            "product": "Zentorix", **extra}


def test_capture_from_an_interaction_answers_the_insight_with_its_kols(
    msl_a, kol_a, meeting, as_user
):
    response = post(as_user(msl_a), "/insights", capture_body(interaction=meeting.pk,
                                                               tags=["Elderly"]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kols"] == [{"id": kol_a.pk, "name": "Dr Amelia Okafor"}]
    assert (body["interaction"], body["captured_by"], body["status"], body["tags"]) == (
        meeting.pk, "msl_a", "new", ["elderly"]
    )
    assert (body["released"], body["version"], body["safety_notices"]) == (False, 1, [])


def test_a_harm_captured_through_the_api_is_told_to_the_msl(msl_a, kol_a, as_user):
    response = post(as_user(msl_a), "/insights", capture_body(text=HARM_TEXT, category="safety",
                                                               kols=[kol_a.pk]))
    assert response.status_code == 201, response.content
    report = AdverseEventReport.objects.get()
    [notice] = response.json()["safety_notices"]
    assert f"report #{report.pk}" in notice
    assert (report.source_type, report.source_id) == ("insight", response.json()["id"])


@pytest.mark.parametrize(
    "extra,field,message",
    [
        ({"text": ""}, "text", "Write the insight; it cannot be empty."),
        ({"text": "x" * 20_000}, "text", "20,000 characters; an insight is at most 2,000."),
        ({"category": "gossip"}, "category", "Input should be"),
        ({"therapeutic_area": "CARD"}, "product", "Zentorix is not a Cardiology product."),
        ({"tags": [f"t{i}" for i in range(11)]}, "tags", "At most 10 tags."),
        ({"interaction": UNKNOWN}, "interaction", f"Unknown interaction id {UNKNOWN}"),
        ({"pm_question": UNKNOWN}, "pm_question", f"Unknown PM question {UNKNOWN}"),
    ],
    ids=["empty", "20000-chars", "category", "product-of-another-area", "tags", "interaction",
         "question"],
)
def test_bad_captures_are_422_saying_why(msl_a, as_user, extra, field, message):
    response = post(as_user(msl_a), "/insights", capture_body(**extra))
    assert bad_fields(response) == {field}
    assert response.json()["detail"][0]["msg"].startswith(message)
    assert not Insight.objects.exists()


def test_a_kol_who_did_not_attend_is_422(msl_a, meeting, as_user):
    from kolbridge.kols.services import kol_create

    other = kol_create(
        actor=msl_a, title="Dr", first_name="Chidi", last_name="Mensah", specialty="Nephrology",
        institution="NE General", city="Boston", country="us", territory_code="NE", tier=2,
        therapeutic_area_codes=["ONC"], external_ids={},
    )
    response = post(as_user(msl_a), "/insights",
                    capture_body(interaction=meeting.pk, kols=[other.pk]))
    assert bad_fields(response) == {"kols"}
    assert "Not attendees of that interaction: Dr Chidi Mensah." in json.dumps(response.json())


def test_a_stale_correction_is_409(msl_a, insight_a, as_user):
    client = as_user(msl_a)
    first = patch(client, f"/insights/{insight_a.pk}", {"tags": ["a"], "version": 1})
    assert first.status_code == 200
    response = patch(client, f"/insights/{insight_a.pk}", {"tags": ["b"], "version": 1})
    assert response.status_code == 409
    assert "changed by someone else" in detail(response)


def test_the_msl_may_not_correct_after_review_403_ownership(msl_a, accepted, as_user):
    response = patch(as_user(msl_a), f"/insights/{accepted.pk}", {"text": "Changed"})
    assert response.status_code == 403
    assert detail(response).startswith("Ownership rule")


def test_insight_list_filters_and_pages(msl_a, meeting, as_user):
    for category in ("access", "unmet_need", "access"):
        capture(msl_a, interaction_id=meeting.pk, category=category)
    client = as_user(msl_a)
    page = get(client, "/insights", category="access", limit=1).json()
    assert (page["count"], page["limit"], len(page["items"])) == (2, 1, 1)
    assert get(client, "/insights", interaction=meeting.pk, mine="true").json()["count"] == 3


def test_the_insight_list_costs_the_same_queries_for_more_rows(lead, msl_a, kol_a, as_user):
    client = as_user(lead)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, "/insights").status_code == 200
        return len(ctx.captured_queries)

    accept(lead, capture(msl_a, kol_ids=[kol_a.pk]))
    few = queries()
    for _ in range(4):
        accept(lead, capture(msl_a, kol_ids=[kol_a.pk]))
    assert queries() == few


# ---- review, release ------------------------------------------------------------------------


def test_accepting_with_new_wording_keeps_the_msls_words(lead, insight_a, as_user):
    response = post(as_user(lead), f"/insights/{insight_a.pk}/review",
                    {"decision": "accept", "text": RELEASED_TEXT, "version": 1})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["text"], body["original_text"], body["reviewed_by"]) == (
        "accepted", RELEASED_TEXT, INSIGHT_TEXT, "lead"
    )


def test_merge_answers_the_kept_insight_with_the_duplicates_kols(
    lead, msl_a, kol_a, insight_a, as_user
):
    other = capture(msl_a, text="Wants renal dosing data.")
    response = post(as_user(lead), f"/insights/{insight_a.pk}/merge", {"into": other.pk})
    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["kols"]) == (
        other.pk, [{"id": kol_a.pk, "name": "Dr Amelia Okafor"}]
    )
    assert get(as_user(lead), f"/insights/{insight_a.pk}").json()["merged_into"] == other.pk


def test_release_suggestion_removes_the_name(lead, insight_a, as_user):
    response = get(as_user(lead), f"/insights/{insight_a.pk}/release-suggestion")
    assert "Okafor" not in response.json()["suggested_text"]


def test_release_of_a_new_insight_is_409_and_of_a_safety_one_403(lead, msl_a, insight_a, as_user):
    client = as_user(lead)
    response = post(client, f"/insights/{insight_a.pk}/release",
                    {"released_text": RELEASED_TEXT})
    assert response.status_code == 409
    assert "accepted" in detail(response)
    safety = accept(lead, capture(msl_a, text="KOLs ask about the label's infusion reactions.",
                                  category="safety"))
    response = post(client, f"/insights/{safety.pk}/release",
                    {"released_text": "KOLs ask about the label's infusion reactions."})
    assert response.status_code == 403
    assert detail(response).startswith("Safety rule")


def test_release_naming_the_kol_is_422_saying_what_identifies(lead, accepted, as_user):
    response = post(as_user(lead), f"/insights/{accepted.pk}/release",
                    {"released_text": "Amelia Okafor avoids Zentorix over 80."})
    assert bad_fields(response) == {"released_text"}
    assert "Still identifies: Amelia Okafor" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("who", ["pm", "rep"])
def test_commercial_roles_get_released_insights_de_identified_only(
    request, who, released, insight_b, as_user
):
    response = get(as_user(request.getfixturevalue(who)), "/insights/released")
    assert response.status_code == 200
    [row] = response.json()
    assert set(row) == {"id", "text", "category", "category_label", "therapeutic_area",
                        "product", "released_on"}
    assert row["text"] == RELEASED_TEXT
    dumped = json.dumps(response.json())
    for secret in ("Okafor", "Amelia", "Varga", "msl_a", "msl_b", "kol", "interaction",
                   "captured", INSIGHT_TEXT):
        assert secret not in dumped


# ---- themes ---------------------------------------------------------------------------------


def test_a_theme_shows_its_representative_only_to_who_may_read_it(msl_a, msl_b, theme, as_user):
    mine = get(as_user(msl_a), f"/themes/{theme.pk}").json()
    assert mine["representative"] == INSIGHT_TEXT
    theirs = get(as_user(msl_b), f"/themes/{theme.pk}").json()
    assert theirs["representative"] is None
    assert theirs["name"] == theme.name
    [listed] = get(as_user(msl_b), "/themes").json()
    assert listed["representative"] is None
    assert "Okafor" not in json.dumps(listed)


def test_a_theme_counts_the_actions_taken_on_it(lead, theme, as_user):
    services.action_record(actor=lead, decision="plan", action="Into the plan",
                           owner_id=lead.pk, theme_id=theme.pk)
    assert get(as_user(lead), f"/themes/{theme.pk}").json()["acted_on"] == 1
    assert get(as_user(lead), "/themes").json()[0]["acted_on"] == 1


def test_the_pm_digest_carries_released_themes_and_released_insights_only(
    pm, lead, msl_a, released_theme, as_user
):
    unreleased = accept(lead, capture(msl_a, text="Unreleased words about Zentorix."))
    ThemeMembership.objects.create(theme=released_theme, insight=unreleased, similarity=0.2)
    [row] = get(as_user(pm), "/themes/released").json()
    assert row["summary"] == "KOLs want more evidence in the very elderly."
    assert [i["text"] for i in row["insights"]] == [RELEASED_TEXT]
    dumped = json.dumps(row)
    assert "Unreleased words" not in dumped and "Okafor" not in dumped


# ---- the PM feedback loop -------------------------------------------------------------------


def test_the_pm_loop_through_the_api(pm, lead, msl_a, meeting, as_user):
    pm_client, lead_client, msl_client = as_user(pm), as_user(lead), as_user(msl_a)
    asked = post(pm_client, "/pm-questions", {"product": "Zentorix", "text": QUESTION_TEXT})
    assert asked.status_code == 201, asked.content
    qid = asked.json()["id"]
    assert get(msl_client, f"/pm-questions/{qid}").status_code == 404
    routed = post(lead_client, f"/pm-questions/{qid}/route", {"msls": [msl_a.pk]})
    assert routed.json()["status"] == "routed"
    assert [q["id"] for q in get(msl_client, "/pm-questions").json()] == [qid]
    answer = post(msl_client, "/insights", capture_body(interaction=meeting.pk, pm_question=qid))
    assert answer.status_code == 201, answer.content
    aid = answer.json()["id"]
    too_early = post(lead_client, f"/pm-questions/{qid}/answer",
                     {"summary": SUMMARY, "insights": [aid]})
    assert bad_fields(too_early) == {"insights"}
    reviewed = post(lead_client, f"/insights/{aid}/review", {"decision": "accept"})
    assert reviewed.status_code == 200
    released = post(lead_client, f"/insights/{aid}/release", {"released_text": RELEASED_TEXT})
    assert released.status_code == 200
    done = post(lead_client, f"/pm-questions/{qid}/answer",
                {"summary": SUMMARY, "insights": [aid]})
    assert done.status_code == 200, done.content
    seen = get(pm_client, f"/pm-questions/{qid}").json()
    assert (seen["status"], seen["answer_summary"]) == ("answered", SUMMARY)
    assert [a["text"] for a in seen["answers"]] == [RELEASED_TEXT]
    assert set(seen["answers"][0]) == {"id", "text", "category", "category_label",
                                       "therapeutic_area", "product", "released_on"}
    dumped = json.dumps(get(pm_client, "/pm-questions").json())
    for secret in ("Okafor", "Amelia", "msl_a", INSIGHT_TEXT):
        assert secret not in dumped


def test_a_declined_question_tells_the_pm_why(pm, lead, routed, as_user):
    post(as_user(lead), f"/pm-questions/{routed.pk}/decline", {"reason": "Promotional"})
    seen = get(as_user(pm), f"/pm-questions/{routed.pk}").json()
    assert (seen["status"], seen["decline_reason"], seen["answers"]) == (
        "declined", "Promotional", []
    )
    again = post(as_user(lead), f"/pm-questions/{routed.pk}/decline", {"reason": "Again"})
    assert again.status_code == 409


def test_the_question_list_costs_the_same_queries_for_more_questions(pm, lead, msl_a, as_user):
    client = as_user(pm)

    def answered_question() -> None:
        q = services.pm_question_ask(actor=pm, product="Zentorix", text=QUESTION_TEXT)
        services.pm_question_route(actor=lead, question=q, msl_ids=[msl_a.pk])
        answer = release(lead, accept(lead, capture(msl_a, pm_question_id=q.pk)))
        services.pm_question_answer(actor=lead, question=q, summary=SUMMARY,
                                    insight_ids=[answer.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, "/pm-questions").status_code == 200
        return len(ctx.captured_queries)

    answered_question()
    few = queries()
    for _ in range(3):
        answered_question()
    assert queries() == few


# ---- adverse events -------------------------------------------------------------------------


def test_the_pv_queue_through_the_api(pv, msl_a, kol_a, ae_report, as_user):
    later = capture(msl_a, text=HARM_TEXT, kol_ids=[kol_a.pk])
    [second] = AdverseEventReport.objects.filter(source_id=later.pk, source_type="insight")
    rows = get(as_user(pv), "/adverse-events").json()
    assert [r["id"] for r in rows] == [ae_report.pk, second.pk]
    first = rows[0]
    assert (first["source_type"], first["overdue"], first["status"], first["reporter"]) == (
        "insight", False, "open", "msl_a"
    )
    assert first["kol"] == {"id": kol_a.pk, "name": "Dr Amelia Okafor"}


def test_forward_then_download_the_export_and_never_twice(pv, ae_report, as_user):
    client = as_user(pv)
    assert get(client, f"/adverse-events/{ae_report.pk}/export").status_code == 404
    forwarded = post(client, f"/adverse-events/{ae_report.pk}/forward",
                     {"safety_case_id": "ARGUS-7"})
    assert forwarded.status_code == 200, forwarded.content
    assert (forwarded.json()["status"], forwarded.json()["safety_case_id"]) == (
        "forwarded", "ARGUS-7"
    )
    export = client.get(f"{API}/adverse-events/{ae_report.pk}/export")
    assert export.status_code == 200
    assert export["Content-Type"] == "application/xml"
    root = ET.fromstring(b"".join(export.streaming_content))
    assert root.findtext("safetyreport/safetyreportid") == f"KB-AE-{ae_report.pk:08d}"
    again = post(client, f"/adverse-events/{ae_report.pk}/forward", {})
    assert again.status_code == 409
    assert get(client, "/adverse-events", status="forwarded").json()[0]["id"] == ae_report.pk
    assert get(client, "/adverse-events").json() == []


def test_the_msl_follows_their_report_but_may_not_close_it(msl_a, ae_report, as_user):
    client = as_user(msl_a)
    assert get(client, f"/adverse-events/{ae_report.pk}").json()["id"] == ae_report.pk
    response = post(client, f"/adverse-events/{ae_report.pk}/close", {"reason": "Not one"})
    assert response.status_code == 403
    assert detail(response).startswith("Firewall rule")


@pytest.mark.parametrize(
    "path,start,end,user",
    [
        ("/insights", "captured_from", "captured_to", "msl_a"),
        ("/insights/released", "released_from", "released_to", "pm"),
        ("/themes/released", "period_start", "period_end", "pm"),
    ],
)
def test_a_period_ending_before_it_starts_is_422_naming_its_end(
    request, as_user, path, start, end, user
):
    client = as_user(request.getfixturevalue(user))
    response = get(client, path, **{start: "2026-06-01", end: "2026-01-01"})
    assert bad_fields(response) == {end}
