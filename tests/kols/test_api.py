"""The KOL 360 API through the HTTP client: every endpoint's 401, 403 and 404, the firewall
for commercial roles, validation (422), conflicts (409) and an audit entry for every write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kolbridge.core.models import AuditEntry
from kolbridge.kols.models import Kol, KolStageChange, ScientificQuestion
from tests.utils import bad_fields, detail, get, patch, post

pytestmark = pytest.mark.django_db

NEW_KOL = {
    "title": "Prof.",
    "first_name": "Hana",
    "last_name": "Sato",
    "specialty": "Rheumatology",
    "tier": 2,
    "institution": "Lakeside Medical Center",
    "city": "Portland",
    "country": "US",
    "territory": "NE",
    "therapeutic_areas": ["IMM"],
    "external_ids": {"npi": "1679576722", "orcid": "0000-0002-1825-0097"},
}

# Every write endpoint: (method, path, a valid payload, the audit action it writes).
WRITES = [
    ("patch", "/kols/{kol}", {"city": "Salem"}, "kol.update"),
    ("post", "/kols/{kol}/stage", {"stage": "evaluating", "note": "Wants the data"},
     "kol.stage_change"),
    ("post", "/kols/{kol}/knowledge", {"level": 4, "therapeutic_area": "ONC"},
     "kol.knowledge_record"),
    ("post", "/kols/{kol}/channel-preferences",
     {"channels": ["video", "email"], "email_consent": True}, "kol.channel_preferences_record"),
    ("post", "/kols/{kol}/questions", {"text": "Any data in the elderly?"}, "kol.question_add"),
    ("patch", "/kols/{kol}/questions/{question}",
     {"status": "answered", "answer_summary": "Sent the subgroup analysis"},
     "kol.question_update"),
]
WRITE_IDS = [f"{m.upper()} {p}" for m, p, _, _ in WRITES]
READS = ["/kols/{kol}", "/kols/{kol}/timeline", "/kols/{kol}/questions"]


def send(client, method: str, path: str, payload):
    return (post if method == "post" else patch)(client, path, payload)


@pytest.fixture
def paths_a(kol_a):
    return {"kol": kol_a.pk, "question": ScientificQuestion.objects.get(kol=kol_a).pk}


@pytest.fixture
def paths_b(kol_b):
    return {"kol": kol_b.pk, "question": ScientificQuestion.objects.get(kol=kol_b).pk}


@pytest.fixture
def msl(msl_a, as_user):
    return as_user(msl_a)


# ---- every endpoint: 401, 403, 404 and the audit entry --------------------------------------


@pytest.mark.parametrize("method,path,payload,action", WRITES, ids=WRITE_IDS)
def test_write_by_msl_in_territory_succeeds_and_is_audited(
    msl, msl_a, paths_a, method, path, payload, action, audit_mark
):
    since = audit_mark()
    response = send(msl, method, path.format(**paths_a), payload)
    assert response.status_code in (200, 201), response.content
    [entry] = since()
    assert entry.action == action
    assert entry.actor == msl_a
    assert entry.object_type == "kol"
    assert entry.object_id == str(paths_a["kol"])
    assert entry.after


@pytest.mark.parametrize("method,path,payload,action", WRITES, ids=WRITE_IDS)
def test_write_without_sign_in_is_401_and_writes_nothing(outsider, paths_a, method, path,
                                                         payload, action):
    count = AuditEntry.objects.count()
    assert send(outsider, method, path.format(**paths_a), payload).status_code == 401
    assert AuditEntry.objects.count() == count


@pytest.mark.parametrize("persona", ["pm", "rep"])
@pytest.mark.parametrize("method,path,payload,action", WRITES, ids=WRITE_IDS)
def test_write_by_commercial_role_is_403_naming_the_rule(
    request, as_user, persona, paths_a, method, path, payload, action
):
    client = as_user(request.getfixturevalue(persona))
    count = AuditEntry.objects.count()
    response = send(client, method, path.format(**paths_a), payload)
    assert response.status_code == 403
    assert "Firewall rule" in detail(response)
    assert AuditEntry.objects.count() == count


@pytest.mark.parametrize("method,path,payload,action", WRITES, ids=WRITE_IDS)
def test_write_by_pv_officer_is_403(pv, as_user, paths_a, method, path, payload, action):
    response = send(as_user(pv), method, path.format(**paths_a), payload)
    assert response.status_code == 403


@pytest.mark.parametrize("method,path,payload,action", WRITES, ids=WRITE_IDS)
def test_write_to_a_kol_outside_the_territory_is_404_and_writes_nothing(
    msl, paths_b, method, path, payload, action
):
    count = AuditEntry.objects.count()
    response = send(msl, method, path.format(**paths_b), payload)
    assert response.status_code == 404
    assert AuditEntry.objects.count() == count


@pytest.mark.parametrize("method,path,payload,action", WRITES, ids=WRITE_IDS)
def test_write_to_an_unknown_kol_is_404(msl, paths_a, method, path, payload, action):
    response = send(msl, method, path.format(kol=987654, question=paths_a["question"]), payload)
    assert response.status_code == 404
    assert "987654" in detail(response)


@pytest.mark.parametrize("path", READS)
def test_read_without_sign_in_is_401(outsider, paths_a, path):
    assert get(outsider, path.format(**paths_a)).status_code == 401


@pytest.mark.parametrize("path", READS)
def test_read_of_a_kol_outside_the_territory_is_404(msl, paths_b, path):
    response = get(msl, path.format(**paths_b))
    assert response.status_code == 404
    assert "Varga" not in response.content.decode()


@pytest.mark.parametrize("path", READS)
def test_read_of_an_unknown_kol_is_404(msl, path, paths_a):
    assert get(msl, path.format(kol=987654)).status_code == 404


def test_list_without_sign_in_is_401(outsider):
    assert get(outsider, "/kols").status_code == 401


def test_create_without_sign_in_is_401(outsider, ref):
    assert post(outsider, "/kols", NEW_KOL).status_code == 401
    assert not Kol.objects.exists()


@pytest.mark.parametrize("persona", ["pm", "rep", "reviewer", "pv"])
def test_create_by_a_role_that_may_not_is_403(request, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    response = post(client, "/kols", NEW_KOL)
    assert response.status_code == 403
    assert "Firewall rule" in detail(response)
    assert not Kol.objects.filter(last_name="Sato").exists()


# ---- list and search ------------------------------------------------------------------------


def test_list_shape_has_items_with_id_and_territory_and_a_count(pm, as_user, kol_a, kol_b):
    body = get(as_user(pm), "/kols").json()
    assert body["count"] == 2
    assert [(i["id"], i["territory"]) for i in body["items"]] == [
        (kol_a.pk, "NE"), (kol_b.pk, "SE")
    ]
    item = body["items"][0]
    assert item["display_name"] == "Dr Amelia Okafor"
    assert {"specialty", "tier", "institution", "city", "country"} <= set(item)


def test_msl_lists_only_own_territory(msl, kol_a, kol_b):
    body = get(msl, "/kols").json()
    assert body["count"] == 1
    assert [i["id"] for i in body["items"]] == [kol_a.pk]


def test_msl_filtering_by_another_territory_gets_nothing(msl, kol_a, kol_b):
    body = get(msl, "/kols", territory="SE").json()
    assert body == {"items": [], "count": 0, "limit": 25, "offset": 0}


def test_msl_searching_for_another_territorys_kol_gets_nothing(msl, kol_a, kol_b):
    assert get(msl, "/kols", q="Varga").json()["count"] == 0


@pytest.mark.parametrize("persona", ["reviewer", "pv", "admin", "pm", "rep"])
def test_roles_without_a_territory_rule_list_every_kol(request, as_user, persona, kol_a, kol_b):
    body = get(as_user(request.getfixturevalue(persona)), "/kols").json()
    assert [i["id"] for i in body["items"]] == [kol_a.pk, kol_b.pk]


def test_medical_lead_lists_the_team_territory(lead, as_user, kol_a, kol_b):
    assert [i["id"] for i in get(as_user(lead), "/kols").json()["items"]] == [kol_a.pk]


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"q": "okafor"}, {"a"}),
        ({"q": "amelia okafor"}, {"a"}),
        ({"q": "oncology"}, {"a", "b"}),
        ({"q": "SE University"}, {"b"}),
        ({"q": "nobody-like-this"}, set()),
        ({"tier": 1}, {"a", "b"}),
        ({"tier": 2}, set()),
        ({"therapeutic_area": "ONC"}, {"a", "b"}),
        ({"therapeutic_area": "CARD"}, set()),
        ({"territory": "SE"}, {"b"}),
        ({"territory": "NE", "q": "Varga"}, set()),
    ],
)
def test_search_by_text_and_filters(admin, as_user, kol_a, kol_b, params, expected):
    names = {kol_a.pk: "a", kol_b.pk: "b"}
    body = get(as_user(admin), "/kols", **params).json()
    assert {names[i["id"]] for i in body["items"]} == expected
    assert body["count"] == len(expected)


def test_search_by_stage_for_medical_roles(msl, msl_a, kol_a):
    assert get(msl, "/kols", stage="exploring").json()["count"] == 1
    assert get(msl, "/kols", stage="adopting").json()["count"] == 0


@pytest.mark.parametrize("persona", ["pm", "rep"])
def test_search_by_stage_is_403_for_commercial_roles(request, as_user, persona, kol_a):
    response = get(as_user(request.getfixturevalue(persona)), "/kols", stage="exploring")
    assert response.status_code == 403
    assert "Firewall rule" in detail(response)


def test_commercial_search_does_not_match_question_text(pm, as_user, kol_a):
    assert get(as_user(pm), "/kols", q="renal").json()["count"] == 0


def test_limit_and_offset_page_through_the_list(admin, as_user, kol_a, kol_b):
    client = as_user(admin)
    first = get(client, "/kols", limit=1).json()
    second = get(client, "/kols", limit=1, offset=1).json()
    past = get(client, "/kols", limit=1, offset=2).json()
    assert (first["count"], second["count"], past["count"]) == (2, 2, 2)
    assert [i["id"] for i in first["items"] + second["items"]] == [kol_a.pk, kol_b.pk]
    assert past["items"] == []


@pytest.mark.parametrize(
    "params,field",
    [({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"offset": -1}, "offset"),
     ({"tier": 7}, "tier"), ({"stage": "enlightened"}, "stage"), ({"limit": "many"}, "limit")],
)
def test_bad_list_parameters_are_422_naming_the_parameter(msl, kol_a, params, field):
    assert field in bad_fields(get(msl, "/kols", **params))


# ---- create ---------------------------------------------------------------------------------


def test_create_answers_201_with_the_new_profile_and_its_id(msl, msl_a, ref, audit_mark):
    since = audit_mark()
    response = post(msl, "/kols", NEW_KOL)
    assert response.status_code == 201
    body = response.json()
    kol = Kol.objects.get(pk=body["id"])
    assert kol.last_name == "Sato"
    assert body["territory"] == "NE"
    assert body["therapeutic_areas"] == ["IMM"]
    assert sorted((e["system"], e["value"]) for e in body["external_ids"]) == [
        ("npi", "1679576722"), ("orcid", "0000-0002-1825-0097")
    ]
    assert body["version"] == 1
    assert body["journey"]["stage"] == "unaware"
    assert body["open_questions"] == 0
    [entry] = since()
    assert (entry.action, entry.actor, entry.object_id) == ("kol.create", msl_a, str(kol.pk))


def test_created_kol_is_listed_and_readable(msl, ref):
    kol_id = post(msl, "/kols", NEW_KOL).json()["id"]
    assert [i["id"] for i in get(msl, "/kols").json()["items"]] == [kol_id]
    assert get(msl, f"/kols/{kol_id}").json()["last_name"] == "Sato"


def test_create_with_missing_and_bad_fields_is_422_naming_each(msl, ref):
    payload = NEW_KOL | {"tier": 9, "external_ids": {"fax": "1"}}
    del payload["first_name"]
    del payload["institution"]
    fields = bad_fields(post(msl, "/kols", payload))
    assert fields == {"first_name", "institution", "tier", "external_ids"}
    assert not Kol.objects.exists()


def test_create_with_an_invalid_npi_is_422_on_external_ids(msl, ref):
    response = post(msl, "/kols", NEW_KOL | {"external_ids": {"npi": "1234567890"}})
    assert bad_fields(response) == {"external_ids"}
    assert "NPI" in response.json()["detail"][0]["msg"]


def test_create_with_an_unknown_territory_is_422(msl, ref):
    assert bad_fields(post(msl, "/kols", NEW_KOL | {"territory": "ZZ"})) == {"territory"}


def test_create_with_a_bad_email_is_422(msl, ref):
    assert "email" in bad_fields(post(msl, "/kols", NEW_KOL | {"email": "nope"}))


def test_msl_cannot_create_in_another_territory(msl, ref):
    assert bad_fields(post(msl, "/kols", NEW_KOL | {"territory": "SE"})) == {"territory"}
    assert not Kol.objects.exists()


def test_create_with_a_taken_external_id_is_409_naming_the_holder(msl, kol_a, audit_mark):
    since = audit_mark()
    response = post(msl, "/kols", NEW_KOL | {"external_ids": {"npi": "1234567893"}})
    assert response.status_code == 409
    assert f"KOL #{kol_a.pk} (Dr Amelia Okafor)" in detail(response)
    assert Kol.objects.count() == 1
    assert since() == []


def test_conflict_with_a_kol_outside_reach_names_only_its_number(msl, kol_b):
    response = post(msl, "/kols", NEW_KOL | {"external_ids": {"npi": "1245319599"}})
    assert response.status_code == 409
    assert f"KOL #{kol_b.pk}" in detail(response)
    assert "Varga" not in detail(response)


# ---- detail and patch -----------------------------------------------------------------------


def test_detail_for_medical_shows_journey_and_open_question_count(msl, kol_a):
    body = get(msl, f"/kols/{kol_a.pk}").json()
    assert body["id"] == kol_a.pk
    assert body["territory"] == "NE"
    assert body["journey"]["stage"] == "exploring"
    assert body["journey"]["knowledge"][0]["subject"] == "Oncology"
    assert body["journey"]["knowledge"][0]["level"] == 3
    assert body["journey"]["channel_preferences"]["channels"] == ["in_person", "video"]
    assert body["open_questions"] == 1


@pytest.mark.parametrize("persona", ["pm", "rep"])
def test_detail_for_commercial_shows_master_data_but_no_journey_or_questions(
    request, as_user, persona, kol_a
):
    response = get(as_user(request.getfixturevalue(persona)), f"/kols/{kol_a.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["last_name"], body["specialty"], body["tier"]) == ("Okafor", "Medical oncology", 1)
    assert body["journey"] is None
    assert body["open_questions"] is None
    text = response.content.decode()
    assert "renal" not in text and "exploring" not in text


def test_detail_for_reviewer_hides_journey_and_questions(reviewer, as_user, kol_a):
    body = get(as_user(reviewer), f"/kols/{kol_a.pk}").json()
    assert (body["journey"], body["open_questions"]) == (None, None)


def test_detail_for_admin_shows_journey_but_not_questions(admin, as_user, kol_a):
    body = get(as_user(admin), f"/kols/{kol_a.pk}").json()
    assert body["journey"]["stage"] == "exploring"
    assert body["open_questions"] is None


def test_knowledge_shows_the_newest_level_per_subject(msl, kol_a):
    post(msl, f"/kols/{kol_a.pk}/knowledge", {"level": 5, "therapeutic_area": "ONC"})
    post(msl, f"/kols/{kol_a.pk}/knowledge", {"level": 2, "product": "Zentorix"})
    old = (timezone.now() - timedelta(days=900)).isoformat()
    post(msl, f"/kols/{kol_a.pk}/knowledge",
         {"level": 1, "therapeutic_area": "ONC", "assessed_at": old})
    knowledge = get(msl, f"/kols/{kol_a.pk}").json()["journey"]["knowledge"]
    assert [(k["subject"], k["subject_kind"], k["level"]) for k in knowledge] == [
        ("Oncology", "therapeutic_area", 5), ("Zentorix", "product", 2)
    ]


def test_patch_changes_only_what_is_sent_and_bumps_the_version(msl, kol_a):
    response = patch(msl, f"/kols/{kol_a.pk}", {"specialty": "Thoracic oncology",
                                                  "version": kol_a.version})
    assert response.status_code == 200
    body = response.json()
    assert (body["specialty"], body["city"], body["version"]) == (
        "Thoracic oncology", "Boston", kol_a.version + 1
    )


def test_patch_with_a_stale_version_is_409_and_changes_nothing(msl, kol_a):
    patch(msl, f"/kols/{kol_a.pk}", {"city": "Cambridge"})
    response = patch(msl, f"/kols/{kol_a.pk}", {"city": "Salem", "version": kol_a.version})
    assert response.status_code == 409
    assert "changed by someone else" in detail(response)
    assert Kol.objects.get(pk=kol_a.pk).city == "Cambridge"


def test_patch_with_a_taken_external_id_is_409_naming_the_holder(msl, msl_a, kol_a):
    other = post(msl, "/kols", NEW_KOL).json()
    response = patch(msl, f"/kols/{other['id']}", {"external_ids": {"npi": "1234567893"},
                                                    "specialty": "Changed"})
    assert response.status_code == 409
    assert f"KOL #{kol_a.pk}" in detail(response)
    assert Kol.objects.get(pk=other["id"]).specialty == "Rheumatology"


@pytest.mark.parametrize(
    "payload,fields",
    [({"first_name": ""}, {"first_name"}), ({"tier": 0}, {"tier"}),
     ({"country": "USA"}, {"country"}), ({"email": "x"}, {"email"}),
     ({"therapeutic_areas": ["NOPE"]}, {"therapeutic_areas"}),
     ({"external_ids": {"orcid": "0000-0002-1825-0098"}}, {"external_ids"}),
     ({"territory": "SE"}, {"territory"})],
)
def test_patch_with_bad_fields_is_422_and_changes_nothing(msl, kol_a, payload, fields):
    assert bad_fields(patch(msl, f"/kols/{kol_a.pk}", payload)) == fields
    kol = Kol.objects.get(pk=kol_a.pk)
    assert (kol.version, kol.territory.code) == (kol_a.version, "NE")


def test_patch_with_a_body_that_is_not_json_is_400(msl, kol_a):
    response = msl.patch(f"/api/v1/kols/{kol_a.pk}", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert Kol.objects.get(pk=kol_a.pk).version == kol_a.version


# ---- stage, knowledge, channel preferences --------------------------------------------------


def test_stage_post_adds_history_and_moves_the_current_stage(msl, kol_a):
    response = post(msl, f"/kols/{kol_a.pk}/stage", {"stage": "evaluating", "note": "Trial data"})
    assert response.status_code == 201
    body = response.json()
    assert (body["stage"], body["previous_stage"], body["note"]) == (
        "evaluating", "exploring", "Trial data"
    )
    assert KolStageChange.objects.filter(kol=kol_a).count() == 3
    assert get(msl, f"/kols/{kol_a.pk}").json()["journey"]["stage"] == "evaluating"
    assert get(msl, "/kols", stage="evaluating").json()["count"] == 1


def test_backdated_stage_post_does_not_override_the_current_stage(msl, kol_a):
    old = (timezone.now() - timedelta(days=1000)).isoformat()
    response = post(msl, f"/kols/{kol_a.pk}/stage", {"stage": "unaware", "changed_at": old})
    assert response.status_code == 201
    assert get(msl, f"/kols/{kol_a.pk}").json()["journey"]["stage"] == "exploring"


@pytest.mark.parametrize(
    "payload,fields",
    [({"stage": "enlightened"}, {"stage"}), ({}, {"stage"}),
     ({"stage": "aware", "changed_at": "yesterday-ish"}, {"changed_at"})],
)
def test_stage_post_with_bad_input_is_422(msl, kol_a, payload, fields):
    assert bad_fields(post(msl, f"/kols/{kol_a.pk}/stage", payload)) == fields


def test_stage_in_the_future_is_422(msl, kol_a):
    later = (timezone.now() + timedelta(days=3)).isoformat()
    response = post(msl, f"/kols/{kol_a.pk}/stage", {"stage": "adopting", "changed_at": later})
    assert bad_fields(response) == {"changed_at"}


def test_knowledge_post_answers_201(msl, kol_a):
    response = post(msl, f"/kols/{kol_a.pk}/knowledge", {"level": 4, "product": "Zentorix"})
    assert response.status_code == 201
    assert (response.json()["subject"], response.json()["level"]) == ("Zentorix", 4)


@pytest.mark.parametrize(
    "payload,fields",
    [({"level": 3}, {"subject"}),
     ({"level": 3, "therapeutic_area": "ONC", "product": "Zentorix"}, {"subject"}),
     ({"level": 6, "therapeutic_area": "ONC"}, {"level"}),
     ({"level": 3, "therapeutic_area": "XYZ"}, {"therapeutic_area"}),
     ({"level": 3, "product": "Nope"}, {"product"})],
)
def test_knowledge_post_with_bad_input_is_422(msl, kol_a, payload, fields):
    assert bad_fields(post(msl, f"/kols/{kol_a.pk}/knowledge", payload)) == fields


def test_channel_preferences_post_answers_201_and_shows_on_the_profile(msl, kol_a):
    payload = {"channels": ["webinar"], "email_consent": False, "preferred_times": "Evenings"}
    response = post(msl, f"/kols/{kol_a.pk}/channel-preferences", payload)
    assert response.status_code == 201
    assert response.json()["channels"] == ["webinar"]
    prefs = get(msl, f"/kols/{kol_a.pk}").json()["journey"]["channel_preferences"]
    assert (prefs["channels"], prefs["preferred_times"]) == (["webinar"], "Evenings")


@pytest.mark.parametrize(
    "payload,fields",
    [({"channels": ["email"], "email_consent": False}, {"email_consent"}),
     ({"channels": ["fax"], "email_consent": True}, {"channels"}),
     ({"channels": ["video"]}, {"email_consent"})],
)
def test_channel_preferences_post_with_bad_input_is_422(msl, kol_a, payload, fields):
    assert bad_fields(post(msl, f"/kols/{kol_a.pk}/channel-preferences", payload)) == fields


# ---- timeline -------------------------------------------------------------------------------


def test_timeline_shows_all_history_newest_first(msl, kol_a):
    question = ScientificQuestion.objects.get(kol=kol_a)
    patch(msl, f"/kols/{kol_a.pk}/questions/{question.pk}",
          {"status": "answered", "answer_summary": "Shared the renal PK study"})
    entries = get(msl, f"/kols/{kol_a.pk}/timeline").json()
    times = [e["at"] for e in entries]
    assert times == sorted(times, reverse=True)
    kinds = [e["kind"] for e in entries]
    # The profile was created today; the history before it was recorded with its own dates.
    assert kinds == ["answer", "profile", "question", "channels", "knowledge", "stage", "stage"]
    assert entries[5]["title"] == "Stage: Exploring (from Aware)"
    assert entries[-1]["detail"] == "Congress booth"
    assert entries[-1]["by"] == "Msl A Tester"


@pytest.mark.parametrize("persona", ["pm", "rep"])
def test_timeline_for_commercial_has_no_questions_or_journey(request, as_user, persona, kol_a):
    response = get(as_user(request.getfixturevalue(persona)), f"/kols/{kol_a.pk}/timeline")
    assert response.status_code == 200
    assert {e["kind"] for e in response.json()} == {"profile"}
    assert "renal" not in response.content.decode()


def test_timeline_for_admin_has_journey_but_no_questions(admin, as_user, kol_a):
    kinds = {e["kind"] for e in get(as_user(admin), f"/kols/{kol_a.pk}/timeline").json()}
    assert kinds == {"profile", "stage", "knowledge", "channels"}


def test_timeline_limit(msl, kol_a):
    entries = get(msl, f"/kols/{kol_a.pk}/timeline", limit=2).json()
    assert [e["kind"] for e in entries] == ["profile", "question"]
    assert bad_fields(get(msl, f"/kols/{kol_a.pk}/timeline", limit=0)) == {"limit"}


# ---- scientific questions -------------------------------------------------------------------


def test_questions_list_for_medical(msl, kol_a):
    response = get(msl, f"/kols/{kol_a.pk}/questions")
    assert response.status_code == 200
    [question] = response.json()
    assert question["status"] == "open"
    assert question["therapeutic_area"] == "ONC"
    assert "renal" in question["text"]
    assert question["answered_at"] is None


def test_pv_officer_reads_questions(pv, as_user, kol_a, kol_b):
    assert get(as_user(pv), f"/kols/{kol_b.pk}/questions").status_code == 200


@pytest.mark.parametrize("persona", ["pm", "rep", "reviewer", "admin"])
def test_sales_rep_and_others_cannot_read_kol_questions(request, as_user, persona, kol_a):
    response = get(as_user(request.getfixturevalue(persona)), f"/kols/{kol_a.pk}/questions")
    assert response.status_code == 403
    assert "Firewall rule" in detail(response)
    assert "renal" not in response.content.decode()


def test_question_post_answers_201_and_counts_as_open(msl, kol_a):
    response = post(msl, f"/kols/{kol_a.pk}/questions",
                    {"text": "Interaction with warfarin?", "therapeutic_area": "CARD"})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["therapeutic_area"]) == ("open", "CARD")
    assert ScientificQuestion.objects.filter(pk=body["id"], kol=kol_a).exists()
    assert get(msl, f"/kols/{kol_a.pk}").json()["open_questions"] == 2


@pytest.mark.parametrize(
    "payload,fields",
    [({}, {"text"}), ({"text": "   "}, {"text"}), ({"text": "Q?", "therapeutic_area": "NO"},
                                                    {"therapeutic_area"}),
     ({"text": "Q?", "asked_at": "soon"}, {"asked_at"})],
)
def test_question_post_with_bad_input_is_422(msl, kol_a, payload, fields):
    assert bad_fields(post(msl, f"/kols/{kol_a.pk}/questions", payload)) == fields


def test_question_answer_and_reopen_with_dates(msl, kol_a, paths_a):
    url = f"/kols/{kol_a.pk}/questions/{paths_a['question']}"
    answered = patch(msl, url, {"status": "answered", "answer_summary": "Sent PK data"}).json()
    assert answered["status"] == "answered"
    assert answered["answered_at"] is not None
    assert answered["answer_summary"] == "Sent PK data"
    assert get(msl, f"/kols/{kol_a.pk}").json()["open_questions"] == 0
    assert get(msl, f"/kols/{kol_a.pk}/questions", status="answered").json()[0]["id"] == (
        paths_a["question"]
    )
    reopened = patch(msl, url, {"status": "open"}).json()
    assert (reopened["status"], reopened["answered_at"]) == ("open", None)
    assert get(msl, f"/kols/{kol_a.pk}/questions", status="answered").json() == []


@pytest.mark.parametrize(
    "payload,fields",
    [({"status": "closed"}, {"status"}), ({"text": ""}, {"text"}),
     ({"status": "answered", "answered_at": "2001-01-01T00:00:00Z"}, {"answered_at"})],
)
def test_question_patch_with_bad_input_is_422(msl, kol_a, paths_a, payload, fields):
    url = f"/kols/{kol_a.pk}/questions/{paths_a['question']}"
    assert bad_fields(patch(msl, url, payload)) == fields
    assert ScientificQuestion.objects.get(pk=paths_a["question"]).status == "open"


def test_question_patch_of_another_kols_question_is_404(msl, kol_a, paths_b):
    response = patch(msl, f"/kols/{kol_a.pk}/questions/{paths_b['question']}", {"status": "open"})
    assert response.status_code == 404


def test_question_patch_of_an_unknown_question_is_404(msl, kol_a):
    assert patch(msl, f"/kols/{kol_a.pk}/questions/987654", {"text": "x"}).status_code == 404


def test_lead_answers_a_question_of_the_team(lead, as_user, paths_a):
    url = f"/kols/{paths_a['kol']}/questions/{paths_a['question']}"
    assert patch(as_user(lead), url, {"status": "answered"}).status_code == 200


# ---- bearer tokens reach the same firewall --------------------------------------------------


def test_bearer_token_client_gets_the_same_territory_rules(msl_a, token_client, kol_a, kol_b):
    client = token_client(msl_a)
    assert [i["id"] for i in get(client, "/kols").json()["items"]] == [kol_a.pk]
    assert get(client, f"/kols/{kol_b.pk}").status_code == 404


def test_bearer_token_client_for_commercial_gets_403_on_questions(pm, token_client, kol_a):
    assert get(token_client(pm), f"/kols/{kol_a.pk}/questions").status_code == 403
