"""Insight records shared by the insights tests, built with the services the app uses.

Texts are constants so every leak test looks for the same words: ``INSIGHT_TEXT`` names kol_a
("Dr Okafor"), ``RELEASED_TEXT`` is its de-identified wording, ``HARM_TEXT`` describes a possible
adverse event on Zentorix, ``BENIGN_TEXT`` none, ``QUESTION_TEXT`` is a product manager's question.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import _user

INSIGHT_TEXT = (
    "Dr Okafor avoids Zentorix in patients over 80 because the pivotal trials enrolled too few "
    "of them."
)
RELEASED_TEXT = (
    "A KOL avoids Zentorix in patients over 80 because the pivotal trials enrolled too few of them."
)
HARM_TEXT = (
    "One of her patients on Zentorix was hospitalised with grade 3 pneumonitis after the second "
    "cycle."
)
BENIGN_TEXT = "Payers in the region now ask for prior authorisation before Zentorix is started."
QUESTION_TEXT = "What do KOLs say about dosing Zentorix in the elderly?"
MEETING_NOTES = "Walked through the renal subgroup; she wants dosing data for patients over 80."


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Safety-system exports go to a fresh folder per test, through the default storage."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def msl_c(ref: Any, lead: Any) -> Any:
    """Another MSL of territory NE in the lead's team: sees insights about NE KOLs."""
    return _user("msl_c", "msl", territory="NE", manager=lead)


@pytest.fixture
def lead_se(ref: Any) -> Any:
    """A medical lead of territory SE with no one reporting to them: another team's lead."""
    return _user("lead_se", "medical_lead", territory="SE")


def capture(actor: Any, **extra: Any) -> Any:
    """An insight captured by ``actor`` (by default about Zentorix in oncology, no KOL)."""
    from kolbridge.insights.services import insight_capture

    return insight_capture(
        actor=actor,
        text=extra.pop("text", INSIGHT_TEXT),
        category=extra.pop("category", "clinical_practice"),
        therapeutic_area=extra.pop("therapeutic_area", "ONC"),
        product=extra.pop("product", "Zentorix"),
        **extra,
    )


def accept(lead: Any, insight: Any, **extra: Any) -> Any:
    from kolbridge.insights.services import insight_review

    return insight_review(actor=lead, insight=insight, decision="accept", **extra)


def release(lead: Any, insight: Any, text: str = RELEASED_TEXT) -> Any:
    from kolbridge.insights.services import insight_release

    return insight_release(actor=lead, insight=insight, released_text=text)


def reports_from(source_type: str, source_id: int) -> list[Any]:
    from kolbridge.insights.models import AdverseEventReport

    return list(AdverseEventReport.objects.filter(source_type=source_type, source_id=source_id))


@pytest.fixture
def meeting(msl_a: Any, kol_a: Any) -> Any:
    """msl_a's completed meeting with kol_a yesterday, about Zentorix."""
    from kolbridge.engagements.services import interaction_log

    return interaction_log(
        actor=msl_a,
        kol_ids=[kol_a.pk],
        starts_at=timezone.now() - timedelta(days=1),
        channel="in_person",
        therapeutic_area_code="ONC",
        product_names=["Zentorix"],
        objectives="Discuss dosing in the elderly",
        notes=MEETING_NOTES,
    )


@pytest.fixture
def insight_a(msl_a: Any, meeting: Any) -> Any:
    """msl_a's new insight from the meeting with kol_a (it names Dr Okafor)."""
    return capture(msl_a, interaction_id=meeting.pk, tags=["elderly", "dosing"])


@pytest.fixture
def insight_b(msl_b: Any, kol_b: Any) -> Any:
    """msl_b's new insight about kol_b (territory SE)."""
    return capture(
        msl_b,
        text="Dr Varga wants real-world data on Zentorix in patients with hepatic impairment.",
        category="data_gap",
        kol_ids=[kol_b.pk],
    )


@pytest.fixture
def accepted(lead: Any, insight_a: Any) -> Any:
    return accept(lead, insight_a)


@pytest.fixture
def released(lead: Any, accepted: Any) -> Any:
    return release(lead, accepted)


@pytest.fixture
def question(pm: Any) -> Any:
    """The product manager's question, waiting for medical."""
    from kolbridge.insights.services import pm_question_ask

    return pm_question_ask(actor=pm, product="Zentorix", text=QUESTION_TEXT)


@pytest.fixture
def routed(lead: Any, msl_a: Any, question: Any) -> Any:
    """The question, routed by the lead to msl_a."""
    from kolbridge.insights.services import pm_question_route

    return pm_question_route(
        actor=lead, question=question, msl_ids=[msl_a.pk], note="Ask at your next meetings"
    )


@pytest.fixture
def ae_report(msl_a: Any, kol_a: Any, meeting: Any) -> Any:
    """The possible adverse event opened by msl_a's safety insight from the meeting."""
    insight = capture(msl_a, text=HARM_TEXT, category="safety", interaction_id=meeting.pk)
    [report] = reports_from("insight", insight.pk)
    return report


@pytest.fixture
def theme(ref: Any, accepted: Any) -> Any:
    """An automatic theme of oncology / Zentorix insights for this quarter, with the accepted
    insight as its representative."""
    from kolbridge.insights.models import Theme, ThemeMembership

    today = timezone.localdate()
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    row = Theme.objects.create(
        therapeutic_area=ref.onc,
        product=ref.product,
        period_start=start,
        period_end=start + timedelta(days=89),
        name="elderly · trials",
        key_terms=["elderly", "trials"],
        representative=accepted,
        size=1,
        trend=[[f"{today:%Y-%m}", 1]],
    )
    ThemeMembership.objects.create(theme=row, insight=accepted, similarity=0.9)
    return row


@pytest.fixture
def released_theme(lead: Any, released: Any, theme: Any) -> Any:
    from kolbridge.insights.themes import theme_release

    return theme_release(
        actor=lead, theme=theme, summary="KOLs want more evidence in the very elderly."
    )


@pytest.fixture
def action(lead: Any, accepted: Any) -> Any:
    """The lead's decision on the accepted insight: a new FAQ, owned by the lead."""
    from kolbridge.insights.services import action_record

    return action_record(
        actor=lead,
        decision="new_content",
        action="New FAQ on dosing in patients over 80",
        owner_id=lead.pk,
        insight_id=accepted.pk,
        due_on=timezone.localdate() + timedelta(days=30),
    )
