"""Reference data: territories, therapeutic areas, products and their indications."""

from __future__ import annotations

import pytest

from kolbridge.core import selectors
from kolbridge.core.errors import Forbidden
from kolbridge.core.models import Indication, Territory
from kolbridge.core.services import reference_data_delete, reference_data_save

pytestmark = pytest.mark.django_db


def test_reference_data_change_by_an_admin_is_audited_with_before_and_after(admin, ref,
                                                                             audit_mark):
    since = audit_mark()
    ref.unapproved_indication.approved = True
    reference_data_save(actor=admin, instance=ref.unapproved_indication, created=False)
    [entry] = since()
    assert entry.action == "reference.indication_update"
    assert entry.actor == admin
    assert entry.before["approved"] is False
    assert entry.after["approved"] is True
    assert Indication.objects.get(pk=ref.unapproved_indication.pk).approved


def test_reference_data_create_and_delete_are_audited(admin, ref, audit_mark):
    since = audit_mark()
    territory = Territory(code="MW", name="Midwest")
    reference_data_save(actor=admin, instance=territory, created=True)
    reference_data_delete(actor=admin, instance=territory)
    created, deleted = since()
    assert (created.action, created.before, created.after["code"]) == (
        "reference.territory_create", None, "MW"
    )
    assert (deleted.action, deleted.before["code"], deleted.after) == (
        "reference.territory_delete", "MW", None
    )
    assert not Territory.objects.filter(code="MW").exists()


@pytest.mark.parametrize("persona", ["msl_a", "lead", "pm"])
def test_only_admins_change_reference_data(request, persona, ref, audit_mark):
    actor = request.getfixturevalue(persona)
    since = audit_mark()
    ref.unapproved_indication.approved = True
    with pytest.raises(Forbidden):
        reference_data_save(actor=actor, instance=ref.unapproved_indication, created=False)
    assert not Indication.objects.get(pk=ref.unapproved_indication.pk).approved
    assert since() == []


def test_every_role_reads_reference_data(personas):
    for user in personas.values():
        assert selectors.territories_list(user=user).count() == 2
        assert selectors.therapeutic_areas_list(user=user).count() == 3
        [product] = selectors.products_list(user=user)
        assert {(i.name, i.approved) for i in product.indications.all()} == {
            ("Metastatic NSCLC, second line", True), ("Early-stage NSCLC, adjuvant", False)
        }


def test_admin_adding_a_territory_in_the_django_admin_is_audited(superuser, session_client,
                                                                 audit_mark):
    since = audit_mark()
    response = session_client(superuser).post(
        "/admin/core/territory/add/", {"code": "MW", "name": "Midwest", "region": ""}
    )
    assert response.status_code == 302
    [entry] = since()
    assert (entry.action, entry.actor, entry.after["code"]) == (
        "reference.territory_create", superuser, "MW"
    )
