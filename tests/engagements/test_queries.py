"""Lists and the pre-call plan read with a fixed number of queries however many rows there
are: an N+1 query is a bug. Each test measures a page with a little data, adds many more rows,
and then allows no more queries than the first measure (plus a ceiling that catches a page
whose reads balloon for another reason)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kolbridge.engagements import services
from kolbridge.engagements.models import Inquiry
from tests.engagements.conftest import capture, earlier_today, log, plan, refer
from tests.utils import API

pytestmark = pytest.mark.django_db

CEILING = 25


def measure(client, url: str, **params) -> int:
    client.get(url, params)  # warm-up: session, user and per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert len(captured) <= CEILING, [q["sql"] for q in captured]
    return len(captured)


def assert_no_more_queries(client, url: str, baseline: int, max_queries, **params) -> None:
    with max_queries(baseline):
        response = client.get(url, params)
    assert response.status_code == 200


def add_interactions(msl, kols, n: int, *, completed: bool = False, days_ago: int = 1):
    for i in range(n):
        when = timezone.now() - timedelta(days=days_ago, minutes=i)
        if completed:
            log(msl, kols, starts_at=when, questions=[f"Question {i}?"])
        else:
            plan(msl, kols, starts_at=when, msl_usernames=["msl_c"])


# ---- API lists ------------------------------------------------------------------------------


def test_interaction_list_reads_a_fixed_number_of_queries(
    msl_a, msl_c, kol_a, kol_a2, as_user, django_assert_max_num_queries
):
    client = as_user(msl_a)
    add_interactions(msl_a, [kol_a, kol_a2], 2)
    baseline = measure(client, f"{API}/interactions")
    add_interactions(msl_a, [kol_a, kol_a2], 10)
    assert_no_more_queries(client, f"{API}/interactions", baseline, django_assert_max_num_queries)
    assert_no_more_queries(
        client, f"{API}/interactions", baseline, django_assert_max_num_queries, kol=kol_a.pk,
        msl="msl_c", status="planned",
    )


def test_inquiry_queue_reads_a_fixed_number_of_queries(
    msl_a, kol_a, kol_a2, as_user, django_assert_max_num_queries
):
    client = as_user(msl_a)
    capture(msl_a, kol_a, product_name="Zentorix")
    baseline = measure(client, f"{API}/inquiries")
    for i in range(10):
        row = capture(msl_a, [kol_a, kol_a2][i % 2], question=f"Q{i}", product_name="Zentorix")
        if i % 3 == 0:
            services.inquiry_start(actor=msl_a, inquiry=row)
    assert_no_more_queries(client, f"{API}/inquiries", baseline, django_assert_max_num_queries)


def test_answered_inquiries_list_reads_a_fixed_number_of_queries(
    msl_a, kol_a, as_user, django_assert_max_num_queries
):
    client = as_user(msl_a)

    def answered(n):
        for i in range(n):
            row = capture(msl_a, kol_a, question=f"Q{i}")
            services.inquiry_respond(actor=msl_a, inquiry=row, response="A",
                                     delivery_channel="email")

    answered(1)
    baseline = measure(client, f"{API}/inquiries", status="answered")
    answered(8)
    assert_no_more_queries(client, f"{API}/inquiries", baseline, django_assert_max_num_queries,
                           status="answered")


def test_referral_list_reads_a_fixed_number_of_queries(
    rep, kol_a, kol_b, as_user, django_assert_max_num_queries
):
    client = as_user(rep)
    refer(rep, kol_a)
    baseline = measure(client, f"{API}/inquiries/referrals")
    for i in range(10):
        refer(rep, [kol_a, kol_b][i % 2], question=f"Q{i}")
    assert_no_more_queries(client, f"{API}/inquiries/referrals", baseline,
                           django_assert_max_num_queries)


def test_follow_up_list_reads_a_fixed_number_of_queries(
    lead, msl_a, kol_a, planned, as_user, django_assert_max_num_queries
):
    client = as_user(lead)

    def add(n):
        for i in range(n):
            services.follow_up_create(
                actor=msl_a, draft=services.FollowUpDraft(f"Task {i}", timezone.localdate()),
                kol=kol_a, interaction=planned if i % 2 else None,
            )

    add(1)
    baseline = measure(client, f"{API}/follow-ups")
    add(10)
    assert_no_more_queries(client, f"{API}/follow-ups", baseline, django_assert_max_num_queries)


# ---- pages ----------------------------------------------------------------------------------


def test_pre_call_plan_reads_a_fixed_number_of_queries_however_long_the_history(
    msl_a, msl_c, kol_a, planned, session_client, django_assert_max_num_queries
):
    client = session_client(msl_a)
    url = reverse("engagements:interaction_detail", args=[planned.pk])
    baseline = measure(client, url)
    add_interactions(msl_a, [kol_a], 6, completed=True, days_ago=5)
    for i in range(6):
        capture(msl_a, kol_a, question=f"Open inquiry {i}", product_name="Zentorix")
        services.follow_up_create(
            actor=msl_a, draft=services.FollowUpDraft(f"Task {i}", timezone.localdate()),
            kol=kol_a,
        )
    assert_no_more_queries(client, url, baseline, django_assert_max_num_queries)


def test_completed_meeting_page_reads_a_fixed_number_of_queries_however_many_questions(
    msl_a, kol_a, kol_a2, session_client, django_assert_max_num_queries
):
    client = session_client(msl_a)
    few = log(msl_a, [kol_a, kol_a2], questions=["Only one?"])
    baseline = measure(client, reverse("engagements:interaction_detail", args=[few.pk]))
    many = log(msl_a, [kol_a, kol_a2], questions=[f"Question {i}?" for i in range(6)])
    assert_no_more_queries(
        client, reverse("engagements:interaction_detail", args=[many.pk]), baseline,
        django_assert_max_num_queries,
    )


def test_calendar_week_reads_a_fixed_number_of_queries(
    msl_a, msl_c, kol_a, kol_a2, session_client, django_assert_max_num_queries
):
    client = session_client(msl_a)
    url = reverse("engagements:calendar")
    plan(msl_a, [kol_a], starts_at=earlier_today())
    baseline = measure(client, url)
    for _ in range(8):
        plan(msl_a, [kol_a, kol_a2], starts_at=earlier_today(), msl_usernames=["msl_c"])
    assert_no_more_queries(client, url, baseline, django_assert_max_num_queries)


def test_inquiry_queue_page_reads_a_fixed_number_of_queries(
    msl_a, kol_a, session_client, django_assert_max_num_queries
):
    client = session_client(msl_a)
    url = reverse("engagements:inquiry_queue")
    capture(msl_a, kol_a, product_name="Zentorix")
    baseline = measure(client, url)
    for i in range(10):
        capture(msl_a, kol_a, question=f"Q{i}", product_name="Zentorix")
    assert_no_more_queries(client, url, baseline, django_assert_max_num_queries)


def test_follow_up_page_reads_a_fixed_number_of_queries(
    msl_a, kol_a, planned, inquiry_a, session_client, django_assert_max_num_queries
):
    client = session_client(msl_a)
    url = reverse("engagements:follow_up_list")

    def add(n):
        for i in range(n):
            services.follow_up_create(
                actor=msl_a, draft=services.FollowUpDraft(f"Task {i}", timezone.localdate()),
                kol=kol_a, interaction=planned if i % 2 else None,
                inquiry=inquiry_a if i % 3 == 0 else None,
            )

    add(1)
    baseline = measure(client, url)
    add(10)
    assert_no_more_queries(client, url, baseline, django_assert_max_num_queries)


def test_my_work_reads_a_fixed_number_of_queries(
    msl_a, kol_a, kol_a2, session_client, django_assert_max_num_queries
):
    client = session_client(msl_a)

    def add(n):
        for i in range(n):
            plan(msl_a, [kol_a, kol_a2], starts_at=earlier_today())
            services.follow_up_create(
                actor=msl_a, draft=services.FollowUpDraft(f"Task {i}", timezone.localdate()),
                kol=kol_a,
            )
            row = capture(msl_a, kol_a, question=f"Q{i}")
            Inquiry.objects.filter(pk=row.pk).update(due_at=timezone.now() - timedelta(hours=1))

    add(1)
    baseline = measure(client, "/")
    add(8)
    assert_no_more_queries(client, "/", baseline, django_assert_max_num_queries)


def test_referral_pages_read_a_fixed_number_of_queries(
    rep, kol_a, kol_b, session_client, django_assert_max_num_queries
):
    client = session_client(rep)
    refer(rep, kol_a)
    baselines = {url: measure(client, url) for url in ("/", reverse("engagements:referral_list"))}
    for i in range(8):
        refer(rep, [kol_a, kol_b][i % 2], question=f"Q{i}")
    for url, baseline in baselines.items():
        assert_no_more_queries(client, url, baseline, django_assert_max_num_queries)


@pytest.mark.parametrize("persona", ["msl_a", "rep"])
def test_kol_timeline_with_many_meetings_and_inquiries_reads_a_fixed_number_of_queries(
    request, persona, msl_a, msl_c, kol_a, as_user, django_assert_max_num_queries
):
    client = as_user(request.getfixturevalue(persona))
    url = f"{API}/kols/{kol_a.pk}/timeline"
    add_interactions(msl_a, [kol_a], 1, completed=True)
    capture(msl_a, kol_a)
    baseline = measure(client, url)
    add_interactions(msl_a, [kol_a], 6, completed=True, days_ago=3)
    for i in range(6):
        capture(msl_a, kol_a, question=f"Q{i}")
        services.follow_up_create(
            actor=msl_a, draft=services.FollowUpDraft(f"Task {i}", timezone.localdate()),
            kol=kol_a,
        )
    assert_no_more_queries(client, url, baseline, django_assert_max_num_queries)
