"""The content API's lists read with a fixed number of queries however many rows they show:
an N+1 query is a bug. Each test measures a list with one row, adds more, and then allows no
more queries than the first measure."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kolbridge.content import services
from kolbridge.content.models import ContentItem
from tests.utils import API, PASSWORD

pytestmark = pytest.mark.django_db

CEILING = 20


def measure(client, path: str, **params) -> int:
    client.get(API + path, params)  # warm-up: session, user and per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(API + path, params)
    assert response.status_code == 200, response.content
    assert len(captured) <= CEILING, [q["sql"] for q in captured]
    assert response.json()["count"] >= 1
    return len(captured)


def assert_no_more_queries(client, path: str, baseline: int, max_queries, **params) -> None:
    with max_queries(baseline):
        response = client.get(API + path, params)
    assert response.status_code == 200
    assert response.json()["count"] > 1


def test_library_list_reads_a_fixed_number_of_queries(
    make_item, claim_module, msl_a, as_user, django_assert_max_num_queries
):
    make_item(title="First deck", modules=[claim_module])
    client = as_user(msl_a)
    baseline = measure(client, "/content/items")
    for n in range(3):
        make_item(title=f"Draft {n}", kind="faq", approve=False)
    assert_no_more_queries(client, "/content/items", baseline, django_assert_max_num_queries)
    assert_no_more_queries(
        client, "/content/items", baseline, django_assert_max_num_queries, q="nsclc"
    )


def test_review_queue_reads_a_fixed_number_of_queries(
    make_item, lead, reviewer, as_user, django_assert_max_num_queries
):
    def submitted(title: str) -> None:
        item = make_item(title=title, approve=False)
        services.item_submit(actor=lead, item=item)

    submitted("First")
    client = as_user(reviewer)
    baseline = measure(client, "/content/review-queue")
    for n in range(3):
        submitted(f"More {n}")
    services.item_sign(
        actor=reviewer,
        item=ContentItem.objects.get(working_version__title="More 0"),
        discipline="medical",
        password=PASSWORD,
        meaning="Medically accurate.",
    )
    assert_no_more_queries(client, "/content/review-queue", baseline, django_assert_max_num_queries)


def test_module_list_reads_a_fixed_number_of_queries(
    claim_module, lead, msl_a, as_user, django_assert_max_num_queries
):
    client = as_user(msl_a)
    baseline = measure(client, "/content/modules")
    for n in range(3):
        services.module_create(
            actor=lead,
            kind="claim",
            therapeutic_area="ONC",
            title=f"Claim {n}",
            text="Text.",
            references=[f"PMID: 3153582{n}"],
        )
    assert_no_more_queries(client, "/content/modules", baseline, django_assert_max_num_queries)


def test_presentation_and_share_link_lists_read_a_fixed_number_of_queries(
    make_item, msl_a, kol_a, as_user, django_assert_max_num_queries
):
    item = make_item()

    def build() -> None:
        p = services.presentation_create(actor=msl_a, kol_id=kol_a.pk, title="Visit")
        services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
        services.share_create(actor=msl_a, kol_id=kol_a.pk, presentation_id=p.pk)

    build()
    client = as_user(msl_a)
    presentations = measure(client, "/content/presentations")
    links = measure(client, "/content/share-links")
    for _ in range(3):
        build()
    assert_no_more_queries(
        client, "/content/presentations", presentations, django_assert_max_num_queries
    )
    assert_no_more_queries(client, "/content/share-links", links, django_assert_max_num_queries)
