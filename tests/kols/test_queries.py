"""Reads use a fixed number of queries, however many KOLs or history rows there are: an N+1
query is a bug."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kolbridge.kols.models import (
    Kol,
    KolChannelPreference,
    KolExternalId,
    KolKnowledgeAssessment,
    KolSearchToken,
    KolStageChange,
    ScientificQuestion,
)
from kolbridge.kols.search import kol_tokens

pytestmark = pytest.mark.django_db

# Generous ceilings: session + user + the page's own reads. The equality checks below are
# what catch an N+1; these catch a read that balloons for another reason.
MAX_LIST_QUERIES = 8
MAX_DETAIL_QUERIES = 12
# The timeline asks one query per registered source (stages, knowledge, channels, questions,
# interactions, inquiries, follow-ups, share links, views, content presented, insights).
MAX_TIMELINE_QUERIES = 16


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def add_kols(ref, n: int) -> list[Kol]:
    kols = Kol.objects.bulk_create(
        Kol(first_name=f"Extra{i}", last_name=f"Person{i:03}", specialty="Cardiology",
            institution="Bay Clinic", territory=ref.ne, tier=2)
        for i in range(n)
    )
    for kol in kols:
        kol.therapeutic_areas.add(ref.card, ref.onc)
    KolExternalId.objects.bulk_create(
        KolExternalId(kol=kol, system="crm", value=f"CRM-{kol.pk}") for kol in kols
    )
    KolSearchToken.objects.bulk_create(
        KolSearchToken(kol=kol, token=token) for kol in kols for token in kol_tokens(kol)
    )
    return kols


def add_history(kol: Kol, ref, user, n: int) -> None:
    now = timezone.now()
    KolStageChange.objects.bulk_create(
        KolStageChange(kol=kol, stage="aware", changed_at=now - timedelta(days=i), recorded_by=user)
        for i in range(n)
    )
    KolKnowledgeAssessment.objects.bulk_create(
        KolKnowledgeAssessment(
            kol=kol, level=1 + i % 5, assessed_at=now - timedelta(days=i), recorded_by=user,
            **({"product": ref.product} if i % 2 else {"therapeutic_area": [ref.onc, ref.imm,
                                                                            ref.card][i % 3]}),
        )
        for i in range(n)
    )
    KolChannelPreference.objects.bulk_create(
        KolChannelPreference(kol=kol, channels=["video"], effective_at=now - timedelta(days=i),
                             recorded_by=user)
        for i in range(n)
    )
    ScientificQuestion.objects.bulk_create(
        ScientificQuestion(kol=kol, text=f"Question {i}", asked_at=now - timedelta(days=i),
                           therapeutic_area=ref.onc, recorded_by=user)
        for i in range(n)
    )
    KolExternalId.objects.get_or_create(
        kol=kol, system="openalex", defaults={"value": f"A{kol.pk:06}"}
    )


@pytest.mark.parametrize("persona", ["msl_a", "lead", "pm"])
def test_kol_list_queries_do_not_grow_with_the_number_of_kols(
    request, ref, as_user, kol_a, persona, django_assert_max_num_queries
):
    client = as_user(request.getfixturevalue(persona))
    url = "/api/v1/kols?limit=50"
    few = count_queries(client, url)
    add_kols(ref, 15)
    client = as_user(request.getfixturevalue(persona))  # a fresh request user, no warm caches
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        many = count_queries(client, url)
    assert many == few
    assert client.get(url).json()["count"] == 16


def test_kol_search_queries_are_bounded(ref, msl_a, as_user, kol_a):
    add_kols(ref, 10)
    client = as_user(msl_a)
    url = "/api/v1/kols?q=person&therapeutic_area=CARD&tier=2&stage=unaware&territory=NE"
    assert count_queries(client, url) <= MAX_LIST_QUERIES
    assert client.get(url).json()["count"] == 10


@pytest.mark.parametrize("persona", ["msl_a", "lead", "pm"])
def test_kol_detail_queries_do_not_grow_with_history(
    request, ref, as_user, msl_a, kol_a, persona, django_assert_max_num_queries
):
    client = as_user(request.getfixturevalue(persona))
    url = f"/api/v1/kols/{kol_a.pk}"
    few = count_queries(client, url)
    add_history(kol_a, ref, msl_a, 25)
    with django_assert_max_num_queries(MAX_DETAIL_QUERIES):
        many = count_queries(client, url)
    assert many == few


@pytest.mark.parametrize("persona", ["msl_a", "pm"])
def test_kol_timeline_queries_do_not_grow_with_history(
    request, ref, as_user, msl_a, kol_a, persona, django_assert_max_num_queries
):
    client = as_user(request.getfixturevalue(persona))
    url = f"/api/v1/kols/{kol_a.pk}/timeline"
    few = count_queries(client, url)
    add_history(kol_a, ref, msl_a, 25)
    with django_assert_max_num_queries(MAX_TIMELINE_QUERIES):
        many = count_queries(client, url)
    assert many == few


def test_kol_questions_queries_do_not_grow_with_questions(ref, as_user, msl_a, kol_a):
    client = as_user(msl_a)
    url = f"/api/v1/kols/{kol_a.pk}/questions"
    few = count_queries(client, url)
    add_history(kol_a, ref, msl_a, 25)
    assert count_queries(client, url) == few
