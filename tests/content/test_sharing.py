"""Share links: an unguessable token (only its SHA-256 stored), an expiry, revocation, e-mail
only from an approved template to a KOL who consented, versions frozen at sharing, the
viewer's lookup statuses, and beacons that store nothing when they report the impossible."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from kolbridge.content import services
from kolbridge.content.models import ItemVersion, SharedModule, ShareLink, ShareOpen, ViewEvent
from kolbridge.content.selectors import share_link_activity, share_resolve
from kolbridge.content.services import Beacon
from kolbridge.core.errors import Conflict, Forbidden, Invalid
from kolbridge.core.models import AuditEntry
from tests.content.conftest import sign_all
from tests.utils import PASSWORD

pytestmark = pytest.mark.django_db


def share(actor, kol, item, **extra):
    return services.share_create(actor=actor, kol_id=kol.pk, item_id=item.pk, **extra)


@pytest.fixture
def item(make_item, claim_module):
    return make_item(title="Survival deck", modules=[claim_module])


@pytest.fixture
def shared(msl_a, kol_a, item):
    return share(msl_a, kol_a, item)


# ---- the token ------------------------------------------------------------------------------


def test_the_token_has_at_least_128_bits_and_only_its_sha256_is_stored(shared):
    token = shared.token
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128
    link = ShareLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(v) for v in ShareLink.objects.values().get().values()]
    assert not any(token in value for value in stored)
    for entry in AuditEntry.objects.all():
        assert token not in f"{entry.before} {entry.after} {entry.reason}"
    assert shared.path == f"/s/{token}"
    assert shared.url.endswith(f"/s/{token}")


def test_every_share_gets_a_new_token(msl_a, kol_a, item):
    tokens = {share(msl_a, kol_a, item).token for _ in range(3)}
    assert len(tokens) == 3


def test_a_share_is_audited_with_the_frozen_versions(msl_a, kol_a, item, audit_mark):
    since = audit_mark()
    new = share(msl_a, kol_a, item)
    [entry] = since()
    assert entry.action == "share_link.create"
    assert entry.actor == msl_a
    assert entry.object_id == str(new.link.pk)
    assert entry.after["kol"] == kol_a.pk
    assert entry.after["versions"] == [[item.approved_version.pk, None]]


# ---- expiry ---------------------------------------------------------------------------------


def test_a_link_expires_after_30_days_by_default(shared):
    link = shared.link
    assert link.expires_at - link.created_at == timedelta(days=30)


def test_the_msl_may_choose_the_expiry_up_to_the_maximum(msl_a, kol_a, item, settings):
    link = share(msl_a, kol_a, item, expires_in_days=settings.SHARE_LINK_MAX_DAYS).link
    assert link.expires_at - link.created_at == timedelta(days=365)
    for days in (0, -1, settings.SHARE_LINK_MAX_DAYS + 1):
        with pytest.raises(Invalid) as refused:
            share(msl_a, kol_a, item, expires_in_days=days)
        assert "expires_in_days" in refused.value.errors
    assert ShareLink.objects.count() == 1


# ---- what is shared -------------------------------------------------------------------------


def test_a_presentation_is_shared_slot_by_slot_in_its_order(msl_a, kol_a, item, claim_module):
    p = services.presentation_create(actor=msl_a, kol_id=kol_a.pk, title="For Dr Okafor")
    services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
    services.presentation_add(
        actor=msl_a, presentation=p, item_id=item.pk, module_id=claim_module.pk, position=1
    )
    link = services.share_create(actor=msl_a, kol_id=kol_a.pk, presentation_id=p.pk).link
    assert link.title == "For Dr Okafor"
    assert link.presentation == p
    claim_module.refresh_from_db()
    assert [(m.position, m.module_version) for m in link.modules.order_by("position")] == [
        (1, claim_module.approved_version),
        (2, None),
    ]


def test_a_presentation_is_shared_only_with_its_kol(msl_a, kol_a, kol_a2, item):
    p = services.presentation_create(actor=msl_a, kol_id=kol_a.pk, title="For Dr Okafor")
    services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
    with pytest.raises(Invalid) as refused:
        services.share_create(actor=msl_a, kol_id=kol_a2.pk, presentation_id=p.pk)
    assert "kol" in refused.value.errors


def test_a_share_names_either_a_presentation_or_one_item(msl_a, kol_a):
    with pytest.raises(Invalid):
        services.share_create(actor=msl_a, kol_id=kol_a.pk)


def test_a_share_goes_only_to_a_kol_in_reach(msl_a, kol_b, item):
    with pytest.raises(Invalid) as refused:
        share(msl_a, kol_b, item)
    assert "kol" in refused.value.errors


def test_versions_are_frozen_at_sharing(lead, msl_a, kol_a, item, shared, mlr_team):
    v1 = item.approved_version
    services.item_revise(actor=lead, item=item, title="Survival deck v2", change_summary="New.")
    services.item_submit(actor=lead, item=item)
    sign_all(item, mlr_team)
    assert item.approved_version != v1
    state = share_resolve(shared.token)
    assert state.available
    [module] = state.modules
    assert module.item_version == v1
    assert module.title == "Survival deck"


# ---- revocation -----------------------------------------------------------------------------


def test_revoking_needs_a_reason_and_stops_the_link(msl_a, shared, audit_mark):
    with pytest.raises(Invalid) as refused:
        services.share_revoke(actor=msl_a, link=shared.link, reason="  ")
    assert "reason" in refused.value.errors
    assert share_resolve(shared.token).available
    since = audit_mark()
    link = services.share_revoke(actor=msl_a, link=shared.link, reason="Sent to the wrong HCP")
    assert (link.revoked_by, link.revoke_reason) == (msl_a, "Sent to the wrong HCP")
    [entry] = since()
    assert (entry.action, entry.reason) == ("share_link.revoke", "Sent to the wrong HCP")
    assert share_resolve(shared.token).gone_reason == "revoked"
    with pytest.raises(Conflict, match="already revoked"):
        services.share_revoke(actor=msl_a, link=shared.link, reason="Again")


def test_an_mlr_reviewer_may_revoke_any_link_but_another_msl_may_not(msl_b, reviewer, shared):
    with pytest.raises(Forbidden, match="Ownership rule"):
        services.share_revoke(actor=msl_b, link=shared.link, reason="Not mine")
    services.share_revoke(actor=reviewer, link=shared.link, reason="Compliance recall")


# ---- e-mail ---------------------------------------------------------------------------------


def test_a_link_is_e_mailed_from_an_approved_template_after_commit(
    msl_a, emailable_kol_a, item, approved_template, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new = share(msl_a, emailable_kol_a, item, email_template_id=approved_template.pk)
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    [message] = mail.outbox
    assert message.to == ["a.okafor@ne-hospital.example"]
    assert message.subject == "Material from Msl A Tester"
    assert new.url in message.body
    assert message.body.startswith("Dear Dr Amelia Okafor,")
    assert "Medical Information" in message.body
    link = ShareLink.objects.get()
    assert link.emailed_to == "a.okafor@ne-hospital.example"
    assert link.emailed_at is not None
    assert link.email_template == approved_template


def test_a_share_rolled_back_sends_no_e_mail(
    msl_a, emailable_kol_a, item, approved_template, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        share(msl_a, emailable_kol_a, item, email_template_id=approved_template.pk)
        raise RuntimeError("something later in the same request failed")
    assert mail.outbox == []
    assert ShareLink.objects.count() == 0


def test_no_e_mail_without_the_kols_e_mail_consent(
    msl_a, kol_a, item, approved_template, django_capture_on_commit_callbacks
):
    from kolbridge.kols.services import kol_update

    kol = kol_update(actor=msl_a, kol=kol_a, changes={"email": "a.okafor@ne-hospital.example"})
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Forbidden) as refused:
        share(msl_a, kol, item, email_template_id=approved_template.pk)
    assert refused.value.message.startswith("Consent rule")
    assert mail.outbox == []
    assert ShareLink.objects.count() == 0


def test_consent_withdrawn_later_stops_e_mail(
    msl_a, emailable_kol_a, item, approved_template, django_capture_on_commit_callbacks
):
    from kolbridge.kols.services import kol_channel_preferences_record

    kol_channel_preferences_record(
        actor=msl_a,
        kol=emailable_kol_a,
        channels=["in_person"],
        email_consent=False,
        at=timezone.now() + timedelta(seconds=1),
    )
    with pytest.raises(Forbidden, match="Consent rule"):
        share(msl_a, emailable_kol_a, item, email_template_id=approved_template.pk)


def test_no_e_mail_from_a_template_that_is_not_approved(
    msl_a, emailable_kol_a, item, reviewer, django_capture_on_commit_callbacks
):
    draft = services.email_template_create(
        actor=reviewer, name="Draft wording", subject="Hi", body="See {link}"
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Forbidden) as refused:
        share(msl_a, emailable_kol_a, item, email_template_id=draft.pk)
    assert refused.value.message.startswith("Template rule")
    assert mail.outbox == []
    assert ShareLink.objects.count() == 0


def test_no_e_mail_to_a_kol_without_an_address(msl_a, kol_a, item, approved_template):
    with pytest.raises(Invalid) as refused:
        share(msl_a, kol_a, item, email_template_id=approved_template.pk)
    assert "has no e-mail address" in refused.value.errors["email_template"][0]


def test_a_template_with_an_unknown_placeholder_stores_nothing(
    msl_a, emailable_kol_a, item, reviewer, django_capture_on_commit_callbacks
):
    template = services.email_template_create(
        actor=reviewer, name="Broken", subject="For {kol_nam}", body="See {link}"
    )
    services.email_template_approve(actor=reviewer, template=template, password=PASSWORD)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Invalid, match="unknown placeholder"),
    ):
        share(msl_a, emailable_kol_a, item, email_template_id=template.pk)
    assert mail.outbox == []
    assert ShareLink.objects.count() == 0
    assert SharedModule.objects.count() == 0


def test_a_template_must_carry_the_link_and_only_reviewers_approve_it(reviewer, msl_a, admin):
    with pytest.raises(Invalid) as refused:
        services.email_template_create(actor=reviewer, name="No link", subject="x", body="Hello")
    assert "body" in refused.value.errors
    template = services.email_template_create(
        actor=admin, name="Admin draft", subject="x", body="{link}"
    )
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.email_template_create(actor=msl_a, name="Mine", subject="x", body="{link}")
    with pytest.raises(Forbidden, match="Firewall rule"):
        services.email_template_approve(actor=admin, template=template, password=PASSWORD)
    with pytest.raises(Invalid, match="password"):
        services.email_template_approve(actor=reviewer, template=template, password="wrong")
    template.refresh_from_db()
    assert not template.approved
    services.email_template_approve(actor=reviewer, template=template, password=PASSWORD)
    template.refresh_from_db()
    assert template.approved and template.approved_by == reviewer


# ---- what the public viewer finds -----------------------------------------------------------


def test_an_unknown_or_tampered_token_finds_nothing(shared):
    for token in (
        "",
        "nope",
        shared.token[:-1] + ("A" if shared.token[-1] != "A" else "B"),
        "x" * 101,
    ):
        state = share_resolve(token)
        assert not state.found
        assert not state.available


def test_a_live_link_is_available_with_its_modules(shared):
    state = share_resolve(shared.token)
    assert state.found and state.available
    assert state.gone_reason == ""
    assert [m.position for m in state.modules] == [1]


def test_an_expired_link_is_gone(shared):
    state = share_resolve(shared.token, now=shared.link.expires_at + timedelta(seconds=1))
    assert state.found and not state.available
    assert state.gone_reason == "expired"


def test_withdrawing_the_content_stops_the_link_at_once(shared, item, reviewer):
    services.item_withdraw(actor=reviewer, item=item, reason="Data retracted")
    assert share_resolve(shared.token).gone_reason == "withdrawn"


def test_withdrawing_a_newer_version_stops_a_link_frozen_at_the_older_one(
    lead, shared, item, mlr_team, reviewer
):
    services.item_revise(actor=lead, item=item, title="v2", change_summary="New.")
    services.item_submit(actor=lead, item=item)
    sign_all(item, mlr_team)
    assert share_resolve(shared.token).available
    services.item_withdraw(actor=reviewer, item=item, reason="Retracted")
    assert share_resolve(shared.token).gone_reason == "withdrawn"


def test_content_past_its_expiry_stops_the_link(shared, item):
    ItemVersion.objects.filter(item=item).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    assert share_resolve(shared.token).gone_reason == "content expired"


def test_content_expired_by_the_daily_task_stops_the_link(shared, item):
    services.content_expire_due(today=item.approved_version.expires_on + timedelta(days=1))
    state = share_resolve(shared.token)
    assert state.gone_reason == "content expired"


# ---- opens and beacons ----------------------------------------------------------------------


@pytest.fixture
def opened(shared):
    return services.share_record_open(link=shared.link, at=timezone.now() - timedelta(seconds=120))


def beacon(shared, opened, beacons, positions=1):
    return services.share_record_beacon(
        link=shared.link, open_id=opened.pk, beacons=beacons, positions=positions
    )


def test_an_open_and_its_dwell_beacons_are_recorded(shared, opened):
    assert beacon(shared, opened, [Beacon(1, 45), Beacon(1, 0)]) == 2
    assert [(e.position, e.seconds, e.kind) for e in ViewEvent.objects.all()] == [(1, 45, 1)]
    opened.refresh_from_db()
    assert opened.scripted
    activity = share_link_activity(link=shared.link)
    assert (activity.opens, activity.seconds) == (1, 45)


def test_a_download_is_recorded_even_without_the_viewers_script(shared):
    services.share_record_download(link=shared.link, open_id=None, position=1)
    assert ShareOpen.objects.count() == 1
    assert share_link_activity(link=shared.link).modules[0].downloads == 1


@pytest.mark.parametrize(
    "beacons,field",
    [
        ([Beacon(1, 500)], "seconds"),
        ([Beacon(1, 100), Beacon(1, 100)], "seconds"),
        ([Beacon(1, -5)], "seconds"),
        ([Beacon(1, 4 * 60 * 60 + 1)], "seconds"),
        ([Beacon(2, 10)], "position"),
        ([Beacon(0, 10)], "position"),
        ([Beacon(1, 10), Beacon(7, 10)], "position"),
        ([Beacon(1, 0)] * 201, "events"),
    ],
)
def test_an_impossible_beacon_report_stores_nothing(shared, opened, beacons, field):
    with pytest.raises(Invalid) as refused:
        beacon(shared, opened, beacons)
    assert field in refused.value.errors
    assert ViewEvent.objects.count() == 0
    opened.refresh_from_db()
    assert not opened.scripted


def test_dwell_reported_across_beacons_may_not_exceed_the_time_the_page_was_open(shared, opened):
    beacon(shared, opened, [Beacon(1, 100)])
    with pytest.raises(Invalid, match="open for only"):
        beacon(shared, opened, [Beacon(1, 60)])
    assert ViewEvent.objects.count() == 1


def test_a_beacon_for_another_links_open_is_refused(msl_a, kol_a, item, shared, opened):
    other = share(msl_a, kol_a, item)
    with pytest.raises(Invalid) as refused:
        services.share_record_beacon(
            link=other.link, open_id=opened.pk, beacons=[Beacon(1, 5)], positions=1
        )
    assert "open" in refused.value.errors
    assert ViewEvent.objects.count() == 0
