"""The public share viewer over HTTP: what a KOL sees behind a link without signing in, its
status codes (404 unknown, 410 gone), the open recorded without script, the time per module
reported by beacons (impossible reports refused whole), downloads, and the privacy headers."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kolbridge.content import services
from kolbridge.content.models import ShareLink, ShareOpen, ViewEvent, ViewEventKind
from tests.content.conftest import PDF_BYTES, PNG_BYTES, png

pytestmark = pytest.mark.django_db

CONTACT = "Medical Information, medinfo@kolbridge.local, +1 800 555 0100"


@pytest.fixture(autouse=True)
def contact(settings: Any) -> str:
    settings.MEDICAL_INFORMATION_CONTACT = CONTACT
    return CONTACT


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    """The viewer keeps what approved versions show; each test starts without it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def deck(make_item: Callable[..., Any], claim_module: Any) -> Any:
    """An approved PDF deck carrying a claim with a PMID and a DOI."""
    return make_item(title="Zentorix second-line NSCLC deck", modules=[claim_module])


@pytest.fixture
def faq(make_item: Callable[..., Any]) -> Any:
    return make_item(title="Zentorix dosing FAQ", kind="faq")


@pytest.fixture
def infographic(ref: Any, lead: Any, mlr_team: list[Any]) -> Any:
    from kolbridge.content.services import Classification, item_create, item_submit
    from tests.content.conftest import sign_all

    item = item_create(
        actor=lead,
        kind="infographic",
        title="Zentorix at a glance",
        classification=Classification(
            therapeutic_area="ONC",
            products=["Zentorix"],
            indications=[ref.approved_indication.pk],
            expires_on=timezone.localdate() + timedelta(days=365),
        ),
        upload=png("glance.png"),
    )
    item_submit(actor=lead, item=item)
    return sign_all(item, mlr_team)


@pytest.fixture
def presentation_link(msl_a: Any, kol_a: Any, deck: Any, faq: Any, infographic: Any) -> Any:
    """A presentation of three items shared with kol_a: positions 1 (deck), 2 (FAQ), 3
    (infographic)."""
    p = services.presentation_create(actor=msl_a, kol_id=kol_a.pk, title="Okafor follow-up")
    for item in (deck, faq, infographic):
        services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
    return services.share_create(actor=msl_a, kol_id=kol_a.pk, presentation_id=p.pk)


@pytest.fixture
def item_link(msl_a: Any, kol_a: Any, deck: Any) -> Any:
    """The deck alone shared with kol_a (one position)."""
    return services.share_create(actor=msl_a, kol_id=kol_a.pk, item_id=deck.pk)


def open_page(client: Client, link: Any) -> int:
    response = client.get(link.path)
    assert response.status_code == 200, response.content
    return ShareOpen.objects.filter(share_link=link.link).latest("id").pk


def beacon(client: Client, link: Any, body: Any, *, raw: bytes | None = None) -> Any:
    data = raw if raw is not None else json.dumps(body)
    return client.post(f"{link.path}/beacon", data, content_type="text/plain")


def backdate_open(open_id: int, seconds: int) -> None:
    ShareOpen.objects.filter(pk=open_id).update(
        opened_at=timezone.now() - timedelta(seconds=seconds)
    )


# The page -----------------------------------------------------------------------------------


def test_page_renders_the_shared_modules_in_order_and_records_an_open_without_script(
    outsider: Client, presentation_link: Any, msl_a: Any
) -> None:
    response = outsider.get(presentation_link.path)

    assert response.status_code == 200
    html = response.content.decode()
    # Order: deck, FAQ, infographic.
    assert html.index("Zentorix second-line NSCLC deck") < html.index("Zentorix dosing FAQ")
    assert html.index("Zentorix dosing FAQ") < html.index("Zentorix at a glance")
    assert 'data-position="1"' in html and 'data-position="3"' in html
    # The claim with its references as links.
    assert "Zentorix improved median overall survival" in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/31535829/"' in html
    assert 'href="https://doi.org/10.1056/NEJMoa1911303"' in html
    # The FAQ's sanitised rich text is shown as HTML, not escaped.
    assert "<p>Standard response text.</p>" in html
    # The deck embedded and downloadable, the image shown.
    token = presentation_link.token
    assert f'data="/s/{token}/file/1"' in html
    assert f'src="/s/{token}/file/3"' in html
    opened = ShareOpen.objects.get(share_link=presentation_link.link)
    assert f'href="/s/{token}/download/1?open={opened.pk}"' in html
    # The script's hooks: the open and where to send beacons.
    assert f'data-open="{opened.pk}"' in html
    assert f'data-beacon-url="/s/{token}/beacon"' in html
    assert "content/viewer.js" in html
    # A standalone page: no app navigation.
    assert "Main navigation" not in html
    assert msl_a.get_full_name() in html and CONTACT in html
    assert opened.scripted is False


def test_page_loads_its_script_and_styles_from_this_site_only(
    outsider: Client, item_link: Any
) -> None:
    html = outsider.get(item_link.path).content.decode()

    sources = re.findall(r'(?:src|data)="([^"]+)"', html)
    sources += re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert sources
    assert all(s.startswith("/") for s in sources), sources
    assert finders.find("content/viewer.js")


def test_every_get_records_an_open(outsider: Client, item_link: Any) -> None:
    outsider.get(item_link.path)
    outsider.get(item_link.path)

    assert ShareOpen.objects.filter(share_link=item_link.link).count() == 2


def test_page_sends_privacy_headers_and_a_self_only_content_policy(
    outsider: Client, item_link: Any
) -> None:
    response = outsider.get(item_link.path)

    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_one_module_shared_alone_shows_that_module_and_not_the_deck_file(
    outsider: Client, msl_a: Any, kol_a: Any, deck: Any, claim_module: Any
) -> None:
    p = services.presentation_create(actor=msl_a, kol_id=kol_a.pk, title="One claim")
    services.presentation_add(
        actor=msl_a, presentation=p, item_id=deck.pk, module_id=claim_module.pk
    )
    link = services.share_create(actor=msl_a, kol_id=kol_a.pk, presentation_id=p.pk)

    html = outsider.get(link.path).content.decode()

    assert "Overall survival benefit" in html
    assert "from “Zentorix second-line NSCLC deck”" in html
    assert "/file/1" not in html and "/download/1" not in html
    assert outsider.get(f"{link.path}/file/1").status_code == 404


def test_page_takes_few_queries_whatever_the_number_of_modules(
    outsider: Client, presentation_link: Any
) -> None:
    with CaptureQueriesContext(connection) as first:
        assert outsider.get(presentation_link.path).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert outsider.get(presentation_link.path).status_code == 200

    # The link with the state of what it carries, what the versions show, the modules inside
    # whole items, the open.
    assert len(first) == 4, [q["sql"] for q in first]
    # Approved versions never change: what they show is kept, the state is asked every time.
    assert len(again) == 2, [q["sql"] for q in again]


# Not found and gone -------------------------------------------------------------------------


def test_unknown_token_answers_a_neutral_404(outsider: Client, item_link: Any) -> None:
    response = outsider.get("/s/this-token-was-never-issued")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Link not recognised" in html
    assert "no longer available" not in html
    assert response["Cache-Control"] == "no-store"
    assert ShareOpen.objects.count() == 0


def test_tampered_token_answers_the_same_404(outsider: Client, item_link: Any) -> None:
    token = item_link.token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    unknown = outsider.get("/s/this-token-was-never-issued")
    response = outsider.get(f"/s/{tampered}")

    assert response.status_code == 404
    assert response.content == unknown.content
    assert outsider.get("/s/" + "x" * 300).status_code == 404


def assert_gone(response: Any, msl: Any) -> None:
    assert response.status_code == 410
    html = response.content.decode()
    assert "This material is no longer available" in html
    assert CONTACT in html and msl.get_full_name() in html
    # Neutral: neither the material nor the reason.
    for shown in ("Zentorix", "Overall survival", "withdrawn", "revoked", "expired"):
        assert shown not in html
    assert response["Cache-Control"] == "no-store"


def test_revoked_link_answers_410_and_records_no_open(
    outsider: Client, item_link: Any, msl_a: Any
) -> None:
    services.share_revoke(actor=msl_a, link=item_link.link, reason="Sent to the wrong address")

    assert_gone(outsider.get(item_link.path), msl_a)
    assert ShareOpen.objects.count() == 0


def test_expired_link_answers_410(outsider: Client, item_link: Any, msl_a: Any) -> None:
    ShareLink.objects.filter(pk=item_link.link.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert_gone(outsider.get(item_link.path), msl_a)


def test_withdrawn_item_turns_the_link_into_the_neutral_410_page(
    outsider: Client, presentation_link: Any, faq: Any, lead: Any, msl_a: Any
) -> None:
    assert outsider.get(presentation_link.path).status_code == 200

    services.item_withdraw(actor=lead, item=faq, reason="Superseded by new safety data")

    assert_gone(outsider.get(presentation_link.path), msl_a)
    assert outsider.get(f"{presentation_link.path}/download/1").status_code == 410
    assert outsider.get(f"{presentation_link.path}/file/3").status_code == 410


def test_expired_content_answers_410_before_and_after_the_daily_expiry(
    outsider: Client, item_link: Any, deck: Any, msl_a: Any
) -> None:
    version = deck.approved_version
    version.expires_on = timezone.localdate() - timedelta(days=1)
    version.save(update_fields=["expires_on"])

    assert_gone(outsider.get(item_link.path), msl_a)
    services.content_expire_due()
    assert_gone(outsider.get(item_link.path), msl_a)


# Beacons ------------------------------------------------------------------------------------


def test_beacon_records_time_per_module(outsider: Client, presentation_link: Any) -> None:
    open_id = open_page(outsider, presentation_link)
    backdate_open(open_id, 120)

    first = beacon(
        outsider,
        presentation_link,
        {
            "open": open_id,
            "events": [{"position": 1, "seconds": 40}, {"position": 3, "seconds": 5}],
        },
    )
    second = beacon(
        outsider, presentation_link, {"open": open_id, "events": [{"position": 1, "seconds": 15}]}
    )

    assert first.status_code == 204 and second.status_code == 204
    assert first["Cache-Control"] == "no-store"
    dwell = {
        (e.position, e.seconds)
        for e in ViewEvent.objects.filter(open_id=open_id, kind=ViewEventKind.DWELL)
    }
    assert dwell == {(1, 40), (3, 5), (1, 15)}
    assert ShareOpen.objects.get(pk=open_id).scripted is True


def test_beacon_without_csrf_token_is_accepted(item_link: Any) -> None:
    """A browser's beacon carries no CSRF token: the link's token authorises it."""
    client = Client(enforce_csrf_checks=True)
    open_id = open_page(client, item_link)
    backdate_open(open_id, 30)

    response = beacon(
        client, item_link, {"open": open_id, "events": [{"position": 1, "seconds": 20}]}
    )

    assert response.status_code == 204


def test_beacon_accepts_json_content_type_and_an_empty_batch(
    outsider: Client, item_link: Any
) -> None:
    open_id = open_page(outsider, item_link)
    body = json.dumps({"open": open_id, "events": []})

    response = outsider.post(f"{item_link.path}/beacon", body, content_type="application/json")

    assert response.status_code == 204
    assert ViewEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        ([{"position": 1, "seconds": 500}], "open for only"),
        ([{"position": 1, "seconds": 40}, {"position": 1, "seconds": 40}], "open for only"),
        ([{"position": 1, "seconds": -5}], "impossible"),
        ([{"position": 2, "seconds": 5}], "not in this link"),
        ([{"position": 0, "seconds": 5}], "not in this link"),
        ([{"position": 1, "seconds": 5.5}], "whole-number"),
        ([{"position": "1", "seconds": 5}], "whole-number"),
        ([{"position": 1, "seconds": True}], "whole-number"),
        (["position 1"], "Each event"),
    ],
)
def test_impossible_beacon_is_refused_whole_with_its_reason(
    outsider: Client, item_link: Any, events: list[Any], reason: str
) -> None:
    open_id = open_page(outsider, item_link)
    backdate_open(open_id, 60)
    # A valid event first: nothing of the report may be stored.
    body = {"open": open_id, "events": [{"position": 1, "seconds": 1}, *events]}

    response = beacon(outsider, item_link, body)

    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert ViewEvent.objects.count() == 0
    assert ShareOpen.objects.get(pk=open_id).scripted is False


def test_dwell_is_checked_against_what_the_open_already_reported(
    outsider: Client, item_link: Any
) -> None:
    open_id = open_page(outsider, item_link)
    backdate_open(open_id, 60)
    ok = {"open": open_id, "events": [{"position": 1, "seconds": 50}]}
    assert beacon(outsider, item_link, ok).status_code == 204

    response = beacon(outsider, item_link, ok)

    assert response.status_code == 400
    assert ViewEvent.objects.count() == 1


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"events": []}',
        b'{"open": 1}',
        b'{"open": -1, "events": []}',
    ],
)
def test_malformed_beacon_answers_400(outsider: Client, item_link: Any, raw: bytes) -> None:
    open_page(outsider, item_link)

    response = beacon(outsider, item_link, None, raw=raw)

    assert response.status_code == 400
    assert response.json()["detail"]
    assert ViewEvent.objects.count() == 0


def test_beacon_for_an_open_of_another_link_answers_400(
    outsider: Client, item_link: Any, presentation_link: Any
) -> None:
    other_open = open_page(outsider, presentation_link)
    backdate_open(other_open, 60)

    response = beacon(
        outsider, item_link, {"open": other_open, "events": [{"position": 1, "seconds": 5}]}
    )

    assert response.status_code == 400
    assert "Unknown open" in response.json()["detail"]
    assert ViewEvent.objects.count() == 0


def test_oversized_beacon_is_refused(outsider: Client, item_link: Any) -> None:
    open_id = open_page(outsider, item_link)
    events = [{"position": 1, "seconds": 0}] * 2000

    response = beacon(outsider, item_link, {"open": open_id, "events": events})

    assert response.status_code == 413
    assert ViewEvent.objects.count() == 0


def test_beacon_to_unknown_or_gone_link(outsider: Client, item_link: Any, msl_a: Any) -> None:
    open_id = open_page(outsider, item_link)
    backdate_open(open_id, 60)
    body = {"open": open_id, "events": [{"position": 1, "seconds": 5}]}

    assert (
        outsider.post("/s/never-issued/beacon", json.dumps(body), "text/plain").status_code == 404
    )
    services.share_revoke(actor=msl_a, link=item_link.link, reason="Wrong KOL")
    gone = beacon(outsider, item_link, body)

    assert gone.status_code == 410
    assert ViewEvent.objects.count() == 0


def test_beacon_only_accepts_post(outsider: Client, item_link: Any) -> None:
    assert outsider.get(f"{item_link.path}/beacon").status_code == 405


def test_beacon_takes_few_queries(outsider: Client, presentation_link: Any) -> None:
    open_id = open_page(outsider, presentation_link)
    backdate_open(open_id, 600)
    body = {
        "open": open_id,
        "events": [{"position": 1, "seconds": 5}, {"position": 2, "seconds": 5}],
    }
    beacon(outsider, presentation_link, body)

    with CaptureQueriesContext(connection) as queries:
        assert beacon(outsider, presentation_link, body).status_code == 204

    # The link with its state, the open with its time so far, the insert.
    assert len(queries) == 3, [q["sql"] for q in queries]


# Downloads and files ------------------------------------------------------------------------


def test_download_records_a_download_and_returns_the_bytes(
    outsider: Client, presentation_link: Any
) -> None:
    open_id = open_page(outsider, presentation_link)

    response = outsider.get(f"{presentation_link.path}/download/1?open={open_id}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store"
    event = ViewEvent.objects.get(kind=ViewEventKind.DOWNLOAD)
    assert (event.open_id, event.position, event.share_link_id) == (
        open_id,
        1,
        presentation_link.link.pk,
    )


def test_download_without_the_page_still_counts_under_an_open_of_its_own(
    outsider: Client, item_link: Any
) -> None:
    response = outsider.get(f"{item_link.path}/download/1?open=banana")

    assert response.status_code == 200
    event = ViewEvent.objects.get(kind=ViewEventKind.DOWNLOAD)
    assert event.open.share_link_id == item_link.link.pk


def test_download_of_a_position_without_a_file_answers_404(
    outsider: Client, presentation_link: Any
) -> None:
    assert outsider.get(f"{presentation_link.path}/download/2").status_code == 404  # the FAQ
    assert outsider.get(f"{presentation_link.path}/download/9").status_code == 404
    assert outsider.get("/s/never-issued/download/1").status_code == 404
    assert ViewEvent.objects.count() == 0


def test_inline_file_is_shown_without_counting_a_download(
    outsider: Client, presentation_link: Any
) -> None:
    response = outsider.get(f"{presentation_link.path}/file/3")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_BYTES
    assert response["Content-Type"] == "image/png"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert ViewEvent.objects.count() == 0


def test_figure_of_a_carried_module_is_shown_and_others_are_not(
    outsider: Client,
    make_item: Callable[..., Any],
    lead: Any,
    msl_a: Any,
    kol_a: Any,
    item_link: Any,
) -> None:
    figure = services.module_create(
        actor=lead,
        kind="figure",
        therapeutic_area="ONC",
        title="Kaplan-Meier curve",
        text="Overall survival by arm.",
        figure=png("km.png"),
    )
    item = make_item(title="Survival figure deck", modules=[figure])
    link = services.share_create(actor=msl_a, kol_id=kol_a.pk, item_id=item.pk)
    figure.refresh_from_db()
    mv = figure.latest_version

    html = outsider.get(link.path).content.decode()
    response = outsider.get(f"{link.path}/figure/{mv.pk}")

    assert f'src="/s/{link.token}/figure/{mv.pk}"' in html
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_BYTES
    # Another link may not reach a figure it does not carry.
    assert outsider.get(f"{item_link.path}/figure/{mv.pk}").status_code == 404


# Sign-in and the token ----------------------------------------------------------------------


def test_viewer_needs_no_sign_in_while_other_pages_still_do(
    outsider: Client, item_link: Any
) -> None:
    assert outsider.get(item_link.path).status_code == 200
    assert outsider.get(f"{item_link.path}/download/1").status_code == 200
    for path in ("/", "/kols/", "/engagements/calendar/", "/sx/", "/s"):
        response = outsider.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/"), path


def test_signed_in_colleague_sees_the_same_viewer(
    session_client: Callable[..., Client], item_link: Any, msl_b: Any
) -> None:
    response = session_client(msl_b).get(item_link.path)

    assert response.status_code == 200
    assert "Main navigation" not in response.content.decode()


def test_token_is_stored_only_as_its_sha256(item_link: Any) -> None:
    link = ShareLink.objects.get(pk=item_link.link.pk)
    token = item_link.token

    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(v) for v in ShareLink.objects.filter(pk=link.pk).values().get().values())
    assert token not in stored
    # At least 128 bits of randomness.
    assert len(token) >= 22
