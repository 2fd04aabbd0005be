"""The API's published contract: /api/v1/openapi.json and the docs page.

The schema is compared with ``tests/snapshots/openapi.json`` so it cannot change by accident.
After an intended change, regenerate the snapshot and review its diff:

    UPDATE_SNAPSHOTS=1 pytest tests/test_openapi.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"

REQUIRED = {
    "/api/v1/health": {"get"},
    "/api/v1/me": {"get"},
    "/api/v1/kols": {"get", "post"},
    "/api/v1/kols/{kol_id}": {"get", "patch"},
    "/api/v1/kols/{kol_id}/stage": {"post"},
    "/api/v1/kols/{kol_id}/knowledge": {"post"},
    "/api/v1/kols/{kol_id}/channel-preferences": {"post"},
    "/api/v1/kols/{kol_id}/timeline": {"get"},
    "/api/v1/kols/{kol_id}/questions": {"get", "post"},
    "/api/v1/kols/{kol_id}/questions/{question_id}": {"patch"},
    "/api/v1/interactions": {"get", "post"},
    "/api/v1/interactions/{interaction_id}": {"get", "patch"},
    "/api/v1/interactions/{interaction_id}/complete": {"post"},
    "/api/v1/interactions/{interaction_id}/cancel": {"post"},
    "/api/v1/interactions/{interaction_id}/ical": {"get"},
    "/api/v1/inquiries": {"get", "post"},
    "/api/v1/inquiries/{inquiry_id}": {"get"},
    "/api/v1/inquiries/{inquiry_id}/start": {"post"},
    "/api/v1/inquiries/{inquiry_id}/respond": {"post"},
    "/api/v1/inquiries/{inquiry_id}/close": {"post"},
    "/api/v1/inquiries/referrals": {"get", "post"},
    "/api/v1/inquiries/referrals/{inquiry_id}": {"get"},
    "/api/v1/follow-ups": {"get", "post"},
    "/api/v1/follow-ups/{follow_up_id}": {"patch"},
    "/api/v1/insights": {"get", "post"},
    "/api/v1/insights/released": {"get"},
    "/api/v1/insights/{insight_id}": {"get", "patch"},
    "/api/v1/insights/{insight_id}/review": {"post"},
    "/api/v1/insights/{insight_id}/merge": {"post"},
    "/api/v1/insights/{insight_id}/release-suggestion": {"get"},
    "/api/v1/insights/{insight_id}/release": {"post"},
    "/api/v1/insights/{insight_id}/unrelease": {"post"},
    "/api/v1/themes": {"get"},
    "/api/v1/themes/released": {"get"},
    "/api/v1/themes/{theme_id}": {"get"},
    "/api/v1/themes/{theme_id}/rename": {"post"},
    "/api/v1/themes/{theme_id}/merge": {"post"},
    "/api/v1/themes/{theme_id}/split": {"post"},
    "/api/v1/themes/{theme_id}/release": {"post"},
    "/api/v1/insight-actions": {"get", "post"},
    "/api/v1/insight-actions/{action_id}/complete": {"post"},
    "/api/v1/pm-questions": {"get", "post"},
    "/api/v1/pm-questions/{question_id}": {"get"},
    "/api/v1/pm-questions/{question_id}/route": {"post"},
    "/api/v1/pm-questions/{question_id}/answer": {"post"},
    "/api/v1/pm-questions/{question_id}/decline": {"post"},
    "/api/v1/adverse-events": {"get"},
    "/api/v1/adverse-events/{report_id}": {"get"},
    "/api/v1/adverse-events/{report_id}/forward": {"post"},
    "/api/v1/adverse-events/{report_id}/close": {"post"},
    "/api/v1/adverse-events/{report_id}/export": {"get"},
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_schema_lists_every_required_path_and_method(schema):
    missing = {
        f"{method.upper()} {path}"
        for path, methods in REQUIRED.items()
        for method in methods
        if method not in schema["paths"].get(path, {})
    }
    assert missing == set()


def test_schema_offers_bearer_and_session_authentication(schema):
    schemes = schema["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("scheme", s.get("in"))) for s in schemes.values()}
    assert ("http", "bearer") in kinds
    assert ("apiKey", "cookie") in kinds


def test_health_is_the_only_operation_without_authentication(schema):
    open_operations = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not operation.get("security")
    }
    assert open_operations == {"GET /api/v1/health"}


def test_every_operation_documents_its_refusals(schema):
    # 401 for anyone not signed in, 403 for a role the firewall refuses, 422 for bad input.
    missing = {
        f"{method.upper()} {path}": sorted({"401", "403", "422"} - set(operation["responses"]))
        for path, operations in schema["paths"].items()
        if path != "/api/v1/health" and not path.startswith("/api/v1/me")
        for method, operation in operations.items()
    }
    assert {op: codes for op, codes in missing.items() if codes} == {}


def test_a_referral_as_published_carries_no_answer(schema):
    referral = schema["components"]["schemas"]["ReferralOut"]["properties"]
    assert set(referral) == {"id", "kol", "question", "received_at", "status", "closed_at"}


def test_what_crosses_the_firewall_as_published_names_no_kol_msl_or_interaction(schema):
    schemas = schema["components"]["schemas"]
    released = {"id", "text", "category", "category_label", "therapeutic_area", "product",
                "released_on"}
    assert set(schemas["ReleasedInsightOut"]["properties"]) == released
    theme = set(schemas["ReleasedThemeOut"]["properties"])
    assert theme == {"id", "name", "key_terms", "therapeutic_area", "product", "period_start",
                     "period_end", "size", "trend", "summary", "insights", "acted_on"}
    question = set(schemas["PmQuestionOut"]["properties"])
    assert not question & {"routed_to", "kols", "insights", "captured_by"}


def test_every_schema_name_is_used_once(schema):
    # The schema names its components by class name: two apps' ``QuestionOut`` would silently
    # publish one app's shape for the other's endpoints.
    from ninja import Schema

    def subclasses(cls: type) -> set[type]:
        found = set(cls.__subclasses__())
        return found.union(*(subclasses(c) for c in found)) if found else found

    ours = [c for c in subclasses(Schema) if c.__module__.startswith("kolbridge.")]
    names = [c.__name__ for c in ours]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_engagement_inputs_carry_examples(schema):
    schemas = schema["components"]["schemas"]
    for name, field in (
        ("InteractionIn", "starts_at"),
        ("InteractionIn", "channel"),
        ("InteractionCompleteIn", "questions"),
        ("InquiryIn", "channel_received"),
        ("InquiryRespondIn", "delivery_channel"),
        ("FollowUpDraftIn", "title"),
    ):
        assert schemas[name]["properties"][field].get("examples"), (name, field)


def test_no_api_operation_writes_the_audit_trail(schema):
    writes = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"post", "put", "patch", "delete"} and "audit" in path.lower()
    ]
    assert writes == []


def test_schema_matches_the_snapshot(schema):
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
    assert SNAPSHOT.exists(), "No snapshot yet: run UPDATE_SNAPSHOTS=1 pytest tests/test_openapi.py"
    stored = json.loads(SNAPSHOT.read_text())
    assert schema == stored, (
        "The OpenAPI schema changed. If that was intended, run "
        "UPDATE_SNAPSHOTS=1 pytest tests/test_openapi.py and review the diff of "
        "tests/snapshots/openapi.json."
    )


def test_docs_page_uses_only_local_static_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert urls, "the docs page should load its Swagger UI assets"
    remote = [u for u in urls if re.match(r"^(https?:)?//", u)]
    assert remote == []
    assert not re.search(r"https?://", html)
    static = [u for u in urls if u.startswith("/static/")]
    assert any(u.endswith(".js") for u in static)
    assert any(u.endswith(".css") for u in static)
    for url in static:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a local static file"
