"""The content API through the HTTP client: /content/items (and the MLR review), /modules,
/presentations, /share-links and /email-templates. Every endpoint's 401, 403 and 404 and an
audit entry for every write; then the behaviours of issue 4 one by one."""

from __future__ import annotations

import hashlib
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kolbridge.content import services
from kolbridge.content.models import (
    ContentItem,
    EmailTemplate,
    ItemVersion,
    PresentationNotice,
    PresentedContent,
    ReviewSignature,
    ShareLink,
)
from kolbridge.core.services import user_change_role
from tests.conftest import _user
from tests.content.conftest import PDF_BYTES, PNG_BYTES, pdf, png
from tests.engagements.conftest import plan
from tests.utils import PASSWORD, bad_fields, detail, get, patch, post

pytestmark = pytest.mark.django_db

UNKNOWN = 987654
SECRET_NOTE = "Prefers the renal subgroup first"


def today_plus(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def item_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "kind": "deck",
        "title": "Zentorix OS update",
        "summary": "Updated overall survival data.",
        "classification": {
            "therapeutic_area": "ONC",
            "products": ["Zentorix"],
            "audiences": ["medical_external"],
            "usage": "proactive_on_label",
            "expires_on": today_plus(180),
        },
    }
    return body | overrides


def sign_body(discipline: str = "medical", password: str = PASSWORD) -> dict[str, str]:
    return {
        "discipline": discipline,
        "password": password,
        "meaning": f"I approve this content ({discipline} review).",
    }


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    body: Callable[[dict[str, int]], Any] | None = None
    ok: int = 200
    audit: tuple[str, ...] = ()
    actor: str = "msl_a"
    # Roles the firewall refuses (403 naming the rule), signed in as these personas.
    denied: tuple[str, ...] = ()
    # Who may take the action but cannot reach the record (404).
    outsider: str | None = None
    multipart: bool = False
    # Records the body names beside those in the path.
    needs: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def keys(self) -> set[str]:
        in_path = {name for _, name, _, _ in string.Formatter().parse(self.path) if name}
        return in_path | set(self.needs)

    def send(self, client, ids: dict[str, int]):
        url = self.path.format(**ids)
        payload = self.body(ids) if self.body else {}
        if self.method == "get":
            return get(client, url)
        if self.multipart:
            return client.post("/api/v1" + url, payload)
        if self.method == "post":
            return post(client, url, payload)
        if self.method == "patch":
            return patch(client, url, payload)
        return getattr(client, self.method)(
            "/api/v1" + url, payload, content_type="application/json"
        )


NOT_AUTHORS = ("reviewer", "pv", "rep", "admin")
NOT_SHARERS = ("reviewer", "pv", "pm", "rep", "admin")
# MLR reviewers may find (and revoke) any share link; they still may not create one.
NOT_LINK_READERS = ("pv", "pm", "rep", "admin")
NOT_REVIEWERS = ("msl_a", "lead", "pv", "pm", "rep", "admin")

ENDPOINTS = [
    Endpoint("get", "/content/items"),
    Endpoint("post", "/content/items", lambda ids: item_body(), ok=201,
             audit=("content.create",), denied=(*NOT_AUTHORS, "pm")),
    Endpoint("get", "/content/items/{item}", outsider="rep"),
    Endpoint("get", "/content/items/{item}/versions", outsider="rep"),
    Endpoint("patch", "/content/items/{draft}", lambda ids: {"title": "Renamed deck"},
             audit=("content.revise",), denied=NOT_AUTHORS, outsider="pm"),
    Endpoint("post", "/content/items/{draft}/file", lambda ids: {"file": pdf()},
             audit=("content.revise",), denied=NOT_AUTHORS, outsider="pm", multipart=True),
    Endpoint("get", "/content/items/{item}/versions/1/file", outsider="rep"),
    Endpoint("post", "/content/items/{draft}/submit", audit=("content.submit",),
             denied=NOT_AUTHORS, outsider="pm"),
    Endpoint("post", "/content/items/{in_review}/signatures", lambda ids: sign_body(), ok=201,
             audit=("content.sign",), actor="reviewer", denied=NOT_REVIEWERS),
    Endpoint("post", "/content/items/{in_review}/return", lambda ids: {"comment": "Add refs"},
             audit=("content.return",), actor="reviewer", denied=NOT_REVIEWERS),
    Endpoint("post", "/content/items/{item}/withdraw", lambda ids: {"reason": "Label change"},
             audit=("content.withdraw",), actor="reviewer",
             denied=("msl_a", "pv", "pm", "rep", "admin")),
    Endpoint("get", "/content/items/{item}/usage", denied=NOT_LINK_READERS),
    Endpoint("get", "/content/review-queue", actor="reviewer",
             denied=("msl_a", "pv", "pm", "rep")),
    Endpoint("get", "/content/modules", denied=("rep",)),
    Endpoint("post", "/content/modules",
             lambda ids: {"kind": "key_message", "therapeutic_area": "ONC",
                          "title": "Key message", "text": "Zentorix is dosed every 3 weeks."},
             ok=201, audit=("module.create",), denied=NOT_AUTHORS),
    Endpoint("get", "/content/modules/{module}", denied=("rep",), outsider="pm"),
    Endpoint("patch", "/content/modules/{module}", lambda ids: {"title": "OS benefit"},
             audit=("module.revise",), actor="lead", denied=NOT_AUTHORS, outsider="pm"),
    Endpoint("post", "/content/modules/{module}/figure", lambda ids: {"figure": png()},
             audit=("module.revise",), actor="lead", denied=NOT_AUTHORS, outsider="pm",
             multipart=True),
    Endpoint("get", "/content/modules/{figure_module}/versions/1/figure", denied=("rep",),
             outsider="pm"),
    Endpoint("get", "/content/presentations", denied=NOT_SHARERS),
    Endpoint("post", "/content/presentations",
             lambda ids: {"kol": ids["kol"], "title": "For Dr Okafor"}, ok=201,
             audit=("presentation.create",), denied=NOT_SHARERS),
    Endpoint("get", "/content/presentations/{presentation}", denied=NOT_SHARERS,
             outsider="msl_b"),
    Endpoint("patch", "/content/presentations/{presentation}",
             lambda ids: {"title": "March visit", "expected_version": 2},
             audit=("presentation.change",), denied=NOT_SHARERS, outsider="msl_b"),
    Endpoint("post", "/content/presentations/{presentation}/slots",
             lambda ids: {"item": ids["item"]}, ok=201, audit=("presentation.add",),
             denied=NOT_SHARERS, outsider="msl_b", needs=("item",)),
    Endpoint("delete", "/content/presentations/{presentation}/slots/{slot}",
             audit=("presentation.remove",), denied=NOT_SHARERS, outsider="msl_b"),
    Endpoint("put", "/content/presentations/{presentation}/order",
             lambda ids: {"slots": [ids["slot"]]}, audit=("presentation.reorder",),
             denied=NOT_SHARERS, outsider="msl_b", needs=("slot",)),
    Endpoint("post", "/content/presentations/{presentation}/notices/{notice}/accept",
             audit=("presentation.accept_update",), denied=NOT_SHARERS, outsider="msl_b"),
    Endpoint("post", "/content/presentations/{presentation}/presented",
             lambda ids: {"interaction": ids["interaction"],
                          "timings": [{"position": 1, "seconds": 95}]},
             ok=201, audit=("presentation.present",), denied=NOT_SHARERS, outsider="msl_b",
             needs=("interaction",)),
    Endpoint("get", "/content/share-links", denied=NOT_LINK_READERS),
    Endpoint("post", "/content/share-links", lambda ids: {"kol": ids["kol"], "item": ids["item"]},
             ok=201, audit=("share_link.create",), denied=NOT_SHARERS, needs=("item",)),
    Endpoint("get", "/content/share-links/{link}", denied=NOT_LINK_READERS, outsider="msl_b"),
    Endpoint("post", "/content/share-links/{link}/revoke", lambda ids: {"reason": "Wrong KOL"},
             audit=("share_link.revoke",), denied=("pv", "pm", "rep", "admin"),
             outsider="msl_b"),
    Endpoint("get", "/content/email-templates", denied=("pv", "pm", "rep")),
    Endpoint("post", "/content/email-templates",
             lambda ids: {"name": "After a visit", "subject": "Material for {kol_name}",
                          "body": "Dear {kol_name}, here it is: {link}"},
             ok=201, audit=("content.email_template_create",), actor="reviewer",
             denied=("msl_a", "lead", "pv", "pm", "rep")),
    Endpoint("post", "/content/email-templates/{template}/approve",
             lambda ids: {"password": PASSWORD}, audit=("content.email_template_approve",),
             actor="reviewer", denied=NOT_REVIEWERS),
]
IDS = [e.label for e in ENDPOINTS]
WITH_ID = [e for e in ENDPOINTS if "{" in e.path]
OUT_OF_REACH = [e for e in ENDPOINTS if e.outsider]


# ---- the records the endpoints name ---------------------------------------------------------


@pytest.fixture
def item(make_item) -> ContentItem:
    """An approved, on-label, medical-external deck by the medical lead."""
    return make_item()


@pytest.fixture
def draft(make_item, msl_a) -> ContentItem:
    return make_item(title="Renal dosing deck", author=msl_a, approve=False)


@pytest.fixture
def in_review(make_item, msl_a) -> ContentItem:
    row = make_item(title="Hepatic safety deck", author=msl_a, approve=False)
    services.item_submit(actor=msl_a, item=row)
    return row


@pytest.fixture
def figure_module(lead, ref):
    module = services.module_create(
        actor=lead, kind="figure", therapeutic_area="ONC", title="Kaplan-Meier curve",
        text="Overall survival, Zentorix versus docetaxel.",
    )
    services.module_revise(actor=lead, module=module, figure=png())
    return module


@pytest.fixture
def presentation(msl_a, kol_a, item):
    p = services.presentation_create(
        actor=msl_a, kol_id=kol_a.pk, title="Dr Okafor, March", private_note=SECRET_NOTE
    )
    services.presentation_add(actor=msl_a, presentation=p, item_id=item.pk)
    p.refresh_from_db()
    return p


@pytest.fixture
def link(msl_a, kol_a, item):
    return services.share_create(actor=msl_a, kol_id=kol_a.pk, item_id=item.pk).link


@pytest.fixture
def template(reviewer):
    return services.email_template_create(
        actor=reviewer, name="Visit follow-up", subject="For {kol_name}",
        body="Dear {kol_name}, the material: {link}. {msl_name}",
    )


@pytest.fixture
def ids(request, kol_a) -> dict[str, int]:
    """The records the endpoint under test names (only those: building them is most of a
    test's time)."""
    endpoint = request.node.callspec.params["endpoint"]
    needed = endpoint.keys
    built = {"kol": kol_a.pk}
    simple = {"item": "item", "draft": "draft", "in_review": "in_review",
              "module": "claim_module", "figure_module": "figure_module",
              "presentation": "presentation", "link": "link", "template": "template"}
    for key, fixture in simple.items():
        if key in needed:
            built[key] = request.getfixturevalue(fixture).pk
    if needed & {"slot", "notice", "interaction"}:
        p = request.getfixturevalue("presentation")
        slot = p.slots.get()
        built["slot"] = slot.pk
        built["notice"] = PresentationNotice.objects.create(
            presentation=p, slot=slot, kind="updated", message="Updated to v2."
        ).pk
        built["interaction"] = plan(request.getfixturevalue("msl_a"), [kol_a]).pk
    return built


@pytest.fixture
def persona(request, as_user):
    def client_for(name: str):
        return as_user(request.getfixturevalue(name))

    return client_for


# ---- every endpoint: success with its audit, 401, 403, 404 ----------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_endpoint_answers_the_allowed_role_and_audits_each_write(
    endpoint, ids, persona, audit_mark, request
):
    actor = request.getfixturevalue(endpoint.actor)
    client = persona(endpoint.actor)
    since = audit_mark()
    response = endpoint.send(client, ids)
    assert response.status_code == endpoint.ok, response.content
    entries = since()
    assert [e.action for e in entries] == list(endpoint.audit)
    assert all(e.actor == actor for e in entries)


NO_RECORDS = dict.fromkeys(
    ("kol", "item", "draft", "in_review", "module", "figure_module", "presentation", "slot",
     "notice", "interaction", "link", "template"),
    UNKNOWN,
)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_endpoint_without_sign_in_is_401_and_writes_nothing(endpoint, outsider, audit_mark):
    since = audit_mark()
    response = endpoint.send(outsider, NO_RECORDS)
    assert response.status_code == 401
    assert since() == []


DENYING = [e for e in ENDPOINTS if e.denied]


@pytest.mark.parametrize("endpoint", DENYING, ids=[e.label for e in DENYING])
def test_endpoint_for_a_role_the_firewall_refuses_is_403_naming_the_rule(
    endpoint, ids, persona, audit_mark
):
    clients = {who: persona(who) for who in endpoint.denied}
    since = audit_mark()
    wrong = []
    for who, client in clients.items():
        response = endpoint.send(client, ids)
        if response.status_code != 403 or not detail(response).startswith("Firewall rule:"):
            wrong.append((who, response.status_code, response.content[:200]))
        if SECRET_NOTE.encode() in response.content:
            wrong.append((who, "leaked the private note"))
    assert wrong == []
    assert since() == []


@pytest.mark.parametrize("endpoint", WITH_ID, ids=[e.label for e in WITH_ID])
def test_endpoint_with_an_unknown_id_is_404(endpoint, persona, audit_mark):
    client = persona(endpoint.actor)
    since = audit_mark()
    response = endpoint.send(client, NO_RECORDS)
    assert response.status_code == 404, response.content
    assert str(UNKNOWN) in detail(response)
    assert since() == []


@pytest.mark.parametrize("endpoint", OUT_OF_REACH, ids=[e.label for e in OUT_OF_REACH])
def test_endpoint_on_a_record_out_of_reach_is_404_as_if_it_did_not_exist(
    endpoint, ids, persona, audit_mark
):
    client = persona(endpoint.outsider)
    since = audit_mark()
    response = endpoint.send(client, ids)
    assert response.status_code == 404, response.content
    assert since() == []
    assert SECRET_NOTE.encode() not in response.content


BAD_INPUT = [
    (Endpoint("get", "/content/items?expires_before=someday"), {"expires_before"}),
    (Endpoint("patch", "/content/items/{draft}",
              lambda ids: {"classification": item_body()["classification"]
                           | {"therapeutic_area": "XYZ"}}), {"therapeutic_area"}),
    (Endpoint("post", "/content/items/{in_review}/signatures",
              lambda ids: sign_body("finance"), actor="reviewer"), {"discipline"}),
    (Endpoint("post", "/content/items/{in_review}/signatures",
              lambda ids: sign_body() | {"meaning": ""}, actor="reviewer"), {"meaning"}),
    (Endpoint("post", "/content/items/{item}/withdraw", lambda ids: {"reason": ""},
              actor="reviewer"), {"reason"}),
    (Endpoint("get", "/content/review-queue?limit=0", actor="reviewer"), {"limit"}),
    (Endpoint("get", "/content/modules?kind=poster"), {"kind"}),
    (Endpoint("patch", "/content/modules/{module}", lambda ids: {"references": ["nonsense"]},
              actor="lead"), {"references"}),
    (Endpoint("get", "/content/presentations?kol=abc"), {"kol"}),
    (Endpoint("post", "/content/presentations", lambda ids: {"kol": UNKNOWN, "title": "x"}),
     {"kol"}),
    (Endpoint("patch", "/content/presentations/{presentation}", lambda ids: {"title": ""}),
     {"title"}),
    (Endpoint("post", "/content/presentations/{presentation}/slots",
              lambda ids: {"item": UNKNOWN}), {"item"}),
    (Endpoint("get", "/content/share-links?item=abc"), {"item"}),
    (Endpoint("post", "/content/share-links/{link}/revoke", lambda ids: {"reason": ""}),
     {"reason"}),
    (Endpoint("post", "/content/email-templates/{template}/approve", lambda ids: {},
              actor="reviewer"), {"password"}),
]


@pytest.mark.parametrize(("endpoint", "fields"), BAD_INPUT,
                         ids=[f"{e.label} {sorted(f)}" for e, f in BAD_INPUT])
def test_endpoint_with_bad_input_is_422_naming_the_field_and_writes_nothing(
    endpoint, fields, ids, persona, audit_mark
):
    client = persona(endpoint.actor)
    since = audit_mark()
    assert bad_fields(endpoint.send(client, ids)) == fields
    assert since() == []


def test_bearer_token_reaches_the_content_api_like_a_session(token_client, msl_a, item):
    response = get(token_client(msl_a), f"/content/items/{item.pk}")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"


# ---- the library ----------------------------------------------------------------------------


def test_create_then_read_an_item_with_classification_modules_and_references(
    msl_a, ref, claim_module, as_user
):
    client = as_user(msl_a)
    created = post(client, "/content/items", item_body(
        module_ids=[claim_module.pk],
        classification=item_body()["classification"] | {
            "indications": [ref.approved_indication.pk]
        },
    ))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["kind"]) == ("draft", "deck")
    assert body["owner"]["name"] == "Msl A Tester"
    assert (body["on_label"], body["approved_version"], body["working"]) == (True, None, None)
    current = body["current"]
    assert current["number"] == 1 and current["file"] is None
    assert current["classification"]["products"] == ["Zentorix"]
    assert current["classification"]["indications"] == [{
        "id": ref.approved_indication.pk, "name": "Metastatic NSCLC, second line",
        "product": "Zentorix", "approved": True,
    }]
    [module] = current["modules"]
    assert (module["module"], module["kind"]) == (claim_module.pk, "claim")
    assert module["status"] == "draft"
    assert [r["label"] for r in module["references"]] == [
        "PMID 31535829", "doi:10.1056/NEJMoa1911303"
    ]
    assert module["references"][0]["url"] == "https://pubmed.ncbi.nlm.nih.gov/31535829/"
    assert [e["kind"] for e in current["review_events"]] == ["created"]


def test_item_speaking_to_an_unapproved_indication_is_flagged_off_label(msl_a, ref, as_user):
    classification = item_body()["classification"] | {
        "indications": [ref.unapproved_indication.pk], "usage": "reactive_only",
    }
    response = post(as_user(msl_a), "/content/items", item_body(classification=classification))
    assert response.status_code == 201, response.content
    assert response.json()["on_label"] is False
    assert response.json()["off_label_indications"] == ["Early-stage NSCLC, adjuvant (Zentorix)"]


def test_item_with_bad_input_is_422_naming_each_field_and_stores_nothing(
    msl_a, ref, as_user, audit_mark
):
    client = as_user(msl_a)
    since = audit_mark()
    unknown_product = item_body(classification=item_body()["classification"] | {
        "products": ["Nonexistix"]
    })
    assert bad_fields(post(client, "/content/items", unknown_product)) == {"products"}
    no_title = item_body(title="", kind="brochure")
    assert bad_fields(post(client, "/content/items", no_title)) == {"title", "kind"}
    commercial_reactive = item_body(classification=item_body()["classification"] | {
        "audiences": ["commercial"], "usage": "reactive_only"
    })
    assert bad_fields(post(client, "/content/items", commercial_reactive)) == {"audiences"}
    assert ContentItem.objects.count() == 0
    assert since() == []


def test_library_filters_and_pages_with_a_total(make_item, msl_a, ref, as_user):
    make_item(title="Zentorix OS deck")
    make_item(title="Renal FAQ", kind="faq", approve=False)
    make_item(title="Adjuvant reprint", kind="reprint", usage="reactive_only",
              indications=[ref.unapproved_indication],
              expires_on=timezone.localdate() + timedelta(days=20))
    client = as_user(msl_a)

    def titles(**params):
        response = get(client, "/content/items", **params)
        assert response.status_code == 200, response.content
        return sorted(i["title"] for i in response.json()["items"])

    assert titles() == ["Adjuvant reprint", "Renal FAQ", "Zentorix OS deck"]
    assert titles(q="renal") == ["Renal FAQ"]
    assert titles(kind="reprint") == ["Adjuvant reprint"]
    assert titles(status="draft") == ["Renal FAQ"]
    assert titles(therapeutic_area="CARD") == []
    assert titles(product="zentorix", kind="deck") == ["Zentorix OS deck"]
    assert titles(audience="commercial") == []
    assert titles(expires_before=today_plus(30)) == ["Adjuvant reprint"]
    assert titles(expires_after=today_plus(30)) == ["Renal FAQ", "Zentorix OS deck"]
    page = get(client, "/content/items", limit=2, offset=2).json()
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 2, 1)
    assert bad_fields(get(client, "/content/items", status="archived")) == {"status"}


def test_library_search_finds_an_item_by_a_reference_of_its_modules(
    make_item, claim_module, msl_a, as_user
):
    make_item(title="OS deck", modules=[claim_module])
    make_item(title="Other deck")
    found = get(as_user(msl_a), "/content/items", q="31535829").json()
    assert [i["title"] for i in found["items"]] == ["OS deck"]


def test_product_manager_sees_only_commercial_items_in_the_list(
    make_item, pm, as_user
):
    make_item(title="Medical deck")
    make_item(title="Promotional deck", audiences=("medical_external", "commercial"))
    client = as_user(pm)
    mine = post(client, "/content/items", item_body(
        title="PM draft", classification=item_body()["classification"] | {
            "audiences": ["commercial"]
        }))
    assert mine.status_code == 201, mine.content
    listed = get(client, "/content/items").json()
    assert sorted(i["title"] for i in listed["items"]) == ["PM draft", "Promotional deck"]
    assert all("commercial" in i["audiences"] for i in listed["items"])
    assert listed["count"] == 2


def test_sales_rep_never_sees_reactive_only_items(make_item, rep, ref, as_user):
    reactive = make_item(title="Adjuvant answer", usage="reactive_only",
                         indications=[ref.unapproved_indication])
    make_item(title="Promotional deck", audiences=("medical_external", "commercial"))
    client = as_user(rep)
    listed = get(client, "/content/items").json()
    assert [i["title"] for i in listed["items"]] == ["Promotional deck"]
    assert get(client, "/content/items", q="Adjuvant").json()["count"] == 0
    hidden = get(client, f"/content/items/{reactive.pk}")
    assert hidden.status_code == 404
    assert b"Adjuvant" not in hidden.content


def test_patch_with_a_stale_expected_version_is_409_and_changes_nothing(
    draft, msl_a, lead, as_user, audit_mark
):
    revision = get(as_user(msl_a), f"/content/items/{draft.pk}").json()["revision"]
    first = patch(as_user(lead), f"/content/items/{draft.pk}",
                  {"title": "Lead's title", "expected_version": revision})
    assert first.status_code == 200, first.content
    since = audit_mark()
    second = patch(as_user(msl_a), f"/content/items/{draft.pk}",
                   {"title": "My title", "expected_version": revision})
    assert second.status_code == 409
    assert "changed by someone else" in detail(second)
    assert ItemVersion.objects.get(item=draft).title == "Lead's title"
    assert since() == []


def test_patch_of_someone_elses_item_is_403_ownership_rule(draft, msl_b, as_user):
    response = patch(as_user(msl_b), f"/content/items/{draft.pk}", {"title": "Mine now"})
    assert response.status_code == 403
    assert detail(response).startswith("Ownership rule:")


def test_revising_an_approved_item_makes_a_draft_while_the_approved_stays_in_use(
    item, lead, as_user
):
    response = patch(as_user(lead), f"/content/items/{item.pk}",
                     {"title": "Zentorix deck (2026 update)", "change_summary": "New data cut"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["approved_version"]) == ("approved", 1)
    assert body["current"]["title"] == "Zentorix second-line NSCLC deck"
    assert (body["working"]["number"], body["working"]["status"]) == (2, "draft")
    assert body["working"]["title"] == "Zentorix deck (2026 update)"
    versions = get(as_user(lead), f"/content/items/{item.pk}/versions").json()
    assert [(v["number"], v["status"]) for v in versions] == [(2, "draft"), (1, "approved")]


# ---- files ----------------------------------------------------------------------------------


def test_upload_records_checksum_size_and_uploader_and_downloads_the_same_bytes(
    draft, msl_a, as_user, media_root
):
    client = as_user(msl_a)
    data = PDF_BYTES + b"% second edition\n%%EOF\n"
    response = client.post(f"/api/v1/content/items/{draft.pk}/file",
                           {"file": pdf("renal deck.pdf", data)})
    assert response.status_code == 200, response.content
    file = response.json()["current"]["file"]
    assert (file["name"], file["size"], file["mime"]) == ("renal deck.pdf", len(data),
                                                          "application/pdf")
    assert file["sha256"] == hashlib.sha256(data).hexdigest()
    versions = get(client, f"/content/items/{draft.pk}/versions").json()
    assert versions[0]["created_by"]["name"] == "Msl A Tester"
    download = client.get(file["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "renal deck.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == data


def test_upload_named_pdf_whose_bytes_are_not_a_pdf_is_refused_with_a_clear_message(
    draft, msl_a, as_user, audit_mark
):
    client = as_user(msl_a)
    before = ItemVersion.objects.get(item=draft).file_sha256
    since = audit_mark()
    fake = SimpleUploadedFile("deck.pdf", b"MZ\x90\x00 this is an executable",
                              content_type="application/pdf")
    response = client.post(f"/api/v1/content/items/{draft.pk}/file", {"file": fake})
    assert bad_fields(response) == {"file"}
    assert response.json()["detail"][0]["msg"] == (
        "“deck.pdf” is not a file type we accept here (expected PDF)."
    )
    image = SimpleUploadedFile("deck.pdf", PNG_BYTES, content_type="application/pdf")
    response = client.post(f"/api/v1/content/items/{draft.pk}/file", {"file": image})
    assert response.json()["detail"][0]["msg"] == (
        "“deck.pdf” is a PNG image by its content; this needs PDF."
    )
    assert ItemVersion.objects.get(item=draft).file_sha256 == before
    assert since() == []


def test_oversize_upload_is_refused_naming_the_limit(draft, msl_a, as_user, settings, audit_mark):
    settings.CONTENT_MAX_UPLOAD_BYTES = 100
    since = audit_mark()
    response = as_user(msl_a).post(f"/api/v1/content/items/{draft.pk}/file", {"file": pdf()})
    assert bad_fields(response) == {"file"}
    assert "the limit is 0.0 MB" in response.json()["detail"][0]["msg"]
    assert since() == []


def test_upload_without_a_file_is_422_on_file(draft, msl_a, as_user):
    response = as_user(msl_a).post(f"/api/v1/content/items/{draft.pk}/file", {})
    assert bad_fields(response) == {"file"}


def test_upload_to_an_approved_item_starts_a_new_draft_version(item, lead, as_user):
    response = as_user(lead).post(f"/api/v1/content/items/{item.pk}/file",
                                  {"file": pdf("v2.pdf"), "change_summary": "New layout"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["current"]["number"], body["current"]["file"]["name"]) == (1, "deck.pdf")
    assert (body["working"]["number"], body["working"]["file"]["name"]) == (2, "v2.pdf")
    assert body["working"]["change_summary"] == "New layout"


def test_download_of_a_missing_version_is_404(item, msl_a, as_user):
    response = get(as_user(msl_a), f"/content/items/{item.pk}/versions/7/file")
    assert response.status_code == 404
    assert "no version 7" in detail(response)


# ---- MLR review and the e-signature ---------------------------------------------------------


def test_claim_without_a_reference_sent_for_approval_is_422_naming_modules(
    msl_a, ref, as_user, audit_mark
):
    client = as_user(msl_a)
    claim = post(client, "/content/modules", {
        "kind": "claim", "therapeutic_area": "ONC", "title": "Fewer hospitalisations",
        "text": "Zentorix halves hospitalisations.",
    })
    assert claim.status_code == 201, claim.content
    created = post(client, "/content/items", item_body(module_ids=[claim.json()["id"]]))
    item_id = created.json()["id"]
    client.post(f"/api/v1/content/items/{item_id}/file", {"file": pdf()})
    since = audit_mark()
    response = post(client, f"/content/items/{item_id}/submit", {})
    assert bad_fields(response) == {"modules"}
    assert "“Fewer hospitalisations”" in response.json()["detail"][0]["msg"]
    assert "at least one reference" in response.json()["detail"][0]["msg"]
    assert get(client, f"/content/items/{item_id}").json()["status"] == "draft"
    assert since() == []


def test_submitting_a_deck_without_its_file_is_422_on_file(msl_a, ref, as_user):
    client = as_user(msl_a)
    item_id = post(client, "/content/items", item_body()).json()["id"]
    assert bad_fields(post(client, f"/content/items/{item_id}/submit", {})) == {"file"}


def test_submitted_item_shows_its_review_state_and_is_in_the_queue(
    in_review, reviewer, as_user
):
    client = as_user(reviewer)
    review = get(client, f"/content/items/{in_review.pk}").json()["review"]
    assert (review["version"], review["review_round"], review["signatures"]) == (1, 1, [])
    assert review["missing"] == ["medical", "legal", "regulatory"]
    assert (review["may_sign"], review["signing_refusal"]) == (True, "")
    queue = get(client, "/content/review-queue").json()
    assert [(i["id"], i["missing"]) for i in queue["items"]] == [
        (in_review.pk, ["medical", "legal", "regulatory"])
    ]


def test_signature_with_a_wrong_password_is_422_on_password_and_stores_nothing(
    in_review, reviewer, as_user, audit_mark
):
    since = audit_mark()
    response = post(as_user(reviewer), f"/content/items/{in_review.pk}/signatures",
                    sign_body(password="not-my-password"))
    assert bad_fields(response) == {"password"}
    assert response.json()["detail"][0]["msg"] == "The password is not correct; nothing was signed."
    assert ReviewSignature.objects.count() == 0
    assert since() == []


def test_the_author_cannot_sign_their_own_item_self_approval(msl_a, ref, make_item, as_user):
    author = _user("author", "msl", territory="NE")
    row = make_item(title="Own deck", author=author, approve=False)
    services.item_submit(actor=author, item=row)
    user_change_role(actor=None, user=author, role="reviewer")
    response = post(as_user(author), f"/content/items/{row.pk}/signatures", sign_body())
    assert response.status_code == 403
    assert detail(response).startswith("Self-approval rule:")
    assert ReviewSignature.objects.count() == 0
    review = get(as_user(author), f"/content/items/{row.pk}").json()["review"]
    assert review["may_sign"] is False
    assert review["signing_refusal"].startswith("Self-approval rule:")


def test_the_same_reviewer_cannot_sign_two_disciplines(in_review, reviewer, as_user):
    client = as_user(reviewer)
    first = post(client, f"/content/items/{in_review.pk}/signatures", sign_body("medical"))
    assert first.status_code == 201, first.content
    second = post(client, f"/content/items/{in_review.pk}/signatures", sign_body("legal"))
    assert second.status_code == 409
    assert detail(second).startswith("Separation rule:")
    assert ReviewSignature.objects.count() == 1


def test_a_discipline_already_signed_is_409_naming_the_signer(
    in_review, reviewer, reviewer2, as_user
):
    post(as_user(reviewer), f"/content/items/{in_review.pk}/signatures", sign_body("medical"))
    again = post(as_user(reviewer2), f"/content/items/{in_review.pk}/signatures",
                 sign_body("medical"))
    assert again.status_code == 409
    assert "already given by Reviewer Tester" in detail(again)


def test_the_third_signature_approves_the_version(in_review, mlr_team, as_user, audit_mark):
    answers = []
    for reviewer, discipline in zip(mlr_team[:2], ("medical", "legal"), strict=True):
        answers.append(post(as_user(reviewer), f"/content/items/{in_review.pk}/signatures",
                            sign_body(discipline)))
    assert [(a.status_code, a.json()["item_status"]) for a in answers] == [
        (201, "in_review"), (201, "in_review")
    ]
    assert answers[1].json()["missing"] == ["regulatory"]
    since = audit_mark()
    last = post(as_user(mlr_team[2]), f"/content/items/{in_review.pk}/signatures",
                sign_body("regulatory"))
    assert last.status_code == 201, last.content
    body = last.json()
    assert (body["item_status"], body["missing"], body["version"]) == ("approved", [], 1)
    assert body["signature"]["signer"]["name"] == "Raj Regulatory"
    assert [e.action for e in since()] == ["content.sign", "content.approve"]
    item = get(as_user(mlr_team[0]), f"/content/items/{in_review.pk}").json()
    assert (item["status"], item["approved_version"], item["review"]) == ("approved", 1, None)
    signatures = item["current"]["signatures"]
    assert [(s["discipline"], s["signer"]["name"]) for s in signatures] == [
        ("medical", "Reviewer Tester"), ("legal", "Lena Legal"), ("regulatory", "Raj Regulatory")
    ]
    assert all(s["meaning"] for s in signatures)
    events = [e["kind"] for e in item["current"]["review_events"]]
    assert events == ["created", "submitted", "signed", "signed", "signed", "approved"]


def test_return_sends_the_version_back_to_draft_with_the_comment(in_review, reviewer, as_user):
    response = post(as_user(reviewer), f"/content/items/{in_review.pk}/return",
                    {"comment": "Slide 4 needs the OS reference."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["review"]) == ("draft", None)
    assert body["current"]["review_events"][-1]["comment"] == "Slide 4 needs the OS reference."
    assert bad_fields(post(as_user(reviewer), f"/content/items/{in_review.pk}/return",
                           {"comment": ""})) == {"comment"}


def test_signing_a_draft_is_409(draft, reviewer, as_user):
    response = post(as_user(reviewer), f"/content/items/{draft.pk}/signatures", sign_body())
    assert response.status_code == 409
    assert "only a version in review can be signed" in detail(response)


# ---- withdrawal and usage -------------------------------------------------------------------


def test_withdrawal_stops_use_and_tells_the_presentation_owner(
    presentation, item, link, lead, msl_a, as_user
):
    response = post(as_user(lead), f"/content/items/{item.pk}/withdraw",
                    {"reason": "Label change"})
    assert response.status_code == 200, response.content
    withdrawal = response.json()["withdrawal"]
    assert (response.json()["status"], withdrawal["reason"]) == ("withdrawn", "Label change")
    assert withdrawal["by"]["name"] == "Lead Tester"
    p = get(as_user(msl_a), f"/content/presentations/{presentation.pk}").json()
    [notice] = p["notices"]
    assert notice["kind"] == "withdrawn" and "Label change" in notice["message"]
    assert p["refusals"] and p["slots"][0]["needs_review"] is True
    again = post(as_user(msl_a), "/content/share-links", {"kol": p["kol"]["id"], "item": item.pk})
    assert again.status_code == 403
    assert detail(again).startswith("Withdrawal rule:")


def test_usage_shows_presentations_shares_and_reading_time(
    presentation, link, item, msl_a, as_user
):
    opened = services.share_record_open(link=link, at=timezone.now() - timedelta(minutes=5))
    services.share_record_beacon(link=link, open_id=opened.pk, positions=1,
                                 beacons=[services.Beacon(position=1, seconds=40)])
    usage = get(as_user(msl_a), f"/content/items/{item.pk}/usage")
    assert usage.status_code == 200, usage.content
    body = usage.json()
    assert [p["id"] for p in body["presentations"]] == [presentation.pk]
    assert [(s["id"], s["opens"]) for s in body["share_links"]] == [(link.pk, 1)]
    assert (body["share_count"], body["open_count"], body["seconds_total"]) == (1, 1, 40)
    assert body["per_module"] == [{"position": 1, "title": "Zentorix second-line NSCLC deck",
                                   "shares": 1, "seconds": 40, "downloads": 0}]


def test_usage_is_403_for_a_product_manager_even_on_a_commercial_item(make_item, pm, as_user):
    promotional = make_item(audiences=("medical_external", "commercial"))
    response = get(as_user(pm), f"/content/items/{promotional.pk}/usage")
    assert response.status_code == 403
    assert "share links to KOLs" in detail(response)


# ---- modules --------------------------------------------------------------------------------


def test_figure_module_is_created_by_json_then_given_its_image(lead, ref, as_user):
    client = as_user(lead)
    created = post(client, "/content/modules", {
        "kind": "figure", "therapeutic_area": "ONC", "title": "Forest plot",
        "text": "Subgroup hazard ratios.",
    })
    assert created.status_code == 201, created.content
    module_id = created.json()["id"]
    not_image = SimpleUploadedFile("plot.png", PDF_BYTES, content_type="image/png")
    refused = client.post(f"/api/v1/content/modules/{module_id}/figure", {"figure": not_image})
    assert bad_fields(refused) == {"figure"}
    assert "is a PDF by its content" in refused.json()["detail"][0]["msg"]
    uploaded = client.post(f"/api/v1/content/modules/{module_id}/figure", {"figure": png()})
    assert uploaded.status_code == 200, uploaded.content
    [version] = uploaded.json()["versions"]
    image = client.get(version["figure_url"])
    assert (image.status_code, image["Content-Type"]) == (200, "image/png")
    assert b"".join(image.streaming_content) == PNG_BYTES


def test_figure_without_its_image_cannot_go_to_review(msl_a, ref, as_user):
    client = as_user(msl_a)
    figure = post(client, "/content/modules", {
        "kind": "figure", "therapeutic_area": "ONC", "title": "Forest plot", "text": "HRs.",
    }).json()
    item_id = post(client, "/content/items", item_body(module_ids=[figure["id"]])).json()["id"]
    client.post(f"/api/v1/content/items/{item_id}/file", {"file": pdf()})
    response = post(client, f"/content/items/{item_id}/submit", {})
    assert bad_fields(response) == {"modules"}
    assert response.json()["detail"][0]["msg"] == "Figure “Forest plot” needs its image."


def test_module_with_a_malformed_reference_is_422_on_references(msl_a, ref, as_user):
    response = post(as_user(msl_a), "/content/modules", {
        "kind": "claim", "therapeutic_area": "ONC", "title": "Claim", "text": "Text.",
        "references": ["see the NEJM paper"],
    })
    assert bad_fields(response) == {"references"}
    assert "neither a PubMed id" in response.json()["detail"][0]["msg"]


def test_module_detail_lists_versions_and_the_items_that_carry_it(
    make_item, claim_module, lead, msl_a, as_user
):
    carrier = make_item(title="OS deck", modules=[claim_module])
    revised = patch(as_user(lead), f"/content/modules/{claim_module.pk}",
                    {"text": "Zentorix improved median OS by 4.2 months."})
    assert revised.status_code == 200, revised.content
    body = get(as_user(msl_a), f"/content/modules/{claim_module.pk}").json()
    assert [(v["number"], v["status"]) for v in body["versions"]] == [
        (2, "draft"), (1, "approved")
    ]
    assert body["versions"][1]["references"][0]["value"] == "31535829"
    assert body["items"] == [
        {"id": carrier.pk, "kind": "deck", "title": "OS deck", "status": "approved"}
    ]
    assert (body["latest_version"], body["approved_version"]) == (2, 1)
    listed = get(as_user(msl_a), "/content/modules", q="31535829", kind="claim").json()
    assert [m["id"] for m in listed["items"]] == [claim_module.pk]


def test_revising_someone_elses_module_is_403_ownership_rule(claim_module, msl_a, as_user):
    response = patch(as_user(msl_a), f"/content/modules/{claim_module.pk}", {"title": "Mine"})
    assert response.status_code == 403
    assert detail(response).startswith("Ownership rule:")


# ---- presentations --------------------------------------------------------------------------


def test_assemble_reorder_and_present_a_presentation(
    make_item, claim_module, msl_a, kol_a, as_user, audit_mark
):
    deck = make_item(title="OS deck", modules=[claim_module])
    faq = make_item(title="Dosing FAQ", kind="faq")
    client = as_user(msl_a)
    created = post(client, "/content/presentations",
                   {"kol": kol_a.pk, "title": "Dr Okafor", "private_note": SECRET_NOTE})
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert created.json()["refusals"] == ["The presentation is empty; add approved content first."]
    post(client, f"/content/presentations/{pid}/slots", {"item": deck.pk})
    added = post(client, f"/content/presentations/{pid}/slots",
                 {"item": deck.pk, "module": claim_module.pk, "position": 1})
    post(client, f"/content/presentations/{pid}/slots", {"item": faq.pk})
    slots = added.json()["slots"]
    assert added.status_code == 201
    assert [(s["title"], s["module"]) for s in slots] == [
        ("Overall survival benefit", claim_module.pk), ("OS deck", None)
    ]
    body = get(client, f"/content/presentations/{pid}").json()
    order = [s["id"] for s in reversed(body["slots"])]
    reordered = client.put(f"/api/v1/content/presentations/{pid}/order", {"slots": order},
                           content_type="application/json")
    assert reordered.status_code == 200, reordered.content
    assert [s["title"] for s in reordered.json()["slots"]] == [
        "Dosing FAQ", "OS deck", "Overall survival benefit"
    ]
    assert reordered.json()["refusals"] == []
    interaction = plan(msl_a, [kol_a])
    since = audit_mark()
    presented = post(client, f"/content/presentations/{pid}/presented", {
        "interaction": interaction.pk,
        "timings": [{"position": 1, "seconds": 30}, {"position": 3, "seconds": 120}],
    })
    assert presented.status_code == 201, presented.content
    assert [(c["title"], c["seconds"]) for c in presented.json()["content"]] == [
        ("Dosing FAQ", 30), ("Overall survival benefit", 120)
    ]
    assert PresentedContent.objects.filter(interaction=interaction).count() == 2
    assert [e.action for e in since()] == ["presentation.present"]
    listed = get(client, "/content/presentations", kol=kol_a.pk).json()
    assert [(p["id"], p["slot_count"]) for p in listed["items"]] == [(pid, 3)]


def test_presenting_an_impossible_time_is_422_and_records_nothing(
    presentation, msl_a, kol_a, as_user
):
    interaction = plan(msl_a, [kol_a])
    response = post(as_user(msl_a), f"/content/presentations/{presentation.pk}/presented", {
        "interaction": interaction.pk, "timings": [{"position": 1, "seconds": 90000}],
    })
    assert bad_fields(response) == {"timings"}
    assert "impossible" in response.json()["detail"][0]["msg"]
    assert PresentedContent.objects.count() == 0


def test_adding_reactive_only_content_without_an_inquiry_is_403_reactive_only_rule(
    make_item, ref, presentation, msl_a, as_user
):
    reactive = make_item(title="Adjuvant answer", usage="reactive_only",
                         indications=[ref.unapproved_indication])
    response = post(as_user(msl_a), f"/content/presentations/{presentation.pk}/slots",
                    {"item": reactive.pk})
    assert response.status_code == 403
    assert detail(response).startswith("Reactive-only rule:")


def test_presentation_patch_links_and_unlinks_an_inquiry_with_optimistic_lock(
    presentation, inquiry_a, msl_a, as_user
):
    client = as_user(msl_a)
    revision = get(client, f"/content/presentations/{presentation.pk}").json()["revision"]
    linked = patch(client, f"/content/presentations/{presentation.pk}",
                   {"inquiry": inquiry_a.pk, "expected_version": revision})
    assert linked.status_code == 200, linked.content
    assert linked.json()["inquiry"] == inquiry_a.pk
    stale = patch(client, f"/content/presentations/{presentation.pk}",
                  {"title": "Late", "expected_version": revision})
    assert stale.status_code == 409
    unlinked = patch(client, f"/content/presentations/{presentation.pk}", {"inquiry": None})
    assert unlinked.json()["inquiry"] is None


def test_removing_an_unknown_slot_is_404(presentation, msl_a, as_user):
    response = as_user(msl_a).delete(f"/api/v1/content/presentations/{presentation.pk}/slots/"
                                     f"{UNKNOWN}")
    assert response.status_code == 404
    assert f"No slot {UNKNOWN}" in detail(response)


def test_reordering_without_every_slot_is_422(presentation, msl_a, as_user):
    response = as_user(msl_a).put(f"/api/v1/content/presentations/{presentation.pk}/order",
                                  {"slots": []}, content_type="application/json")
    assert bad_fields(response) == {"slots"}


# ---- share links ----------------------------------------------------------------------------


def test_share_of_reactive_only_content_without_an_inquiry_is_403_reactive_only_rule(
    make_item, ref, msl_a, kol_a, as_user, audit_mark
):
    reactive = make_item(title="Adjuvant answer", usage="reactive_only",
                         indications=[ref.unapproved_indication])
    since = audit_mark()
    response = post(as_user(msl_a), "/content/share-links", {"kol": kol_a.pk, "item": reactive.pk})
    assert response.status_code == 403
    assert detail(response).startswith("Reactive-only rule:")
    assert "Dr Amelia Okafor" in detail(response)
    assert ShareLink.objects.count() == 0
    assert since() == []


def test_share_of_reactive_only_content_answering_the_kols_inquiry_is_linked_to_it(
    make_item, ref, msl_a, kol_a, inquiry_a, as_user
):
    reactive = make_item(title="Adjuvant answer", usage="reactive_only",
                         indications=[ref.unapproved_indication])
    response = post(as_user(msl_a), "/content/share-links",
                    {"kol": kol_a.pk, "item": reactive.pk, "inquiry": inquiry_a.pk})
    assert response.status_code == 201, response.content
    assert response.json()["inquiry"] == inquiry_a.pk


def test_share_link_token_is_shown_once_and_only_its_hash_is_stored(
    presentation, msl_a, kol_a, as_user
):
    client = as_user(msl_a)
    response = post(client, "/content/share-links",
                    {"kol": kol_a.pk, "presentation": presentation.pk, "expires_in_days": 7})
    assert response.status_code == 201, response.content
    body = response.json()
    token = body["token"]
    assert len(token) >= 22 and body["url"].endswith(f"/s/{token}")
    stored = ShareLink.objects.get(pk=body["id"])
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (stored.expires_at - stored.created_at).days == 7
    detail_body = get(client, f"/content/share-links/{body['id']}")
    listed = get(client, "/content/share-links", kol=kol_a.pk)
    for later in (detail_body, listed):
        assert later.status_code == 200
        assert token.encode() not in later.content
    assert [m["title"] for m in detail_body.json()["modules"]] == [
        "Zentorix second-line NSCLC deck"
    ]


def test_share_link_detail_shows_opens_time_per_module_and_downloads(link, msl_a, as_user):
    opened = services.share_record_open(link=link, at=timezone.now() - timedelta(minutes=2))
    services.share_record_beacon(link=link, open_id=opened.pk, positions=1,
                                 beacons=[services.Beacon(position=1, seconds=75)])
    services.share_record_download(link=link, open_id=opened.pk, position=1)
    activity = get(as_user(msl_a), f"/content/share-links/{link.pk}").json()["activity"]
    assert (activity["opens"], activity["seconds"]) == (1, 75)
    assert activity["modules"] == [{"position": 1, "title": "Zentorix second-line NSCLC deck",
                                    "seconds": 75, "downloads": 1}]
    assert activity["last_opened"]


def test_share_link_list_filters_by_item_and_hides_other_teams_links(
    link, item, msl_a, msl_b, as_user
):
    assert [x["id"] for x in get(as_user(msl_a), "/content/share-links",
                                  item=item.pk).json()["items"]] == [link.pk]
    assert get(as_user(msl_a), "/content/share-links", item=UNKNOWN).json()["count"] == 0
    assert get(as_user(msl_b), "/content/share-links").json()["count"] == 0


def test_revoking_keeps_the_reason_and_a_second_revoke_is_409(link, msl_a, as_user):
    client = as_user(msl_a)
    response = post(client, f"/content/share-links/{link.pk}/revoke", {"reason": "Wrong KOL"})
    assert response.status_code == 200, response.content
    assert response.json()["revoke_reason"] == "Wrong KOL"
    assert response.json()["revoked_at"]
    assert post(client, f"/content/share-links/{link.pk}/revoke",
                {"reason": "again"}).status_code == 409


def test_sharing_by_email_without_consent_is_403_consent_rule(
    item, template, reviewer, msl_a, kol_a, as_user
):
    services.email_template_approve(actor=reviewer, template=template, password=PASSWORD)
    kol_a.email = "a.okafor@example.org"
    kol_a.save(update_fields=["email"])
    response = post(as_user(msl_a), "/content/share-links",
                    {"kol": kol_a.pk, "item": item.pk, "email_template": template.pk})
    assert response.status_code == 403
    assert detail(response).startswith("Consent rule:")


def test_share_link_needs_a_presentation_or_an_item_not_both(
    presentation, item, msl_a, kol_a, as_user
):
    client = as_user(msl_a)
    neither = post(client, "/content/share-links", {"kol": kol_a.pk})
    both = post(client, "/content/share-links",
                {"kol": kol_a.pk, "item": item.pk, "presentation": presentation.pk})
    assert bad_fields(neither) == bad_fields(both) == {"presentation"}
    long = post(client, "/content/share-links",
                {"kol": kol_a.pk, "item": item.pk, "expires_in_days": 1000})
    assert bad_fields(long) == {"expires_in_days"}


# ---- e-mail templates -----------------------------------------------------------------------


def test_template_approval_with_a_wrong_password_is_422_and_leaves_it_unapproved(
    template, reviewer, as_user, audit_mark
):
    since = audit_mark()
    response = post(as_user(reviewer), f"/content/email-templates/{template.pk}/approve",
                    {"password": "guess"})
    assert bad_fields(response) == {"password"}
    template.refresh_from_db()
    assert template.approved is False
    assert since() == []


def test_approved_templates_are_listed_with_their_signer(template, reviewer, msl_a, as_user):
    approved = post(as_user(reviewer), f"/content/email-templates/{template.pk}/approve",
                    {"password": PASSWORD})
    assert approved.status_code == 200, approved.content
    assert approved.json()["approved_by"]["name"] == "Reviewer Tester"
    EmailTemplate.objects.create(name="Unapproved", subject="s", body="{link}")
    usable = get(as_user(msl_a), "/content/email-templates", approved=True).json()
    assert [t["name"] for t in usable] == ["Visit follow-up"]
    assert len(get(as_user(msl_a), "/content/email-templates").json()) == 2


def test_template_without_the_link_placeholder_is_422_on_body(reviewer, ref, as_user):
    response = post(as_user(reviewer), "/content/email-templates",
                    {"name": "No link", "subject": "Hello", "body": "Dear {kol_name}"})
    assert bad_fields(response) == {"body"}
