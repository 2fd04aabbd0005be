"""The demo's content: a library in every state of MLR review, claims with their references,
files that are what they claim to be, presentations and share links of the MSLs' own KOLs with
a view history, all deterministic and with an audit chain that verifies.

One small demo is seeded for the whole module (twice, to compare) and rolled back at the end.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone

from kolbridge.content.files import ACCEPTED_BY_KIND, IMAGES, sniff
from kolbridge.content.models import (
    ContentItem,
    ContentModule,
    EmailTemplate,
    ItemStatus,
    ItemVersion,
    ModuleKind,
    ModuleVersion,
    NoticeKind,
    Presentation,
    PresentationNotice,
    PresentedContent,
    ReviewEvent,
    ReviewEventKind,
    ReviewSignature,
    SharedModule,
    ShareLink,
    ShareOpen,
    Usage,
    VersionStatus,
    ViewEvent,
    ViewEventKind,
)
from kolbridge.content.references import parse_reference
from kolbridge.core import policy
from kolbridge.core.audit import audit_verify
from kolbridge.core.models import AuditEntry, User
from kolbridge.demo.seed import ANCHOR, SeedSummary, seed_demo

pytestmark = pytest.mark.django_db

SMALL: dict[str, Any] = {"kols": 40, "interactions": 700, "seed": 7}
TODAY = timezone.localdate()


@dataclass(frozen=True)
class Demo:
    summary: SeedSummary
    first: dict[str, list[Any]]  # the library as the first of two seeds wrote it
    second: dict[str, list[Any]]  # ... and as the second wrote it; this one stays loaded
    media: Path


def _dump() -> dict[str, list[Any]]:
    """The content the seed wrote, by content rather than by key (PostgreSQL's sequences do
    not roll back)."""
    return {
        "items": list(
            ContentItem.objects.order_by("pk").values_list(
                "kind", "status", "owner__username", "current_version__title", "withdraw_reason"
            )
        ),
        "versions": list(
            ItemVersion.objects.order_by("pk").values_list(
                "item__current_version__title",
                "number",
                "status",
                "file_sha256",
                "expires_on",
                "created_at",
                "approved_at",
            )
        ),
        "modules": list(
            ModuleVersion.objects.order_by("pk").values_list(
                "title", "number", "status", "references", "figure_sha256"
            )
        ),
        "signatures": list(
            ReviewSignature.objects.order_by("pk").values_list(
                "item_version__title", "discipline", "signer__username", "signed_at"
            )
        ),
        "presentations": list(
            Presentation.objects.order_by("pk").values_list(
                "owner__username", "kol__last_name", "title", "created_at"
            )
        ),
        "presented": list(
            PresentedContent.objects.order_by("pk").values_list(
                "item_version__title", "seconds", "presented_at"
            )
        ),
        "notices": list(PresentationNotice.objects.order_by("pk").values_list("kind", "message")),
        "links": list(
            ShareLink.objects.order_by("pk").values_list(
                "created_by__username",
                "kol__last_name",
                "title",
                "created_at",
                "expires_at",
                "revoked_at",
                "inquiry__question",
            )
        ),
        "opens": list(ShareOpen.objects.order_by("pk").values_list("opened_at", "scripted")),
        "events": list(
            ViewEvent.objects.order_by("pk").values_list("kind", "position", "seconds", "at")
        ),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Demo]:
    media = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        with transaction.atomic():
            seed_demo(**SMALL, today=TODAY)
            first = _dump()
            transaction.set_rollback(True)
        with transaction.atomic():
            summary = seed_demo(**SMALL, today=TODAY)
            yield Demo(summary, first, _dump(), media)
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def media_root(demo: Demo, settings: Any) -> Path:
    """The files of the module's demo (instead of the per-test folder of conftest)."""
    settings.MEDIA_ROOT = demo.media
    return demo.media


def _start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(TODAY, time.min))


def test_the_same_seed_on_the_same_day_writes_the_same_library(demo: Demo) -> None:
    assert len(demo.first["items"]) >= 40
    assert demo.first == demo.second


def test_the_library_has_items_in_every_status_and_exactly_one_withdrawn(demo: Demo) -> None:
    statuses = Counter(ContentItem.objects.values_list("status", flat=True))
    assert 40 <= sum(statuses.values()) <= 80
    assert statuses[ItemStatus.APPROVED] > statuses[ItemStatus.IN_REVIEW] > 0
    assert statuses[ItemStatus.DRAFT] > 0
    assert statuses[ItemStatus.EXPIRED] > 0
    assert statuses[ItemStatus.WITHDRAWN] == 1
    withdrawn = ContentItem.objects.get(status=ItemStatus.WITHDRAWN)
    assert withdrawn.withdraw_reason
    assert withdrawn.withdrawn_by is not None and withdrawn.withdrawn_by.role == "reviewer"
    kinds = set(ContentItem.objects.values_list("kind", flat=True))
    assert kinds == {"deck", "reprint", "video", "infographic", "faq"}


def test_every_claim_cites_a_pmid_or_doi(demo: Demo) -> None:
    claims = ModuleVersion.objects.filter(module__kind=ModuleKind.CLAIM)
    assert claims.count() >= 20
    for claim in claims:
        assert claim.references, claim.title
        for ref in claim.references:
            assert parse_reference(ref["value"]) == ref
    kinds = set(ContentModule.objects.values_list("kind", flat=True))
    assert kinds == set(ModuleKind.values)
    shared = ContentModule.objects.annotate(
        items=models.Count("versions__item_links__item_version__item", distinct=True)
    ).filter(items__gt=1)
    assert shared.exists()


def test_approved_versions_carry_three_e_signatures_by_three_reviewers(demo: Demo) -> None:
    approved = ItemVersion.objects.exclude(approved_at=None)
    assert approved.count() > 40
    for version in approved:
        signatures = version.signatures.filter(review_round=version.review_round)
        assert {s.discipline for s in signatures} == {"medical", "legal", "regulatory"}
        assert len({s.signer_id for s in signatures}) == 3
        assert all(s.signer.role == "reviewer" for s in signatures)
        assert version.submitted_at and version.approved_at
        assert version.submitted_at < version.approved_at
    in_review = ItemVersion.objects.filter(status=VersionStatus.IN_REVIEW)
    assert {v.signatures.filter(review_round=v.review_round).count() for v in in_review} > {0}
    signed = AuditEntry.objects.filter(action="content.sign")
    assert signed.count() == ReviewSignature.objects.count()
    returned = ReviewEvent.objects.filter(kind=ReviewEventKind.RETURNED)
    assert returned.exists()
    assert all(e.comment and e.by and e.by.role == "reviewer" for e in returned)


def test_the_files_are_what_their_kind_says(demo: Demo) -> None:
    versions = ItemVersion.objects.exclude(file="").select_related("item")
    assert versions.count() >= 40
    for version in versions:
        with default_storage.open(version.file.name) as handle:
            data = handle.read()
        assert hashlib.sha256(data).hexdigest() == version.file_sha256
        assert sniff(data[:64], data[-1024:]) in ACCEPTED_BY_KIND[version.item.kind]
        assert Path(version.file.path).is_relative_to(demo.media)
    figures = ModuleVersion.objects.filter(module__kind=ModuleKind.FIGURE)
    assert figures.exists()
    for figure in figures:
        with default_storage.open(figure.figure.name) as handle:
            data = handle.read()
        assert sniff(data[:64], data[-1024:]) in IMAGES
    assert not ItemVersion.objects.filter(item__kind="faq", body="").exists()


def test_history_lies_before_the_seed_day_and_expiry_came_from_the_daily_task(
    demo: Demo,
) -> None:
    start = _start_of_today()
    assert not ItemVersion.objects.filter(approved_at__gte=start).exists()
    assert not ReviewSignature.objects.filter(signed_at__gte=start).exists()
    assert not ReviewEvent.objects.filter(at__gte=start).exists()
    assert not Presentation.objects.filter(created_at__gte=start).exists()
    assert not PresentationNotice.objects.filter(created_at__gte=start).exists()
    assert not ShareLink.objects.filter(created_at__gte=start).exists()
    assert not ShareOpen.objects.filter(opened_at__gte=start).exists()
    assert ItemVersion.objects.filter(approved_at__lt=ANCHOR).count() > 40
    first = ItemVersion.objects.order_by("created_at").first()
    assert first is not None and (ANCHOR - first.created_at).days > 365
    expired = ItemVersion.objects.filter(status=VersionStatus.EXPIRED)
    assert expired.exists()
    for version in expired:
        assert version.expires_on < TODAY
        event = version.review_events.get(kind=ReviewEventKind.EXPIRED)
        assert version.approved_at is not None
        assert event.at.date() > version.expires_on > version.approved_at.date()
    assert AuditEntry.objects.filter(action="content.expire").count() == expired.count()
    live = ItemVersion.objects.filter(status=VersionStatus.APPROVED)
    assert all(v.expires_on > TODAY for v in live)


def test_share_links_have_opens_dwell_and_downloads_within_their_life(demo: Demo) -> None:
    now = timezone.now()
    links = ShareLink.objects.all()
    assert links.filter(expires_at__lt=now).exists()
    assert links.filter(expires_at__gt=now, revoked_at=None).exists()
    revoked = links.exclude(revoked_at=None)
    assert revoked.count() == 1 and revoked[0].revoked_by == revoked[0].created_by
    opens = ShareOpen.objects.select_related("share_link")
    assert opens.count() > links.count() // 2
    for open_ in opens:
        link = open_.share_link
        ends = min(t for t in (link.expires_at, link.revoked_at, _start_of_today()) if t)
        assert link.created_at < open_.opened_at < ends
    dwell = ViewEvent.objects.filter(kind=ViewEventKind.DWELL)
    assert dwell.exists() and not dwell.filter(seconds=0).exists()
    assert ViewEvent.objects.filter(kind=ViewEventKind.DOWNLOAD).exists()
    for event in dwell.select_related("open"):
        positions = SharedModule.objects.filter(share_link_id=event.share_link_id).count()
        assert 1 <= event.position <= positions
        assert event.at > event.open.opened_at
    assert opens.filter(scripted=False).exists()


def test_links_of_withdrawn_material_saw_no_opens_after_the_withdrawal(demo: Demo) -> None:
    withdrawn = ContentItem.objects.get(status=ItemStatus.WITHDRAWN)
    carrying = ShareLink.objects.filter(modules__item=withdrawn).distinct()
    assert carrying.exists()
    assert not ShareOpen.objects.filter(
        share_link__in=carrying, opened_at__gte=withdrawn.withdrawn_at
    ).exists()


def test_reactive_responses_answer_the_same_kols_logged_inquiry(demo: Demo) -> None:
    reactive = SharedModule.objects.filter(item_version__usage=Usage.REACTIVE).select_related(
        "share_link__inquiry", "item_version"
    )
    assert reactive.exists()
    for shared in reactive:
        inquiry = shared.share_link.inquiry
        assert inquiry is not None and inquiry.kol_id == shared.share_link.kol_id
        assert inquiry.unsolicited_confirmed
        assert inquiry.product_id is not None
        assert shared.item_version.products.filter(pk=inquiry.product_id).exists()
        assert inquiry.received_at < shared.share_link.created_at


def test_presentations_are_for_the_msls_own_kols_and_were_presented_in_their_meetings(
    demo: Demo,
) -> None:
    presentations = Presentation.objects.select_related("owner", "kol")
    assert presentations.count() >= 5
    for presentation in presentations:
        assert presentation.owner.role == "msl"
        assert presentation.kol.territory_id == presentation.owner.territory_id
    presented = PresentedContent.objects.select_related("interaction", "presentation")
    assert presented.exists()
    for row in presented:
        interaction, shown = row.interaction, row.presentation
        assert interaction.status == "completed" and shown is not None
        assert interaction.kols.filter(pk=shown.kol_id).exists()
        ends = interaction.starts_at + timedelta(minutes=interaction.duration_minutes)
        assert interaction.starts_at < row.presented_at < ends
    kinds = set(PresentationNotice.objects.values_list("kind", flat=True))
    assert NoticeKind.NEEDS_REVIEW in kinds
    assert kinds & {NoticeKind.EXPIRED, NoticeKind.WITHDRAWN}


def test_the_firewall_holds_for_the_demo_library(demo: Demo) -> None:
    pm = User.objects.get(username="pm1")
    seen = policy.visible(pm, "content_item", ContentItem.objects.all())
    assert seen.filter(owner=pm, status=ItemStatus.APPROVED).exists()
    assert not seen.filter(current_version__usage=Usage.REACTIVE).exists()
    assert not seen.filter(current_version__audience_commercial=False).exists()
    rep = User.objects.get(username="rep1")
    assert (
        not policy.visible(rep, "content_item", ContentItem.objects.all())
        .exclude(status=ItemStatus.APPROVED)
        .exists()
    )


def test_one_e_mail_template_is_approved_and_one_is_a_draft(demo: Demo) -> None:
    approved = EmailTemplate.objects.filter(approved=True)
    assert approved.count() == 1
    assert approved[0].approved_by is not None and approved[0].approved_by.role == "reviewer"
    assert EmailTemplate.objects.filter(approved=False).count() == 1


def test_the_audit_chain_verifies_and_says_where_dates_were_placed(demo: Demo) -> None:
    result = audit_verify()
    assert result.ok, result.problem
    history = AuditEntry.objects.filter(actor_username="system (demo seed)")
    assert history.filter(action="content.seed_history").count() == ContentItem.objects.count()
    assert history.filter(action="share_link.seed_history").count() == ShareLink.objects.count()
    assert AuditEntry.objects.filter(action="content.create").count() == (
        ContentItem.objects.count()
    )
    assert AuditEntry.objects.filter(action="content.withdraw").count() == 1
