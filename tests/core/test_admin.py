"""The Django admin shows the audit trail read-only: no add, change or delete, even for a
superuser."""

from __future__ import annotations

import pytest

from kolbridge.core.audit import audit_verify
from kolbridge.core.models import AuditEntry

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/core/auditentry/"


@pytest.fixture
def admin_client_(superuser, session_client, kol_a):
    return session_client(superuser)


def test_superuser_can_read_the_audit_trail_in_the_admin(admin_client_):
    response = admin_client_.get(CHANGELIST)
    assert response.status_code == 200
    assert b"kol.create" in response.content


def test_admin_offers_no_way_to_add_an_audit_entry(admin_client_):
    count = AuditEntry.objects.count()
    assert admin_client_.get(CHANGELIST + "add/").status_code == 403
    response = admin_client_.post(
        CHANGELIST + "add/",
        {"sequence": 999, "action": "forged", "object_type": "kol", "object_id": "1"},
    )
    assert response.status_code == 403
    assert AuditEntry.objects.count() == count


def test_admin_offers_no_way_to_change_an_audit_entry(admin_client_):
    entry = AuditEntry.objects.order_by("sequence").first()
    response = admin_client_.post(
        f"{CHANGELIST}{entry.pk}/change/",
        {"action": "forged", "object_type": "kol", "object_id": "1", "reason": "cover-up"},
    )
    # A read-only view (200, nothing saved) or a refusal (403) are both fine; a save is not.
    assert response.status_code in (200, 403)
    entry.refresh_from_db()
    assert entry.action != "forged"
    assert audit_verify().ok


def test_admin_offers_no_way_to_delete_an_audit_entry(admin_client_):
    entry = AuditEntry.objects.order_by("sequence").first()
    count = AuditEntry.objects.count()
    assert admin_client_.get(f"{CHANGELIST}{entry.pk}/delete/").status_code == 403
    assert admin_client_.post(f"{CHANGELIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    response = admin_client_.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    assert AuditEntry.objects.count() == count
    assert audit_verify().ok


@pytest.mark.parametrize(
    "model_path",
    ["kolbridge.core.models.AuditEntry", "kolbridge.core.models.User",
     "kolbridge.core.models.ApiToken", "kolbridge.kols.models.Kol"],
)
def test_records_changed_only_through_audited_services_are_read_only_in_admin(
    superuser, rf, model_path
):
    from django.contrib import admin
    from django.utils.module_loading import import_string

    model_admin = admin.site._registry[import_string(model_path)]
    request = rf.get(CHANGELIST)
    request.user = superuser
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_kol_admin_does_not_save_changes(admin_client_, kol_a):
    response = admin_client_.post(
        f"/admin/kols/kol/{kol_a.pk}/change/", {"last_name": "Forged", "first_name": "X"}
    )
    assert response.status_code in (200, 403)
    kol_a.refresh_from_db()
    assert kol_a.last_name == "Okafor"


def test_admin_site_needs_staff(msl_a, session_client):
    response = session_client(msl_a).get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
