"""/api/v1/health and /api/v1/me; session and bearer-token authentication; CSRF."""

from __future__ import annotations

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from kolbridge.core.models import User
from kolbridge.core.services import token_create, token_revoke
from kolbridge.kols.models import KolStageChange
from tests.utils import detail, get, post

pytestmark = pytest.mark.django_db


def test_health_needs_no_sign_in(outsider):
    response = get(outsider, "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_me_by_session(msl_a, session_client):
    response = get(session_client(msl_a), "/me")
    assert response.status_code == 200
    assert response.json() == {
        "username": "msl_a",
        "full_name": "Msl A Tester",
        "role": "msl",
        "function": "medical",
        "territory": "NE",
    }


def test_me_by_bearer_token(pm, token_client):
    response = get(token_client(pm), "/me")
    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["role"], body["function"], body["territory"]) == (
        "pm", "product_manager", "commercial", None
    )


def test_me_without_credentials_is_401(outsider):
    response = get(outsider, "/me")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_revoked_token_is_401(msl_a):
    raw = token_create(actor=None, username="msl_a")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert get(client, "/me").status_code == 200
    token_revoke(actor=None, username="msl_a")
    assert get(client, "/me").status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer kb_00000000_made-up", "Bearer ", "Token abc", "Basic bXNsX2E6cHc="]
)
def test_unknown_or_malformed_credentials_are_401(msl_a, header):
    client = Client(headers={"Authorization": header})
    assert get(client, "/me").status_code == 401


def test_token_of_a_deactivated_user_is_401(msl_a):
    raw = token_create(actor=None, username="msl_a")
    User.objects.filter(pk=msl_a.pk).update(is_active=False)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert get(client, "/me").status_code == 401


def test_deactivated_user_session_is_401(msl_a, session_client):
    client = session_client(msl_a)
    User.objects.filter(pk=msl_a.pk).update(is_active=False)
    assert get(client, "/me").status_code == 401


def test_session_post_without_csrf_token_is_refused(msl_a, kol_a, session_client):
    client = session_client(msl_a, enforce_csrf_checks=True)
    before = KolStageChange.objects.count()
    response = post(client, f"/kols/{kol_a.pk}/stage", {"stage": "evaluating"})
    assert response.status_code == 403
    assert "CSRF" in detail(response)
    assert KolStageChange.objects.count() == before


def test_session_post_with_csrf_token_is_accepted(msl_a, kol_a, session_client):
    client = session_client(msl_a, enforce_csrf_checks=True)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post(
        f"/api/v1/kols/{kol_a.pk}/stage", {"stage": "evaluating"},
        content_type="application/json", headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 201


def test_bearer_token_post_needs_no_csrf_token(msl_a, kol_a, token_client):
    client = token_client(msl_a, enforce_csrf_checks=True)
    response = post(client, f"/kols/{kol_a.pk}/stage", {"stage": "evaluating"})
    assert response.status_code == 201


def test_bearer_token_acts_as_its_user_not_as_the_session(msl_a, pm, session_client):
    # A signed-in browser that also sends someone's token: the token wins, never a mix.
    client = session_client(pm)
    raw = token_create(actor=None, username="msl_a")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.json()["username"] == "msl_a"
