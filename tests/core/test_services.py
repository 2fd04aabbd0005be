"""Users and roles, API tokens and sign-in lock-out: each write leaves an audit entry."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from kolbridge.core.errors import Conflict, Forbidden, Invalid
from kolbridge.core.models import ApiToken, AuditEntry, User
from kolbridge.core.services import (
    login_failure_register,
    login_locked_until,
    token_authenticate,
    token_create,
    token_revoke,
    user_add,
    user_change_role,
)

pytestmark = pytest.mark.django_db


def test_user_add_from_the_command_line_is_audited_as_the_system(ref, audit_mark):
    since = audit_mark()
    user = user_add(
        actor=None, username="nia", role="msl", password="a long enough passphrase",
        territory_code="NE",
    )
    assert user.territory.code == "NE"
    assert user.check_password("a long enough passphrase")
    [entry] = since()
    assert entry.action == "user.create"
    assert entry.actor is None
    assert entry.actor_username == "system (command line)"
    assert entry.object_type == "user"
    assert entry.object_id == str(user.pk)
    assert entry.before is None
    assert entry.after["role"] == "msl"
    assert entry.after["username"] == "nia"
    assert entry.after["territory"] == user.territory_id
    assert "password" not in entry.after


def test_user_add_by_an_admin_records_the_admin(admin, audit_mark):
    since = audit_mark()
    user_add(
        actor=admin, username="pat", role="reviewer", password="x", check_password_strength=False
    )
    [entry] = since()
    assert entry.actor == admin


@pytest.mark.parametrize("persona", ["msl_a", "lead", "pm"])
def test_only_administrators_add_users(request, persona, audit_mark):
    actor = request.getfixturevalue(persona)
    since = audit_mark()
    with pytest.raises(Forbidden, match="Firewall rule"):
        user_add(actor=actor, username="sneaky", role="admin", password="x")
    assert not User.objects.filter(username="sneaky").exists()
    assert since() == []


def test_unknown_role_is_refused_listing_the_valid_roles(ref):
    with pytest.raises(Invalid) as refused:
        user_add(actor=None, username="x", role="wizard", password="long passphrase here")
    message = refused.value.errors["role"][0]
    for role in ("msl", "medical_lead", "reviewer", "pv_officer", "product_manager",
                 "sales_rep", "admin"):
        assert role in message


def test_unknown_territory_is_refused_listing_known_ones(ref):
    with pytest.raises(Invalid) as refused:
        user_add(actor=None, username="x", role="msl", password="pw", territory_code="ZZ",
                 check_password_strength=False)
    assert "ZZ" in refused.value.errors["territory"][0]
    assert "NE" in refused.value.errors["territory"][0]
    assert not User.objects.filter(username="x").exists()


def test_weak_password_is_refused(ref):
    with pytest.raises(Invalid) as refused:
        user_add(actor=None, username="weak", role="msl", password="123")
    assert "password" in refused.value.errors
    assert not User.objects.filter(username="weak").exists()


def test_duplicate_username_is_a_conflict(msl_a, audit_mark):
    since = audit_mark()
    with pytest.raises(Conflict, match="msl_a"):
        user_add(actor=None, username="msl_a", role="msl", password="x",
                 check_password_strength=False)
    assert since() == []


def test_role_change_keeps_the_old_role_in_the_audit_trail(msl_b, admin, audit_mark):
    since = audit_mark()
    changed = user_change_role(actor=admin, user=msl_b, role="medical_lead", territory_code="NE")
    assert (changed.role, changed.territory.code) == ("medical_lead", "NE")
    [entry] = since()
    assert entry.action == "user.role_change"
    assert entry.actor == admin
    assert entry.before["role"] == "msl"
    assert entry.after["role"] == "medical_lead"
    assert entry.before["territory"] != entry.after["territory"]


def test_role_change_by_a_non_admin_is_refused(msl_a, msl_b):
    with pytest.raises(Forbidden):
        user_change_role(actor=msl_a, user=msl_b, role="admin")
    msl_b.refresh_from_db()
    assert msl_b.role == "msl"


def test_role_change_to_an_unknown_territory_changes_nothing(msl_b, audit_mark):
    since = audit_mark()
    with pytest.raises(Invalid):
        user_change_role(actor=None, user=msl_b, role="medical_lead", territory_code="ZZ")
    msl_b.refresh_from_db()
    assert (msl_b.role, msl_b.territory.code) == ("msl", "SE")
    assert since() == []


# ---- API tokens -----------------------------------------------------------------------------


def test_token_is_stored_only_as_a_hash(msl_a):
    raw = token_create(actor=None, username="msl_a")
    token = ApiToken.objects.get(user=msl_a)
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert all(raw not in value for value in stored)
    secret = raw.split("_", 2)[2]
    assert all(secret not in value for value in stored)
    assert token_authenticate(raw) == msl_a


def test_token_create_and_revoke_are_audited_without_the_secret(msl_a, audit_mark):
    since = audit_mark()
    raw = token_create(actor=None, username="msl_a", name="crm sync")
    assert token_revoke(actor=None, username="msl_a") == 1
    created, revoked = since()
    assert created.action == "user.token_create"
    assert created.after["name"] == "crm sync"
    assert revoked.action == "user.token_revoke"
    assert raw not in str(created.after) + str(revoked.after)


def test_revoked_unknown_and_malformed_tokens_authenticate_no_one(msl_a):
    raw = token_create(actor=None, username="msl_a")
    token_revoke(actor=None, username="msl_a", prefix=raw)
    assert token_authenticate(raw) is None
    assert token_authenticate("kb_deadbeef_not-a-real-token") is None
    assert token_authenticate("not even our format") is None


def test_revoking_one_token_by_prefix_keeps_the_others(msl_a):
    first = token_create(actor=None, username="msl_a")
    second = token_create(actor=None, username="msl_a")
    assert token_revoke(actor=None, username="msl_a", prefix=first.split("_")[1]) == 1
    assert token_authenticate(first) is None
    assert token_authenticate(second) == msl_a


def test_token_of_a_deactivated_user_stops_working(msl_a):
    raw = token_create(actor=None, username="msl_a")
    User.objects.filter(pk=msl_a.pk).update(is_active=False)
    assert token_authenticate(raw) is None


def test_only_admins_issue_tokens_for_someone_else(msl_a, msl_b, admin):
    with pytest.raises(Forbidden):
        token_create(actor=msl_a, username="msl_b")
    assert token_authenticate(token_create(actor=msl_a, username="msl_a")) == msl_a
    assert token_authenticate(token_create(actor=admin, username="msl_b")) == msl_b


# ---- sign-in lock-out -----------------------------------------------------------------------


def test_enough_failures_lock_the_account_and_are_audited(msl_a, audit_mark):
    since = audit_mark()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        login_failure_register("msl_a")
    assert login_locked_until("msl_a") is None
    login_failure_register("msl_a")
    locked = login_locked_until("msl_a")
    assert locked is not None and locked > timezone.now()
    [entry] = since()
    assert entry.action == "user.lockout"
    assert entry.object_id == str(msl_a.pk)


def test_failures_for_an_unknown_username_write_nothing(ref, audit_mark):
    since = audit_mark()
    login_failure_register("nobody")
    assert since() == []
    assert AuditEntry.objects.filter(action="user.lockout").count() == 0
