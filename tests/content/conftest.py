"""Content fixtures: an MLR reviewer team, real file bytes, and a factory for items taken
through review the way the product does it (create → submit → three e-signatures)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import _user
from tests.utils import PASSWORD

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# A 1x1 PNG.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


def pdf(name: str = "deck.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png(name: str = "figure.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files go to a fresh folder per test, through the default storage."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def reviewer2(ref: Any) -> Any:
    return _user("reviewer2", "reviewer", first_name="Lena", last_name="Legal")


@pytest.fixture
def reviewer3(ref: Any) -> Any:
    return _user("reviewer3", "reviewer", first_name="Raj", last_name="Regulatory")


@pytest.fixture
def mlr_team(reviewer: Any, reviewer2: Any, reviewer3: Any) -> list[Any]:
    """Medical, legal and regulatory reviewers, in that order."""
    return [reviewer, reviewer2, reviewer3]


def sign_all(item: Any, team: Sequence[Any]) -> Any:
    from kolbridge.content.services import item_sign

    for reviewer, discipline in zip(team, ("medical", "legal", "regulatory"), strict=True):
        item_sign(
            actor=reviewer,
            item=item,
            discipline=discipline,
            password=PASSWORD,
            meaning=f"I approve this content ({discipline} review).",
        )
    item.refresh_from_db()
    return item


@pytest.fixture
def claim_module(ref: Any, lead: Any) -> Any:
    from kolbridge.content.services import module_create

    return module_create(
        actor=lead,
        kind="claim",
        therapeutic_area="ONC",
        title="Overall survival benefit",
        text="Zentorix improved median overall survival by 4.1 months versus docetaxel.",
        references=["PMID: 31535829", "doi:10.1056/NEJMoa1911303"],
    )


@pytest.fixture
def make_item(ref: Any, lead: Any, mlr_team: list[Any]) -> Callable[..., Any]:
    """Build an item; ``approve=True`` takes it through MLR review with three signatures."""
    from kolbridge.content.services import Classification, item_create, item_submit

    def build(
        *,
        title: str = "Zentorix second-line NSCLC deck",
        author: Any = None,
        kind: str = "deck",
        usage: str = "proactive_on_label",
        audiences: Sequence[str] = ("medical_external",),
        indications: Sequence[Any] | None = None,
        modules: Sequence[Any] = (),
        expires_on: date | None = None,
        approve: bool = True,
    ) -> Any:
        chosen = [ref.approved_indication] if indications is None else list(indications)
        item = item_create(
            actor=author or lead,
            kind=kind,
            title=title,
            summary="Efficacy and safety in previously treated metastatic NSCLC.",
            body="<p>Standard response text.</p>" if kind == "faq" else "",
            classification=Classification(
                therapeutic_area="ONC",
                products=["Zentorix"],
                indications=[i.pk for i in chosen],
                audiences=audiences,
                usage=usage,
                expires_on=expires_on or timezone.localdate() + timedelta(days=365),
            ),
            module_ids=[m.pk for m in modules],
            upload=None if kind == "faq" else pdf(),
        )
        if approve:
            item_submit(actor=author or lead, item=item)
            sign_all(item, mlr_team)
        return item

    return build


@pytest.fixture
def inquiry_a(msl_a: Any, kol_a: Any) -> Any:
    """An unsolicited question from kol_a about Zentorix."""
    from kolbridge.engagements.services import inquiry_capture

    return inquiry_capture(
        actor=msl_a,
        kol=kol_a,
        question="Is there any data on Zentorix in the adjuvant setting?",
        channel_received="in_person",
        unsolicited_confirmed=True,
        product_name="Zentorix",
    )


@pytest.fixture
def kol_a2(msl_a: Any) -> Any:
    """A second KOL in msl_a's territory (NE), without history: someone else who might ask."""
    from kolbridge.kols.services import kol_create

    return kol_create(
        actor=msl_a,
        title="Dr",
        first_name="Chidi",
        last_name="Mensah",
        specialty="Thoracic oncology",
        institution="NE General",
        city="Boston",
        country="us",
        territory_code="NE",
        tier=2,
        therapeutic_area_codes=["ONC"],
        external_ids={},
    )


@pytest.fixture
def emailable_kol_a(msl_a: Any, kol_a: Any) -> Any:
    """kol_a with an e-mail address and, from now on, e-mail consent."""
    from kolbridge.kols.services import kol_channel_preferences_record, kol_update

    kol = kol_update(actor=msl_a, kol=kol_a, changes={"email": "a.okafor@ne-hospital.example"})
    kol_channel_preferences_record(
        actor=msl_a, kol=kol, channels=["in_person", "email"], email_consent=True
    )
    kol.refresh_from_db()
    return kol


@pytest.fixture
def approved_template(reviewer: Any) -> Any:
    """An e-mail template for share links, approved by an MLR reviewer."""
    from kolbridge.content.services import email_template_approve, email_template_create

    template = email_template_create(
        actor=reviewer,
        name="Follow-up after a meeting",
        subject="Material from {msl_name}",
        body="Dear {kol_name},\n\nAs discussed: {link}\n\nAvailable until {expires_on}.\n"
        "Questions: {contact}",
    )
    return email_template_approve(actor=reviewer, template=template, password=PASSWORD)


@pytest.fixture
def meeting_a(msl_a: Any, kol_a: Any) -> Any:
    """msl_a's planned meeting with kol_a, an hour ago: where content gets presented."""
    from kolbridge.engagements.services import interaction_create

    return interaction_create(
        actor=msl_a,
        kol_ids=[kol_a.pk],
        starts_at=timezone.now() - timedelta(hours=1),
        channel="in_person",
        therapeutic_area_code="ONC",
        product_names=["Zentorix"],
        objectives="Walk through the second-line survival data",
    )
