"""Signing in: pages need a session, and repeated failures lock the account."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from kolbridge.core.models import AuditEntry, User
from tests.utils import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", ["/", "/kols/", "/kols/new/", "/kols/1/"])
def test_pages_send_anonymous_users_to_sign_in(outsider, path):
    response = outsider.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_sign_in_page_is_open_to_anonymous_users(outsider):
    assert outsider.get("/login/").status_code == 200


def test_right_password_signs_in(msl_a):
    client = Client()
    response = sign_in(client, "msl_a", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_wrong_password_is_refused(msl_a):
    client = Client()
    response = sign_in(client, "msl_a", "wrong")
    assert response.status_code == 200
    assert not signed_in(client)


def test_account_locks_after_the_failure_limit_even_for_the_right_password(msl_a):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert sign_in(client, "msl_a", "wrong").status_code == 200
    response = sign_in(client, "msl_a", PASSWORD)
    assert response.status_code == 200
    assert not signed_in(client)
    errors = " ".join(response.context["form"].non_field_errors())
    assert "locked after too many failed sign-ins" in errors
    assert "locked after too many failed sign-ins" in response.content.decode()
    assert AuditEntry.objects.filter(action="user.lockout", object_id=str(msl_a.pk)).exists()


def test_one_failure_short_of_the_limit_still_lets_the_right_password_in(msl_a):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, "msl_a", "wrong")
    sign_in(client, "msl_a", PASSWORD)
    assert signed_in(client)
    msl_a.refresh_from_db()
    assert msl_a.failed_login_count == 0


def test_lockout_of_one_account_leaves_others_alone(msl_a, msl_b):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "msl_a", "wrong")
    other = Client()
    sign_in(other, "msl_b", PASSWORD)
    assert signed_in(other)
    assert User.objects.get(username="msl_b").locked_until is None


def test_lock_expires_and_the_right_password_works_again(msl_a):
    from datetime import timedelta

    from django.utils import timezone

    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "msl_a", "wrong")
    User.objects.filter(pk=msl_a.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    sign_in(client, "msl_a", PASSWORD)
    assert signed_in(client)
    msl_a.refresh_from_db()
    assert (msl_a.failed_login_count, msl_a.locked_until) == (0, None)
